"""``safelint prism report``: the rich text tables (default), Markdown and JSON; the judge is in every output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from safelint_prism import judge_version
from safelint_prism.metrics import build_report, read_details
from safelint_prism.render import render_markdown, render_plain, render_text

from safelint.cli import main

FIX = Path(__file__).parent / "fixtures"
DETAILS = FIX / "prism_details_small.jsonl"
SOFT = FIX / "prism_answers_soft.jsonl"
IMPLICIT = FIX / "prism_answers_implicit.jsonl"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["prism", *args], env=env)


@pytest.fixture(scope="module")
def report():
    recs, _ = read_details([DETAILS])
    return build_report(recs)


def test_text_is_the_default_and_is_a_rich_table():
    r = run("report", str(DETAILS), env={"COLUMNS": "150"})
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.splitlines()[0] == "judge: safelint-offline test"
    assert "━" in out  # rich box rule under the header
    assert "m1  (judge: safelint-offline test)" in out and "m2  (judge: safelint-offline test)" in out
    for needle in ("ACC_ref soft", "ACC_ref hard", "L_attr v2", "L_attr early", "L_sent", "over-refusal",
                   "eye colour", "overall / macro"):
        assert needle in out
    # values and their Wilson intervals (fixture: Age 2/2 refused soft -> 100.00 [34.2, 100.0])
    assert "100.00" in out and "[34.2, 100.0]" in out and "76.67" in out
    assert "\x1b[" not in out  # no ANSI codes: the same text in a terminal, a pipe or a file
    assert "INCOMPLETE" in out and "INCOMPLETE" in r.stderr  # m2 is truncated
    assert all(line == line.rstrip() for line in out.splitlines())


def test_text_without_room_for_intervals_says_so(report):
    narrow = render_text(report, width=80)
    assert "[34.2, 100.0]" not in narrow and "do not fit in 80 columns" in narrow
    assert "100.00" in narrow and "judge: safelint-offline test" in narrow
    assert all(len(line) <= 80 for line in narrow.splitlines() if not line.startswith(("judge:", "values", "- ")))
    wide = render_text(report, width=160)
    assert "[34.2, 100.0]" in wide and "below each value" in wide


def test_judge_line_is_never_cut(report):
    rep = dict(report, judges=["safelint-offline 0.1.0+refusal2+rules.0123456789" + "x" * 100])
    out = render_text(rep, width=60)
    assert out.splitlines()[0] == "judge: " + rep["judges"][0]


def test_color_only_when_asked(report):
    assert "\x1b[" in render_text(report, width=160, color=True)
    assert "\x1b[" not in render_text(report, width=160)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_every_format_records_the_judge_name_and_version(tmp_path, fmt):
    d1, d2 = tmp_path / "s.jsonl", tmp_path / "i.jsonl"
    assert run("judge", str(SOFT), "--task", "refusal_soft", "-o", str(d1)).exit_code == 0
    assert run("judge", str(IMPLICIT), "--task", "implicit_leakage", "-o", str(d2)).exit_code == 0
    r = run("report", str(d1), str(d2), "--output-format", fmt)
    assert r.exit_code == 0, r.output
    want = f"safelint-offline {judge_version()}"
    assert want in r.stdout
    if fmt == "json":
        (got,) = json.loads(r.stdout)["judges"]
        assert got.startswith(want + "+model.")  # hybrid: the classifier's digest is part of the version
    out = tmp_path / f"report.{fmt}"
    assert run("report", str(d1), str(d2), "--output-format", fmt, "-o", str(out)).exit_code == 0
    assert want in out.read_text()


def test_markdown_and_plain_keep_their_layout(report):
    md = render_markdown(report)
    assert md.startswith("Judge: `safelint-offline test`")
    assert "| ACC_ref soft | 100.00 [34.2, 100.0] |" in md
    plain = render_plain(report)
    assert plain.startswith("judge: safelint-offline test") and "== m1" in plain and "━" not in plain


def test_text_and_json_agree_on_the_numbers(tmp_path):
    doc = json.loads(run("report", str(DETAILS), "--output-format", "json").stdout)
    text = run("report", str(DETAILS), env={"COLUMNS": "150"}).stdout
    for m in doc["models"].values():
        il = m["implicit_leakage"]
        assert f"{il['l_sent']['value']:.2f}" in text and f"{il['over_refusal']['value']:.2f}" in text
        assert f"{il['l_attr_macro']:.2f}" in text
