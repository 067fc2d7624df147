"""Users add their own rule files; they behave like built-in ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import llava

if TYPE_CHECKING:
    from safelint.engine import Engine


def _rule_dir(tmp_path: Path, name: str, text: str) -> Path:
    """A directory ``name`` holding one rule file with ``text``."""
    d = tmp_path / name
    d.mkdir(exist_ok=True)
    (d / f"{name}.yaml").write_text(text)
    return d


def _engine(tmp_path: Path, name: str, text: str) -> Engine:
    """An engine of only the rule file ``text`` (no built-in rules), written as :func:`_rule_dir` does."""
    from safelint.engine import Engine
    from safelint.rules import load_rules

    return Engine(load_rules([_rule_dir(tmp_path, name, text)], builtin=False))


def _check_rules(run_cli, write_json, rules: Path):  # type: ignore[no-untyped-def]
    """``safelint check --rules RULES`` on one harmless record: what a broken rule file makes of a run."""
    return run_cli("check", "--rules", rules, write_json("d.json", [llava(("gpt", "hi"))]))


USER_RULES = """
attribute: weight
lexicons:
  build_words: [stocky, burly, wiry]
  person_nouns: [lumberjack]
rules:
  - code: WGT901
    name: annotator-build-terms
    kind: implicit
    message: "Build term implies body weight: '{text}'"
    keywords: ["@build_words", built like a tank]
    person: required
    exceptions: [wiry hair]
    replacement: ""
    examples:
      fire: ["A wiry lumberjack carries boxes."]
      quiet: ["A wiry hair brush on the shelf."]
"""


def test_user_rule_file_with_lexicons(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    d = _rule_dir(tmp_path, "my_rules", USER_RULES)
    data = write_json("d.json", [llava(("gpt", "A wiry lumberjack carries boxes next to a wiry hair brush."))])
    r = run_cli("check", "--rules", d, "--select", "WGT9", "--output-format", "json", data)
    found = json.loads(r.output)["findings"]
    assert r.exit_code == 1 and [(f["rule"], f["text"]) for f in found] == [("WGT901", "wiry")]
    # only the user's rules
    r = run_cli("check", "--rules", d, "--no-builtin-rules", "--output-format", "json", data)
    assert {f["rule"] for f in json.loads(r.output)["findings"]} == {"WGT901"}
    # from config, relative to the config file
    (tmp_path / "safelint.toml").write_text('rules = ["my_rules"]\nselect = ["WGT901"]\n')
    assert run_cli("check", data).exit_code == 1


def test_duplicate_code_is_an_error(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    d = _rule_dir(tmp_path, "dup", USER_RULES.replace("WGT901", "GEN201"))
    r = _check_rules(run_cli, write_json, d)
    assert r.exit_code == 2 and "duplicate code" in r.output and "GEN201" in r.output


SPAN_RULES = r"""
attribute: gender
rules:
  - code: GEN902
    name: asks-about-tie
    kind: explicit
    category: ask
    message: "Asks about a tie: '{text}'"
    regex: ["\\bdoes\\b[^.?!\\n]{0,40}\\bwear (?:a )?(?P<span>tie)\\s*\\?"]
    examples:
      fire: [{text: "Does the person wear a tie?", role: human}]
      quiet: [{text: "Is the tie red?", role: human}]
"""


def test_regex_span_group_narrows_the_finding(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    d = _rule_dir(tmp_path, "span_rules", SPAN_RULES)
    text = "Does the person wear a tie?"
    data = write_json("d.json", [llava(("human", text), ("gpt", "Yes."))])
    r = run_cli("check", "--rules", d, "--select", "GEN902", "--output-format", "json", data)
    found = json.loads(r.output)["findings"]
    # the whole question is required, only the cue is reported
    assert [(f["rule"], f["text"], f["start"], f["end"]) for f in found] == [("GEN902", "tie", text.index("tie"), len(text) - 1)]


GATED_RULES = r"""
attribute: age
x-keys: &keys [patient_id, sex]
rules:
  - code: AGE901
    name: visit-age
    kind: explicit
    message: "Age field: '{text}'"
    regex: ["\\bage=\\d+"]
    requires: *keys
    unless: [species]
    examples:
      fire: ["patient_id=7 age=61"]
      quiet: ["toy=blocks age=3", "species=dog sex=male age=4"]
"""


def test_requires_and_unless_gate_a_rule_on_words_of_the_string(tmp_path: Path) -> None:
    eng = _engine(tmp_path, "gated", GATED_RULES)
    rule = eng.rules[0]
    assert rule.requires == ("patient_id", "sex") and rule.unless == ("species",)
    for ex in rule.fire:
        assert [m.text for m in eng.scan(ex.text)] == ["age=61"]
    for ex in rule.quiet:
        assert eng.scan(ex.text) == []


def test_requires_must_be_words(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    d = _rule_dir(tmp_path, "bad", GATED_RULES.replace("requires: *keys", "requires: patient_id"))
    r = _check_rules(run_cli, write_json, d)
    assert r.exit_code == 2 and "AGE901" in r.output and "'requires'" in r.output
    _rule_dir(tmp_path, "bad", GATED_RULES.replace("x-keys:", "keys:"))
    r = _check_rules(run_cli, write_json, d)
    assert r.exit_code == 2 and "unknown top-level key(s): keys" in r.output


REGEX_LEXICON_RULES = """
lexicons:
  shades: [pale, dusky]
