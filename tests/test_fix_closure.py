"""`check` and `fix` agree: per-finding fix labels, the closure property, asks answered with a refusal, TSV."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CountingEngine

from safelint.api import _default_engine
from safelint.cli import main
from safelint.findings import TextItem
from safelint.fixer import REFUSAL, Fixer

HUMAN, GPT = "human", "gpt"


def conv(*turns: str, rid: str = "x") -> dict:
    return {"id": rid, "image": f"{rid}.jpg",
            "conversations": [{"from": HUMAN if k % 2 == 0 else GPT, "value": t} for k, t in enumerate(turns)]}


# LLaVA-like records covering what the safe fixes do, decline and leave to --unsafe-fixes
RECORDS = [
    conv("<image>\nWhat is the young woman doing?", "She is reading a book at the café.", rid="r1"),
    conv("<image>\nDescribe the scene.", "The man is quite old. He walks his dog.", rid="r2"),  # copula: declined
    conv("<image>\nWho is there?", "A woman with blue eyes smiles. She has blue eyes and long hair.", rid="r3"),
    conv("<image>\nHow old is the man?", "He is about 30 years old.", rid="r4"),  # ask: answer -> refusal
    conv("Are the skiers male or female?", "The skiers in the photo are male.", rid="r5"),
    conv("<image>\nWhat is happening?", "A woman of South Asian and Middle Eastern and African descent smiles.",
         rid="r6"),  # a span longer than five words: declined
    conv("<image>\nDescribe him.", "He weighs 80 kg and has a beard. An elderly Asian man with blue eyes waves.",
         rid="r7"),
    conv("How old is the woman?", "I'm sorry, I can't tell her age from this image.", rid="r8"),  # refusal
    conv("What is the gender of the person?", "It is not possible to determine the gender of the person from "
         "the image.", rid="r9"),  # an inability statement: a refusal too
    conv("How old is the woman in the picture?", "The woman in the picture is a young adult, but her exact age "
         "cannot be determined from the image alone.", rid="r10"),  # a refusal once safely fixed
    conv("Is the man with a beard happy?", "Yes, he is smiling.", rid="r11"),  # question: never dropped whole
    {"id": "c1", "caption": "Two little girls and their mother play on the beach."},
    {"id": "c2", "caption": "A red bus drives past. The driver is 35 years old."},
]


def _write(tmp_path: Path, name: str, records: list) -> Path:
    p = tmp_path / name
    if name.endswith(".jsonl"):
        p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    else:
        p.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return p


def _check(p: Path, *extra: str) -> tuple[int, dict]:
    res = CliRunner().invoke(main, ["check", str(p), "--isolated", "--output-format", "json", *extra])
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, json.loads(res.stdout)


def _fix(p: Path, *extra: str) -> int:
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated", *extra])
    assert res.exit_code in (0, 1), res.output
    return res.exit_code


@pytest.mark.parametrize("name", ["d.json", "d.jsonl"])
def test_closure_after_fix_no_finding_with_a_fix_remains(tmp_path: Path, name: str) -> None:
    p = _write(tmp_path, name, RECORDS)
    _, before = _check(p)
    labels = Counter(f["fix"] for f in before["findings"])
    assert labels["safe"] and labels["unsafe"] and labels[None]  # all three kinds occur in the fixture
    # safe fixes: afterwards no finding says "safe"; the others are still there, with their labels
    _fix(p)
    _, after = _check(p)
    assert [f for f in after["findings"] if f["fix"] == "safe"] == []
    assert Counter(f["fix"] for f in after["findings"]) == Counter({k: v for k, v in labels.items() if k != "safe"})
    # fix again: nothing changes (and fix agrees with check on what is left)
    orig = p.read_bytes()
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated"])
    assert p.read_bytes() == orig
    assert f"; {len(after['findings'])} remaining" in res.output
    # unsafe fixes: afterwards no finding has a fix at all
    p2 = _write(tmp_path, "u" + name, RECORDS)
    _fix(p2, "--unsafe-fixes")
    code, after2 = _check(p2)
    assert after2["findings"] and all(f["fix"] is None for f in after2["findings"])
    assert code == 1  # the findings left have no fix ("Is the man with a beard happy?")
    _fix(p, "--unsafe-fixes")  # safe first, then unsafe: the same end point
    assert _check(p)[1]["findings"] == [dict(f, path=str(p)) for f in after2["findings"]]


def test_labels_follow_the_fixer_in_context(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.jsonl", RECORDS)
    _, out = _check(p)
    got = {(f["id"], f["text"]): f["fix"] for f in out["findings"]}
    assert got[("r2", "man")] == "safe" and got[("r2", "old")] == "unsafe"  # "the man is quite old"
    assert got[("r3", "blue eyes")] in ("safe", "unsafe")
    r3 = [f["fix"] for f in out["findings"] if f["id"] == "r3" and f["rule"].startswith("EYE")]
    assert r3 == ["safe", "unsafe"]  # "a woman with blue eyes" is dropped; "she has blue eyes" is not
    assert got[("r6", "of South Asian and Middle Eastern and African descent")] == "unsafe"  # > 5 words
    assert got[("r7", "weighs 80 kg")] == "unsafe"  # no replacement, even once "weighs" became "weigh"
    assert got[("r7", "beard")] == "unsafe"
    assert got[("r4", "How old")] == "unsafe" and got[("r4", "30 years old")] == "unsafe"  # answer -> refusal
    assert got[("r5", "male or female")] == "unsafe" and got[("r5", "female")] == "unsafe"  # inside the ask
    assert got[("r10", "How old")] == "safe"  # the safe fixes make the answer a refusal
    assert got[("r11", "beard")] is None  # a question is never dropped whole
    assert got[("c2", "35 years old")] == "unsafe"  # AGE101 after a copula: dropped sentence
    # the per-rule label stays in the rule metadata (statistics, SARIF rules)
    res = CliRunner().invoke(main, ["check", str(p), "--isolated", "--statistics"])
    assert "GEN201" in res.output


def test_fixer_fates_unit() -> None:
    fx = Fixer(_default_engine())
    for text, want in [("The man is quite old.", ["safe", "unsafe"]),
                       ("She appears to be male.", ["safe", "unsafe"]),
                       ("An elderly man smiles.", ["safe", "safe"])]:
        ms = fx.engine.scan(text, "gpt")
        assert fx.fates(text, "gpt", ms) == want, text
    assert fx.fates("A red bus.", "gpt", []) == []


def _record_items(records: list) -> list:
    """Each record's strings, as the readers give them (a conversation's turns, or its caption)."""
    return [[TextItem(f"/{k}", t["value"], t["from"]) for k, t in enumerate(r["conversations"])]
            if "conversations" in r else [TextItem("/caption", r["caption"], None)] for r in records]


@pytest.mark.parametrize("unsafe", [False, True])
def test_fixing_records_together_is_fixing_each(unsafe: bool) -> None:
    records = _record_items(RECORDS)
    batches = CountingEngine(_default_engine())
    together = Fixer(batches, unsafe=unsafe).fix_many(records)  # type: ignore[arg-type]
    fx = Fixer(_default_engine(), unsafe=unsafe)
    assert together == [fx.fix_items(r) for r in records] and any(f.changed for r in together for f in r)
    # the scans go to the engine a round at a time: far fewer calls than strings scanned; the refusal that
    # replaces answers is scanned once
    assert batches.calls[0] == sum(map(len, records)) and len(batches.calls) < sum(batches.calls)
    assert batches.single == (1 if unsafe else 0)


def test_labelling_records_together_is_labelling_each() -> None:
    records = _record_items(RECORDS)
    fx = Fixer(_default_engine(), unsafe=True)
    scans = [[fx.engine.scan(it.text, it.role) for it in items] for items in records]
    together = fx.label_many(list(zip(records, scans)))
    assert together == [fx.label_items(items, sc) for items, sc in zip(records, scans)]
    assert {lab for r in together for row in r for lab in row} >= {"safe", "unsafe"}


def test_drive_scans_each_distinct_text_of_a_round_once() -> None:
    from safelint.fixer.core import drive

    def steps(text: str):  # type: ignore[no-untyped-def]
        first = yield text, "gpt"
        again = yield text.upper(), "gpt"
        return len(first), len(again)

    batches = CountingEngine(_default_engine())
    got = drive([steps("He is 30 years old."), steps("He is 30 years old."), steps("A red bus.")], batches)
    n = len(batches.engine.scan("He is 30 years old.", "gpt"))
    assert n and got == [(n, n), (n, n), (0, 0)]
    assert batches.calls == [2, 2] and batches.single == 0
    assert drive([], batches) == []


def test_refused_asks_are_resolved(tmp_path: Path) -> None:
    recs = [conv("How old is the man?", "I'm sorry, I can't tell the age of the person from this image.", rid="a"),
            conv("What is the gender of the person?", REFUSAL, rid="b"),
            conv("Is the skier male or female?", "It is not possible to determine the skier's gender from the "
                 "image.", rid="c"),
            conv("What is the gender of the person?", "I can't tell, but she looks happy.", rid="d")]
    p = _write(tmp_path, "d.jsonl", recs)
    code, out = _check(p)
    ids = {(f["id"], f["rule"], f["text"]) for f in out["findings"]}
    # a: the ask is resolved, the question's "man" is still a leak; b, c: fully resolved;
    # d: "she" answers the question: not a refusal
    assert ids == {("a", "GEN201", "man"), ("d", "GEN301", "What is the gender"), ("d", "GEN202", "she")}
    assert out["summary"]["resolved"] == 5  # a: ask; b: ask; c: ask + "male", "female" inside it
    assert out["summary"]["findings"] == 3 and code == 1
    assert all("resolved" not in f for f in out["findings"])
    code, shown = _check(p, "--show-resolved")
    res = [f for f in shown["findings"] if f.get("resolved")]
    assert len(res) == 5 and shown["summary"]["findings"] == 3
    assert all(f["severity"] == "info" and f["fix"] is None and f["message"].endswith("(answered with a refusal)")
               for f in res)
    # only resolved findings: exit 0, even with --show-resolved
    q = _write(tmp_path, "e.jsonl", recs[1:3])
    assert _check(q)[0] == 0 and _check(q, "--show-resolved")[0] == 0
    text = CliRunner().invoke(main, ["check", str(q), "--isolated", "--show-resolved"])
    assert text.exit_code == 0 and "answered with a refusal" in text.output


def test_fix_keeps_existing_refusals_and_resolves_their_asks(tmp_path: Path) -> None:
    recs = [conv("How old is the woman?", "I'm sorry, I can't tell the age of the person from this image.",
                 rid="a"),
            conv("How old is the woman?", "Sorry, I cannot determine her age.", rid="b")]
    p = _write(tmp_path, "d.jsonl", recs)
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated", "--unsafe-fixes"])
    assert res.exit_code == 0, res.output
    fixed = [json.loads(x) for x in p.read_text().splitlines()]
    assert fixed[0]["conversations"][1]["value"] == recs[0]["conversations"][1]["value"]  # not replaced
    assert fixed[1]["conversations"][1]["value"] == "Sorry, I cannot determine their age."  # safe fix only
    assert fixed[0]["conversations"][0]["value"] == "How old is the person?"
    assert _check(p)[1]["findings"] == []
    # without --unsafe-fixes the ask is not listed as remaining either
    q = _write(tmp_path, "e.jsonl", recs)
    res = CliRunner().invoke(main, ["fix", str(q), "--isolated"])
    assert res.exit_code == 0 and "0 remaining" in res.output, res.output


def test_fix_lists_remaining_with_their_fix(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.jsonl", [conv("Is the man with a beard happy?", "The man is quite old.")])
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated"])
    assert res.exit_code == 1
    assert "'old' (unsafe fix: use --unsafe-fixes)" in res.output
    assert "'beard' (no fix)" in res.output
    assert "2 remaining (1 fixable with --unsafe-fixes, 1 need a manual edit)" in res.output


# -- TSV caption files -------------------------------------------------------------------------------
TSV = ("\ufeffimg1.jpg#0\tA young woman rides a bike.\tkeep\u00e9 \r\n"
       "img1.jpg#1\tA red bus on a street.\t  spaces \r\n"
       "\n"
       "img2.jpg#0\tA dog runs. The man is quite old and he smiles.\tz\r\n"
       "img3.jpg#0\tTwo \"little\" girls\\play.\t\n")


def test_tsv_fix_rewrites_only_the_caption_column(tmp_path: Path) -> None:
    p = tmp_path / "c.tsv"
    p.write_bytes(TSV.encode("utf-8"))
    run = CliRunner()
    res = run.invoke(main, ["fix", str(p), "--isolated", "--diff"])
    assert res.exit_code == 1 and "+/0/1: A person rides a bike." in res.output
    assert p.read_bytes() == TSV.encode("utf-8")
    log = tmp_path / "log.jsonl"
    res = run.invoke(main, ["fix", str(p), "--isolated", "--changelog", str(log)])
    assert res.exit_code == 1, res.output  # "quite old" is left for --unsafe-fixes
    want = (TSV.replace("A young woman rides", "A person rides")
            .replace("The man is quite old and he smiles.", "The person is quite old and they smile.")
            .replace('Two "little" girls\\play.', 'Two "little" people\\play.'))
    got = p.read_bytes()
    assert got == want.encode("utf-8"), got
    assert {json.loads(x)["pointer"] for x in log.read_text().splitlines()} == {"/0/1", "/3/1", "/4/1"}
    _, out = _check(p)
    assert [(f["text"], f["fix"]) for f in out["findings"]] == [("old", "unsafe")]
    assert run.invoke(main, ["fix", str(p), "--isolated"]).exit_code == 1 and p.read_bytes() == got
    res = run.invoke(main, ["fix", str(p), "--isolated", "--unsafe-fixes"])
    assert res.exit_code == 0, res.output
    assert p.read_bytes() == got.replace(b"A dog runs. The person is quite old and they smile.", b"A dog runs.")
    assert _check(p)[1]["findings"] == []


# -- a caption is never emptied (--unsafe-fixes) ------------------------------------------------------
def test_caption_whose_every_sentence_leaks_is_kept_and_reported(tmp_path: Path) -> None:
    """Dropping every sentence of a caption would write an empty caption (data loss): the caption is
    kept as the safe fixes leave it and its finding is listed with no fix, in `fix` and in `check`."""
    recs = [{"id": "k1", "caption": "The man is quite old."},
            {"id": "k2", "caption": "<image> The man is quite old. \n"},
            {"id": "k3", "caption": "A red bus drives past. The man is quite old."}]
    p = _write(tmp_path, "caps.jsonl", recs)
    _, out = _check(p)
    assert [(f["id"], f["text"], f["fix"]) for f in out["findings"] if f["text"] != "man"] == [
        ("k1", "old", None), ("k2", "old", None), ("k3", "old", "unsafe")]
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated", "--unsafe-fixes"])
    assert res.exit_code == 1, res.output
    assert "'old' (no fix)" in res.output and "2 remaining" in res.output
    got = [json.loads(x)["caption"] for x in p.read_text(encoding="utf-8").splitlines()]
    assert got == ["The person is quite old.", "<image> The person is quite old. \n", "A red bus drives past."]
    before = p.read_bytes()
    assert CliRunner().invoke(main, ["fix", str(p), "--isolated", "--unsafe-fixes"]).exit_code == 1
    assert p.read_bytes() == before
    assert [(f["id"], f["fix"]) for f in _check(p)[1]["findings"]] == [("k1", None), ("k2", None)]
    tsv = tmp_path / "c.tsv"
    tsv.write_text("img1.jpg#0\tThe man is quite old.\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["fix", str(tsv), "--isolated", "--unsafe-fixes"]).exit_code == 1
    assert tsv.read_text(encoding="utf-8") == "img1.jpg#0\tThe person is quite old.\n"


def test_tsv_fix_with_column_and_output(tmp_path: Path) -> None:
    p = tmp_path / "cc.tsv"
    src = "A young woman smiles.\thttp://x/1.jpg\nA dog.\thttp://x/2.jpg"  # no final newline
    p.write_text(src, encoding="utf-8")
    out = tmp_path / "out.tsv"
    res = CliRunner().invoke(main, ["fix", str(p), "--isolated", "--tsv-column", "0", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert p.read_text(encoding="utf-8") == src
    assert out.read_text(encoding="utf-8") == src.replace("A young woman", "A person")


def test_tsv_lone_carriage_return_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    src = b"1\tA young woman smiles.\r2\tA man waves.\n"  # csv reads two rows from one physical line
    bad.write_bytes(src)
    res = CliRunner().invoke(main, ["fix", str(bad), "--isolated", "--tsv-column", "1"])
    assert res.exit_code == 2 and "carriage return" in res.output, res.output
    assert bad.read_bytes() == src and len(list(tmp_path.iterdir())) == 1
