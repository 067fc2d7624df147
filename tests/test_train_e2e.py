"""A tiny end-to-end run: train (random 2-layer BERT, a few steps) -> ONNX -> int8 -> load with the runtime.

Needs the training extra (torch, transformers, onnx, onnxruntime, tokenizers); skips cleanly
without it.  No download: the tokenizer is trained here on the toy sentences.
"""

from __future__ import annotations

import json
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

LABELS = ["age", "gender", "race", "eye_color", "weight", "asks", "refusal"]


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


def test_tiny_train_export_load(tmp_path: Path) -> None:
    from safelint_train import classifier

    from safelint.model import load_model

    items = _items()
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(it) + "\n" for it in items))
    tok = tokenizers.BertWordPieceTokenizer(lowercase=True)
    tok.train_from_iterator([it["text"] for it in items], vocab_size=300, min_frequency=1)
    tok.save(str(tmp_path / "tokenizer.json"))
    inst = tmp_path / "models"
    rc = classifier.main(["--data", str(data), "--out", str(tmp_path / "run"), "--install", str(inst), "--tiny",
                          "--tokenizer", str(tmp_path / "tokenizer.json"), "--steps", "4", "--batch-size", "8",
                          "--max-len", "32", "--seed", "1", "--verify-n", "50"])
    assert rc == 0
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["steps"] == 4
    assert report["onnx_fp32_vs_torch"]["max_abs_logit_diff"] < 1e-3
    assert report["onnx_int8_vs_torch"]["decision_agreement"] >= 0.8
    assert {p.name for p in inst.iterdir()} == {"model.onnx", "tokenizer.json", "labels.json", "SHA256SUMS"}

    clf = load_model(inst, providers=["CPUExecutionProvider"])
    assert clf.labels == LABELS and clf.max_len == 32
    long_text = "An old man sits on a bench. " * 20  # > 32 tokens: chunked, not truncated
    p = clf.predict(["An old man sits on a bench.", long_text, ""], [None, "gpt", None])
    assert len(p) == 3 and all(0.0 <= v <= 1.0 for d in p for v in d.values())
    assert len(clf.chunks(long_text)) > 1

    # deterministic given the seed
    rc = classifier.main(["--data", str(data), "--out", str(tmp_path / "run2"), "--tiny",
                          "--tokenizer", str(tmp_path / "tokenizer.json"), "--steps", "4", "--batch-size", "8",
                          "--max-len", "32", "--seed", "1", "--verify-n", "50"])
    assert rc == 0
    again = json.loads((tmp_path / "run2" / "report.json").read_text())
    assert again["test_metrics_torch"] == report["test_metrics_torch"]
    assert again["thresholds"] == report["thresholds"]