rules:
  - code: RAC901
    name: shaded-hand
    attribute: race
    kind: implicit
    message: "shade: '{text}'"
    patterns:
      - [{LOWER: {REGEX: "^(?:@shades|ashen)$"}}, {ORTH: "-"}, {LOWER: skinned}, {LOWER: hand}]
    person: none
    examples:
      fire: ["A pale-skinned hand.", "An ashen-skinned hand."]
      quiet: ["A green-skinned hand.", "A pale hand."]
"""


def test_a_lexicon_inside_a_pattern_regex_expands_to_its_words(tmp_path: Path) -> None:
    eng = _engine(tmp_path, "rx", REGEX_LEXICON_RULES)
    rule = eng.rules[0]
    assert rule.patterns[0][0] == {"LOWER": {"REGEX": "^(?:pale|dusky|ashen)$"}}
    assert [m.text for m in eng.scan("A pale-skinned hand.")] == ["pale-skinned hand"]
    assert [m.text for m in eng.scan("An ashen-skinned hand.")] == ["ashen-skinned hand"]
    for ex in rule.quiet:
        assert eng.scan(ex.text) == []


def test_an_unknown_lexicon_in_a_pattern_regex_is_a_rule_error(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    d = _rule_dir(tmp_path, "rx", REGEX_LEXICON_RULES.replace("@shades|", "@shadez|"))
    r = _check_rules(run_cli, write_json, d)
    assert r.exit_code == 2 and "RAC901" in r.output and "unknown lexicon '@shadez'" in r.output


TIE_RULE = """
  - code: {code}
    name: tie-{code}
    kind: explicit
    message: "tie: '{{text}}'"
    keywords: [zorblax]
    examples:
      fire: ["A zorblax."]
      quiet: ["A table."]
"""


def test_a_tie_between_overlapping_rules_goes_to_the_lower_code_whatever_the_file_order(tmp_path: Path) -> None:
    for first, second in (("GEN997", "GEN998"), ("GEN998", "GEN997")):
        text = "attribute: gender\nrules:" + TIE_RULE.format(code=first) + TIE_RULE.format(code=second)
        eng = _engine(tmp_path, first, text)
        assert [m.rule for m in eng.scan("A zorblax stands here.")] == ["GEN997"]


WORD_LIST_RULES = """
rules:
  - code: AGE901
    name: norm-and-folded-words
    attribute: age
    kind: explicit
    message: "'{text}'"
    patterns:
      - [{LOWER: she}, {NORM: will}, {LOWER: nap}]
      - [{LOWER: grandma}, {LOWER: "\u2019s"}, {LOWER: {IN: [cane, walker]}}]
    person: none
    examples:
      fire: ["She\u2019ll nap.", "Grandma\u2019s walker."]
      quiet: ["She may nap.", "Grandma's walker.", "Grandma\u2019s hat."]
"""


def test_a_pattern_runs_only_where_its_words_are_and_norm_or_folded_words_still_match(tmp_path: Path) -> None:
    """The engine skips a pattern in a window that lacks one of its required words; a NORM word ("'ll" is
    "will") or a word that folding changes ("\u2019s") is not such a word, so those patterns still match."""
    eng = _engine(tmp_path, "words", WORD_LIST_RULES)
    rule = eng.rules[0]
    for ex in rule.fire:
        assert [m.text for m in eng.scan(ex.text)] == [ex.text.rstrip(".")], ex.text
    for ex in rule.quiet:
        assert eng.scan(ex.text) == [], ex.text


FIELD_RULES = """
rules:
  - code: AGE902
    name: dob-label
    attribute: age
    kind: explicit
    message: "date of birth field: '{text}'"
    regex: ["(?i)date of birth:"]
    field: true
"""


def test_a_field_label_with_a_withheld_value_is_quiet(tmp_path: Path) -> None:
    eng = _engine(tmp_path, "fields", FIELD_RULES)
    assert [m.text for m in eng.scan("Date of birth: 3 May 1961")] == ["Date of birth:"]
    assert [m.text for m in eng.scan("Date of birth: unknown, but probably the 1960s")] == ["Date of birth:"]
    for withheld in ("Date of birth: N/A", "Date of birth: —\nName: x", "Date of birth: not stated on the form"):
        assert eng.scan(withheld) == []
    # without `field`, the label fires whatever follows
    plain = _engine(tmp_path, "plain", FIELD_RULES.replace("    field: true\n", ""))
    assert [m.text for m in plain.scan("Date of birth: N/A")] == ["Date of birth:"]


def test_field_must_be_true_or_false(run_cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    d = _rule_dir(tmp_path, "bad", FIELD_RULES.replace("field: true", "field: sometimes"))
    r = _check_rules(run_cli, write_json, d)
    assert r.exit_code == 2 and "AGE902" in r.output and "'field'" in r.output
