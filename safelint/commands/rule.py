"""``safelint rule CODE``: explain a rule, with its examples (like ``ruff rule``)."""

from __future__ import annotations

import json

import click

from safelint.commands._common import fail
from safelint.rules import Example, Rule, RuleFileError, load_rules


def explain(rule: Rule) -> str:
    fix = ("safe fix: replaced by " + (repr(rule.replacement) if rule.replacement else "nothing (dropped)")
           if rule.replacement is not None and rule.category == "leak"
           else "unsafe fix only (refusal or sentence drop, with --unsafe-fixes)")
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"Attribute: {rule.attribute}   Kind: {rule.kind}   Category: {rule.category}   "
        f"Severity: {rule.severity}",
        f"Applies to: {', '.join(rule.roles)}   "
        + (f"Derived: {rule.derive} (from the {rule.attribute} leak rules)" if rule.derive == "yes-no-question"
           else f"Derived: {rule.derive} (from the {rule.attribute} asks of the human turn before)" if rule.derive
           else f"Person reference: {rule.person}"
           + (" (a part no one is named to own is a person's)" if rule.unowned_is_person else "")),
        f"Fix: {fix}",
        *([f"Only in strings holding one of: {', '.join(rule.requires)}"] if rule.requires else []),
        *([f"Never in strings holding one of: {', '.join(rule.unless)}"] if rule.unless else []),
        *([f"Table columns: {', '.join(rule.columns)}"] if rule.columns else []),
        *(["Field label: quiet when the field's value is withheld (\"—\", \"N/A\", \"Not visible\", \"Cannot be "
           "determined\") or names an animal or a likeness, and under a table column no row fills in"]
          if rule.field_label else []),
        "",
        rule.description or rule.message,
        "",
        "## Fires on",
        *[_example(e) for e in rule.fire],
        "",
        "## Stays quiet on",
        *[_example(e) for e in rule.quiet],
        "",
        f"Defined in {rule.source}",
    ]
    return "\n".join(lines)


def _example(e: Example) -> str:
    after = f"  (after: {' / '.join(repr(c) for c in e.context)})" if e.context else ""
    return f"- {e.text!r}{after}"


@click.command("rule")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def rule_cmd(code: str | None, show_all: bool, output_format: str) -> None:
    """Explain rule CODE (or list all rules with --all)."""
    from safelint.model.hybrid import model_rules  # no onnxruntime: the codes of the classifier's own findings

    try:
        rules = load_rules().rules + model_rules()
    except RuleFileError as exc:
        fail(f"invalid rule file: {exc}")
    if show_all or not code:
        if output_format == "json":
            click.echo(json.dumps([{"code": r.code, "name": r.name, "attribute": r.attribute, "kind": r.kind,
                                    "category": r.category, "severity": r.severity} for r in rules], indent=2))
        else:
            for r in rules:
                click.echo(f"{r.code}  {r.name:<28} {r.attribute:<10} {r.kind:<9} {r.category}")
        return
    found = [r for r in rules if r.code == code.upper()]
    if not found:
        fail(f"unknown rule code {code!r} (see `safelint rule --all`)")
    r = found[0]
    if output_format == "json":
        click.echo(json.dumps({"code": r.code, "name": r.name, "attribute": r.attribute, "kind": r.kind,
                               "category": r.category, "severity": r.severity, "description": r.description,
                               "message": r.message, "fire": [e.text for e in r.fire],
                               "quiet": [e.text for e in r.quiet]}, indent=2))
    else:
        click.echo(explain(r))
