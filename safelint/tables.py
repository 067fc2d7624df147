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
from collections.abc import Set as AbstractSet

# units and notes in brackets, and what is not part of a name: "Weight (kg)" -> "weight", "**Age**" -> "age"
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_SEPARATORS = re.compile(r"[\s\-/.]+")
_NAME = re.compile(r"[a-z0-9_#%']+")
_DELIMITERS = ("\t", "|", ";", ",", "  ")
_SPACES = re.compile(r" {2,}")
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")  # a cell of a space-aligned row: words with single spaces
_RULE_ROW = re.compile(r"\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*")
_MAX_CELL = 40  # longest header cell, in characters
_MAX_WORDS = 3  # most words in a header cell
# first header cells of a pipe table whose rows are fields, named in its first column: "| Feature | Description |"
_FIELD_HEADS = frozenset({"", "feature", "features", "attribute", "attributes", "field", "fields", "characteristic",
                          "characteristics", "trait", "traits", "property", "properties", "aspect", "aspects", "detail",
                          "details", "observation", "key"})
# values that say nothing: an empty or withheld field
NULL_VALUES = frozenset({"", "-", "--", "?", "na", "n/a", "nan", "null", "none", "unknown", "unk", "not stated",
                         "not reported", "not provided", "prefer not to say", "declined", "undisclosed", "missing",
                         # dashes of a typeset table, and a value not seen (held-out set 64)
                         "—", "–", "---", "not visible", "unclear"})


# a value that withholds what its field asks for: "—", "N/A", "Not visible", "Cannot be determined", "Hidden by the
# coat", "I'd rather not speculate" (held-out set 73), "Not relevant here, so I'll skip it" (held-out set 94)
_WITHHELD = re.compile(
    r"(?:[—–?]|-{1,3}(?!\w)|n/?a\b|none\b|null\b|nil\b|unknown\b|unclear\b|undetermined\b|indeterminate\b"
    r"|unspecified\b|undisclosed\b|withheld\b|hidden\b|obscured\b|covered\b|concealed\b|closed\b|shut\b|behind\b"
    r"|not\s+(?:\w+ly\s+)?(?:visible|apparent|determinable|determined|discernible|discernable|clear|known|shown|seen"
    r"|estimated|assessed|specified|stated|provided|applicable|available|inferred|identifiable|possible|evident"
    r"|given|something|mine)\b"
    r"|(?:cannot|can't|can\s+not|could\s+not|couldn't)\s+(?:be\s+)?(?:determined|seen|estimated|assessed|inferred"
    r"|told|tell|say|judge|determine|see)\b"
    r"|(?:impossible|hard|difficult|unable)\s+to\s+(?:say|tell|determine|judge|assess|see|estimate|gauge|pin\s+down)\b"
    r"|i(?:'d|\s+would)\s+rather\s+not\b|i\s+(?:won't|will\s+not|can't|cannot|do\s+not|don't)\b"
    # a first-person decline with its verb: "I'm not going to estimate body size from a photo" (held-out set 94)
    r"|i(?:'m|\s+am)\s+not\b(?:\s+going\s+to)?(?:\s+(?:estimate|guess|judge|say|speculate|comment|assess|describe))?"
    r"|not\s+relevant\b|i(?:'ll|\s+will)\s+skip\b|skipped\b"
    r"|no\s+(?:visible\s+|clear\s+|discernible\s+)?(?:cues?|indication|information|data|estimate)\b"
    # in Spanish, French, German, Portuguese and Italian: "no se puede determinar", "Non visible", "nicht erkennbar",
    # "não identificável", "non determinabile", "desconocido", "impossible à dire" (rules/leak_intl.yaml)
    r"|(?:non|nicht|não|nao|kein(?:e[nmrs]?)?|no\s+(?:se|es|visible|determinable|identificable|especificad[oa]|aplica))\b"
    r"|desconocid|inconnu|unbekannt|unbestimm|desconhecid|sconosciut|ind[eé]termin|imposible|unmöglich|impossível"
    r"|impossibile|impossible\s+(?:à|de|d['’])|difícil|difficile|schwer\b|(?:sin|sans|ohne|sem|senza)\s|ninguno|aucun|nessun|nenhum|ocult|caché"
    r"|verdeckt|nascost|incierto|incertain|unklar|incerto|n\.\s?d\.|\.\.\.|…)",
    re.IGNORECASE)
# ... unless the rest of the value hedges towards one: "Hard to say, probably late 30s", "Unknown (approx. 30)"
_TOWARDS_VALUE = re.compile(
    r"\d|\b(?:but|however|though|although|probably|likely|possibly|perhaps|maybe|appears?|seems?|looks?"
    r"|estimated?|around|about|roughly|approx|approximately|suggests?)\b", re.IGNORECASE)
