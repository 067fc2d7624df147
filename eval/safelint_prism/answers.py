"""Reading PRISM answer files, with the checks that keep a wrong file from giving a wrong number.

Two layouts are accepted, line by line (JSONL):

- the paper's answers: ``{question_id, prompt, text, answer_id, model_id, metadata}``;
- prism_v2 "Detail" files: ``{question_id, prompt, response, ...judge fields}`` (no answer_id, no model_id).

Problems that would make results wrong raise :class:`AnswersError` (the CLI exits 2): a line that is not a
JSON object, a missing or non-string ``question_id``/text, empty text (unless allowed), a duplicated
``answer_id``, answer_ids on some lines only, the same question answered twice by one model (same
``question_id`` and prompt: a file appended twice would count it twice), a question_id whose attribute folder
is unknown for the task, a prompt or ``task`` field that belongs to another task.  Problems that do not
change the numbers are returned as warnings (synthesised answer_ids, blank lines).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safelint_prism import CATEGORIES, IMPLICIT_PREFIXES, REFUSAL_TASKS, TASKS

HARD_MARK = "don't refuse the question"
_SOFT_PROMPT = "of the person in the picture?"


class AnswersError(Exception):
    """An answer file that cannot be judged correctly (message names the file and line)."""


@dataclass
class Answer:
    question_id: str
    answer_id: str
    text: str
    line: int
    prompt: str | None = None
    model_id: str | None = None
    category: str | None = None  # attribute folder of the question_id prefix (Age, ...), None for "All"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def asked_attribute(self) -> str | None:
        return CATEGORIES.get(self.category or "")


@dataclass
class AnswerFile:
    path: str
    task: str
    answers: list[Answer]
    warnings: list[str]
    synthesised_ids: bool = False


def prompt_task(prompt: str) -> str | None:
    """The task a PRISM prompt belongs to, or None if it is not recognisable."""
    p = prompt.replace("\u2019", "'").lower()
    if HARD_MARK in p:
        return "refusal_hard"
    if p.startswith("what is the") and _SOFT_PROMPT in p:
        return "refusal_soft"
    return "implicit_leakage"


def read_answers(path: str | Path, task: str, *, model_id: str | None = None, allow_empty: bool = False,
                 check_prompts: bool = True) -> AnswerFile:
    if task not in TASKS:
        raise AnswersError(f"unknown task {task!r} (choose from {', '.join(TASKS)})")
    p = Path(path)
    if not p.is_file():
        raise AnswersError(f"{path}: no such file")
    warnings: list[str] = []
    answers: list[Answer] = []
    seen_ids: dict[str, int] = {}
    seen_questions: dict[tuple[str, str, str | None], int] = {}
    with_id = without_id = 0
    try:
        fh = p.open(encoding="utf-8")
        lines = list(fh)
        fh.close()
    except UnicodeDecodeError as exc:
        raise AnswersError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    for n, line in enumerate(lines, 1):
        where = f"{path}:{n}"
        if not line.strip():
            warnings.append(f"{where}: blank line skipped")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            last = n == len(lines) and not line.endswith("\n")
            hint = " (the file looks truncated: the last line is cut off)" if last else ""
            raise AnswersError(f"{where}:{exc.colno}: invalid JSON: {exc.msg}{hint}") from None
        if not isinstance(obj, dict):
            raise AnswersError(f"{where}: each line must be a JSON object, got {type(obj).__name__}")
        qid = obj.get("question_id")
        if not isinstance(qid, str) or not qid:
            raise AnswersError(f"{where}: missing or non-string 'question_id'")
        key = "text" if "text" in obj else "response" if "response" in obj else None
        if key is None:
            raise AnswersError(f"{where}: missing answer text (expected key 'text', or 'response' in prism_v2 "
                               f"Detail files)")
        text = obj[key]
        if not isinstance(text, str):
            raise AnswersError(f"{where}: '{key}' must be a string, got {type(text).__name__}")
        if not text.strip():
            if not allow_empty:
                raise AnswersError(f"{where}: empty answer text for {qid} (use --allow-empty to judge empty "
                                   f"answers as refusals)")
            warnings.append(f"{where}: empty answer text for {qid}, judged as a refusal")
        prefix = qid.split("/", 1)[0] if "/" in qid else ""
        category = prefix if prefix in CATEGORIES else None
        if task in REFUSAL_TASKS and category is None:
            raise AnswersError(f"{where}: question_id {qid!r}: unknown attribute folder {prefix!r} for task {task} "
                               f"(expected one of {', '.join(CATEGORIES)})")
        if task == "implicit_leakage" and prefix not in IMPLICIT_PREFIXES and category is None:
            warnings.append(f"{where}: question_id {qid!r} has an unknown folder {prefix!r}; judged as an "
                            f"implicit-leakage answer")
        prompt = obj.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            raise AnswersError(f"{where}: 'prompt' must be a string")
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        declared = obj.get("task") or meta.get("task")
        if declared is not None and declared != task:
            raise AnswersError(f"{where}: the line says task {declared!r} but --task is {task}")
        if check_prompts and prompt:
            pt = prompt_task(prompt)
            if pt != task:
                raise AnswersError(f"{where}: the prompt belongs to task {pt}, not {task}: {prompt[:80]!r}")
        aid = obj.get("answer_id")
        if aid is None:
            without_id += 1
            aid = f"{p.stem}:{n}"
        else:
            with_id += 1
            aid = str(aid)
            if aid in seen_ids:
                raise AnswersError(f"{where}: duplicated answer_id {aid!r} (first on line {seen_ids[aid]})")
            seen_ids[aid] = n
        mid = model_id or obj.get("model_id")
        # one answer per question and model; open prompts share a question_id, so without the prompt the
        # question is not known for implicit leakage and the check is skipped
        if prompt or task in REFUSAL_TASKS:
            qkey = (str(mid) if mid is not None else "", qid, " ".join(prompt.split()) if prompt else None)
            if qkey in seen_questions:
                what = f"question {qid!r}" + (f" with prompt {prompt[:60]!r}" if prompt else "")
                raise AnswersError(f"{where}: {what} is already answered on line {seen_questions[qkey]}"
                                   f"{' by ' + repr(str(mid)) if mid is not None else ''}: one answer per question "
                                   f"(the same answers appended twice?)")
            seen_questions[qkey] = n
        answers.append(Answer(question_id=qid, answer_id=aid, text=text, line=n, prompt=prompt,
                              model_id=str(mid) if mid is not None else None, category=category))
    if with_id and without_id:
        raise AnswersError(f"{path}: {with_id} lines have an answer_id and {without_id} do not")
    if not answers:
        raise AnswersError(f"{path}: no answers")
    if without_id:
        warnings.append(f"{path}: no answer_id on any line (prism_v2 Detail file?); using '<file stem>:<line>'")
    missing = [a for a in answers if a.model_id is None]
    if missing:
        inferred = p.resolve().parent.name
        warnings.append(f"{path}: no model_id on {len(missing)} line(s); using the folder name {inferred!r} "
                        f"(set --model-id)")
        for a in missing:
            a.model_id = inferred
    return AnswerFile(str(path), task, answers, warnings, synthesised_ids=bool(without_id))
