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
    # the shipped settings keep every rule hit and let the model add only where a cue word is, so the sample may
    # never reach it; asked to confirm every ambiguous hit, the model scores them and says so
    r = CliRunner().invoke(main, ["check", str(sample), "--model", "--model-confirm", "all=0.01", "--output-format",
                                  "json", "-q"])
    doc = json.loads(r.output[r.output.index("{"):])
    assert any(f["source"] == "both" for f in doc["findings"])
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


@pytest.mark.parametrize("kw", [{}, {"find_at": {"age": -1.0, "race": -1.0, "weight": -1.0}, "scope": "all"}])
def test_hybrid_engine_scans_many_texts_as_one_at_a_time(engine, kw) -> None:  # type: ignore[no-untyped-def]
    """`check` and the judge hand the hybrid engine a batch of strings; the findings are those of each alone."""
    _shipped()
    from safelint.model import load_model

    clf = load_model(MODELS, providers=["CPUExecutionProvider"])
    he = HybridEngine(engine, clf, **kw)
    texts = ["The old man sits on a bench. " * 8 + "She is young.", "How old is the man?", "", "A red car.",
             "The woman leans on her walking stick; her friend is heavy-set.", "An old building.", "<image>"]
    roles = ["gpt", "human", "gpt", None, "gpt", "gpt", "human"]
    one = [he.scan(t, r) for t, r in zip(texts, roles)]
    clf.clear_cache()
    assert he.scan_many(texts, roles) == one and any(one)
    assert he.scan_many([], []) == []


# -- scope, per-attribute thresholds, default-on and opting out ------------------------------------------------
def test_scope_hits_never_adds_model_findings(engine) -> None:  # type: ignore[no-untyped-def]
    texts = ["The person leans on the walking stick.", "A walking stick lies on the floor."]
    cues = {"walking stick": {"age": 0.9}}
    by_scope = {s: [{(f.attribute, f.source) for f in fs}
                    for fs in Hybrid(engine, FakeClassifier(cues), scope=s).scan_many(texts, ["gpt"] * 2)]
                for s in ("hits", "person", "all")}
    assert ("age", "model") not in by_scope["hits"][0]
    assert ("age", "model") in by_scope["person"][0] and ("age", "model") not in by_scope["person"][1]
    assert ("age", "model") in by_scope["all"][1]  # no person mentioned: only scope "all" looks there
    clf = FakeClassifier(cues)
    Hybrid(engine, clf, scope="hits").scan_many(texts, ["gpt"] * 2)
    assert clf.seen == []  # nothing to confirm and nothing it may add: the model never runs
    with pytest.raises(ValueError):
        Hybrid(engine, clf, scope="everything")  # type: ignore[arg-type]


def test_scope_answers_adds_no_asks_of_its_own(engine) -> None:  # type: ignore[no-untyped-def]
    texts = ["Would the person holding the walking stick be let in without checking ID?",
             "The person leans on the walking stick."]
    cues = {"walking stick": {"age": 0.9, "asks": 0.9}}
    got = {s: [{(f.attribute, f.category, f.source) for f in fs}
               for fs in Hybrid(engine, FakeClassifier(cues), scope=s).scan_many(texts, ["human", "gpt"])]
           for s in ("answers", "person")}
    assert ("age", "ask", "model") in got["person"][0] and ("age", "ask", "model") not in got["answers"][0]
    assert ("age", "leak", "model") in got["answers"][1] and got["answers"][1] == got["person"][1]


def test_per_attribute_thresholds_override(engine) -> None:  # type: ignore[no-untyped-def]
    clf = FakeClassifier({"walking stick": {"age": 0.7, "weight": 0.7}, "young": {"age": 0.2}})
    # (a weight finding of the model's own needs a build word in the chunk: FIND_CUES)
    text = ["The woman leans on her walking stick, in good shape.", "She is young."]
    out = Hybrid(engine, clf, find_at={"age": 0.8}).scan_many(text, ["gpt"] * 2)
    assert ("weight", "model") in {(f.attribute, f.source) for f in out[0]}
    assert ("age", "model") not in {(f.attribute, f.source) for f in out[0]}  # 0.7 < 0.8
    assert not any(f.attribute == "age" for f in out[1])  # 0.2 < the default confirm, 0.5 x 0.5
    out = Hybrid(engine, clf, confirm_at={"age": 0.0}).scan_many(text, ["gpt"] * 2)
    assert any(f.attribute == "age" and f.source == "both" for f in out[1])  # 0 keeps every rule hit
    # "label" (a negative value): the classifier's own label threshold of each attribute
    h = Hybrid(engine, clf, find_at={"age": -1.0, "race": 0.3})
    assert h.find_thr["age"] == clf.thresholds.get("age", 0.5) and h.find_thr["race"] == 0.3


