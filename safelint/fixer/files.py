"""Fixing files: read records with the readers, fix them, write a byte-exact splice atomically
(JSON and JSON Lines: only the changed string values; TSV: only the caption cell of a changed row).

In-place writes go to a temporary file in the same directory, are fsynced and renamed over the
original (``os.replace``) with its permissions; the original is never opened for writing.  A
second ``fix`` on the same file is refused (``flock`` on the file), as is a file that changed
while it was being fixed, a read-only file or an unsupported format; the error is an
:class:`~safelint.formats.InputError` (exit 2 in the CLI) and the original stays as it was.
"""

from __future__ import annotations

import difflib
import errno
import fcntl
import hashlib
import mmap
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from safelint.findings import Finding
from safelint.fixer.core import Fixer, ItemFix
from safelint.fixer.splice import SpliceError, splice
from safelint.formats import InputError, ReadOptions, Record, reader_for
from safelint.linter import baseline_key, record_items, record_size
from safelint.parallel import Pool, batches

# Test hook: seconds to sleep after the first changed string is written to the temporary file.
SLEEP_ENV = "SAFELINT_FIX_TEST_SLEEP"


@dataclass
class Change:
    """One rewritten string."""

    path: str
    record: int
    id: str | None
    pointer: str
    role: str | None
    rules: tuple[str, ...]
    fix: str  # "safe" or "unsafe"
    before: str
    after: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "record": self.record, "id": self.id, "pointer": self.pointer, "role": self.role,
                "rules": list(self.rules), "fix": self.fix, "before": self.before, "after": self.after}


@dataclass
class FileResult:
    path: str
    records: int = 0
    changes: int = 0
    fixed: int = 0  # findings fixed
    written: bool = False
    remaining: list[Finding] = field(default_factory=list)


def record_fixes(fixer: Fixer, path: str, rec: Record, result: FileResult,
                 on_change: Callable[[Change], None] | None, fixes: list[ItemFix] | None = None) -> dict[str, str]:
    """Fix one record (``fixes``: ``fixer.fix_items(rec.items)``, when already computed, e.g. by a worker);
    returns {pointer: new text} for the strings that changed."""
    out: dict[str, str] = {}
    for f in fixer.fix_items(rec.items) if fixes is None else fixes:
        it = f.item
        for m in f.remaining:
            result.remaining.append(Finding.place(m, path=path, record=rec.index, record_id=rec.id,
                                                  item=type(it)(it.pointer, f.text, it.role), line=rec.line,
                                                  baseline_key=baseline_key(path, rec, it, m.rule, m.text, 0)))
        if not f.changed:
            continue
        out[it.pointer] = f.text
        result.changes += 1
        result.fixed += f.fixed
        if on_change is not None:
            on_change(Change(path, rec.index, rec.id, it.pointer, it.role, f.rules, f.safety or "safe", it.text,
                             f.text))
    result.records += 1
    return out


def record_diff(path: str, rec_index: int, rec_id: str | None, changes: list[tuple[str, str, str]]) -> str:
    """A unified diff of one record's changed strings (``pointer: text`` lines)."""
    def lines(which: int) -> list[str]:
        out = []
        for ptr, before, after in changes:
            for ln in (before, after)[which].split("\n"):
                out.append(f"{ptr}: {ln}\n")
        return out

    label = f"{path} record {rec_index}" + (f" (id {rec_id})" if rec_id else "")
    return "".join(difflib.unified_diff(lines(0), lines(1), f"a/{label}", f"b/{label}", n=1))


class _Feed:
    """Changes per record, pulled lazily in document order while the splice walks the file."""

    def __init__(self, gen: Iterator[tuple[str, dict[str, str]]]):
        self.gen = gen
        self.pending: dict[str, str] = {}
        self.base: str | None = None
        self.done = False

    def lookup(self, ptr: str) -> str | None:
        if ptr in self.pending:
            return self.pending.pop(ptr)
        while not self.done:
            if self.base is not None and (ptr.startswith(self.base + "/") or ptr == self.base):
                return None
            try:
                base, changes = next(self.gen)
            except StopIteration:
                self.done = True
                break
            self.pending.update(changes)
            self.base = base
            if ptr in self.pending:
                return self.pending.pop(ptr)
        return None

    def drain(self) -> None:
        for _base, changes in self.gen:
            self.pending.update(changes)
        self.done = True
        if self.pending:
            raise SpliceError(f"could not place {len(self.pending)} change(s), e.g. at {next(iter(self.pending))}")


