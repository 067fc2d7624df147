"""`--jobs`: detection on worker processes gives the findings of one process, in the same order,
input errors included; a worker that fails is a clear error, never a silent empty report."""

from __future__ import annotations

import json
import operator
import pickle
from pathlib import Path

import pytest
from conftest import CountingEngine, llava

from safelint import parallel
from safelint.api import build_engine
from safelint.linter import Linter, ListSink

TURNS = [
    ("human", "<image>\nWhat is the man doing?"), ("gpt", "The young woman is riding a bike past an old building."),
    ("human", "How old is the person?"), ("gpt", "She appears to be in her 30s, with blue eyes."),
    ("human", "Describe the image."), ("gpt", "A red bus drives past a white shirt in a shop window."),
]
RECORDS = [llava(TURNS[(i % 3) * 2], TURNS[(i % 3) * 2 + 1], id=str(i)) for i in range(40)]


def test_engine_pickles_as_its_rules() -> None:
    engine = build_engine(select=["age", "gender"])
    copy = pickle.loads(pickle.dumps(engine))
    assert [r.code for r in copy.rules] == [r.code for r in engine.rules]
    for role, text in TURNS:
        assert copy.scan(text, role) == engine.scan(text, role)


def test_hybrid_pickles_as_rules_and_model_directory() -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    from safelint.api import with_model

    hybrid = with_model(build_engine(), scope="all", find={"race": 0.9})
    copy = pickle.loads(pickle.dumps(hybrid))
    assert copy.clf is not hybrid.clf and copy.clf.model_dir == hybrid.clf.model_dir
    assert copy.hybrid.scope == "all" and copy.hybrid.find_thr == hybrid.hybrid.find_thr
    for role, text in TURNS:
        assert copy.scan(text, role) == hybrid.scan(text, role)
    # the rule selection travels too: a worker's classifier obeys --select as the parent's does
    only_age = pickle.loads(pickle.dumps(with_model(build_engine(select=["age"]))))
    assert only_age.engine.selectors == (("age",), ())
    assert {r.code for r in only_age.rules if r.source == "models/"} == {"AGE901", "AGE391"}


def test_jobs_give_the_same_report(run_cli, write_json, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parallel, "BATCH_ITEMS", 3)  # many small batches, several in flight
    path = write_json("data.json", RECORDS)
    one = run_cli("check", "--no-model", "--output-format", "json", "-j", "1", path)
    two = run_cli("check", "--no-model", "--output-format", "json", "-j", "2", path)
    assert one.exit_code == two.exit_code == 1
    a, b = json.loads(one.output), json.loads(two.output)
    assert a["findings"] and a["findings"] == b["findings"]
    assert a["summary"] == b["summary"]


def test_an_input_error_comes_after_the_records_before_it(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parallel, "BATCH_ITEMS", 2)
    path = tmp_path / "data.jsonl"
    lines = [json.dumps(r) for r in RECORDS[:9]]
    lines.insert(7, '{"id": "broken", "conversations": [')  # line 8 is not JSON
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports = [tmp_path / "one.json", tmp_path / "two.json"]
    for jobs, report in zip(("1", "2"), reports):
        r = run_cli("check", "--no-model", "--output-format", "json", "-j", jobs, "-o", report, path)
        assert r.exit_code == 2 and "data.jsonl:8" in r.output
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in reports)
    assert a["findings"] == b["findings"] and max(f["record"] for f in a["findings"]) == 6
    assert a["summary"]["errors"] == b["summary"]["errors"] and a["summary"]["errors"]


class _Unstartable:
    """A detector whose copy cannot be made in a worker (unpickling it divides by zero)."""

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return operator.truediv, (1, 0)

    def scan(self, text, role=None):  # type: ignore[no-untyped-def]
        return []


def test_a_failing_worker_is_an_error(write_json) -> None:  # type: ignore[no-untyped-def]
    linter = Linter(_Unstartable(), jobs=2, fix_labels=False)  # type: ignore[arg-type]
    summary = linter.lint_paths([write_json("data.json", RECORDS)], ListSink())
    assert summary.errors and "worker process failed" in str(summary.errors[0])
    assert "one job" in str(summary.errors[0])


def test_a_detector_that_cannot_be_copied_is_an_error(write_json) -> None:  # type: ignore[no-untyped-def]
    class Local:  # not importable by a worker
        def scan(self, text, role=None):  # type: ignore[no-untyped-def]
            return []

    summary = Linter(Local(), jobs=2, fix_labels=False).lint_paths(  # type: ignore[arg-type]
        [write_json("data.json", RECORDS)], ListSink())
    assert summary.errors and "cannot be copied" in str(summary.errors[0])


