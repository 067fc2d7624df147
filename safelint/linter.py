"""Glue between readers, the engine and the outputs: lint files, count, stream findings.

The linter never writes to its inputs and never keeps findings: each one goes to the
sink as soon as it is found, so memory stays flat on very large files.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from safelint.engine import Engine, scan_records
from safelint.findings import ATTRIBUTES, Finding, Match, TextItem
from safelint.formats import InputError, ReadOptions, Record, reader_for
from safelint.locate import Locator, open_locator
from safelint.parallel import Pool, WorkerError, batches
from safelint.walker import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, walk

ROLE_CLASS = {"human": "question", "gpt": "answer", None: "caption"}


@dataclass
class Summary:
    files: int = 0
    records: int = 0
    findings: int = 0
    baselined: int = 0
    resolved: int = 0  # asks answered with a refusal: not open problems (shown with --show-resolved)
    rule_counts: Counter[str] = field(default_factory=Counter)
    # records that leak an attribute, overall and per role class (question / answer / caption)
    leak_records: Counter[str] = field(default_factory=Counter)
    leak_by_role: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    ask_records: Counter[str] = field(default_factory=Counter)
    errors: list[InputError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    stale_baseline: list[dict[str, object]] = field(default_factory=list)

    def rate(self, attribute: str) -> float:
        """Percent of records that leak ``attribute`` ("any" for any attribute)."""
        if not self.records:
            return 0.0
        n = self.leak_records["any"] if attribute == "any" else self.leak_records[attribute]
        return 100.0 * n / self.records

    def to_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "records": self.records,
            "findings": self.findings,
            "baselined": self.baselined,
            "resolved": self.resolved,
            "rules": dict(sorted(self.rule_counts.items())),
            "records_leaking": {a: self.leak_records[a] for a in (*ATTRIBUTES, "any")},
            "records_leaking_by_role": {a: dict(self.leak_by_role[a]) for a in ATTRIBUTES},
            "records_asking": {a: self.ask_records[a] for a in ATTRIBUTES},
            "errors": [str(e) for e in self.errors],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "stale_baseline": self.stale_baseline,
        }


class Sink(Protocol):
    def finding(self, finding: Finding) -> None: ...
    def progress(self, path: str, records: int) -> None: ...


class ListSink:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def finding(self, finding: Finding) -> None:
        self.findings.append(finding)

    def progress(self, path: str, records: int) -> None:
        pass


class Suppressor(Protocol):
    def suppress(self, finding: Finding) -> bool: ...


def baseline_key(path: str, record: Record, item: TextItem, rule: str, text: str, nth: int) -> str:
    """A finding's identity that survives reordering and appending records."""
    rel = item.pointer.removeprefix(record.base)
    h = hashlib.sha256()
    for part in (Path(path).as_posix(), rel, rule, item.text, text, str(nth)):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:24]


class Detection:
    """The detector's verdict on one record's strings: each string's matches, and the fix `safelint fix`
    would apply to each match in its context (None when the fixes are not wanted or nothing matched).

    Picklable (the detector pickles as its rules and model directory), so that ``--jobs`` workers
    each hold a copy (:mod:`safelint.parallel`)."""

    def __init__(self, engine: Any, *, fix_labels: bool = True, refusal: str | None = None):
        self.engine = engine
        self.fix_labels = fix_labels
        self.refusal = refusal
        self._fixer: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_fixer": None}  # the fixer is rebuilt on first use

    def __call__(self, items: Sequence[TextItem]) -> tuple[list[list[Match]], list[list[Any]] | None]:
        return self.many([items])[0]

    def many(self, records: Sequence[Sequence[TextItem]]) -> list[tuple[list[list[Match]], list[list[Any]] | None]]:
        """The detection of each record's strings, all of them scanned in one call of the detector's
        ``scan_many`` (the hybrid engine scores them together)."""
        found = scan_records(self.engine, records)
        todo = [k for k, scans in enumerate(found) if self.fix_labels and any(scans)]
        labels = dict(zip(todo, self.fix_fates([(records[k], found[k]) for k in todo]), strict=True))
        return [(scans, labels.get(k)) for k, scans in enumerate(found)]

    def fix_fates(self, records: Sequence[tuple[Sequence[TextItem], list[list[Match]]]]) -> list[list[list[Any]]]:
        """What `safelint fix` does to each match of each ``(items, scans)`` record: "safe", "unsafe",
        "resolved" or None (see :meth:`safelint.fixer.core.Fixer.label_items`); the fixes' rescans of all
        the records go to the detector together."""
        from safelint.fixer.core import REFUSAL, Fixer, label_findings_many

        if not records:
            return []
        if self._fixer is None:  # `fix` runs the same detector (rules, or hybrid) as this check
            self._fixer = Fixer(self.engine, unsafe=True, refusal=self.refusal or REFUSAL)
        return label_findings_many(self._fixer, self.engine, records)


def record_items(rec: Record) -> list[TextItem]:
    return rec.items


def record_size(rec: Record) -> int:
    """A record's weight for batching: its characters."""
    return sum(len(item.text) for item in rec.items) + 1


