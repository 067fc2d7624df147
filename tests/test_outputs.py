"""Outputs and locations: SARIF 2.1.0 (validated against the OASIS schema), GitHub annotations,
``path:line:col`` in text output, and :mod:`safelint.locate` against an independent oracle."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import llava
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safelint.api import check
from safelint.locate import Locator
from safelint.outputs import sarif

HERE = Path(__file__).parent
LOCATE = HERE / "fixtures" / "locate"
SCHEMA = json.loads((HERE / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FIXTURES = sorted(LOCATE.iterdir())


# -- an independent oracle: a recursive JSON walker on the decoded text ----------------------------

_WS = re.compile(r"[ \t\n\r]*")


def string_tokens(text: str) -> dict[str, tuple[int, int]]:
    """JSON Pointer -> (offset of the opening quote, offset after the closing quote) of every string value."""
    out: dict[str, tuple[int, int]] = {}
    dec = json.JSONDecoder()

    def ws(i: int) -> int:
        return _WS.match(text, i).end()  # type: ignore[union-attr]

    def walk(i: int, ptr: str) -> int:
        i = ws(i)
        c = text[i]
        if c in "{[":
            close, n = "}]"["{[".index(c)], 0
            i = ws(i + 1)
            if text[i] == close:
                return i + 1
            while True:
                if c == "{":
                    key, i = scanstring(text, i + 1)
                    i = ws(i)
                    assert text[i] == ":"
                    i = ws(walk(i + 1, ptr + "/" + key.replace("~", "~0").replace("/", "~1")))
                else:
                    i = ws(walk(i, f"{ptr}/{n}"))
                    n += 1
                if text[i] == close:
                    return i + 1
                assert text[i] == ","
                i = ws(i + 1)
        if c == '"':
            _, end = scanstring(text, i + 1)
            out[ptr] = (i, end)
            return end
        _, end = dec.raw_decode(text, i)
        return end

    walk(0, "")
    return out


def expected(text: str, token: tuple[int, int], start: int, end: int) -> tuple[int, int, int]:
    """(line, column, end column) of ``value[start:end]`` for the string token at ``token``."""
    q, e = token
    body = text[q + 1:e - 1]
    value = json.loads(text[q:e])

    def body_offset(k: int) -> int:  # shortest body prefix that decodes to value[:k]
        for p in range(len(body) + 1):
            try:
                if json.loads('"' + body[:p] + '"') == value[:k]:
                    return p
            except json.JSONDecodeError:
                pass
        raise AssertionError("no prefix")

    quote_col = q - text.rfind("\n", 0, q)
    return text.count("\n", 0, q) + 1, quote_col + 1 + body_offset(start), quote_col + 1 + body_offset(end)


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


# -- locate: fixtures through the real linter ------------------------------------------------------

@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_findings_have_exact_line_and_column(path: Path) -> None:
    findings = check(str(path))
    assert findings
    text = _read_text(path)
    tokens = None if path.suffix == ".jsonl" else string_tokens(text)
    for f in findings:
        assert f.line is not None and f.column is not None and f.end_column is not None, f
        if tokens is None:  # JSON Lines: the record is the line
            line_text = text.split("\n")[f.line - 1]
            _, col, end_col = expected(line_text, string_tokens(line_text)[f.pointer], f.start, f.end)
            assert (f.column, f.end_column) == (col, end_col), f
        else:
            assert (f.line, f.column, f.end_column) == expected(text, tokens[f.pointer], f.start, f.end), f


def test_same_findings_whatever_the_encoding() -> None:
    """Pretty, minified ASCII, CRLF+BOM and PHP-style escapes hold the same data: same findings."""
    def key(p: str) -> list[tuple[str, int, int, str]]:
        return [(f.pointer, f.start, f.end, f.rule) for f in check(str(LOCATE / p))]

    base = key("pretty.json")
    assert base == key("minified_ascii.json") == key("crlf_bom.json") == key("php_style.json")
    cols = {(f.pointer, f.start): f.column for f in check(str(LOCATE / "minified_ascii.json"))}
    assert len(set(cols.values())) == len(cols)  # one line, so every span has its own column


def test_locator_skips_keys_escaped_quotes_and_other_members(tmp_path: Path) -> None:
    p = tmp_path / "decoys.json"
    p.write_text('[{"a man": 1, "note": "say \\"a man", "image": "a man", "caption": "a man"},\n'
                 ' {"caption": "a man"}]', encoding="utf-8")
    text = p.read_text(encoding="utf-8")
    tokens = string_tokens(text)
    with Locator(p) as loc:
        for rec in (0, 1):
            spot = loc.find(rec, "a man", None, f"/{rec}/caption")
            assert spot is not None
            assert (spot.line, *spot.columns(2, 5)) == expected(text, tokens[f"/{rec}/caption"], 2, 5)


def test_jsonl_lines_that_are_bare_strings(tmp_path: Path) -> None:
    p = tmp_path / "s.jsonl"
    p.write_text('"A red bus."\n"The old man \\u00e9 smiles."\n', encoding="utf-8")
    [f] = [f for f in check(str(p)) if f.text == "old"]
    assert (f.line, f.column, f.end_column) == (2, 6, 9)


def test_locator_gives_up_quietly(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('[{"caption": "a man"}]', encoding="utf-8")
    with Locator(p) as loc:
        assert loc.find(0, "a woman", None, "/0/caption") is None
        assert loc.find(0, "a man", None, "/0/caption") is not None
    assert Locator(tmp_path / "missing.json").find(0, "x") is None


# -- locate: random documents, encoders and chunk sizes ----------------------------------------------

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PIECES = ["man", "a", " ", "He", "<", "&", "\u00e9", "\u2014", "\n", '"', "\\", "/", "\U0001f600", "\t", "\u2028", "x",
           "\x01", "\udc80", "caption", ":", ",", "{", "[", "]"]


def _encode(s: str, *, ascii_only: bool, slash: bool, upper: bool, go: bool) -> str:
    """A JSON string as various encoders write it (``go``: Go's escaping of <, >, & and U+2028/9)."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c in _SHORT:
            out.append(_SHORT[c])
        elif c == "/" and slash:
            out.append("\\/")
        elif o < 0x20 or 0xD800 <= o < 0xE000 or (ascii_only and o > 0x7E) or (go and c in "<>&\u2028\u2029"):
            units = [o] if o <= 0xFFFF else [0xD800 + ((o - 0x10000) >> 10), 0xDC00 + ((o - 0x10000) & 0x3FF)]
            out += ["\\u" + (f"{u:04X}" if upper else f"{u:04x}") for u in units]
        else:
            out.append(c)
    return "".join(out) + '"'


def _dump(obj: Any, enc: dict[str, bool], indent: str | None, level: int = 0) -> str:
    nl = "" if indent is None else "\n" + indent * (level + 1)
    end = "" if indent is None else "\n" + indent * level
    if isinstance(obj, str):
        return _encode(obj, **enc)
    if isinstance(obj, list):
        return "[" + ",".join(nl + _dump(v, enc, indent, level + 1) for v in obj) + end + "]"
    if isinstance(obj, dict):
        colon = ":" if indent is None else ": "
        return "{" + ",".join(nl + _encode(k, **enc) + colon + _dump(v, enc, indent, level + 1)
                              for k, v in obj.items()) + end + "}"
    return json.dumps(obj)


texts = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join)
records = st.lists(st.fixed_dictionaries({
    "id": texts, "caption": texts,
    "conversations": st.lists(texts.map(lambda t: {"from": "gpt", "value": t}), max_size=3)}),
    min_size=1, max_size=5)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recs=records, ascii_only=st.booleans(), slash=st.booleans(), upper=st.booleans(), go=st.booleans(),
       indent=st.sampled_from([None, "", "  ", "\t"]), crlf=st.booleans(), bom=st.booleans(),
       chunk=st.sampled_from([1, 7, 64, 1 << 20]), data=st.data())
