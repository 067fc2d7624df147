"""JSON files: a top-level array of records (LLaVA, COCO-system captions), a COCO captions
object (``{"annotations": [...]}``) or a single object, streamed with ijson so a 1 GB
array lints in bounded memory."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from safelint.formats.base import InputError, ReadOptions, Record, extract

BOM = b"\xef\xbb\xbf"
# Past this size a syntax error is reported by byte offset instead of line and column.
EXACT_ERROR_LIMIT = 256 * 1024 * 1024
# Deeper nesting is refused: ijson's memory grows with the square of the depth.
MAX_DEPTH = 1000
# ijson re-copies a string that spans buffers: small buffers make huge strings quadratic.
BUF_SIZE = 4 * 1024 * 1024
_OUTSIDE = re.compile(rb'["\[\]{}]')
_INSIDE = re.compile(rb'(?:[^"\\]|\\.)*')


class TooDeep(Exception):
    pass


class DepthGuard:
    """A file wrapper that tracks JSON nesting depth (outside strings) as bytes stream by."""

    def __init__(self, f: IO[bytes], limit: int = MAX_DEPTH):
        self.f = f
        self.limit = limit
        self.depth = 0
        self.in_string = False
        self.escape = False  # the previous chunk ended inside a string on a backslash

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self._scan(data)
        return data

    def _scan(self, data: bytes) -> None:
        i, n = 0, len(data)
        while i < n:
            if self.in_string:
                if self.escape:
                    self.escape = False
                    i += 1
                    continue
                m = _INSIDE.match(data, i)
                i = m.end() if m else i
                if i >= n:
                    return
                if data[i] == 0x5C:  # a backslash as the chunk's last byte
                    self.escape = True
                    i += 1
                    continue
                self.in_string = False  # closing quote
                i += 1
                continue
            m = _OUTSIDE.search(data, i)
            if m is None:
                return
            c = data[m.start()]
            i = m.end()
            if c == 0x22:
                self.in_string = True
            elif c in (0x5B, 0x7B):
                self.depth += 1
                if self.depth > self.limit:
                    raise TooDeep
            else:
                self.depth -= 1


def _first_char(f: IO[bytes]) -> bytes:
    while True:
        c = f.read(1)
        if not c or not c.isspace():
            return c


class JsonReader:
    name = "json"
    extensions = (".json",)

    def read(self, path: Path, opts: ReadOptions) -> Iterator[Record]:
        p = str(path)
        with open(path, "rb") as f:
            skip = 3 if f.read(3) == BOM else 0
            f.seek(skip)
            first = _first_char(f)
            f.seek(skip)
            if not first:
                raise InputError(p, "empty file: expected a JSON array of records or a JSON object")
            if first == b"[":
                yield from self._stream(path, f, "item", "", opts)
            elif first == b"{":
                if self._is_coco(f):
                    f.seek(skip)
                    yield from self._stream(path, f, "annotations.item", "/annotations", opts)
                else:
                    f.seek(skip)
                    obj = self._load(path, f)
                    yield extract(obj, "", opts, path=p, index=0)
            else:
                raise InputError(p, f"expected a JSON array or object, found {first.decode('latin-1')!r}",
                                 line=1, column=1)

    @staticmethod
    def _is_coco(f: IO[bytes]) -> bool:
        try:
            for prefix, event, value in ijson.parse(f):
                if prefix == "" and event == "map_key":
                    if value == "annotations":
                        return True
                if prefix == "annotations" and event == "start_array":
                    return True
                if event == "end_map" and prefix == "":
                    return False
        except ijson.JSONError:
            return False
        return False

    def _stream(self, path: Path, f: IO[bytes], prefix: str, base: str, opts: ReadOptions) -> Iterator[Record]:
        p = str(path)
        i = -1
        try:
            for i, obj in enumerate(ijson.items(DepthGuard(f), prefix, use_float=True, buf_size=BUF_SIZE)):
                yield extract(obj, f"{base}/{i}", opts, path=p, index=i)
        except TooDeep:
            raise InputError(p, f"JSON nested more than {MAX_DEPTH} levels deep", record=i + 1) from None
        except ijson.JSONError as exc:
            yield from self._fallback(path, f, prefix, base, opts, i + 1, exc)
        except UnicodeDecodeError as exc:
            raise InputError(p, f"not valid UTF-8 ({exc.reason}); re-encode the file as UTF-8", record=i + 1) from None

    def _fallback(self, path: Path, f: IO[bytes], prefix: str, base: str, opts: ReadOptions, done: int,
                  exc: Exception) -> Iterator[Record]:
        """ijson refuses NaN/Infinity and reports no line numbers: re-read with the json module.

        Records already yielded are not yielded again.
        """
        p = str(path)
        if path.stat().st_size > EXACT_ERROR_LIMIT:
            raise InputError(p, f"malformed JSON after record {done}: {str(exc).splitlines()[0]}") from None
        f.seek(0)
        obj = self._load(path, f)
        items: Any = obj
        if prefix == "annotations.item":
            items = obj.get("annotations") if isinstance(obj, dict) else None
        if not isinstance(items, list):
            raise InputError(p, "expected a JSON array of records") from None
        for i, rec in enumerate(items[done:], start=done):
            yield extract(rec, f"{base}/{i}", opts, path=p, index=i)

    @staticmethod
    def _load(path: Path, f: IO[bytes]) -> Any:
        p = str(path)
        data = f.read()
        if data.startswith(BOM):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(p, f"not valid UTF-8 at byte {exc.start} ({exc.reason}); re-encode the file as UTF-8",
                             line=line) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(p, f"malformed JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
        except RecursionError:
            raise InputError(p, "JSON nested too deeply to read") from None
