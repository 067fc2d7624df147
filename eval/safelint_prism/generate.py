"""``safelint prism generate``: answers of a local vision-language model to PRISM question files.

Any model that ``AutoModelForImageTextToText`` + ``AutoProcessor`` load from a local folder (LLaVA-1.5,
LLaVA-NeXT, LLaVA-OneVision, ...).  Greedy decoding, batched, resumable: answers already in the output file (by
``question_id`` and prompt: an implicit-leakage ``question_id`` is asked three prompts) are skipped, new answers
are appended and flushed after every batch, so a kill loses at most one batch (a half-written last line is
repaired on the next run).  Output: the paper's answer format
``{question_id, prompt, text, answer_id, model_id, metadata}``.

One run can answer several question files (the three tasks written by ``safelint prism questions``) with one
model load (:class:`Generator`, :func:`generate_many`): each task's answers go to their own file
``<folder>/<task>_answers.jsonl``, resumed on its own.  :func:`generate` is the one-file form.

torch, transformers and pillow are imported lazily (the ``safelint[prism]`` extra): the rest of
``safelint_prism`` works without them.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safelint_prism import CATEGORIES, IMPLICIT_PREFIXES, REFUSAL_TASKS, TASKS
from safelint_prism.answers import prompt_task
from safelint_prism.jsonl import json_lines
from safelint_prism.questions import FILES, IMPLICIT_PROMPTS

INSTALL_HINT = "pip install 'safelint[prism]'"
LLAVA_TEMPLATE = "USER: <image>\n{prompt} ASSISTANT:"
GENERATOR = "safelint prism generate"


class GenerateError(Exception):
    """Bad input or an unusable model (the CLI exits 2; the message names the file and line)."""


class MissingBackend(GenerateError):
    """torch / transformers / pillow are not installed."""


def require_backend() -> dict[str, str]:
    """Import torch, transformers and pillow, or raise :class:`MissingBackend` with the install hint."""
    versions = {}
    for mod, dist in (("torch", "torch"), ("transformers", "transformers"), ("PIL", "pillow")):
        try:
            m = __import__(mod)
        except ImportError:
            raise MissingBackend(f"'safelint prism generate' needs torch, transformers and pillow ({dist} is not "
                                 f"installed): {INSTALL_HINT}") from None
        versions[dist] = str(getattr(m, "__version__", "?"))
    return versions


# -- questions ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    question_id: str
    image: str
    text: str
    line: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.question_id, self.text)


def read_question_file(path: str | Path, task: str | None = None) -> tuple[str, list[Question], list[str]]:
    """Questions of one PRISM question file ``{question_id, image, text}``; returns ``(task, questions, warnings)``.

    The task is taken from the prompts (soft / hard / open) and must be the same on every line; with ``task``
    given, every prompt must belong to it."""
    if task is not None and task not in TASKS:
        raise GenerateError(f"unknown task {task!r} (choose from {', '.join(TASKS)})")
    p = Path(path)
    if not p.is_file():
        raise GenerateError(f"{path}: no such question file")
    questions: list[Question] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    first_task_line = 0
    for n, where, obj in json_lines(p, GenerateError):
        if not isinstance(obj, dict):
            raise GenerateError(f"{where}: a question must be a JSON object, got {type(obj).__name__}")
        qid, image = obj.get("question_id"), obj.get("image")
        text = obj.get("text", obj.get("prompt"))
        for key, val in (("question_id", qid), ("image", image), ("text", text)):
            if not isinstance(val, str) or not val.strip():
                raise GenerateError(f"{where}: missing or empty string '{key}' (a question is "
                                    "{question_id, image, text})")
        assert isinstance(qid, str) and isinstance(image, str) and isinstance(text, str)
        pt = prompt_task(text)
        if task is None:
            task, first_task_line = pt, n
        elif pt != task:
            origin = "--task" if not first_task_line else f"line {first_task_line}"
            raise GenerateError(f"{where}: the prompt belongs to task {pt}, but {origin} says {task}: {text[:80]!r}")
        prefix = qid.split("/", 1)[0] if "/" in qid else ""
        if task in REFUSAL_TASKS and prefix not in CATEGORIES:
            raise GenerateError(f"{where}: question_id {qid!r}: unknown attribute folder {prefix!r} for {task} "
                                f"(expected one of {', '.join(CATEGORIES)})")
        if task == "implicit_leakage" and prefix not in IMPLICIT_PREFIXES and prefix not in CATEGORIES:
            raise GenerateError(f"{where}: question_id {qid!r}: expected 'All/<image>' for implicit_leakage")
        q = Question(qid, image, text, n)
        if q.key in seen:
            warnings.append(f"{where}: duplicate of line {seen[q.key]} (same question_id and prompt), asked once")
            continue
        seen[q.key] = n
        questions.append(q)
    if not questions or task is None:
        raise GenerateError(f"{path}: no questions")
    return task, questions, warnings


def resolve_images(questions: Iterable[Question], images_dir: str | Path) -> dict[str, Path]:
    """``{image field: path}``; also accepts the early-release layout ``<images>/<Attribute>/<image>``."""
    root = Path(images_dir)
    if not root.is_dir():
        raise GenerateError(f"--images {images_dir}: not a directory")
    found: dict[str, Path] = {}
    missing: list[Question] = []
    for q in questions:
        if q.image in found:
            continue
        cands = [root / q.image]
        if "/" in q.question_id:
            cands.append(root / q.question_id.split("/", 1)[0] / q.image)
        hit = next((c for c in cands if c.is_file()), None)
        if hit is None:
            missing.append(q)
        else:
            found[q.image] = hit
    if missing:
        shown = ", ".join(f"{q.image!r} (line {q.line})" for q in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise GenerateError(f"{len(missing)} image(s) not found under {images_dir}: {shown}{more}")
    return found


# -- answers already written ----------------------------------------------------------------------------------
def answer_id(model_id: str, question_id: str, prompt: str) -> str:
    """Deterministic and unique per (model, question_id, prompt)."""
    return hashlib.sha1(f"{model_id}\0{question_id}\0{prompt}".encode()).hexdigest()[:16]


def read_done(path: str | Path, model_id: str, task: str, *,
              repair: bool = True) -> tuple[set[tuple[str, str]], list[str]]:
    """Keys ``(question_id, prompt)`` already answered in ``path``.  A half-written last line (a kill during a
    write) is cut off, with a warning (``repair=False``: only warned about and skipped, :func:`repair_tail` cuts
    it later); any other bad line, or answers of another model or task, are errors."""
    p = Path(path)
    done: set[tuple[str, str]] = set()
    warnings: list[str] = []
    if not p.exists():
        return done, warnings
    data = p.read_bytes()
    lines = data.split(b"\n")
    offset = 0
    for n, raw in enumerate(lines, 1):
        start, offset = offset, offset + len(raw) + 1
        if not raw.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            if n == len(lines) and not data.endswith(b"\n"):
                if repair:
                    with p.open("r+b") as fh:
                        fh.truncate(start)
                warnings.append(f"{where}: half-written last line (interrupted run) removed; it will be regenerated")
                break
            raise GenerateError(f"{where}: not a JSON answer line ({exc}); fix or move the file") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("question_id"), str) \
                or not isinstance(obj.get("prompt"), str):
            raise GenerateError(f"{where}: not an answer written by '{GENERATOR}' (needs question_id and prompt)")
        if obj.get("model_id") != model_id:
            raise GenerateError(f"{where}: answer of model {obj.get('model_id')!r}, not {model_id!r}: write each "
                                "model's answers to its own file (or pass the same --model-id)")
        meta = obj.get("metadata")
        other = meta.get("task") if isinstance(meta, dict) else None
        if other is not None and other != task:
            raise GenerateError(f"{where}: answer for task {other!r}, these questions are {task}: use another file")
        done.add((obj["question_id"], obj["prompt"]))
    return done, warnings


def repair_tail(path: str | Path) -> bool:
    """Cut a half-written last line (no newline, not JSON) off ``path``; True if something was cut."""
    p = Path(path)
    if not p.is_file():
        return False
    data = p.read_bytes()
    if not data or data.endswith(b"\n"):
        return False
    start = data.rfind(b"\n") + 1
    try:
        json.loads(data[start:])
        return False  # a complete last line without its newline: kept (the newline is added before appending)
    except (json.JSONDecodeError, UnicodeDecodeError):
        pass
    with p.open("r+b") as fh:
        fh.truncate(start)
    return True


# -- the model ------------------------------------------------------------------------------------------------
def check_model_dir(model: str | Path) -> Path:
    p = Path(model)
    if not p.is_dir():
        raise GenerateError(f"--model {model}: no such directory (only local models: model hubs are not used; "
                            "give a folder written by save_pretrained)")
    if not (p / "config.json").is_file():
        raise GenerateError(f"--model {model}: no config.json, not a transformers model folder (original LLaVA "
                            "checkpoints must be converted to the transformers format first, like llava-hf/*)")
    return p


def load_model(model: str | Path, device: str = "auto", dtype: str = "auto") -> tuple[Any, Any, str, Any]:
    """``(model, processor, device, torch dtype)``, model in eval mode on ``device``."""
    require_backend()
    import torch
    from transformers import AutoModelForImageTextToText, AutoProcessor

    path = check_model_dir(model)
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif device.startswith("cuda") and not torch.cuda.is_available():
        raise GenerateError("--device cuda: no CUDA device is available (torch "
                            f"{torch.__version__}); use --device cpu")
    if dtype == "auto":
        if device.startswith("cuda"):
            tdtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        else:
            tdtype = torch.float32
    else:
        tdtype = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
    try:
        processor = AutoProcessor.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GenerateError(f"--model {model}: AutoProcessor cannot load it: {exc}") from None
    if not hasattr(processor, "image_processor") or not hasattr(processor, "tokenizer"):
        raise GenerateError(f"--model {model}: AutoProcessor gives a {type(processor).__name__}, not a "
                            "vision-language processor (image processor + tokenizer)")
    try:
        net = AutoModelForImageTextToText.from_pretrained(path, local_files_only=True, dtype=tdtype)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GenerateError(f"--model {model}: AutoModelForImageTextToText cannot load it: {exc}") from None
    net.to(device)
    net.eval()
    processor.tokenizer.padding_side = "left"  # decoder-only generation: pad on the left
    if processor.tokenizer.pad_token is None:
        processor.tokenizer.pad_token = processor.tokenizer.eos_token
    return net, processor, device, tdtype


def build_prompt(processor: Any, text: str, style: str = "auto") -> tuple[str, str]:
    """``(model input text, style used)``: the processor's chat template when it has one (style auto|chat),
    else the LLaVA-1.5 conversation ``USER: <image>\\n{prompt} ASSISTANT:`` (style llava)."""
    template = getattr(processor, "chat_template", None)
    if style == "chat" and not template:
        raise GenerateError("--prompt-style chat: the processor has no chat template")
    if style in ("auto", "chat") and template:
        conv = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": text}]}]
        return processor.apply_chat_template(conv, add_generation_prompt=True, tokenize=False), "chat"
    image_token = getattr(processor, "image_token", None) or "<image>"
    return LLAVA_TEMPLATE.replace("<image>", image_token).format(prompt=text), "llava"


def _eos_ids(net: Any) -> set[int]:
    eos = getattr(net.generation_config, "eos_token_id", None)
    if eos is None:
        return set()
    return {int(e) for e in (eos if isinstance(eos, (list, tuple)) else [eos])}


# -- planning: which question file goes to which answer file --------------------------------------------------
ANSWERS_SUFFIX = "_answers.jsonl"


def answers_name(task: str) -> str:
    """Answer file name of a task when several question files are answered into a folder."""
    return f"{task}{ANSWERS_SUFFIX}"


@dataclass
class Job:
    """One question file and the answer file its answers are appended to."""
    questions_path: Path
    output: Path
    task: str
    questions: list[Question]
    done: set[tuple[str, str]]
    todo: list[Question]
    pending: int  # questions not yet answered (``todo`` is these, cut by --limit)
    repair: bool = False  # the answer file ends with a half-written line to cut before appending

    @property
    def already_answered(self) -> int:
        return len(self.questions) - self.pending


def expand_questions(questions: str | Path | Sequence[str | Path]) -> tuple[list[Path], bool]:
    """``(question files, several)``.  A folder stands for the files ``safelint prism questions`` writes there
    (refusal_soft.jsonl, refusal_hard.jsonl, implicit_leakage.jsonl, those present); ``several`` is True with
    more than one path or any folder (the answers then go to a folder, one file per task)."""
    items = [questions] if isinstance(questions, (str, Path)) else list(questions)
    if not items:
        raise GenerateError("--questions: no question file given")
    paths: list[Path] = []
    several = len(items) > 1
    for item in items:
        p = Path(item)
        if p.is_dir():
            several = True
            found = [p / name for name in FILES.values() if (p / name).is_file()]
            if not found:
                raise GenerateError(f"--questions {item}: a folder without question files (expected "
                                    f"{', '.join(FILES.values())}, as written by 'safelint prism questions')")
            paths.extend(found)
        else:
            paths.append(p)
    return paths, several


def _norm_prompt(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).lower()


def tell_task(path: Path, prompt_task_: str, questions: Sequence[Question]) -> str:
    """The task of one of several question files: from its name when it is ``<task>.jsonl`` (the prompts must
    agree), else from its prompts, which must then be PRISM's (a refusal prompt, or one of the three open
    prompts), since any other prompt would silently count as implicit leakage."""
    named = path.stem if path.stem in TASKS else None
    if named is not None:
        if named != prompt_task_:
            raise GenerateError(f"{path}: the file name says {named}, but its prompts belong to {prompt_task_} "
                                f"(line {questions[0].line}: {questions[0].text[:80]!r})")
        return named
    if prompt_task_ == "implicit_leakage":
        known = {_norm_prompt(p) for p in IMPLICIT_PROMPTS}
        other = next((q for q in questions if _norm_prompt(q.text) not in known), None)
        if other is not None:
            raise GenerateError(f"{path}:{other.line}: cannot tell the task of this file: {other.text[:80]!r} is "
                                "neither a refusal prompt nor one of PRISM's three open prompts; name the file "
                                f"{', '.join(FILES.values())}, or answer it alone (one --questions, with --task)")
    return prompt_task_


def plan(questions: str | Path | Sequence[str | Path], output: str | Path, *, model_id: str,
         task: str | None = None, limit: int | None = None,
         log: Callable[[str], None] = lambda _m: None) -> tuple[list[Job], bool]:
    """``(jobs, several)``: every question file read and checked, its task told, its answer file chosen and read
    (resume), ``--limit`` applied across the files in order.  Writes nothing; raises :class:`GenerateError` on
    bad input."""
    paths, several = expand_questions(questions)
    out = Path(output)
    if several and task is not None:
        raise GenerateError("--task checks a single question file; with several, each file's task is told from "
                            "its name and prompts")
    if several:
        if out.exists() and not out.is_dir():
            raise GenerateError(f"-o {output}: an existing file, but {len(paths)} question files are answered: -o "
                                f"must be a folder (answers go to <folder>/<task>{ANSWERS_SUFFIX})")
        if not out.exists() and out.suffix.lower() in (".jsonl", ".json"):
            raise GenerateError(f"-o {output}: looks like a file, but {len(paths)} question files are answered: -o "
                                f"must be a folder (answers go to <folder>/<task>{ANSWERS_SUFFIX})")
    elif out.is_dir():
        raise GenerateError(f"-o {output}: a folder; one question file is answered into one answers file (give a "
                            "file name, or several --questions / a question folder to answer into a folder)")
    read: list[tuple[Path, str, list[Question]]] = []
    by_task: dict[str, Path] = {}
    seen_paths: dict[Path, Path] = {}
    for p in paths:
        real = p.resolve()
        if real in seen_paths:
            raise GenerateError(f"--questions {p}: given twice (also as {seen_paths[real]})")
        seen_paths[real] = p
        ftask, qs, warnings = read_question_file(p, task)
        for w in warnings:
            log(f"warning: {w}")
        if several:
            ftask = tell_task(p, ftask, qs)
            if ftask in by_task:
                raise GenerateError(f"{by_task[ftask]} and {p} are both {ftask} question files: one file per task "
                                    "(answer the other in another run, into another folder)")
            by_task[ftask] = p
        read.append((p, ftask, qs))
    jobs: list[Job] = []
    left = limit
    for p, ftask, qs in read:
        dest = out / answers_name(ftask) if several else out
        if dest.resolve() in seen_paths:
            raise GenerateError(f"-o {output}: the answers would overwrite the question file {dest}")
        done, warnings = read_done(dest, model_id, ftask, repair=False)
        for w in warnings:
            log(f"warning: {w}")
        pending = [q for q in qs if q.key not in done]
        todo = pending if left is None else pending[:left]
        if left is not None:
            left -= len(todo)
        jobs.append(Job(p, dest, ftask, qs, done, todo, len(pending), repair=bool(warnings)))
    return jobs, several


# -- the run --------------------------------------------------------------------------------------------------
class Generator:
    """A local vision-language model loaded at most once (on the first question to answer) and reused for any
    number of question files: :meth:`answer` appends one :class:`Job`'s answers to its file."""

    def __init__(self, model: str | Path, *, model_id: str | None = None, max_new_tokens: int = 128,
                 batch_size: int = 4, device: str = "auto", dtype: str = "auto", prompt_style: str = "auto",
                 log: Callable[[str], None] = lambda _m: None) -> None:
        self.versions = require_backend()
        if max_new_tokens < 1 or batch_size < 1:
            raise GenerateError("--max-new-tokens and --batch-size must be at least 1")
        check_model_dir(model)
        self.model, self.model_id = model, model_id or Path(model).resolve().name
        self.max_new_tokens, self.batch_size = max_new_tokens, batch_size
        self.device, self.dtype, self.prompt_style = device, dtype, prompt_style
        self.log = log
        self.load_seconds: float | None = None
        self._net: Any = None

    @property
    def loaded(self) -> bool:
        return self._net is not None

    def load(self, what: str = "") -> None:
        """Load the model and processor (once; later calls do nothing)."""
        if self._net is not None:
            return
        t_load = time.perf_counter()
        net, processor, device, tdtype = load_model(self.model, self.device, self.dtype)
        self.load_seconds = time.perf_counter() - t_load
        self._net, self._processor, self._device, self._tdtype = net, processor, device, tdtype
        self._forward_args = set(inspect.signature(net.forward).parameters)
        self._eos_ids = _eos_ids(net)
        self._pad_id = processor.tokenizer.pad_token_id
        self.log(f"loaded {self.model_id} ({type(net).__name__}) on {device} ({str(tdtype).replace('torch.', '')}) "
                 f"in {self.load_seconds:.1f}s" + (f"; {what}" if what else ""))

    def summary(self, job: Job) -> dict[str, Any]:
        return {"task": job.task, "model_id": self.model_id, "questions": len(job.questions),
                "already_answered": job.already_answered, "generated": 0, "empty": 0, "output": str(job.output),
                "questions_file": str(job.questions_path), "seconds": 0.0, "answers_per_s": 0.0}

    def answer(self, job: Job, paths: dict[str, Path]) -> dict[str, Any]:
        """Answer ``job.todo`` (images resolved in ``paths``), appending to ``job.output``; returns its summary."""
        summary = self.summary(job)
        if not job.todo:
            return summary
        self.load()
        import torch
        from PIL import Image, UnidentifiedImageError

        net, processor, tdtype = self._net, self._processor, self._tdtype
        base_meta = {"task": job.task, "generator": GENERATOR, "decoding": "greedy",
                     "max_new_tokens": self.max_new_tokens, "batch_size": self.batch_size, "device": self._device,
                     "dtype": str(tdtype).replace("torch.", ""), "model_path": str(Path(self.model).resolve()),
                     "model_class": type(net).__name__, "transformers": self.versions["transformers"],
                     "torch": self.versions["torch"]}
        out = job.output
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists() and out.stat().st_size and not out.read_bytes().endswith(b"\n"):
            with out.open("ab") as fh:
                fh.write(b"\n")
        todo, bs = job.todo, self.batch_size
        torch.manual_seed(0)
        t0 = time.perf_counter()
        with out.open("a", encoding="utf-8") as fh:
            for b in range(0, len(todo), bs):
                batch = todo[b:b + bs]
                imgs = []
                for q in batch:
                    try:
                        with Image.open(paths[q.image]) as im:
                            imgs.append(im.convert("RGB"))
                    except (OSError, UnidentifiedImageError) as exc:
                        raise GenerateError(f"{job.questions_path}:{q.line}: cannot read image {paths[q.image]}: "
                                            f"{exc}") from None
                prompts = []
                for q in batch:
                    text, style = build_prompt(processor, q.text, self.prompt_style)
                    prompts.append(text)
                inputs = processor(images=imgs, text=prompts, padding=True, return_tensors="pt")
                for k in [k for k in inputs if k not in self._forward_args]:
                    inputs.pop(k)  # e.g. token_type_ids from tokenizers that return them
                inputs = inputs.to(self._device)
                if "pixel_values" in inputs:
                    inputs["pixel_values"] = inputs["pixel_values"].to(tdtype)
                with torch.inference_mode():
                    seqs = net.generate(**inputs, do_sample=False, num_beams=1, max_new_tokens=self.max_new_tokens,
                                        pad_token_id=self._pad_id)
                new = seqs[:, inputs["input_ids"].shape[1]:].tolist()
                texts = processor.tokenizer.batch_decode(new, skip_special_tokens=True)
                for q, toks, text in zip(batch, new, texts):
                    stop = next((i for i, t in enumerate(toks) if t in self._eos_ids), None)
                    n_tokens = stop if stop is not None else len([t for t in toks if t != self._pad_id])
                    text = text.strip()
                    summary["empty"] += not text
                    rec = {"question_id": q.question_id, "prompt": q.text, "text": text,
                           "answer_id": answer_id(self.model_id, q.question_id, q.text), "model_id": self.model_id,
                           "metadata": {**base_meta, "image": q.image, "prompt_style": style,
                                        "new_tokens": n_tokens, "stopped": "eos" if stop is not None else "length"}}
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
                summary["generated"] += len(batch)
                dt = time.perf_counter() - t0
                self.log(f"[{summary['generated']}/{len(todo)}] {summary['generated'] / dt:.2f} answers/s")
        dt = time.perf_counter() - t0
        summary.update(seconds=round(dt, 3), answers_per_s=round(summary["generated"] / dt, 3) if dt else 0.0)
        return summary


