"""Hybrid (rules + classifier): cascade, sources, and the CLI (eval --engine, check --model).

The cascade and source logic run on a fake classifier (no onnxruntime needed); the CLI tests use
the shipped model and skip without it or without onnxruntime/tokenizers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safelint.api import build_engine
from safelint.cli import main
from safelint.model.hybrid import Hybrid, HybridEngine
from safelint.model.runtime import Chunk
from safelint.model.text import sentences

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
FIXTURE = ROOT / "tests" / "fixtures" / "labelled_small.jsonl"
LABELS = ["age", "gender", "race", "eye_color", "weight", "asks", "refusal"]


class FakeClassifier:
    """Scores by keyword, one chunk per sentence; records what it was asked to score."""

    thresholds = {a: 0.5 for a in LABELS}
    labels = LABELS
    providers = ["CPUExecutionProvider"]

    def __init__(self, cues: dict[str, dict[str, float]]):
        self.cues = cues
        self.seen: list[str] = []

    def score_chunks(self, texts, roles=None, *, batch_size=32):  # type: ignore[no-untyped-def]
        out = []
        for i, t in enumerate(texts):
            self.seen.append(t)
            chs = []
            for s, e in sentences(t) or [(0, 0)]:
                sc = {a: 0.01 for a in LABELS}
                for cue, probs in self.cues.items():
                    if cue in t[s:e].lower():
                        sc.update(probs)
                chs.append(Chunk(i, s, e, sc))
            out.append(chs)
        return out


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    return build_engine()


def test_cascade_skips_text_without_people(engine) -> None:  # type: ignore[no-untyped-def]
    clf = FakeClassifier({})
    Hybrid(engine, clf).scan_many(["A red car parked on the street.", "The grandpa sits down."], ["gpt", "gpt"])
    assert clf.seen == ["The grandpa sits down."] or "A red car parked on the street." not in clf.seen


def test_sources(engine) -> None:  # type: ignore[no-untyped-def]
    clf = FakeClassifier({"walking stick": {"age": 0.9}, "old man": {"age": 0.8, "gender": 0.9}})
    h = Hybrid(engine, clf)
    texts = ["The woman leans on her walking stick.",  # no age rule: the model adds age
             "An old man reads.",  # rule hits confirmed by the model
             "She is young."]  # implicit rule hit the model does not confirm: dropped
    out = h.scan_many(texts, ["gpt"] * 3)
    by = [{(f.attribute, f.source) for f in fs} for fs in out]
    assert ("age", "model") in by[0]
    assert ("age", "both") in by[1]
    assert not any(a == "age" for a, _ in by[2])
    for fs in out:
        for f in fs:
            assert 0.0 <= f.confidence <= 1.0


def test_hybrid_engine_matches(engine) -> None:  # type: ignore[no-untyped-def]
    clf = FakeClassifier({"walking stick": {"age": 0.9}})
    he = HybridEngine(engine, clf)  # type: ignore[arg-type]
    ms = he.scan("The woman leans on her walking stick.", "gpt")
    model = [m for m in ms if m.source == "model"]
    assert model and model[0].rule == "AGE901" and model[0].attribute == "age"
    assert "AGE901" in {r.code for r in he.rules}


def _shipped() -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    if not (MODELS / "model.onnx").is_file():
        pytest.skip("no shipped model in models/")


def test_eval_side_by_side() -> None:
    _shipped()
    r = CliRunner().invoke(main, ["eval", str(FIXTURE), "--engine", "hybrid"])
    assert r.exit_code == 0, r.output
    assert "rules" in r.output and "model" in r.output and "hybrid" in r.output
    assert "CPUExecutionProvider" in r.output
    r = CliRunner().invoke(main, ["eval", str(FIXTURE), "--engine", "model", "--output-format", "json"])
    assert r.exit_code == 0 and json.loads(r.output)["engine"] == "model"


def test_check_with_model() -> None:
    _shipped()
    sample = ROOT / "examples" / "llava_sample.json"
    r = CliRunner().invoke(main, ["check", str(sample), "--model", "--output-format", "json", "-q"])
    assert r.exit_code in (0, 1), r.output
    doc = json.loads(r.output[r.output.index("{"):])
    assert all(f["source"] in ("rule", "model", "both") for f in doc["findings"])
    assert any(f["source"] != "rule" for f in doc["findings"])
    r = CliRunner().invoke(main, ["check", str(sample), "--no-model", "--output-format", "json", "-q"])
    assert all(f["source"] == "rule" for f in json.loads(r.output[r.output.index("{"):])["findings"])


class _WholeTexts:
    """The shipped classifier seen through ``score_chunks`` only: Hybrid then scores every chunk
    of every text that reaches the model (the reference the selective path must equal)."""

    def __init__(self, clf):  # type: ignore[no-untyped-def]
        self._clf = clf
        self.meta, self.thresholds, self.labels = clf.meta, clf.thresholds, clf.labels

    def score_chunks(self, texts, roles=None, *, batch_size=32):  # type: ignore[no-untyped-def]
        return self._clf.score_chunks(texts, roles, batch_size=batch_size)


@pytest.mark.parametrize("kw", [{}, {"find": 0.9}, {"confirm": 0.5, "find": 1.0, "scope": "all"}])
def test_selective_scoring_and_overlap_change_nothing(engine, kw) -> None:  # type: ignore[no-untyped-def]
    _shipped()
    from safelint.model import load_model

    clf = load_model(MODELS, providers=["CPUExecutionProvider"])
    texts = ["The old man sits on a bench. A red car is parked nearby. " * 6 + "She is young.",
             "A young woman in a white shirt. The dog is old.", "A red car.", "How old is the man?",
             "The elderly lady smiles. " * 3, "Her hair is grey and she looks tired.", "An old building."] * 2
    roles = ["gpt", "gpt", "gpt", "human", "gpt", "gpt", "gpt"] * 2
    ref = Hybrid(engine, _WholeTexts(clf), **kw).scan_many(texts, roles)  # type: ignore[arg-type]
    clf.clear_cache()
    seq = Hybrid(engine, clf, **kw).scan_many(texts, roles)
    clf.clear_cache()
    ovl = Hybrid(engine, clf, overlap=True, **kw).scan_many(texts, roles)
    cached = Hybrid(engine, clf, **kw).scan_many(texts, roles)
    assert seq == ref and ovl == ref and cached == ref
    assert any(ref)
