"""`fix` with a hybrid engine: findings of the classifier alone (source "model", AGE901/GEN391...).

A fake classifier (keyword cues, no onnxruntime) is plugged into ``HybridEngine`` and the engine into
the fixer: with --unsafe-fixes a sentence the classifier alone flags is dropped (only that sentence
of a multi-sentence chunk), an ask it alone finds turns the answer into the refusal; the safe fixes
never touch them; fix is idempotent; a caption or question is never emptied.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import safelint
from safelint.api import build_engine
from safelint.findings import TextItem
from safelint.fixer import REFUSAL, Fixer, fix_file
from safelint.model.hybrid import HybridEngine
from safelint.model.runtime import Chunk
from safelint.model.text import sentences

LABELS = ["age", "gender", "race", "eye_color", "weight", "asks", "refusal"]


class ChunkFake:
    """Keyword classifier that, like the shipped one, packs a short text's sentences into ONE chunk
    (so a model finding spans several sentences).  ``cues``: {words: {label: p}}; a cue of several
    words separated by "+" scores only when all are in the scored text."""

    thresholds = {a: 0.5 for a in LABELS}
    labels = LABELS
    meta: dict = {}
    providers = ["CPUExecutionProvider"]

    def __init__(self, cues: dict[str, dict[str, float]]):
        self.cues = cues
        self.scored: list[str] = []

    def _scores(self, text: str) -> dict[str, float]:
        self.scored.append(text)
        sc = {a: 0.01 for a in LABELS}
        low = text.lower()
        for cue, probs in self.cues.items():
            if all(c in low for c in cue.split("+")):
                sc.update(probs)
        return sc

    def chunks(self, text: str, role: str | None = None) -> list[tuple[int, int]]:
        ss = sentences(text)
        return [(ss[0][0], ss[-1][1])] if ss else [(0, 0)]

    def score_spans(self, items, *, batch_size: int = 32):  # type: ignore[no-untyped-def]
        return [self._scores(t[s:e]) for t, _r, s, e in items]

    def score_chunks(self, texts, roles=None, *, batch_size: int = 32):  # type: ignore[no-untyped-def]
        return [[Chunk(i, s, e, self._scores(t[s:e])) for s, e in self.chunks(t)] for i, t in enumerate(texts)]


# "How many decades has the person lived?" is an ask no rule reads (the rules now read "How many years has ..."):
# the model's ask in these tests
CUES = {"walking stick": {"age": 0.9}, "years+lived": {"age": 0.9, "asks": 0.9}, "decades+lived": {"age": 0.9, "asks": 0.9},
        "how many years": {"age": 0.9, "asks": 0.9},
        "slow+cane": {"age": 0.8}, "curves": {"gender": 0.9}}


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return build_engine()


@pytest.fixture()
def hybrid(rules):  # type: ignore[no-untyped-def]
    return HybridEngine(rules, ChunkFake(CUES), confirm=0.0, find=1.0)  # type: ignore[arg-type]


def _items(*turns: str) -> list[TextItem]:
    return [TextItem(f"/conversations/{k}/value", t, "human" if k % 2 == 0 else "gpt") for k, t in enumerate(turns)]


def _twice(fixer: Fixer, items: list[TextItem]) -> list[str]:
    """Fix, then fix the output again: the second run must change nothing."""
    out = [f.text for f in fixer.fix_items(items)]
    again = fixer.fix_items([TextItem(it.pointer, t, it.role) for it, t in zip(items, out)])
    assert [f.text for f in again] == out and not any(f.changed for f in again)
    return out


ANSWER = "A man walks his dog. The person leans on a walking stick. A red car is parked."


def test_model_leak_is_a_finding_with_an_unsafe_fix(hybrid) -> None:  # type: ignore[no-untyped-def]
    ms = hybrid.scan(ANSWER, "gpt")
    model = [m for m in ms if m.source == "model"]
    assert [(m.rule, m.fix) for m in model] == [("AGE901", "unsafe")]
    assert model[0].start == 0 and model[0].end == len(ANSWER)  # the whole chunk, three sentences


def test_safe_fixes_never_touch_model_findings(hybrid) -> None:  # type: ignore[no-untyped-def]
    fx = Fixer(hybrid)
    r = fx.fix_text(ANSWER, "gpt")
    assert r.text == "A person walks their dog. The person leans on a walking stick. A red car is parked."
    assert r.safety == "safe" and "AGE901" not in r.rules
    assert [m.rule for m in r.remaining] == ["AGE901"]
    # records: the model's finding stays, labelled for --unsafe-fixes; a model ask leaves the answer alone
    items = _items("<image>\nHow many decades has the person lived?", "They look like they are about to retire.",
                   "What is in the picture?", ANSWER)
    out = fx.fix_items(items)
    assert out[1].text == items[1].text and out[2].text == items[2].text
    assert out[3].text.startswith("A person walks their dog. The person leans on a walking stick.")
    left = {(m.rule, m.fix) for f in out for m in f.remaining}
    assert ("AGE391", "unsafe") in left and ("AGE901", "unsafe") in left
    assert _twice(fx, items) == [f.text for f in out]


def test_unsafe_drops_only_the_flagged_sentence_of_the_chunk(hybrid) -> None:  # type: ignore[no-untyped-def]
    fx = Fixer(hybrid, unsafe=True)
    r = fx.fix_text(ANSWER, "gpt")
    assert r.text == "A person walks their dog. A red car is parked."
    assert r.safety == "unsafe" and "AGE901" in r.rules and r.remaining == ()
    out = _twice(fx, _items("Describe the image.", ANSWER))
    assert out == ["Describe the image.", "A person walks their dog. A red car is parked."]


def test_unsafe_drops_the_whole_chunk_when_no_sentence_alone_is_flagged(hybrid) -> None:  # type: ignore[no-untyped-def]
    text = "A red car is parked. The person is slow. They carry a cane. The sky is blue."
    assert [m.rule for m in hybrid.scan(text, "gpt") if m.source == "model"] == ["AGE901"]
    fx = Fixer(hybrid, unsafe=True)
    # no sentence is flagged alone ("slow" and "cane" together): the chunk goes, the answer is the refusal
    assert fx.fix_text(text, "gpt").text == REFUSAL
    assert _twice(fx, _items("Describe the image.", text))[1] == REFUSAL


def test_model_ask_turns_the_answer_into_the_refusal(hybrid) -> None:  # type: ignore[no-untyped-def]
    items = _items("<image>\nHow many decades has the person lived?", "They look like they are about to retire.")
    assert [m.rule for m in hybrid.scan(items[0].text, "human")] == ["AGE391"]
    out = Fixer(hybrid, unsafe=True).fix_items(items)
    assert out[0].text == items[0].text  # the question is kept
    assert out[1].text == REFUSAL and out[1].safety == "unsafe" and out[1].rules == ("AGE391",)
    assert out[0].remaining == () and out[1].remaining == ()
    assert _twice(Fixer(hybrid, unsafe=True), items) == [items[0].text, REFUSAL]


def test_model_ask_does_not_shield_rule_leaks(hybrid) -> None:  # type: ignore[no-untyped-def]
    # a model ask spans the whole question, not the words that ask: "young woman" is still rewritten
    items = _items("Is the young woman leaning on a walking stick?", "Yes, she is.")
    out = Fixer(hybrid).fix_items(items)
    assert out[0].text == "Is the person leaning on a walking stick?"


def test_refusal_flagged_by_the_classifier_is_kept(rules) -> None:  # type: ignore[no-untyped-def]
    refusal = "I can't say how many years anyone has lived from an image."
    he = HybridEngine(rules, ChunkFake(CUES), confirm=0.0, find=1.0)  # type: ignore[arg-type]
    fx = Fixer(he, unsafe=True, refusal=refusal)
    assert fx.fix_text(refusal, "gpt").text == refusal
    out = _twice(fx, _items("Describe the image.", "The person leans on a walking stick."))
    assert out[1] == refusal


def test_fates_of_model_findings(hybrid) -> None:  # type: ignore[no-untyped-def]
    fx = Fixer(hybrid, unsafe=True)
    items = _items("<image>\nHow many decades has the person lived?", "They are retired.", "And now?", ANSWER)
    scans = [hybrid.scan(it.text, it.role) for it in items]
    labels = fx.label_items(items, scans)
    got = {m.rule: lab for ms, labs in zip(scans, labels) for m, lab in zip(ms, labs)}
    assert got["AGE391"] == "unsafe" and got["AGE901"] == "unsafe" and got["GEN201"] == "safe"


def test_caption_flagged_by_the_model_alone_is_never_emptied(hybrid) -> None:  # type: ignore[no-untyped-def]
    fx = Fixer(hybrid, unsafe=True)
    cap = TextItem("/caption", "A person leans on a walking stick.", None)
    r = fx.fix_items([cap])[0]
    assert r.text == cap.text and r.safety is None and not r.changed
    assert [(m.rule, m.fix) for m in r.remaining] == [("AGE901", None)]  # listed: "no fix"
    assert Fixer(hybrid).fix_items([cap])[0].remaining[0].fix is None  # check says so too
    # with another sentence, only the flagged one goes
    assert fx.fix_text("A person leans on a walking stick. A red car.", None).text == "A red car."


def test_api_and_fix_file_accept_a_hybrid_engine(hybrid, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    recs = [{"id": "a", "conversations": [{"from": "human", "value": "Describe the image."},
                                          {"from": "gpt", "value": ANSWER}]}]
    res = safelint.fix(recs, unsafe=True, engine=hybrid)
    assert res.records[0]["conversations"][1]["value"] == "A person walks their dog. A red car is parked."
    assert recs[0]["conversations"][1]["value"] == ANSWER and res.remaining == []
    assert safelint.fix(recs, engine=hybrid).remaining[0].rule == "AGE901"
    p = tmp_path / "d.jsonl"
    p.write_text(json.dumps(recs[0]) + "\n", encoding="utf-8")
    fr = fix_file(p, Fixer(hybrid, unsafe=True))
    assert fr.changes == 1 and json.loads(p.read_text())["conversations"][1]["value"] == (
        "A person walks their dog. A red car is parked.")
    before = p.read_bytes()
    assert fix_file(p, Fixer(hybrid, unsafe=True)).changes == 0 and p.read_bytes() == before
