"""Keyword-stage benchmark: the matchers behind ``safelint.engine.keywords`` side by side.

Same process, same vocabulary (every keyword, pattern trigger and exception of the built-in
rules, exactly what ``Engine`` feeds its matcher), same captions (~200k real captions from
Flickr30k Entities, Conceptual Captions and COCO system captions).  Prints throughput
(sentences/s, median of ``--runs``), the ratio to the default matcher, and two correctness
reports:

* a hand-written set of non-ASCII inputs ("İstanbul woman", "Café", "naïve", "Straße", emoji,
  combining characters, "woman's", Swedish "Öman") checked against a brute-force oracle;
* agreement of every matcher with the default one on the real captions (plus the default one
  against the oracle on a sample).

A span is *wrong* if the matcher reports it but the oracle does not (it points at the wrong
characters or breaks a word boundary); *missed* if the oracle has it and the matcher reports
nothing overlapping it; *shadowed* if the matcher reports a longer overlapping span instead
(a leftmost-longest matcher by design; the engine resolves overlaps itself).

Usage::

    python bench/matchers.py [--data ../shared/data] [--n 200000] [--runs 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import add_data_arg, captions, machine

from safelint.engine import Engine
from safelint.engine.keywords import MATCHERS, fold, normalise_key
from safelint.rules import load_rules

Span = tuple[int, int, int]


# -- the vocabulary, exactly as the engine builds it ------------------------------------------
class _Recorder:
    keys: list[tuple[str, int]] = []

    def __init__(self, keys: Iterable[tuple[str, int]]):
        _Recorder.keys = list(keys)

    def find(self, text: str) -> Iterator[Span]:
        return iter(())


def engine_keys() -> list[tuple[str, int]]:
    MATCHERS["_record"] = _Recorder
    try:
        Engine(load_rules(), matcher="_record")
    finally:
        del MATCHERS["_record"]
    return _Recorder.keys


# -- extra candidates (bench only) ------------------------------------------------------------
class FlashText2Matcher:
    """flashtext2 (Rust) on folded text; Unicode word segmentation, so no possessives."""

    def __init__(self, keys: Iterable[tuple[str, int]]):
        from flashtext2 import KeywordProcessor

        self._kp = KeywordProcessor(case_sensitive=False)
        self._ids: dict[str, list[int]] = {}
        for phrase, key_id in keys:
            k = normalise_key(phrase)
            if k not in self._ids:
                self._kp.add_keyword(k)
            self._ids.setdefault(k, []).append(key_id)

    def find(self, text: str) -> Iterator[Span]:
        for key, start, end in self._kp.extract_keywords_with_span(fold(text)):
            for key_id in self._ids.get(key, ()):
                yield start, end, key_id


def _trie_regex(words: list[str]) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        optional = "" in node
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if optional:
            body = ("(?:" + body + ")?") if len(alts) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


class RegexTrieMatcher:
    """One ``re`` alternation built from a trie, on folded text, ``(?<!\\w)...(?!\\w)`` boundaries.

    Greedy optional branches make it leftmost-longest."""

    def __init__(self, keys: Iterable[tuple[str, int]]):
        self._ids: dict[str, list[int]] = {}
        for phrase, key_id in keys:
            k = normalise_key(phrase)
            if k:
                self._ids.setdefault(k, []).append(key_id)
        self._rx = re.compile(r"(?<!\w)(?:" + _trie_regex(sorted(self._ids)) + r")(?!\w)")

    def find(self, text: str) -> Iterator[Span]:
        for m in self._rx.finditer(fold(text)):
            for key_id in self._ids.get(m.group(), ()):
                yield m.start(), m.end(), key_id


def candidates() -> dict[str, type]:
    out: dict[str, type] = {"aho (default)": MATCHERS["aho"], "flashtext": MATCHERS["flashtext"]}
    try:
        import flashtext2  # noqa: F401

        out["flashtext2"] = FlashText2Matcher
    except ImportError:
        print("note: flashtext2 not installed, skipped", file=sys.stderr)
    out["re trie"] = RegexTrieMatcher
    return out


# -- oracle -----------------------------------------------------------------------------------
class Oracle:
    """Every whole-word occurrence of every key in fold(text), overlaps included (slow, exact)."""

    def __init__(self, keys: Iterable[tuple[str, int]]):
        self._ids: dict[str, list[int]] = {}
        for phrase, key_id in keys:
            k = normalise_key(phrase)
            if k:
                self._ids.setdefault(k, []).append(key_id)
        self._rx = [(re.compile(r"(?<!\w)(?=(" + re.escape(k) + r")(?!\w))"), ids) for k, ids in self._ids.items()]

    def find(self, text: str) -> set[Span]:
        low = fold(text)
        out: set[Span] = set()
        for rx, ids in self._rx:
            for m in rx.finditer(low):
                for key_id in ids:
                    out.add((m.start(1), m.end(1), key_id))
        return out


def compare(got: set[Span], truth: set[Span]) -> tuple[int, int, int]:
    """(wrong, missed, shadowed) counts of ``got`` against ``truth`` (key ids ignored for overlap)."""
    got_sp = {(s, e) for s, e, _ in got}
    truth_sp = {(s, e) for s, e, _ in truth}
    wrong = len(got_sp - truth_sp)
    missed = shadowed = 0
    for s, e in truth_sp - got_sp:
        if any(gs < e and s < ge for gs, ge in got_sp & truth_sp):
            shadowed += 1
        else:
            missed += 1
    return wrong, missed, shadowed


NON_ASCII = [
    "İstanbul woman",
    "A woman from İzmir and an old man",
    "Café owner: a young woman",
    "a naïve girl",
    "the woman's hat",
    "the woman\u2019s hat",
    "Straße, a blonde man",
    "STRASSE MAN",
    "👩🏽 woman 👨 man",
    "🧔man",
    "Cafe\u0301 woman",  # combining acute in the previous word (NFD)
    "woman\u0301 x",  # combining mark attached to the keyword itself
    "Mr. Öman",  # Swedish surname: 'man' is not a word here
    "Åman and a girl",
    "ǅemal boy",  # titlecase digraph
    "a ΣΟΦΙΑ woman",  # Greek capitals (final-sigma lowercasing)
    "blue\u00a0eyed girl",  # no-break space
    "blue\u2011eyed girl",  # non-breaking hyphen
    "ﬁne woman",  # ligature
    "the man—the woman",
]


def correctness(keys: list[tuple[str, int]], impls: dict[str, type]) -> None:
    oracle = Oracle(keys)
    built = {name: cls(keys) for name, cls in impls.items()}
    print("\n## Correctness on non-ASCII inputs (against the brute-force oracle)\n")
    print("| input | oracle spans | " + " | ".join(built) + " |")
    print("|---|---|" + "---|" * len(built))
    totals = {name: [0, 0, 0] for name in built}
    for text in NON_ASCII:
        truth = oracle.find(text)
        cells = []
        for name, m in built.items():
            got = set(m.find(text))
            w, mi, sh = compare(got, truth)
            for i, v in enumerate((w, mi, sh)):
                totals[name][i] += v
            if w or mi:
                bad = sorted({(s, e) for s, e, _ in got} - {(s, e) for s, e, _ in truth})
                cells.append(f"**{w} wrong {mi} missed** " + ", ".join(repr(text[s:e]) for s, e in bad))
            else:
                cells.append("ok" + (f" ({sh} shadowed)" if sh else ""))
        spans = ", ".join(repr(text[s:e]) for s, e in sorted({(s, e) for s, e, _ in truth}))
        print(f"| {text!r} | {spans} | " + " | ".join(cells) + " |")
    print("\ntotals (wrong / missed / shadowed): " +
          "; ".join(f"{n}: {t[0]}/{t[1]}/{t[2]}" for n, t in totals.items()))


def throughput(keys: list[tuple[str, int]], impls: dict[str, type], texts: list[str], runs: int) -> None:
    built = {name: cls(keys) for name, cls in impls.items()}
    times: dict[str, list[float]] = {name: [] for name in built}
    counts: dict[str, int] = {}
    for _ in range(runs):
        for name, m in built.items():  # interleaved, so drift hits every matcher alike
            t0 = time.perf_counter()
            n = 0
            for text in texts:
                for _hit in m.find(text):
                    n += 1
            times[name].append(time.perf_counter() - t0)
            counts[name] = n
    base = statistics.median(times["aho (default)"])
    print(f"\n## Throughput on {len(texts):,} captions ({runs} runs, median; spread = min..max)\n")
    print("| matcher | sentences/s | spread | vs default | hits |")
    print("|---|---|---|---|---|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {len(texts) / med:,.0f} | {len(texts) / max(ts):,.0f}..{len(texts) / min(ts):,.0f} "
              f"| {base / med:.2f}x | {counts[name]:,} |")


def agreement(keys: list[tuple[str, int]], impls: dict[str, type], texts: list[str], sample: int) -> None:
    built = {name: cls(keys) for name, cls in impls.items()}
    ref = built["aho (default)"]
    print(f"\n## Agreement with the default matcher on {len(texts):,} captions\n")
    print("| matcher | wrong spans | missed | shadowed | captions differing | example |")
    print("|---|---|---|---|---|---|")
    for name, m in built.items():
        if m is ref:
            continue
        tot = [0, 0, 0]
        differing = 0
        example = ""
        for text in texts:
            truth = set(ref.find(text))
            got = set(m.find(text))
            w, mi, sh = compare(got, truth)
            if w or mi:
                differing += 1
                if not example:
                    example = repr(text[:70])
            tot[0] += w
            tot[1] += mi
            tot[2] += sh
        print(f"| {name} | {tot[0]:,} | {tot[1]:,} | {tot[2]:,} | {differing:,} | {example} |")
    oracle = Oracle(keys)
    bad = sum(1 for text in texts[:sample] if set(ref.find(text)) != oracle.find(text))
    print(f"\ndefault matcher vs oracle on the first {sample:,} captions: {bad} captions differ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arg(ap)
    ap.add_argument("--n", type=int, default=200_000, help="captions (default 200000)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--oracle-sample", type=int, default=2000)
    args = ap.parse_args()
    keys = engine_keys()
    impls = candidates()
    print(f"# safelint keyword matchers — {date.today()} — {machine()}")
    print(f"vocabulary: {len(keys)} keys from the built-in rules ({len({normalise_key(k) for k, _ in keys})} distinct)")
    correctness(keys, impls)
    texts = captions(args.data, args.n)
    throughput(keys, impls, texts, args.runs)
    agreement(keys, impls, texts, args.oracle_sample)


if __name__ == "__main__":
    main()