def test_all_and_label_in_probability_tables() -> None:
    from safelint.config import ATTRIBUTES, LABEL_THRESHOLD, ConfigError, probability_table

    got = probability_table({"race": 0.9, "all": "label"}, "model-find")
    assert got == {**{a: LABEL_THRESHOLD for a in ATTRIBUTES}, "race": 0.9}  # a named attribute wins
    assert probability_table({"all": 0.5}, "x") == {a: 0.5 for a in ATTRIBUTES}
    for bad in ({"all": "lab"}, {"every": 0.5}, {"all": 2}):
        with pytest.raises(ConfigError):
            probability_table(bad, "x")


def test_model_settings_in_config(tmp_path: Path) -> None:
    from safelint.config import ConfigError, load_config

    cfg = tmp_path / "safelint.toml"
    cfg.write_text('model = false\nmodel-dir = "m"\nmodel-scope = "all"\n'
                   '[model-find]\nrace = 0.9\n[model-confirm]\neye-color = 0.2\n[model-ask-find]\neye-color = 0.95\n',
                   encoding="utf-8")
    s = load_config(cfg)
    assert s.model is False and s.model_dir == str(tmp_path / "m") and s.model_scope == "all"
    assert s.model_find == {"race": 0.9} and s.model_confirm == {"eye_color": 0.2}
    assert s.model_ask_find == {"eye_color": 0.95}
    for bad in ('model = "yes"\n', 'model-scope = "some"\n', '[model-find]\nheight = 0.5\n',
                '[model-find]\nrace = 1.5\n', 'model-find = 0.5\n', '[model-ask-find]\neyes = 0.9\n'):
        cfg.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_config(cfg)


def test_model_ask_find_setting_turns_the_model_s_asks_off(tmp_path: Path) -> None:
    """The shipped classifier adds an eye-colour ask no rule reads; ``model-ask-find`` above 1 turns it off."""
    _shipped()
    data = tmp_path / "d.json"
    data.write_text(json.dumps([{"id": "1", "image": "a.jpg", "conversations": [
        {"from": "human", "value": "<image>\nWould green contacts look natural on him, or are his eyes too dark?"},
        {"from": "gpt", "value": "They would look fine."}]}]), encoding="utf-8")

    def rules(*args: str) -> set[str]:
        r = CliRunner().invoke(main, ["check", str(data), "--output-format", "json", *args])
        return {f["rule"] for f in json.loads(r.output)["findings"]}

    assert "EYE391" in rules("--isolated")
    (tmp_path / "safelint.toml").write_text("[model-ask-find]\neye-color = 1.01\n", encoding="utf-8")
    assert "EYE391" not in rules("--config", str(tmp_path / "safelint.toml"))
    assert "EYE391" not in rules("--isolated", "--model-ask-find", "eye_color=1.01")  # the option, as --model-find


def test_check_runs_hybrid_by_default_and_rules_when_asked(tmp_path: Path) -> None:
    _shipped()
    sample = str(ROOT / "examples" / "llava_sample.json")
    r = CliRunner().invoke(main, ["check", sample, "-v", "--isolated"])
    assert r.exit_code == 1 and "detector: hybrid" in r.output and "CPUExecutionProvider" in r.output
    r = CliRunner().invoke(main, ["check", sample, "-v", "--isolated", "--no-model"])
    assert r.exit_code == 1 and "detector: rules only" in r.output
    (tmp_path / "safelint.toml").write_text("model = false\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", sample, "-v", "--config", str(tmp_path / "safelint.toml")])
    assert "detector: rules only" in r.output
    r = CliRunner().invoke(main, ["check", sample, "--isolated", "--model-scope", "hits", "--output-format", "json"])
    assert r.exit_code == 1 and all(f["source"] != "model" for f in json.loads(r.output)["findings"])


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    sample = str(ROOT / "examples" / "llava_sample.json")
    r = CliRunner().invoke(main, ["check", sample, "--isolated", "--model-dir", str(tmp_path)])
    assert r.exit_code == 2 and "--no-model" in r.output and "Traceback" not in r.output
    assert CliRunner().invoke(main, ["check", sample, "--isolated", "--model-dir", str(tmp_path),
                                     "--no-model"]).exit_code == 1
    for bad in ("race", "race=x", "height=0.5", "race=1.5"):
        r = CliRunner().invoke(main, ["check", sample, "--isolated", "--model-find", bad])
        assert r.exit_code == 2 and "--model-find" in r.output, r.output
    r = CliRunner().invoke(main, ["check", sample, "--isolated", "--model-find", "all=label", "--model-find",
                                  "race=0.9", "--output-format", "json"])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    from safelint.model import load_model

    thr = load_model().thresholds
    found = json.loads(r.output)["detector"]["find"]  # the report records what ran
    assert found == {**{a: round(thr[a], 4) for a in found}, "race": 0.9}


