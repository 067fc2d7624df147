"""What every reader shares: the record model, input errors, and text extraction.

A reader turns one file into :class:`Record` values; each record holds the
:class:`~safelint.findings.TextItem` strings to lint, with JSON Pointers.  Readers stream:
nothing holds a whole dataset in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from safelint.findings import Role, TextItem

# conversation "from" values -> role
ROLE_NAMES: dict[str, Role] = {
    "human": "human", "user": "human", "question": "human",
    "gpt": "gpt", "assistant": "gpt", "model": "gpt", "bot": "gpt", "answer": "gpt",
}
# plain record fields that hold text, and the role their text plays
TEXT_FIELDS: dict[str, Role] = {
    "caption": None, "captions": None, "text": None, "description": None, "sentence": None,
    "instruction": "human", "question": "human", "prompt": "human", "query": "human",
    "output": "gpt", "answer": "gpt", "response": "gpt",
}
ID_FIELDS = ("id", "question_id", "answer_id", "image_id", "sample_id", "uid")
# fields holding a conversation: LLaVA/ShareGPT "conversations", chat-template "messages"
CHAT_FIELDS = ("conversations", "messages")


class InputError(Exception):
    """A user's input is wrong. The message names the file, the record and what was expected."""

    def __init__(self, path: str, message: str, *, record: int | None = None, line: int | None = None,
                 column: int | None = None):
        where = path
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        if record is not None:
            where += f": record {record}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.record = record
        self.line = line
        self.column = column


@dataclass
class ReadOptions:
    fields: Sequence[str] = ()  # user-given field paths such as "conversations/*/value" or "caption"
    tsv_column: int | None = None
    format: str | None = None  # force a reader: json, jsonl, tsv


@dataclass
class Record:
    index: int  # 0-based position in the file
    id: str | None
    base: str  # JSON Pointer of the record itself ("" for a JSONL line or a whole-file object)
    items: list[TextItem] = field(default_factory=list)
    line: int | None = None  # 1-based line where the record starts, when the reader knows it


class Reader(Protocol):
    name: str
    extensions: tuple[str, ...]

    def read(self, path: Path, opts: ReadOptions) -> Iterator[Record]: ...


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def record_id(obj: Any) -> str | None:
    if isinstance(obj, dict):
        for k in ID_FIELDS:
            v = obj.get(k)
            if isinstance(v, (str, int)) and not isinstance(v, bool):
                return str(v)
    return None


def extract(obj: Any, base: str, opts: ReadOptions, *, path: str, index: int) -> Record:
    """Find the strings to lint in one parsed record."""
    rec = Record(index=index, id=record_id(obj), base=base)
    if opts.fields:
        for fpath in opts.fields:
            _walk_field(obj, [p for p in fpath.strip("/").split("/") if p], base, rec.items, None)
        return rec
    if isinstance(obj, str):
        rec.items.append(TextItem(base or "/", obj, None))
        return rec
    if not isinstance(obj, dict):
        raise InputError(path, f"expected an object (a LLaVA record or a caption record), got {_jtype(obj)}",
                         record=index)
    for key in CHAT_FIELDS:
        if key in obj:
            rec.items += _chat(obj[key], key, base, path, index)
            return rec
    pairs = obj.get("texts")
    if isinstance(pairs, list) and pairs and all(isinstance(t, dict) for t in pairs):
        rec.items += _pairs(pairs, base, path, index)
        return rec
    found = False
    for key, role in TEXT_FIELDS.items():
        if key not in obj:
            continue
        v = obj[key]
        if isinstance(v, str):
            rec.items.append(TextItem(f"{base}/{escape_pointer(key)}", v, role))
            found = True
        elif isinstance(v, list) and all(isinstance(x, str) for x in v):
            rec.items += [TextItem(f"{base}/{escape_pointer(key)}/{i}", x, role) for i, x in enumerate(v)]
            found = True
    if not found:
        raise InputError(
            path,
            "expected a LLaVA record with 'conversations', a chat record with 'messages', or a text field "
            f"({', '.join(TEXT_FIELDS)}); give --field to choose fields (keys seen: "
            f"{', '.join(list(map(str, obj))[:8]) or 'none'})",
            record=index,
        )
    return rec


