"""Byte-exact rewriting of JSON text: only the changed string values are re-encoded.

A small tokenizer walks the raw bytes, tracks the JSON Pointer of every string value and
copies everything else verbatim, so indentation, key order, number spellings, escapes of
untouched strings and the trailing newline are kept exactly.  A changed string is written by
``json.dumps`` with the escaping style of the string it replaces (``\\uXXXX`` or raw UTF-8).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import IO

from safelint.formats.base import escape_pointer

_TOK = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)
_WS = re.compile(rb"\s*")


class SpliceError(Exception):
    pass


def encode_like(value: str, original: bytes) -> bytes:
    """``value`` as a JSON string, escaped the way ``original`` (a raw JSON string token) was."""
    ascii_style = b"\\u" in original and all(b < 128 for b in original)
    return json.dumps(value, ensure_ascii=ascii_style).encode("utf-8")


def splice(data: bytes | memoryview, out: IO[bytes], lookup: Callable[[str], str | None],
           on_write: Callable[[], None] | None = None) -> int:
    """Copy the JSON document ``data`` to ``out``, replacing string values ``lookup`` has a new text for.

    ``lookup(pointer)`` returns the new text or None.  Returns the number of strings replaced.
    """
    buf = data
    stack: list[list] = []  # [is_object, key, index]
    expect_key = False
    pos = 0  # bytes before pos are already written
    n = 0
    for m in _TOK.finditer(buf):  # type: ignore[arg-type]
        tok = m.group()
        c = tok[:1]
        if c == b'"':
            if stack and stack[-1][0] and expect_key:
                stack[-1][1] = json.loads(tok)
                continue
            ptr = "".join("/" + (escape_pointer(f[1]) if f[0] else str(f[2])) for f in stack) if stack else ""
            new = lookup(ptr)
            if new is not None:
                out.write(buf[pos:m.start()])
                out.write(encode_like(new, tok))
                pos = m.end()
                n += 1
                if on_write is not None:
                    on_write()
        elif c in (b"{", b"["):
            stack.append([c == b"{", None, 0])
            expect_key = c == b"{"
        elif c in (b"}", b"]"):
            if not stack:
                raise SpliceError("unbalanced JSON")
            stack.pop()
            expect_key = False
        elif c == b":":
            expect_key = False
        elif c == b",":
            if stack and stack[-1][0]:
                expect_key = True
            elif stack:
                stack[-1][2] += 1
    out.write(buf[pos:])
    return n
