#!/usr/bin/env python3
"""Labelled sets of real dataset text, kept in git as labels only.

    python eval/real_sets.py --data ../shared/data              # writes eval/out/leak_probes_set19.jsonl ...
    safelint eval eval/out/leak_probes_set19.jsonl --engine hybrid --human-task any

The texts of these sets come from ../shared/data (MiniGPT-4 descriptions, ImageInWords, LLaVA-Bench and
LLaVA-Instruct answers and questions, Flickr30k, Flickr8k, COCO-system, Conceptual Captions and Lindh captions,
SugarCrepe captions, VLGuard
responses), whose
licences do not let us copy them into the repository.  So ``eval/real/*.jsonl``
holds, per item, the SHA-256 of the text, where it came from (a note written by the labeller), its role and its
labels; this script finds each text again by its hash among the string values of the shared files and writes the
full set (``{"text", "role", "labels", "note"}``, the format ``safelint eval`` reads) to ``eval/out/``.  A text
that cannot be found is an error naming the set and the item: the data folder is not the one the labels were made
on.

``--freeze FULL.jsonl --out eval/real/NAME.jsonl`` turns a full set (with texts) into such a label file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LABELS = HERE / "real"
# the folders of ../shared/data whose text the sets quote, and the set each label file becomes
SOURCES = ("minigpt4_fohe", "imageinwords", "llava_bench_in_the_wild", "safe_llava_playground", "llava_instruct",
           "flickr30k_entities_sentences", "coco_system_captions", "conceptual_captions_val",
           "flickr30k_system_captions_lindh", "vlguard", "flickr8k", "sugarcrepe")
SETS = {"set19_minigpt4.jsonl": "leak_probes_set19.jsonl", "set20_iiw.jsonl": "leak_probes_set20.jsonl",
        "set21_llava.jsonl": "leak_probes_set21.jsonl", "set22_captions.jsonl": "leak_probes_set22.jsonl",
        "set23_questions.jsonl": "question_probes_set23.jsonl", "set24_llava_conv.jsonl": "leak_probes_set24.jsonl",
        "set25_vlguard.jsonl": "leak_probes_set25.jsonl",
        "set28_weight_real.jsonl": "leak_probes_set28.jsonl", "set29_body_real.jsonl": "leak_probes_set29.jsonl",
        "set30_captions8k.jsonl": "leak_probes_set30.jsonl", "set31_questions_real.jsonl": "question_probes_set31.jsonl",
        "set32_llava_random.jsonl": "leak_probes_set32.jsonl", "set33_implicit_real.jsonl": "leak_probes_set33.jsonl",
        "set34_captions_random.jsonl": "leak_probes_set34.jsonl", "set35_descriptions_random.jsonl": "leak_probes_set35.jsonl",
        "set36_questions_random.jsonl": "question_probes_set36.jsonl", "set37_vlguard_random.jsonl": "leak_probes_set37.jsonl",
        "set41_cc_random.jsonl": "leak_probes_set41.jsonl", "set42_model_random.jsonl": "leak_probes_set42.jsonl"}
# Flickr30k Entities markup: "[/EN#1/people Two young , White males] are outside" -> "Two young , White males are
# outside"
_ENTITY = re.compile(r"\[/EN#\d+/[\w/]+ ([^\]]*)\]")
_IMAGE_TAG = "<image>"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        stripped = value.replace(_IMAGE_TAG, "").strip()
        if stripped != value:
            yield stripped  # a LLaVA turn without its "<image>" tag
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _documents(path: Path) -> Iterator[Any]:
    """The values of a source file: JSON documents of a .json or .jsonl file (a .json file may also hold one object
    per line), the first column of a .tsv file, the captions of a Flickr8k ``*.token.txt`` file ("image.jpg#k<TAB>
    caption"), the plain sentences of the Flickr30k Entities archive."""
    if path.name.endswith(".tar.gz"):
        with tarfile.open(path) as tar:
            for member in tar:
                f = tar.extractfile(member) if member.isfile() else None
                if f is not None:
                    yield [_ENTITY.sub(r"\1", line) for line in f.read().decode("utf-8").splitlines()]
        return
    if path.name.endswith(".token.txt"):
        with path.open(encoding="utf-8", newline="") as f:
            yield [line.rstrip("\r\n").split("\t", 1)[-1] for line in f]
        return
    if path.suffix == ".tsv":
        with path.open(encoding="utf-8") as f:
            yield [line.split("\t", 1)[0] for line in f]
        return
    with path.open(encoding="utf-8") as f:
        text = f.read()
    try:
        yield json.loads(text)
        return
    except json.JSONDecodeError:
        pass
    for line in text.splitlines():
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def index(data: Path, wanted: set[str]) -> dict[str, str]:
    """Hash -> text for every wanted hash found among the string values of the source folders."""
    found: dict[str, str] = {}
    for name in SOURCES:
        for path in sorted((data / name).rglob("*")):
            if not (path.suffix in (".json", ".jsonl", ".tsv") or path.name.endswith((".tar.gz", ".token.txt"))) \
                    or not path.is_file():
                continue
            for doc in _documents(path):
                for s in _strings(doc):
                    h = digest(s)
                    if h in wanted and h not in found:
                        found[h] = s
            if len(found) == len(wanted):
                return found
    return found


def build(data: Path, out_dir: Path, labels: Path = LABELS, sets: dict[str, str] = SETS) -> list[Path]:
    """Write each label file of ``sets`` (in ``labels``) with its texts found in ``data`` to ``out_dir``."""
    items = {name: [json.loads(line) for line in (labels / name).open(encoding="utf-8") if line.strip()]
             for name in sets}
    found = index(data, {it["sha256"] for rows in items.values() for it in rows})
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in items.items():
        missing = [i for i, it in enumerate(rows, 1) if it["sha256"] not in found]
        if missing:
            raise SystemExit(f"error: {labels / name}: {len(missing)} text(s) not found in {data} "
                             f"(first: line {missing[0]}, {rows[missing[0] - 1]['note'][:60]!r})")
        dest = out_dir / sets[name]
        tmp = dest.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for it in rows:
                f.write(json.dumps({"text": found[it["sha256"]], "role": it["role"], "labels": it["labels"],
                                    "note": it["note"]}, ensure_ascii=False) + "\n")
        tmp.replace(dest)
        written.append(dest)
    return written


def freeze(full: Path, out: Path) -> None:
    with full.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as g:
        for line in f:
            if line.strip():
                it = json.loads(line)
                g.write(json.dumps({"sha256": digest(it["text"]), "role": it["role"], "labels": it["labels"],
                                    "note": it["note"]}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    p.add_argument("--out-dir", type=Path, default=HERE / "out")
    p.add_argument("--freeze", type=Path, help="a full set to turn into a label file (with --out)")
    p.add_argument("--out", type=Path)
    a = p.parse_args(argv)
    if a.freeze:
        if a.out is None:
            p.error("--freeze needs --out")
        freeze(a.freeze, a.out)
        return 0
    if not a.data.is_dir():
        print(f"error: {a.data}: no such data folder", file=sys.stderr)
        return 2
    for path in build(a.data, a.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
