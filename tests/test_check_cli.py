"""The linter contract of `safelint check`: exit codes, selection, formats, config, gates, baseline."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import llava

LEAKY = [
    llava(("human", "<image>\nWhat is the man doing?"), ("gpt", "The young woman is riding a bike."), id="a"),
    llava(("human", "How old is the person?"), ("gpt", "The person appears to be in their 30s."), id="b"),
    llava(("human", "Describe the image."), ("gpt", "A red bus drives past an old building."), id="c"),
]
CLEAN = [llava(("human", "Describe the image."), ("gpt", "A red bus drives past an old building."), id="c")]


def _json(result) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(result.output)


def test_exit_codes(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("check", write_json("clean.json", CLEAN)).exit_code == 0
    r = run_cli("check", write_json("leaky.json", LEAKY))
    assert r.exit_code == 1
    assert "GEN201" in r.output and "AGE201" in r.output
    assert run_cli("check", "--exit-zero", write_json("leaky.json", LEAKY)).exit_code == 0
    assert run_cli("check", "does/not/exist.json").exit_code == 2
    assert run_cli("check").exit_code == 2


def test_json_schema_of_findings(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--output-format", "json", write_json("leaky.json", LEAKY))
    data = _json(r)
    assert data["exit_code"] == 1 == r.exit_code
    required = {"path", "record", "id", "pointer", "role", "start", "end", "text", "rule", "attribute", "kind",
                "severity", "source", "message"}
    assert data["findings"]
    for f in data["findings"]:
        assert required <= set(f)
        assert f["source"] in ("rule", "both", "model")  # hybrid by default: "both" = the model agrees
        assert 0.0 <= f["confidence"] <= 1.0
    rules_only = _json(run_cli("check", "--no-model", "--output-format", "json", write_json("leaky.json", LEAKY)))
    assert {f["source"] for f in rules_only["findings"]} == {"rule"}
    assert rules_only["detector"] == {"kind": "rules"}
    assert data["detector"]["kind"] == "hybrid" and data["detector"]["providers"] and len(data["detector"]["model"]) == 10
    woman = next(f for f in data["findings"] if f["text"] == "woman")
    assert woman["record"] == 0 and woman["id"] == "a" and woman["role"] == "gpt"
    assert woman["pointer"] == "/0/conversations/1/value"
    assert LEAKY[0]["conversations"][1]["value"][woman["start"]:woman["end"]] == "woman"
    ask = next(f for f in data["findings"] if f["rule"] == "AGE301")
    assert ask["category"] == "ask" and ask["role"] == "human" and ask["record"] == 1
    assert data["summary"]["records"] == 3
    assert data["summary"]["records_leaking"]["gender"] == 1  # record 0: "man" (question), "woman" (answer)
    assert data["summary"]["records_leaking_by_role"]["gender"] == {"question": 1, "answer": 1}


def test_jsonl_output_and_input(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("leaky.jsonl", LEAKY)
    r = run_cli("check", "--output-format", "jsonl", p)
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert lines and all(x["path"] == str(p) for x in lines)
    woman = next(x for x in lines if x["text"] == "woman")
    assert woman["pointer"] == "/conversations/1/value" and woman["line"] == 1


def test_select_and_ignore(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("leaky.json", LEAKY)
    rules = {f["rule"] for f in _json(run_cli("check", "--output-format", "json", "--select", "gender", p))["findings"]}
    assert rules and all(r.startswith("GEN") for r in rules)
    rules = {f["rule"] for f in _json(run_cli("check", "--output-format", "json", "--select", "AGE3", p))["findings"]}
    assert rules == {"AGE301"}
    rules = {f["rule"] for f in _json(run_cli("check", "--output-format", "json", "--ignore", "GEN,age", p))["findings"]}
    assert not any(r.startswith(("GEN", "AGE")) for r in rules)
    r = run_cli("check", "--select", "NOPE999", p)
    assert r.exit_code == 2 and "unknown rule selector" in r.output
    # the classifier's own codes appear in reports, so they are selectors too (as ruff takes any code it reports)
    r = run_cli("check", "--no-model", "--ignore", "WGT901,AGE391", p)
    assert r.exit_code in (0, 1), r.output
    assert _json(run_cli("check", "--no-model", "--output-format", "json", "--select", "EYE901", p))["findings"] == []


def test_statistics(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--statistics", write_json("leaky.json", LEAKY))
    assert r.exit_code == 1
    assert any(line.split()[1:2] == ["GEN201"] for line in r.output.splitlines() if line.strip())


def test_max_rate_gate(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("leaky.json", LEAKY)  # gender leaks in 1 of 3 records (33.3 %)
    assert run_cli("check", "--select", "gender", "--max-rate", "gender=40", p).exit_code == 0
    assert run_cli("check", "--select", "gender", "--max-rate", "gender=30", p).exit_code == 1
    # attributes without a gate still fail on findings
    assert run_cli("check", "--max-rate", "gender=40", p).exit_code == 1
    assert run_cli("check", "--max-rate", "any=100", p).exit_code == 0
    assert run_cli("check", "--max-rate", "height=1", p).exit_code == 2
    assert run_cli("check", "--max-rate", "gender=lots", p).exit_code == 2


def test_config_discovered_upwards(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text('[tool.safelint]\nselect = ["race"]\n')
    sub = tmp_path / "data" / "deep"
    sub.mkdir(parents=True)
    p = sub / "leaky.json"
    p.write_text(json.dumps(LEAKY))
    assert run_cli("check", p).exit_code == 0  # no race leak in LEAKY
    assert run_cli("check", "--isolated", p).exit_code == 1
    (tmp_path / "safelint.toml").write_text('select = ["gender"]\n')  # closer file of the same dir wins over pyproject
    assert run_cli("check", p).exit_code == 1
    (tmp_path / "safelint.toml").write_text('selct = ["gender"]\n')
    r = run_cli("check", p)
    assert r.exit_code == 2 and "unknown setting 'selct'" in r.output


def test_baseline_survives_reordering_and_reports_stale(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("data.json", LEAKY)
    b = tmp_path / "baseline.json"
    r = run_cli("check", "--baseline", b, "--write-baseline", p)
    assert r.exit_code == 0 and b.exists()
    assert run_cli("check", "--baseline", b, p).exit_code == 0
    # reorder and append a clean record: still clean against the baseline
    write_json("data.json", [LEAKY[2], LEAKY[1], LEAKY[0], *CLEAN])
    assert run_cli("check", "--baseline", b, p).exit_code == 0
    # a new leak fails, and only the new finding is reported
    new = llava(("human", "Describe."), ("gpt", "A girl with green eyes."), id="d")
    write_json("data.json", [*LEAKY, new])
    r = run_cli("check", "--baseline", b, "--output-format", "json", p)
    assert r.exit_code == 1
    assert {f["id"] for f in _json(r)["findings"]} == {"d"}
    # removing a record makes its entries stale
    write_json("data.json", LEAKY[1:])
    r = run_cli("check", "--baseline", b, "--output-format", "json", p)
    assert r.exit_code == 0
    assert _json(r)["summary"]["stale_baseline"]
    assert run_cli("check", "--baseline", tmp_path / "missing.json", p).exit_code == 2


def test_rule_command(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("rule", "AGE101")
    assert r.exit_code == 0 and "numeric-age" in r.output and "Stays quiet on" in r.output
    assert run_cli("rule", "--all").output.count("\n") > 10
    assert run_cli("rule", "XYZ999").exit_code == 2
    # every code a finding can carry is explained, the classifier's own too (EYE391: an eye-colour ask it found)
    model = run_cli("rule", "EYE391")
    assert model.exit_code == 0 and "classifier" in model.output and "EYE391" in run_cli("rule", "--all").output
    derived = run_cli("rule", "RAC302").output
    assert "Derived: yes-no-question" in derived and "Person reference" not in derived
    assert "Field label: quiet when" in run_cli("rule", "AGE103").output  # a `field: true` rule says so
    assert "Field label" not in r.output


def test_yes_no_question_makes_its_answer_the_refusal(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    rec = [{"id": "q", "image": "q.jpg", "conversations": [
        {"from": "human", "value": "<image>\nIs the man in the picture Asian?"}, {"from": "gpt", "value": "Yes."},
        {"from": "human", "value": "Is the man wearing a hat?"}, {"from": "gpt", "value": "Yes."}]}]
    p = write_json("yn.json", rec)
    found = _json(run_cli("check", "--no-model", "--output-format", "json", p))["findings"]
    assert {f["rule"] for f in found if f["category"] == "ask"} == {"RAC302"}
    assert run_cli("fix", "--no-model", "--unsafe-fixes", p).exit_code == 0
    conv = json.loads(p.read_text())[0]["conversations"]
    assert conv[0]["value"].endswith("Asian?") and conv[1]["value"] != "Yes." and conv[3]["value"] == "Yes."


def test_check_never_writes_inputs(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("leaky.json", LEAKY)
    before = p.read_bytes(), p.stat().st_mtime_ns
    run_cli("check", p)
    assert (p.read_bytes(), p.stat().st_mtime_ns) == before


def test_quiet_prints_findings_only(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "-q", write_json("leaky.json", LEAKY))
    assert r.exit_code == 1
    assert "GEN201" in r.output and "Found" not in r.output and "attribute" not in r.output


def test_refused_ask_is_resolved_and_counted(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    rec = llava(("human", "How old is the person?"),
                ("gpt", "I'm sorry, but I can't determine a person's age from an image."), id="r")
    p = write_json("refused.json", [rec])
    r = run_cli("check", p)
    assert r.exit_code == 0 and "1 resolved by a refusal" in r.output
    r = run_cli("check", "--show-resolved", "--output-format", "json", p)
    found = json.loads(r.output)["findings"]
    assert found and all(f["resolved"] and f["severity"] == "info" for f in found)


def test_fix_writes_into_chat_content_parts(run_cli, write_json) -> None:  # type: ignore[no-untyped-def]
    rec = {"id": "m", "messages": [
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is the man doing?"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "A young woman is reading."}]}]}
    p = write_json("chat.jsonl", [rec])
    assert run_cli("check", "--no-model", p).exit_code == 1
    assert run_cli("fix", "--no-model", p).exit_code == 0
    out = json.loads(p.read_text())
    assert out["messages"][1]["content"][0]["text"] == "A person is reading."
    assert out["messages"][0]["content"][0] == {"type": "image"}
