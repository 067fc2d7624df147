"""The data that flows through safelint: text items in, findings out.

Nothing here knows about files, JSON or terminals; readers build :class:`TextItem`
values and outputs consume :class:`Finding` values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Attribute = Literal["age", "gender", "race", "eye_color", "weight"]
ATTRIBUTES: tuple[Attribute, ...] = ("age", "gender", "race", "eye_color", "weight")

Kind = Literal["explicit", "implicit"]
KINDS: tuple[Kind, ...] = ("explicit", "implicit")

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# "leak": the text states or implies an attribute.  "ask": a human turn asks for one
# (its answer is what `fix` turns into a refusal).
Category = Literal["leak", "ask"]

# Role of a text inside a record: a conversation turn ("human"/"gpt") or None for
# captions and free text, which are treated like gpt text.
Role = Literal["human", "gpt"] | None

Source = Literal["rule", "model", "both"]

# Which fix `safelint fix` can apply: a lexical rewrite ("safe"), a refusal or a dropped
# sentence ("unsafe", only with --unsafe-fixes), or none.
FixSafety = Literal["safe", "unsafe"] | None


@dataclass(frozen=True, slots=True)
class TextItem:
    """One string of a record, with where it lives."""

    pointer: str  # JSON Pointer of the string inside the file (or the record for JSONL)
    text: str
    role: Role = None


@dataclass(frozen=True, slots=True)
class Match:
    """What the engine reports for one string: a rule fired on a span."""

    rule: str
    attribute: Attribute
    kind: Kind
    category: Category
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    source: Source = "rule"
    confidence: float = 1.0
    fix: FixSafety = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A match placed in a dataset: file, record, pointer, role."""

    path: str
    record: int
    id: str | None
    pointer: str
    role: Role
    start: int
    end: int
    text: str
    rule: str
    attribute: Attribute
    kind: Kind
    category: Category
    severity: Severity
    source: Source
    message: str
    confidence: float = 1.0
    fix: FixSafety = None
    line: int | None = None
    column: int | None = None  # 1-based, in code points, of the span's first character
    end_column: int | None = None  # column just past the span's last character (same line)
    baseline_key: str = field(default="", compare=False)
    # an ask whose answer already refuses (reported only with `check --show-resolved`, as info)
    resolved: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("baseline_key")
        if not self.resolved:
            data.pop("resolved")
        return data

    @classmethod
    def place(
        cls,
        match: Match,
        *,
        path: str,
        record: int,
        record_id: str | None,
        item: TextItem,
        line: int | None = None,
        column: int | None = None,
        end_column: int | None = None,
        baseline_key: str = "",
    ) -> Finding:
        return cls(
            path=path,
            record=record,
            id=record_id,
            pointer=item.pointer,
            role=item.role,
            start=match.start,
            end=match.end,
            text=match.text,
            rule=match.rule,
            attribute=match.attribute,
            kind=match.kind,
            category=match.category,
            severity=match.severity,
            source=match.source,
            message=match.message,
            confidence=match.confidence,
            fix=match.fix,
            line=line,
            column=column,
            end_column=end_column,
            baseline_key=baseline_key,
        )
