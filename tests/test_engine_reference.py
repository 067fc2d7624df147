"""Engine features used by the rule files: a wider owner search (``reference_window``), exceptions
that are token patterns, and patterns that run only where their own trigger words are."""

from __future__ import annotations

from pathlib import Path

import pytest

from safelint.engine import Engine
from safelint.rules import RuleFileError, load_rules

RULE = """
attribute: eye_color
rules:
  - code: EYE901
    name: test-eye
    kind: explicit
    message: "eye colour: '{{text}}'"
    patterns:
      - [{{LOWER: {{IN: [eye, eyes]}}}}, {{LOWER: {{IN: [is, are, appears]}}}}, {{LOWER: {{IN: [to, be]}}, OP: "*"}},
         {{LOWER: {{IN: [blue, brown, green]}}}}]
    person: {person}
{extra}
    examples:
      fire: ["Her eyes are blue."]
      quiet: ["The cat's eyes are green."]
"""

FAR = ("The image is a close-up of an elderly person's face, focusing on one eye. The lighting is dramatic, with the "
       "left side of the face lit. The right side of the face is in shadow, showing the texture of the skin. "
       "The eye appears to be brown.")


def _engine(tmp_path: Path, person: str = "possessed", extra: str = "") -> Engine:
    f = tmp_path / "r.yaml"
    f.write_text(RULE.format(person=person, extra=extra))
    rs = load_rules([f])
    return Engine(rs, [r for r in rs.rules if r.code.endswith("901")])


def _hits(eng: Engine, text: str) -> list[str]:
    return [m.text for m in eng.scan(text, "gpt")]


def test_default_owner_search_stays_in_the_previous_sentence(tmp_path: Path) -> None:
    eng = _engine(tmp_path)
    assert _hits(eng, "A close-up of a person's face. The eyes are blue.") == ["eyes are blue"]
    assert _hits(eng, FAR) == []


def test_reference_window_reaches_further_back(tmp_path: Path) -> None:
    eng = _engine(tmp_path, extra="    reference_window: 600")
    assert _hits(eng, FAR) == ["eye appears to be brown"]
    # across Markdown lines of a structured answer
    md = "**The Woman:**\n\n*   **Age:** Late 20s.\n*   **Hair:** Long.\n\n**The Eye:**\n\n*   The eye is green."
    assert _hits(eng, md) == ["eye is green"]
    # the nearest owner still decides: an animal in between blocks
    assert _hits(eng, "A man sits on the sofa. Next to him, a cat sleeps in the sun. The light is warm. "
                      "The eyes are green.") == []
    # but not further back than the window
    assert _hits(_engine(tmp_path, extra="    reference_window: 60"), FAR) == []


def test_its_blocks_only_when_it_owns_the_part(tmp_path: Path) -> None:
    eng = _engine(tmp_path, extra="    reference_window: 600")
    assert _hits(eng, "A close-up view of a person's eye is shown, focusing on the eyeball and its surrounding "
                      "area. The eye is blue.") == ["eye is blue"]
    assert _hits(eng, "A woman kneels in the grass next to her pet. Its eyes are brown.") == []
    # the speaker is not the owner either, unless it is the speaker's eye
    assert _hits(eng, "Okay, I can describe the cat. Here is what I see. The eyes are green.") == []
    assert _hits(eng, "Look at my photo: my eyes are green.") == ["eyes are green"]


def test_unowned_parts_are_a_persons_only_when_the_rule_says_so(tmp_path: Path) -> None:
    close_up = "The image is a close-up of an eye, focusing on the iris. The eye appears to be brown."
    assert _hits(_engine(tmp_path, extra="    reference_window: 600"), close_up) == []
    eng = _engine(tmp_path, extra="    reference_window: 600\n    unowned: person")
    assert _hits(eng, close_up) == ["eye appears to be brown"]
    # an owner named within reach still decides: an animal, a thing, a thing's possessive, "its" listing parts
    assert _hits(eng, "A close-up of a tiger. The eye is green.") == []
    assert _hits(eng, "The toucan's left eye is brown.") == []
    builtin = Engine(load_rules())
    assert [m.rule for m in builtin.scan("The third chinchilla stands out with its dark gray fur and black eyes.",
                                         "gpt")] == []
    # a person noun the lexicon lacks, after a person it has, is still the person's
    assert _hits(eng, "A portrait of a woman. The sitter's eyes are blue.") == ["eyes are blue"]
    # the narrow search (no reference_window) knows the default too
    assert _hits(_engine(tmp_path, extra="    unowned: person"), "A macro shot. The eyes are blue.") == ["eyes are blue"]


