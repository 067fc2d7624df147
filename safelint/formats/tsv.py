"""Tab-separated caption files: Flickr8k (``image#k<TAB>caption``), Conceptual Captions
(``caption<TAB>url``).  The caption column is given (``--tsv-column``) or guessed from
the first rows: the column with the most words that is not a URL or a file name."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from safelint.findings import TextItem
from safelint.formats.base import InputError, ReadOptions, Record

csv.field_size_limit(2**31 - 1)


def guess_column(rows: list[list[str]]) -> int:
    width = max((len(r) for r in rows), default=0)
    best, best_score = 0, -1.0
    for c in range(width):
        vals = [r[c] for r in rows if c < len(r)]
        if not vals:
            continue
        if sum(v.startswith(("http://", "https://")) for v in vals) > len(vals) / 2:
            continue
        score = sum(v.count(" ") for v in vals) / len(vals)
        if score > best_score:
            best, best_score = c, score
    return best


class TsvReader:
    name = "tsv"
    extensions = (".tsv",)

    def read(self, path: Path, opts: ReadOptions) -> Iterator[Record]:
        p = str(path)
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                head = list(islice(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 50))
                if not head:
                    raise InputError(p, "empty file: expected tab-separated rows with a caption column")
                col = opts.tsv_column if opts.tsv_column is not None else guess_column(head)
                f.seek(0)
                for i, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)):
                    if not row:
                        continue
                    if col >= len(row):
                        raise InputError(p, f"row has {len(row)} column(s); expected a caption in column {col}",
                                         line=i + 1, record=i)
                    rid = next((v for j, v in enumerate(row) if j != col), None)
                    yield Record(index=i, id=rid, base=f"/{i}", line=i + 1,
                                 items=[TextItem(f"/{i}/{col}", row[col], None)])
        except UnicodeDecodeError as exc:
            raise InputError(p, f"not valid UTF-8 ({exc.reason}); re-encode the file as UTF-8") from None
