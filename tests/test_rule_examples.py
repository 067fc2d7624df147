"""Every rule's own examples: ``fire`` must fire that rule, ``quiet`` must not (ruff-style)."""

from __future__ import annotations

import pytest

from safelint.engine import Engine, scan_records
from safelint.findings import Match, TextItem
from safelint.rules import Example, Rule, load_rules

RULESET = load_rules()
ENGINE = Engine(RULESET)


def _cases(which: str):  # type: ignore[no-untyped-def]
    for rule in RULESET.rules:
        for i, ex in enumerate(getattr(rule, which)):
            yield pytest.param(rule, ex, id=f"{rule.code}-{which}-{i}")


def _role(rule, ex):  # type: ignore[no-untyped-def]
    if ex.role is not None:
        return None if ex.role == "caption" else ex.role
    return "human" if rule.category == "ask" else "gpt"


def _scan(rule: Rule, ex: Example) -> list[Match]:
    """The matches of the example's text; with a ``context``, of its turn in the conversation (roles alternate,
    the turn before the example's being of the other role)."""
    role = _role(rule, ex)
    if not ex.context:
        return ENGINE.scan(ex.text, role)
    other = "gpt" if role == "human" else "human"
    roles = [other if (len(ex.context) - k) % 2 else role for k in range(len(ex.context))] + [role]
    items = [TextItem(f"/{k}", t, r) for k, (t, r) in enumerate(zip((*ex.context, ex.text), roles, strict=True))]
    return scan_records(ENGINE, [items])[0][-1]


def test_every_rule_has_examples() -> None:
    for rule in RULESET.rules:
        assert rule.fire, f"{rule.code} has no 'fire' examples"
        assert rule.quiet, f"{rule.code} has no 'quiet' examples"


@pytest.mark.parametrize(("rule", "ex"), list(_cases("fire")))
def test_fires(rule, ex) -> None:  # type: ignore[no-untyped-def]
    hits = [m for m in _scan(rule, ex) if m.rule == rule.code]
    assert hits, f"{rule.code} should fire on {ex.text!r}"
    if ex.match is not None:
        assert ex.match in [m.text for m in hits], f"{rule.code} matched {[m.text for m in hits]}"


@pytest.mark.parametrize(("rule", "ex"), list(_cases("quiet")))
def test_stays_quiet(rule, ex) -> None:  # type: ignore[no-untyped-def]
    hits = [m for m in _scan(rule, ex) if m.rule == rule.code]
    assert not hits, f"{rule.code} fired on look-alike {ex.text!r}: {[m.text for m in hits]}"
