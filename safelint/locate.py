"""Line and column of findings inside JSON and JSON Lines files.

The JSON reader streams records with ijson, which reports no positions, and the JSON Lines
reader knows the line but not the column.  A :class:`Locator` finds each linted string again
in the raw bytes of its file, so a finding can say ``data.json:1042:31``.

How it works: the linter asks for the strings of each record in turn (only strings that have
findings).  For each one the locator searches forward, from the end of the previous record's
strings, for the string as a JSON token: first the encodings ``json.dumps`` writes with
``ensure_ascii`` on and off (also with ``\\/`` and upper-case ``\\u00E9``, as PHP writes), then
(once a file turns out to escape differently) a pattern that accepts every valid JSON escape
of each character.

A match must sit where a JSON *value* can start (after ``[``, ``,`` or ``:``), must not be
an object key, and, when the string is an object member (its JSON Pointer ends in a name),
must follow that member's name.  The search for a record's strings starts again at the
record's floor, so strings that a reader lists out of document order are still found, and a
string that occurs twice in one record is matched to two different places.

The file is read in chunks through one open handle: memory is bounded by the chunk size plus
the longest string searched for, whatever the size of the file.  Line and column are counted
incrementally from a checkpoint that only moves forward.

Columns are 1-based and count Unicode code points of the file's line (a byte order mark is
not counted); an escape such as ``\\u00e9`` counts as the six characters it takes in the file.
``Spot.columns`` gives the column of a span's first character and the column just after its
last character (exclusive end), both on the string's line (a JSON string never spans lines).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Self

CHUNK = 1 << 20  # bytes read per search window, at most
BLOCK = 1 << 16  # bytes read from the file at a time
MAX_MISSES = 3  # strings not found before a file is given up on (positions then stay unknown)
BOM = b"\xef\xbb\xbf"
_WS = b" \t\r\n"
_VALUE_BEFORE = b"[,:"  # what precedes a JSON value (a key follows "{" or "," and precedes ":")
_CONT = bytes(range(0x80, 0xC0))  # UTF-8 continuation bytes
_SHORT = {'"': rb'\\"', "\\": rb"\\\\", "\b": rb"\\b", "\f": rb"\\f", "\n": rb"\\n", "\r": rb"\\r", "\t": rb"\\t"}
# an escape in a JSON string body: a surrogate pair (one character), another \\u escape, or a short one
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.", re.DOTALL)

_HEX_ESCAPE = re.compile(r"\\(?:(u[0-9a-f]{4})|.)", re.DOTALL)  # every escape, in order; group 1 for \\u ones

Finder = Callable[[bytes, int], "tuple[int, int] | None"]


def _code_points(data: bytes) -> int:
    """Code points in UTF-8 bytes (continuation bytes are not counted; safe on partial characters)."""
    return len(data.translate(None, _CONT))


def _hex_escape(code: int) -> bytes:
    r"""A pattern for ``\uXXXX`` with either case of hex digits."""
    digits = b"".join(d.encode() if d.isdigit() else f"[{d}{d.upper()}]".encode() for d in f"{code:04x}")
    return rb"\\u" + digits


def _char_pattern(c: str) -> bytes:
    """Every way a JSON encoder may write the character ``c`` inside a string."""
    code = ord(c)
    if c.isascii() and (c.isalnum() or c == " "):
        return re.escape(c.encode())
    alts: list[bytes] = []
    if c in _SHORT:
        alts.append(_SHORT[c])
    elif c == "/":
        alts += [b"/", rb"\\/"]
    elif 0x20 <= code < 0xD800 or 0xE000 <= code:
        alts.append(re.escape(c.encode("utf-8")))
    if code > 0xFFFF:
        hi, lo = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        alts.append(_hex_escape(hi) + _hex_escape(lo))
    else:
        alts.append(_hex_escape(code))
    return b"(?:" + b"|".join(alts) + b")"


def _upper_hex(m: re.Match[str]) -> str:
    return m.group().upper().replace("\\U", "\\u") if m.group(1) else m.group()


def _literal_finder(value: str) -> tuple[Finder, int]:
    """Find ``value`` as written by ``json.dumps`` with ensure_ascii off or on, and by encoders
    that also escape ``/`` or write upper-case hex (PHP, some Java and .NET libraries)."""
    needles: list[bytes] = []
    for ascii_only in (False, True):
        plain = json.dumps(value, ensure_ascii=ascii_only)
        upper = _HEX_ESCAPE.sub(_upper_hex, plain)
        for text in (plain, plain.replace("/", "\\/"), upper, upper.replace("/", "\\/")):
            try:
                n = text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate cannot be written raw
                continue
            if n not in needles:
                needles.append(n)

    def find(buf: bytes, i: int) -> tuple[int, int] | None:
        best: tuple[int, int] | None = None
        for n in needles:
            j = buf.find(n, i)
            if j >= 0 and (best is None or j < best[0]):
                best = (j, j + len(n))
        return best

    return find, max(len(n) for n in needles)


def _pattern_finder(value: str) -> tuple[Finder, int]:
    """Find ``value`` however its characters are escaped."""
    pattern = re.compile(b'"' + b"".join(_char_pattern(c) for c in value) + b'"')

    def find(buf: bytes, i: int) -> tuple[int, int] | None:
        m = pattern.search(buf, i)
        return (m.start(), m.end()) if m else None

    return find, 12 * len(value) + 2


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one string value sits in its file."""

    line: int  # 1-based line of the string
    column: int  # 1-based column of its opening quote
    escapes: tuple[int, ...] = ()  # indices of the characters written as escapes, ascending
    extra: tuple[int, ...] = ()  # extra[i]: code points the escapes up to escapes[i] add

    @classmethod
    def of(cls, line: int, column: int, body: str) -> Spot:
        """The spot of a string whose encoded body (between the quotes) is ``body``."""
        if "\\" not in body:
            return cls(line, column)
        escapes: list[int] = []
        extra: list[int] = []
        total = 0
        for m in _ESCAPE.finditer(body):
            escapes.append(m.start() - total)
            total += len(m.group()) - 1
            extra.append(total)
        return cls(line, column, tuple(escapes), tuple(extra))

    def offset(self, index: int) -> int:
        """Code points of the encoded body before character ``index`` of the value."""
        n = bisect_left(self.escapes, index)
        return index + (self.extra[n - 1] if n else 0)

    def columns(self, start: int, end: int) -> tuple[int, int]:
        """Columns of a span ``value[start:end]``: its first character and just past its last."""
        return self.column + 1 + self.offset(start), self.column + 1 + self.offset(end)


