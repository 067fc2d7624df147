"""Text preparation shared by training and the runtime (no third-party imports).

- :func:`model_input` turns ``(text, role)`` into what the classifier reads: human turns get a
  ``"question: "`` prefix, so the attribute heads mean "asks for" on questions and "states" on
  answers and captions (one model, no role embedding).
- :func:`sentences` splits text into sentence spans (character offsets), never dropping text.
- :func:`chunk_spans` packs sentences into chunks of at most ``max_tokens`` tokens, cutting an
  over-long sentence at token boundaries (so nothing is ever truncated silently).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

QUESTION_PREFIX = "question: "

# A sentence ends at . ! ? (optionally followed by quotes/brackets) before whitespace, or at a
# blank line / newline.  Abbreviation-proof splitting is not needed: chunks are packed back
# together up to the token budget, so an early split only moves a chunk boundary.
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")


def model_input(text: str, role: str | None) -> str:
    return QUESTION_PREFIX + text if role == "human" else text


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (whitespace-only pieces dropped)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        _add(text, pos, m.start() if m.group(0).startswith("\n") else m.end(), out)
        pos = m.end()
    _add(text, pos, len(text), out)
    return out


def _add(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def chunk_spans(text: str, count_offsets: Callable[[str], Sequence[tuple[int, int]]], max_tokens: int,
                *, pack: bool = True,
                count_many: Callable[[list[str]], Sequence[Sequence[tuple[int, int]]]] | None = None,
                ) -> list[tuple[int, int]]:
    """Spans of ``text`` with at most ``max_tokens`` tokens each (special tokens excluded).

    ``count_offsets(s)`` returns the character offsets of the tokens of ``s`` (as the
    ``tokenizers`` library reports them, without special tokens).  Sentences are packed
    greedily into chunks when ``pack``; a sentence longer than the budget is cut between
    tokens, preferring whitespace.  Every non-space character of ``text`` lies in exactly one
    span.  Text with no sentence (empty, only spaces) gives one empty span ``(0, 0)``.
    ``count_many``: the same as ``count_offsets`` for a list of strings at once (a batch
    tokenizer), used instead of it for long texts; same result.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be positive")
    sents = sentences(text)
    if not sents:
        return [(0, 0)]
    pieces: list[tuple[int, int, int]] = []  # start, end, tokens
    if count_many is not None and len(sents) > 1:
        uniq = list(dict.fromkeys(text[s:e] for s, e in sents))
        known = dict(zip(uniq, count_many(uniq)))
        all_offs = [known[text[s:e]] for s, e in sents]
    else:
        all_offs = [count_offsets(text[s:e]) for s, e in sents]
    for (s, e), offs in zip(sents, all_offs):
        if len(offs) <= max_tokens:
            pieces.append((s, e, len(offs)))
            continue
        i = 0
        while i < len(offs):
            j = min(len(offs), i + max_tokens)
            if j < len(offs):
                # back off to a token that starts after whitespace (a word start), if there is one
                k = j
                while k > i + 1 and not text[s + offs[k][0] - 1].isspace():
                    k -= 1
                if k > i + 1:
                    j = k
            cs = s + offs[i][0]
            ce = s + (offs[j][0] if j < len(offs) else e - s)
            while ce > cs and text[ce - 1].isspace():
                ce -= 1
            pieces.append((cs, ce, j - i))
            i = j
    if not pack:
        return [(s, e) for s, e, _ in pieces]
    chunks: list[tuple[int, int]] = []
    cs, ce, n = pieces[0]
    for s, e, k in pieces[1:]:
        # +1: joining two sentences can merge a token across the boundary; stay on the safe side
        if n + k + 1 <= max_tokens:
            ce, n = e, n + k + 1
        else:
            chunks.append((cs, ce))
            cs, ce, n = s, e, k
    chunks.append((cs, ce))
    return chunks
