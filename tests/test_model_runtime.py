"""The classifier runtime (safelint.model): chunking, provider selection, checksums, batching.

Tests that need onnxruntime/tokenizers skip without them (``pip install -e '.[test,cpu]'``);
tests that need the shipped model skip when models/ has none.  None of them imports torch.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from safelint.model import ModelError, select_providers
from safelint.model import runtime as rt
from safelint.model.text import QUESTION_PREFIX, chunk_spans, model_input, sentences

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


def _words(s: str) -> list[tuple[int, int]]:
    """A stand-in tokenizer: one token per word or punctuation mark."""
    import re

    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", s)]


# -- text preparation ----------------------------------------------------------------------------
def test_sentences_keep_all_text() -> None:
    t = "A man walks.  He is old!\n\nA woman? Yes"
    spans = sentences(t)
    assert [t[s:e] for s, e in spans] == ["A man walks.", "He is old!", "A woman?", "Yes"]
    assert sentences("") == [] and sentences("   \n ") == []


@pytest.mark.parametrize("budget", [1, 3, 7, 50])
def test_chunks_fit_and_cover_everything(budget: int) -> None:
    text = ("The old man sits on a bench. " * 7 + "x" * 5 + " " + "word " * 40 + "end.").strip()
    spans = chunk_spans(text, _words, budget)
    assert all(len(_words(text[s:e])) <= budget for s, e in spans)
    covered = set()
    for s, e in spans:
        covered |= set(range(s, e))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())  # nothing dropped
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))  # in order, no overlap
    calls: list[int] = []

    def many(strings: list[str]) -> list[list[tuple[int, int]]]:
        calls.append(len(strings))
        return [_words(x) for x in strings]

    assert chunk_spans(text, _words, budget, count_many=many) == spans  # the batch tokenizer path: same spans
    assert calls == [len(set(text[s:e] for s, e in sentences(text)))]  # one call, each distinct sentence once


def test_chunks_of_empty_text() -> None:
    assert chunk_spans("", _words, 10) == [(0, 0)]
    assert chunk_spans("<image>", _words, 10) == [(0, 7)]
    with pytest.raises(ValueError):
        chunk_spans("a", _words, 0)


def test_question_prefix() -> None:
    assert model_input("How old is he?", "human") == QUESTION_PREFIX + "How old is he?"
    assert model_input("He is old.", "gpt") == "He is old." and model_input("x", None) == "x"


# -- provider selection --------------------------------------------------------------------------
def test_select_providers() -> None:
    cpu, cuda, trt = "CPUExecutionProvider", "CUDAExecutionProvider", "TensorrtExecutionProvider"
    assert select_providers([cuda, cpu], [cpu]) == [cpu]
    assert select_providers([cuda, cpu], [trt, cuda, cpu]) == [cuda, cpu]
    assert select_providers([cuda], ["AzureExecutionProvider", cpu]) == [cpu]  # CPU as the last resort
    with pytest.raises(ModelError):
        select_providers([cuda], ["AzureExecutionProvider"])


def _fake_model_dir(tmp: Path) -> Path:
    """Labels, a word-level tokenizer, a placeholder model file and their checksums."""
    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers import models, pre_tokenizers

    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for w in ["a", "the", "man", "woman", "old", "young", "is", "sits", "on", "bench", "shirt", "white", "question", ":", ".", "?", "how"]:
        vocab.setdefault(w, len(vocab))
    tok = tokenizers.Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    from tokenizers.processors import TemplateProcessing

    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    d = tmp / "model"
    d.mkdir()
    tok.save(str(d / "tokenizer.json"))
    (d / "model.onnx").write_bytes(b"not really onnx")
    labels = ["age", "gender", "race", "eye_color", "weight", "asks", "refusal"]
    (d / "labels.json").write_text(json.dumps({"labels": labels, "thresholds": {a: 0.5 for a in labels},
                                               "max_len": 8}))
    _write_sums(d)
    return d


def _write_sums(d: Path) -> None:
    names = ["labels.json", "model.onnx", "tokenizer.json"]
    (d / "SHA256SUMS").write_text("".join(f"{rt.sha256_file(d / n)}  {n}\n" for n in names))


class _FakeSession:
    """Logits from the token ids alone, so batching cannot change them."""

    def __init__(self, path, so, providers):  # type: ignore[no-untyped-def]
        self.asked = providers
        self.runs: list[tuple[int, int]] = []

    def get_providers(self):  # type: ignore[no-untyped-def]
        return ["CPUExecutionProvider"]  # CUDA asked for, but it could not start: silent fallback

    def get_inputs(self):  # type: ignore[no-untyped-def]
        return [types.SimpleNamespace(name="input_ids"), types.SimpleNamespace(name="attention_mask")]

    def run(self, _out, feed):  # type: ignore[no-untyped-def]
        import numpy as np

        ids, mask = feed["input_ids"], feed["attention_mask"]
        self.runs.append(ids.shape)
        s = (ids * mask).sum(axis=1, keepdims=True).astype(np.float32)
        return [np.concatenate([np.sin(s + k) for k in range(7)], axis=1)]


@pytest.fixture
def fake_ort(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    import numpy  # noqa: F401  (the runtime needs numpy; onnxruntime brings it)

    mod = types.SimpleNamespace(
        InferenceSession=_FakeSession,
        SessionOptions=lambda: types.SimpleNamespace(),
        get_available_providers=lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"],
    )
    monkeypatch.setitem(sys.modules, "onnxruntime", mod)
    return mod


def test_providers_reported_as_active_not_as_asked(tmp_path: Path, fake_ort) -> None:  # type: ignore[no-untyped-def]
    clf = rt.LeakClassifier(_fake_model_dir(tmp_path))
    assert clf.requested == ["CUDAExecutionProvider", "CPUExecutionProvider"]
    assert clf.providers == ["CPUExecutionProvider"] and clf.device == "cpu"


def test_long_text_is_chunked_not_truncated(tmp_path: Path, fake_ort) -> None:  # type: ignore[no-untyped-def]
    clf = rt.LeakClassifier(_fake_model_dir(tmp_path))
    text = "the old man sits on a bench. " * 30
    chunks = clf.score_chunks([text])[0]
    assert len(chunks) > 5
    assert all(len(clf.tokenizer.encode(text[c.start:c.end]).ids) <= clf.max_len for c in chunks)
    assert "".join(text[c.start:c.end] for c in chunks).replace(" ", "") == text.replace(" ", "")
    runs = clf.session.runs
    assert all(shape[1] <= clf.max_len for shape in runs)


def test_batches_sorted_and_equivalent(tmp_path: Path, fake_ort) -> None:  # type: ignore[no-untyped-def]
    clf = rt.LeakClassifier(_fake_model_dir(tmp_path))
    texts = ["a man", "the old woman sits on a bench. the young man is old.", "", "white shirt", "how old?"]
    roles = [None, "gpt", None, "gpt", "human"]
    ref = clf.predict(texts, roles, batch_size=1)
    for bs in (2, 3, 64):
        assert clf.predict(texts, roles, batch_size=bs) == ref
    clf.session.runs.clear()
    clf.predict(texts * 3, roles * 3, batch_size=4)
    widths = [shape[1] for shape in clf.session.runs]
    assert widths == sorted(widths)  # sorted by length: padding stays small


MANY = ["a man", "the old woman sits on a bench. the young man is old.", "", "   ", "white shirt", "how old?",
        "the old man sits on a bench. " * 12, "a" * 300, "the young woman . the man ? the old bench"]


def _many_agrees(clf: rt.LeakClassifier, texts: list[str], roles: list[str | None]) -> None:
    """chunks_many (one batch tokenisation, token ids kept for scoring) = chunks one by one, and the scores of
    a big call (the batched path) = those of small calls (one text at a time)."""
    assert len(texts) >= rt._MANY
    assert clf.chunks_many(texts, roles) == [clf.chunks(t, r) for t, r in zip(texts, roles)]
    def plain(chs: list[rt.Chunk]) -> list[tuple[int, int, dict[str, float]]]:
        return [(c.start, c.end, c.scores) for c in chs]

    big = [plain(chs) for chs in clf.score_chunks(texts, roles)]
    assert big == [plain(clf.score_chunks([t], [r])[0]) for t, r in zip(texts, roles)]
    assert clf.predict(texts, roles) == [clf.predict([t], [r])[0] for t, r in zip(texts, roles)]


def test_chunks_many_same_as_one_by_one(tmp_path: Path, fake_ort) -> None:  # type: ignore[no-untyped-def]
    clf = rt.LeakClassifier(_fake_model_dir(tmp_path))
    texts = MANY * 2
    roles = [None, "gpt", "human"] * (len(texts) // 3)
    _many_agrees(clf, texts, roles)


def test_checksum_failure_and_missing_files(tmp_path: Path, fake_ort) -> None:  # type: ignore[no-untyped-def]
    d = _fake_model_dir(tmp_path)
    (d / "model.onnx").write_bytes(b"not really onnx, tampered")
    with pytest.raises(ModelError, match="corrupt"):
        rt.LeakClassifier(d)
    _write_sums(d)
    rt.LeakClassifier(d)  # fine again
    (d / "model.onnx").unlink()
    with pytest.raises(ModelError, match="missing"):
        rt.LeakClassifier(d)
    (d / "SHA256SUMS").unlink()
    with pytest.raises(ModelError, match="checksum"):
        rt.LeakClassifier(d)
    with pytest.raises(ModelError, match="no classifier"):
        rt.LeakClassifier(tmp_path / "nowhere")


def test_missing_onnxruntime_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = _fake_model_dir(tmp_path)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    with pytest.raises(ModelError, match=r"pip install 'safelint\[cpu\]'"):
        rt.LeakClassifier(d)


# -- the shipped model ---------------------------------------------------------------------------
def _shipped():  # type: ignore[no-untyped-def]
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    if not (MODELS / "model.onnx").is_file():
        pytest.skip("no shipped model in models/")
    return rt.load_model(MODELS, providers=["CPUExecutionProvider"], threads=1)


def test_shipped_model_loads_and_verifies() -> None:
    clf = _shipped()
    assert clf.providers == ["CPUExecutionProvider"]
    assert clf.labels[:5] == ["age", "gender", "race", "eye_color", "weight"]
    assert (MODELS / "model.onnx").stat().st_size < 30 * 1024 * 1024


def test_shipped_model_corrupt_copy(tmp_path: Path) -> None:
    _shipped()
    d = tmp_path / "m"
    shutil.copytree(MODELS, d)
    data = bytearray((d / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (d / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt"):
        rt.LeakClassifier(d)


BAD = ["", "<image>", "a" * 100_000, "Ein älterer Mann mit blauen Augen.", "👩🏽 👨‍🦳 🧔", "\x00\x07\x1b[31m ctrl",
       "A young woman with blue eyes smiles. " * 200]


def test_shipped_model_bad_input_and_batch_consistency() -> None:
    clf = _shipped()
    assert clf.batch_invariant  # int8 dynamic: one chunk per run by default
    a = clf.predict(BAD, batch_size=1)
    b = clf.predict(BAD, batch_size=16)
    c = clf.predict(list(reversed(BAD)), batch_size=7)[::-1]  # other neighbours, other order
    assert len(a) == len(BAD)
    assert a == b == c  # identical, not just close
    for x in a:
        assert all(0.0 <= v <= 1.0 for v in x.values())
    assert len(clf.chunks(BAD[-1])) > 1
    # one 100k-character "word" is a single [UNK] token (WordPiece); 100k characters of words are many chunks
    many = clf.chunks("the old man sits " * 6000)
    assert len(many) > 100 and all(e - s < 1000 for s, e in many)
    # batched mode: faster, and close (activation scales are per batch)
    fast = rt.LeakClassifier(MODELS, providers=["CPUExecutionProvider"], batch_invariant=False)
    for x, y in zip(a, fast.predict(BAD, batch_size=16)):
        assert all(abs(x[k] - y[k]) < 0.15 for k in x)


def test_shipped_model_chunks_many() -> None:
    clf = _shipped()
    texts = BAD + MANY + ["Question: how old?", "A man. A woman.\n\nAn old dog."]
    _many_agrees(clf, texts, [None, "gpt", "human"] * (len(texts) // 3) + [None] * (len(texts) % 3))


def test_shipped_model_sees_the_obvious() -> None:
    clf = _shipped()
    p = clf.predict(["An elderly Asian woman with blue eyes.", "A red car parked on the street."])
    assert clf.decide(p[0]) >= {"age", "gender"}
    assert not clf.decide(p[1]) & {"age", "gender", "race", "eye_color", "weight"}


def test_check_path_never_imports_torch() -> None:
    code = ("import sys; import safelint.model, safelint.model.hybrid, safelint.commands.eval; "
            "assert 'torch' not in sys.modules and 'onnxruntime' not in sys.modules; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


def test_score_cache_and_spans(tmp_path: Path, fake_ort) -> None:  # type: ignore[no-untyped-def]
    d = _fake_model_dir(tmp_path)
    clf = rt.LeakClassifier(d, batch_invariant=True, cache_size=64)
    texts = ["the old woman sits on a bench. the young man is old.", "a man", "how old?", "a man"]
    roles = ["gpt", None, "human", None]
    ref = clf.score_chunks(texts, roles)
    assert clf.runs == sum(map(len, ref)) - 1  # the repeated "a man" ran once
    clf.session.runs.clear()
    again = clf.score_chunks(texts, roles)
    assert again == ref and clf.session.runs == []  # all from the cache, same floats
    items = [(t, r, c.start, c.end) for t, r, chs in zip(texts, roles, ref) for c in chs]
    assert clf.score_spans(items) == [c.scores for chs in ref for c in chs]
    small = rt.LeakClassifier(d, batch_invariant=True, cache_size=4)
    small.score_chunks([f"the man {'old ' * i}" for i in range(10)])
    assert len(small._cache) == 4  # bounded
    clf.clear_cache()
    assert not clf._cache and clf.score_chunks(texts, roles) == ref
    off = rt.LeakClassifier(d, batch_invariant=False)
    assert off.cache_size == 0 and off.score_chunks(texts, roles) and not off._cache  # batched: never cached
