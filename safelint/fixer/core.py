"""Fixes on strings and records: safe rewrites to closure, then (opt-in) unsafe fixes.

Knows nothing of files: give it the strings of one record (with their roles) and it returns
the new strings, what changed and which findings remain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from safelint.engine import Engine
from safelint.findings import Match, Role, TextItem
from safelint.fixer.rewrite import rewrite

# The project's refusal: what a gpt turn that answered a biometric question becomes (--unsafe-fixes).
REFUSAL = ("I can't help with identifying or estimating a person's age, gender, race, eye colour or weight "
           "from an image.")
MAX_ROUNDS = 5
_SENTENCE = re.compile(r"[.!?]+[\"'”’)\]]*[ \t]+|\n+")
_SPECIAL = re.compile(r"<image>|<video>|<[a-z_]+>")

Safety = Literal["safe", "unsafe"]


@dataclass(frozen=True)
class TextFix:
    text: str
    rules: tuple[str, ...]  # codes of the findings fixed, in order of first appearance
    safety: Safety | None  # "unsafe" when a sentence was dropped or a refusal written; None when unchanged
    remaining: tuple[Match, ...]
    fixed: int = 0  # findings fixed


@dataclass(frozen=True)
class ItemFix:
    item: TextItem
    text: str
    rules: tuple[str, ...]
    safety: Safety | None
    remaining: tuple[Match, ...]
    fixed: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.item.text


@dataclass
class Fixer:
    """Rewrites strings until the engine finds nothing more it can fix."""

    engine: Engine
    unsafe: bool = False
    refusal: str = REFUSAL
    _repl: dict[str, str | None] = field(init=False, repr=False)
    _nouns: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._repl = {r.code: r.replacement for r in self.engine.rules}
        self._nouns = self.engine.lex.nouns
        self._all_pronouns = any(r.replacement == "they" for r in self.engine.rules)

    def safe_fixable(self, m: Match) -> bool:
        return m.category == "leak" and self._repl.get(m.rule) is not None

    # -- one string ---------------------------------------------------------------------------
    def fix_text(self, text: str, role: Role = None) -> TextFix:
        cur = text
        rules: list[str] = []
        count = 0
        matches = self.engine.scan(cur, role)
        for _ in range(MAX_ROUNDS):
            if not any(self.safe_fixable(m) for m in matches):
                break
            res = rewrite(cur, matches, self._repl, self._nouns, all_pronouns=self._all_pronouns)
            if res.text == cur:
                break
            rules += [m.rule for m in res.fixed]
            count += len(res.fixed)
            cur = res.text
            matches = self.engine.scan(cur, role)
        safety: Safety | None = "safe" if cur != text else None
        if self.unsafe:
            for _ in range(MAX_ROUNDS):
                leaks = [m for m in matches if m.category == "leak" and not _in_ask(m, matches)]
                if not leaks:
                    break
                new = drop_sentences(cur, leaks)
                if new == cur or (role == "human" and not _SPECIAL.sub("", new).strip()):
                    break  # a question is never dropped whole: it is kept (and listed) instead
                rules += [m.rule for m in leaks]
                count += len(leaks)
                cur, safety = new, "unsafe"
                matches = self.engine.scan(cur, role)
            if safety == "unsafe" and role == "gpt" and not cur.strip():
                cur = self.refusal
                matches = self.engine.scan(cur, role)
        return TextFix(cur, tuple(dict.fromkeys(rules)), safety, tuple(matches), count)

    # -- one record ---------------------------------------------------------------------------
    def fix_items(self, items: Sequence[TextItem]) -> list[ItemFix]:
        out = []
        for it in items:
            r = self.fix_text(it.text, it.role)
            out.append(ItemFix(it, r.text, r.rules, r.safety, r.remaining, r.fixed))
        if not self.unsafe:
            return out
        # a human turn that asks for an attribute: its answer becomes the refusal
        for h, it in enumerate(items):
            if it.role != "human":
                continue
            asks = [m for m in self.engine.scan(it.text, "human") if m.category == "ask"]
            if not asks:
                continue
            g = next((k for k in range(h + 1, len(items)) if items[k].role in ("gpt", "human")), None)
            if g is None or items[g].role != "gpt":
                continue
            ans = items[g]
            codes = tuple(dict.fromkeys(m.rule for m in asks))
            remaining = tuple(self.engine.scan(self.refusal, "gpt"))
            if ans.text == self.refusal:
                out[g] = ItemFix(ans, ans.text, (), None, remaining)
            else:
                out[g] = ItemFix(ans, self.refusal, codes, "unsafe", remaining, len(asks))
            # the question's ask findings are answered by the refusal: no longer remaining
            hq = out[h]
            out[h] = ItemFix(hq.item, hq.text, hq.rules, hq.safety,
                             tuple(m for m in hq.remaining if m.category != "ask" and not _in_ask(m, hq.remaining)),
                             hq.fixed)
        return out


def _in_ask(m: Match, matches: Sequence[Match]) -> bool:
    """A leak inside a question's ask span ("male or female?") belongs to the question."""
    return m.category == "leak" and any(a.category == "ask" and a.start < m.end and m.start < a.end for a in matches)


def drop_sentences(text: str, matches: Sequence[Match]) -> str:
    """Remove every sentence (or line) holding a match; special tokens such as <image> stay."""
    bounds = []
    start = 0
    for m in _SENTENCE.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    out: list[str] = []
    for s, e in bounds:
        seg = text[s:e]
        if not any(s <= m.start < e or (m.start < s < m.end) for m in matches):
            out.append(seg)
            continue
        keep = "".join(t.group() for t in _SPECIAL.finditer(seg))
        nl = seg[len(seg.rstrip("\n")):]
        so_far = "".join(out)
        if keep:
            out.append(keep + ("\n" if "\n" in seg[seg.rfind(">") + 1:] else ""))
        elif nl and so_far and not so_far.endswith("\n"):
            out[:] = [so_far.rstrip(" \t"), nl]
    res = "".join(out)
    if res != text and not text[-1:].isspace():
        res = res.rstrip(" \t")
    return res
