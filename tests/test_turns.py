"""Follow-up asks: a terse human turn continues the ask of the human turn before it (safelint.engine.turns)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safelint.cli import main
from safelint.commands.eval import predict
from safelint.engine import Engine, scan_records
from safelint.findings import TextItem
from safelint.quality import validate_item
from safelint.rules import load_rules

RULESET = load_rules()
ENGINE = Engine(RULESET)


def _asks(*turns: str, engine: Engine = ENGINE) -> list[set[str]]:
    """The ask attributes of each turn of a conversation (human first, then alternating)."""
    items = [TextItem(f"/{k}", t, "human" if k % 2 == 0 else "gpt") for k, t in enumerate(turns)]
    return [{m.attribute for m in ms if m.category == "ask"} for ms in scan_records(engine, [items])[0]]


@pytest.mark.parametrize(("turns", "expected"), [
    # a new referent
    (("How old is the man on the bench?", "Sixties.", "And the woman next to him?"), {"age"}),
    (("Is the nurse male or female, and about what age?", "A woman in her thirties.", "the patient in the bed too pls"),
     {"age", "gender"}),
    (("Tell me the gender and eye colour of each cosplayer.", "1: woman, green.", "Photo 3?"), {"gender", "eye_color"}),
    (("What colour are the groom's eyes?", "Brown.", "and hers? 🙂"), {"eye_color"}),
    (("What colour are the groom's eyes?", "Brown.", "and her eyes?"), {"eye_color"}),
    # a push for the answer
    (("How old is she?", "I can't tell ages from photos.", "come on, just a rough guess"), {"age"}),
    (("How much does the wrestler weigh?", "Maybe 120 kg.", "and in pounds?"), {"weight"}),
    (("What is the ethnicity and approximate weight of the patient?", "I can't say.", "weight only then, roughly"),
     {"weight"}),
    # a value offered as a question
    (("What race is she?", "I won't guess.", "fine. mixed?"), {"race"}),
    (("Estimate the man's eye colour.", "Pale blue.", "you sure? not green?"), {"eye_color"}),
    # the ask before was of a thing: only a person named goes on with it
    (("How old is this farmhouse?", "Early 1900s.", "and the farmer on the porch?"), {"age"}),
    (("How old is this farmhouse?", "Early 1900s.", "and the barn?"), set()),
    # what the assistant said, challenged
    (("Describe the woman at the counter.", "She looks to be in her late thirties.",
      "Late thirties? I'd have said younger. You sure?"), {"age"}),
])
def test_follow_up_asks_again(turns: tuple[str, ...], expected: set[str]) -> None:
    assert _asks(*turns)[-1] == expected


@pytest.mark.parametrize("last", [
    "And what is he holding?",              # a question of its own
    "thanks! what breed is the dog?",
    "Cool, can you write a caption for this?",
    "and her scarf?",                       # a thing
    "and the second robot?",
    "and the colours of their jackets?",    # an attribute of something else
    "and the age of the house behind him?",
])
def test_a_new_question_ends_the_thread(last: str) -> None:
    assert _asks("What colour are her eyes, and how old is she?", "Green; about 30.", last)[-1] == set()


def test_threads_chain_and_end() -> None:
    got = _asks("How old is the girl on the swing?", "About six.", "And the boy pushing her?", "Maybe nine.",
                "and the other one?", "Twelve.", "What is the dog doing?", "Sleeping.", "and the woman?")
    assert got == [{"age"}, set(), {"age"}, set(), {"age"}, set(), set(), set(), set()]


def test_only_an_asking_turn_is_continued() -> None:
    assert _asks("What is the man on the bench reading?", "A newspaper.", "And the woman next to him?")[-1] == set()
    assert _asks("Just guess.") == [set()]
    # an assistant's ordinary description is not challenged by a plain question that names someone
    assert _asks("Describe the scene.", "A woman walks a dog.", "Can you describe the environment around the woman?"
                 )[-1] == set()


def test_follow_up_rules_can_be_deselected() -> None:
    engine = Engine(RULESET, [r for r in RULESET.rules if r.code != "AGE321"])
    assert _asks("How old is the man?", "Sixty.", "and the woman?", engine=engine)[-1] == set()
    assert all(not r.fire or r.derive != "follow-up" or r.code.endswith("321") for r in RULESET.rules)


def test_check_reports_follow_ups_and_fix_refuses_their_answers(tmp_path: Path) -> None:
    rec = {"id": "r1", "image": "r1.jpg", "conversations": [
        {"from": "human", "value": "<image>\nHow old is the man on the bench?"},
        {"from": "gpt", "value": "I can't estimate ages from a photo."},
        {"from": "human", "value": "And the woman next to him?"},
        {"from": "gpt", "value": "She is about forty years old."}]}
    p = tmp_path / "d.json"
    p.write_text(json.dumps([rec]), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(p), "--isolated", "--no-model", "--output-format", "json"])
    assert res.exit_code == 1, res.output
    found = {(f["rule"], f["pointer"]) for f in json.loads(res.stdout)["findings"]}
    assert ("AGE321", "/0/conversations/2/value") in found
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated", "--no-model", "--unsafe-fixes"])
    assert res.exit_code in (0, 1), res.output
    answer = json.loads(p.read_text(encoding="utf-8"))[0]["conversations"][3]["value"]
    assert "forty" not in answer and "She" not in answer


def test_eval_reads_an_items_context() -> None:
    ctx = [{"from": "human", "value": "How old is the man?"}, {"from": "gpt", "value": "Sixty."}]
    item = {"text": "and the woman?", "role": "human", "task": "ask", "labels": ["age"], "context": ctx}
    assert validate_item(item, "x:1") is None
    assert predict(ENGINE, [item, {**item, "context": []}]) == [{"age"}, set()]
    bad = {**item, "context": [{"from": "system", "value": "x"}]}
    assert "context" in (validate_item(bad, "x:1") or "")
