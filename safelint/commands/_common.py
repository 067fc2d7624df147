"""Options and helpers shared by the subcommands that lint (check, stats)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from safelint.config import MODEL_SCOPES, ConfigError, Settings, find_config, load_config, probability_table
from safelint.engine import Engine
from safelint.findings import ATTRIBUTES
from safelint.formats import READERS, ReadOptions
from safelint.linter import Linter
from safelint.rules import RuleFileError, load_rules, select_rules, validate_selectors
from safelint.walker import DEFAULT_EXCLUDE, DEFAULT_INCLUDE


def fail(message: str) -> NoReturn:
    """A user error: one clear line on stderr, exit code 2, no traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def split_csv(values: Sequence[str]) -> list[str]:
    return [v.strip() for val in values for v in val.split(",") if v.strip()]


def lint_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options every linting command takes."""
    opts = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option("--select", multiple=True, help="Rule codes, code prefixes, attributes (age, gender, race, "
                     "eye_color, weight), kinds or categories to enable. Comma-separated or repeated."),
        click.option("--ignore", multiple=True, help="Like --select, but disables."),
        click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=str),
                     help="Extra rule file or directory of *.yaml rules (repeatable)."),
        click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules."),
        click.option("--field", "fields", multiple=True,
                     help="Field path of the strings to lint in generic records, e.g. 'caption' or "
                          "'conversations/*/value' (repeatable)."),
        click.option("--format", "forced_format", type=click.Choice(sorted(READERS)),
                     help="Read every file as this format instead of guessing from the extension."),
        click.option("--tsv-column", type=int, help="0-based column holding the text in TSV files."),
        click.option("--include", multiple=True, help="Globs of files to lint inside directories."),
        click.option("--exclude", multiple=True, help="Globs of files or directories to skip (replaces defaults)."),
        click.option("--extend-exclude", multiple=True, help="Globs to skip in addition to the defaults."),
        click.option("--config", "config_path", type=click.Path(path_type=str),
                     help="Config file (safelint.toml or pyproject.toml); default: discovered upwards."),
        click.option("--isolated", is_flag=True, help="Ignore all configuration files."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def model_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the commands that can run the leakage classifier (hybrid detection)."""
    opts = [
        click.option("--model/--no-model", "use_model", default=None,
                     help="Hybrid detection with the leakage classifier (models/; needs the cpu or gpu extra), "
                          "the default; --no-model runs the rules alone (config: model = false)."),
        click.option("--model-dir", type=click.Path(file_okay=False, path_type=str), default=None,
                     help="Classifier directory (default: the shipped model)."),
        click.option("--model-scope", type=click.Choice(MODEL_SCOPES), default=None,
                     help="Where the classifier may add findings no rule made: hits = nowhere (it only confirms "
                          "ambiguous rule hits; fastest), answers = sentences of answers and captions that mention "
                          "a person (no asks of its own in questions), person = sentences that mention a person "
                          "and questions (default), all = everywhere (slowest)."),
        click.option("--model-find", multiple=True, metavar="ATTR=P",
                     help="Probability the classifier needs to report ATTR where no rule fired (repeatable; "
                          "ATTR 'all' = every attribute; P 'label' = the classifier's own label threshold; "
                          "default: the shipped model's tuned values; 1.01 = never)."),
        click.option("--model-confirm", multiple=True, metavar="ATTR=P",
                     help="Probability the classifier needs to confirm an ambiguous rule hit on ATTR "
                          "(repeatable; as --model-find; 0 = keep every rule hit)."),
        click.option("--model-ask-find", multiple=True, metavar="ATTR=P",
                     help="Probability the classifier needs to report a question asking for ATTR where no rule "
                          "fired (repeatable; as --model-find; default: eye_color=0.9; the lower of this and "
                          "--model-find applies to questions)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def jobs_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-j/--jobs``: processes that run the detector (the commands that lint with a Linter)."""
    return click.option("-j", "--jobs", type=click.IntRange(min=0), default=None, metavar="N",
                        help="Run the detector on N processes (0: one per CPU; default 1, config 'jobs'). "
                             "The findings and their order are the same; each process loads its own copy "
                             "of the rules (and classifier), so this pays off on large inputs.")(f)


def set_jobs(linter: Linter, settings: Settings, jobs: int | None) -> None:
    from safelint.parallel import resolve_jobs

    linter.jobs = resolve_jobs(settings.jobs if jobs is None else jobs)


def parse_probabilities(values: Sequence[str], option: str) -> dict[str, float]:
    """``ATTR=P`` options as ``{attribute: probability}``; a usage error (exit 2) when malformed."""
    table: dict[str, Any] = {}
    for v in values:
        attr, sep, p = v.partition("=")
        try:
            table[attr] = (p if p.strip().lower() == "label" else float(p)) if sep else None
        except ValueError:
            fail(f"{option} {v!r}: {p!r} is not a number (or 'label')")
        if not sep:
            fail(f"{option} expects ATTRIBUTE=PROBABILITY (got {v!r})")
    try:
        return probability_table(table, option)
    except ConfigError as exc:
        fail(str(exc))


def attach_model(linter: Linter, settings: Settings, *, use_model: bool | None, model_dir: str | None,
                 model_scope: str | None, model_find: Sequence[str], model_confirm: Sequence[str],
                 model_ask_find: Sequence[str] = ()) -> Any:
    """Put the classifier behind the linter's engine (hybrid) unless the user asked for rules only.

    Returns the loaded classifier, or None for a rules-only run.  A missing or corrupt model, or
    a missing onnxruntime, is a usage error (exit 2) that says how to install it or opt out."""
    find = {**settings.model_find, **parse_probabilities(model_find, "--model-find")}
    confirm = {**settings.model_confirm, **parse_probabilities(model_confirm, "--model-confirm")}
    ask_find = {**settings.model_ask_find, **parse_probabilities(model_ask_find, "--model-ask-find")}
    if not (settings.model if use_model is None else use_model):
        return None
    from safelint.api import with_model
    from safelint.model import ModelError

    try:
        linter.engine = with_model(linter.engine, model_dir=model_dir or settings.model_dir,
                                   scope=model_scope or settings.model_scope, find=find, confirm=confirm,
                                   ask_find=ask_find)
    except ModelError as exc:
        fail(f"{exc}\n(to run the rules alone, pass --no-model or set model = false in the config)")
    return linter.engine.clf  # type: ignore[attr-defined]


def resolve_settings(paths: Sequence[str], config_path: str | None, isolated: bool) -> Settings:
    if isolated:
        return Settings()
    try:
        if config_path:
            return load_config(Path(config_path))
        found = find_config(Path(paths[0]) if paths else Path.cwd())
        return load_config(found) if found else Settings()
    except ConfigError as exc:
        fail(str(exc))


def build_linter(settings: Settings, *, select: Sequence[str], ignore: Sequence[str], rule_dirs: Sequence[str],
                 no_builtin_rules: bool, fields: Sequence[str], forced_format: str | None, tsv_column: int | None,
                 include: Sequence[str], exclude: Sequence[str], extend_exclude: Sequence[str]) -> Linter:
    sel = split_csv(select) or settings.select
    ign = split_csv(ignore) + settings.ignore
    try:
        ruleset = load_rules([*settings.rules, *rule_dirs], builtin=settings.builtin_rules and not no_builtin_rules)
        from safelint.model.hybrid import model_rules  # (light: no onnxruntime)

        # the classifier's codes (WGT901, AGE391, ...) appear in reports, so they may be selected or ignored too
        unknown = validate_selectors([*sel, *ign], [*ruleset.rules, *model_rules()])
        if unknown:
            fail(f"unknown rule selector(s): {', '.join(unknown)} (use a code such as GEN201, a prefix such as "
                 f"AGE, or an attribute: {', '.join(ATTRIBUTES)})")
        engine = Engine(ruleset, select_rules(ruleset.rules, sel, ign), selectors=(sel, ign))
    except RuleFileError as exc:
        fail(f"invalid rule file: {exc}")
    opts = ReadOptions(fields=tuple(fields) or tuple(settings.fields), tsv_column=tsv_column
                       if tsv_column is not None else settings.tsv_column, format=forced_format or settings.format)
    inc = tuple(include) or tuple(settings.include) or DEFAULT_INCLUDE
    exc_globs = tuple(exclude) or tuple(settings.exclude) or DEFAULT_EXCLUDE
    exc_globs += tuple(extend_exclude) + tuple(settings.extend_exclude)
    return Linter(engine, opts, include=inc, exclude=exc_globs)


def report_problems(linter: Linter) -> None:
    s = linter.summary
    for path, reason in s.skipped:
        click.echo(f"skipped: {path} ({reason})", err=True)
    for e in s.errors:
        click.echo(f"error: {e}", err=True)
