"""The literal strings a regex cannot match without: a cheap test that lets a search be skipped.

Python's ``re`` scans every position of a string even when the pattern can only match where some word occurs
("(?:a|the)\\s+... years? old" needs "year").  :func:`required_literals` reads a pattern's parse tree and returns a set
of strings one of which every match contains; when none is in the string, the search would find nothing and need not
run (the approach of RE2's and codesearch's prefilters, on the ``re`` parser).  The rule engine uses it for the rule
regexes that run on a lower-cased ASCII string (``regexcase.lowered_twin``), where a literal means itself.

The parse tree is ``re``'s own (``re._parser``, private but stable since Python 3.11); anything this module does not
know makes it answer ``None`` (no test, the regex always runs), never a wrong set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

try:  # Python >= 3.11
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - older Pythons name them sre_*
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

MAX_STRINGS = 64  # the most strings a set may hold (each one is a substring test)
MIN_LENGTH = 3  # a set whose shortest string is shorter than this tests nothing useful ("a", "is")
_MAX_CLASS = 8  # a character class of at most this many characters is a choice of literals


@dataclass(frozen=True)
class _Info:
    exact: frozenset[str] | None  # every string the piece can match, when few; None: too many or unknown
    need: frozenset[str] | None  # strings one of which every match of the piece contains; None: nothing known


_NOTHING = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)  # zero-width: anchors, look-arounds


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """A set of strings one of which every match of ``pattern`` (compiled with ``flags``, which must not hold
    ``re.IGNORECASE``) contains, or ``None`` when the pattern promises nothing useful (a string shorter than
    :data:`MIN_LENGTH`, more than :data:`MAX_STRINGS` strings, a construct this module does not read)."""
    if flags & C.SRE_FLAG_IGNORECASE:
        return None
    try:
        tree = P.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - a pattern re itself rejects is not ours to judge here
        return None
    if tree.state.flags & C.SRE_FLAG_IGNORECASE:  # an inline (?i) at the start
        return None
    info = _sequence(list(tree))
    best = _best([s for s in (info.need, info.exact) if s is not None])
    return best if best is not None and _score(best) >= MIN_LENGTH else None


def _score(strings: frozenset[str]) -> int:
    return min(map(len, strings)) if strings and len(strings) <= MAX_STRINGS else 0


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """The same test with fewer strings: one that holds another ("age group" holds "age") adds nothing."""
    return frozenset(s for s in strings if not any(o != s and o in s for o in strings))


def _best(sets: Iterable[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: the longest shortest string, then the fewest strings."""
    ranked = [m for m in map(_minimal, sets) if _score(m) > 0]
    return max(ranked, key=lambda s: (_score(s), -len(s))) if ranked else None


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > MAX_STRINGS:
        return None
    return frozenset(x + y for x in a for y in b)


def _sequence(items: list[tuple[Any, Any]]) -> _Info:
    """Pieces matched one after another: runs of exactly known pieces concatenate into longer literals."""
    found: list[frozenset[str]] = []
    run: frozenset[str] = frozenset({""})
    whole = True  # every piece so far exactly known and the product small
    for op, av in items:
        info = _node(op, av)
        if info.exact is not None:
            joined = _product(run, info.exact)
            if joined is not None:
                run = joined
                continue
            found.append(run)
            run = info.exact
        else:
            found.append(run)
            if info.need is not None:
                found.append(info.need)
            run = frozenset({""})
        whole = False
    found.append(run)
    return _Info(run if whole else None, _best(found))


def _alternatives(branches: list[_Info]) -> _Info:
    exact: frozenset[str] | None = frozenset()
    need: frozenset[str] | None = frozenset()
    for b in branches:
        exact = exact | b.exact if exact is not None and b.exact is not None else None
        own = _best([s for s in (b.need, b.exact) if s is not None])
        need = need | own if need is not None and own is not None else None
    if exact is not None and len(exact) > MAX_STRINGS:
        exact = None
    if need is not None and _score(need) == 0:
        need = None
    return _Info(exact, need)


def _node(op: Any, av: Any) -> _Info:  # one case per parse-tree node kind
    if op is C.LITERAL:
        return _Info(frozenset({chr(av)}), None)
    if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
        return _EMPTY
    if op is C.IN:
        return _Info(_class_chars(av), None)
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if (add_flags | del_flags) & C.SRE_FLAG_IGNORECASE:
            return _NOTHING
        return _sequence(list(sub))
    if op is C.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is C.BRANCH:
        return _alternatives([_sequence(list(b)) for b in av[1]])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        inner = _sequence(list(sub))
        if hi == 1 and inner.exact is not None:  # optional: x?
            exact = inner.exact | {""} if lo == 0 else inner.exact
            return _Info(exact if len(exact) <= MAX_STRINGS else None, None if lo == 0 else inner.need)
        if lo == 0:
            return _NOTHING
        return _Info(None, _best([s for s in (inner.need, inner.exact) if s is not None]))
    return _NOTHING  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, GROUPREF_EXISTS, ...


def _class_chars(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The characters of a class like ``[sz]`` or ``[a-c]``; ``None`` for a negated, categorised or large class."""
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars)
