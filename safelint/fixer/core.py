"""Fixes on strings and records: safe rewrites to closure, then (opt-in) unsafe fixes.

Knows nothing of files: give it the strings of one record (with their roles) and it returns
the new strings, what changed and which findings remain.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from safelint.engine import Engine, regroup, scan_all, scan_records
from safelint.findings import FixSafety, Match, Role, TextItem
from safelint.fixer import language
from safelint.fixer.rewrite import rewrite

# The project's refusal: what a gpt turn that answered a biometric question becomes (--unsafe-fixes); in the
# question's language when that is one of safelint.fixer.language.REFUSALS and no other refusal is set.
REFUSAL = language.REFUSALS["en"]
_REFUSAL_TEXTS = frozenset(r.strip() for r in language.REFUSALS.values())
MAX_ROUNDS = 5
_SENTENCE = re.compile(r"[.!?]+[\"'”’)\]]*[ \t]+|\n+")
_SPECIAL = re.compile(r"<image>|<video>|<[a-z_]+>")

Safety = Literal["safe", "unsafe"]
R = TypeVar("R")
# a fix in progress: yields each text it needs scanned (with its role) and is sent back that text's matches,
# so that many fixes can run side by side and their scans go to the engine in one batch (:func:`drive`)
Steps = Generator[tuple[str, Role], list[Match], R]
# what `fix` does to one finding: a safe or unsafe fix removes it, "resolved" (an ask whose answer
# already refuses: nothing to fix), or None (nothing removes it)
Fate = Literal["safe", "unsafe", "resolved"] | None


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
    _refusals: dict[str, tuple[Match, ...]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._repl = {r.code: r.replacement for r in self.engine.rules}
        self._nouns = self.engine.lex.nouns
        self._all_pronouns = any(r.replacement == "they" for r in self.engine.rules)

    def refusal_for(self, text: str) -> str:
        """The refusal that replaces an answer to ``text`` (the question; the answer itself when there is
        none): the project's refusal in the language of ``text``, or the refusal the user set."""
        return language.refusal_for(text) if self.refusal == REFUSAL else self.refusal

    def is_refusal(self, text: str) -> bool:
        """Is ``text`` a refusal that `fix` writes (the user's, or the project's in any language)?"""
        t = text.strip()
        return t == self.refusal.strip() or t in _REFUSAL_TEXTS

    def safe_fixable(self, m: Match) -> bool:
        return m.category == "leak" and self._repl.get(m.rule) is not None

    # -- one string ---------------------------------------------------------------------------
    def fix_text(self, text: str, role: Role = None, matches: Sequence[Match] | None = None) -> TextFix:
        """Fix one string (``matches``: the engine's matches of ``text``, when already scanned)."""
        return self._run(self._fix_text(text, role, matches))

    def _fix_text(self, text: str, role: Role, matches: Sequence[Match] | None) -> Steps[TextFix]:
        ms = list((yield text, role) if matches is None else matches)
        cur, rules, count, ms, _ = yield from self._safe(text, role, ms)
        safety: Safety | None = "safe" if cur != text else None
        if self.unsafe:
            cur, count, ms, safety = yield from self._unsafe(cur, role, ms, rules, count, safety)
        return TextFix(cur, tuple(dict.fromkeys(rules)), safety, tuple(ms), count)

    def _run(self, steps: Steps[R]) -> R:
        """Run one fix in progress, scanning each text it asks for with the engine."""
        return drive([steps], self.engine)[0]

    def _safe(self, text: str, role: Role, matches: list[Match]
              ) -> Steps[tuple[str, list[str], int, list[Match], list[Match]]]:
        """Safe rewrites to closure: (text, rules fixed, count, matches left, first round's declined)."""
        cur = text
        rules: list[str] = []
        count = 0
        declined: list[Match] = []
        for n in range(MAX_ROUNDS):
            if not any(self.safe_fixable(m) for m in matches):
                break
            res = rewrite(cur, matches, self._repl, self._nouns, all_pronouns=self._all_pronouns)
            if n == 0:
                declined = res.declined
            if res.text == cur:
                break
            rules += [m.rule for m in res.fixed]
            count += len(res.fixed)
            cur = res.text
            matches = yield cur, role
        return cur, rules, count, matches, declined

    def _unsafe(self, cur: str, role: Role, matches: list[Match], rules: list[str], count: int,
                safety: Safety | None, *, localise: bool = True) -> Steps[tuple[str, int, list[Match], Safety | None]]:
        """Drop the sentences that still leak; a gpt turn left empty becomes the refusal.  A question
        or a caption is never dropped whole: when every sentence of it leaks it is kept as it is and
        its findings stay listed (no fix), so `fix` never writes an empty caption.  ``localise``: write the
        refusal in the answer's language (off where only the findings left matter: :meth:`fates`)."""
        orig = cur
        for _ in range(MAX_ROUNDS):
            if role == "gpt" and self.is_refusal(cur):
                break  # the refusal is what an emptied answer becomes: nothing of it is dropped
            leaks = [m for m in matches if m.category == "leak" and not _in_ask(m, matches)]
            if not leaks:
                break
            new = drop_sentences(cur, self._drop_spans(cur, role, leaks))
            if new == cur or (role != "gpt" and not _SPECIAL.sub("", new).strip()):
                break  # a question or caption is never emptied: it is kept (and listed) instead
            rules += [m.rule for m in leaks]
            count += len(leaks)
            cur, safety = new, "unsafe"
            matches = yield cur, role
        if safety == "unsafe" and role == "gpt" and not cur.strip():
            cur = self.refusal_for(orig) if localise else self.refusal
            matches = yield cur, role
        return cur, count, matches, safety

    def _drop_spans(self, text: str, role: Role, leaks: list[Match]) -> list[Match]:
        """What ``--unsafe-fixes`` drops for ``leaks``: the sentence of each rule match; for a finding
        of the classifier alone (``source == "model"``, with a hybrid engine such as
        :class:`~safelint.model.hybrid.HybridEngine`), whose span is the whole chunk the model scored
        (up to 128 tokens, often several sentences), only the sentences of that chunk the classifier
        flags on their own for the finding's attribute (probability ≥ the engine's ``find``
        threshold); the whole chunk when none does (the leak lies across sentences)."""
        clf = getattr(self.engine, "clf", None)
        hybrid = getattr(self.engine, "hybrid", None)
        if clf is None or hybrid is None or not any(m.source == "model" for m in leaks):
            return leaks
        out: list[Match] = []
        for m in leaks:
            if m.source != "model":
                out.append(m)
                continue
            sents = [(s, e) for s, e in sentence_bounds(text) if s < m.end and m.start < e and text[s:e].strip()]
            if len(sents) < 2:
                out.append(m)
                continue
            thr = hybrid.find_thr.get(m.attribute, clf.thresholds.get(m.attribute, 0.5))
            scored = clf.score_chunks([text[s:e].strip() for s, e in sents], [role] * len(sents))
            hit = [(s, e) for (s, e), chs in zip(sents, scored)
                   if max((c.scores.get(m.attribute, 0.0) for c in chs), default=0.0) >= thr]
            if not hit:
                out.append(m)
                continue
            for s, e in hit:
                s, e = max(s, m.start), min(e, m.end)
                out.append(replace(m, start=s, end=e, text=text[s:e]))
        return out

    # -- what fix would do, per finding (for `check`) ---------------------------------------
    def fates(self, text: str, role: Role, matches: Sequence[Match]) -> list[FixSafety]:
        """For each of ``matches`` (the engine's matches of ``text``): ``"safe"`` when the safe fixes
        remove it, ``"unsafe"`` when only ``--unsafe-fixes`` does (a dropped sentence), else None.

        The fixes are run for real on the string and the matches left afterwards are paired with the
        original ones by rule and text, so the label is what ``fix`` does in this context (a declined
        rewrite such as "the man is quite old" is not ``"safe"``).
        """
        return self._run(self._fates(text, role, matches))[0]

    def _fates(self, text: str, role: Role, matches: Sequence[Match]
               ) -> Steps[tuple[list[FixSafety], str, list[Match]]]:
        """:meth:`fates`, plus the text after the safe fixes and its matches."""
        orig = list(matches)
        if not orig:
            return [], text, orig
        cur, _, _, after, declined = yield from self._safe(text, role, orig)
        keep = _survivors(orig, after, declined)
        out: list[FixSafety] = [None if k in keep else "safe" for k in range(len(orig))]
        if keep:
            cur2, _, final, _ = yield from self._unsafe(cur, role, after, [], 0, "safe" if cur != text else None,
                                                        localise=False)
            if cur2 != cur:
                idx = sorted(keep)
                keep2 = _survivors([orig[k] for k in idx], final)
                for j, k in enumerate(idx):
                    if j not in keep2:
                        out[k] = "unsafe"
        return out, cur, after

    def label_items(self, items: Sequence[TextItem], scans: Sequence[Sequence[Match]]) -> list[list[Fate]]:
        """:meth:`fates` for every match of a record (``scans[i]``: the matches of ``items[i]``), with the
        record-level fixes: an ask (and the leaks inside it) is ``"resolved"`` when the next gpt turn
        already refuses, ``"safe"`` when it refuses once safely fixed, else ``"unsafe"`` (the answer
        becomes the refusal, and so does every finding of that answer that has no safe fix)."""
        return self.label_many([(items, scans)])[0]

    def label_many(self, records: Sequence[tuple[Sequence[TextItem], Sequence[Sequence[Match]]]]
                   ) -> list[list[list[Fate]]]:
        """:meth:`label_items` of each ``(items, scans)`` record; the rescans of every string of every record
        go to the engine together, round by round (:func:`drive`)."""
        res = drive([self._fates(it.text, it.role, ms) for items, scans in records
                     for it, ms in zip(items, scans, strict=True)], self.engine)
        return [self._record_labels(items, scans, r)
                for (items, scans), r in zip(records, regroup(res, [len(items) for items, _ in records]))]

    def _record_labels(self, items: Sequence[TextItem], scans: Sequence[Sequence[Match]],
                       res: Sequence[tuple[list[FixSafety], str, list[Match]]]) -> list[list[Fate]]:
        """One record's labels from each string's :meth:`_fates`, with the record-level fixes."""
        out: list[list[Fate]] = [list(r[0]) for r in res]
        for h, g, asks in asked_answers(items, scans):
            attrs = {m.attribute for m in asks}
            if self.refuses(items[g].text, attrs, scans[g]):
                fate: Fate = "resolved"
            elif res[g][1] != items[g].text and self.refuses(res[g][1], attrs, res[g][2]):
                fate = "safe"  # the safe fixes turn the answer into a refusal ("his age" -> "their age")
            else:
                fate = "unsafe"  # the answer becomes the refusal
                out[g] = ["safe" if f == "safe" else "unsafe" for f in out[g]]
            for k, m in enumerate(scans[h]):
                if m.category == "ask" or _in_ask(m, scans[h]):
                    out[h][k] = fate
        return out

    def _refusal_matches(self, refusal: str) -> tuple[Match, ...]:
        """The engine's matches of a refusal `fix` writes (a handful of texts: scanned once each)."""
        if refusal not in self._refusals:
            self._refusals[refusal] = tuple(self.engine.scan(refusal, "gpt"))
        return self._refusals[refusal]

    def refuses(self, text: str, attributes: Iterable[str], matches: Sequence[Match] = ()) -> bool:
        """Does the answer ``text`` refuse to give ``attributes``?  The refusal sentence does; so does any
        answer that declines (or says it cannot tell) without giving a value for them (the PRISM refusal
        detector, strict mode: safelint_prism.refusal)."""
        t = text.strip()
        if not t:
            return False
        if self.is_refusal(t):
            return True
        detect = _detector()
        if detect is None:
            return False
        for a in set(attributes):
            v = detect(text, a, list(matches), mode="strict")
            if not v.refused or not any(c.kind in ("decline", "inability") for c in v.cues):
                return False
        return True

    # -- one record ---------------------------------------------------------------------------
    def fix_items(self, items: Sequence[TextItem]) -> list[ItemFix]:
        """Fix the strings of one record (a conversation's turns, a caption)."""
        return self.fix_many([items])[0]

    __call__ = fix_items  # the work of `fix --jobs` workers (safelint.parallel.Pool), a batch at a time by `many`

    def fix_many(self, records: Sequence[Sequence[TextItem]]) -> list[list[ItemFix]]:
        """:meth:`fix_items` of each record; the scans of every string of every record (the first scans,
        the rescans after each rewrite, the labelling of what remains) go to the engine together."""
        scans = scan_records(self.engine, records)
        fixes = drive([self._fix_text(it.text, it.role, ms) for items, ms_i in zip(records, scans)
                       for it, ms in zip(items, ms_i)], self.engine)
        return self._label_remaining([self._record_fixes(items, ms_i, f) for items, ms_i, f in
                                      zip(records, scans, regroup(fixes, [len(items) for items in records]))])

    many = fix_many

    def _record_fixes(self, items: Sequence[TextItem], scans: list[list[Match]],
                      fixes: Sequence[TextFix]) -> list[ItemFix]:
        """One record's fixes from each string's own fix, with the record-level ones (asks and answers)."""
        out = [ItemFix(it, r.text, r.rules, r.safety, r.remaining, r.fixed) for it, r in zip(items, fixes)]
        # a human turn that asks for an attribute: an answer that already refuses resolves the ask;
        # with --unsafe-fixes any other answer becomes the refusal
        for h, g, asks in asked_answers(items, scans):
            attrs = {m.attribute for m in asks}
            # the answer refuses, or its safe fixes make it a refusal ("I can't tell his age")
            refused = self.refuses(items[g].text, attrs, scans[g]) or (
                out[g].safety == "safe" and self.refuses(out[g].text, attrs, out[g].remaining))
            if not refused and not self.unsafe:
                continue
            if not refused:
                ans = items[g]
                codes = tuple(dict.fromkeys(m.rule for m in asks))
                refusal = self.refusal_for(items[h].text)
                remaining = self._refusal_matches(refusal)
                out[g] = ItemFix(ans, refusal, codes, "unsafe", remaining, len(asks))
            # the question's ask findings are answered by the refusal: no longer remaining
            hq = out[h]
            out[h] = ItemFix(hq.item, hq.text, hq.rules, hq.safety,
                             tuple(m for m in hq.remaining if m.category != "ask" and not _in_ask(m, hq.remaining)),
                             hq.fixed)
        return out

    def _label_remaining(self, records: list[list[ItemFix]]) -> list[list[ItemFix]]:
        """Set each remaining match's ``fix`` to what a further run would do (None after --unsafe-fixes;
        ``"unsafe"`` where --unsafe-fixes would remove it); the records' rescans go to the engine together."""
        todo = [k for k, out in enumerate(records) if any(f.remaining for f in out)]
        if self.unsafe:
            labels = [[[None] * len(f.remaining) for f in records[k]] for k in todo]
        else:
            labels = self.label_many([([TextItem(f.item.pointer, f.text, f.item.role) for f in records[k]],
                                       [f.remaining for f in records[k]]) for k in todo])
        out = list(records)
        for k, lab in zip(todo, labels, strict=True):
            out[k] = [ItemFix(f.item, f.text, f.rules, f.safety,
                              tuple(replace(m, fix=None if la == "resolved" else la)
                                    for m, la in zip(f.remaining, lab_i)), f.fixed)
                      if f.remaining else f for f, lab_i in zip(records[k], lab)]
        return out