def fix_file(path: str | Path, fixer: Fixer, opts: ReadOptions | None = None, *, output: str | Path | None = None,
             write: bool = True, backup: bool = False, on_change: Callable[[Change], None] | None = None,
             on_diff: Callable[[str], None] | None = None, pool: Pool | None = None) -> FileResult:
    """Fix one file in place (or into ``output``); ``write=False`` only computes (for --diff).  ``pool``: worker
    processes running ``fixer.fix_items`` (``fix --jobs``); the records, their order and the output are the same."""
    path = Path(path)
    opts = opts or ReadOptions()
    p = str(path)
    reader = reader_for(path, opts.format)
    if reader is None or reader.name not in ("json", "jsonl", "tsv"):
        raise InputError(p, "fix supports JSON, JSON Lines and TSV caption files only")
    result = FileResult(p)
    try:
        st0 = os.stat(path)
    except OSError as exc:
        raise InputError(p, f"cannot read: {exc.strerror or exc}") from None
    in_place = write and output is None
    if in_place and not (st0.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)):
        raise InputError(p, "file is read-only; nothing written (make it writable or use -o OUT)")
    if in_place and not os.access(path.parent if str(path.parent) else ".", os.W_OK):
        raise InputError(p, "directory is not writable; nothing written (use -o OUT)")
    lock_fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(p, "another `safelint fix` is running on this file; nothing written") from None
        diffs: list[tuple[str, str, str]] = []
        done: dict[int, list[ItemFix]] = {}  # fixes computed by the pool, by record index, until used

        def changes_of(rec: Record) -> dict[str, str]:
            diffs.clear()

            def note(c: Change) -> None:
                diffs.append((c.pointer, c.before, c.after))
                if on_change is not None:
                    on_change(c)

            ch = record_fixes(fixer, p, rec, result, note, done.pop(rec.index, None))
            if diffs and on_diff is not None:
                on_diff(record_diff(p, rec.index, rec.id, diffs))
            return ch

        records: Iterator[Record] = reader.read(path, opts)
        records = _fixed_ahead(pool, records, done) if pool is not None else _fixed_in_batches(fixer, records, done)
        if not write:
            for rec in records:
                changes_of(rec)
            return result
        target = Path(output) if output is not None else path
        tmp = _temp_for(target)
        try:
            with open(tmp, "wb") as out:
                digest = _write(reader.name, path, records, changes_of, out)
                out.flush()
                os.fsync(out.fileno())
            if result.changes == 0 and output is None:
                os.unlink(tmp)
                return result
            st1 = os.stat(path)
            if (st1.st_size, st1.st_mtime_ns, st1.st_ino) != (st0.st_size, st0.st_mtime_ns, st0.st_ino) \
                    or _hash_file(path) != digest:
                raise InputError(p, "file changed while it was being fixed; nothing written (run fix again)")
            os.chmod(tmp, stat.S_IMODE(st0.st_mode))
            if backup and output is None:
                _backup(path)
            os.replace(tmp, target)
            _fsync_dir(target.parent)
            result.written = True
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except SpliceError as exc:
        raise InputError(p, f"cannot rewrite: {exc}; nothing written") from None
    except OSError as exc:
        if exc.errno == errno.EROFS or isinstance(exc, PermissionError):
            raise InputError(p, f"cannot write: {exc.strerror or exc}; nothing written") from None
        raise InputError(p, f"write failed: {exc.strerror or exc}; the original is unchanged") from None
    finally:
        os.close(lock_fd)
    return result


def _fixed_in_batches(fixer: Fixer, records: Iterator[Record], done: dict[int, list[ItemFix]]) -> Iterator[Record]:
    """The records, each with its fixes left in ``done`` before it is yielded: a batch of records at a time
    (the batches of ``check``), whose scans go to the detector together (:meth:`Fixer.fix_many`)."""
    for batch in batches(records, record_size):
        for rec, fixes in zip(batch, fixer.fix_many([r.items for r in batch]), strict=True):
            done[rec.index] = fixes
            yield rec


