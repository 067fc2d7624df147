"""`safelint stats`: the per-attribute audit table (text, JSON, PNG chart).

Expected counts are derived from the findings `safelint check` reports on the same fixture
(aggregated here, independently of the linter's summary), never hard-coded.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from safelint.cli import main
from safelint.findings import ATTRIBUTES

FIX = Path(__file__).parent / "fixtures"
LLAVA = FIX / "stats_llava.json"
CAPTIONS = FIX / "stats_captions.jsonl"
CLEAN = FIX / "stats_clean.json"
ROLE_CLASS = {"human": "question", "gpt": "answer", None: "caption"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def stats_json(*args: object) -> dict[str, Any]:
    r = invoke("stats", "--output-format", "json", *args)
    assert r.exit_code == 0, r.output + r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def expected_from_findings(*args: object) -> tuple[int, dict[str, dict[str, int]], dict[str, int], int]:
    """(records, {attr: {question, answer, caption, any}}, {attr: asking}, any-attribute) from check's findings."""
    r = invoke("check", "--output-format", "json", "--exit-zero", *args)
    assert r.exit_code == 0, r.output + r.stderr
    data = json.loads(r.stdout)
    leak: dict[str, dict[str, set[tuple[str, int]]]] = {
        a: {k: set() for k in ("question", "answer", "caption", "any")} for a in ATTRIBUTES}
    ask: dict[str, set[tuple[str, int]]] = {a: set() for a in ATTRIBUTES}
    anywhere: set[tuple[str, int]] = set()
    for f in data["findings"]:
        rec = (f["path"], f["record"])
        if f["category"] == "ask":  # a human turn asking for the attribute (3xx rules)
            ask[f["attribute"]].add(rec)
            continue
        leak[f["attribute"]][ROLE_CLASS[f["role"]]].add(rec)
        leak[f["attribute"]]["any"].add(rec)
        anywhere.add(rec)
    counts = {a: {k: len(v) for k, v in by.items()} for a, by in leak.items()}
    return data["summary"]["records"], counts, {a: len(v) for a, v in ask.items()}, len(anywhere)


def assert_matches_findings(stats: dict[str, Any], *args: object) -> None:
    records, leak, ask, anywhere = expected_from_findings(*args)
    assert stats["records"] == records
    assert list(stats["attributes"]) == list(ATTRIBUTES)
    for a in ATTRIBUTES:
        row = stats["attributes"][a]
        assert row["records_leaking"] == leak[a], a
        assert row["records_asking"] == ask[a], a
        assert row["percent_leaking"] == pytest.approx(100 * leak[a]["any"] / records, abs=1e-3)
        assert row["percent_asking"] == pytest.approx(100 * ask[a] / records, abs=1e-3)
    assert stats["total"]["records_leaking"] == anywhere
    assert stats["total"]["percent_leaking"] == pytest.approx(100 * anywhere / records, abs=1e-3)


def test_json_structure_and_counts_llava() -> None:
    stats = stats_json("--isolated", LLAVA)
    assert {"version", "files", "records", "attributes", "total", "errors", "skipped"} <= set(stats)
    assert stats["files"] == 1 and stats["errors"] == [] and stats["skipped"] == []
    for row in stats["attributes"].values():
        assert set(row) == {"records_leaking", "percent_leaking", "records_asking", "percent_asking"}
        assert set(row["records_leaking"]) == {"question", "answer", "caption", "any"}
    assert_matches_findings(stats, "--isolated", LLAVA)
    # The fixture's records are all conversations, so nothing counts as a caption.
    assert all(row["records_leaking"]["caption"] == 0 for row in stats["attributes"].values())
    # Record s1 names a woman in the question and says "She" in the answer: it counts in both columns
    # but once in "any", so "any" is not the sum of the role columns.
    g = stats["attributes"]["gender"]["records_leaking"]
    assert g["question"] >= 1 and g["answer"] >= 1
    assert g["any"] < g["question"] + g["answer"]
    # ... and it asks for an age.
    assert stats["attributes"]["age"]["records_asking"] >= 1
    for row in stats["attributes"].values():
        leak = row["records_leaking"]
        roles = [leak["question"], leak["answer"], leak["caption"]]
        assert max(roles) <= leak["any"] <= sum(roles)
        assert leak["any"] <= stats["total"]["records_leaking"] <= stats["records"]


def test_captions_count_as_captions() -> None:
    stats = stats_json("--isolated", CAPTIONS)
    assert_matches_findings(stats, "--isolated", CAPTIONS)
    assert stats["total"]["records_leaking"] > 0
    for row in stats["attributes"].values():
        leak = row["records_leaking"]
        assert leak["question"] == leak["answer"] == 0
        assert leak["caption"] == leak["any"]


def test_several_paths_add_up() -> None:
    both = stats_json("--isolated", LLAVA, CAPTIONS)
    one, two = stats_json("--isolated", LLAVA), stats_json("--isolated", CAPTIONS)
    assert both["files"] == 2
    assert both["records"] == one["records"] + two["records"]
    for a in ATTRIBUTES:
        for k in ("question", "answer", "caption", "any"):
            assert (both["attributes"][a]["records_leaking"][k]
                    == one["attributes"][a]["records_leaking"][k] + two["attributes"][a]["records_leaking"][k])
    assert_matches_findings(both, "--isolated", LLAVA, CAPTIONS)