def test_locator_matches_oracle(tmp_path: Path, recs: list[dict[str, Any]], ascii_only: bool, slash: bool,
                                upper: bool, go: bool, indent: str | None, crlf: bool, bom: bool, chunk: int,
                                data: st.DataObject) -> None:
    text = _dump(recs, {"ascii_only": ascii_only, "slash": slash, "upper": upper, "go": go}, indent)
    if crlf:
        text = text.replace("\n", "\r\n")
    p = tmp_path / "doc.json"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))
    tokens = string_tokens(text)
    with Locator(p, chunk=chunk) as loc:
        for i, rec in enumerate(recs):
            items = [(f"/{i}/conversations/{k}/value", t["value"]) for k, t in enumerate(rec["conversations"])]
            # readers list array elements in order but object members in their own order
            items.insert(data.draw(st.integers(0, len(items))), (f"/{i}/caption", rec["caption"]))
            for ptr, value in items:
                spot = loc.find(i, value, None, ptr)
                assert spot is not None, (ptr, value)
                start = data.draw(st.integers(0, len(value)))
                end = data.draw(st.integers(start, len(value)))
                assert (spot.line, *spot.columns(start, end)) == expected(text, tokens[ptr], start, end)


# -- text and github outputs --------------------------------------------------------------------------

