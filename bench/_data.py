"""Caption loaders shared by the benchmarks (data is never copied into the repo).

Every loader takes the data root (default ``../shared/data`` relative to the repo) and
yields plain strings; missing sources are skipped with a note on stderr.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
import tarfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"

_ENTITY = re.compile(r"\[/EN#\d+/\S+ ([^\]]*)\]")


def flickr30k(root: Path) -> Iterator[str]:
    """Flickr30k Entities captions with the entity brackets removed (158,915)."""
    path = root / "flickr30k_entities_sentences" / "Sentences.tar.gz"
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            f = tar.extractfile(member)
            assert f is not None
            for line in f.read().decode("utf-8").splitlines():
                line = line.strip()
                if line:
                    yield _ENTITY.sub(r"\1", line)


def conceptual(root: Path) -> Iterator[str]:
    """Conceptual Captions validation alt-texts (15,833)."""
    path = root / "conceptual_captions_val" / "Validation_GCC-1.1.0-Validation.tsv"
    with open(path, encoding="utf-8") as f:
        for line in f:
            cap = line.split("\t", 1)[0].strip()
            if cap:
                yield cap


def coco_system(root: Path) -> Iterator[str]:
    """Model-written COCO val2014 captions, 3 systems x 40,504."""
    for path in sorted(glob.glob(str(root / "coco_system_captions" / "*" / "*.json"))):
        with open(path, encoding="utf-8") as f:
            for rec in json.load(f):
                yield rec["caption"]


def llava_records(root: Path) -> Iterator[dict]:
    """LLaVA-Instruct records (the chunk_*.json files are JSON Lines), without the translation."""
    files = sorted(glob.glob(str(root / "llava_instruct" / "chunk_*.json")),
                   key=lambda p: int(re.sub(r"\D", "", os.path.basename(p)) or 0))
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    rec.pop("conversations_translated", None)
                    yield rec


def llava_gpt_turns(root: Path) -> Iterator[str]:
    for rec in llava_records(root):
        for turn in rec["conversations"]:
            if turn["from"] == "gpt":
                yield turn["value"]


SOURCES = {"flickr30k": flickr30k, "conceptual": conceptual, "coco_system": coco_system}


def captions(root: Path, n: int, sources: tuple[str, ...] = ("flickr30k", "conceptual", "coco_system")) -> list[str]:
    """The first ``n`` captions, taking the sources in order (Flickr30k first: people-heavy)."""
    out: list[str] = []
    for name in sources:
        try:
            out += list(islice(SOURCES[name](root), n - len(out)))
        except FileNotFoundError as exc:
            print(f"note: {name} skipped ({exc})", file=sys.stderr)
        if len(out) >= n:
            break
    if not out:
        sys.exit(f"no captions found under {root}; pass --data")
    return out


def add_data_arg(parser) -> None:  # type: ignore[no-untyped-def]
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"data root (default: {DEFAULT_DATA})")


def machine() -> str:
    import platform

    cpu = os.cpu_count()
    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:
        mem = "?"
    return f"{platform.python_implementation()} {platform.python_version()}, {cpu} cores, {mem}, {platform.machine()}"
