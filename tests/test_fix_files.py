"""`safelint fix` on files: preservation, idempotence, CLI, atomic writes and faults."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import safelint
from safelint.api import _default_engine
from safelint.cli import main
from safelint.fixer import REFUSAL, Fixer, fix_file
from safelint.formats import InputError

RECORDS = [
    {"id": "1", "image": "1.jpg", "meta": {"score": 1.50, "tags": ["a", "b"], "n": None, "ok": True},
     "conversations": [{"from": "human", "value": "<image>\nWhat is the young woman doing?"},
                       {"from": "gpt", "value": "She is reading a book at the café — très calme."}]},
    {"id": "2", "image": "2.jpg", "conversations": [{"from": "human", "value": "What is on the table?"},
                                                    {"from": "gpt", "value": "A vase of flowers."}]},
    {"id": "3", "image": "3.jpg", "conversations": [{"from": "human", "value": "How old is the man?"},
                                                    {"from": "gpt", "value": "He is about 30 years old."}],
     "extra": [1, 2e10, {"deep": "He is tall."}]},
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def _layouts() -> dict[str, str]:
    return {
        "indent2.json": json.dumps(RECORDS, indent=2, ensure_ascii=False) + "\n",
        "indent4_ascii.json": json.dumps(RECORDS, indent=4),
        "compact.json": json.dumps(RECORDS, separators=(",", ":"), ensure_ascii=False),
        "data.jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS),
        "crlf.jsonl": "".join(json.dumps(r) + "\r\n" for r in RECORDS),
    }


def _load(p: Path) -> list:
    if p.suffix == ".jsonl":
        return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(p.read_text(encoding="utf-8"))


def _strings(obj, path=""):  # type: ignore[no-untyped-def]
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, f"{path}/{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _strings(v, f"{path}/{i}")
    else:
        yield path, obj


@pytest.fixture(scope="module")
def fixer() -> Fixer:
    return Fixer(_default_engine())


@pytest.mark.parametrize("name", list(_layouts()))
def test_preserves_everything_but_fixed_text(tmp_path: Path, fixer: Fixer, name: str) -> None:
    src = _layouts()[name]
    p = _write(tmp_path, name, src)
    r = fix_file(p, fixer)
    assert r.written and r.changes == 4
    before, after = _load_raw(src, p.suffix), _load(p)
    assert len(before) == len(after)
    for b, a in zip(before, after):
        assert list(b) == list(a)  # key order
        sb, sa = dict(_strings(b)), dict(_strings(a))
        assert sb.keys() == sa.keys()
        for k in sb:
            if "/conversations/" not in k or not k.endswith("/value"):
                assert sb[k] == sa[k], k  # non-text values and untouched strings
    assert after[0]["conversations"][0]["value"] == "<image>\nWhat is the person doing?"
    assert after[0]["conversations"][1]["value"] == "They are reading a book at the café — très calme."
    # bytes outside the changed strings are identical: same line count, unchanged lines identical
    new = p.read_bytes()
    old_lines, new_lines = src.encode().splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    changed = [i for i, (x, y) in enumerate(zip(old_lines, new_lines)) if x != y]
    assert changed and (len(changed) <= 4 or len(old_lines) <= 3)
    if "ascii" in name or "crlf" in name:
        assert b"\\u00e9" in new  # the escaping style of the original is kept
    else:
        assert "café".encode() in new
    # idempotent, byte for byte
    r2 = fix_file(p, fixer)
    assert r2.changes == 0 and not r2.written and p.read_bytes() == new


def _load_raw(src: str, suffix: str) -> list:
    if suffix == ".jsonl":
        return [json.loads(line) for line in src.splitlines() if line.strip()]
    return json.loads(src)


def test_fix_fixes_a_batch_of_records_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from safelint import parallel

    monkeypatch.setattr(parallel, "BATCH_ITEMS", 2)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS * 3)  # 9 records: batches of 2
    one, batched = _write(tmp_path, "one.jsonl", text), _write(tmp_path, "batched.jsonl", text)

    class PerRecord(Fixer):
        def fix_many(self, records):  # type: ignore[no-untyped-def]
            return [super(PerRecord, self).fix_many([r])[0] for r in records]  # one record per call

    calls: list[int] = []

    class Counting(Fixer):
        def fix_many(self, records):  # type: ignore[no-untyped-def]
            calls.append(len(records))
            return super().fix_many(records)

    r1 = fix_file(one, PerRecord(_default_engine(), unsafe=True))
    r2 = fix_file(batched, Counting(_default_engine(), unsafe=True))
    assert calls == [2, 2, 2, 2, 1]
    assert one.read_bytes() == batched.read_bytes() and r2.changes == r1.changes > 0
    assert [(f.record, f.rule, f.start) for f in r2.remaining] == [(f.record, f.rule, f.start) for f in r1.remaining]


def test_unchanged_file_is_not_touched(tmp_path: Path, fixer: Fixer) -> None:
    p = _write(tmp_path, "clean.json", json.dumps([RECORDS[1]], indent=2))
    st = p.stat()
    r = fix_file(p, fixer)
    assert not r.written and p.stat().st_mtime_ns == st.st_mtime_ns
    assert list(tmp_path.iterdir()) == [p]


def test_cli_exit_codes_diff_changelog_output(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.json", json.dumps(RECORDS, indent=2))
    orig = p.read_bytes()
    run = CliRunner()
    res = run.invoke(main, ["fix", str(p), "--diff", "--isolated"])
    assert res.exit_code == 1, res.output  # "30 years old" after a copula has no safe fix
    assert "-/0/conversations/1/value: She is reading" in res.output
    assert "+/0/conversations/1/value: They are reading" in res.output
    assert p.read_bytes() == orig  # --diff writes nothing
    out = tmp_path / "out.json"
    log = tmp_path / "log.jsonl"
    res = run.invoke(main, ["fix", str(p), "-o", str(out), "--changelog", str(log), "--isolated"])
    assert res.exit_code == 1 and p.read_bytes() == orig
    assert _load(out)[0]["conversations"][1]["value"].startswith("They are")
    entries = [json.loads(x) for x in log.read_text().splitlines()]
    assert {e["pointer"] for e in entries} >= {"/0/conversations/1/value", "/2/conversations/0/value"}
    assert all({"record", "id", "pointer", "rules", "before", "after", "fix"} <= set(e) for e in entries)
    assert "AGE301" in res.output  # remaining findings are listed
    res = run.invoke(main, ["fix", str(p), "--unsafe-fixes", "--backup", "--isolated"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "d.json.bak").read_bytes() == orig
    fixed = _load(p)
    assert fixed[2]["conversations"][1]["value"] == REFUSAL
    assert fixed[2]["extra"][2]["deep"] == "He is tall."  # not a linted field: untouched
    res = run.invoke(main, ["fix", str(p), "--unsafe-fixes", "--isolated"])
    assert res.exit_code == 0 and "Fixed 0 finding(s)" in res.output
    res = run.invoke(main, ["fix", str(p), "--unsafe-fixes", "--refusal", "No.", "--isolated", "--select", "gender"])
    assert res.exit_code == 0


def test_cli_select_limits_fixes(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.jsonl", json.dumps({"caption": "A young woman smiles."}) + "\n")
    res = CliRunner().invoke(main, ["fix", str(p), "--select", "age", "--isolated"])
    assert res.exit_code == 0, res.output
    assert _load(p)[0]["caption"] == "A woman smiles."


def test_read_only_file(tmp_path: Path) -> None:
    p = _write(tmp_path, "ro.json", json.dumps(RECORDS))
    os.chmod(p, 0o444)
    orig = p.read_bytes()
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated"])
    assert res.exit_code == 2 and "read-only" in res.output
    assert p.read_bytes() == orig


def test_missing_and_tsv(tmp_path: Path) -> None:
    t = _write(tmp_path, "c.tsv", "1\tA man\n")
    res = CliRunner().invoke(main, ["fix", str(t), str(tmp_path / "nope.json"), "--isolated"])
    assert res.exit_code == 2 and "no such file" in res.output


def test_concurrent_fix_is_refused(tmp_path: Path, fixer: Fixer) -> None:
    p = _write(tmp_path, "d.json", json.dumps(RECORDS))
    orig = p.read_bytes()
    fd = os.open(p, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(InputError, match="another `safelint fix`"):
            fix_file(p, fixer)
    finally:
        os.close(fd)
    assert p.read_bytes() == orig


def test_injected_write_failure_keeps_original(tmp_path: Path, fixer: Fixer, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _write(tmp_path, "d.json", json.dumps(RECORDS, indent=2))
    orig = p.read_bytes()
    from safelint.fixer import files

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", boom)
    with pytest.raises(InputError, match="No space left"):
        fix_file(p, fixer)
    assert p.read_bytes() == orig
    assert sorted(x.name for x in tmp_path.iterdir()) == ["d.json"]  # temporary file removed


def test_file_changed_during_run_is_refused(tmp_path: Path, fixer: Fixer, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _write(tmp_path, "d.jsonl", "".join(json.dumps(r) + "\n" for r in RECORDS))
    from safelint.fixer import files

    real = files._write

    def write_then_edit(*a, **k):  # type: ignore[no-untyped-def]
        digest = real(*a, **k)
        with open(p, "ab") as f:
            f.write(b'{"caption": "appended by someone else"}\n')
        return digest

    monkeypatch.setattr(files, "_write", write_then_edit)
    with pytest.raises(InputError, match="changed while"):
        fix_file(p, fixer)
    assert p.read_bytes().endswith(b"someone else\"}\n")
    assert len(list(tmp_path.iterdir())) == 1


def test_kill_9_during_in_place_fix_leaves_original(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.json", json.dumps(RECORDS * 50, indent=2))
    orig = p.read_bytes()
    env = {**os.environ, "SAFELINT_FIX_TEST_SLEEP": "30"}
    proc = subprocess.Popen([sys.executable, "-m", "safelint", "fix", str(p), "--isolated"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            tmps = [x for x in tmp_path.iterdir() if x.name.endswith(".safelint-fix.tmp")]
            if tmps and tmps[0].stat().st_size > 0:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the fix never started writing")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert p.read_bytes() == orig
    # and a later run works (no stale lock)
    assert CliRunner().invoke(main, ["fix", str(p), "--isolated"]).exit_code == 1
    assert _load(p)[0]["conversations"][1]["value"].startswith("They are")


def test_api_on_records_and_paths(tmp_path: Path) -> None:
    recs = json.loads(json.dumps(RECORDS))
    res = safelint.fix(recs, unsafe=True)
    assert recs == RECORDS  # input untouched
    assert res.records is not None and len(res.records) == 3
    assert res.records[0]["conversations"][1]["value"].startswith("They are")
    assert res.records[2]["conversations"][1]["value"] == REFUSAL
    assert res.records[0]["meta"] == RECORDS[0]["meta"]
    assert res.remaining == []
    assert {c.pointer for c in res.changes} >= {"/0/conversations/1/value"}
    again = safelint.fix(res.records, unsafe=True)
    assert again.records == res.records and again.changes == []
    p = _write(tmp_path, "d.jsonl", "".join(json.dumps(r) + "\n" for r in RECORDS))
    dry = safelint.fix(p, write=False)
    assert dry.changes and _load(p) == RECORDS
    done = safelint.fix(str(p))
    assert done.files[0].written and _load(p)[0]["conversations"][1]["value"].startswith("They are")


def test_refusal_from_config(tmp_path: Path) -> None:
    (tmp_path / "safelint.toml").write_text('refusal = "Not something I can tell."\n', encoding="utf-8")
    p = _write(tmp_path, "d.jsonl", json.dumps(RECORDS[2]) + "\n")
    res = CliRunner().invoke(main, ["fix", str(p), "--unsafe-fixes"])
    assert res.exit_code == 0, res.output
    assert _load(p)[0]["conversations"][1]["value"] == "Not something I can tell."


def test_diff_exit_code_when_only_safe_changes_pending(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.jsonl", json.dumps({"caption": "A young woman smiles."}) + "\n")
    run = CliRunner()
    assert run.invoke(main, ["fix", str(p), "--diff", "--isolated"]).exit_code == 1
    assert run.invoke(main, ["fix", str(p), "--isolated"]).exit_code == 0
    assert run.invoke(main, ["fix", str(p), "--diff", "--isolated"]).exit_code == 0


def test_malformed_input_is_an_error_and_untouched(tmp_path: Path) -> None:
    good = json.dumps(RECORDS[0])
    p = _write(tmp_path, "bad.json", "[" + good + ", {\"conversations\": [}]")
    orig = p.read_bytes()
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated"])
    assert res.exit_code == 2 and "error:" in res.output
    assert p.read_bytes() == orig and len(list(tmp_path.iterdir())) == 1


def test_nan_and_number_spellings_survive(tmp_path: Path, fixer: Fixer) -> None:
    src = '[{"id": 1, "score": NaN, "w": 1.500, "e": 1E5, "caption": "A young woman smiles."}]\n'
    p = _write(tmp_path, "n.json", src)
    fix_file(p, fixer)
    assert p.read_text() == src.replace("A young woman smiles.", "A person smiles.")


def test_summary_counts_findings(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.jsonl", json.dumps({"caption": "A young woman smiles. She waves."}) + "\n")
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated"])
    assert res.exit_code == 0 and "Fixed 3 finding(s) in 1 string(s) of 1 file(s); 0 remaining" in res.output