def test_text_output_shows_line_and_column(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", LOCATE / "pretty.json")
    assert r.exit_code == 1
    first = next(line for line in r.output.splitlines() if "GEN201" in line)
    assert re.match(r"^.*pretty\.json:\d+:\d+:/\d+/conversations/\d+/value\[\d+:\d+\]: GEN201 ", first), first


def test_github_annotations_have_columns_and_respect_limits(run_cli, write_json) -> None:  # type: ignore
    r = run_cli("check", "--output-format", "github", LOCATE / "pretty.json")
    f = check(str(LOCATE / "pretty.json"))[0]
    assert f"line={f.line},col={f.column},endColumn={f.end_column},title={f.rule}" in r.output
    many = [llava(("gpt", f"The young man and the old woman, he is {20 + i} years old."), id=str(i))
            for i in range(40)]
    r = run_cli("check", "--output-format", "github", write_json("many.json", many))
    lines = r.output.splitlines()
    for level in ("error", "warning", "notice"):
        assert sum(line.startswith(f"::{level} ") for line in lines) <= 10
    assert sum(line.startswith("::") for line in lines) <= 50
    assert any(line.startswith("::notice title=safelint::") and "not annotated" in line for line in lines)
    total = len(check(str(write_json("many.json", many))))
    assert lines[-1].startswith(f"safelint: {total} finding(s)")


# -- SARIF ------------------------------------------------------------------------------------------------

def _sarif(run_cli, *args: Any, out: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--output-format", "sarif", "-o", out, *args)
    assert r.exit_code in (0, 1, 2), r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    return doc


def test_sarif_validates_and_maps_every_field(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore
    monkeypatch.chdir(HERE.parent)
    rel = (LOCATE / "pretty.json").relative_to(HERE.parent)
    doc = _sarif(run_cli, rel, out=tmp_path / "out.sarif")
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "safelint" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules) and any(r["id"] == "AGE101" for r in rules)
    age101 = next(r for r in rules if r["id"] == "AGE101")
    assert age101["defaultConfiguration"]["level"] == "error"
    assert age101["properties"]["attribute"] == "age" and "age" in age101["properties"]["tags"]
    assert age101["shortDescription"]["text"] and age101["fullDescription"]["text"] and age101["help"]["text"]
    findings = check(str(rel))
    assert len(run["results"]) == len(findings) == run["properties"]["findings"]
    for res, f in zip(run["results"], findings):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == f.rule
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity]
        loc = res["locations"][0]
        art = loc["physicalLocation"]["artifactLocation"]
        assert art == {"uri": rel.as_posix(), "uriBaseId": "%SRCROOT%"}
        assert loc["physicalLocation"]["region"] == {"startLine": f.line, "startColumn": f.column,
                                                     "endColumn": f.end_column}
        assert loc["logicalLocations"] == [{"fullyQualifiedName": f.pointer, "kind": "member"}]
        assert res["partialFingerprints"] == {"safelint/v1": f.baseline_key}
        props = res["properties"]
        assert (props["record"], props["id"], props["role"], props["span"], props["text"]) == (
            f.record, f.id, f.role, {"start": f.start, "end": f.end}, f.text)
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is True and inv["exitCode"] == 1
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_reports_input_errors_and_skipped_files(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad.json").write_text('[{"caption": "a man"}, {"caption": ]', encoding="utf-8")
    (tmp_path / "data" / "notes.txt").write_text("not a dataset", encoding="utf-8")
    (tmp_path / "data" / "ok.jsonl").write_text('{"caption": "An old man."}\n', encoding="utf-8")
    doc = _sarif(run_cli, "data", "missing.json", out=tmp_path / "out.sarif")
    run = doc["runs"][0]
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False and inv["exitCode"] == 2
    notes = inv["toolExecutionNotifications"]
    errors = [n for n in notes if n["level"] == "error"]
    assert any("missing.json" in n["message"]["text"] for n in errors)
    assert any("bad.json" in n["message"]["text"] and n["locations"][0]["physicalLocation"]["region"]["startLine"]
               for n in errors)
    assert any(n["level"] == "note" and "notes.txt" in n["message"]["text"] for n in notes)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "data/ok.jsonl" in uris <= {"data/ok.jsonl", "data/bad.json"}  # records before the error still count


def test_sarif_caps_results_and_aggregates_the_rest(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore
    monkeypatch.setattr(sarif, "MAX_RESULTS", 8)
    monkeypatch.setattr(sarif, "RESERVED", 3)
    monkeypatch.chdir(HERE.parent)
    path = (LOCATE / "pretty.json").relative_to(HERE.parent)
    findings = check(str(path))
    assert len(findings) > 8
    doc = _sarif(run_cli, path, out=tmp_path / "out.sarif")
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) <= 8
    listed = [r for r in results if not r["properties"].get("aggregated")]
    aggregated = [r for r in results if r["properties"].get("aggregated")]
    assert len(listed) == 5 and 1 <= len(aggregated) <= 3
    assert len(listed) + sum(r["properties"]["count"] for r in aggregated) == len(findings)
    props = run["properties"]
    assert props["truncated"] is True and props["findings"] == len(findings)
    assert props["listedFindings"] == 5 and props["unlistedFindings"] == len(findings) - 5
    assert sum(props["unlistedByRule"].values()) == props["unlistedFindings"]
    rules = run["tool"]["driver"]["rules"]
    for r in aggregated:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert "not listed" in r["message"]["text"] and r["locations"]
    # more overflowing rules than reserved slots: the last slot takes the rest
    monkeypatch.setattr(sarif, "RESERVED", 2)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    doc = _sarif(run_cli, path, out=tmp_path / "out2.sarif")
    results = doc["runs"][0]["results"]
    assert len(results) == 3
    assert 1 + sum(r["properties"]["count"] for r in results[1:]) == len(findings)
    assert "rules (" in results[-1]["message"]["text"]


def test_sarif_fingerprints_survive_reordering(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore
    monkeypatch.chdir(tmp_path)
    recs = [llava(("gpt", "The young man smiles."), id="a"), llava(("gpt", "She is 30 years old."), id="b")]

    def prints(order: list[dict[str, Any]]) -> set[tuple[str, str]]:
        Path("d.json").write_text(json.dumps(order), encoding="utf-8")
        run = _sarif(run_cli, "d.json", out=tmp_path / "o.sarif")["runs"][0]
        return {(r["ruleId"], r["partialFingerprints"]["safelint/v1"]) for r in run["results"]}

    assert prints(recs) == prints(recs[::-1])


def test_sarif_paths_outside_the_root_and_empty_runs(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore
    outside = tmp_path / "out side" / "d é.json"
    outside.parent.mkdir()
    outside.write_text(json.dumps([llava(("gpt", "The old man."))]), encoding="utf-8")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    run = _sarif(run_cli, outside, out=tmp_path / "o.sarif")["runs"][0]
    art = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art == {"uri": outside.as_uri()} and "%20" in art["uri"]
    clean = tmp_path / "cwd" / "clean.json"
    clean.write_text(json.dumps([llava(("gpt", "A red bus."))]), encoding="utf-8")
    run = _sarif(run_cli, "clean.json", out=tmp_path / "o2.sarif")["runs"][0]
    assert run["results"] == [] and run["invocations"][0]["executionSuccessful"] is True