def test_jobs_setting(run_cli, write_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_json("data.json", RECORDS[:2])
    assert run_cli("check", "--no-model", "-j", "-1", path).exit_code == 2
    (tmp_path / "safelint.toml").write_text("jobs = -2\n", encoding="utf-8")
    r = run_cli("check", "--no-model", path)
    assert r.exit_code == 2 and "'jobs'" in r.output
    (tmp_path / "safelint.toml").write_text("jobs = 0\n", encoding="utf-8")  # one per CPU
    assert run_cli("check", "--no-model", path).exit_code == 1
    assert parallel.resolve_jobs(0) == parallel.cpu_count() >= 1
    with pytest.raises(ValueError):
        parallel.resolve_jobs(-1)


def test_stats_takes_jobs(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    path = write_json("data.json", RECORDS)
    one = run_cli("stats", "--no-model", "--output-format", "json", path)
    two = run_cli("stats", "--no-model", "--output-format", "json", "-j", "2", path)
    assert one.exit_code == two.exit_code == 0 and json.loads(one.output) == json.loads(two.output)


def test_fix_with_jobs_writes_the_same_file(run_cli, write_json, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parallel, "BATCH_ITEMS", 3)
    one, two = write_json("one.json", RECORDS), write_json("two.json", RECORDS)
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    for path, jobs, log in ((one, "1", logs[0]), (two, "2", logs[1])):
        r = run_cli("fix", "--no-model", "--unsafe-fixes", "-j", jobs, "--changelog", log, path)
        assert r.exit_code == 0
    assert one.read_bytes() == two.read_bytes() != json.dumps(RECORDS, indent=2).encode()
    a, b = (log.read_text(encoding="utf-8").replace(name, "X") for log, name in zip(logs, ("one.json", "two.json")))
    assert a == b and a


def test_fix_with_jobs_writes_nothing_on_a_bad_line(run_cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parallel, "BATCH_ITEMS", 2)
    path = tmp_path / "data.jsonl"
    lines = [json.dumps(r) for r in RECORDS[:9]]
    lines.insert(7, '{"id": "broken", "conversations": [')
    original = "\n".join(lines) + "\n"
    path.write_text(original, encoding="utf-8")
    r = run_cli("fix", "--no-model", "-j", "2", path)
    assert r.exit_code == 2 and "data.jsonl:8" in r.output
    assert path.read_text(encoding="utf-8") == original


def test_batches_keep_order_and_limits() -> None:
    items = ["ab", "c", "defg", "h", "ij"]
    got = list(parallel.batches(items, len, chars=3, count=10))
    assert [x for b in got for x in b] == items and all(b for b in got)
    assert got == [["ab", "c"], ["defg"], ["h", "ij"]]  # a batch closes once it reaches 3 characters
    assert list(parallel.batches(items, len, chars=100, count=2)) == [["ab", "c"], ["defg", "h"], ["ij"]]
    assert list(parallel.batches([], len)) == []


def test_batches_raise_a_read_error_after_the_items_before_it() -> None:
    def items():  # type: ignore[no-untyped-def]
        yield from ("a", "b", "c")
        raise ValueError("line 4 is broken")

    got = parallel.batches(items(), len, count=2)
    assert next(got) == ["a", "b"] and next(got) == ["c"]
    with pytest.raises(ValueError, match="line 4"):
        next(got)


def test_one_process_scans_a_batch_of_records_per_call(write_json, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from safelint.fixer.core import MAX_ROUNDS

    monkeypatch.setattr(parallel, "BATCH_ITEMS", 16)
    path = write_json("data.json", RECORDS)
    single = ListSink()
    Linter(build_engine()).lint_paths([path], single)
    counting = CountingEngine(build_engine())
    batched = ListSink()
    Linter(counting, fix_labels=False).lint_paths([path], batched)  # type: ignore[arg-type]
    assert counting.calls == [32, 32, 16]  # 40 records of two strings, 16 records a call
    def spans(sink: ListSink) -> list[tuple]:
        return [(f.record, f.pointer, f.rule, f.start, f.end) for f in sink.findings]

    assert spans(single) == spans(batched) and batched.findings
    # with the fix labels, the rescans of the fixes go in batches too: each batch's come in rounds (safe rewrites,
    # then dropped sentences), not one call per string, and never one text at a time
    counting = CountingEngine(build_engine())
    batched = ListSink()
    Linter(counting, fix_labels=True).lint_paths([path], batched)  # type: ignore[arg-type]
    assert counting.single == 0 and counting.calls[0] == 32
    assert 0 < len(counting.calls) - 3 <= 3 * (2 * MAX_ROUNDS + 1)
    assert batched.findings == single.findings and any(f.fix for f in batched.findings)


def test_detection_of_a_batch_is_that_of_each_record(write_json) -> None:  # type: ignore[no-untyped-def]
    from safelint.formats import ReadOptions, reader_for
    from safelint.linter import Detection

    path = write_json("data.json", RECORDS[:6])
    reader = reader_for(path, None)
    assert reader is not None
    items = [r.items for r in reader.read(path, ReadOptions())]
    detect = Detection(build_engine())
    assert detect.many(items) == [detect(x) for x in items] and any(scans for scans, _ in detect.many(items))
    assert detect.many([]) == []
