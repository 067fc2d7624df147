"""``safelint fix``: rewrite leaking text (safe fixes; --unsafe-fixes for refusals and dropped sentences)."""

from __future__ import annotations

import json
import sys

import click

from safelint.commands._common import (
    attach_model,
    build_linter,
    fail,
    jobs_option,
    lint_options,
    model_options,
    resolve_settings,
    set_jobs,
)
from safelint.fixer.core import REFUSAL, Fixer
from safelint.fixer.files import Change, fix_file
from safelint.formats import InputError
from safelint.parallel import Pool, WorkerError
from safelint.walker import walk


@click.command("fix")
@lint_options
@click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes: answers to biometric questions become "
              "a refusal, sentences that still leak are dropped.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff per record and write nothing.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=str),
              help="Write the fixed file here instead of in place (one input file only).")
@click.option("--backup", is_flag=True, help="Keep the original as FILE.bak when fixing in place.")
@click.option("--changelog", type=click.Path(dir_okay=False, path_type=str),
              help="Write one JSON line per changed string (path, record, id, pointer, rules, before, after).")
@click.option("--refusal", default=None, metavar="TEXT",
              help="Refusal sentence for --unsafe-fixes (default: the project's wording; config key 'refusal').")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@model_options
@jobs_option
def fix_cmd(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...], rule_dirs: tuple[str, ...],
            no_builtin_rules: bool, fields: tuple[str, ...], forced_format: str | None, tsv_column: int | None,
            include: tuple[str, ...], exclude: tuple[str, ...], extend_exclude: tuple[str, ...],
            config_path: str | None, isolated: bool, unsafe_fixes: bool, show_diff: bool, output: str | None,
            backup: bool, changelog: str | None, refusal: str | None, quiet: bool, use_model: bool | None = None,
            model_dir: str | None = None, model_scope: str | None = None, model_find: tuple[str, ...] = (),
            model_confirm: tuple[str, ...] = (), model_ask_find: tuple[str, ...] = (), jobs: int | None = None) -> None:
    """Fix biometric leakage in dataset files (LLaVA / caption JSON, JSONL and TSV), in place.

    Exit status: 0 nothing left, 1 findings remain (no safe fix, or unsafe fixes not enabled) or, with --diff,
    changes are pending; 2 error (nothing written for that file).
    """
    if not paths:
        fail("no paths given (e.g. `safelint fix data.json`)")
    settings = resolve_settings(paths, config_path, isolated)
    linter = build_linter(settings, select=select, ignore=ignore, rule_dirs=rule_dirs,
                          no_builtin_rules=no_builtin_rules, fields=fields, forced_format=forced_format,
                          tsv_column=tsv_column, include=include, exclude=exclude, extend_exclude=extend_exclude)
    attach_model(linter, settings, use_model=use_model, model_dir=model_dir, model_scope=model_scope,
                 model_find=model_find, model_confirm=model_confirm,
                 model_ask_find=model_ask_find)  # the same detector as `check`
    refusal_text = refusal or settings.refusal or REFUSAL
    fixer = Fixer(linter.engine, unsafe=unsafe_fixes, refusal=refusal_text)
    w = walk(list(paths), linter.include, linter.exclude, linter.read_opts.format)
    errors: list[str] = [f"{m}: no such file or directory" for m in w.missing]
    if output and len(w.files) != 1:
        fail("-o/--output needs exactly one input file")
    log = open(changelog, "w", encoding="utf-8") if changelog else None  # noqa: SIM115

    def on_change(c: Change) -> None:
        if log is not None:
            log.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")

    def on_diff(d: str) -> None:
        click.echo(d, nl=False)

    fixed = changes = files_changed = 0
    remaining = []
    set_jobs(linter, settings, jobs)
    pool: Pool | None = None
    try:
        for path in w.files:
            try:
                if pool is None and linter.jobs > 1:
                    pool = Pool(fixer, linter.jobs)  # started once, for the first file
                r = fix_file(path, fixer, linter.read_opts, output=output, write=not show_diff, backup=backup,
                             on_change=on_change, on_diff=on_diff if show_diff else None, pool=pool)
            except InputError as exc:
                errors.append(str(exc))
                continue
            except WorkerError as exc:  # nothing was written for this file; the pool is gone, so is the run
                errors.append(f"{path}: {exc}; nothing written (run again with one job to see more)")
                break
            fixed += r.fixed
            changes += r.changes
            files_changed += 1 if r.changes else 0
            remaining += r.remaining
    finally:
        if log is not None:
            log.close()
        if pool is not None:
            pool.close()
    for path, reason in w.skipped:
        click.echo(f"skipped: {path} ({reason})", err=True)
    if not quiet:
        for f in remaining:
            how = "unsafe fix: use --unsafe-fixes" if f.fix == "unsafe" else "no fix"
            click.echo(f"{f.path}: record {f.record}: {f.pointer}[{f.start}:{f.end}]: {f.rule} {f.message} ({how})")
    verb = "Would fix" if show_diff else "Fixed"
    need_unsafe = sum(1 for f in remaining if f.fix == "unsafe")
    click.echo(f"{verb} {fixed} finding(s) in {changes} string(s) of {files_changed} file(s); "
               f"{len(remaining)} remaining"
               + (f" ({need_unsafe} fixable with --unsafe-fixes, {len(remaining) - need_unsafe} need a manual edit)"
                  if remaining and not unsafe_fixes else ""), err=True)
    for e in errors:
        click.echo(f"error: {e}", err=True)
    # like ruff: with --diff, pending changes also fail (a CI check that the data is already fixed)
    sys.exit(2 if errors else (1 if remaining or (show_diff and changes) else 0))
