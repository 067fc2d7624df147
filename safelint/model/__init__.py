"""The optional leakage classifier (ONNX, int8 MiniLM) and its hybrid with the rules.

Importing this package imports neither onnxruntime nor torch; :func:`load_model` imports
onnxruntime and raises :class:`ModelError` with an install hint when it is missing.
"""

from safelint.model.runtime import (
    DEFAULT_PROVIDERS,
    Chunk,
    LeakClassifier,
    ModelError,
    default_model_dir,
    load_model,
    model_digest,
    select_providers,
    verify,
)

__all__ = ["DEFAULT_PROVIDERS", "Chunk", "LeakClassifier", "ModelError", "default_model_dir", "load_model",
           "model_digest", "select_providers", "verify"]
