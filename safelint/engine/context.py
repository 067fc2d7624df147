"""The person-reference condition: does a matched term describe a person?

Works on the lowercased tokens of a short window (spaCy's tokenizer, no model), so it is
fast and needs no download.  Modes (a rule's ``person`` field):

- ``none``: the term is about a person by itself ("woman", "Asians").
- ``required``: an adjective-like term ("white", "old", "heavy") must modify a person
  noun ahead of it ("an old, bearded man"), or be predicated of one ("the man is old").
  A hyphen compound ("white-haired", "old-fashioned") or a possessive in between ("the
  man's black shirt") breaks the link.
- ``possessed``: a body-part phrase ("blue eyes") must belong to a person: "her blue
  eyes", "a woman with blue eyes", "the girl's eyes are green", "a blue-eyed boy".
- ``sentence``: a person must be mentioned in the same sentence (used by rules for
  questions such as "How old is the man?").
"""

from __future__ import annotations

from dataclasses import dataclass

from safelint.rules import PersonMode, RuleSet

_SENTENCE_END = {".", "!", "?", ";", "\n", "\n\n"}
_CONJ = {",", "and", "or", "&", "/"}
_STEPS = 6


@dataclass(frozen=True)
class PersonLexicon:
    nouns: frozenset[str]
    pronouns: frozenset[str]
    possessives: frozenset[str]
    copulas: frozenset[str]
    linkers: frozenset[str]
    modifiers: frozenset[str]

    @classmethod
    def from_ruleset(cls, rules: RuleSet) -> PersonLexicon:
        def lex(name: str) -> frozenset[str]:
            return frozenset(w.lower() for w in rules.lexicon(name))

        return cls(
            nouns=lex("person_nouns"),
            pronouns=lex("person_pronouns"),
            possessives=lex("possessives"),
            copulas=lex("copulas"),
            linkers=lex("linkers"),
            modifiers=lex("modifiers"),
        )

    def is_person(self, tok: str) -> bool:
        return tok in self.nouns or tok in self.pronouns


def _skippable_modifier(lex: PersonLexicon, tok: str) -> bool:
    if tok in lex.modifiers or tok in _CONJ:
        return True
    # participles and hyphen parts used as adjectives: "smiling", "bearded", "-"
    return tok == "-" or (tok.isalpha() and len(tok) > 4 and (tok.endswith("ing") or tok.endswith("ed")))


def describes_person(mode: PersonMode, toks: list[str], start: int, end: int, lex: PersonLexicon) -> bool:
    """Is the token span [start, end) of ``toks`` (lowercased) about a person?"""
    if mode == "none":
        return True
    n = len(toks)
    if mode == "sentence":
        lo = start
        while lo > 0 and toks[lo - 1] not in _SENTENCE_END:
            lo -= 1
        hi = end
        while hi < n and toks[hi] not in _SENTENCE_END:
            hi += 1
        return any(lex.is_person(t) or t in lex.possessives for t in toks[lo:hi])
    if any(lex.is_person(t) for t in toks[start:end]):
        return True
    if mode == "required":
        # "black-haired", "old-fashioned", "Spider-Man": a compound, not a description.
        if (end < n and toks[end] == "-") or (start > 0 and toks[start - 1] == "-"):
            return False
    if _forward(toks, end, lex):
        return True
    return _backward(mode, toks, start, lex)


def _forward(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    steps = 0
    while j < len(toks) and steps < _STEPS:
        t = toks[j]
        if t in lex.nouns:
            return True
        if not _skippable_modifier(lex, t):
            return False
        j += 1
        steps += 1
    return False


def _backward(mode: PersonMode, toks: list[str], j: int, lex: PersonLexicon) -> bool:
    j -= 1
    steps = 0
    linked = False
    while j >= 0 and steps < _STEPS:
        t = toks[j]
        if t in lex.copulas:
            linked = True
        elif mode == "possessed" and (t in lex.linkers or _skippable_modifier(lex, t)):
            linked = linked or t in lex.linkers
        elif t in ("'s", "'", "’s"):
            # "the man's blue eyes": possessor; "the man's black shirt": not about the man.
            return mode == "possessed" and j > 0 and lex.is_person(toks[j - 1])
        elif t in lex.possessives and mode == "possessed" and not linked:
            return True  # "her blue eyes"
        elif t in lex.nouns:
            return True  # "the man is old", "a woman aged 70", "the man weighs 90 kg"
        elif lex.is_person(t):
            return linked  # "she is old" but not "his white shirt"
        else:
            return False
        j -= 1
        steps += 1
    return False
