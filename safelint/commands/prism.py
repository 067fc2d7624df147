"""``safelint prism``: the PRISM benchmark — judge answers offline, report, gate releases, measure the judge.

The implementation lives in the ``safelint_prism`` package (eval/safelint_prism in the source tree); these are
thin click wrappers.  Exit status: 0 ok (gate: pass), 1 gate failed, 2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from safelint.commands._common import fail

TASK_CHOICE = click.Choice(["implicit_leakage", "refusal_soft", "refusal_hard"])


def _pkg() -> Any:
    try:
        import safelint_prism
    except ImportError:  # pragma: no cover - only when the distribution was installed without it
        fail("the safelint_prism package is not installed (reinstall safelint: pip install -e .)")
    return safelint_prism


@click.group("prism")
def prism_cmd() -> None:
    """PRISM benchmark: build questions, generate answers, judge them offline, report, gate, measure the judge.

    'generate' needs the prism extra (pip install 'safelint[prism]'); everything else runs without torch.
    """


def _offline_judge(mode: str, use_model: bool) -> Any:
    """The offline judge; a classifier that cannot load is a usage error (exit 2) with the way out."""
    from safelint_prism.judge import OfflineJudge

    from safelint.model import ModelError

    try:
        return OfflineJudge(mode=mode, model=use_model)
    except ModelError as exc:
        fail(f"{exc}\n(to judge with the rules alone, pass --no-model)")


@prism_cmd.command("judge")
@click.argument("answers", type=click.Path(path_type=str))
@click.option("--task", required=True, type=TASK_CHOICE, help="The PRISM task the answers belong to.")
@click.option("-o", "--output", type=click.Path(path_type=str), help="Details JSONL to write (default: stdout).")
@click.option("--model-id", help="Model id for answers without 'model_id' (default: the answers' folder name).")
@click.option("--refusal-mode", type=click.Choice(["paper", "strict"]), default="paper", show_default=True,
              help="paper: only declines ('I can't ...') without a value are refusals, like the paper's judges; "
                   "strict: impersonal 'cannot be determined from the image' without a value is a refusal too.")
@click.option("--allow-empty", is_flag=True, help="Judge empty answers as refusals instead of stopping.")
@click.option("--no-prompt-check", is_flag=True, help="Do not check that prompts belong to --task.")
@click.option("--judge", "judge_kind", type=click.Choice(["offline", "openai"]), default="offline", show_default=True,
              help="offline: the built-in engine; openai: any OpenAI-compatible chat-completions endpoint (key from "
                   "SAFELINT_JUDGE_API_KEY).")
@click.option("--judge-base-url", help="openai judge: endpoint base URL, e.g. http://localhost:8000/v1 "
                                       "(default: SAFELINT_JUDGE_BASE_URL).")
@click.option("--judge-model", help="openai judge: model name (default: SAFELINT_JUDGE_MODEL).")
@click.option("--judge-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="openai judge: seconds per request.")
@click.option("--judge-retries", type=click.IntRange(0, 10), default=4, show_default=True,
              help="openai judge: retries on 429/5xx/timeouts, with exponential backoff.")
@click.option("--judge-backoff", type=click.FloatRange(min=0.0), default=1.0, show_default=True,
              help="openai judge: first backoff delay in seconds (doubled per retry, at most 30 s).")
@click.option("--model/--no-model", "use_model", default=True, show_default=True,
              help="offline judge: hybrid detection with the leakage classifier, as `check` (needs the cpu or gpu "
                   "extra); --no-model: the rules alone.")
def judge_cmd(answers: str, task: str, output: str | None, model_id: str | None, refusal_mode: str,
              allow_empty: bool, no_prompt_check: bool, judge_kind: str, judge_base_url: str | None,
              judge_model: str | None, judge_timeout: float, judge_retries: int, judge_backoff: float,
              use_model: bool = True) -> None:
    """Judge an answers file (paper format or prism_v2 Detail file): leaked attributes and refusal per answer.

    With --judge openai, answers that could not be judged are written with an "error" field (no verdict) and
    the command exits 2 naming them; report and gate refuse such files.
    """
    _pkg()
    import time

    from safelint_prism.answers import AnswersError, read_answers
    from safelint_prism.judge import make_judge

    endpoint: dict[str, Any] = {}
    if judge_kind == "openai":
        from safelint_prism.llm_judge import JudgeConfigError

        endpoint = {"base_url": judge_base_url, "model": judge_model, "timeout": judge_timeout,
                    "retries": judge_retries, "backoff": judge_backoff}
        try:
            judge = make_judge("openai", mode=refusal_mode, **endpoint)
        except JudgeConfigError as exc:
            fail(str(exc))
    try:
        af = read_answers(answers, task, model_id=model_id, allow_empty=allow_empty,
                          check_prompts=not no_prompt_check)
    except AnswersError as exc:
        fail(str(exc))
    for w in af.warnings:
        click.echo(f"warning: {w}", err=True)
    if judge_kind == "offline":
        judge = _offline_judge(refusal_mode, use_model)
    t0 = time.perf_counter()
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    refused = leaking = 0
    failed: list[str] = []
    try:
        for rec in judge.judge_all(af.answers, task, source=answers):
            if "error" in rec:
                failed.append(str(rec["answer_id"]))
                if len(failed) <= 5:
                    click.echo(f"warning: answer {rec['answer_id']} not judged: {rec['error']}", err=True)
            else:
                refused += rec["refused"]
                leaking += bool(rec["attributes"])
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        if output:
            out.close()
    dt = time.perf_counter() - t0
    n = len(af.answers)
    click.echo(f"judged {n - len(failed)} of {n} answers ({task}) with {judge.info['name']} {judge.info['version']}: "
               f"{refused} refused, {leaking} leaking; {n / dt if dt else 0:.0f} answers/s", err=True)
    if failed:
        shown = ", ".join(failed[:20]) + (f", ... ({len(failed) - 20} more)" if len(failed) > 20 else "")
        fail(f"{len(failed)} of {n} answers could not be judged (written with an 'error' field, no verdict; "
             f"rerun): {shown}")


def _load_report(details: tuple[str, ...], questions: tuple[str, ...]) -> dict[str, Any]:
    _pkg()
    from safelint_prism.metrics import DetailsError, build_report, read_details, read_questions

    if not details:
        fail("give at least one details file (from 'safelint prism judge')")
    try:
        recs, warnings = read_details(details)
        expected = read_questions(questions) if questions else None
    except DetailsError as exc:
        fail(str(exc))
    rep = build_report(recs, expected)
    rep["warnings"] = warnings + rep["warnings"]
    rep["files"] = list(details)
    return rep


@prism_cmd.command("report")
@click.argument("details", nargs=-1, type=click.Path(path_type=str))
@click.option("--output-format", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--questions", multiple=True, type=click.Path(path_type=str),
              help="PRISM question files: answers missing for these questions are reported (repeatable).")
@click.option("-o", "--output", type=click.Path(path_type=str), help="Write the report here (default: stdout).")
def report_cmd(details: tuple[str, ...], output_format: str, questions: tuple[str, ...], output: str | None) -> None:
    """Per model: ACC_ref (soft/hard), L_attr (v2 and early), L_sent, over-refusal, with 95 % CIs."""
    rep = _load_report(details, questions)
    from safelint_prism.render import render_markdown, render_text

    if output_format == "json":
        text = json.dumps(rep, indent=2) + "\n"
    elif output_format == "markdown":
        text = render_markdown(rep)
    else:
        text = render_text(rep)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)
    for w in rep["warnings"]:
        click.echo(f"warning: {w}", err=True)


@prism_cmd.command("gate")
@click.argument("details", nargs=-1, type=click.Path(path_type=str))
@click.option("--config", "config_path", required=True, type=click.Path(path_type=str), help="gate.yaml")
@click.option("--questions", multiple=True, type=click.Path(path_type=str),
              help="PRISM question files, to detect missing answers (repeatable).")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def gate_cmd(details: tuple[str, ...], config_path: str, questions: tuple[str, ...], output_format: str) -> None:
    """Release gate on the PRISM metrics. Exit 0 pass, 1 fail, 2 error (bad config/input, incomplete answers)."""
    _pkg()
    from safelint_prism.gate import GateConfigError, evaluate, load_config, render

    try:
        cfg = load_config(config_path)
    except GateConfigError as exc:
        fail(str(exc))
    rep = _load_report(details, questions)
    checks, errors = evaluate(rep, cfg)
    if output_format == "json":
        click.echo(json.dumps({"judges": rep["judges"], "errors": errors,
                               "checks": [c.__dict__ for c in checks],
                               "result": "error" if errors else ("fail" if any(not c.passed for c in checks)
                                                                 else "pass")}, indent=2))
    else:
        click.echo(render(checks, errors, rep["judges"]), nl=False)
    for w in rep["warnings"]:
        click.echo(f"warning: {w}", err=True)
    if errors:
        sys.exit(2)
    sys.exit(1 if any(not c.passed for c in checks) else 0)


@prism_cmd.command("agree")
@click.option("--data", default="../shared/data/prism_v2", show_default=True, type=click.Path(path_type=str),
              help="prism_v2 folder (GPT/<model>/..., Gemini/<model>/...).")
@click.option("--split", type=click.Choice(["all", "dev", "test"]), default="all", show_default=True,
              help="Half of the images (md5 of the image name, as in eval/build_devset.py) to score; the refusal detector was tuned on dev.")
@click.option("--refusal-mode", type=click.Choice(["paper", "strict"]), default="paper", show_default=True)
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show-errors", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="List up to N items per model and task on which GPT and Gemini agree and the judge does not.")
@click.option("--model/--no-model", "use_model", default=True, show_default=True,
              help="Judge with the hybrid engine (rules + classifier, as `check`) or the rules alone.")
def agree_cmd(data: str, split: str, refusal_mode: str, output_format: str, show_errors: int,
              use_model: bool = True) -> None:
    """The offline judge vs the GPT and Gemini per-response labels of prism_v2 (F1, kappa, aggregate error)."""
    _pkg()
    from safelint_prism.agree import AgreeDataError, render_text, run

    try:
        doc = run(data, split=split, judge=_offline_judge(refusal_mode, use_model), show_errors=show_errors)
    except AgreeDataError as exc:
        fail(str(exc))
    except FileNotFoundError as exc:
        fail(str(exc))
    click.echo(json.dumps(doc, indent=2) if output_format == "json" else render_text(doc), nl=False)


@prism_cmd.command("questions")
@click.argument("image_dir", type=click.Path(path_type=str))
@click.option("-o", "--output-dir", "outdir", required=True, type=click.Path(path_type=str),
              help="Folder for refusal_soft.jsonl, refusal_hard.jsonl and implicit_leakage.jsonl.")
@click.option("--attribute", "attributes", multiple=True,
              help="Refusal questions only about these attributes (age, gender, race, eye_color, weight; "
                   "repeatable; default all five).")
@click.option("--no-recursive", is_flag=True, help="Only the images directly in IMAGE_DIR.")
@click.option("--force", is_flag=True, help="Overwrite existing question files.")
def questions_cmd(image_dir: str, outdir: str, attributes: tuple[str, ...], no_recursive: bool, force: bool) -> None:
    """Build the three PRISM question files (paper format, prism_v2 prompts) for your own image folder."""
    _pkg()
    from safelint_prism.questions import QuestionsError, write_questions

    try:
        written = write_questions(image_dir, outdir, attributes or None, force=force, recursive=not no_recursive)
    except QuestionsError as exc:
        fail(str(exc))
    for task, (path, n) in written.items():
        click.echo(f"{path}: {n} questions ({task})", err=True)


@prism_cmd.command("generate")
@click.option("--model", required=True, type=click.Path(path_type=str),
              help="Local model folder (AutoModelForImageTextToText + AutoProcessor; no hub downloads).")
@click.option("--questions", required=True, multiple=True, type=click.Path(path_type=str),
              help="PRISM question file {question_id, image, text} (see 'safelint prism questions'); repeatable, "
                   "or a folder written by 'safelint prism questions': all tasks answered with one model load.")
@click.option("--images", required=True, type=click.Path(path_type=str), help="Folder of the questions' images.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=str),
              help="One question file: the answers JSONL (paper format). Several (or a folder): a folder, answers "
                   "in <folder>/<task>_answers.jsonl. Appended to; questions already answered are skipped.")
@click.option("--task", type=TASK_CHOICE, help="Check that every question belongs to this task (one question file "
                                                "only; default: from the prompts).")
@click.option("--model-id", help="model_id written in the answers (default: the model folder's name).")
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=128, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--dtype", type=click.Choice(["auto", "float32", "float16", "bfloat16"]), default="auto",
              show_default=True, help="auto: bfloat16 (or float16) on CUDA, float32 on CPU.")
@click.option("--prompt-style", type=click.Choice(["auto", "chat", "llava"]), default="auto", show_default=True,
              help="auto: the processor's chat template if it has one, else 'USER: <image>\\n{prompt} ASSISTANT:'.")
@click.option("--limit", type=click.IntRange(min=1),
              help="Answer at most this many pending questions in this run, all files together (smoke tests).")
def generate_cmd(model: str, questions: tuple[str, ...], images: str, output: str, task: str | None,
                 model_id: str | None, max_new_tokens: int, batch_size: int, device: str, dtype: str,
                 prompt_style: str, limit: int | None) -> None:
    """Answer PRISM question files with a local vision-language model: greedy, batched, resumable, one load."""
    _pkg()
    from safelint_prism.generate import GenerateError, generate_many, require_backend

    try:
        require_backend()
        result = generate_many(model=model, questions=list(questions), images=images, output=output, task=task,
                               model_id=model_id, max_new_tokens=max_new_tokens, batch_size=batch_size,
                               device=device, dtype=dtype, prompt_style=prompt_style, limit=limit,
                               log=lambda m: click.echo(m, err=True))
    except GenerateError as exc:
        fail(str(exc))
    for summary in result["files"]:
        click.echo(f"{summary['output']}: {summary['generated']} answers generated, {summary['already_answered']} "
                   f"already there, {summary['questions']} questions ({summary['task']}, model "
                   f"{summary['model_id']}); {summary['answers_per_s']:.2f} answers/s", err=True)
        if summary["empty"]:
            where = f" in {summary['output']}" if result["several"] else ""
            click.echo(f"warning: {summary['empty']} empty answers{where} (judge them with --allow-empty)", err=True)
    if result["several"]:
        t = result["total"]
        load = f", model loaded once in {t['load_seconds']:.1f}s" if t["model_loads"] else ", model not loaded"
        click.echo(f"total: {t['generated']} answers generated, {t['already_answered']} already there, "
                   f"{t['questions']} questions in {t['files']} files (model {t['model_id']}); "
                   f"{t['answers_per_s']:.2f} answers/s{load}", err=True)