@pytest.mark.parametrize(("extra", "person", "field", "msg"), [
    ("    unowned: person", "required", "unowned", "only applies with person: possessed"),
    ("    unowned: everyone", "possessed", "unowned", "must be one of nobody, person"),
])
def test_unowned_is_validated(tmp_path: Path, extra: str, person: str, field: str, msg: str) -> None:
    f = tmp_path / "r.yaml"
    f.write_text(RULE.format(person=person, extra=extra))
    with pytest.raises(RuleFileError, match=msg) as err:
        load_rules([f])
    assert err.value.rule == "EYE901" and err.value.field == field


@pytest.mark.parametrize(("extra", "person", "msg"), [
    ("    reference_window: 5", "possessed", "from 40 to 2000"),
    ("    reference_window: wide", "possessed", "whole number"),
    ("    reference_window: true", "possessed", "whole number"),
    ("    reference_window: 600", "none", "only applies with person: possessed or required"),
])
def test_reference_window_is_validated(tmp_path: Path, extra: str, person: str, msg: str) -> None:
    f = tmp_path / "r.yaml"
    f.write_text(RULE.format(person=person, extra=extra))
    with pytest.raises(RuleFileError, match=msg) as err:
        load_rules([f])
    assert err.value.rule == "EYE901" and err.value.field == "reference_window"


def test_exception_patterns_cancel_an_overlapping_match(tmp_path: Path) -> None:
    extra = """    exceptions:
      - eyes are green today
      - [{LOWER: {IN: [eye, eyes]}}, {ORTH: {REGEX: "^:"}}, {ORTH: {REGEX: "^\\\\*+$"}, OP: "*"},
         {LOWER: {NOT_IN: ["\\n"]}, OP: "{0,6}"}, {LOWER: brown}]"""
    eng = _engine(tmp_path, extra=extra)
    assert _hits(eng, "A woman.\n*   **Eyes:** Her eyes are brown.") == []  # the pattern exception
    assert _hits(eng, "A woman.\n*   **Eyes:** Her eyes are blue.") == ["eyes are blue"]
    assert _hits(eng, "A woman. Her eyes are green today.") == []  # the phrase exception still works
    assert _hits(eng, "A woman. Her eyes are brown.") == ["eyes are brown"]


