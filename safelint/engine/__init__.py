"""The one detection engine that check, fix, pre-commit, eval and the PRISM judge call."""

from safelint.engine.detector import Engine, scan_all

__all__ = ["Engine", "scan_all"]
