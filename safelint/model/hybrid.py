"""Rules + classifier ("hybrid"): rules propose, the model confirms and adds.

For one text and role:

1. The rules scan it (``Engine.scan``).  Explicit rule hits ("25-year-old", "blue eyes") are
   kept as they are (source ``rule``, or ``both`` when the model agrees).
2. Implicit rule hits (``kind: implicit``: colour words, old/young, heavy/large, pronouns...)
   are ambiguous: each is kept only if the model's probability for its attribute, on the chunk
   that holds it, reaches ``confirm`` × the label's threshold (source ``both``, confidence =
   that probability); otherwise it is dropped.
3. Chunks that mention a person (a person noun or pronoun of the rules' lexicon; human turns
   always) and where no rule found an attribute, get a ``model`` finding for each attribute
   whose probability reaches ``find`` × the threshold (implicit leakage no rule anticipated),
   provided the chunk holds that attribute's cue words, if it has some (``FIND_CUES``:
   eye colour needs an eye, iris or gaze, and a colour or shade word; weight a body word, a weight
   unit or a build word).

Cascade (:meth:`Hybrid.needs_model`): a text reaches the model only if one of its implicit rule
hits needs confirming, or if the model may add a finding there (:meth:`Hybrid.findable`); text
that cannot leak never does, which keeps hybrid fast.  ``scope`` trades speed for recall:
``hits`` never lets the model add findings (it only confirms ambiguous rule hits: the fewest
texts reach it), ``person`` (the default) lets it add findings in person-mentioning chunks,
``all`` in every chunk of every text.  Model-only findings also need a ``find`` threshold ≤ 1 for
their attribute (``labels.json`` → ``hybrid.find``, or the ``model-find`` setting).  The shipped
tuning confirms every rule hit (``confirm`` 0) and lets the model add body weight only, so only
person-mentioning chunks with a build word, a body-size word or a weight unit reach it.  In a human turn the model
may also add an ask of its own (``ASK_FIND``, the ``ask_find_at`` setting; the lower of the two thresholds applies
there): the shipped setting adds a question about eye colour at 0.9 that no rule read ("does the baby have his dad's
blue eyes or did they turn brown?", "Would green contacts look natural on him or are his eyes too dark?"), never
where the colour only picks someone out ("What is the man with blue eyes looking at?", :data:`_EYE_SELECTORS`).

Within a text that reaches the model, only the chunks whose scores can matter are scored
(:meth:`Hybrid.chunks_to_score`): those holding a rule hit (their score sets the hit's source,
confidence, or veto), plus the chunks where the model may add findings (:meth:`Hybrid.findable`).
The other chunks keep their spans with no scores and can produce nothing, so the findings are
exactly those of scoring every chunk.  Scores are cached by chunk text in the classifier (see
``runtime``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from safelint.model.runtime import Chunk, LeakClassifier
from safelint.regexcase import lowered_twin
from safelint.tables import withheld

Source = Literal["rule", "model", "both"]
# Words without which a text cannot state an attribute: the model may add a finding of that
# attribute only in a chunk holding one (attributes not listed: any chunk in scope).
# Each attribute's cues are patterns that must all match: eye colour needs an eye word and a colour or
# shade word (an eye colour cannot be stated without one; "keep an eye on", "hand-eye coordination"
# never reach the model for it).
FIND_CUES: dict[str, tuple[re.Pattern[str], ...]] = {
    "eye_color": (
        re.compile(r"\b(?:eyes?|eyed|iris(?:es)?|irides|gaze|pupils?|eyeballs?)\b", re.IGNORECASE),
        # word starts, so that "bluer", "blue-green", "brownish" and "coloured" count too
        re.compile(r"\b(?:blue|green|brown|hazel|gr[ae]y|amber|black|dark|light|pale|violet|purple|red|pink|gold"
                   r"|honey|chocolate|emerald|sapphire|azure|steel|ic[ey]|silver|olive|teal|turquoise|aqua|jade"
                   r"|copper|bronze|caramel|chestnut|coffee|cocoa|mahogany|espresso|walnut|cobalt|indigo|navy"
                   r"|colou?r|hue|shade|tint|tone)", re.IGNORECASE),
    ),
    # a build word, a body-size word or a weight unit ("a thin build", "around 160 pounds", "noticeably bulkier than
    # the rest", "in good shape", "a round-bodied person"): the model finds build cues the rules miss there.  Kept
    # narrow, so that person-mentioning text without one (nearly all of it) never reaches the model for weight: not
    # "thin", "lean", "slender", "curvy", "bulky", "frame", "figure", "neck", "torso", "weight" or "body", said of
    # roads, birds, coats, glasses and neckties as often as of people (the rules find them when they describe someone)
    "weight": (
        re.compile(r"\b(?:build(?=\s*(?:[,.;:!?)\n]|with\b|that\b|who\b|is\b|of\b))|builds|physiques?"
                   r"|(?:round|heavy|thick|full|big|large|stout|slim|thin|barrel|broad)-bodied|pounds(?!\s+of\b)|lbs?"
                   r"|kg|kilos?|waist(?:line)?s?|in\s+(?:(?:good|great|excellent|fine|top|peak|decent|better|poor|bad"
                   r"|remarkable|remarkably|very|really|such|amazing|incredible)\s+){1,2}shape|overweight|obese|chubby"
                   # (not a garment's cut: "a slim-fit shirt", "skinny jeans", held-out set 72)
                   r"|plump|heavy-?set|stocky|slim(?![- ]fit)|skinny(?![- ](?:jeans|fit|tie))|petite|lanky|burly"
                   r"|bulk(?:ier|iest)|stout|portly|wiry|bony"
                   r"|frail|gaunt|husky|hefty|muscular(?!\s+(?:endurance|strength|system|tissue|power|fitness|activity))"
                   r"|broad(?=\s*(?:[,.;:!?)\n]|and\b|through\b|in\b|shoulder|chest|-)))\b", re.IGNORECASE),
    ),
}


def _lowered_cue(cue: re.Pattern[str]) -> re.Pattern[str]:
    twin = lowered_twin(cue)
    if twin is None:
        raise ValueError(f"a FIND_CUES pattern must not read case: {cue.pattern[:60]!r}")
    return twin


# the same cues for lower-cased text, without re.IGNORECASE: a case-blind search of these long alternations costs
# about four times as much (the hybrid cascade runs them on every person-mentioning chunk)
_CUES_LOWER: dict[str, tuple[re.Pattern[str], ...]] = {a: tuple(map(_lowered_cue, ps)) for a, ps in FIND_CUES.items()}
# The probabilities at which the model adds an ask of its own in a human turn (attributes not listed: only the
# ``find`` threshold).  Chosen on question sets 2 and 27-44 and the 24,765 LLaVA-Instruct human turns (twenty-fifth
# session): at 0.9, with the selectors below blanked, an eye-colour ask adds 28 asks the rules missed against 2
# look-alikes ("Does this eyeshadow work for blue eyes?", the snowman's eyes) over every human turn of eval/, and
# nothing on the LLaVA turns; age, gender and race add about as many look-alikes as asks at any threshold
# (selectors: "the old man", "the woman in red"), weight keeps its ``find`` threshold.
ASK_FIND: dict[str, float] = {"eye_color": 0.9, "age": 0.9}
# The probability of the classifier's "asks" head (this human turn asks for some attribute) that an ask of the model
# alone needs too.  Age (twenty-sixth session, question sets 2 and 27-50 but 45 and 47, and the LLaVA-Instruct human
# turns): at age ≥ 0.9, asks ≥ 0.8, with an age cue left once the words that only pick someone out are blanked
# (:data:`_AGE_SELECTORS`, :data:`_AGE_CUE`), 21 asks the rules missed against 4 look-alikes ("Could he ride the
# kiddie coaster?", "Would she get carded at a bar?" against "At what age can kids ...?"), none of the 25,428
# LLaVA human turns; without the asks head 31 against 29.
ASK_HEAD: dict[str, float] = {"age": 0.8}
# the words that only pick someone out in a question about something else, blanked before an age cue is looked for:
# "What is the young man holding?", "How many kids are on the slide?", "the older woman's bag"
_AGE_SELECTORS = re.compile(
    r"\b(?:the|this|that|these|those|his|her|their|my|your|a|an|any|some|two|three|four|five|several|many)\s+"
    r"(?:[a-z-]+\s+){0,2}(?:man|woman|men|women|girl|boy|girls|boys|guy|guys|lady|ladies|gentleman|gentlemen|kid|"
    r"child|children|kids|person|people|baby|babies|toddler|toddlers|teen|teens|teenager|teenagers|dude|gal|female|"
    r"male|females|males|adult|adults|player|players|individuals?)\b(?!\s+or\b)(?!\s*/)"
    # "the older of the two boys", "the youngest one": which one, not how old
    r"|\bthe\s+(?:older|younger|oldest|youngest|elder|eldest)(?:-looking)?\s+(?:one|ones|of)\b"
    # the speaker's own age, said in passing: "write me a tinder bio, I'm 29" (session 28)
    r"|\b(?:i'?m|i am|im)\s+\d{1,2}\b")
# what a question about someone's age says once the selectors are blanked: an age word, a number, a life stage, or
# what an age allows ("carded", "the senior discount", "old enough to vote")
_AGE_CUE = re.compile(
    r"\b(?:age[sd]?|old|older|oldest|young|younger|youngest|years?|yrs|born|birth|birthday|teens?|teenage(?:r|rs)?|"
    r"kids?|child(?:ren)?|adults?|minors?|seniors?|elderly|decades?|generation|gen ?[xyz]|boomers?|millennials?|"
    r"retire\w*|school|college|grade|university|\d{1,2}s?|twenties|thirties|forties|fifties|sixties|seventies|"
    r"eighties|baby|babies|toddlers?|infants?|carded|id|alcohol|drink|vote|discount|pension\w*|mature|youthful|"
    r"aging|ageing)\b")
# an eye colour that picks someone out in a question about something else: "What is the man with blue eyes looking
# at?", "the blue-eyed girl"; and a bruise, "a black eye".  Blanked before the model may add an eye-colour ask.
_EYE_COLOUR = r"(?:blue|green|brown|hazel|gr[ae]y|amber|dark|light|pale|black|violet)"
_EYE_SELECTORS = re.compile(
    r"\b(?:man|woman|person|girl|boy|guy|lady|kid|child|baby|one|individual|player|model|actor|actress|student"
    r"|toddler|teen|teenager|gentleman|people|men|women|kids|children)\s+(?:with|w/|who has|who have|having)\s+(?:the\s+)?(?:"
    + _EYE_COLOUR + r"[- ])?" + _EYE_COLOUR + r"\s+eyes\b|\b" + _EYE_COLOUR + r"-eyed\s+[a-z]+|\ba black eye\b(?!s)"
    r"|\bwith my little eye\b")  # (the game: "I spy with my little eye something green", session 28)
# a build that picks someone out in a question about something else: "What is the heavyset man in the apron cooking?",
# "the skinny guy on the left"; blanked before the model may add a weight ask (twenty-sixth session, set 51)
_WEIGHT_SELECTORS = re.compile(
    r"\b(?:the|this|that|those|these)\s+(?:heavy-?set|skinny|fat|thin|chubby|stocky|slim|slender|muscular|burly|"
    r"plump|overweight|petite|lanky|tall|short)\s+(?:[a-z]+\s+)?(?:man|woman|men|women|guy|guys|girl|boy|lady|person|"
    r"kid|child|one|dude|gentleman|player|worker|chef|cook)\b(?!\s+or\b)(?!\s*/)")
# an attribute a request takes out or sets aside (session 28): "remove the part about her age", "Skip the skin tone
# and age.", "without mentioning anyone's age"; blanked before the model may add an ask (the rules' own such asks are
# quiet: engine/context.py's _forbidden)
_TAKEN_ATTR = r"(?:ages?|aged|genders?|sex|ethnicity|race|skin(?: tone)?|weight|build|eye colou?rs?)"
_TAKEN_OUT = re.compile(
    r"\b(?:remove|removing|delete|deleting|erase|omit|omitting|strip|exclude|excluding|redact|without|skip|skipping|"
    r"forget|ignore|ignoring|leave out|leaving out|don'?t (?:mention|guess|include|say|state|give)|do not (?:mention|"
    r"guess|include|say|state|give))\b[^.?!\n]{0,30}?\b" + _TAKEN_ATTR
    + r"(?:\s*(?:,|and|or|nor|&|/)\s*(?:the |his |her |their |any )?" + _TAKEN_ATTR + r")*\b")
# a field and its value, to the end of the line: "**Build:** Hard to judge – she's wrapped in a puffer coat"
_WITHHELD_FIELD = re.compile(r"\b(?:build|physique|body\s+(?:type|shape|size)|weight|frame|figure)\b[*_ ]*:[^\n]*",
                             re.IGNORECASE)


# a likeness that is no person, to the end of its sentence: "a bronze statue of a bearded, heavyset man", "The
# mannequin ... has a slender, petite figure" (held-out set 100: the rules keep them quiet; the model's build words
# there are the likeness's). Not a painting, drawing or photo: those show a person.
_LIKENESS = re.compile(r"\b(?:statues?|sculptures?|figurines?|mannequins?|dolls?|puppets?|dummy|dummies"
                       r"|action\s+figures?|snow(?:man|men)|scarecrows?|mascots?|teddy(?:\s+bears?)?)\b[^.;!?\n]*",
                       re.IGNORECASE)


def _blank_withheld(m: re.Match[str]) -> str:
    """A field whose value is withheld ("Build: Not visible", held-out set 78), blanked: it says nothing of the
    body, so it sends no chunk to the model; any other field is kept."""
    return " " * len(m.group(0)) if withheld(m.group(0).partition(":")[2]) else m.group(0)


Scope = Literal["hits", "answers", "person", "all"]
SCOPES: tuple[Scope, ...] = ("hits", "answers", "person", "all")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
ATTRS = ("age", "gender", "race", "eye_color", "weight")


@dataclass(frozen=True)
class HybridFinding:
    attribute: str
    category: str  # leak | ask
    source: Source
    confidence: float
    start: int
    end: int
    rule: str | None = None


class Hybrid:
    def __init__(self, engine: Any, clf: LeakClassifier, *, confirm: float | None = None, find: float | None = None,
                 scope: Scope = "person", overlap: bool = False,
                 confirm_at: Mapping[str, float] | None = None, find_at: Mapping[str, float] | None = None,
                 ask_find_at: Mapping[str, float] | None = None):
        """``confirm``/``find``: factors on the label thresholds; by default the per-attribute
        probabilities tuned on the dev split (``labels.json`` → ``hybrid``), else 0.5× and 1×.
        ``confirm_at``/``find_at``: per-attribute probabilities that override both (the
        ``model-confirm``/``model-find`` settings; a negative value, ``"label"`` in the settings,
        is the classifier's label threshold of the attribute).  ``scope``: where the model may add findings
        of its own: ``hits`` nowhere (it only confirms or vetoes ambiguous rule hits),
        ``answers`` in chunks of answers and captions that mention a person (never an ask of its own
        in a human turn), ``person`` in chunks that mention a person (and human turns), ``all``
        everywhere.  ``ask_find_at``: per-attribute probabilities at which the model adds an ask in a human turn
        (default :data:`ASK_FIND`; the lower of it and the ``find`` threshold applies to human turns).
        ``overlap``: in ``scan_many``, run the model on a worker thread while the rules go on
        (same findings).  Off by default: on 2 cores it paid off only with a 1-thread session
        (LLaVA gpt turns: 1 thread 1,690 → 1,840 turns/s; 2 threads 1,845 sequential, 1,730
        overlapped, the model's threads then competing with the rules)."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)} (got {scope!r})")
        self.engine = engine
        self.clf = clf
        self.scope = scope
        tuned = (getattr(clf, "meta", None) or {}).get("hybrid", {})
        thr = clf.thresholds
        self.confirm_thr = {a: confirm * thr.get(a, 0.5) if confirm is not None
                            else float(tuned.get("confirm", {}).get(a, 0.5 * thr.get(a, 0.5))) for a in ATTRS}
        self.find_thr = {a: find * thr.get(a, 0.5) if find is not None
                         else float(tuned.get("find", {}).get(a, thr.get(a, 0.5))) for a in ATTRS}
        for mine, given in ((self.confirm_thr, confirm_at), (self.find_thr, find_at)):
            # a negative value (LABEL_THRESHOLD, "label" in the settings): the classifier's own label threshold
            mine.update({a: thr.get(a, 0.5) if p < 0 else p for a, p in (given or {}).items()})
        asks = {**ASK_FIND, **{a: thr.get(a, 0.5) if p < 0 else p for a, p in (ask_find_at or {}).items()}}
        self.ask_find_thr = {a: min(self.find_thr[a], asks.get(a, 1.01)) for a in ATTRS}  # in human turns
        # attributes the model may add findings of (scope permitting, find threshold reachable), in answers and in
        # human turns
        self._findable = () if scope == "hits" else tuple(a for a in ATTRS if self.find_thr[a] <= 1.0)
        self._ask_findable = () if scope in ("hits", "answers") else tuple(
            a for a in ATTRS if self.ask_find_thr[a] <= 1.0)
        lex = engine.lex
        self._person = set(lex.nouns) | set(lex.pronouns) | {"his", "her", "hers"}
        self._mention_cache: dict[str, bool] = {}
        self.overlap = overlap
        self._pool: Any = None

    def mentions_person(self, text: str) -> bool:
        hit = self._mention_cache.get(text)
        if hit is None:
            hit = any(w in self._person or w.split("'")[0] in self._person for w in _WORD.findall(text.lower()))
            if len(self._mention_cache) > 100_000:
                self._mention_cache.clear()
            self._mention_cache[text] = hit
        return hit

    def scan_many(self, texts: Sequence[str], roles: Sequence[str | None], *, batch_size: int | None = None,
                  matches: Sequence[Sequence[Any]] | None = None) -> list[list[HybridFinding]]:
        spans_ok = hasattr(self.clf, "score_spans") and hasattr(self.clf, "chunks")
        if matches is None and spans_ok and self.overlap and len(texts) > 1 and getattr(self.clf, "batch_invariant", False):
            return self._scan_overlapped(texts, roles)
        if matches is None:
            matches = [self.engine.scan(t, r) for t, r in zip(texts, roles)]
        need = [i for i, (t, r, m) in enumerate(zip(texts, roles, matches)) if self.needs_model(t, r, m)]
        if not spans_ok:  # a classifier that scores whole texts only
            scored = self.clf.score_chunks([texts[i] for i in need], [roles[i] for i in need], batch_size=batch_size)
            chunks_of = dict(zip(need, scored))
        else:
            chunks_of = {}
            items: list[tuple[str, str | None, int, int]] = []
            where: list[tuple[int, int]] = []  # (text index, chunk index) of each item
            many = getattr(self.clf, "chunks_many", None)
            spans_of = (many([texts[i] for i in need], [roles[i] for i in need]) if many is not None
                        else [self.clf.chunks(texts[i], roles[i]) for i in need])
            for i, spans in zip(need, spans_of):
                chunks_of[i] = [Chunk(i, s, e, {}) for s, e in spans]
                for k in self.chunks_to_score(texts[i], roles[i], matches[i], spans):
                    items.append((texts[i], roles[i], *spans[k]))
                    where.append((i, k))
            for (i, k), sc in zip(where, self.clf.score_spans(items, batch_size=batch_size)):
                c = chunks_of[i][k]
                chunks_of[i][k] = Chunk(i, c.start, c.end, sc)
        return [self.decide(text, role, matches[i], chunks_of.get(i, []))
                for i, (text, role) in enumerate(zip(texts, roles))]

    def _scan_overlapped(self, texts: Sequence[str], roles: Sequence[str | None]) -> list[list[HybridFinding]]:
        """``scan_many`` with the model running on one worker thread while the rules scan the next
        texts (onnxruntime releases the GIL).  Batch-invariant classifiers only: every chunk runs
        alone, so its scores do not depend on when or beside what it runs; the findings are those
        of the sequential path."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="safelint-model")
        matches = []
        pending = []  # (text index, spans, chunk indices, future of their scores)
        for i, (t, r) in enumerate(zip(texts, roles)):
            m = self.engine.scan(t, r)
            matches.append(m)
            if self.needs_model(t, r, m):
                spans = self.clf.chunks(t, r)
                ks = self.chunks_to_score(t, r, m, spans)
                pending.append((i, spans, ks, self._pool.submit(self.clf.score_spans, [(t, r, *spans[k]) for k in ks])))
        chunks_of = {}
        for i, spans, ks, fut in pending:
            chs = [Chunk(i, s, e, {}) for s, e in spans]
            for k, sc in zip(ks, fut.result()):
                chs[k] = Chunk(i, chs[k].start, chs[k].end, sc)
            chunks_of[i] = chs
        return [self.decide(text, role, matches[i], chunks_of.get(i, []))
                for i, (text, role) in enumerate(zip(texts, roles))]

    def may_find(self) -> bool:
        """Can the model add findings of its own anywhere (some attribute :meth:`findable`)?"""
        return bool(self._findable or self._ask_findable)

    def chunks_to_score(self, text: str, role: str | None, matches: Sequence[Any],
                        spans: Sequence[tuple[int, int]]) -> list[int]:
        """Indices of the chunks (``spans``) whose scores :meth:`decide` can use: those holding a
        rule hit, and those where the model may add findings (:meth:`findable`)."""
        want: set[int] = set()
        starts = [s for s, _ in spans]
        for m in matches:
            want.update(_hold(spans, m.start, m.end, starts))
        if self._findable or self._ask_findable:
            want.update(k for k, (s, e) in enumerate(spans) if self.findable(text[s:e], role))
        return sorted(want)

    def needs_model(self, text: str, role: str | None, matches: Sequence[Any]) -> bool:
        """The cascade: does this text need the model at all?

        Yes when an implicit rule hit needs confirming (its attribute's ``confirm`` > 0), or when
        the model may add a finding of its own there (:meth:`findable`).  Otherwise the rules'
        answer stands.
        """
        if any(m.kind != "explicit" and self.confirm_thr.get(m.attribute, 0.0) > 0 for m in matches):
            return True
        return bool(self.findable(text, role))

    def findable(self, piece: str, role: str | None) -> tuple[str, ...]:
        """The attributes the model may add a finding of in ``piece`` (empty: none).

        The scope must allow it (``hits``: never; ``answers``: the piece mentions a person and is
        no human turn; ``person``: the piece mentions a person, or is a human turn; ``all``:
        always), the attribute's ``find`` threshold must be reachable
        (≤ 1), and the piece must hold one of the attribute's cue words when it has some
        (:data:`FIND_CUES`: no eye colour without an eye and a colour): text that cannot leak the attribute
        never reaches the model for it."""
        pool = self._ask_findable if role == "human" else self._findable
        if not pool or (self.scope != "all" and role != "human" and not self.mentions_person(piece)):
            return ()
        low = piece.lower()
        found = tuple(a for a in pool if all(p.search(low) for p in _CUES_LOWER.get(a, ())))
        if not found:
            return ()  # (most pieces: blanking below only removes cue words, so it is needed only when one is there)
        if ":" in low:
            low = _WITHHELD_FIELD.sub(_blank_withheld, low)  # "Build: Hard to judge" is no build word
        low = _LIKENESS.sub(lambda m: " " * len(m.group(0)), low)
        if role == "human":  # "remove the part about her age": an attribute taken out, not asked for
            low = _TAKEN_OUT.sub(lambda m: " " * len(m.group(0)), low)
        if role == "human" and "eye_color" in found and "eye" in low:
            low = _EYE_SELECTORS.sub(lambda m: " " * len(m.group(0)), low)
        if role == "human" and "weight" in found:  # "What is the heavyset man in the apron cooking?"
            low = _WEIGHT_SELECTORS.sub(lambda m: " " * len(m.group(0)), low)
        if role == "human" and "age" in found and not _AGE_CUE.search(_AGE_SELECTORS.sub(" ", low)):
            found = tuple(a for a in found if a != "age")
        return tuple(a for a in found if all(p.search(low) for p in _CUES_LOWER.get(a, ())))

    def decide(self, text: str, role: str | None, matches: Sequence[Any], chunks: Sequence[Any]) -> list[HybridFinding]:
        category = "ask" if role == "human" else "leak"
        found: list[HybridFinding] = []
        covered: set[tuple[int, str, str]] = set()  # (chunk index, attribute, category) with a rule finding
        spans = [(c.start, c.end) for c in chunks]
        starts = [s for s, _ in spans]
        for m in matches:
            hold = _hold(spans, m.start, m.end, starts)
            p = max((chunks[k].scores.get(m.attribute, 0.0) for k in hold), default=None)
            for k in hold:
                covered.add((k, m.attribute, m.category))
            if m.kind == "explicit" or p is None:
                src: Source = "both" if p is not None and p >= self.clf.thresholds.get(m.attribute, 0.5) else "rule"
                found.append(HybridFinding(m.attribute, m.category, src, 1.0 if p is None else max(p, 0.5),
                                           m.start, m.end, m.rule))
            elif p >= self.confirm_thr.get(m.attribute, 0.0):
                found.append(HybridFinding(m.attribute, m.category, "both", p, m.start, m.end, m.rule))
        for k, c in enumerate(chunks):
            if not c.scores:  # not scored: chunks_to_score found nothing the model could add here
                continue
            for a in self.findable(text[c.start:c.end], role):
                if (k, a, category) in covered:
                    continue
                p = c.scores.get(a, 0.0)
                if p >= (self.ask_find_thr if role == "human" else self.find_thr)[a] and (
                        role != "human" or c.scores.get("asks", 1.0) >= ASK_HEAD.get(a, 0.0)):
                    found.append(HybridFinding(a, category, "model", p, c.start, c.end))
        return found


def _hold(spans: Sequence[tuple[int, int]], start: int, end: int, starts: Sequence[int] | None = None) -> list[int]:
    """Indices of the chunks a rule hit lies in (the first chunk if it overlaps none).  ``spans``
    are sorted and disjoint (``starts``: their start offsets, for a binary search)."""
    if not spans:
        return []
    starts = starts if starts is not None else [s for s, _ in spans]
    k = max(0, bisect_right(starts, start) - 1)
    out = []
    while k < len(spans) and spans[k][0] < end:
        if start < spans[k][1]:
            out.append(k)
        k += 1
    return out or [0]


def model_only(clf: LeakClassifier, texts: Sequence[str], roles: Sequence[str | None], *,
               batch_size: int | None = None) -> list[set[str]]:
    """Attributes the classifier alone finds in each text (probability ≥ threshold)."""
    return [{a for a in ATTRS if s[a] >= clf.thresholds.get(a, 0.5)}
            for s in clf.predict(texts, roles, batch_size=batch_size)]


_PREFIX = {"age": "AGE", "gender": "GEN", "race": "RAC", "eye_color": "EYE", "weight": "WGT"}


def model_rules() -> list[Any]:
    """Pseudo-rules naming the classifier's own findings: <PREFIX>901 (states), <PREFIX>391 (asks)."""
    from safelint.rules import Rule

    out = []
    for a, p in _PREFIX.items():
        name = a.replace("_", " ")
        out.append(Rule(code=f"{p}901", name=f"model-{a.replace('_', '-')}", attribute=a, kind="implicit",  # type: ignore[arg-type]
                        category="leak", severity="warning", message=f"the classifier finds {name} stated or implied",
                        description=f"The leakage classifier (models/) scores this text as describing a person's {name}; "
                                    "no rule matched it.", source="models/"))
        out.append(Rule(code=f"{p}391", name=f"model-asks-{a.replace('_', '-')}", attribute=a, kind="implicit",  # type: ignore[arg-type]
                        category="ask", severity="warning", message=f"the classifier finds a question about {name}",
                        description=f"The leakage classifier scores this human turn as asking for a person's {name}; "
                                    "no rule matched it.", source="models/"))
    return out


class HybridEngine:
    """Drop-in for :class:`~safelint.engine.Engine` in the linter: ``scan`` returns hybrid matches.

    Rule matches keep their code, with ``source`` ``rule`` or ``both`` and the model's confidence;
    implicit rule hits the model does not confirm are dropped; the model's own findings use the
    pseudo-rules of :func:`model_rules` and span the chunk they were found in.
    """

    def __init__(self, engine: Any, clf: LeakClassifier, **kw: Any):
        from safelint.rules import select_rules

        self.engine = engine
        self.clf = clf
        self._kw = kw
        # the engine's --select / --ignore choose among the model's pseudo-rules too ("--select age": no WGT901);
        # an attribute none of whose pseudo-rules is chosen is never looked for
        select, ignore = getattr(engine, "selectors", ((), ()))
        self._model_rules = {r.code: r for r in select_rules(model_rules(), select, ignore)}
        chosen = {r.attribute for r in self._model_rules.values()}
        off = {a: 1.01 for a in ATTRS if a not in chosen}
        self.hybrid = Hybrid(engine, clf, **{**kw, "find_at": {**(kw.get("find_at") or {}), **off},
                                             "ask_find_at": {**(kw.get("ask_find_at") or {}), **off}} if off else kw)
        self.rules = list(engine.rules) + list(self._model_rules.values())
        self.follow_ups = engine.follow_ups  # record-level asks (safelint.engine.turns), as the rules engine's

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # no delegated special methods (pickle and copy look some up)
            raise AttributeError(name)
        return getattr(self.engine, name)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled: the rule engine, the classifier (its directory) and the settings, rebuilt on load."""
        return _hybrid_engine, (self.engine, self.clf, self._kw)

    def scan(self, text: str, role: Any = None) -> list[Any]:
        return self.scan_many([text], [role])[0]

    def scan_many(self, texts: Sequence[str], roles: Sequence[Any]) -> list[list[Any]]:
        """:meth:`scan` of each text, the model scoring all their chunks together (one tokenizer call, and
        full batches on a GPU): the linter sends a batch of records at a time.  Same findings as one
        text at a time (to the model's batch invariance; see :class:`~safelint.model.runtime.LeakClassifier`)."""
        found = [self.engine.scan(t, r) for t, r in zip(texts, roles, strict=True)]
        hybrid = self.hybrid.scan_many(texts, roles, matches=found)
        return [self._matches(t, m, h) for t, m, h in zip(texts, found, hybrid)]

    def _matches(self, text: str, found: Sequence[Any], hybrid: Sequence[HybridFinding]) -> list[Any]:
        """The hybrid findings of a text as :class:`~safelint.findings.Match` es (``found``: its rule matches)."""
        from dataclasses import replace

        from safelint.findings import Match

        rule_matches = {(m.rule, m.start, m.end): m for m in found}
        out = []
        for f in hybrid:
            if f.rule is not None:
                m = rule_matches[(f.rule, f.start, f.end)]
                out.append(replace(m, source=f.source, confidence=round(f.confidence, 4)))
                continue
            code = f"{_PREFIX[f.attribute]}{'391' if f.category == 'ask' else '901'}"
            r = self._model_rules.get(code)
            if r is None:  # not selected
                continue
            snippet = text[f.start:f.end]
            out.append(Match(rule=code, attribute=r.attribute, kind=r.kind, category=r.category, severity=r.severity,
                             start=f.start, end=f.end, text=snippet, message=r.message, source="model",
                             confidence=round(f.confidence, 4), fix="unsafe"))
        out.sort(key=lambda m: (m.start, m.end, m.rule))
        return out


def _hybrid_engine(engine: Any, clf: LeakClassifier, kw: dict[str, Any]) -> HybridEngine:
    return HybridEngine(engine, clf, **kw)
