"""safelint: find and fix biometric leakage (age, gender, race, eye colour, weight) in datasets."""

from __future__ import annotations

__version__ = "0.1.0"

from safelint.api import build_engine, check, detector, scan_text
from safelint.findings import ATTRIBUTES, Finding, Match, TextItem
from safelint.fixer.api import fix

__all__ = ["ATTRIBUTES", "Finding", "Match", "TextItem", "__version__", "build_engine", "check", "detector", "fix",
           "scan_text"]
