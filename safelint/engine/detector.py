"""The detection engine: strings with a role in, matches out.

A cascade keeps it fast.  Every string goes through one Aho-Corasick pass over all
rule keywords, pattern triggers and exceptions, plus the rules' regexes.  Only strings
with a hit are tokenised (spaCy's rule-based tokenizer, no model), and only in short
windows around the hits, so a 50 MB string costs what its hits cost.  Token patterns
(spaCy ``Matcher``) run on those windows, each pattern only where one of its own trigger
words is; every candidate then passes the rule's role filter, exceptions (phrases, or token
patterns for look-alikes that need context) and person-reference condition (see
:mod:`safelint.engine.context`).  A rule with a ``reference_window`` gets that much context
before its hits, and its owner search may reach that far back.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, NamedTuple, TypeVar

from safelint.engine.context import PersonLexicon, asks_whether, describes_person, offers_alternatives
from safelint.engine.keywords import MATCHERS, fold
from safelint.engine.turns import FollowUps
from safelint.findings import Match, Role, TextItem
from safelint.regexcase import lowered_twin
from safelint.regexlits import required_literals
from safelint.rules import Rule, RuleFileError, RuleSet
from safelint.tables import column_at, empty, field_value, normalise_header, table_cells, thing_tables, withheld
from safelint.tables import prefilter as table_prefilter

T = TypeVar("T")

WINDOW = 160  # characters of context kept on each side of a hit
_WORDS = re.compile(r"[a-z]+")
MAX_WINDOW = 4000  # longest text handed to the tokenizer at once
# spaCy's vocabulary keeps a lexeme (~460 bytes) for every distinct token string it ever saw, so
# on a corpus with an open vocabulary (ids, numbers, URLs, many languages) memory grows without
# bound.  Past this many lexemes the engine starts over with a fresh blank pipeline; tokens and
# matches do not depend on what the vocabulary has seen, so results are unchanged.
MAX_VOCAB = 200_000
_MAX_EXCEPTION = 200  # longest exception phrase, in characters
# Matchers kept for the sets of pattern rules that windows trigger; past this many, the full matcher runs
_MAX_SUB_MATCHERS = 1024
_KIND_RANK = {"explicit": 0, "implicit": 1}
_SEV_RANK = {"error": 0, "warning": 1, "info": 2}


class _RuleRegex(NamedTuple):
    rule: int  # index in Engine.rules
    blind: re.Pattern[str]  # case-blind, for the string as written
    low: re.Pattern[str] | None  # for the lower-cased ASCII string (regexcase.lowered_twin); None: reads case
    group: str | int  # the group a finding is: "span", "field" (a field's label) or the whole match
    needs: tuple[str, ...]  # strings one of which every match of ``low`` holds (regexlits); (): no test


@dataclass(frozen=True)
class _Candidate:
    rule: int
    start: int
    end: int
    back: int = field(default=0, compare=False)  # characters of context wanted before the hit (0: WINDOW)
    opens: tuple[int, ...] = field(default=(), compare=False)  # a pattern trigger (rule -1): the patterns it opens
    label: bool = field(default=False, compare=False)  # a field's label (a regex's (?P<field>...) group)


def _add_patterns(matcher, key: str, patterns, rule: Rule, fld: str) -> None:  # type: ignore[no-untyped-def]
    """``matcher.add(key, patterns)``; an invalid pattern is the rule file's error, naming the field."""
    try:
        matcher.add(key, [list(p) for p in patterns])
    except Exception as exc:  # spaCy's MatchPatternError and friends
        raise RuleFileError(rule.source, f"invalid spaCy token pattern: {exc}", rule=rule.code, field=fld) from None


def _blank_nlp():  # type: ignore[no-untyped-def]
    import spacy

    nlp = spacy.blank("en")
    return nlp


_NLP = None


def shared_nlp():  # type: ignore[no-untyped-def]
    global _NLP
    if _NLP is None:
        _NLP = _blank_nlp()
    return _NLP


def _required_words(pattern: Sequence[dict]) -> list[tuple[str, list[str]]]:
    """For each required token of a spaCy token pattern that names its words (a string or an IN list of
    LOWER/ORTH/TEXT/NORM), the attribute and those words lowercased, in pattern order."""
    out = []
    for tok in pattern:
        if tok.get("OP") in ("?", "*", "!"):
            continue
        for attr in ("LOWER", "ORTH", "TEXT", "NORM"):
            spec = tok.get(attr)
            if isinstance(spec, str):
                out.append((attr, [spec.lower()]))
                break
            if isinstance(spec, dict) and isinstance(spec.get("IN"), list):
                out.append((attr, [str(v).lower() for v in spec["IN"]]))
                break
    return out