def _fixed_ahead(pool: Pool, records: Iterator[Record], done: dict[int, list[ItemFix]]) -> Iterator[Record]:
    """The records, each with its fixes computed by ``pool`` and left in ``done`` before it is yielded."""
    for rec, fixes in pool.map(records, record_items, record_size):
        done[rec.index] = fixes
        yield rec


def _write(fmt: str, path: Path, records: Iterator[Record], changes_of: Callable[[Record], dict[str, str]],
           out: IO[bytes]) -> str:
    """Write the fixed file to ``out``; returns the sha256 of the original bytes it read."""
    h = hashlib.sha256()
    slept = [False]

    def hook() -> None:
        if not slept[0] and os.environ.get(SLEEP_ENV):
            slept[0] = True
            out.flush()
            time.sleep(float(os.environ[SLEEP_ENV]))

    if fmt == "tsv":
        return _write_tsv(path, records, changes_of, out, h, hook)
    if fmt == "jsonl":
        for _lineno, raw, rec in _lines_with_records(path, records, h):
            changes = changes_of(rec) if rec is not None else None
            if not changes:
                out.write(raw)
                continue
            body = raw.rstrip(b"\r\n")
            feed = _Feed(iter([("", changes)]))
            splice(body, out, feed.lookup, hook)
            feed.drain()
            out.write(raw[len(body):])
        return h.hexdigest()
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return h.hexdigest()
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            h.update(mm)
            feed = _Feed((r.base, changes_of(r)) for r in records)
            splice(mm, out, feed.lookup, hook)
            feed.drain()
    return h.hexdigest()


def _lines_with_records(path: Path, records: Iterable[Record],
                        h: Any) -> Iterator[tuple[int, bytes, Record | None]]:
    """Each raw line of a line-based file (hashed into ``h``) with the record read from it, if any."""
    recs = iter(records)
    nxt = next(recs, None)
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, start=1):
            h.update(raw)
            while nxt is not None and nxt.line is not None and nxt.line < lineno:
                nxt = next(recs, None)
            if nxt is None or nxt.line != lineno:
                yield lineno, raw, None
                continue
            rec, nxt = nxt, next(recs, None)
            yield lineno, raw, rec


def _write_tsv(path: Path, records: Iterator[Record], changes_of: Callable[[Record], dict[str, str]],
               out: IO[bytes], h: Any, hook: Callable[[], None]) -> str:
    """TSV: only the caption field of a changed row is replaced; tabs, other columns, line ends, a BOM
    and rows without a change are copied byte for byte."""
    for lineno, raw, rec in _lines_with_records(path, records, h):
        changes = changes_of(rec) if rec is not None else None
        if rec is None or not changes:
            out.write(raw)
            continue
        body = raw.rstrip(b"\r\n")
        bom = b"\xef\xbb\xbf" if lineno == 1 and body.startswith(b"\xef\xbb\xbf") else b""
        if b"\r" in body:
            raise SpliceError(f"line {lineno}: a carriage return inside a row")
        cells = body[len(bom):].split(b"\t")
        for ptr, new in changes.items():
            col = int(ptr.rsplit("/", 1)[1])
            old = next((it.text for it in rec.items if it.pointer == ptr), None)
            if col >= len(cells) or old is None or cells[col].decode("utf-8") != old:
                raise SpliceError(f"line {lineno}: the caption column does not match what was read")
            if any(c in new for c in "\t\n\r"):
                raise SpliceError(f"line {lineno}: the fixed caption would contain a tab or a line break")
            cells[col] = new.encode("utf-8")
        out.write(bom + b"\t".join(cells) + raw[len(body):])
        hook()
    return h.hexdigest()


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _temp_for(target: Path) -> str:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".safelint-fix.tmp", dir=target.parent or ".")
    os.close(fd)
    return name


def _backup(path: Path) -> None:
    bak = path.with_name(path.name + ".bak")
    tmp = _temp_for(bak)
    try:
        os.unlink(tmp)
        os.link(path, tmp)
    except OSError:
        import shutil

        shutil.copy2(path, tmp)
    os.replace(tmp, bak)


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