def test_python_api_uses_the_same_detector() -> None:
    _shipped()
    import safelint

    recs = [{"id": "a", "conversations": [{"from": "human", "value": "<image>\nWho is this?"},
                                          {"from": "gpt", "value": "An old man with blue eyes and a stocky build "
                                                                   "reads."}]}]
    hyb = safelint.check(recs)  # a build word: the text reaches the model (FIND_CUES), which scores the rule hits
    rules = safelint.check(recs, model=False)
    assert {f.source for f in rules} == {"rule"}
    assert {f.source for f in hyb} <= {"rule", "both", "model"} and "both" in {f.source for f in hyb}
    assert [(f.rule, f.start) for f in hyb if f.source != "model"] == [(f.rule, f.start) for f in rules]
    fixed = safelint.fix(recs, model=False)
    assert fixed.records[0]["conversations"][1]["value"] != recs[0]["conversations"][1]["value"]
    assert safelint.detector(model=False) is safelint.detector(model=False)


def test_eye_colour_needs_an_eye_word(engine) -> None:  # type: ignore[no-untyped-def]
    cues = {"green": {"eye_color": 0.9}}
    find = {"age": 1.01, "gender": 1.01, "race": 1.01, "eye_color": 0.5, "weight": 1.01}
    clf = FakeClassifier(cues)
    h = Hybrid(engine, clf, find_at=find)
    out = h.scan_many(["The person wears a green coat.", "The person's gaze is a deep green."], ["gpt"] * 2)
    assert not out[0] and clf.seen == ["The person's gaze is a deep green."]  # no eye word: never scored
    assert [(f.attribute, f.source) for f in out[1]] == [("eye_color", "model")]


def test_eye_colour_needs_a_colour_word_too(engine) -> None:  # type: ignore[no-untyped-def]
    """"Keep an eye on" and "hand-eye coordination" never reach the model for eye colour: no colour is named."""
    cues = {"eye": {"eye_color": 0.9}, "gaze": {"eye_color": 0.9}}
    find = {"age": 1.01, "gender": 1.01, "race": 1.01, "eye_color": 0.5, "weight": 1.01}
    clf = FakeClassifier(cues)
    h = Hybrid(engine, clf, confirm=0.0, find_at=find)  # rule hits kept as they are: only finding sends text
    texts = ["The person should keep an eye on the kids.", "The player needs good hand-eye coordination.",
             "Which of the twins has the more azure eyes?", "The person's gaze is steely."]
    out = h.scan_many(texts, ["gpt", "gpt", "human", "gpt"])
    assert not any(f.source == "model" for f in out[0] + out[1])
    assert clf.seen == texts[2:]  # a colour or shade word, however inflected ("azure", "steely"): scored
    assert [(f.attribute, f.category, f.source) for f in out[2] + out[3]] == [
        ("eye_color", "ask", "model"), ("eye_color", "leak", "model")]