def test_clean_dataset_is_all_zero_and_exits_0(tmp_path: Path) -> None:
    stats = stats_json("--isolated", CLEAN)
    assert stats["records"] > 0
    assert stats["total"] == {"records_leaking": 0, "percent_leaking": 0.0}
    for row in stats["attributes"].values():
        assert set(row["records_leaking"].values()) == {0} and row["records_asking"] == 0
    png = tmp_path / "clean.png"
    assert invoke("stats", "--isolated", CLEAN, "--png", png).exit_code == 0
    assert png.read_bytes().startswith(PNG_SIGNATURE)


def test_leaky_dataset_still_exits_0() -> None:
    # stats reports; gating is `check --max-rate`'s job.
    assert invoke("stats", "--isolated", LLAVA).exit_code == 0


@pytest.mark.parametrize("opts", [["--select", "age"], ["--ignore", "gender"], ["--select", "AGE1,GEN"],
                                  ["--ignore", "ask"]])
def test_select_and_ignore_work_like_check(opts: list[str]) -> None:
    stats = stats_json("--isolated", *opts, LLAVA, CAPTIONS)
    assert_matches_findings(stats, "--isolated", *opts, LLAVA, CAPTIONS)
    if opts == ["--select", "age"]:
        assert all(stats["attributes"][a]["records_leaking"]["any"] == 0 for a in ATTRIBUTES if a != "age")
    if opts == ["--ignore", "ask"]:
        assert all(row["records_asking"] == 0 for row in stats["attributes"].values())


def test_config_file_is_honoured(tmp_path: Path) -> None:
    cfg = tmp_path / "safelint.toml"
    cfg.write_text('ignore = ["gender"]\n', encoding="utf-8")
    stats = stats_json("--config", cfg, LLAVA)
    assert stats["attributes"]["gender"]["records_leaking"]["any"] == 0
    assert_matches_findings(stats, "--config", cfg, LLAVA)
    assert stats_json("--isolated", LLAVA)["attributes"]["gender"]["records_leaking"]["any"] > 0


def test_field_option_for_generic_records(tmp_path: Path) -> None:
    data = tmp_path / "generic.jsonl"
    src = [json.loads(line) for line in CAPTIONS.read_text(encoding="utf-8").splitlines()]
    data.write_text("".join(json.dumps({"meta": {"alt": r["caption"]}}) + "\n" for r in src), encoding="utf-8")
    stats = stats_json("--isolated", "--field", "meta/alt", data)
    plain = stats_json("--isolated", CAPTIONS)
    assert stats["attributes"] == plain["attributes"]


def test_text_table() -> None:
    r = invoke("stats", "--isolated", LLAVA)
    assert r.exit_code == 0
    out = r.stdout
    for word in ("questions", "answers", "captions", "any", "% records", "asking", "any attribute", *ATTRIBUTES):
        assert word in out, word
    stats = stats_json("--isolated", LLAVA)
    assert f"{stats['records']} records" in out
    eye = next(line for line in out.splitlines() if line.startswith("eye_color"))
    cells = [c.strip() for c in eye.replace("│", "|").split("|")]
    leak = stats["attributes"]["eye_color"]["records_leaking"]
    assert cells[1:5] == [str(leak[k]) for k in ("question", "answer", "caption", "any")]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])  # type: ignore[return-value]


def test_png_chart(tmp_path: Path) -> None:
    png = tmp_path / "out" / "leak.png"
    png.parent.mkdir()
    r = invoke("stats", "--isolated", LLAVA, CAPTIONS, "--png", png, "--title", "audit")
    assert r.exit_code == 0, r.stderr
    assert str(png) in r.stderr
    data = png.read_bytes()
    w, h = _png_size(data)
    assert w > 400 and h > 300
    assert data.rstrip().endswith(b"IEND\xaeB`\x82")
    # the table is still printed
    assert "any attribute" in r.stdout


def test_png_with_json_output(tmp_path: Path) -> None:
    png = tmp_path / "c.png"
    stats = stats_json("--isolated", CAPTIONS, "--png", png)
    assert stats["records"] > 0
    _png_size(png.read_bytes())


def test_plot_module_labels() -> None:
    from safelint.plot import compact, percent

    assert compact(79) == "79" and compact(7600) == "7,600" and compact(27300) == "27.3k"
    assert compact(1_234_567) == "1.23M"
    assert percent(0.0) == "0.0%" and percent(4.9) == "4.9%" and percent(0.0147) == "0.01%"
    assert percent(0.0042) == "0.004%"


def test_missing_matplotlib_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    png = tmp_path / "x.png"
    r = invoke("stats", "--isolated", LLAVA, "--png", png)
    assert r.exit_code == 2
    assert "pip install safelint[plot]" in r.stderr
    assert "Traceback" not in r.output + r.stderr
    assert not png.exists()


def test_input_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("stats").exit_code == 2
    r = invoke("stats", "--isolated", tmp_path / "missing.json")
    assert r.exit_code == 2 and "missing.json" in r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "1", "conversations": [', encoding="utf-8")
    r = invoke("stats", "--isolated", "--output-format", "json", bad)
    assert r.exit_code == 2
    assert json.loads(r.stdout)["errors"]
    assert "bad.json" in r.stderr
    assert invoke("stats", "--isolated", "--select", "NOPE999", LLAVA).exit_code == 2


def test_unwritable_png_exits_2(tmp_path: Path) -> None:
    r = invoke("stats", "--isolated", LLAVA, "--png", tmp_path / "no" / "such" / "dir" / "x.png")
    assert r.exit_code == 2
    assert "cannot write" in r.stderr


def test_help_mentions_columns_and_reference_figures() -> None:
    r = invoke("stats", "--help")
    assert r.exit_code == 0
    assert "--png" in r.stdout and "LAION-CC-SBU" in r.stdout