def generate_many(*, model: str | Path, questions: str | Path | Sequence[str | Path], images: str | Path,
                  output: str | Path, task: str | None = None, model_id: str | None = None,
                  max_new_tokens: int = 128, batch_size: int = 4, device: str = "auto", dtype: str = "auto",
                  prompt_style: str = "auto", limit: int | None = None,
                  log: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Answer one or several question files with one model load.

    One question file: answers appended to the file ``output`` (as :func:`generate`).  Several (or a folder of
    them): ``output`` is a folder and each task's answers go to ``<output>/<task>_answers.jsonl``, each resumed on
    its own; ``limit`` caps the answers of the whole run, taken from the files in order.  All input is checked
    before anything is written or the model is loaded.  Returns ``{"files": [summary per file], "total": {...},
    "several": bool}``."""
    gen = Generator(model, model_id=model_id, max_new_tokens=max_new_tokens, batch_size=batch_size, device=device,
                    dtype=dtype, prompt_style=prompt_style, log=log)
    jobs, several = plan(questions, output, model_id=gen.model_id, task=task, limit=limit, log=log)
    images_of: list[dict[str, Path]] = []
    for job in jobs:  # before the (slow) model load
        try:
            images_of.append(resolve_images(job.todo, images) if job.todo else {})
        except GenerateError as exc:
            raise GenerateError(f"{job.questions_path}: {exc}" if several else str(exc)) from None
    for job in jobs:
        if job.repair:
            repair_tail(job.output)
    n_todo = sum(len(j.todo) for j in jobs)
    files: list[dict[str, Any]] = []
    for job, paths in zip(jobs, images_of):
        if not job.todo:
            if job.pending:
                log(f"{job.output}: --limit reached, {job.pending} questions of {job.questions_path} left for a "
                    "later run")
            else:
                log(f"{job.output}: all {len(job.questions)} questions of {job.questions_path} already answered")
            files.append(gen.summary(job))
            continue
        if not gen.loaded:
            if several:
                gen.load(f"{n_todo} questions to answer in {sum(bool(j.todo) for j in jobs)} of {len(jobs)} files")
            else:
                gen.load(f"{len(job.todo)} of {len(job.questions)} questions to answer ({job.already_answered} "
                         f"already in {job.output})")
        if several:
            log(f"{job.output}: {len(job.todo)} of {len(job.questions)} {job.task} questions to answer "
                f"({job.already_answered} already there)")
        files.append(gen.answer(job, paths))
    gen_s = sum(f["seconds"] for f in files)
    generated = sum(f["generated"] for f in files)
    total = {"files": len(files), "model_id": gen.model_id, "questions": sum(f["questions"] for f in files),
             "already_answered": sum(f["already_answered"] for f in files), "generated": generated,
             "empty": sum(f["empty"] for f in files), "seconds": round(gen_s, 3),
             "answers_per_s": round(generated / gen_s, 3) if gen_s else 0.0,
             "load_seconds": round(gen.load_seconds, 3) if gen.load_seconds is not None else None,
             "model_loads": int(gen.loaded)}
    return {"files": files, "total": total, "several": several}


def generate(*, model: str | Path, questions: str | Path, images: str | Path, output: str | Path,
             task: str | None = None, model_id: str | None = None, max_new_tokens: int = 128, batch_size: int = 4,
             device: str = "auto", dtype: str = "auto", prompt_style: str = "auto", limit: int | None = None,
             log: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Answer the questions of one file not yet answered in the file ``output`` (appending); returns a summary."""
    if Path(questions).is_dir():
        raise GenerateError(f"--questions {questions}: a folder; answer several question files with generate_many")
    result = generate_many(model=model, questions=[questions], images=images, output=output, task=task,
                           model_id=model_id, max_new_tokens=max_new_tokens, batch_size=batch_size, device=device,
                           dtype=dtype, prompt_style=prompt_style, limit=limit, log=log)
    return result["files"][0]
