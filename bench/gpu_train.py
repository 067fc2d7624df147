"""Train the classifier on a GPU: ``python -m safelint_train.classifier`` (train/README.md) on an image
without safelint's dependencies (bench/_bare.py); every argument goes to it, e.g. ``--device cuda``.

    python bench/gpu_train.py --data train/out/data5.jsonl --base BASE --out /tmp/run --device cuda ...

Run by bench/gpu_check.sh (TRAIN=1) with the shipped model's recipe; figures in BENCHMARKS.md §10.
"""

from __future__ import annotations

import runpy
import sys

from _bare import ROOT, classifier_modules_only

classifier_modules_only()
sys.path.insert(0, str(ROOT / "train"))
sys.argv = ["safelint_train.classifier", *sys.argv[1:]]
runpy.run_module("safelint_train.classifier", run_name="__main__")
