"""``safelint check``: lint dataset files and report findings like a code linter."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from safelint.baseline import Baseline, BaselineError, BaselineWriter
from safelint.commands._common import (
    attach_model,
    build_linter,
    fail,
    jobs_option,
    lint_options,
    model_options,
    report_problems,
    resolve_settings,
    set_jobs,
)
from safelint.findings import ATTRIBUTES, Finding
from safelint.linter import Linter, Summary
from safelint.outputs import FORMATS, make_reporter
from safelint.outputs.base import GateResult, Reporter, RunResult


def parse_rates(values: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in values:
        attr, sep, pct = v.partition("=")
        attr = attr.strip().replace("-", "_")
        if not sep or (attr not in ATTRIBUTES and attr != "any"):
            fail(f"--max-rate expects ATTRIBUTE=PERCENT with ATTRIBUTE one of {', '.join(ATTRIBUTES)}, any "
                 f"(got {v!r})")
        try:
            out[attr] = float(pct)
        except ValueError:
            fail(f"--max-rate {v!r}: {pct!r} is not a number")
    return out


def exit_code(summary: Summary, gates: list[GateResult], gated: set[str], failing_attrs: set[str],
              exit_zero: bool) -> int:
    if summary.errors:
        return 2
    if exit_zero:
        return 0
    if gates:
        if any(not g.passed for g in gates):
            return 1
        if "any" in gated:
            return 0
        return 1 if failing_attrs - gated else 0
    return 1 if summary.findings else 0


class _Tee:
    """Sends findings to the reporter, and notes what a baseline writer and the gates need."""

    def __init__(self, reporter: Reporter, writer: BaselineWriter | None):
        self.reporter = reporter
        self.writer = writer
        self.attrs: set[str] = set()

    def finding(self, f: Finding) -> None:
        if f.resolved:  # --show-resolved: shown, never failing, never written to a baseline
            self.reporter.finding(f)
            return
        self.attrs.add(f.attribute)
        if self.writer is not None:
            self.writer.add(f)
        else:
            self.reporter.finding(f)

    def progress(self, path: str, records: int) -> None:
        self.reporter.progress(path, records)


@click.command()
@lint_options
@click.option("--output-format", type=click.Choice(list(FORMATS)), help="Output format (default: text).")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=str),
              help="Write the report to this file instead of stdout.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain (errors still exit 2).")
@click.option("--statistics", is_flag=True, help="Show counts per rule instead of each finding.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              help="Hide findings recorded in this baseline file; report stale entries.")
@click.option("--write-baseline", is_flag=True, help="Write all current findings to the --baseline file and exit 0.")
@click.option("--max-rate", "max_rates", multiple=True, metavar="ATTR=PCT",
              help="Fail only if more than PCT percent of records leak ATTR (repeatable; 'any' for any attribute).")
@click.option("--show-resolved", is_flag=True, help="Also report asks whose answer already refuses (severity info, "
              "no fix; they never fail the run).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary or progress.")
@click.option("-v", "--verbose", is_flag=True, help="Also say which detector runs (rules, or hybrid with the "
              "classifier's directory and onnxruntime providers).")
@model_options
@jobs_option
def check(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...], rule_dirs: tuple[str, ...],
          no_builtin_rules: bool, fields: tuple[str, ...], forced_format: str | None, tsv_column: int | None,
          include: tuple[str, ...], exclude: tuple[str, ...], extend_exclude: tuple[str, ...],
          config_path: str | None, isolated: bool, output_format: str | None, output_file: str | None,
          exit_zero: bool, statistics: bool, baseline_path: str | None, write_baseline: bool,
          max_rates: tuple[str, ...], quiet: bool, show_resolved: bool = False, verbose: bool = False,
          use_model: bool | None = None, model_dir: str | None = None, model_scope: str | None = None,
          model_find: tuple[str, ...] = (), model_confirm: tuple[str, ...] = (), model_ask_find: tuple[str, ...] = (),
          jobs: int | None = None) -> None:
    """Lint dataset files (LLaVA JSON/JSONL, caption JSON/JSONL/TSV) for biometric leakage.

    Exit status: 0 no findings, 1 findings (or a failed --max-rate gate), 2 usage or input error.
    """
    if not paths:
        fail("no paths given (e.g. `safelint check data.json`)")
    settings = resolve_settings(paths, config_path, isolated)
    linter: Linter = build_linter(settings, select=select, ignore=ignore, rule_dirs=rule_dirs,
                                  no_builtin_rules=no_builtin_rules, fields=fields, forced_format=forced_format,
                                  tsv_column=tsv_column, include=include, exclude=exclude,
                                  extend_exclude=extend_exclude)
    linter.refusal = settings.refusal  # an answer equal to `fix`'s refusal resolves its question
    linter.show_resolved = show_resolved
    set_jobs(linter, settings, jobs)
    clf = attach_model(linter, settings, use_model=use_model, model_dir=model_dir, model_scope=model_scope,
                       model_find=model_find, model_confirm=model_confirm, model_ask_find=model_ask_find)
    if verbose:
        click.echo("detector: rules only" if clf is None else
                   f"detector: hybrid, classifier {clf.model_dir} ({clf.graph} graph) on {', '.join(clf.providers)}, "
                   f"scope {linter.engine.hybrid.scope}", err=True)  # type: ignore[attr-defined]
    fmt = output_format or settings.output_format
    if fmt not in FORMATS:
        fail(f"unknown output format {fmt!r} (choose from {', '.join(FORMATS)})")
    rates = {**settings.max_rate, **parse_rates(list(max_rates))}
    for attr in rates:
        if attr not in ATTRIBUTES and attr != "any":
            fail(f"max-rate: unknown attribute {attr!r}")
    bpath = baseline_path or settings.baseline
    writer: BaselineWriter | None = None
    baseline: Baseline | None = None
    if write_baseline:
        if not bpath:
            fail("--write-baseline needs --baseline FILE (or 'baseline' in the config)")
        writer = BaselineWriter()
    elif bpath:
        try:
            baseline = Baseline.load(bpath)
        except BaselineError as exc:
            fail(str(exc))
        linter.suppressor = baseline

    out = open(output_file, "w", encoding="utf-8") if output_file else sys.stdout  # noqa: SIM115
    try:
        reporter = make_reporter(fmt, out, quiet=quiet, statistics=statistics)
        tee = _Tee(reporter, writer)
        reporter.begin()
        summary = linter.lint_paths(list(paths), tee)
        if baseline is not None:
            summary.stale_baseline = baseline.stale({Path(p).as_posix() for p in _linted(summary, linter, paths)})
        gates = [GateResult(a, limit, summary.rate(a), summary.records) for a, limit in rates.items()]
        code = exit_code(summary, gates, set(rates), tee.attrs, exit_zero)
        if writer is not None:
            assert bpath is not None
            writer.write(bpath)
            code = 2 if summary.errors else 0
        meta = {r.code: {"name": r.name, "attribute": r.attribute, "kind": r.kind, "category": r.category,
                         "fix": "safe" if r.replacement is not None and r.category == "leak" else "unsafe",
                         "message": r.message, "description": r.description, "severity": r.severity}
                for r in linter.engine.rules}
        result = RunResult(summary, code, gates, statistics, meta, detector_info(clf, linter.engine))
        if writer is not None:
            click.echo(f"wrote {sum(e['count'] for e in writer.entries.values())} finding(s) to baseline {bpath}",
                       err=True)
        reporter.end(result)
    finally:
        if output_file:
            out.close()
    report_problems(linter)
    sys.exit(code)


def detector_info(clf: Any, engine: Any) -> dict[str, Any]:
    """What ran, for the report: rules only, or hybrid with the classifier's digest and providers."""
    if clf is None:
        return {"kind": "rules"}
    from safelint.model import model_digest

    h = engine.hybrid
    return {"kind": "hybrid", "model": model_digest(clf.model_dir), "providers": list(clf.providers),
            "graph": clf.graph,
            "scope": h.scope, "find": {a: round(p, 4) for a, p in h.find_thr.items()},
            "ask_find": {a: round(p, 4) for a, p in h.ask_find_thr.items()},
            "confirm": {a: round(p, 4) for a, p in h.confirm_thr.items()}}


def _linted(summary: Summary, linter: Linter, paths: tuple[str, ...]) -> list[str]:
    from safelint.walker import walk

    return [str(p) for p in walk(list(paths), linter.include, linter.exclude, linter.read_opts.format).files]