def drive(steps: Sequence[Steps[R]], engine: Any) -> list[R]:
    """Run fixes in progress side by side: each round, the texts they wait on (each distinct text and role
    once) are scanned in one call of the engine (:func:`safelint.engine.scan_all`, so the hybrid engine scores
    them together), and each fix is sent its text's matches.  Returns each fix's result, in order."""
    results: list[Any] = [None] * len(steps)
    waiting: dict[int, tuple[str, Role]] = {}

    def advance(i: int, matches: list[Match] | None) -> None:
        try:
            waiting[i] = next(steps[i]) if matches is None else steps[i].send(matches)
        except StopIteration as done:
            results[i] = done.value

    for i in range(len(steps)):
        advance(i, None)
    while waiting:
        asked = dict(waiting)
        waiting.clear()
        keys = list(dict.fromkeys(asked.values()))
        found = dict(zip(keys, scan_all(engine, [t for t, _ in keys], [r for _, r in keys]), strict=True))
        for i, key in asked.items():
            advance(i, list(found[key]))
    return results


def answer_index(items: Sequence[TextItem], h: int) -> int | None:
    """The gpt turn that answers the human turn ``items[h]`` (None when the next turn is not gpt)."""
    g = next((k for k in range(h + 1, len(items)) if items[k].role in ("gpt", "human")), None)
    return g if g is not None and items[g].role == "gpt" else None