def _chat(conv: Any, key: str, base: str, path: str, index: int) -> list[TextItem]:
    """The turns of a conversation: LLaVA/ShareGPT ``{from, value}`` or chat-template ``{role, content}``, whose
    content is a string or a list of parts (``{"type": "text", "text": ...}``; image parts hold nothing to lint)."""
    if not isinstance(conv, list):
        raise InputError(path, f"'{key}' must be a list of turns ({{from, value}} or {{role, content}}), "
                               f"got {_jtype(conv)}", record=index)
    out: list[TextItem] = []
    for i, turn in enumerate(conv):
        tkey = next((k for k in ("value", "content") if isinstance(turn, dict) and k in turn), None)
        if tkey is None:
            raise InputError(path, f"{key}[{i}] must be an object with a string 'value' (and 'from': human|gpt) or "
                                   f"'content' (and 'role': user|assistant)", record=index)
        role = ROLE_NAMES.get(str(turn.get("from", turn.get("role", ""))).lower())
        v, ptr = turn[tkey], f"{base}/{key}/{i}/{tkey}"
        if isinstance(v, str):
            out.append(TextItem(ptr, v, role))
        elif isinstance(v, list) and all(isinstance(part, dict) for part in v):
            for j, part in enumerate(v):
                text = part.get("text")
                if text is not None and not isinstance(text, str):
                    raise InputError(path, f"{key}[{i}].{tkey}[{j}].text must be a string, got {_jtype(text)}",
                                     record=index)
                if text is not None:
                    out.append(TextItem(f"{ptr}/{j}/text", text, role))
        elif not (v is None and tkey == "content"):  # an assistant turn with tool calls only has no content
            raise InputError(path, f"{key}[{i}].{tkey} must be a string or a list of content parts "
                                   f"({{\"type\": \"text\", \"text\": ...}}), got {_jtype(v)}", record=index)
    return out


def _pairs(pairs: list[dict[str, Any]], base: str, path: str, index: int) -> list[TextItem]:
    """the_cauldron-style ``texts``: a list of ``{user, assistant}`` exchanges."""
    out: list[TextItem] = []
    for i, pair in enumerate(pairs):
        found = False
        for k in ("user", "assistant"):
            v = pair.get(k)
            if v is None:
                continue
            if not isinstance(v, str):
                raise InputError(path, f"texts[{i}].{k} must be a string, got {_jtype(v)}", record=index)
            out.append(TextItem(f"{base}/texts/{i}/{k}", v, ROLE_NAMES[k]))
            found = True
        if not found:
            raise InputError(path, f"texts[{i}] must be an object with 'user' and 'assistant' strings", record=index)
    return out


def _walk_field(obj: Any, parts: list[str], pointer: str, out: list[TextItem], role: Role) -> None:
    if not parts:
        if isinstance(obj, str):
            out.append(TextItem(pointer or "/", obj, role))
        return
    head, rest = parts[0], parts[1:]
    if isinstance(obj, dict):
        keys = list(obj) if head == "*" else ([head] if head in obj else [])
        for k in keys:
            r = role
            child = obj[k]
            if isinstance(child, dict) and "from" in child:
                r = ROLE_NAMES.get(str(child["from"]).lower(), role)
            _walk_field(child, rest, f"{pointer}/{escape_pointer(str(k))}", out, r)
    elif isinstance(obj, list):
        idxs = range(len(obj)) if head == "*" else ([int(head)] if head.isdigit() and int(head) < len(obj) else [])
        for i in idxs:
            child = obj[i]
            r = role
            if isinstance(child, dict) and "from" in child:
                r = ROLE_NAMES.get(str(child["from"]).lower(), role)
            _walk_field(child, rest, f"{pointer}/{i}", out, r)


def _jtype(v: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(v), "a number")