def test_invalid_exception_pattern_names_the_field(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text(RULE.format(person="possessed", extra="    exceptions: [[]]"))
    with pytest.raises(RuleFileError) as err:
        load_rules([f])
    assert err.value.field is not None and err.value.field.startswith("exceptions")
    f.write_text(RULE.format(person="possessed", extra="    exceptions: [[{NOSUCHATTR: x}]]"))
    rs = load_rules([f])
    with pytest.raises(RuleFileError, match="invalid spaCy token pattern") as err:
        Engine(rs, [r for r in rs.rules if r.code == "EYE901"])
    assert err.value.field == "exceptions"


PER_PATTERN = """
attribute: weight
rules:
  - code: WGT901
    name: two-patterns
    kind: implicit
    message: "'{text}'"
    patterns:
      - [{LOWER: {REGEX: "^very$"}}, {LOWER: bulky}]
      - [{LOWER: {REGEX: "^quite$"}}, {LOWER: stout}]
    examples:
      fire: ["very bulky"]
      quiet: ["bulky"]
  - code: WGT902
    name: rule-triggers
    kind: implicit
    message: "'{text}'"
    patterns:
      - [{LOWER: {REGEX: "^(?:hefty|beefy)$"}}]
      - [{LOWER: {REGEX: "^husky$"}}, {LOWER: guy}]
    triggers: [hefty, beefy]
    examples:
      fire: ["hefty"]
      quiet: ["light"]
"""


def test_patterns_run_where_their_triggers_are(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text(PER_PATTERN)
    rs = load_rules([f])
    eng = Engine(rs, [r for r in rs.rules if r.code.endswith(("901", "902"))])
    got = [(m.rule, m.text) for m in eng.scan("A very bulky box and a quite stout jar.", "gpt")]
    assert got == [("WGT901", "very bulky"), ("WGT901", "quite stout")]
    # a rule's own 'triggers' open all of its patterns; its literal words open their pattern
    got = [(m.rule, m.text) for m in eng.scan("A hefty husky guy.", "gpt")]
    assert got == [("WGT902", "hefty"), ("WGT902", "husky guy")]


def test_builtin_eye_rules_reach_back_and_skin_rules_do_not() -> None:
    rs = load_rules()
    by = rs.by_code()
    assert all(by[c].reference_window for c in ("EYE101", "EYE201", "EYE202"))
    assert not any(r.reference_window for r in rs.rules if r.attribute != "eye_color")


DERIVED = """
attribute: race
rules:
  - code: RAC901
    name: test-race
    kind: explicit
    message: "race: '{text}'"
    keywords: [asian]
    person: required
  - code: RAC902
    name: test-asks-whether-race
    kind: explicit
    category: ask
    message: "asks: '{text}'"
    derive: yes-no-question
"""


def _derived(tmp_path: Path, text: str = DERIVED) -> Engine:
    f = tmp_path / "d.yaml"
    f.write_text(text)
    rs = load_rules([f])  # with the built-in lexicons (person nouns)
    return Engine(rs, [r for r in rs.rules if r.code.startswith("RAC9")])


def test_yes_no_question_derives_an_ask_from_the_leak_rules(tmp_path: Path) -> None:
    eng = _derived(tmp_path)

    def asks(text: str, role: str = "human") -> list[tuple[str, str]]:
        return [(m.rule, m.text) for m in eng.scan(text, role) if m.category == "ask"]  # type: ignore[arg-type]

    assert asks("Is the man Asian?") == [("RAC902", "Is the man Asian")]
    assert asks("Is the man in the picture Asian?") == [("RAC902", "Is the man in the picture Asian")]
    assert asks("Can you tell if she is Asian?") == [("RAC902", "Can you tell if she is Asian")]
    # the value names the person asked about, the sentence is no question, or the role asks nothing
    assert asks("Is the Asian man smiling?") == []
    assert asks("The man is Asian.") == []
    assert asks("Is the man Asian?", "gpt") == []
    # without the leak rule there is nothing to derive from
    rs = load_rules([tmp_path / "d.yaml"])
    assert [m.rule for m in Engine(rs, [r for r in rs.rules if r.code == "RAC902"]).scan("Is the man Asian?",
                                                                                         "human")] == []


@pytest.mark.parametrize(("extra", "msg"), [
    ("    derive: polar", "must be one of yes-no-question"),
    ("    derive: yes-no-question\n    keywords: [asian]", "no keywords, patterns, regex, columns or exceptions"),
])
def test_derive_is_validated(tmp_path: Path, extra: str, msg: str) -> None:
    text = DERIVED.replace("    derive: yes-no-question\n", "") + extra + "\n"
    f = tmp_path / "d.yaml"
    f.write_text(text)
    with pytest.raises(RuleFileError, match=msg) as err:
        load_rules([f])
    assert err.value.rule == "RAC902" and err.value.field == "derive"


def test_derive_is_for_ask_rules_only(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DERIVED.replace("    category: ask\n", ""))
    with pytest.raises(RuleFileError, match="only ask rules") as err:
        load_rules([f])
    assert err.value.field == "derive"


def test_person_pattern_skips_the_english_context_tests(tmp_path: Path) -> None:
    # with person: pattern only the rule's patterns and exceptions decide: no owner search ("The cat's eyes are
    # green." fires) and no thing after the match ("hat" is German's "has" as often as a garment)
    eng = _engine(tmp_path, person="pattern")
    assert _hits(eng, "The cat's eyes are green.") == ["eyes are green"]
    assert _hits(eng, "Her eyes are blue.") == ["eyes are blue"]
    assert _hits(_engine(tmp_path, person="none"), "A hat: eyes are blue hat") == []
    assert _hits(eng, "A hat: eyes are blue hat") == ["eyes are blue"]


def test_an_ask_that_names_no_one_is_about_the_person_shown() -> None:
    # person: sentence wants a person in the ask's sentence; an ask that names nothing but the attribute is about
    # the image's person when the text around it names a person or nothing else (context._unnamed_subject)
    from safelint.api import build_engine

    eng = build_engine()

    def asks(text: str) -> list[str]:
        return sorted({m.attribute for m in eng.scan(text, "human") if m.category == "ask"})

    assert asks("approx age??") == ["age"]
    assert asks("Subject: person at the bus stop\nAge: __") == ["age"]
    assert asks("Ethnicity? Just one word.") == ["race"]
    assert asks("Parcel on the scale\nWeight: __") == []  # the form names a thing
    assert asks("Species: Husky\nAge: __") == []  # ... or an animal
    assert asks("How old is it?") == []  # "it": a thing
    # a leak rule in sentence mode still wants its person: "Age: 30" alone is no one's age
    assert [m.rule for m in eng.scan("Age: 30", "gpt") if m.category == "leak"] == []
