"""Pure parts of the training-data builder (no torch, no data folder): the split rule and the
look-alike trigger words used to mine hard negatives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "train"))

pytest.importorskip("tokenizers")
data = pytest.importorskip("safelint_train.data")


def test_val_share_never_moves_the_test_half() -> None:
    keys = [f"small_{i:05d}.jpg" for i in range(400)]
    for k in keys:
        p1, p3 = data.part_of(k), data.part_of(k, data.PRISM_VAL_TENTHS)
        assert (p1 == "test") == (p3 == "test") == (data.split_of(k) == "test")
        if p1 == "val":  # a larger val share only moves train items to val
            assert p3 == "val"
    dev = [k for k in keys if data.split_of(k) == "dev"]
    share = sum(data.part_of(k, 3) == "val" for k in dev) / len(dev)
    assert 0.2 < share < 0.4


@pytest.mark.parametrize("text, attr", [
    ("A man in a white shirt rides a bike.", "race"),
    ("The old building has a red roof.", "age"),
    ("A large dog runs on the beach.", "weight"),
    ("The eye of the storm passed.", "eye_color"),
    ("Plug the male connector in.", "gender"),
])
def test_triggers(text: str, attr: str) -> None:
    assert data._TRIGGER[attr].search(text)


def test_no_trigger() -> None:
    assert not any(rx.search("Two people are playing frisbee in the park.") for rx in data._TRIGGER.values())


# -- fixer output as negatives (tiny LLaVA-Instruct fixture, no ../shared) ---------------------------
def _keys(part: str, n: int) -> list[str]:
    out = []
    i = 0
    while len(out) < n:
        k = f"{i:012d}.jpg"
        if data.part_of(k) == part:
            out.append(k)
        i += 1
    return out


_TURNS = [
    "A mother and her son are walking in the park. The woman holds a red umbrella. A dog follows them.",
    "The young girl is blowing out the candles while her family watches.",
    "A man with a beard is sitting next to his wife on a bench. The couple looks happy.",
    "Two people are playing frisbee in the park.",  # no finding: not fixed, not used
    "Female giraffes give birth standing up. The man-made fence keeps the animals in.",
]


@pytest.fixture()
def llava_dir(tmp_path: Path) -> Path:
    import json

    d = tmp_path / "llava_instruct"
    d.mkdir()
    keys = _keys("train", 6) + _keys("val", 2) + _keys("test", 2)
    with (d / "chunk_0.json").open("w", encoding="utf-8") as fh:
        for j, key in enumerate(keys):
            convs = [{"from": "human", "value": "<image>\nWhat is happening?"},
                     {"from": "gpt", "value": _TURNS[j % len(_TURNS)]}]
            fh.write(json.dumps({"id": key, "image": key, "conversations": convs}) + "\n")
    return tmp_path


def test_fix_cue_words() -> None:
    assert data.fix_cue("The youthful person smiles.")
    assert data.fix_cue("A person with a beard.")
    assert data.fix_cue("The students are reading.")
    assert not data.fix_cue("A parent and their offspring are walking in the park.")
    assert not data.fix_cue("The person holds a red umbrella.")


def test_fixed_negatives_of() -> None:
    from safelint.fixer import Fixer

    lab = data.Labeller()
    fixer = Fixer(lab.engine, unsafe=True)
    text = _TURNS[0]
    got = data.fixed_negatives_of(text, fixer, lab)
    assert got, fixer.fix_text(text, "gpt").text
    assert all(not lab.matches(t, "gpt") and not data.fix_cue(t) for t in got)
    assert "A dog follows them." not in got  # unchanged and no kinship word
    assert any("parent" in t for t in got)
    assert data.fixed_negatives_of(_TURNS[3], fixer, lab) == []  # nothing to fix


def test_fixed_negatives_source(llava_dir: Path) -> None:
    lab = data.Labeller()
    a = list(data.fixed_negatives(llava_dir, lab, limit=100))
    b = list(data.fixed_negatives(llava_dir, lab, limit=100))
    assert a == b and a  # deterministic, not empty
    for it in a:
        assert it["src"] == "fixneg/llava"
        assert it["y"] == [0.0] * len(data.LABELS) and it["w"] == [1.5] * len(data.LABELS)
        assert it["part"] == data.part_of(it["key"])
        assert not lab.leak(it["text"]) and not data.fix_cue(it["text"])
        assert "frisbee" not in it["text"] and "giraffe" not in it["text"]
    # the cap: a quarter on val/test
    capped = list(data.fixed_negatives(llava_dir, lab, limit=4))
    parts = [it["part"] for it in capped]
    assert parts.count("train") <= 4 and parts.count("val") <= 1 and parts.count("test") <= 1


def test_object_negatives(llava_dir: Path) -> None:
    lab = data.Labeller()
    got = list(data.object_negatives(llava_dir, lab, limit=100))
    texts = {it["text"] for it in got}
    assert "Female giraffes give birth standing up." in texts
    assert "The man-made fence keeps the animals in." in texts
    assert all(it["src"].startswith("hardneg/") for it in got)
    assert data._OBJ.search("Asian elephants have smaller ears.")
    assert not data._OBJ.search("The female athlete runs fast.")


def test_probe_sets_as_training_items(tmp_path: Path) -> None:
    """Hand-labelled probe sets: a question is an asking item; a short answer one chunk with its labels; a long answer
    several chunks, the attribute a positive where a rule finds it and unknown (weight 0) elsewhere; task "any"
    items are skipped; a fifth is validation, none is test."""
    import json

    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(ROOT / "models" / "tokenizer.json"))  # the base model's vocabulary
    tok.no_truncation()
    tok.no_padding()

    def offsets(s: str):  # type: ignore[no-untyped-def]
        return tok.encode(s, add_special_tokens=False).offsets

    long = " ".join(["The street is busy with traffic and shops on both sides."] * 14) + " The man is overweight."
    rows = [{"text": "How old is the woman?", "role": "human", "labels": ["age"]},
            {"text": "A slim woman walks her dog.", "role": "gpt", "labels": ["gender", "weight"]},
            {"text": long, "role": "gpt", "labels": ["gender", "weight"]},
            {"text": "Is she Asian? She looks about 30.", "role": "human", "labels": ["race", "age"], "task": "any"}]
    f = tmp_path / "leak_probes_setX.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = list(data.probes([f], data.Labeller(), offsets))
    L = data.LABELS
    assert {it["src"] for it in items} == {"probes/leak_probes_setX"}
    assert all(it["part"] in ("train", "val") for it in items)
    q, short, *chunks = items
    assert q["text"].startswith("question: ") and q["y"][L.index("asks")] == 1.0 and q["y"][L.index("age")] == 1.0
    assert short["y"][L.index("weight")] == 1.0 and short["y"][L.index("race")] == 0.0 and short["w"][0] == 2.0
    assert len(chunks) >= 2 and all(c["key"] == long for c in chunks)
    last, first = chunks[-1], chunks[0]
    assert last["y"][L.index("weight")] == 1.0 and last["w"][L.index("weight")] == 2.0  # the rule finds it here
    assert first["w"][L.index("weight")] == 0.0  # labelled, but elsewhere in the long answer: unknown here
    assert first["y"][L.index("race")] == 0.0 and first["w"][L.index("race")] == 2.0  # not labelled: a negative