def test_weight_needs_a_build_word(engine) -> None:  # type: ignore[no-untyped-def]
    """The model adds weight only where a build word, a body-size word or a weight unit is: "a heavy box", "muscular
    endurance", "300 pounds of food" and "build and maintain" never reach it for weight."""
    cues = {"person": {"weight": 0.9}, "man": {"weight": 0.9}, "woman": {"weight": 0.9}}
    find = {"age": 1.01, "gender": 1.01, "race": 1.01, "eye_color": 1.01, "weight": 0.5}
    clf = FakeClassifier(cues)
    h = Hybrid(engine, clf, confirm=0.0, find_at=find)
    quiet = ["The person carries a heavy box up the stairs.", "The person needs muscular endurance to paddle.",
             "The person eats 300 pounds of food a week.", "The person helps build and maintain the fence."]
    found = ["The person, seated left, has a thin build.", "The man appears to be somewhere around 160 pounds.",
             "The goalkeeper is noticeably bulkier than the person beside him.",
             "The woman looks to be in remarkably good shape for her age."]
    out = h.scan_many(quiet + found, ["gpt"] * 8)
    assert clf.seen == found
    assert not any(f.source == "model" for fs in out[:4] for f in fs)
    assert all(any(f.attribute == "weight" for f in fs) for fs in out[4:])


def test_model_findings_obey_select_and_ignore() -> None:
    """--select / --ignore choose among the classifier's pseudo-rules too: "--select age" reports no WGT901."""
    from safelint.api import build_engine
    from safelint.model.hybrid import HybridEngine

    clf = FakeClassifier({"good shape": {"weight": 0.9, "age": 0.9}})
    text = "The woman looks to be in remarkably good shape for her age."
    find = {"age": 0.5, "weight": 0.5}
    codes = {m.rule for m in HybridEngine(build_engine(), clf, find_at=find).scan(text, "gpt")}
    assert "WGT901" in codes
    only_age = HybridEngine(build_engine(select=["age"]), clf, find_at=find)
    assert {m.rule for m in only_age.scan(text, "gpt")} <= {"AGE901"} | {r.code for r in only_age.engine.rules}
    assert not any(m.attribute != "age" for m in only_age.scan(text, "gpt"))
    assert "WGT901" not in {r.code for r in only_age.rules}
    no_weight = HybridEngine(build_engine(ignore=["WGT901"]), clf, find_at=find)
    assert not any(m.rule == "WGT901" for m in no_weight.scan(text, "gpt"))


@pytest.mark.parametrize("text, reaches", [
    ("The man is slim and wears a grey coat.", True),
    ("One man in a slim-fit shirt points at a chart.", False),
    ("A woman in skinny jeans walks her dog.", False),
    ("A skinny man walks his dog.", True),
])
def test_a_garment_s_cut_is_no_weight_cue(text: str, reaches: bool) -> None:
    from safelint.model.hybrid import _CUES_LOWER, FIND_CUES

    assert all(p.search(text) for p in FIND_CUES["weight"]) is reaches
    # the cascade's copy for lower-cased text, in any casing
    for t in (text, text.upper(), text.title()):
        assert all(p.search(t.lower()) for p in _CUES_LOWER["weight"]) is reaches


def test_a_withheld_build_field_sends_no_chunk_to_the_model(engine) -> None:  # type: ignore[no-untyped-def]
    h = Hybrid(engine, FakeClassifier({}), find_at={"weight": 0.5})
    assert "weight" not in h.findable("The woman waits.\n*   **Build:** Hard to judge: a puffer coat.", "gpt")
    assert "weight" in h.findable("The woman waits.\n*   **Build:** Slim, with narrow shoulders.", "gpt")


def test_a_likeness_s_build_sends_no_chunk_to_the_model(engine) -> None:  # type: ignore[no-untyped-def]
    h = Hybrid(engine, FakeClassifier({}), find_at={"weight": 0.5})
    assert "weight" not in h.findable("A person stands in front of a bronze statue of a bearded, heavyset man.", "gpt")
    assert "weight" not in h.findable("A person stands beside a mannequin that has a slender, petite figure.", "gpt")
    # the likeness runs to the end of its sentence; a person's build before it or after it still reaches the model
    assert "weight" in h.findable("A heavyset man stands in front of a bronze statue.", "gpt")
    assert "weight" in h.findable("A person walks past the statue. The person is stocky.", "gpt")
    # a painting shows a person
    assert "weight" in h.findable("A painting shows a person with a stocky build.", "gpt")


