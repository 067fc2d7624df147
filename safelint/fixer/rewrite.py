"""Safe fixes on one string: lexical neutralisation that keeps the sentence grammatical.

Knows nothing of files.  ``rewrite(text, matches)`` takes the engine's matches of one string
and returns the rewritten string plus the matches it fixed; a match whose safe rewrite would
break the sentence (an adjective said after a copula, "she has blue eyes", a label) is
*declined*: it is left as it is and stays a finding (``--unsafe-fixes`` drops its sentence).

The text is cut into tokens (words, ``'s``-like suffixes, single punctuation marks); each
match becomes per-token actions (keep, delete, replace) and the string is rendered again
from the kept tokens and the whitespace between them, so nothing outside the rewritten words
changes.  Small tables do the grammar: noun replacements with plurals and possessives,
they/them/their with verb agreement (he is -> they are, she walks -> they walk), a/an
agreement, commas and conjunctions around a dropped adjective, capitals at sentence start.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from safelint.findings import Match

TOKEN = re.compile(r"[^\W_]+|(?<=[^\W_])['’][A-Za-z]+|\S")

# --- vocabulary -------------------------------------------------------------------------------
DETERMINERS = frozenset(["a", "an", "the", "this", "that", "these", "those", "his", "her", "their", "its", "my", "your", "our", "some", "any", "each", "every", "both", "all", "many", "several", "few", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "another", "other", "one", "no"])
ARTICLES = frozenset({"a", "an"})
INTENSIFIERS = frozenset(["very", "quite", "rather", "fairly", "pretty", "really", "extremely", "slightly", "somewhat", "relatively", "too", "so", "also", "still", "probably", "likely", "possibly", "perhaps", "maybe", "seemingly", "apparently", "clearly", "visibly", "noticeably", "about", "around", "approximately", "roughly", "nearly", "almost", "over", "under", "between", "not"])
COPULAS = frozenset(["is", "are", "was", "were", "be", "been", "being", "'s", "'re", "am", "appears", "appear", "appeared", "appearing", "seems", "seem", "seemed", "seeming", "looks", "look", "looked", "looking", "become", "becomes", "became", "remain", "remains", "remained", "stay", "stays", "feel", "feels", "get", "gets", "getting", "grown"])
# words after which "to be" continues a copula ("appears to be")
TO_BE = frozenset({"to", "be"})
FUNCTION_WORDS = frozenset(["a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "from", "with", "without", "by", "as", "into", "onto", "upon", "about", "above", "below", "under", "over", "near", "behind", "beside", "between", "among", "through", "during", "while", "who", "whom", "whose", "which", "that", "this", "these", "those", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "'s", "'re", "not", "also", "who's", ","])
BODY_NOUNS = frozenset(["eye", "eyes", "iris", "irises", "skin", "complexion", "complexions", "build", "frame", "figure", "physique", "physiques", "body", "bodies", "stature", "waist", "belly", "torso", "tone", "tones"])
# nouns that end a describing phrase: removable only after "with" ("with East Asian features")
PHRASE_NOUNS = frozenset(["features", "appearance", "heritage", "background", "ancestry", "roots", "origin", "origins", "ethnicity", "descent", "look", "looks"])
MAX_DROP_WORDS = 5  # longer spans to drop are declined (a long match is more likely a false positive)
# heads after which a person noun names a costume ("a maid outfit"); not "dress" ("the girls dress up")
CLOTHING_HEADS = frozenset(["costume", "costumes", "outfit", "outfits", "uniform", "uniforms"])
THING_HEADS = CLOTHING_HEADS | frozenset(["hat", "hats", "boot", "boots", "shirt", "shirts", "bun", "buns", "cave", "doll", "dolls", "figure", "figurine", "figurines", "statue", "statues", "toy", "toys"])
GROWN = frozenset({"grown", "full-grown", "fully-grown"})
AGE_MODIFIERS = frozenset({"little", "tiny", "small", "baby", "newborn", "teenage", "teen", "infant"})
ADVERBS_S = frozenset(["always", "sometimes", "perhaps", "afterwards", "nevertheless", "towards", "outwards", "upwards", "downwards", "besides", "thus"])
SUBJECT = {"he": "they", "she": "they"}
PRONOUNS = {"he": "they", "she": "they", "him": "them", "his": "their", "hers": "theirs", "himself": "themselves",
            "herself": "themselves"}
AUX = {"is": "are", "was": "were", "has": "have", "does": "do", "isn": "aren", "wasn": "weren", "hasn": "haven",
       "doesn": "don", "'s": "'re", "’s": "’re"}
WH = frozenset({"what", "where", "why", "how", "who", "when", "which", "whom", "whose"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "sir", "madam", "ma'am", "miss"})
SENTENCE_END = frozenset({".", "!", "?", "\n"})
CLOSING = frozenset({".", ",", ";", ":", "!", "?", ")", "]", "}"})

# gendered/aged nouns with a better neutral word than person/people: "singular plural: singular plural"
_TABLE = """
businessman businessmen businesswoman businesswomen: businessperson businesspeople
policeman policemen policewoman policewomen: police_officer police_officers
fireman firemen: firefighter firefighters
chairman chairwoman: chairperson chairpeople
spokesman spokeswoman: spokesperson spokespeople
salesman salesmen saleswoman saleswomen: salesperson salespeople
cameraman cameramen: camera_operator camera_operators
fisherman fishermen: fisher fishers
sportsman sportsmen sportswoman: athlete athletes
craftsman craftsmen: artisan artisans
deliveryman deliverymen: courier couriers
repairman repairmen: technician technicians
workman workmen: worker workers
horseman horsemen horsewoman: rider riders
doorman: door_attendant door_attendants
handyman: handyperson handypeople
waiter waiters waitress waitresses: server servers
actor actors actress actresses: performer performers
stewardess stewardesses: flight_attendant flight_attendants
hostess: host hosts
maid maids: housekeeper housekeepers
heroine: hero heroes
mother mothers mom moms mommy mum mums mummy father fathers dad dads daddy stepmother stepfather: parent parents
husband husbands wife wives: spouse spouses
boyfriend boyfriends girlfriend girlfriends: partner partners
brother brothers sister sisters: sibling siblings
uncle uncles aunt aunts nephew nephews niece nieces: relative relatives
king kings queen queens: monarch monarchs
prince princes princess princesses: royal royals
monk monks nun nuns: monastic monastics
bride brides groom grooms bridegroom: newlywed newlyweds
schoolboy schoolboys schoolgirl schoolgirls schoolchild schoolchildren schoolkid schoolkids: student students
housewife housewives: homemaker homemakers
ballerina ballerinas: ballet_dancer ballet_dancers
cowboy cowboys cowgirl cowgirls: rancher ranchers
son sons daughter daughters grandson grandsons granddaughter granddaughters stepson stepdaughter: offspring offspring
"""
IRREGULAR_PLURALS = frozenset(["men", "women", "children", "people", "gentlemen", "wives", "housewives", "mice", "geese", "feet", "teeth", "police", "offspring"])


def is_plural(word: str) -> bool:
    w = word.lower().rstrip(".")
    if w in IRREGULAR_PLURALS or w.endswith("men"):
        return True
    if w in ("ms", "mrs", "youth", "bus", "gas"):
        return False
    return w.endswith("s") and not w.endswith("ss")


def _noun_table() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        src, dst = line.split(":")
        sing, plur = (w.replace("_", " ") for w in dst.split())
        for w in src.split():
            out[w] = plur if is_plural(w) and w not in ("mommy", "daddy") else sing
    return out


NOUN_TABLE = _noun_table()

PRONOUN_WORDS = frozenset({"he", "she", "him", "her", "they", "them", "it", "i", "you", "we", "us", "me"})
_FUNC = FUNCTION_WORDS | PRONOUN_WORDS
_SKIP_ADVERBS = INTENSIFIERS | frozenset({"now", "just", "always", "never", "often", "usually", "then", "actually",
                                          "even", "only", "already", "sometimes", "currently"})
NOUNISH = frozenset({"male", "males", "female", "females", "elderly", "young", "aged", "adolescent", "adolescents"})
_PLURAL_ADJ_HEADS = frozenset({"elderly", "young", "aged"})


@dataclass
class Rewrite:
    text: str
    fixed: list[Match]
    declined: list[Match]


def a_or_an(word: str) -> str:
    w = word.lower()
    if not w or not w[0].isalpha():
        return "a"
    if w.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    if w.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ur")):
        return "a"
    return "an" if w[0] in "aeiou" else "a"


def match_case(src: str, new: str) -> str:
    if len(src) > 1 and src.isupper():
        return new.upper()
    if src[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def base_verb(w: str) -> str | None:
    """'walks' -> 'walk', 'carries' -> 'carry', 'watches' -> 'watch'; None if not a 3rd-person -s form."""
    if (not w.isalpha() or not w.islower() or len(w) < 3 or not w.endswith("s") or w.endswith(("ss", "us", "is", "ous"))
            or w in ADVERBS_S or w in FUNCTION_WORDS):
        return None
    if w in ("dies", "lies", "ties", "vies"):
        return w[:-1]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes", "oes")):
        return w[:-2]
    return w[:-1]


class _Doc:
    def __init__(self, text: str):
        self.text = text
        self.spans = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
        self.words = [text[s:e] for s, e in self.spans]
        self.low = [w.lower() for w in self.words]
        self.act: list[str | None] = [None] * len(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def is_word(self, i: int) -> bool:
        return self.words[i][:1].isalnum()

    def prev(self, i: int) -> int | None:
        j = i - 1
        while j >= 0 and self.act[j] == "":
            j -= 1
        return j if j >= 0 else None

    def next(self, i: int) -> int | None:
        j = i + 1
        while j < len(self) and self.act[j] == "":
            j += 1
        return j if j < len(self) else None

    def boundary_before(self, i: int) -> bool:
        """True when token i starts a sentence (or a line)."""
        p = self.prev(i)
        if p is None:
            return True
        return self.low[p] in SENTENCE_END or "\n" in self.text[self.spans[p][1]:self.spans[i][0]]

    def content(self, i: int | None) -> bool:
        """A kept word that can carry meaning (not a function word, not punctuation)."""
        return i is not None and self.is_word(i) and self.low[i] not in _FUNC


def rewrite(text: str, matches: Sequence[Match], replacements: Mapping[str, str | None],
            person_nouns: frozenset[str] = frozenset(), all_pronouns: bool = False) -> Rewrite:
    """Apply the safe fixes of ``matches`` (leak matches whose rule has a replacement) to ``text``."""
    asks = [m for m in matches if m.category == "ask" and m.source != "model"]  # a model ask spans a chunk
    safe = [m for m in matches if m.category == "leak" and replacements.get(m.rule) is not None
            and not any(a.start < m.end and m.start < a.end for a in asks)]
    declined = [m for m in matches if m not in safe]
    if not safe:
        return Rewrite(text, [], declined)
    doc = _Doc(text)
    clusters: list[tuple[int, int, list[Match]]] = []
    pronouns: list[tuple[int, Match]] = []
    for m in sorted(safe, key=lambda m: (m.start, m.end)):
        idx = [k for k, (s, e) in enumerate(doc.spans) if s < m.end and e > m.start]
        if not idx or doc.spans[idx[0]][0] < m.start or doc.spans[idx[-1]][1] > m.end:
            declined.append(m)
            continue
        i, j = idx[0], idx[-1]
        if replacements[m.rule] == "they" and i == j and doc.low[i] in (*PRONOUNS, "her"):
            pronouns.append((i, m))
            continue
        if clusters and i <= clusters[-1][1]:
            ci, cj, cm = clusters[-1]
            clusters[-1] = (ci, max(cj, j), [*cm, m])
        else:
            clusters.append((i, j, [m]))
    fixed: list[Match] = []
    for i, j, ms in clusters:
        reps = {replacements[m.rule] for m in ms}
        before = list(doc.act)
        if reps == {KEEP_HEAD}:
            ok = _keep_head(doc, i, j)
        elif reps - {"", "they", KEEP_HEAD} and "" not in reps:
            ok = _noun(doc, i, j, ms, reps - {"", "they", KEEP_HEAD}, person_nouns)
        else:
            ok = _drop(doc, i, j)
        if ok:
            fixed += ms
            continue
        doc.act = before
        nouns = [m for m in ms if replacements[m.rule] not in ("", "they")] if len(ms) > 1 else []
        for m in ms:
            if m not in nouns:
                declined.append(m)
        for m in nouns:
            idx = [k for k, (s0, e0) in enumerate(doc.spans) if s0 < m.end and e0 > m.start]
            before = list(doc.act)
            if _noun(doc, idx[0], idx[-1], [m], {replacements[m.rule]}, person_nouns):  # type: ignore[arg-type]
                fixed.append(m)
            else:
                doc.act = before
                declined.append(m)
    for i, m in pronouns:
        if doc.act[i] == "":
            fixed.append(m)
            continue
        _pronoun(doc, i)
        fixed.append(m)
    if all_pronouns and fixed and any(m.attribute == "gender" for m in fixed):
        # the person is now neutral: gendered pronouns the engine did not report ("her laptop") go too
        for i in range(len(doc)):
            if doc.act[i] is None and doc.low[i] in (*PRONOUNS, "her"):
                _pronoun(doc, i)
    if not fixed:
        return Rewrite(text, [], declined)
    _collapse_pronoun_pairs(doc)
    _collapse_people(doc)
    _couples(doc)
    _articles(doc)
    return Rewrite(_render(doc), fixed, declined)


# --- nouns ------------------------------------------------------------------------------------
KEEP_HEAD = "{head}"  # a rule's replacement: keep the match's last word, drop the words before it


def _keep_head(doc: _Doc, i: int, j: int) -> bool:
    """'a traditional Mexican dress' -> 'a traditional dress' (the match is 'Mexican dress')."""
    if i == j or not doc.is_word(j):
        return False
    for t in range(i, j):
        doc.act[t] = ""
    return True


# plural nouns "youth" modifies ("a youth sports team"); other words in -s after it are verbs ("a youth walks")
_YOUTH_PLURAL_MODS = frozenset({"sports", "athletics", "games", "programs", "programmes", "services", "groups",
                                "leagues", "clubs", "events", "camps", "hostels", "arts"})


def _noun(doc: _Doc, i: int, j: int, ms: list[Match], reps: set[str], person_nouns: frozenset[str]) -> bool:
    first, last = doc.words[i], doc.low[j]
    nx = doc.next(j)
    if doc.low[i] in HONORIFICS and j <= i + 1:
        k = nx
        if k is not None and doc.words[k] == "." and doc.spans[k][0] == doc.spans[j][1]:
            k = doc.next(k)
        if k is not None and doc.words[k][:1].isupper():
            for t in range(i, k):
                doc.act[t] = ""
            return True
    # "woman doctor", "biracial woman", "baby girl": the word modifies another person noun -> drop it
    if nx is not None and doc.is_word(nx) and doc.low[nx] in person_nouns and nx == j + 1:
        for t in range(i, j + 1):
            doc.act[t] = ""
        return True
    # "a youth baseball game": an age noun used as a modifier -> drop it
    if i == j and last == "youth" and doc.content(nx) and nx is not None and (
            not doc.low[nx].endswith("s") or doc.low[nx] in _YOUTH_PLURAL_MODS):  # "youth sports team"
        doc.act[i] = ""
        return True
    if nx is not None and doc.low[nx] in THING_HEADS:  # "cowboy hat", "man bun": not a person here
        if doc.low[nx] in CLOTHING_HEADS and nx == j + 1:  # "a sexy maid outfit" -> "a sexy outfit"
            for t in range(i, j + 1):
                doc.act[t] = ""
            return True
        return False
    custom = next((r for r in reps if r not in ("person", "people")), None)
    if custom is not None:
        new = custom
    elif last in NOUN_TABLE:
        new = NOUN_TABLE[last]
    elif i == j and last in _PLURAL_ADJ_HEADS:  # "the elderly" as a noun: a group
        new = "people"
    else:
        new = "people" if any(is_plural(doc.low[t]) for t in range(i, j + 1) if doc.is_word(t)) else "person"
    doc.act[i] = match_case(first, new)
    for t in range(i + 1, j + 1):
        doc.act[t] = ""
    # "kids'" -> "people's"
    if (nx is not None and doc.words[nx] in ("'", "’") and doc.spans[nx][0] == doc.spans[j][1]
            and not new.endswith("s")):
        doc.act[nx] = doc.words[nx] + "s"
    # words before the noun that go with it: size/age words before an age noun ("little girls" ->
    # "people"), "grown" before any person noun ("a grown man" -> "a person", not "a grown person")
    age_noun = any(m.attribute == "age" for m in ms) or last in ("girl", "girls", "boy", "boys")
    mods = AGE_MODIFIERS | GROWN if age_noun else GROWN
    p = doc.prev(i)
    while p is not None and doc.low[p] in mods and doc.act[p] is None:
        doc.act[p] = ""
        if doc.words[p][:1].isupper() and doc.boundary_before(p):
            doc.act[i] = match_case(doc.words[p], doc.act[i] or new)
        p = doc.prev(p)
    return True


# --- pronouns ---------------------------------------------------------------------------------
def _pronoun(doc: _Doc, i: int) -> bool:
    w = doc.low[i]
    nx = doc.next(i)
    if nx is not None and doc.low[nx] in ("/", "or", "and") and doc.next(nx) is not None \
            and doc.low[doc.next(nx)] in (*PRONOUNS, "her"):  # type: ignore[index]
        nx = doc.next(doc.next(nx))  # type: ignore[arg-type]
    ends = nx is None or not doc.is_word(nx) or doc.low[nx] in _FUNC
    if w == "her":
        new = "them" if ends else "their"
    elif w == "his":
        new = "theirs" if ends else "their"
    else:
        new = PRONOUNS[w]
    doc.act[i] = match_case(doc.words[i], new)
    if w not in SUBJECT:
        return True
    p = doc.prev(i)
    if p is not None and doc.low[p] in AUX and doc.low[p] not in ("'s", "’s"):
        pp = doc.prev(p)
        if (pp is None or doc.boundary_before(p) or doc.low[pp] in WH or doc.low[pp] in ("and", "or", "but", ",")
                or nx is None or (not doc.is_word(nx) and doc.low[nx] != "'")):
            doc.act[p] = match_case(doc.words[p], AUX[doc.low[p]])
            return True
    k = nx
    while k is not None and (doc.low[k] in _SKIP_ADVERBS or (doc.low[k].endswith("ly") and doc.low[k] != "only")
                             or doc.low[k] in ADVERBS_S):
        k = doc.next(k)
    if k is None:
        return True
    lk = doc.low[k]
    if lk in AUX:
        if lk in ("'s", "’s"):
            k2 = doc.next(k)
            after = doc.low[k2] if k2 is not None else ""
            doc.act[k] = doc.words[k][0] + ("ve" if after in ("got", "been") else "re")
        else:
            doc.act[k] = match_case(doc.words[k], AUX[lk])
    else:
        b = base_verb(lk)
        if b is None:
            return True
        doc.act[k] = b
    # "he is smiling and appears happy" -> "they are smiling and appear happy"
    t, steps = doc.next(k), 0
    while t is not None and steps < 12 and doc.low[t] not in (".", ";", ":", "!", "?", ",") \
            and doc.low[t] not in PRONOUN_WORDS and doc.low[t] not in ("who", "that", "which", "while"):
        if doc.low[t] in ("and", "or", "but"):
            v = doc.next(t)
            if v is not None and doc.act[v] is None and (doc.low[v] in AUX and doc.low[v] not in ("'s", "’s")
                                                        or doc.low[v] in COORD_VERBS):
                doc.act[v] = AUX.get(doc.low[v]) or base_verb(doc.low[v])
            break
        t, steps = doc.next(t), steps + 1
    return True


COORD_VERBS = frozenset({"appears", "seems", "looks", "smiles", "holds", "wears", "stands", "sits", "enjoys"})


def _collapse_pronoun_pairs(doc: _Doc) -> None:
    """'their or their', 'they/they' -> 'their', 'they' (from 'his or her', 'he/she')."""
    for i in range(len(doc)):
        a = doc.act[i]
        if not a or a.lower() not in ("they", "them", "their", "theirs", "themselves"):
            continue
        c = doc.next(i)
        if c is None or doc.low[c] not in ("or", "/", "and"):
            continue
        k = doc.next(c)
        if k is not None and doc.act[k] and doc.act[k].lower() == a.lower():
            doc.act[c] = ""
            doc.act[k] = ""


def _collapse_people(doc: _Doc) -> None:
    """'people and people' (from 'children and adults', 'women or girls') -> 'people'."""
    for i in range(len(doc)):
        a = doc.act[i]
        if not a or a.lower() != "people":
            continue
        c = doc.next(i)
        if c is None or doc.low[c] not in ("or", "and", "/"):
            continue
        k = doc.next(c)
        if k is not None and doc.act[k] and doc.act[k].lower() == "people":
            doc.act[c] = ""
            doc.act[k] = ""
            b = doc.prev(i)  # "both children and adults" -> "people", not "both people"
            if b is not None and doc.low[b] in ("both", "either") and doc.act[b] is None:
                doc.act[b] = ""


def _couples(doc: _Doc) -> None:
    """'the newlywed and newlywed' (from 'the bride and groom') -> 'the newlyweds'."""
    for i in range(len(doc)):
        a = doc.act[i]
        if not a or is_plural(a):
            continue
        c = doc.next(i)
        if c is None or doc.low[c] != "and":
            continue
        k = doc.next(c)
        p = doc.prev(i)
        if (k is not None and doc.act[k] and doc.act[k].lower() == a.lower() and p is not None
                and doc.low[p] == "the" and doc.act[p] is None):
            doc.act[i] = a + "s" if a != "person" else "two people"
            doc.act[c] = ""
            doc.act[k] = ""


# --- dropped words ----------------------------------------------------------------------------
def _drop(doc: _Doc, i: int, j: int) -> bool:
    if any(doc.low[t] in COPULAS or doc.low[t] in (":", "weighs", "weigh", "weighed", "weighing")
           for t in range(i, j + 1)):
        return False
    if sum(1 for t in range(i, j + 1) if doc.is_word(t)) > MAX_DROP_WORDS:
        return False
    if i == j and doc.low[j] in ("males", "females"):
        doc.act[i] = match_case(doc.words[i], "people")
        return True
    if doc.low[i] != "of" and (doc.low[j] in BODY_NOUNS or doc.low[j] in PHRASE_NOUNS):
        return _drop_body_phrase(doc, i, j)
    # intensifiers just before: "a very young woman"
    lo = i
    p = doc.prev(i)
    while p is not None and doc.low[p] in INTENSIFIERS and doc.low[p] not in ("about", "over", "under", "between"):
        lo = p
        p = doc.prev(p)
    nx = doc.next(j)
    multi = sum(1 for t in range(i, j + 1) if doc.is_word(t)) > 1

    def delete(a: int, b: int) -> None:
        for t in range(a, b + 1):
            doc.act[t] = ""

    # coordination: "tall and young" / "young and tall"; not "a boy or young man", where the word
    # before the conjunction is a person noun already rewritten (the conjunction joins two nouns)
    pp = doc.prev(p) if p is not None else None
    if p is not None and doc.low[p] in ("and", "or") and doc.content(pp) and (
            not doc.content(nx) or not is_plural(doc.low[pp])) and not (  # type: ignore[index]
            doc.content(nx) and doc.act[pp]):  # type: ignore[index]
        delete(p, j)
        return True
    if nx is not None and doc.low[nx] in ("and", "or") and doc.content(doc.next(nx)):
        delete(lo, nx)
        return True
    # predicative: "the man is (very) old", "she appears to be young" -> not safely removable
    q = p
    while q is not None and (doc.low[q] in INTENSIFIERS or doc.low[q] in TO_BE):
        q = doc.prev(q)
    # an adjective before its noun is attributive even after a copula: "they are young people"
    attributive = doc.content(nx) and not multi
    if not attributive:
        if q is not None and doc.low[q] in COPULAS and doc.low[q] not in ("to", "be") or (
                q is not None and doc.low[q] == "be"):
            return False
        if p is not None and (doc.low[p] in COPULAS or doc.low[p] in ("has", "have", "had", "having")):
            return False
        if q is not None and doc.low[q] in ("has", "have", "had", "having"):
            return False
    head = nx is None or (not doc.is_word(nx) and doc.low[nx] != ",") or (doc.low[nx] in _FUNC and doc.low[nx] != ",")
    if head and not multi:
        det = p is not None and (doc.low[p] in DETERMINERS or doc.low[p].isdigit())
        w = doc.low[j]
        if det:
            new = "people" if (is_plural(w) or w in _PLURAL_ADJ_HEADS) else "person"
            doc.act[i] = match_case(doc.words[i], new)
            delete(i + 1, j)
            return True
        if not multi:
            return False
    # commas around the dropped words (an appositive: "the man, about 40,"; "a woman, 32,"), not one adjective of a
    # list ("a tall, young, thin man")
    appositive = multi or doc.low[i].isdigit()
    if nx is not None and doc.low[nx] == "," and p is not None and doc.low[p] == "," and appositive:
        delete(p, nx)
        return True
    if nx is not None and doc.low[nx] == "," and (p is None or doc.low[p] in DETERMINERS or doc.low[p] == ","
                                                   or doc.boundary_before(lo)):
        delete(lo, nx)
        return True
    if p is not None and doc.low[p] == "," and lo == i:
        delete(p, j)
        return True
    delete(lo, j)
    return True


def _drop_body_phrase(doc: _Doc, i: int, j: int) -> bool:
    """'a woman with blue eyes smiles' -> 'a person smiles'; 'with blonde hair and blue eyes' -> 'with blonde hair'."""
    b = i
    p = doc.prev(i)
    steps = 0
    while p is not None and steps < 4 and doc.low[p] not in ("with", "and", ",") and (
            doc.content(p) or doc.low[p] in ("a", "an", "the")):
        b = p
        p = doc.prev(p)
        steps += 1
    if p is None:
        return False
    nx = doc.next(j)
    if doc.low[p] in ("and", ","):
        w, steps = doc.prev(p), 0
        while w is not None and steps < 10 and doc.low[w] != "with" and doc.low[w] not in SENTENCE_END:
            w, steps = doc.prev(w), steps + 1
        if w is None or doc.low[w] != "with":
            return False
        for t in range(p, j + 1):
            doc.act[t] = ""
        return True
    if doc.low[p] != "with":
        return False
    if nx is not None and doc.low[nx] in ("and", ",") and doc.content(doc.next(nx)) or (
            nx is not None and doc.low[nx] == "and" and doc.next(nx) is not None
            and doc.low[doc.next(nx)] in ("a", "an", "the")):  # type: ignore[index]
        for t in range(b, nx + 1):
            doc.act[t] = ""
        return True
    for t in range(p, j + 1):
        doc.act[t] = ""
    return True


# --- articles and rendering -------------------------------------------------------------------
def _articles(doc: _Doc) -> None:
    for i in range(len(doc)):
        if doc.act[i] is not None or doc.low[i] not in ARTICLES:
            continue
        k = doc.next(i)
        if k is None:
            continue
        touched = k != i + 1 or doc.act[k] is not None
        if not touched:
            continue
        nxt = doc.act[k] if doc.act[k] is not None else doc.words[k]
        new = a_or_an(nxt)
        if new != doc.low[i]:
            doc.act[i] = match_case(doc.words[i], new)


def _render(doc: _Doc) -> str:
    text = doc.text
    out: list[str] = []
    prev_end = 0
    pending: str | None = None
    cap = False
    emitted = False
    for k, (s, e) in enumerate(doc.spans):
        gap = text[prev_end:s]
        prev_end = e
        a = doc.act[k]
        if a == "":
            if pending is None:
                pending = gap
                pk = doc.prev(k)
                if doc.words[k][:1].isupper() and (
                        pk is None or doc.low[pk] in SENTENCE_END or "\n" in text[doc.spans[pk][1]:s]):
                    cap = True
            continue
        word = a if a is not None else doc.words[k]
        if pending is not None:
            if not emitted or "\n" in pending:
                use = pending
            else:
                use = pending or gap
                if "\n" in gap and "\n" not in use:
                    use = gap
                if word in CLOSING and "\n" not in use:
                    use = ""
            pending = None
            if cap and word[:1].islower():
                word = word[:1].upper() + word[1:]
            cap = False
        else:
            use = gap
        out.append(use)
        out.append(word)
        emitted = True
    out.append(text[prev_end:])  # trailing text; a deleted run at the end takes its gap with it
    return "".join(out)