@dataclass
class _State:
    off: int  # byte offset in the file
    line: int  # 1-based line at ``off``
    col: int  # code points between the start of the line and ``off``


class Locator:
    """Finds the strings of one JSON or JSON Lines file, record by record, in document order."""

    def __init__(self, path: str | Path, *, chunk: int = CHUNK):
        self.chunk = chunk
        self._f: IO[bytes] | None = None
        try:
            self._f = open(path, "rb")  # noqa: SIM115 - closed by close()
            start = 3 if self._f.read(3) == BOM else 0
        except OSError:
            start = 0
        self._start = start
        self._cache = b""
        self._cache_off = 0
        self._floor = _State(start, 1, 0)  # checkpoint: nothing of the current record lies before it
        self._cursor = _State(start, 1, 0)  # state at the last string found in the current record
        self._record: int | None = None
        self._high = start  # end of the furthest string found in the current record
        self._claimed: set[int] = set()
        self._pattern_mode = False
        self._misses = 0

    @property
    def active(self) -> bool:
        return self._f is not None and self._misses < MAX_MISSES

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def find(self, record: int, value: str, line: int | None = None, pointer: str = "") -> Spot | None:
        """Locate ``value``, a string of record ``record`` (records must come in file order).

        ``line`` is the record's line when the reader knows it (JSON Lines): the search then
        starts at that line.  ``pointer`` is the string's JSON Pointer, used to check the member
        name before it.  Returns None when the string cannot be found.
        """
        if not self.active:
            return None
        try:
            if record != self._record:
                self._next_record(line)
                self._record = record
            hit = self._search(value, _member_name(pointer), pointer in ("", "/"))
        except OSError:
            self.close()
            return None
        if hit is None:
            self._misses += 1
            return None
        q, end = hit
        self._claimed.add(q)
        self._high = max(self._high, end)
        base = self._cursor if self._cursor.off <= q else self._floor
        state = self._advance(_State(base.off, base.line, base.col), q)
        self._cursor = state
        body = self._read(q + 1, end - q - 2).decode("utf-8", "surrogatepass")
        return Spot.of(state.line, state.col + 1, body)

    # -- internals ---------------------------------------------------------------------------------

    def _next_record(self, line: int | None) -> None:
        self._floor = self._advance(self._floor, self._high)
        if line is not None and line > self._floor.line:
            self._floor = self._to_line(self._floor, line)
        self._cursor = self._floor
        self._high = self._floor.off
        self._claimed.clear()

    def _search(self, value: str, name: bytes | None, whole: bool) -> tuple[int, int] | None:
        if not self._pattern_mode:
            hit = self._scan(*_literal_finder(value), name, whole)
            if hit is not None:
                return hit
        hit = self._scan(*_pattern_finder(value), name, whole)
        if hit is not None and not self._pattern_mode:
            self._pattern_mode = True  # this file escapes differently from json.dumps: stop trying literals
        return hit

    def _scan(self, find: Finder, longest: int, name: bytes | None, whole: bool) -> tuple[int, int] | None:
        """The first unclaimed value token matched by ``find`` at or after the floor."""
        off = self._floor.off
        step = min(4096, self.chunk)  # the string is usually near: start small, grow to a chunk
        while True:
            buf = self._read(off, step + longest)
            eof = len(buf) < step + longest
            i = 0
            while (m := find(buf, i)) is not None:
                s, e = m
                if s >= step and not eof:
                    break  # the next window sees this match whole, and any earlier one
                q = off + s
                if q not in self._claimed and self._is_value(q, off + e, name, whole):
                    return q, off + e
                i = s + 1
            if eof:
                return None
            off += step
            step = min(step * 2, self.chunk)

    def _is_value(self, q: int, end: int, name: bytes | None, whole: bool) -> bool:
        """Whether the string token at ``q``..``end`` is a value (of member ``name``, when given).

        ``whole``: the string is a whole record (a JSON Lines line), so anything may precede it.
        """
        if self._after(end) == ord(":"):
            return False
        if whole:
            return True
        before = self._before(q)
        if before is None:
            return name is None
        if name is not None:
            return before[0] == ord(":") and self._read_back(before[1], len(name) + 64).rstrip(_WS).endswith(name)
        return before[0] in _VALUE_BEFORE

    def _before(self, off: int) -> tuple[int, int] | None:
        """The last non-whitespace byte before ``off`` and its offset; None at the start."""
        size = 64
        while off > self._start:
            lo = max(self._start, off - size)
            data = self._read(lo, off - lo).rstrip(_WS)
            if data:
                return data[-1], lo + len(data) - 1
            off, size = lo, min(size * 4, self.chunk)
        return None

    def _after(self, off: int) -> int | None:
        """The first non-whitespace byte from ``off``; None at the end."""
        size = 64
        while data := self._read(off, size):
            rest = data.lstrip(_WS)
            if rest:
                return rest[0]
            off, size = off + len(data), min(size * 4, self.chunk)
        return None

    def _read_back(self, off: int, n: int) -> bytes:
        lo = max(self._start, off - n)
        return self._read(lo, off - lo)

    def _advance(self, state: _State, target: int) -> _State:
        """``state`` moved forward to byte ``target``, counting lines and columns."""
        off, line, col = state.off, state.line, state.col
        while off < target:
            seg = self._read(off, min(self.chunk, target - off))
            if not seg:
                break
            n = seg.count(b"\n")
            if n:
                line += n
                col = _code_points(seg[seg.rfind(b"\n") + 1:])
            else:
                col += _code_points(seg)
            off += len(seg)
        return _State(off, line, col)

    def _to_line(self, state: _State, line: int) -> _State:
        """``state`` moved forward to the start of ``line`` (or to the end of the file)."""
        off, cur = state.off, state.line
        while cur < line:
            seg = self._read(off, self.chunk)
            if not seg:
                return self._advance(state, off)
            i = 0
            while cur < line and (j := seg.find(b"\n", i)) >= 0:
                cur, i = cur + 1, j + 1
            if cur == line:
                return _State(off + i, cur, 0)
            off += len(seg)
        return state

    def _read(self, off: int, n: int) -> bytes:
        """``n`` bytes at ``off``, from a small cache of the last block read (reads are local)."""
        rel = off - self._cache_off
        if 0 <= rel and rel + n <= len(self._cache):
            return self._cache[rel:rel + n]
        assert self._f is not None
        lo = max(self._start, off - BLOCK // 4)  # keep a little before: strings are checked backwards too
        self._f.seek(lo)
        self._cache = self._f.read(off - lo + max(n, BLOCK))
        self._cache_off = lo
        return self._cache[off - lo:off - lo + n]


def _member_name(pointer: str) -> bytes | None:
    """The encoded member name a string at ``pointer`` follows, when it is an object member.

    Array indices (all digits) and names that JSON encoders may escape differently are not
    checked (None).
    """
    token = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~") if "/" in pointer else ""
    if not token or token.isdigit() or not all(c.isalnum() or c in "_-. " for c in token) or not token.isascii():
        return None
    return b'"' + token.encode() + b'"'


def open_locator(path: str | Path, fmt: str) -> Locator | None:
    """A locator for a file read by the ``json`` or ``jsonl`` reader; None for other formats."""
    if fmt not in ("json", "jsonl"):
        return None
    loc = Locator(path)
    return loc if loc.active else None
