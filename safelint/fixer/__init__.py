"""``safelint fix``: neutral rewrites (safe) and refusals / dropped sentences (unsafe).

- :mod:`safelint.fixer.rewrite` — safe lexical rewrites of one string (grammar tables);
- :mod:`safelint.fixer.core` — closure loop, unsafe fixes, records, what fix does per finding (for check);
- :mod:`safelint.fixer.splice` — byte-exact JSON rewriting of changed strings;
- :mod:`safelint.fixer.files` — files (JSON, JSONL, TSV): atomic in-place writes, lock, diff, changelog;
- :mod:`safelint.fixer.api` — ``safelint.fix(...)``.
"""

from __future__ import annotations

from safelint.fixer.core import REFUSAL, Fixer, ItemFix, TextFix, drop_sentences
from safelint.fixer.files import Change, FileResult, fix_file
from safelint.fixer.rewrite import rewrite

__all__ = ["REFUSAL", "Change", "FileResult", "Fixer", "ItemFix", "TextFix", "drop_sentences", "fix_file", "rewrite"]