def test_the_model_adds_an_eye_colour_ask_in_a_human_turn_only(engine) -> None:  # type: ignore[no-untyped-def]
    """ASK_FIND: an eye-colour ask no rule read (0.9 here) is added in a human turn; the same scores in an answer add
    no leak (eye colour's ``find`` is off), and an ``ask_find_at`` setting turns it off."""
    text = "hmm, would green contacts look natural on him, or are his eyes too dark for that"
    cues = {"contacts": {"eye_color": 0.95}}
    fs = Hybrid(engine, FakeClassifier(cues), find_at={"eye_color": 1.01}).scan_many([text, text], ["human", "gpt"])
    assert ("eye_color", "ask", "model") in {(f.attribute, f.category, f.source) for f in fs[0]}
    assert not any(f.source == "model" for f in fs[1])
    off = Hybrid(engine, FakeClassifier(cues), find_at={"eye_color": 1.01}, ask_find_at={"eye_color": 1.01})
    assert not any(f.source == "model" for f in off.scan_many([text], ["human"])[0])
    low = Hybrid(engine, FakeClassifier({"contacts": {"eye_color": 0.85}}), find_at={"eye_color": 1.01})
    assert not any(f.source == "model" for f in low.scan_many([text], ["human"])[0])  # below 0.9


@pytest.mark.parametrize("text", ["What is the man with blue eyes looking at?", "Where is the brown-eyed girl going?",
                                  "Does the boy have a black eye?"])
def test_an_eye_colour_that_picks_someone_out_is_no_ask(engine, text: str) -> None:  # type: ignore[no-untyped-def]
    clf = FakeClassifier({"eye": {"eye_color": 0.99}})
    h = Hybrid(engine, clf, find_at={"eye_color": 1.01})
    assert not any(f.source == "model" for f in h.scan_many([text], ["human"])[0])
    assert "eye_color" not in h.findable(text, "human")


def test_the_model_adds_an_age_ask_only_with_the_asks_head_and_an_age_cue(engine) -> None:  # type: ignore[no-untyped-def]
    """ASK_FIND / ASK_HEAD: an age ask no rule read needs age ≥ 0.9, the "asks" head ≥ 0.8, and an age cue that is
    no selector ("the young man" only picks someone out)."""
    def model_asks(text: str, probs: dict[str, float]) -> set[str]:
        h = Hybrid(engine, FakeClassifier({"": probs}), find_at={"age": 1.01})  # the shipped model finds no age leak
        return {f.attribute for f in h.scan_many([text], ["human"])[0] if f.source == "model"}

    sure = {"age": 0.95, "asks": 0.9}
    text = "Would the bouncer let her in without checking her ID?"  # (no rule reads it)
    assert model_asks(text, sure) == {"age"}
    assert model_asks(text, {"age": 0.95, "asks": 0.5}) == set()
    assert model_asks(text, {"age": 0.85, "asks": 0.9}) == set()
    assert model_asks("What is the young man holding in his hand?", sure) == set()  # a selector only
    assert "age" not in Hybrid(engine, FakeClassifier({})).findable("How many kids are on the slide?", "human")
    off = Hybrid(engine, FakeClassifier({"": sure}), find_at={"age": 1.01}, ask_find_at={"age": 1.01})
    assert not any(f.source == "model" for f in off.scan_many([text], ["human"])[0])


def test_a_build_that_picks_someone_out_is_no_weight_ask(engine) -> None:  # type: ignore[no-untyped-def]
    h = Hybrid(engine, FakeClassifier({}))
    assert "weight" not in h.findable("What is the heavyset man in the apron cooking?", "human")
    assert "weight" in h.findable("Is the man heavyset or just broad?", "human")


def test_an_attribute_taken_out_or_said_in_passing_is_no_model_ask(engine) -> None:  # type: ignore[no-untyped-def]
    """Session 28: "remove the part about her age", "Skip the skin tone and age", and the speaker's own age ("I'm 29")
    give the model no ask; the same attribute asked for still does."""
    def model_asks(text: str) -> set[str]:
        h = Hybrid(engine, FakeClassifier({"": {"age": 0.97, "race": 0.9, "asks": 0.9}}), find_at={"age": 1.01})
        return {f.attribute for f in h.scan_many([text], ["human"])[0] if f.source == "model"}

    assert "age" not in model_asks("remove the part about her age")
    assert "age" not in model_asks("Skip the skin tone and age. So what colour are her eyes?")
    assert "age" not in model_asks("write me a tinder bio, I'm 29, into bouldering and bad puns")
    assert "age" in model_asks("Would the bouncer let her in without checking her ID?")