def asked_answers(items: Sequence[TextItem],
                  scans: Sequence[Sequence[Match]]) -> Iterator[tuple[int, int, list[Match]]]:
    """(question index, answer index, ask matches) for each human turn that asks for an attribute
    and has an answering gpt turn."""
    for h, it in enumerate(items):
        if it.role != "human":
            continue
        asks = [m for m in scans[h] if m.category == "ask"]
        if not asks:
            continue
        g = answer_index(items, h)
        if g is not None:
            yield h, g, asks


def _key(m: Match) -> tuple[str, str]:
    return m.rule, m.text.lower()


def _survivors(orig: Sequence[Match], after: Sequence[Match], prefer: Sequence[Match] = ()) -> set[int]:
    """Indices of ``orig`` still found in ``after``: paired by rule and text, then by rule alone (a match
    whose words were agreed, "weighs 80 kg" -> "weigh 80 kg"); ``prefer``: the matches the rewrite
    declined, the ones left when a rule and text occur more than once.  When unsure, a match counts as
    still there (a finding is never said to be fixed when it may not be)."""
    order = sorted(range(len(orig)), key=lambda k: (orig[k] not in prefer, k))
    quota = Counter(_key(m) for m in after)
    keep: set[int] = set()
    for k in order:
        key = _key(orig[k])
        if quota[key] > 0:
            quota[key] -= 1
            keep.add(k)
    by_rule = Counter(r for (r, _), n in quota.items() for _ in range(n))
    for k in order:
        if k not in keep and by_rule[orig[k].rule] > 0:
            by_rule[orig[k].rule] -= 1
            keep.add(k)
    return keep