@dataclass
class Linter:
    engine: Engine
    read_opts: ReadOptions = field(default_factory=ReadOptions)
    include: Sequence[str] = DEFAULT_INCLUDE
    exclude: Sequence[str] = DEFAULT_EXCLUDE
    suppressor: Suppressor | None = None
    summary: Summary = field(default_factory=Summary)
    locate: bool = True  # find line and column of findings in JSON/JSONL files (safelint.locate)
    # label each finding with the fix `safelint fix` would apply to it in its context (safelint.fixer)
    fix_labels: bool = True
    refusal: str | None = None  # the refusal sentence of `fix --unsafe-fixes` (default: the project's)
    show_resolved: bool = False  # report asks answered with a refusal (as info, not counted)
    jobs: int = 1  # processes that run the detector (safelint.parallel); 1 = this one
    _detection: Detection | None = field(default=None, init=False, repr=False)
    _pool: Any = field(default=None, init=False, repr=False)

    def detection(self) -> Detection:
        d = self._detection
        if d is None or d.engine is not self.engine or (d.fix_labels, d.refusal) != (self.fix_labels, self.refusal):
            d = self._detection = Detection(self.engine, fix_labels=self.fix_labels, refusal=self.refusal)
        return d

    def lint_paths(self, paths: Sequence[str | Path], sink: Sink) -> Summary:
        w = walk(paths, self.include, self.exclude, self.read_opts.format)
        for m in w.missing:
            self.summary.errors.append(InputError(m, "no such file or directory"))
        self.summary.skipped += w.skipped
        try:
            for path in w.files:
                reader = reader_for(path, self.read_opts.format)
                assert reader is not None
                self.summary.files += 1
                locator = open_locator(path, reader.name) if self.locate else None
                try:
                    self.lint_records(str(path), reader.read(path, self.read_opts), sink, locator)
                except InputError as exc:
                    self.summary.errors.append(exc)
                except WorkerError as exc:  # --jobs: the pool is gone, so is the rest of the run
                    self.summary.errors.append(InputError(str(path), f"{exc} (run again with one job to see more)"))
                    break
                except OSError as exc:
                    self.summary.errors.append(InputError(str(path), f"cannot read: {exc.strerror or exc}"))
                finally:
                    if locator is not None:
                        locator.close()
        finally:
            self.close()
        return self.summary

    def close(self) -> None:
        """Stop the worker processes of ``jobs`` (started by the first record that needs them)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def detected(self, records: Iterable[Record]) -> Iterator[tuple[Record, tuple[list[list[Match]], Any]]]:
        """Each record with the detection of its strings, in order; on ``jobs`` processes when jobs > 1."""
        detect = self.detection()
        if self.jobs <= 1:
            for batch in batches(records, record_size):
                yield from zip(batch, detect.many([rec.items for rec in batch]))
            return
        if self._pool is None or self._pool.work is not detect:
            self.close()
            self._pool = Pool(detect, self.jobs)
        yield from self._pool.map(records, record_items, record_size)

    def lint_records(self, path: str, records: Iterable[Record], sink: Sink, locator: Locator | None = None) -> None:
        s = self.summary
        for n, (rec, (scans, labels)) in enumerate(self.detected(records), start=1):
            s.records += 1
            leaked: set[tuple[str, str]] = set()
            asked: set[str] = set()
            for f in self.record_findings(path, rec, scans, labels, locator):
                if f.resolved:
                    s.resolved += 1
                    if self.show_resolved:
                        sink.finding(f)
                    continue
                if self.suppressor is not None and self.suppressor.suppress(f):
                    s.baselined += 1
                    continue
                s.findings += 1
                s.rule_counts[f.rule] += 1
                if f.category == "leak":
                    leaked.add((f.attribute, ROLE_CLASS.get(f.role, "caption")))
                else:
                    asked.add(f.attribute)
                sink.finding(f)
            attrs = {a for a, _ in leaked}
            for a in attrs:
                s.leak_records[a] += 1
            if attrs:
                s.leak_records["any"] += 1
            for a, role_class in leaked:
                s.leak_by_role[a][role_class] += 1
            for a in asked:
                s.ask_records[a] += 1
            if n % 1000 == 0:
                sink.progress(path, n)

    def record_findings(self, path: str, rec: Record, scans: list[list[Match]], labels: list[list[Any]] | None,
                        locator: Locator | None = None) -> Iterator[Finding]:
        """The findings of a record from its detection (:class:`Detection`), placed in the file."""
        for i, (item, matches) in enumerate(zip(rec.items, scans)):
            seen: Counter[tuple[str, str]] = Counter()
            spot = (locator.find(rec.index, item.text, rec.line, item.pointer)
                    if matches and locator is not None else None)
            for k, m in enumerate(matches):
                nth = seen[(m.rule, m.text)]
                seen[(m.rule, m.text)] += 1
                line, col, end_col = (spot.line, *spot.columns(m.start, m.end)) if spot else (rec.line, None, None)
                f = Finding.place(m, path=path, record=rec.index, record_id=rec.id, item=item, line=line,
                                  column=col, end_column=end_col,
                                  baseline_key=baseline_key(path, rec, item, m.rule, m.text, nth))
                if labels is not None:
                    fate = labels[i][k]
                    if fate == "resolved":
                        f = replace(f, severity="info", fix=None, resolved=True,
                                    message=f"{f.message} (answered with a refusal)")
                    else:
                        f = replace(f, fix=fate)
                yield f
