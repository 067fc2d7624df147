"""A tiny end-to-end run: train (random 2-layer BERT, a few steps) -> ONNX -> int8 -> load with the runtime.

Needs the training extra (torch, transformers, onnx, onnxruntime, tokenizers); skips cleanly
without it.  Both exporters are covered: ``--exporter torch`` (torch.onnx.export) always, and
``--exporter optimum`` (optimum-onnx ``main_export``) when ``optimum.exporters.onnx`` imports
(that variant is skipped otherwise).  No download: the tokenizer is trained here on the toy sentences.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
tokenizers = pytest.importorskip("tokenizers")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "train"))

from safelint_train import classifier

OPTIMUM, OPTIMUM_WHY = classifier.optimum_status()
LABELS = ["age", "gender", "race", "eye_color", "weight", "asks", "refusal"]
INPUTS = {"torch": ["input_ids", "attention_mask"], "optimum": ["input_ids", "attention_mask", "token_type_ids"]}


def _items() -> list[dict]:
    rows = [
        ("An old man sits on a bench.", {"age", "gender"}),
        ("A woman with blue eyes smiles.", {"gender", "eye_color"}),
        ("A red car on the street.", set()),
        ("question: How old is the boy?", {"age", "asks"}),
        ("I'm sorry, I cannot help with that.", {"refusal"}),
        ("A white shirt hangs on the line.", set()),
        ("An overweight Asian man walks.", {"weight", "race", "gender"}),
    ]
    out = []
    for k in range(6):
        for n, (text, labs) in enumerate(rows):
            part = "train" if k < 4 else ("val" if k == 4 else "test")
            out.append({"text": text if k == 0 else f"{text} ({k}{n})", "role": None,
                        "y": [1.0 if lab in labs else 0.0 for lab in LABELS], "w": [1.0] * 7,
                        "src": "toy", "key": f"{k}-{n}", "part": part})
    return out


def _toy(tmp_path: Path) -> tuple[Path, Path]:
    items = _items()
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(it) + "\n" for it in items))
    tok = tokenizers.BertWordPieceTokenizer(lowercase=True)
    tok.train_from_iterator([it["text"] for it in items], vocab_size=300, min_frequency=1)
    tok.save(str(tmp_path / "tokenizer.json"))
    return data, tmp_path / "tokenizer.json"


def _args(data: Path, tok: Path, out: Path, *extra: str) -> list[str]:
    return ["--data", str(data), "--out", str(out), "--tiny", "--tokenizer", str(tok), "--steps", "4",
            "--batch-size", "8", "--max-len", "32", "--seed", "1", "--verify-n", "50", *extra]


@pytest.mark.parametrize("exporter", [
    "torch",
    pytest.param("optimum", marks=pytest.mark.skipif(not OPTIMUM, reason=f"optimum-onnx not usable: {OPTIMUM_WHY}")),
])
def test_tiny_train_export_load(tmp_path: Path, exporter: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from safelint.model import load_model
    from safelint.model.runtime import ModelError, verify

    data, tok = _toy(tmp_path)
    inst = tmp_path / "models"
    rc = classifier.main(_args(data, tok, tmp_path / "run", "--exporter", exporter, "--install", str(inst)))
    assert rc == 0
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["steps"] == 4
    assert report["exporter"] == exporter
    assert report["onnx"]["inputs"] == INPUTS[exporter] and report["onnx"]["outputs"] == ["logits"]
    assert report["onnx_fp32_vs_torch"]["max_abs_logit_diff"] < 1e-3
    assert report["onnx_int8_vs_torch"]["decision_agreement"] >= 0.8
    assert {p.name for p in inst.iterdir()} == {"model.onnx", "tokenizer.json", "labels.json", "SHA256SUMS"}
    meta = json.loads((inst / "labels.json").read_text())
    assert meta["exporter"].startswith({"torch": "torch.onnx.export", "optimum": "optimum.exporters.onnx"}[exporter])
    if exporter == "optimum":  # save_pretrained wrote the model and the tokenizer config for main_export
        saved = {p.name for p in (tmp_path / "run" / "torch").iterdir()}
        assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= saved

    verify(inst)  # SHA256SUMS matches (load_model checks it too)
    clf = load_model(inst, providers=["CPUExecutionProvider"])
    assert clf.labels == LABELS and clf.max_len == 32
    assert [i.name for i in clf.session.get_inputs()] == INPUTS[exporter]
    long_text = "An old man sits on a bench. " * 20  # > 32 tokens: chunked, not truncated
    p = clf.predict(["An old man sits on a bench.", long_text, ""], [None, "gpt", None])
    assert len(p) == 3 and all(0.0 <= v <= 1.0 for d in p for v in d.values())
    assert len(clf.chunks(long_text)) > 1
    # the runtime's feed (token_type_ids = zeros where the graph declares them) gives what the verification saw
    text = "A woman with blue eyes smiles."
    enc = classifier.Encoder(tok, 32)
    ref = classifier.onnx_logits(inst / "model.onnx", enc, [enc.ids(text)])[0]
    got = clf.predict([text])[0]
    assert all(abs(got[lab] - 1 / (1 + math.exp(-lg))) < 1e-6 for lab, lg in zip(LABELS, ref))

    bad = tmp_path / "tampered"
    shutil.copytree(inst, bad)
    (bad / "labels.json").write_text((bad / "labels.json").read_text() + " ")
    with pytest.raises(ModelError, match="sha256"):
        load_model(bad, providers=["CPUExecutionProvider"])

    # the default exporter is optimum when it imports, else torch with a note; deterministic given the seed
    if exporter == "torch":
        monkeypatch.setattr(classifier, "optimum_status", lambda: (False, "ImportError: simulated"))
    capsys.readouterr()
    rc = classifier.main(_args(data, tok, tmp_path / "run2"))
    assert rc == 0
    again = json.loads((tmp_path / "run2" / "report.json").read_text())
    assert again["exporter"] == exporter
    if exporter == "torch":
        assert "note: optimum.exporters.onnx does not import" in capsys.readouterr().err
    assert again["test_metrics_torch"] == report["test_metrics_torch"]
    assert again["thresholds"] == report["thresholds"]


def test_explicit_optimum_without_optimum_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classifier, "optimum_status", lambda: (False, "ImportError: simulated"))
    with pytest.raises(SystemExit) as e:
        classifier.main(["--data", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o"), "--tiny",
                         "--exporter", "optimum"])
    assert e.value.code == 2
