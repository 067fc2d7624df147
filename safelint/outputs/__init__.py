"""Outputs, one module per format, behind the :class:`~safelint.outputs.base.Reporter` protocol."""

from __future__ import annotations

import importlib
from typing import Any, TextIO

from safelint.outputs.base import Reporter, RunResult

FORMATS = {
    "text": "safelint.outputs.text:TextReporter",
    "json": "safelint.outputs.json:JsonReporter",
    "jsonl": "safelint.outputs.jsonl:JsonlReporter",
    "sarif": "safelint.outputs.sarif:SarifReporter",
    "github": "safelint.outputs.github:GithubReporter",
}


def make_reporter(name: str, stream: TextIO, **options: Any) -> Reporter:
    module, _, cls = FORMATS[name].partition(":")
    klass = getattr(importlib.import_module(module), cls)
    if name != "text":
        options.pop("statistics", None)
        options.pop("progress_stream", None)
    return klass(stream, **options)  # type: ignore[no-any-return]


__all__ = ["FORMATS", "Reporter", "RunResult", "make_reporter"]
