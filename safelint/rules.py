"""Rules as data: load, validate and select the YAML rule files.

A rule file is a YAML mapping with an optional ``attribute`` default, an optional
``lexicons`` mapping (named word lists that rules refer to as ``"@name"``) and a
``rules`` list.  See ``docs/rules.md`` for the schema.  Every problem is reported as a
:class:`RuleFileError` naming the file, the rule and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from safelint.findings import ATTRIBUTES, KINDS, SEVERITIES, Attribute, Category, Kind, Severity
from safelint.tables import normalise_header

PersonMode = Literal["none", "required", "possessed", "sentence", "pattern"]
PERSON_MODES: tuple[PersonMode, ...] = ("none", "required", "possessed", "sentence", "pattern")
CATEGORIES: tuple[Category, ...] = ("leak", "ask")
ROLES = ("human", "gpt", "caption")
CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
LEXICON_REF = re.compile(r"^@([a-z_][a-z0-9_]*)$")

# Lexicons the engine itself relies on for the person-reference condition.
ENGINE_LEXICONS = ("person_nouns", "person_pronouns", "possessives", "copulas", "linkers", "modifiers")


class RuleFileError(Exception):
    """A rule file is malformed. The message names file, rule and field."""

    def __init__(self, path: str, message: str, *, rule: str | None = None, field: str | None = None):
        where = path
        if rule:
            where += f": rule {rule}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.rule = rule
        self.field = field


@dataclass(frozen=True)
class Example:
    text: str
    role: str | None = None
    match: str | None = None  # the text the rule must match, when given
    # the conversation before ``text``, in order, human turn first and then alternating (a follow-up's context)
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    attribute: Attribute
    kind: Kind
    category: Category
    severity: Severity
    message: str
    description: str
    keywords: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    regex: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    person: PersonMode = "none"
    reference_window: int | None = None  # characters the owner search may reach back (None: previous sentence)
    # person: possessed only: a part with no owner within reach is a person's ("The iris is hazel" said of a
    # close-up of an eye), not nobody's; an animal or object named within reach still owns it
    unowned_is_person: bool = False
    # words (whole-word, case-insensitive) one of which the string must hold for the rule to fire, and words none of
    # which it may hold: a key only people have ("sex", "bmi", "patient_id") makes "age": 34 a person's age, not a
    # toy's "age": "3+"; a "species" key makes it an animal's
    requires: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    # header names (normalised: lowercase, "_" for spaces and hyphens, units in brackets dropped) of a delimited
    # table in the string whose values are findings: "file,age,gender\nval/88.jpg,34,F" (see safelint.tables)
    columns: tuple[str, ...] = ()
    # the match is the label of a field ("**Age:**", "Ethnicity:", an "| Age |" column): a field whose value is
    # withheld ("—", "N/A", "Not visible", "Cannot be determined") says nothing (see safelint.tables.withheld)
    field_label: bool = False
    exceptions: tuple[str, ...] = ()
    # look-alikes that need context: spaCy token patterns whose matches cancel an overlapping match
    exception_patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    roles: tuple[str, ...] = ("human", "gpt", "caption")
    replacement: str | None = None
    # "yes-no-question": an ask found where a leak rule of the same attribute finds the value a yes/no
    # question asks to confirm ("Is the man Asian?"); "follow-up": a human turn that continues the previous human
    # turn's ask of the attribute ("And the woman next to him?", safelint.engine.turns). Such a rule has no
    # keywords, patterns or regex
    derive: str | None = None
    fire: tuple[Example, ...] = ()
    quiet: tuple[Example, ...] = ()
    source: str = ""


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)
    lexicons: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def by_code(self) -> dict[str, Rule]:
        return {r.code: r for r in self.rules}

    def lexicon(self, name: str) -> list[str]:
        return self.lexicons.get(name, [])


def builtin_rules_dir() -> Path:
    """The rules shipped with safelint: inside the wheel, or rules/ in a checkout."""
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def load_rules(extra_dirs: Sequence[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """Load the built-in rules plus every ``*.yaml``/``*.yml`` in ``extra_dirs``."""
    files: list[Path] = []
    if builtin:
        files += sorted(builtin_rules_dir().glob("*.y*ml"))
    for d in extra_dirs:
        p = Path(d)
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files += sorted(q for q in p.glob("*.y*ml") if q.is_file())
        else:
            raise RuleFileError(str(p), "no such rule file or directory")
    return load_rule_files(files)


def load_rule_files(files: Iterable[Path]) -> RuleSet:
    ruleset = RuleSet()
    raw_rules: list[tuple[str, dict[str, Any], Attribute | None]] = []
    for path in files:
        doc = _read_yaml(path)
        ruleset.files.append(str(path))
        lex = doc.get("lexicons", {})
        if not isinstance(lex, dict):
            raise RuleFileError(str(path), "must be a mapping of name to word list", field="lexicons")
        for name, words in lex.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise RuleFileError(str(path), "must be a list of strings", field=f"lexicons.{name}")
            ruleset.lexicons.setdefault(str(name), [])
            ruleset.lexicons[str(name)] += [w.lower() for w in words]
        default_attr = doc.get("attribute")
        if default_attr is not None and default_attr not in ATTRIBUTES:
            raise RuleFileError(str(path), f"must be one of {', '.join(ATTRIBUTES)}", field="attribute")
        rules = doc.get("rules", [])
        if not isinstance(rules, list):
            raise RuleFileError(str(path), "must be a list of rules", field="rules")
        for i, raw in enumerate(rules):
            if not isinstance(raw, dict):
                raise RuleFileError(str(path), "each rule must be a mapping", field=f"rules[{i}]")
            raw_rules.append((str(path), raw, default_attr))
    for name in ENGINE_LEXICONS:
        ruleset.lexicons.setdefault(name, [])
    ruleset.lexicons = _resolve_lexicons(ruleset.lexicons, ruleset.files)
    seen: dict[str, str] = {}
    for path, raw, default_attr in raw_rules:
        rule = _parse_rule(path, raw, default_attr, ruleset.lexicons)
        if rule.code in seen:
            raise RuleFileError(path, f"duplicate code (also defined in {seen[rule.code]})", rule=rule.code, field="code")
        seen[rule.code] = path
        ruleset.rules.append(rule)
    return ruleset


def _resolve_lexicons(lexicons: dict[str, list[str]], files: list[str]) -> dict[str, list[str]]:
    """Expand "@name" entries inside lexicons (no cycles allowed), dropping duplicates."""
    done: dict[str, list[str]] = {}

    def resolve(name: str, stack: tuple[str, ...]) -> list[str]:
        if name in done:
            return done[name]
        if name in stack:
            raise RuleFileError(", ".join(files), f"lexicon cycle: {' -> '.join((*stack, name))}",
                                field=f"lexicons.{name}")
        out: list[str] = []
        for w in lexicons[name]:
            ref = LEXICON_REF.match(w)
            if ref:
                if ref.group(1) not in lexicons:
                    raise RuleFileError(", ".join(files), f"unknown lexicon {w!r}", field=f"lexicons.{name}")
                out += resolve(ref.group(1), (*stack, name))
            else:
                out.append(w)
        done[name] = list(dict.fromkeys(out))
        return done[name]

    return {name: resolve(name, ()) for name in lexicons}


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(path), f"cannot read: {exc}") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RuleFileError(str(path), f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise RuleFileError(str(path), "top level must be a mapping with a 'rules' list")
    # "x-..." keys are free for YAML anchors that rules share (rules/records.yaml: "x-person-record: &gate ...")
    unknown = {k for k in set(doc) - {"attribute", "lexicons", "rules", "description"} if not str(k).startswith("x-")}
    if unknown:
        raise RuleFileError(str(path), f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}")
    return doc


_RULE_KEYS = {
    "code", "name", "attribute", "kind", "category", "severity", "message", "description", "keywords",
    "patterns", "regex", "triggers", "person", "reference_window", "exceptions", "roles", "replacement", "examples",
    "derive", "unowned", "requires", "unless", "columns", "field",
}
DERIVATIONS = ("yes-no-question", "follow-up")
UNOWNED = ("nobody", "person")  # whose is a part when no owner is named within reach
REFERENCE_WINDOW_RANGE = (40, 2000)  # characters


def _parse_rule(path: str, raw: dict[str, Any], default_attr: Attribute | None, lexicons: dict[str, list[str]]) -> Rule:
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise RuleFileError(path, "must be 2-4 capital letters and 3 digits, e.g. AGE101", rule=str(code), field="code")

    def err(fld: str, msg: str) -> RuleFileError:
        return RuleFileError(path, msg, rule=code, field=fld)

    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise err(sorted(unknown)[0], f"unknown field (allowed: {', '.join(sorted(_RULE_KEYS))})")

    def choice(fld: str, options: Sequence[str], default: str | None = None) -> str:
        value = raw.get(fld, default)
        if value not in options:
            raise err(fld, f"must be one of {', '.join(options)} (got {value!r})")
        return str(value)

    def string(fld: str, default: str | None = None) -> str:
        value = raw.get(fld, default)
        if not isinstance(value, str) or not value.strip():
            raise err(fld, "must be a non-empty string")
        return value

    def strings(fld: str, value: Any = None) -> tuple[str, ...]:
        value = raw.get(fld, []) if value is None else value
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise err(fld, "must be a list of non-empty strings")
        out: list[str] = []
        for v in value:
            ref = LEXICON_REF.match(v)
            if ref:
                if ref.group(1) not in lexicons:
                    raise err(fld, f"unknown lexicon {v!r}")
                out += lexicons[ref.group(1)]
            else:
                out.append(v)
        return tuple(out)

    attribute = choice("attribute", ATTRIBUTES, default_attr)
    category = choice("category", CATEGORIES, "leak")
    kind = choice("kind", KINDS)
    default_sev = "error" if kind == "explicit" and category == "leak" else "warning"
    severity = choice("severity", SEVERITIES, default_sev)
    person = choice("person", PERSON_MODES, "sentence" if category == "ask" else "none")
    reference_window = raw.get("reference_window")
    if reference_window is not None:
        lo, hi = REFERENCE_WINDOW_RANGE
        if isinstance(reference_window, bool) or not isinstance(reference_window, int) \
                or not lo <= reference_window <= hi:
            raise err("reference_window",
                      f"must be a whole number of characters from {lo} to {hi} (got {reference_window!r})")
        if person not in ("possessed", "required"):
            raise err("reference_window", f"only applies with person: possessed or required (got person: {person})")
    unowned = choice("unowned", UNOWNED, "nobody")
    if unowned != "nobody" and person != "possessed":
        raise err("unowned", f"only applies with person: possessed (got person: {person})")
    roles = strings("roles") if "roles" in raw else (("human",) if category == "ask" else ROLES)
    for r in roles:
        if r not in ROLES:
            raise err("roles", f"unknown role {r!r} (allowed: {', '.join(ROLES)})")
    keywords = strings("keywords")
    regexes = strings("regex")
    for rx in regexes:
        try:
            re.compile(rx)
        except re.error as exc:
            raise err("regex", f"invalid regular expression {rx!r}: {exc}") from None
    patterns = _patterns(raw.get("patterns", []), lexicons, err)
    columns = tuple(normalise_header(c) for c in strings("columns"))
    if columns and category != "leak":
        raise err("columns", f"only leak rules read table columns (got category: {category})")
    # exceptions: phrases, or token patterns (a list of token dicts) for look-alikes that need context
    raw_exc = raw.get("exceptions", [])
    if not isinstance(raw_exc, list):
        raise err("exceptions", "must be a list of phrases or token patterns")
    exc_patterns = _patterns([e for e in raw_exc if isinstance(e, list)], lexicons,
                             lambda fld, msg: err(fld.replace("patterns", "exceptions"), msg))
    exc_phrases = strings("exceptions", [e for e in raw_exc if not isinstance(e, list)])
    derive = choice("derive", DERIVATIONS) if raw.get("derive") is not None else None
    if derive is not None:
        if category != "ask":
            raise err("derive", f"only ask rules are derived (got category: {category})")
        if keywords or regexes or patterns or columns or raw.get("exceptions"):
            raise err("derive", "a derived rule has no keywords, patterns, regex, columns or exceptions of its own")
    elif not (keywords or regexes or patterns or columns):
        raise err("keywords", "a rule needs at least one of keywords, patterns, regex or columns")
    is_field = raw.get("field", False)
    if not isinstance(is_field, bool):
        raise err("field", "must be true or false")
    replacement = raw.get("replacement")
    if replacement is not None and not isinstance(replacement, str):
        raise err("replacement", "must be a string")
    examples = raw.get("examples", {})
    if not isinstance(examples, dict) or set(examples) - {"fire", "quiet"}:
        raise err("examples", "must be a mapping with 'fire' and 'quiet' lists")
    return Rule(
        code=code,
        name=string("name"),
        attribute=attribute,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        category=category,  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        message=string("message"),
        description=str(raw.get("description", "")).strip(),
        keywords=keywords,
        patterns=patterns,
        regex=regexes,
        triggers=strings("triggers"),
        person=person,  # type: ignore[arg-type]
        reference_window=reference_window,
        unowned_is_person=unowned == "person",
        requires=strings("requires"),
        unless=strings("unless"),
        columns=columns,
        field_label=is_field,
        exceptions=exc_phrases,
        exception_patterns=exc_patterns,
        roles=roles,
        replacement=replacement,
        derive=derive,
        fire=_examples(examples.get("fire", []), err, "examples.fire"),
        quiet=_examples(examples.get("quiet", []), err, "examples.quiet"),
        source=path,
    )


def _patterns(value: Any, lexicons: dict[str, list[str]], err: Any) -> tuple[tuple[dict[str, Any], ...], ...]:
    if not isinstance(value, list):
        raise err("patterns", "must be a list of spaCy token patterns (each a list of token dicts)")
    out = []
    for i, pat in enumerate(value):
        if not isinstance(pat, list) or not pat or not all(isinstance(t, dict) for t in pat):
            raise err(f"patterns[{i}]", "must be a non-empty list of token dicts")
        out.append(tuple(_expand_refs(t, lexicons, err, f"patterns[{i}]") for t in pat))
    return tuple(out)


def _expand_refs(obj: Any, lexicons: dict[str, list[str]], err: Any, fld: str) -> Any:
    """Replace "@name" inside IN/NOT_IN lists by the named lexicon, and as an alternative of a REGEX group by its
    words ("^(?:@skin_shades|darker)$": a lexicon spelt as a REGEX, so that the prefilter opens no windows on it)."""
    if isinstance(obj, dict):
        return {k: _regex_refs(v, lexicons, err, fld) if k == "REGEX" and isinstance(v, str)
                else _expand_refs(v, lexicons, err, fld) for k, v in obj.items()}
    if isinstance(obj, list):
        out: list[Any] = []
        for v in obj:
            ref = LEXICON_REF.match(v) if isinstance(v, str) else None
            if ref:
                if ref.group(1) not in lexicons:
                    raise err(fld, f"unknown lexicon {v!r}")
                out += lexicons[ref.group(1)]
            else:
                out.append(_expand_refs(v, lexicons, err, fld))
        return out
    return obj


# "@name" as an alternative of a REGEX group: "^(?:@skin_shades|darker)$" (an "@" elsewhere is the regex's own)
_REGEX_REF = re.compile(r"(?<=\(\?:)@([a-z_][a-z0-9_]*)(?=[|)])|(?<=\|)@([a-z_][a-z0-9_]*)(?=[|)])")


def _regex_refs(rx: str, lexicons: dict[str, list[str]], err: Any, fld: str) -> str:
    def words(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name not in lexicons:
            raise err(fld, f"unknown lexicon '@{name}'")
        return "|".join(re.escape(w) for w in lexicons[name])

    return _REGEX_REF.sub(words, rx)


def _examples(value: Any, err: Any, fld: str) -> tuple[Example, ...]:
    if not isinstance(value, list):
        raise err(fld, "must be a list")
    out = []
    for v in value:
        if isinstance(v, str):
            out.append(Example(v))
        elif (isinstance(v, dict) and isinstance(v.get("text"), str) and set(v) <= {"text", "role", "match", "context"}
              and isinstance(v.get("context", []), list) and all(isinstance(c, str) for c in v.get("context", []))):
            out.append(Example(v["text"], v.get("role"), v.get("match"), tuple(v.get("context", []))))
        else:
            raise err(fld, f"each example is a string or {{text, role?, match?, context?}} (got {v!r})")
    return tuple(out)


def select_rules(
    rules: Iterable[Rule], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[Rule]:
    """ruff-style selection by code, code prefix, attribute name, kind or category."""

    def hit(rule: Rule, selector: str) -> bool:
        s = selector.strip()
        if s.upper() == "ALL":
            return True
        return (
            rule.code.startswith(s.upper())
            or s.lower() in (rule.attribute, rule.kind, rule.category)
            or (s.lower() == "eye-color" and rule.attribute == "eye_color")
        )

    chosen = [r for r in rules if not select or any(hit(r, s) for s in select)]
    return [r for r in chosen if not any(hit(r, s) for s in ignore)]


def validate_selectors(selectors: Sequence[str], rules: Iterable[Rule]) -> list[str]:
    """Return the selectors that match no rule (a typo is a usage error, as in ruff)."""
    rules = list(rules)
    return [s for s in selectors if not select_rules(rules, [s])]
