"""Bad input: a clear error naming file, record/line and what was expected; exit 2; no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import llava


def _err(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_malformed_json_reports_line_and_column(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "bad.json"
    p.write_text('[\n  {"id": "1", "conversations": []},\n  {"id": "2", "conversations": [}\n]\n')
    out = _err(run_cli("check", p))
    assert f"{p}:3:" in out and "malformed JSON" in out


def test_malformed_jsonl_reports_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "bad.jsonl"
    p.write_text(json.dumps(llava(("gpt", "hi"))) + "\n{oops\n")
    out = _err(run_cli("check", p))
    assert f"{p}:2:2" in out and "record 1" in out


def test_wrong_shape_names_record_and_expectation(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("shape.json", [llava(("gpt", "fine")), {"id": "x", "conversations": "not a list"}])
    out = _err(run_cli("check", p))
    assert "record 1" in out and "'conversations' must be a list" in out
    p = write_json("shape2.json", [llava(("gpt", "fine")), {"id": "y", "conversations": [{"from": "gpt", "value": 3}]}])
    assert "record 1: conversations[0].value must be a string" in _err(run_cli("check", p))
    p = write_json("shape2b.json", [{"id": "z", "conversations": [{"from": "gpt", "text": "hi"}]}])
    assert "conversations[0] must be an object with a string 'value'" in _err(run_cli("check", p))
    p = write_json("shape3.json", [{"foo": 1}])
    out = _err(run_cli("check", p))
    assert "record 0" in out and "expected a LLaVA record" in out and "--field" in out
    p = write_json("shape4.json", [1, 2])
    assert "expected an object" in _err(run_cli("check", p))


def test_empty_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "empty.json"
    p.write_text("")
    assert "empty file" in _err(run_cli("check", p))
    q = tmp_path / "empty.jsonl"
    q.write_text("")
    assert run_cli("check", q).exit_code == 0  # an empty JSON Lines file has no records: nothing to report


def test_bom_is_accepted(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("bom.json", "bom.jsonl"):
        p = tmp_path / name
        data = [llava(("gpt", "A woman smiles."))]
        body = json.dumps(data) if name.endswith(".json") else json.dumps(data[0]) + "\n"
        p.write_bytes(b"\xef\xbb\xbf" + body.encode())
        r = run_cli("check", p)
        assert r.exit_code == 1 and "GEN201" in r.output


def test_non_utf8(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "latin1.jsonl"
    p.write_bytes(json.dumps(llava(("gpt", "ok"))).encode() + b"\n" + '{"caption": "caf\xe9"}\n'.encode("latin-1"))
    out = _err(run_cli("check", p))
    assert "not valid UTF-8" in out and f"{p}:2" in out
    q = tmp_path / "latin1.json"
    q.write_bytes(b'[{"caption": "a woman at the caf\xe9"}]')
    assert "not valid UTF-8" in _err(run_cli("check", q))


def test_nan_is_accepted_in_non_text_fields(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, body in (("nan.json", '[{"caption": "A woman smiles.", "score": NaN}]'),
                       ("nan.jsonl", '{"caption": "A woman smiles.", "score": NaN}\n')):
        p = tmp_path / name
        p.write_text(body)
        r = run_cli("check", p)
        assert r.exit_code == 1 and "GEN201" in r.output


def test_huge_single_string(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = ("The red bus drives past the station. " * 1_400_000) + "An elderly woman waves."
    assert len(text) > 50_000_000
    p = tmp_path / "big.json"
    p.write_text(json.dumps([{"caption": text}]))
    # the reader and the rules on a 51 MB string; the hybrid's chunking of long strings is
    # linear too (about 6 s per 10 MB here), tested on shorter ones in test_model_*.py
    r = run_cli("check", "--no-model", "--output-format", "json", p)
    found = json.loads(r.output)["findings"]
    assert {f["text"] for f in found} == {"elderly", "woman"}
    assert all(text[f["start"]:f["end"]] == f["text"] for f in found)


def test_dense_hits_in_a_long_string() -> None:
    from safelint import scan_text

    text = "An old man and an old woman. " * 20_000  # 580k characters, 80k hits
    found = scan_text(text, "gpt")
    assert len(found) == 80_000
    assert all(text[m.start:m.end] == m.text for m in found[:: 997])


def test_deep_nesting(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deep = "[" * 100_000 + "]" * 100_000
    for name, body in (("deep.json", deep), ("deep.jsonl", deep + "\n"),
                       ("deep2.json", '[{"caption": "a man", "x": ' + deep + "}]")):
        p = tmp_path / name
        p.write_text(body)
        r = run_cli("check", p)
        assert r.exit_code in (1, 2) and "Traceback" not in r.output


def test_unknown_keys_are_kept_and_ignored(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    rec = llava(("gpt", "A man waves."))
    rec["extra"] = {"nested": ["A woman"], "n": 1}
    r = run_cli("check", "--output-format", "json", write_json("extra.json", [rec]))
    assert [f["pointer"] for f in json.loads(r.output)["findings"]] == ["/0/conversations/0/value"]


def test_missing_path_and_mixed_directory(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "notes.txt").write_text("a woman")
    (d / "image.png").write_bytes(b"\x89PNG")
    (d / "ok.jsonl").write_text(json.dumps(llava(("gpt", "A boy runs."))) + "\n")
    r = run_cli("check", d)
    assert r.exit_code == 1
    assert "skipped: " in r.output and "notes.txt" in r.output and "image.png" in r.output
    r = run_cli("check", d, tmp_path / "nope.json")
    assert r.exit_code == 2 and "nope.json: no such file or directory" in r.output


def test_invalid_rule_file_names_file_rule_field(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(
        "rules:\n  - code: XYZ101\n    name: x\n    attribute: hairiness\n    kind: explicit\n"
        "    message: m\n    keywords: [fluffy]\n")
    out = _err(run_cli("check", "--rules", rules, write_json("d.json", [llava(("gpt", "hi"))])))
    assert "mine.yaml" in out and "XYZ101" in out and "'attribute'" in out
    (rules / "mine.yaml").write_text("rules: [\n")
    assert "invalid YAML" in _err(run_cli("check", "--rules", rules, write_json("d.json", [llava(("gpt", "hi"))])))


@pytest.mark.parametrize("text", ["", "<image>", "\x00\x01\x02", "👩‍🦰🧓🏽", "Une femme âgée", "女人", "a" * 10])
def test_odd_strings_do_not_crash(text: str) -> None:
    from safelint import scan_text

    for role in ("human", "gpt", None):
        for m in scan_text(text, role):
            assert text[m.start:m.end] == m.text