_DETECT: list[Any] = []


def _detector() -> Any:
    """The PRISM refusal detector (pure Python, shipped with safelint), or None if unavailable."""
    if not _DETECT:
        try:
            from safelint_prism.refusal import detect
        except ImportError:  # pragma: no cover - the wheel ships it
            detect = None
        _DETECT.append(detect)
    return _DETECT[0]


def _in_ask(m: Match, matches: Sequence[Match]) -> bool:
    """A leak inside a question's ask span ("male or female?") belongs to the question.  An ask of the
    classifier alone spans a whole chunk, not the words that ask: it shields nothing."""
    return m.category == "leak" and any(a.category == "ask" and a.source != "model" and a.start < m.end
                                        and m.start < a.end for a in matches)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """The segments :func:`drop_sentences` works on: sentences (with the spaces after them) and lines."""
    bounds = []
    start = 0
    for m in _SENTENCE.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def drop_sentences(text: str, matches: Sequence[Match]) -> str:
    """Remove every sentence (or line) holding a match; special tokens such as <image> stay."""
    out: list[str] = []
    for s, e in sentence_bounds(text):
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


def label_findings_many(fixer: Fixer, engine: Any, records: Sequence[tuple[Sequence[TextItem], list[list[Match]]]]
                        ) -> list[list[list[Any]]]:
    """What `safelint fix` does to each match of ``engine`` (rules or hybrid) in each ``(items, scans)`` record:
    "safe", "unsafe", "resolved" or None; the records' rescans go to the engine together (:meth:`Fixer.label_many`).
    With the classifier, the rule engine's own matches are labelled and the labels carried over by span; a finding
    of the model alone gets no fix (that fixer does not run the model), except an ask whose answer refuses.  A fixer
    built on the hybrid engine itself (``Fixer(hybrid_engine)``, what ``fix`` with the classifier uses) labels every
    match, the model's own findings included ("unsafe": the sentence is dropped or the answer becomes the
    refusal)."""
    if fixer.engine is engine:
        return fixer.label_many(records)
    base_scans = scan_records(fixer.engine, [items for items, _ in records])
    labels = fixer.label_many([(items, b) for (items, _), b in zip(records, base_scans)])
    return [_carry_labels(fixer, items, scans, b, lab) for (items, scans), b, lab in zip(records, base_scans, labels)]


def _carry_labels(fixer: Fixer, items: Sequence[TextItem], scans: list[list[Match]],
                  base_scans: list[list[Match]], base_labels: list[list[Fate]]) -> list[list[Any]]:
    """The labels of ``fixer``'s own matches carried over by span to the matches of another engine."""
    out: list[list[Any]] = []
    for i, ms in enumerate(scans):
        by_span = {(m.rule, m.start, m.end): lab for m, lab in zip(base_scans[i], base_labels[i])}
        row: list[Any] = []
        for m in ms:
            lab = by_span.get((m.rule, m.start, m.end))
            if (m.rule, m.start, m.end) not in by_span and m.category == "ask" and items[i].role == "human":
                g = answer_index(items, i)
                if g is not None and fixer.refuses(items[g].text, {m.attribute}, base_scans[g]):
                    lab = "resolved"
            row.append(lab)
        out.append(row)
    return out
