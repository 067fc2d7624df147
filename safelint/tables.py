"""Delimited tables inside a string: a header line naming columns, then rows of values.

Dataset strings carry tables as often as JSON: a CSV export pasted into an answer ("file,age,gender,race" then
"val/88.jpg,more than 70,Female,Latino_Hispanic"), a speaker list aligned with spaces, a TSV row block, a pipe
table.  A value of such a table has no key beside it; its header names what it is.  :func:`table_cells` finds the
values under the columns a rule names (its ``columns`` field), so the engine can report them like any other match.

A header is a line of at least two short, name-like cells split by one delimiter (tab, "|", ";", ",", or a run of
two or more spaces) of which one is a wanted column.  Rows are the lines right after it that split into as many
cells by the same delimiter; a Markdown separator row ("|---|---|") is skipped, anything else ends the table.
A CSV, ";" or tab row may quote its fields ("Smith, J","Black, non-Hispanic",34): a quoted field is one cell,
its delimiters and doubled quotes ("") included, and its value is what lies between the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

# units and notes in brackets, and what is not part of a name: "Weight (kg)" -> "weight", "**Age**" -> "age"
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_SEPARATORS = re.compile(r"[\s\-/.]+")
_NAME = re.compile(r"[a-z0-9_#%]+")
_DELIMITERS = ("\t", "|", ";", ",", "  ")
_SPACES = re.compile(r" {2,}")
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")  # a cell of a space-aligned row: words with single spaces
_RULE_ROW = re.compile(r"\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*")
_MAX_CELL = 40  # longest header cell, in characters
_MAX_WORDS = 3  # most words in a header cell
# values that say nothing: an empty or withheld field
NULL_VALUES = frozenset({"", "-", "--", "?", "na", "n/a", "nan", "null", "none", "unknown", "unk", "not stated",
                         "not reported", "not provided", "prefer not to say", "declined", "undisclosed", "missing",
                         # dashes of a typeset table, and a value not seen (held-out set 64)
                         "—", "–", "---", "not visible", "unclear"})


def normalise_header(name: str) -> str:
    """A header cell as a column name: lowercase, units in brackets dropped, spaces and hyphens as "_"."""
    name = _BRACKETS.sub("", name.strip().strip("*_`\"' ").lower())
    return _SEPARATORS.sub("_", name.strip()).strip("_")


def _split_quoted(line: str, delimiter: str) -> list[tuple[int, int]]:
    """The cells of a delimited row whose fields may be quoted: a quoted field's span is its inside."""
    spans: list[tuple[int, int]] = []
    start, n = 0, len(line)
    while True:
        lead = start + len(line[start:]) - len(line[start:].lstrip(" "))
        if lead < n and line[lead] == '"':
            close = lead + 1
            while close < n and (line[close] != '"' or line.startswith('""', close)):
                close += 2 if line.startswith('""', close) else 1
            spans.append((lead + 1, min(close, n)))
            after = line.find(delimiter, close)
        else:
            after = line.find(delimiter, start)
            spans.append((start, n if after < 0 else after))
        if after < 0:
            return spans
        start = after + len(delimiter)


def _split(line: str, delimiter: str) -> list[tuple[int, int]]:
    """The cells of ``line`` as (start, end) offsets, trimmed of spaces; a pipe row's outer pipes are no cells."""
    if delimiter == "  ":
        return [(m.start(), m.end()) for m in _SPACED_CELL.finditer(line)]
    if '"' in line and delimiter != "|":
        spans = _split_quoted(line, delimiter)
    else:
        spans, start = [], 0
        for part in line.split(delimiter):
            spans.append((start, start + len(part)))
            start += len(part) + 1
    if delimiter == "|":
        if spans and not line[spans[0][0]:spans[0][1]].strip():
            spans = spans[1:]
        if spans and not line[spans[-1][0]:spans[-1][1]].strip():
            spans = spans[:-1]
    # trimmed of the spaces around the value
    return [(s + len(line[s:e]) - len(line[s:e].lstrip(" ")), e - len(line[s:e]) + len(line[s:e].rstrip(" ")))
            for s, e in spans]


def prefilter(columns: Iterable[str]) -> re.Pattern[str] | None:
    """A cheap test for a table holding one of ``columns``: a delimited cell that starts with a column's first word
    ("...,Age,..."); ``None`` when there are no columns."""
    heads = sorted({c.split("_")[0] for c in columns if c}, key=len, reverse=True)
    if not heads:
        return None
    return re.compile(r"(?:^|[,\t|;]| {2})[ *\"'`]*(?:" + "|".join(map(re.escape, heads))
                      + r")[\w -]{0,30}?(?:\([^)\n]{0,20}\))?[ *\"'`]*(?=[,\t|;]| {2}|$)", re.IGNORECASE | re.MULTILINE)


def _header(line: str, wanted: Mapping[str, int]) -> tuple[str, list[tuple[int, int]], list[str]] | None:
    """The delimiter, cells and column names of ``line`` when it is a header holding a wanted column."""
    for delimiter in _DELIMITERS:
        if delimiter == "  " and not _SPACES.search(line.strip()):
            continue
        if delimiter != "  " and delimiter not in line:
            continue
        cells = _split(line, delimiter)
        if len(cells) < 2:
            continue
        raw = [line[s:e] for s, e in cells]
        if any(not n or len(n) > _MAX_CELL or len(n.split()) > _MAX_WORDS for n in raw):
            continue
        names = [normalise_header(n) for n in raw]
        if not all(_NAME.fullmatch(n or "-") for n in names):
            continue
        if any(n in wanted for n in names):
            return delimiter, cells, names
    return None


def table_cells(text: str, wanted: Mapping[str, int]) -> Iterator[tuple[int, int, int, frozenset[str]]]:
    """The values of ``text``'s delimited tables under the wanted columns: (what ``wanted`` maps the column to,
    start, end, the table's column names) of each non-empty value, offsets into ``text``."""
    if "\n" not in text:
        return
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line.rstrip("\r")))
        pos += len(line) + 1
    i = 0
    while i < len(lines) - 1:
        line = lines[i][1]
        found = _header(line, wanted)
        if found is None:
            i += 1
            continue
        delimiter, head, names = found
        columns = [wanted.get(n) for n in names]
        header = frozenset(names)
        j = i + 1
        while j < len(lines):
            roff, row = lines[j]
            if delimiter == "|" and _RULE_ROW.fullmatch(row):
                j += 1
                continue
            cells = _split(row, delimiter) if row.strip() else []
            if len(cells) != len(head):
                break
            for target, (s, e) in zip(columns, cells):
                if target is not None and row[s:e].strip().strip("\"'").lower() not in NULL_VALUES:
                    yield target, roff + s, roff + e, header
            j += 1
        i = j
