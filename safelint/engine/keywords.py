"""The keyword stage: find whole-word, case-insensitive phrases in a string.

One tiny protocol, two implementations.  ``AhoCorasickMatcher`` (pyahocorasick plus a
Unicode word-boundary check) is the default: it keeps correct character offsets on
non-ASCII text and matches possessives ("woman's").  ``FlashTextMatcher`` exists for
comparison (bench/matchers.py); flashtext lowercases the whole string, which shifts spans
when lowercasing changes the length ("İ"), so it is not the default.  BENCHMARKS.md has
the figures behind the choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import ahocorasick


class KeywordMatcher(Protocol):
    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Yield (start, end, key_id) for every whole-word occurrence."""
        ...


def fold(text: str) -> str:
    """Lowercase without changing length, so offsets into the result are offsets into text.

    Hyphens and whitespace variants are normalised so that "blue-eyed", "blue eyed" and
    "blue\u00a0eyed" all look the same to the automaton.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.translate(_FOLD)


_FOLD = str.maketrans({"-": " ", "\u2010": " ", "\u2011": " ", "\u2013": " ", "\t": " ", "\n": " ",
                       "\r": " ", "\u00a0": " ", "\u2019": "'"})


def normalise_key(phrase: str) -> str:
    return " ".join(fold(phrase).split())


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


class AhoCorasickMatcher:
    """Aho-Corasick automaton over folded keys with a word-boundary check."""

    def __init__(self, keys: Iterable[tuple[str, int]]):
        self._auto = ahocorasick.Automaton()
        ids: dict[str, list[int]] = {}
        for phrase, key_id in keys:
            k = normalise_key(phrase)
            if k:
                ids.setdefault(k, []).append(key_id)
        for k, v in ids.items():
            self._auto.add_word(k, (len(k), tuple(v)))
        self.empty = not ids
        if not self.empty:
            self._auto.make_automaton()

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        if self.empty:
            return
        low = fold(text)
        n = len(low)
        for end_idx, (length, key_ids) in self._auto.iter(low):
            start = end_idx - length + 1
            end = end_idx + 1
            if start > 0 and _is_word(low[start - 1]):
                continue
            if end < n and _is_word(low[end]):
                continue
            for key_id in key_ids:
                yield start, end, key_id


class FlashTextMatcher:
    """flashtext's KeywordProcessor behind the same protocol (for comparison)."""

    def __init__(self, keys: Iterable[tuple[str, int]]):
        from flashtext import KeywordProcessor

        self._kp = KeywordProcessor(case_sensitive=False)
        self._ids: dict[str, list[int]] = {}
        for phrase, key_id in keys:
            k = normalise_key(phrase)
            self._ids.setdefault(k, []).append(key_id)
            self._kp.add_keyword(k)

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        for key, start, end in self._kp.extract_keywords(fold(text), span_info=True):
            for key_id in self._ids.get(key, ()):
                yield start, end, key_id


MATCHERS = {"aho": AhoCorasickMatcher, "flashtext": FlashTextMatcher}