# ... or says, in a few words, that it cannot be seen: "Looking down, not visible" (held-out set 73)
_UNSEEN = re.compile(r"\b(?:not\s+visible|not\s+shown|out\s+of\s+(?:view|frame|shot)"
                     r"|(?:can't|cannot|can\s+not)\s+be\s+seen)\b", re.IGNORECASE)
_SHORT = 40  # characters
# what lies between a field's label and its value: the emphasis closing the label ("**Age:**", "__Age:__"), then
# spaces (not the underscores of a blank: "Gender: __")
_FIELD_END = re.compile(r"[*_:|=\"'`]*[ \t*:|=\"'`]*")


# a blank of a form or a template: "__", "...", "[ ]", "<value>", "?", "{age}" (the form asks, it tells nothing)
_BLANK = re.compile(r"\s*(?:_{2,}|\.{3,}|…|\[\s*\]|<\s*\w*\s*>|\?{1,3}|\{\s*\w*\s*\})\s*$")


def withheld(value: str) -> bool:
    """Whether ``value`` (a field's value, to the end of its line or cell) withholds what the field asks for.  An
    empty value withholds nothing: the value may follow on the next line ("**Age:**" over "- late 20s"); a blank to
    fill in ("Gender: __", "Age: ...", "Sex: [ ]") withholds it."""
    if _BLANK.match(value):
        return True
    value = value.strip().strip("\"'`*_ ")
    m = _WITHHELD.match(value) or (_UNSEEN.search(value) if len(value) <= _SHORT else None)
    return m is not None and _TOWARDS_VALUE.search(value, m.end()) is None


def field_value(text: str, end: int) -> str:
    """The value of the field whose label ends at ``end``: the rest of its line, or of its table cell."""
    start = _FIELD_END.match(text, end).end()  # type: ignore[union-attr]
    stop = len(text)
    for sep in ("\n", "|"):
        at = text.find(sep, start)
        if 0 <= at < stop:
            stop = at
    return text[start:stop]


def normalise_header(name: str) -> str:
    """A header cell as a column name: lowercase, units in brackets dropped, spaces and hyphens as "_"."""
    name = _BRACKETS.sub("", name.strip().strip("*_`\"' ").lower())
    return _SEPARATORS.sub("_", name.strip()).strip("_")


# words of a column that describes whoever its row is about ("Description", "Physical details", "Notes")
_DESCRIPTION_WORDS = frozenset({"description", "descriptions", "details", "detail", "appearance", "notes", "note",
                                "look", "looks", "features", "traits", "observations", "comments", "characteristics",
                                "overview", "summary", "what", "visible", "notable", "key", "physical", "general",
                                "describe", "described", "and", "&"})


def description_column(name: str) -> bool:
    """Whether the column ``name`` (normalised) holds descriptions of whoever its row is about."""
    return bool(name) and all(w in _DESCRIPTION_WORDS for w in name.split("_"))


def pipe_cells(line: str) -> list[str]:
    """The cells of a pipe row as column names, its outer pipes dropped ("| Role | Description |": ["role",
    "description"])."""
    return [normalise_header(line[s:e]) for s, e in _split(line, "|")]


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


