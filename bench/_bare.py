"""For the device machine's image, which has no spaCy (nor safelint's other dependencies): make
``safelint.model`` importable without running ``safelint/__init__`` (the classifier's modules need none of them)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def classifier_modules_only() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import safelint  # noqa: F401
    except ImportError:
        pkg = types.ModuleType("safelint")
        pkg.__path__ = [str(ROOT / "safelint")]  # type: ignore[attr-defined]
        sys.modules["safelint"] = pkg