def pattern_triggers(pattern: Sequence[dict]) -> list[str]:
    """Literal words any match of a spaCy token pattern must contain (for the prefilter): its first required word
    list, punctuation lists ({ORTH: "-"}) skipped, as the keyword pass finds only words."""
    words = [ws for _, ws in _required_words(pattern) if all(any(ch.isalnum() for ch in w) for w in ws)]
    return words[0] if words else []


def pattern_word_sets(pattern: Sequence[dict]) -> list[frozenset[str]]:
    """The word sets of :func:`_required_words` that a window's folded words (:func:`fold`) can show: a window
    holds a match only if it holds one word of each.  A NORM list ("color" matches "colour") and a list with a
    word that folding changes ("x-ray", "’s") say nothing about the folded words, so they are left out."""
    return [frozenset(ws) for attr, ws in _required_words(pattern)
            if attr != "NORM" and all(fold(w) == w for w in ws)]


class Engine:
    """Compiled rules. ``scan(text, role)`` returns the matches in one string."""

    def __init__(self, ruleset: RuleSet, rules: Iterable[Rule] | None = None, *, matcher: str = "aho",
                 selectors: tuple[Sequence[str], Sequence[str]] = ((), ())):
        from spacy.attrs import IDX, LENGTH

        self.ruleset = ruleset
        self.rules: list[Rule] = list(ruleset.rules if rules is None else rules)
        # the --select / --ignore that chose ``rules``: the classifier's own findings (HybridEngine) obey them too
        self.selectors = (tuple(selectors[0]), tuple(selectors[1]))
        self._matcher_kind = matcher
        self.lex = PersonLexicon.from_ruleset(ruleset)
        self.nlp = shared_nlp()
        self._idx_len = [IDX, LENGTH]
        # key id -> (what, rule index); what: 0 keyword, 1 pattern trigger, 2 exception, 3 a 'requires' word,
        # 4 an 'unless' word
        self._keys: list[tuple[int, int]] = []
        # for a pattern-trigger key: the patterns it opens, as unit ids.  A unit is one pattern of one rule
        # (self._units[u] = (rule index, pattern index)); a pattern runs only in windows that hold one of its own
        # trigger words (or one of the rule's 'triggers'), so a common word that opens one pattern of a rule does
        # not run the rule's other patterns.
        self._opens: dict[int, tuple[int, ...]] = {}
        self._units: list[tuple[int, int]] = []
        phrases: list[tuple[str, int]] = []

        def key(phrase: str, what: int, idx: int) -> int:
            phrases.append((phrase, len(self._keys)))
            self._keys.append((what, idx))
            return len(self._keys) - 1

        # each regex: its rule, the regex case-blind and as run on a lower-cased ASCII string (regexcase.lowered_twin),
        # and the group its findings are (a (?P<span>...) group narrows a finding to it; a (?P<field>...) group too,
        # and makes it a field's label, like the rule field `field: true`: quiet when the value is withheld)
        self._regex: list[_RuleRegex] = []
        self._regex_of_role: dict[str, list[_RuleRegex]] = {}  # the regexes of a role's rules, in rule order
        self._has_exceptions = [bool(r.exceptions or r.exception_patterns) for r in self.rules]
        self._ask = [r.category == "ask" for r in self.rules]
        self._gated = [idx for idx, r in enumerate(self.rules) if r.requires or r.unless]
        # table columns whose values the rules report ("file,age,gender\n..."): column name -> rule index
        self._columns = {c: idx for idx, r in enumerate(self.rules) for c in r.columns}
        # column names that make a table a person's: the rules' 'requires' words, and the columns of gender, race
        # and eye colour (an age or a weight column may be a whisky's or a parcel's)
        self._person_columns = frozenset(
            {normalise_header(w) for r in self.rules if r.columns for w in r.requires}
            | {c for r in self.rules if r.attribute in ("gender", "race", "eye_color") for c in r.columns})
        self._column_rx = table_prefilter(self._columns)  # a cheap test before the table reader
        # what a field's value may name instead of a person: "**Age:** Likely a puppy"
        self._not_people = self.lex.animals | self.lex.depictions
        # first columns of tables that list things or animals, not people: "| Animal | Age | Build |"
        self._thing_columns = self.lex.non_person_owners | self.lex.depictions | frozenset(
            self.ruleset.lexicon("thing_columns"))
        # rules whose owner search reaches further back (reference_window) want more context before a hit
        self._back = [max(WINDOW, r.reference_window or 0) for r in self.rules]
        for idx, rule in enumerate(self.rules):
            for kw in rule.keywords:
                key(kw, 0, idx)
            for ex in rule.exceptions:
                key(ex, 2, idx)
            for w in rule.requires:  # 3, 4: the words that allow or forbid the rule in a string
                key(w, 3, idx)
            for w in rule.unless:
                key(w, 4, idx)
            for rx in rule.regex:
                blind = re.compile(rx, re.IGNORECASE)
                group = "field" if "field" in blind.groupindex else "span" if "span" in blind.groupindex else 0
                low = lowered_twin(blind)
                needs = required_literals(low.pattern, low.flags) if low is not None else None
                self._regex.append(_RuleRegex(idx, blind, low, group, tuple(needs or ())))
            if rule.patterns:
                first_unit = len(self._units)
                opened: dict[str, set[int]] = {}
                for i, pat in enumerate(rule.patterns):
                    found = pattern_triggers(pat)
                    if not found and not rule.triggers:
                        raise RuleFileError(
                            rule.source, "pattern has no literal token to prefilter on; add 'triggers'",
                            rule=rule.code, field=f"patterns[{i}]",
                        )
                    unit = len(self._units)
                    self._units.append((idx, i))
                    for t in found:
                        opened.setdefault(t, set()).add(unit)
                for t in rule.triggers:  # the rule's own triggers open all its patterns
                    opened.setdefault(t.lower(), set()).update(range(first_unit, len(self._units)))
                for t, units in opened.items():
                    self._opens[key(t, 1, idx)] = tuple(sorted(units))
        self._matcher = self._build_matcher(range(len(self._units)), validate=True)
        # per unit, the word sets one word of each of which a window must hold for the pattern to match there:
        # the trigger word opened the window, the rest decide whether the pattern runs at all
        self._unit_needs = [pattern_word_sets(self.rules[idx].patterns[i]) for idx, i in self._units]
        # exception token patterns ("Skin Tone:** fair": a look-alike that needs its context), one matcher per rule,
        # run only on windows where that rule found a candidate
        self._exc_rules = {idx for idx, r in enumerate(self.rules) if r.exception_patterns}
        self._exc_matchers = self._build_exc_matchers()
        # per rule, per exception pattern: the word sets one of which each of its required tokens must be, so
        # that a rule's exception matcher runs only on windows where one of its patterns can match
        self._exc_needs = {idx: [pattern_word_sets(p) for p in self.rules[idx].exception_patterns]
                           for idx in self._exc_rules}
        # rules derived from the leak rules of their attribute: the yes/no question ("Is the man Asian?")
        self._polar = {r.attribute: idx for idx, r in enumerate(self.rules) if r.derive == "yes-no-question"}
        self._polar_roles = {role for idx in self._polar.values() for role in self.rules[idx].roles}
        # rules derived from the human turn before: "And the woman next to him?" (scan_records reads records)
        self.follow_ups = FollowUps.of(ruleset, self.rules)
        self._kw = MATCHERS[matcher](phrases)
        self._vocab_limit = MAX_VOCAB
        self._sub_matchers: dict[frozenset[int], object] = {}

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled, an engine is its rules: the copy (a worker of ``--jobs``) compiles them again."""
        return _engine, (self.ruleset, self.rules, self._matcher_kind, self.selectors)

    # -- public -----------------------------------------------------------------------------
    def scan_many(self, texts: Sequence[str], roles: Sequence[Role]) -> list[list[Match]]:
        """:meth:`scan` of each text (the detector protocol's batch form: the hybrid engine scores a
        batch's texts together)."""
        return [self.scan(t, r) for t, r in zip(texts, roles, strict=True)]

    def scan(self, text: str, role: Role = None) -> list[Match]:
        role_name = role or "caption"
        kw_hits: list[_Candidate] = []
        exc_hits: list[_Candidate] = []
        allowed: set[int] = set()  # rules whose 'requires' words are here
        forbidden: set[int] = set()  # rules one of whose 'unless' words is here
        for start, end, key_id in self._kw.find(text):
            what, idx = self._keys[key_id]
            if what >= 3:
                (allowed if what == 3 else forbidden).add(idx)
                continue
            if role_name not in self.rules[idx].roles:
                continue
            if what == 0:
                kw_hits.append(_Candidate(idx, start, end, self._back[idx]))
            elif what == 1:
                kw_hits.append(_Candidate(-1, start, end, self._back[idx], self._opens[key_id]))  # opens a window
            else:
                exc_hits.append(_Candidate(idx, start, end))
        blocked = self._blocked(allowed, forbidden)
        if blocked:
            kw_hits = [h for h in kw_hits if h.rule not in blocked]
        # the values of a table whose header names the column ("file,age,gender\nval/88.jpg,34,F"), gated like the
        # rule's other matches
        # (a header naming a column only people have makes the table a person's: "No. Player Ht Wt Age", "ID | Race |")
        tabled = self._column_rx is not None and "\n" in text and self._column_rx.search(text)
        for idx, start, end, header in table_cells(text, self._columns) if tabled else ():
            if role_name in self.rules[idx].roles and (idx not in blocked or (
                    idx not in forbidden and not header.isdisjoint(self._person_columns))):
                kw_hits.append(_Candidate(idx, start, end, self._back[idx]))
        # an ASCII string lower-cased keeps every offset, and the regexes run on it faster (regexcase.lowered_twin)
        low = text.lower() if text.isascii() else None
        for idx, rx, rx_low, group, needs in self._regexes(role_name):
            if idx in blocked:
                continue
            if low is None or rx_low is None:
                found = rx.finditer(text)
            elif needs and not any(n in low for n in needs):  # a string it must hold is not here
                continue
            else:
                found = rx_low.finditer(low)
            for m in found:
                start, end = m.span(group)
                # (an empty column is no one's value; to an ask it is the blank to fill: "| Runner | Age |" over
                # "| 4 |  |")
                if end > start and not ("|" in text and not self._ask[idx] and self._empty_column(text, start, end)):
                    kw_hits.append(_Candidate(idx, start, end, self._back[idx], label=group == "field"))
        if kw_hits and "|" in text and (things := thing_tables(text, self._thing_columns)):
            # a table of animals or things: its cells are no one's ("| Dog | Age | Build |" over "| 1 | Senior | ...")
            # unless a cell names a person ("| Photo frame | a picture of a smiling woman |")
            kw_hits = [h for h in kw_hits if not any(s <= h.start < e for s, e in things) or self._names_person(
                text[text.rfind("|", 0, h.start) + 1:max(text.find("|", h.start), h.end)])]
        if not kw_hits:
            return []
        if len(self.nlp.vocab) > self._vocab_limit:
            self._fresh_vocab()
        return self._confirm(text, kw_hits, exc_hits, role_name, blocked)

    def _regexes(self, role: str) -> list[_RuleRegex]:
        """The regexes of the rules that read ``role``'s strings, in rule order."""
        found = self._regex_of_role.get(role)
        if found is None:
            found = self._regex_of_role[role] = [r for r in self._regex if role in self.rules[r.rule].roles]
        return found

    def _blocked(self, allowed: set[int], forbidden: set[int]) -> set[int]:
        """The rules a string's words switch off: ``allowed`` holds the rules one of whose ``requires`` words it
        has, ``forbidden`` those one of whose ``unless`` words it has."""
        return {idx for idx in self._gated if (self.rules[idx].requires and idx not in allowed) or idx in forbidden}

    def _names_person(self, piece: str) -> bool:
        return any(self.lex.is_person(w) for w in _WORDS.findall(piece.lower()))

    def _no_ones_value(self, value: str) -> bool:
        """Whether a field's ``value`` gives no one's attribute: it is withheld, or it names an animal or a likeness
        and no person ("Looks like an older cat, possibly 12+")."""
        if withheld(value):
            return True
        return bool(set(_WORDS.findall(value.lower())) & self._not_people) and not self._names_person(value)

    @staticmethod
    def _empty_column(text: str, start: int, end: int) -> bool:
        """Whether the header cell ``text[start:end]`` names a column that no row fills in ("| Build |" over
        "| — |"): it gives no one's attribute (a table of animals or things is :func:`thing_tables`')."""
        column = column_at(text, start, end)
        return column is not None and empty(column[1])

    def _build_exc_matchers(self) -> dict[int, Any]:
        from spacy.matcher import Matcher

        out: dict[int, Any] = {}
        for idx in sorted(self._exc_rules):
            rule = self.rules[idx]
            out[idx] = m = Matcher(self.nlp.vocab)
            _add_patterns(m, str(idx), rule.exception_patterns, rule, "exceptions")
        return out

    def _build_matcher(self, units: Iterable[int], *, validate: bool = False):  # type: ignore[no-untyped-def]
        """A Matcher holding the patterns ``units`` (match ids: the unit numbers), in unit order.  ``validate``:
        check the patterns against spaCy's schema, which the full matcher does once at load (a broken pattern is a
        rule-file error there); the per-window sub-matchers rebuild the same patterns and skip it."""
        from spacy.matcher import Matcher

        m = Matcher(self.nlp.vocab, validate=validate)
        for u in sorted(units):
            idx, i = self._units[u]
            rule = self.rules[idx]
            _add_patterns(m, str(u), [rule.patterns[i]], rule, f"patterns[{i}]")
        return m

    def _fresh_vocab(self) -> None:
        """Drop the grown vocabulary: a new blank pipeline and the same token patterns."""
        self.nlp = _blank_nlp()
        self._sub_matchers = {}
        self._matcher = self._build_matcher(range(len(self._units)))  # validated at load
        self._exc_matchers = self._build_exc_matchers()

    # -- internals --------------------------------------------------------------------------
    def _matcher_for(self, units: frozenset[int]):  # type: ignore[no-untyped-def]
        """A Matcher holding only the patterns ``units``.

        Most windows open a few patterns, and the Matcher's cost grows with the number of
        patterns.  spaCy tracks each pattern independently, so this gives exactly the full
        matcher's matches for those patterns.
        """
        m = self._sub_matchers.get(units)
        if m is None:
            if len(self._sub_matchers) >= _MAX_SUB_MATCHERS:
                return self._matcher
            m = self._build_matcher(units)
            self._sub_matchers[units] = m
        return m

    def _confirm(self, text: str, hits: list[_Candidate], exc_hits: list[_Candidate], role: str,
                 blocked: set[int]) -> list[Match]:
        accepted: list[_Candidate] = []
        polar = role in self._polar_roles
        exc_hits.sort(key=lambda c: c.start)
        exc_starts = [c.start for c in exc_hits]
        for w0, w1, wins in _windows(text, hits):
            wtext = text[w0:w1]
            doc = self.nlp.make_doc(wtext)
            offsets: list[int] | None = None  # token start offsets, computed when a rule needs them
            if wtext.isascii():
                # ASCII lowercasing is context-free, so folding the window once and slicing it
                # gives exactly the per-token fold, without a Python Token object per token.
                low = fold(wtext)
                idx_len = doc.to_array(self._idx_len).tolist()
                toks = [low[i:i + n].strip() or wtext[i:i + n] for i, n in idx_len]
            else:
                idx_len = None
                toks = [fold(t.text).strip() or t.text for t in doc]
            # the context logic reads the words without Markdown emphasis ("A **young** woman", "appears to be
            # *Asian*"); rule patterns still match the document as it is ("**Age:** 30")
            ctoks, to_c, keep = _without_emphasis(toks) if ("*" in wtext or "_" in wtext) else (toks, _same, None)
            cands = [h for h in wins if h.rule >= 0]
            # only the patterns whose trigger words are in this window
            units = frozenset(u for h in wins for u in h.opens)
            present: set[str] | None = None  # the window's folded words, built when a pattern or exception needs them
            if units:
                present = set(toks)
                units = frozenset(u for u in units if all(ws & present for ws in self._unit_needs[u]))
            if units:
                for match_id, s, e in self._matcher_for(units)(doc):
                    u = int(self.nlp.vocab.strings[match_id])
                    if u in units and (idx := self._units[u][0]) not in blocked:
                        cands.append(_Candidate(idx, w0 + doc[s].idx, w0 + doc[e - 1].idx + len(doc[e - 1])))
            lo = bisect.bisect_left(exc_starts, w0 - _MAX_EXCEPTION)
            hi = bisect.bisect_right(exc_starts, w1)
            excs = exc_hits[lo:hi]
            exc_idx = {c.rule for c in cands if c.rule in self._exc_rules}
            if exc_idx:
                present = present if present is not None else set(toks)
                for idx in exc_idx:
                    if not any(all(ws & present for ws in need) for need in self._exc_needs[idx]):
                        continue
                    excs = excs + [
                        _Candidate(idx, w0 + doc[s].idx, w0 + doc[e - 1].idx + len(doc[e - 1]))
                        for _, s, e in self._exc_matchers[idx](doc)
                    ]
            spans: list[tuple[_Candidate, int, int]] = []  # accepted leaks of this window and their tokens
            for c in cands:
                rule = self.rules[c.rule]
                if self._has_exceptions[c.rule] and any(
                    x.rule == c.rule and x.start < c.end and c.start < x.end for x in excs
                ):
                    continue
                # the label of a field whose value is withheld ("**Age:** —", "Ethnicity: N/A") or names an animal or a
                # likeness ("**Age:** Likely a puppy", held-out set 81) gives no one's attribute
                if (rule.field_label or c.label) and (self._no_ones_value(field_value(text, c.end)) or (
                        "|" in text and self._empty_column(text, c.start, c.end))):
                    continue
                span = doc.char_span(c.start - w0, c.end - w0, alignment_mode="expand")
                if span is None:
                    continue
                reach = None
                if rule.reference_window:
                    if offsets is None:
                        offsets = [i for i, _ in idx_len] if idx_len is not None else [t.idx for t in doc]
                    # the first token that starts within reference_window characters before the match
                    reach = to_c(bisect.bisect_left(offsets, c.start - w0 - rule.reference_window))
                s, e = to_c(span.start), to_c(span.end)
                if describes_person(rule.person, ctoks, s, e, self.lex, reach=reach,
                                    unowned=rule.unowned_is_person, ask=rule.category == "ask"):
                    accepted.append(c)
                    if polar and rule.category == "leak":
                        spans.append((c, s, e))
            if spans:
                asks = [c for c in accepted if self.rules[c.rule].category == "ask"]
                accepted += self._yes_no_asks(spans, asks, ctoks, doc, keep, w0, role)
        return self._resolve(text, accepted)

    def _yes_no_asks(self, leaks: list[tuple[_Candidate, int, int]], asks: list[_Candidate], toks: list[str],
                     doc: Any, keep: list[int] | None, w0: int, role: str) -> list[_Candidate]:
        """The asks of the ``derive: yes-no-question`` rules: a leak that is what a question asks to confirm
        ("Is the man Asian?").  A question whose subject already states the attribute asks nothing new about it
        ("Is the woman a mother?", "Is the child a boy?" asks the gender, not the age), and a value offered in
        another attribute's ask is asked for that one ("Is the person a boy or a girl?": gender only)."""
        out = []
        for c, s, e in leaks:
            d = self._polar.get(self.rules[c.rule].attribute)
            if d is None or role not in self.rules[d].roles:
                continue
            q = asks_whether(toks, s, e, self.lex)
            if q is None:
                continue
            attr = self.rules[d].attribute
            if any(self.rules[o.rule].attribute == attr and q <= os < s for o, os, _ in leaks) or any(
                    a.start < c.end and c.start < a.end for a in asks):
                continue
            if attr == "gender" and any(self.rules[o.rule].attribute == "race" and (os, oe) == (s, e)
                                        for o, os, oe in leaks):
                continue  # an ethnic name that also gives a sex asks the ethnicity: "Is the nurse Latina?"
            out.append(_Candidate(d, w0 + doc[keep[q] if keep is not None else q].idx, c.end))
        # alternatives offered for the person: "Is it a young child or an older child?" asks the age, "Is the
        # person an old woman or a young man?" the age and the gender; a value offered after an asked one is asked
        # too ("Is the man overweight or middle-aged?": weight and age)
        ordered = sorted(leaks, key=lambda x: (x[1], x[2]))
        for (c1, s1, e1), (c2, s2, _) in pairwise(ordered):
            start = offers_alternatives(toks, s1, e1, s2, self.lex)
            if start is None:
                continue
            end = next((i for i in range(s2, len(toks)) if toks[i] in ("?", ".", "!", "\n")), len(toks))
            for attr in {self.rules[c.rule].attribute for c, s, _ in ordered if start <= s < end}:
                d = self._polar.get(attr)
                if d is None or role not in self.rules[d].roles:
                    continue
                left = [(c, s, e) for c, s, e in ordered if self.rules[c.rule].attribute == attr and start <= s < s2]
                right = [(c, s, e) for c, s, e in ordered if self.rules[c.rule].attribute == attr and s2 <= s < end]
                if left and right and self._values(attr, left, toks) != self._values(attr, right, toks):
                    out.append(_Candidate(d, left[0][0].start, right[-1][0].end))
            r1, r2 = self.rules[c1.rule], self.rules[c2.rule]
            d = self._polar.get(r2.attribute)
            if (d is not None and role in self.rules[d].roles and r1.attribute != r2.attribute
                    and any(self.rules[a.rule].attribute == r1.attribute and a.start < c1.end and c1.start < a.end
                            for a in asks + out)
                    and not any(self.rules[o.rule].attribute == r1.attribute and os == s2 for o, os, _ in leaks)
                    and not any(self.rules[a.rule].attribute == r2.attribute for a in asks + out)):
                # (not a value of the first's attribute too: "Is the kid a boy or a girl?" asks no age; nor one
                # asked already)
                out.append(_Candidate(d, c2.start, c2.end))
        return out

    def _values(self, attribute: str, spans: list[tuple[_Candidate, int, int]], toks: list[str]) -> set[str]:
        """What the values offered on one side of an alternative say of ``attribute``: the gender of gender
        words ("a boy or a man" offers one), the age words without the nouns that also give a gender ("a boy or
        a girl" offers no age), else the words."""
        female, male = self.lex.gender_nouns_female, self.lex.gender_nouns_male
        if attribute == "gender":
            return {"female" if toks[e - 1] in female else "male" for _, _, e in spans}
        words = {" ".join(toks[s:e]) for _, s, e in spans}
        return {w for w in words if w not in female and w not in male} if attribute == "age" else words

    def _resolve(self, text: str, cands: list[_Candidate]) -> list[Match]:
        """Drop duplicates: per attribute and category, overlapping spans keep the strongest."""

        def rank(c: _Candidate) -> tuple[int, int, bool, int, int, str]:
            r = self.rules[c.rule]
            # a rule's own words before a derived ask: "Is the person young or old?" is AGE301's; on a tie, the
            # lower code, whatever the order of the rule files
            return (_KIND_RANK[r.kind], _SEV_RANK[r.severity], r.derive is not None, -(c.end - c.start), c.start,
                    r.code)

        kept: list[_Candidate] = []
        # per (attribute, category): kept spans, non-overlapping, sorted by start
        taken: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
        for c in sorted(set(cands), key=rank):
            r = self.rules[c.rule]
            starts, ends = taken.setdefault((r.attribute, r.category), ([], []))
            i = bisect.bisect_left(starts, c.start)
            if (i < len(starts) and starts[i] < c.end) or (i > 0 and ends[i - 1] > c.start):
                continue
            starts.insert(i, c.start)
            ends.insert(i, c.end)
            kept.append(c)
        kept.sort(key=lambda c: (c.start, c.end, self.rules[c.rule].code))
        out = []
        for c in kept:
            r = self.rules[c.rule]
            snippet = text[c.start:c.end]
            fix = "safe" if (r.replacement is not None and r.category == "leak") else "unsafe"
            out.append(Match(
                rule=r.code, attribute=r.attribute, kind=r.kind, category=r.category, severity=r.severity,
                start=c.start, end=c.end, text=snippet, message=r.message.replace("{text}", snippet),
                fix=fix,  # type: ignore[arg-type]
            ))
        return out


def scan_all(detector: Any, texts: Sequence[str], roles: Sequence[Role]) -> list[list[Match]]:
    """Each text's matches by ``detector``: through its ``scan_many`` (the rules :class:`Engine` and the hybrid
    engine have one), else one ``scan`` per text (a detector that only scans, as the Python API allows)."""
    many = getattr(detector, "scan_many", None)
    if many is not None:
        return list(many(texts, roles))
    return [detector.scan(t, r) for t, r in zip(texts, roles, strict=True)]


def scan_records(detector: Any, records: Sequence[Sequence[TextItem]]) -> list[list[list[Match]]]:
    """The matches of each string of each record (a record: its strings, e.g. a conversation's turns), all the
    strings scanned in one :func:`scan_all`, with the asks each human turn continues (:func:`follow_up_asks`)."""
    flat = [it for items in records for it in items]
    found = [list(m) for m in scan_all(detector, [it.text for it in flat], [it.role for it in flat])]
    out = regroup(found, [len(items) for items in records])
    drop_creature_asks(detector, records, out)
    for scans, extra in zip(out, follow_up_asks(detector, records, out), strict=True):
        for scan, more in zip(scans, extra, strict=True):
            if more:
                scan.extend(more)
                scan.sort(key=lambda m: (m.start, m.end))
    return out


def drop_creature_asks(detector: Any, records: Sequence[Sequence[TextItem]],
                       scans: Sequence[list[list[Any]]]) -> None:
    """Drop, in place, the asks a human turn makes of an animal or a likeness the turns before it named ("What
    color are its eyes?" after "A Siberian Husky.", :meth:`FollowUps.of_creatures`): they are no person's.
    ``scans``: per record, each string's findings (rule matches or the hybrid's).  Nothing for a detector without
    follow-up rules or a record of one human turn."""
    turns = getattr(detector, "follow_ups", None)
    if not turns:
        return
    for items, sc in zip(records, scans, strict=True):
        if len(items) < 2 or not any(it.role == "human" for it in items[1:]):
            continue
        for k, attrs in enumerate(turns.of_creatures([it.text for it in items], [it.role for it in items], sc)):
            if attrs:
                sc[k] = [m for m in sc[k] if m.category != "ask" or m.attribute not in attrs]


def follow_up_asks(detector: Any, records: Sequence[Sequence[TextItem]],
                   scans: Sequence[Sequence[Sequence[Any]]]) -> list[list[list[Match]]]:
    """Per record, per string, the asks of the detector's ``follow_ups`` that a human turn continues from the one
    before it ("And the woman next to him?", :mod:`safelint.engine.turns`); ``scans``: each string's own findings
    (rule matches or the hybrid's findings).  Empty lists for a detector without follow-up rules."""
    turns = getattr(detector, "follow_ups", None)
    out: list[list[list[Match]]] = []
    for items, sc in zip(records, scans, strict=True):
        # a follow-up needs an asking human turn before it
        if turns and sum(it.role == "human" for it in items) > 1:
            out.append(turns([it.text for it in items], [it.role for it in items], sc))
        else:
            out.append([[] for _ in items])
    return out


def regroup(flat: Sequence[T], sizes: Sequence[int]) -> list[list[T]]:
    """``flat`` cut into consecutive lists of ``sizes``."""
    out: list[list[T]] = []
    k = 0
    for n in sizes:
        out.append(list(flat[k:k + n]))
        k += n
    return out


def _engine(ruleset: RuleSet, rules: list[Rule], matcher: str,
            selectors: tuple[Sequence[str], Sequence[str]] = ((), ())) -> Engine:
    return Engine(ruleset, rules, matcher=matcher, selectors=selectors)


_EMPHASIS = re.compile(r"[*_]+")


def _without_emphasis(toks: list[str]) -> tuple[list[str], Callable[[int], int], list[int] | None]:
    """The tokens without the ones that are only Markdown emphasis (``*``, ``**``, ``__``), a map from a token
    index to its index in that list (the next kept token for a dropped one), and the kept indices (None: none
    dropped)."""
    if not any(_EMPHASIS.fullmatch(t) for t in toks):
        return toks, _same, None
    keep = [i for i, t in enumerate(toks) if not _EMPHASIS.fullmatch(t)]
    return [toks[i] for i in keep], lambda i: bisect.bisect_left(keep, i), keep


def _same(i: int) -> int:
    return i


def _windows(text: str, hits: list[_Candidate]) -> list[tuple[int, int, list[_Candidate]]]:
    """Group hits into short windows of context: (start, end, hits inside).

    Windows never grow past MAX_WINDOW characters, so a huge string full of hits is cut
    into many small documents instead of one enormous one.
    """
    out: list[tuple[int, int, list[_Candidate]]] = []
    cur: list[_Candidate] = []
    ws = we = 0
    for h in sorted(hits, key=lambda c: (c.start, c.end)):
        s, e = max(0, h.start - (h.back or WINDOW)), min(len(text), h.end + WINDOW)
        if cur and s <= we and e - ws <= MAX_WINDOW:
            we = max(we, e)
            cur.append(h)
            continue
        if cur:
            out.append((ws, we, cur))
        ws, we, cur = s, e, [h]
    if cur:
        out.append((ws, we, cur))
    return [(*_widen(text, s, e), c) for s, e, c in out]


def _widen(text: str, s: int, e: int) -> tuple[int, int]:
    """Move window edges to whitespace so no word is cut in half."""
    if s > 0:
        sp = text.rfind(" ", max(0, s - 40), s)
        s = sp + 1 if sp >= 0 else s
    if e < len(text):
        sp = text.find(" ", e, e + 40)
        e = sp if sp >= 0 else e
    return s, e

