"""Training code for safelint's leakage classifier (not shipped in the wheel).

- :mod:`safelint_train.data`: build the training sentences from ../shared/data;
- :mod:`safelint_train.classifier`: fine-tune MiniLM, export to ONNX, quantise, verify, write models/.

Run from the repository root with ``PYTHONPATH=train`` (see train/README.md).
"""

LABELS = ("age", "gender", "race", "eye_color", "weight", "asks", "refusal")
ATTRS = LABELS[:5]