def _lines(text: str) -> list[tuple[int, str]]:
    """``text``'s lines with their offsets, line ends dropped."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line.rstrip("\r")))
        pos += len(line) + 1
    return lines


def _rows(lines: list[tuple[int, str]], j: int, delimiter: str,
          width: int) -> tuple[list[tuple[int, str, list[tuple[int, int]]]], int]:
    """The rows of a table from line ``j`` on, and the index of the first line after them: (offset, line, cells)
    of each line that splits into ``width`` cells by ``delimiter``; a Markdown rule row is skipped, anything else
    ends the table."""
    rows = []
    while j < len(lines):
        roff, row = lines[j]
        if not (delimiter == "|" and _RULE_ROW.fullmatch(row)):
            cells = _split(row, delimiter) if row.strip() else []
            if len(cells) != width:
                break
            rows.append((roff, row, cells))
        j += 1
    return rows, j


def _is_null(value: str) -> bool:
    return value.strip().strip("\"'").lower() in NULL_VALUES or withheld(value)


def _inside_pipe_table(lines: list[tuple[int, str]], k: int, delimiter: str) -> bool:
    """Whether line ``k`` is a row inside a pipe table, below its header: "| Skin tone | Sun-kissed |" under
    "| Field | Observation |" is no header of its own."""
    return delimiter == "|" and k > 0 and "|" in lines[k - 1][1]


def _pipe_head(lines: list[tuple[int, str]], k: int, firsts: AbstractSet[str]) -> list[tuple[int, int]] | None:
    """The cells of line ``k`` when it heads a pipe table whose first header cell is one of ``firsts``
    (normalised names), not a row inside another table."""
    line = lines[k][1]
    if "|" not in line:
        return None
    cells = _split(line, "|")
    if (len(cells) < 2 or normalise_header(line[slice(*cells[0])]) not in firsts
            or _inside_pipe_table(lines, k, "|")):
        return None
    return cells


def _field_rows(lines: list[tuple[int, str]], k: int,
                wanted: Mapping[str, int]) -> tuple[list[tuple[int, int, int, frozenset[str]]], int] | None:
    """When line ``k`` heads a pipe table of fields, one a row ("| Feature | Description |" over "| Race | Black |",
    "|  | Person 1 | Person 2 |" over "| Ethnicity | East Asian | Black |"): the values of the rows whose first cell
    names a wanted column, as :func:`table_cells` gives them (the rows' names stand for the column names), and the
    index of the first line after the table."""
    cells = _pipe_head(lines, k, _FIELD_HEADS)
    if cells is None:
        return None
    rows, end = _rows(lines, k + 1, "|", len(cells))
    names = [normalise_header(row[slice(*cs[0])]) for _, row, cs in rows]
    fields = frozenset(names)
    out = [(wanted[name], roff + s, roff + e, fields) for (roff, row, cs), name in zip(rows, names) if name in wanted
           for s, e in cs[1:] if not _is_null(row[s:e])]
    return out, end


def table_cells(text: str, wanted: Mapping[str, int]) -> Iterator[tuple[int, int, int, frozenset[str]]]:
    """The values of ``text``'s delimited tables under the wanted columns: (what ``wanted`` maps the column to,
    start, end, the table's column names) of each non-empty value, offsets into ``text``.  A pipe table of fields
    gives the values of the rows its first column names (see :func:`_field_rows`)."""
    if "\n" not in text:
        return
    lines = _lines(text)
    i = 0
    while i < len(lines) - 1:
        if (fielded := _field_rows(lines, i, wanted)) is not None:
            values, i = fielded
            yield from values
            continue
        found = _header(lines[i][1], wanted)
        i += 1
        if found is None or _inside_pipe_table(lines, i - 1, found[0]):
            continue
        delimiter, head, names = found
        columns = [wanted.get(n) for n in names]
        header = frozenset(names)
        rows, i = _rows(lines, i, delimiter, len(head))
        for roff, row, cells in rows:
            for target, (s, e) in zip(columns, cells):
                if target is not None and not _is_null(row[s:e]):
                    yield target, roff + s, roff + e, header


def column_at(text: str, start: int, end: int) -> tuple[list[str], list[str]] | None:
    """When ``text[start:end]`` is a header cell of a delimited table: the table's column names and the values of
    the rows under that cell ("| Person | Build |" over "| 1 | — |": ``(["person", "build"], ["—"])``)."""
    if text.find("\n", end) < 0:
        return None
    lines = _lines(text)
    k = text.count("\n", 0, start)  # the line the cell is on
    found = _header(lines[k][1], {normalise_header(text[start:end]): 0})
    if found is None or _inside_pipe_table(lines, k, found[0]):
        return None
    delimiter, head, names = found
    at = start - lines[k][0]
    col = next((c for c, (s, e) in enumerate(head) if s <= at < e), None)
    if col is None:
        return None
    rows, _ = _rows(lines, k + 1, delimiter, len(head))
    return names, [row[slice(*cells[col])] for _, row, cells in rows]


def empty(values: Iterable[str]) -> bool:
    """Whether a column's ``values`` are all empty or withheld: a column named and never filled in says nothing."""
    return all(_is_null(v) for v in values)


def thing_tables(text: str, things: AbstractSet[str]) -> list[tuple[int, int]]:
    """The spans (start, end offsets into ``text``) of the pipe tables whose first column names things or animals
    ("| Dog | Breed | Age | Build |", "| Statue | Material | Depicts |"; ``things``: such column names): what their
    cells say is no one's attribute (held-out set 81)."""
    if "|" not in text or "\n" not in text:
        return []
    lines = _lines(text)
    spans = []
    k = 0
    while k < len(lines) - 1:
        if (cells := _pipe_head(lines, k, things)) is not None:
            rows, end = _rows(lines, k + 1, "|", len(cells))
            if rows:
                last_off, last_row, _ = rows[-1]
                spans.append((lines[k][0], last_off + len(last_row)))
            k = end
            continue
        k += 1
    return spans
