"""The person-reference condition: does a matched term describe a person?

Works on the lowercased tokens of a short window (spaCy's tokenizer, no model), so it is
fast and needs no download.  Modes (a rule's ``person`` field):

- ``none``: the term is about a person by itself ("woman", "Asians").
- ``required``: an adjective-like term ("white", "old", "heavy") must modify a person
  noun ahead of it ("an old, bearded man"), or be predicated of one ("the man is old").
  A hyphen compound ("white-haired", "old-fashioned") or a possessive in between ("the
  man's black shirt") breaks the link.
- ``possessed``: a body-part phrase ("blue eyes") must belong to a person: "her blue
  eyes", "a woman with blue eyes", "the girl's eyes are green", "a blue-eyed boy".  The
  owner is the nearest earlier person reference in the same or the previous sentence ("a
  close-up of a person's face. The eyes are brown"), unless an animal or object that can own
  such a part (lexicon ``non_person_owners``: "a cat with green eyes") comes closer.
- In ``required`` mode a describing word may also sit on a body or appearance noun
  (lexicon ``body_nouns``) that belongs to a person: "a youthful appearance", "Asian
  features", "his body is very thin", "displaying a muscular physique".
- ``sentence``: a person must be mentioned in the same sentence (used by rules for
  questions such as "How old is the man?").

A rule's ``reference_window`` (characters) widens the owner search of ``possessed`` (and of
the body nouns of ``required``) past the previous sentence: the engine hands over ``reach``,
the first token the search may look at, and the nearest earlier person or non-person owner
in that stretch decides, whatever the sentences and Markdown lines in between ("a close-up of
an elderly person's face. The lighting is dramatic. ... The eye appears to be brown").  Over
such a stretch "its" and the dialogue words ("I", "you", "my") only count when they own the
part itself ("its eyes are brown", "its large green eyes"): elsewhere they are about
something else ("focusing on the eyeball and its surrounding area").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from itertools import pairwise

from safelint.rules import PersonMode, RuleSet
from safelint.tables import description_column, pipe_cells

_SENTENCE_END = {".", "!", "?", ";", "\n", "\n\n"}
_CONJ = {",", "and", "or", "&", "/"}
_STEPS = 6
_DIALOGUE = {"i", "me", "my", "you", "your", "we", "us", "our"}


@dataclass(frozen=True)
class PersonLexicon:
    """The word lists of rules/_lexicon.yaml the context logic reads; each field is the lexicon of the same name
    (``nouns`` and ``pronouns``: ``person_nouns``, ``person_pronouns``)."""

    nouns: frozenset[str]
    pronouns: frozenset[str]
    possessives: frozenset[str]
    copulas: frozenset[str]
    linkers: frozenset[str]
    modifiers: frozenset[str]
    body_nouns: frozenset[str] = frozenset()
    non_person_owners: frozenset[str] = frozenset()
    non_person_heads: frozenset[str] = frozenset()
    thing_like_nouns: frozenset[str] = frozenset()
    attire_heads: frozenset[str] = frozenset()
    animals: frozenset[str] = frozenset()
    ing_nouns: frozenset[str] = frozenset()
    verbs_in_s: frozenset[str] = frozenset()
    shared_with_animals: frozenset[str] = frozenset()
    collectives: frozenset[str] = frozenset()
    accessories: frozenset[str] = frozenset()
    garment_colours: frozenset[str] = frozenset()
    animal_parts: frozenset[str] = frozenset()
    group_plurals: frozenset[str] = frozenset()
    body_parts: frozenset[str] = frozenset()
    group_events: frozenset[str] = frozenset()
    depictions: frozenset[str] = frozenset()
    likenesses: frozenset[str] = frozenset()
    vessels: frozenset[str] = frozenset()
    role_things: frozenset[str] = frozenset()
    # which of two gender words offered differ ("a boy or a girl"), and which words state an age only with a gender
    gender_nouns_female: frozenset[str] = frozenset()
    gender_nouns_male: frozenset[str] = frozenset()

    @classmethod
    def from_ruleset(cls, rules: RuleSet) -> PersonLexicon:
        names = {"nouns": "person_nouns", "pronouns": "person_pronouns"}
        return cls(**{f.name: frozenset(w.lower() for w in rules.lexicon(names.get(f.name, f.name)))
                      for f in fields(cls)})

    def is_person(self, tok: str) -> bool:
        return tok in self.nouns or tok in self.pronouns


# what makes a role word a thing's name: the word after it ("a boxer dog", "a pitcher of water", "boxer shorts") or
# before it ("the water pitcher", "running trainers", "the baby bouncer")
_ROLE_THING_AFTER = frozenset({"of", "dog", "dogs", "puppy", "puppies", "pup", "breed", "mix", "shorts", "briefs",
                               "plant", "car", "cars", "shoe", "shoes", "engine", "seat", "kit", "set", "app", "wire",
                               "rail", "board", "'s", "’s"})
_ROLE_THING_BEFORE = frozenset({"water", "glass", "beer", "milk", "juice", "lemonade", "plastic", "ceramic", "metal",
                                "wooden", "electric", "electrical", "ceiling", "desk", "box", "table", "pedestal",
                                "running", "baby", "car", "cardboard", "toy", "paper", "lightning", "heat", "cream",
                                "tea", "coffee", "wine", "sangria", "pottery", "clay", "pewter", "silver", "crystal",
                                "ski", "snowboard", "bluetooth", "wireless", "smart", "portable", "3d", "scale",
                                "train", "pet", "rescue", "my", "our", "your"})


_PERSONA_BEFORE_AS = frozenset({",", ".", ":", ";", "!", "?", "\n", "play", "act", "acting", "answer", "respond",
                                "reply", "roleplay", "speaking", "writing"})


def _persona(toks: list[str], i: int, lex: PersonLexicon) -> bool:
    """Is the person word at ``i`` a role the listener is to play: "As a museum curator, ...", "Role-play as a
    sommelier:", "Pretend you're a detective", "Can you play a casting director?" (not "Do I read as a woman?")"""
    k = i - 1
    while k >= 0 and i - k <= 3 and toks[k] not in ("a", "an"):
        if not toks[k].isalpha() or lex.is_person(toks[k]):
            return False
        k -= 1
    if k < 1 or toks[k] not in ("a", "an"):
        return False
    if toks[k - 1] == "as":  # at a clause's start or after a verb of acting ("Do I read as a woman?" is no role)
        return k == 1 or toks[k - 2] in _PERSONA_BEFORE_AS
    return toks[k - 1] in ("be", "'re", "’re") or (toks[k - 1] == "play" and k >= 2 and toks[k - 2] in ("you", "to"))


def _role_subject(toks: list[str], i: int, lex: PersonLexicon) -> bool:
    """Is ``toks[i]`` a role word that also names a thing (``role_things``: boxer, pitcher, trainer, conductor),
    used of a person: not after a thing's word nor before one ("the water pitcher", "a boxer dog")?"""
    return (toks[i] in lex.role_things and (i == 0 or toks[i - 1] not in _ROLE_THING_BEFORE)
            and (i + 1 >= len(toks) or toks[i + 1] not in _ROLE_THING_AFTER))


def _skippable_modifier(lex: PersonLexicon, tok: str) -> bool:
    if tok in lex.modifiers or tok in _CONJ:
        return True
    # participles and hyphen parts used as adjectives: "smiling", "bearded", "-"
    return tok == "-" or _participle(lex, tok)


def _participle(lex: PersonLexicon, tok: str, endings: str | tuple[str, ...] = ("ing", "ed")) -> bool:
    """A participle used as a describing word ("smiling", "bearded", "hunched"), not a noun in -ing ("railing")."""
    return tok.isalpha() and len(tok) > 4 and tok.endswith(endings) and tok not in lex.ing_nouns


def describes_person(mode: PersonMode, toks: list[str], start: int, end: int, lex: PersonLexicon, *,
                     reach: int | None = None, unowned: bool = False, ask: bool = False) -> bool:
    """Is the token span [start, end) of ``toks`` (lowercased) about a person?

    ``reach``: first token index the owner search may look at (a rule's ``reference_window``);
    ``None`` keeps it to the same and the previous sentence.  ``unowned``: the answer in ``possessed``
    mode when no owner at all is named within reach (a rule's ``unowned: person``).  ``ask``: the match is a
    question's ask; in ``sentence`` mode one that names no one and nothing is about the person shown
    (:func:`_unnamed_subject`).
    """
    if mode == "pattern":
        return True  # the rule's own patterns and exceptions decide (rules in other languages than the lexicons')
    n = len(toks)
    if _written_text(toks, start):
        return False  # the words of a sign, a mug or a logo: "a glass engraved with the words "best dad ever""
    if _depicted(toks, start, lex):
        return False  # a made likeness: "a statue of a bearded man", "a figurine of an old fisherman"
    if not ask and _withheld_alternative(toks, start, end):
        # a value offered as one of the alternatives that the text says it cannot tell apart: "There's no way to
        # tell whether they are male or female", "Whether the child is a boy or a girl isn't clear" (held-out set 129)
        return False
    pronoun = end - start == 1 and (toks[start] in lex.pronouns or toks[start] in lex.possessives)
    if end - start == 1 and (_category_possessive(toks, start, lex) or _audience(toks, start, lex)):
        # "Men's slim-fit chinos", "Kids' rain boots", "children's drawings", "a costume for girls": for whom, not who
        return False
    # (not "in her sixties" before a verb that is also a thing's noun: "A woman in her sixties photographs the lake")
    owned_age = toks[start] == "in" and start + 1 < end and toks[start + 1] in lex.possessives
    if mode != "sentence" and not pronoun and ((_modifies_thing(toks, end, lex) and not owned_age)
                                               or _said_of_an_animal(toks, start, end, lex)):
        # "baby elephant", "female deer", "grandfather clock", "an adult black rhinoceros": the word
        # modifies a thing
        return False
    if mode == "none":
        return not pronoun or _refers_to_person(toks, start, lex)  # not "a lioness with her cubs"
    if mode == "sentence":
        # (a semicolon joins two clauses of one sentence: "Wearing a lab coat; appears to be of East Asian descent")
        lo, hi = _sentence_span(toks, start, end, ends=_SENTENCE_END - {";"})
        if ask and (_forbidden(toks, lo, end) or any(toks[i] in _CHART_WORDS or (
                toks[i] in ("chart", "charts") and i > lo and toks[i - 1] in _CHART_KINDS) for i in range(lo, hi))):
            # "Describe the scene, but don't mention anyone's age", "do not guess age, sex or race"; a chart's
            # figures: "What's the male/female split in the bar chart?" (held-out question set 46)
            return False
        # the speaker and the listener ("can you say...", "I wonder") are not the person described, nor
        # "they/their" of animals or things ("How many zebras are there, and what are their ages?")
        # (not a person word that names an animal's young or sex: "How much does the baby elephant weigh?", held-out
        # question set 40; one that modifies a thing still names people: "Sort these applicant photos by age")
        people = [i for i in range(lo, hi) if lex.is_person(toks[i]) and toks[i] not in _DIALOGUE]
        if ask and people and all(_persona(toks, i, lex) for i in people):
            return False  # the role the listener is to play, no one asked about: "As a museum curator, estimate ..."
        if ask and any(_role_subject(toks, i, lex) for i in range(lo, hi)):
            return True  # a role that is also a thing's name, asked about: "How old is the boxer in the red corner?"
        return any((lex.is_person(toks[i]) or toks[i] in lex.possessives) and toks[i] not in _DIALOGUE
                   and _refers_to_person(toks, i, lex)
                   and not (toks[i] in _OF_YOUNG_AND_SEX and (_said_of_an_animal(toks, i, i + 1, lex)
                                                               or _modifies_thing(toks, i + 1, lex)
                                                               or _pair_of_thing(toks, i, lex)))
                   for i in range(lo, hi)) or (
                       ask and (_unnamed_subject(toks, lo, hi, lex) or _asks_person_only(toks, lo, hi, lex)
                                or _self_pictured(toks, lo, hi) or _form_field(toks, start, end, lex)))
    if any((lex.is_person(t) or t in lex.possessives) and (t not in ("he", "she") or _refers_to_person(toks, i, lex))
           for i, t in enumerate(toks[start:end], start)):
        return True  # "a young man", "in his late 20s" (not a ship's "she": "the ship ...; she is enormous")
    if mode == "required":
        # "black-haired", "old-fashioned", "Spider-Man": a compound, not a description.
        if (end < n and toks[end] == "-") or (start > 0 and toks[start - 1] == "-"):
            return False
    if _forward(toks, end, lex, start, reach):
        return True
    if mode == "possessed":
        owner = _owner_is_person(toks, start, lex, reach)
        return unowned if owner is None else owner
    if mode == "required":
        if (group := _group_comparison(toks, start, end, lex)) is not None:
            return group
        if _fronted(toks, start, end, lex):
            return True
    attributive = end < n and toks[end].isalpha() and toks[end] not in lex.modifiers and toks[end] not in _CONJ
    return _backward(mode, toks, start, lex, postpositive=toks[start] in _POSTPOSITIVE, attributive=attributive)


_SUBJECT_PRONOUNS = frozenset({"he", "she", "they"})

# the words of a chart or a form's widget: what they show is data, not the person in the picture
_CHART_WORDS = frozenset({"graph", "graphs", "histogram", "histograms", "infographic",
                          "infographics", "dropdown", "drop-down", "mockup", "mock-up", "wireframe", "piechart",
                          "barchart", "plot", "plots", "legend", "axis"})
# (a chart of figures, not a patient's: "What is the BMI of the patient in this chart?")
_CHART_KINDS = frozenset({"bar", "pie", "line", "flow", "area", "donut", "doughnut", "column", "stacked", "org"})
_NEGATORS = frozenset({"n't", "not", "never", "without", "avoid", "avoiding", "nor", "skip", "omit", "leave",
                       "refrain"})
# what sets an attribute aside before the sentence asks something else: "Leaving his build aside, how old ...",
# "Ignoring her weight, ..."
_SET_ASIDE = frozenset({"leaving", "leave", "setting", "set", "putting", "put"})
_IGNORING = frozenset({"ignoring", "ignore", "disregarding", "disregard", "regardless"})
# what a request may forbid: "don't mention", "without saying anything about", "do not guess", "no need to comment on"
_FORBIDDEN_ACTS = frozenset({"mention", "mentioning", "guess", "guessing", "say", "saying", "include", "including",
                             "describe", "describing", "comment", "commenting", "speculate", "speculating", "state",
                             "stating", "infer", "inferring", "assume", "assuming", "label", "labelling", "labeling",
                             "tag", "tagging", "reference", "referencing", "note", "noting", "estimate", "estimating",
                             "judge", "judging", "reveal", "revealing", "discuss", "discussing", "add", "adding",
                             "bring", "touch", "refer", "referring", "identify", "identifying", "specify", "out",
                             "any", "anything", "asking",
                             # (session 28) "Do NOT record age, gender or ethnicity."
                             "record", "recording", "annotate", "annotating", "collect", "collecting", "capture",
                             "capturing", "log", "logging", "store", "storing", "output", "outputting", "return",
                             "returning", "list", "listing", "provide", "providing", "give", "giving", "write",
                             "writing", "predict", "predicting", "classify", "classifying"})
# what takes an attribute out of a text or drops an earlier ask (session 28): "remove the part about her age",
# "delete the ethnicity", "ok forget age and ethnicity.", "Skip the skin tone and age."
_TAKING_OUT = frozenset({"remove", "removing", "delete", "deleting", "erase", "omit", "omitting", "strip", "exclude",
                         "excluding", "redact", "redacting", "cut", "forget", "skip", "scratch", "nvm"})
# what ends the forbidding part of a sentence: "don't mention her name, but guess her age"
_FORBID_ENDS = frozenset({"but", "just", "only", "instead", "except", "then"})
# the attributes named as such, which "no" before them forbids: "no age, gender or ethnicity"
_ATTRIBUTE_NOUNS = frozenset({"age", "ages", "gender", "genders", "sex", "race", "ethnicity", "ethnicities", "weight",
                              "build", "skin", "eye"})
# what "no" forbids: "no guesses about anyone's age", "no comments on weight"
_FORBIDDEN_NOUNS = frozenset({"guesses", "guess", "guessing", "mention", "mentions", "comments", "comment",
                              "speculation", "assumptions", "labels", "references", "remarks", "judgements",
                              "judgments"})


# the speakers as the subject of an ask: "am i ...", "do I look ...", "which of us ..."
_SELF_SUBJECT = frozenset({("am", "i"), ("do", "i"), ("did", "i"), ("i", "look"), ("i", "seem"), ("i", "appear"),
                           ("of", "us"), ("do", "we"), ("are", "we"), ("we", "look"), ("me", "look"),
                           ("i", "'m"), ("i", "’m")})


def _self_pictured(toks: list[str], lo: int, hi: int) -> bool:
    """An ask about the speakers themselves: "am i fat in this pic?", "which of us looks the most out of shape" (the
    speaker is otherwise no person described: "Can you tell me how heavy the box is?")."""
    return any((toks[i], toks[i + 1]) in _SELF_SUBJECT for i in range(lo, min(hi, len(toks)) - 1))


def _forbidden(toks: list[str], lo: int, end: int) -> bool:
    """Does the request in the sentence up to ``toks[end]`` (the end of the ask) forbid what it names ("don't mention
    anyone's age", "without saying anything about ... age or race", "do not guess age, sex or race")?"""
    for j in range(end - 1, lo - 1, -1):
        t = toks[j]
        if t in _FORBID_ENDS:
            return False
        if (t in _NEGATORS or (t == "no" and toks[j + 1:j + 2] == ["need"])) and any(
                x in _FORBIDDEN_ACTS for x in toks[j + 1:min(j + 4, end)]):
            return True
        if t == "no" and toks[j + 1:j + 2] and toks[j + 1] in _ATTRIBUTE_NOUNS and end - j <= 8:
            return True  # "keep it neutral like that — no age, gender or ethnicity" (session 28)
        # "no guesses about anyone's age", "leave the ethnicity out this time", "keep race out of it"
        if (t == "no" and toks[j + 1:j + 2] and toks[j + 1] in _FORBIDDEN_NOUNS) or (
                t in ("leave", "keep") and "out" in toks[end:end + 3]):
            return True
        if (t in _SET_ASIDE and "aside" in toks[end:end + 3]) or (t in _IGNORING and end - j <= 4) or (
                t in _TAKING_OUT and end - j <= 7):
            return True  # "Leaving his build aside, how old ...", "Ignoring her weight, ...", "remove the part about
            # her age", "forget the age"
    return False

# The words a question may hold when it names no one and nothing: the asking, the attribute and pointing words
# ("approx age??", "<image>\nweight?", "Ethnicity? Just one word.", "age + gender?", "eye colour on this one pls",
# "how heavy would u say they are", "gender of the one on the right?", a form's "Age: __").  Any other word ("it",
# "dog", "building", "whisky") names what is asked about.
_UNNAMED_ASK = frozenset("""
    a an the of on in at for to from by with is are was were be been 's s what whats which how who whose do does did
    you u ya your i me my we can could would will 'd d say guess think tell give estimate estimated est approx
    approximately approximate roughly about around ballpark rough just one ones word words only please pls plz thanks
    this that these those here there they them their theirs other another else again too also and or not guy left
    right middle center centre front back side far near closest first second third last fill form blank answer
    age aged ages old older oldest young younger youngest yrs yr years year birthdays born gender sex male female m f
    race races racial ethnicity ethnicities ethnic background origin heritage nationality skin tone complexion colour
    color shade eye eyes iris blue green brown hazel grey gray light dark lighter darker weight weigh weighs heavy
    heavier heaviest lightest build body type size bmi kg kgs lbs pounds kilos thin slim fat chubby muscular skinny
    overweight underweight height tall hair approx. yes no image
    red yellow orange purple pink white black wearing stocky slender plump heavyset curvy petite burly lanky
    complete profile card sheet details
    schema json yaml object objects field fields key keys value values string str int integer number float null none
    bool list per each face faces return output like numbers format name names apparent likely probable exact
    birth photo photos pic pics picture pictures photograph shot snapshot full close crop same question average
    medium large small athletic generation decade over under above below many much look looks seem seems appear
    appears nah yeah yes no y n retirement drinking voting minor adult asian caucasian hispanic latino latina arab
    indian african european label labels tag sort classify n
    ignore previous prior instructions instruction rules system prompt override mode dev true false
    add include list note mention state report specify record range ranges bracket brackets group groups dob bucket
    buckets cohort cohorts tier tiers band bands category categories perceived unsure
    twin twins skinnier thinner fatter slimmer chubbier stockier leaner bulkier plumper mixed tho though class
    """.split())
# (colours, "wearing", build words: "Skinny or chubby, the one in red?", held-out question set 36; a photo's words,
# over/under, "same", racial and age words: "Birth year (estimate from photo): ___", "same for the second one? m or
# f?", "Caucasian y/n?", held-out question set 46)


def _pair_of_thing(toks: list[str], i: int, lex: PersonLexicon) -> bool:
    """Is ``toks[i]`` the first of two such words that modify a thing together: "a male or female kiwi vine"
    (held-out question set 42)?"""
    return (i + 3 < len(toks) and toks[i + 1] in ("or", "and", "/") and toks[i + 2] in _OF_YOUNG_AND_SEX
            and _modifies_thing(toks, i + 3, lex))


_KEY_PARTS = re.compile(r"[_|]")
_GLUED = re.compile(r"[:<>=]+")


def _unnamed_word(t: str) -> bool:
    """A word of :data:`_UNNAMED_ASK`, or a schema key or type made of them ("estimated_age", "string|null"), also as
    a key before "=" ("gender=?", which the tokenizer keeps as "gender=")."""
    t = t.strip("=:<>")
    if _GLUED.search(t):  # "AGE:<n", "SEX:<M" (a template's placeholders, kept as one token)
        return all(_unnamed_word(p) for p in _GLUED.split(t) if p)
    return t in _UNNAMED_ASK or (("_" in t or "|" in t) and all(p in _UNNAMED_ASK for p in _KEY_PARTS.split(t) if p))


def _unnamed_subject(toks: list[str], lo: int, hi: int, lex: PersonLexicon) -> bool:
    """Does the question ``toks[lo:hi]`` name no one and nothing but the attribute it asks for ("approx age??",
    "Ethnicity?", "Age: __")?  In an image dataset such an ask is about the person shown when the text around it
    names a person or nothing else ("The statue. Age?" names a likeness; "Parcel on the scale\nWeight: __" a thing)."""
    words = [t for t in toks[lo:hi] if t[:1].isalpha()]
    if not words or not all(map(_unnamed_word, words)):
        return False
    if _names_non_person(toks, lex):
        return False  # "Species: Husky\nAge: 5", "vessel: HMS Victory\nage: 260 years", "the teddy. eyes?"
    # a person named on another line ("Subject: person at the bus stop\nAge: __"), or nothing named at all; a
    # form about a thing names it ("Parcel on the scale\nWeight: __", "Item: ceramic vase\nApprox. age: __")
    if any(lex.is_person(t) and t not in _DIALOGUE for t in toks) or _person_only(toks, 0, len(toks)):
        return True  # (a form that asks a gender on another line is about a person: "Gender: __\nAge: __")
    return all(_unnamed_word(t) for t in toks if t[:1].isalpha())


# attributes only people have (an animal's sex or eye colour aside, which the callers rule out): "gender", "skin
# tone", "eye colour".  Not a word's grammatical gender in a compound: "gender-neutral", "gender-specific"
_ONLY_PEOPLE_HAVE = frozenset({"gender", "genders", "sex", "ethnicity", "ethnicities", "ethnic", "complexion",
                               "pronoun", "pronouns", "eyes", "irises", "heterochromia"})
_COLOUR_NOUNS = frozenset({"colour", "color", "colours", "colors"})
_ONLY_PEOPLE_HAVE_PAIRS = {"skin": _COLOUR_NOUNS | {"tone", "tones"}, "eye": _COLOUR_NOUNS, "iris": _COLOUR_NOUNS}


# what the words of _ONLY_PEOPLE_HAVE may be said of, right after them or after "of": "ethnic food", "the ethnicity
# of the dish", "the ethnicity column"
_NOT_OF_PEOPLE = frozenset({"food", "foods", "cuisine", "cuisines", "dish", "dishes", "restaurant", "restaurants",
                            "music", "pattern", "patterns", "print", "prints", "jewelry", "jewellery", "decor", "art",
                            "market", "markets", "store", "stores", "shop", "shops", "neighborhood", "neighbourhood",
                            "column", "columns", "variable", "variables", "header", "headers", "feature", "features",
                            "data", "dataset", "word", "words", "noun", "nouns", "term", "terms"})


def _person_only(toks: list[str], lo: int, hi: int) -> bool:
    """Does ``toks[lo:hi]`` name an attribute only people have ("gender", "ethnicity", "skin tone", "eye colour")?"""
    for i in range(lo, hi):
        t = toks[i].rstrip("=")  # ("gender=?")
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        k = i + 1  # what the word is said of: the next word, or the noun after "of (the)"
        if nxt == "of":
            k += 1 + (k + 2 < len(toks) and toks[k + 1] in ("the", "this", "that", "a", "an"))
        said_of = toks[k] if k < len(toks) else ""
        if nxt in _ONLY_PEOPLE_HAVE_PAIRS.get(t, ()) or (
                t in _ONLY_PEOPLE_HAVE and nxt != "-" and said_of not in _NOT_OF_PEOPLE):
            return True
        if "_" in t:  # a schema key: "iris_colour", "skin_tone", "gender"
            parts = [p for p in t.split("_") if p]
            if any(p in _ONLY_PEOPLE_HAVE for p in parts) or any(
                    b in _ONLY_PEOPLE_HAVE_PAIRS.get(a, ()) for a, b in pairwise(parts)):
                return True
    return False


def _names_non_person(toks: list[str], lex: PersonLexicon, also: frozenset[str] = frozenset()) -> bool:
    """Does the text name an animal, a likeness, a toy or a vessel (whose age, sex or eyes an ask may be about), or
    one of ``also``?"""
    return any(t in lex.animals or t in lex.depictions or t in lex.likenesses or t in lex.vessels or t in also
               for t in toks)


def _asks_person_only(toks: list[str], lo: int, hi: int, lex: PersonLexicon) -> bool:
    """Does the question ``toks[lo:hi]`` ask for an attribute that only people have, with no animal, likeness or
    vessel in the text ("What's the gender split in this photo?", "output values for age, gender, eye colour and
    weight", "Skin tone (fair / medium / deep): __", held-out question set 44)?  Its other asks (an age, a
    weight) are then a person's too.  So is a question about portraits or selfies."""
    if _names_non_person(toks, lex, _FICTION):
        return False  # an animal's, a toy's or a likeness's: "sex of the chick?", "the cartoon mascot"
    if any(t in _DATA_WORDS for t in toks[lo:hi]) and not any(t in _PICTURE_WORDS for t in toks[lo:hi]):
        return False  # about data, not about the person shown: "How many columns does this CSV have: age,sex"
    # (a picture that is of a person by its name: "Sort these portraits into two piles: light eyes and dark eyes")
    return _person_only(toks, lo, hi) or any(_picture_of_person(toks, i) for i in range(lo, hi))


# (session 29, question set 62) a form, a schema or a template to fill for the person in a picture: the attribute
# stands as one of its fields ("Columns: id,shirt_colour,approx_age,ethnicity", "AGE=<age> SEX=<sex>",
# "<output_fields>gender;ethnicity;action</output_fields>") and the text asks for it to be filled from a picture
_FIELD_BEFORE = frozenset({",", ";", "|", "•", "-", "–", "—", "*", "\n", "{", "[", "(", '"', "'", "`", ":", "/",
                           "<", ">", "·"})
_FIELD_AFTER = frozenset({",", ";", "|", "\n", "}", "]", ")", ":", "=", '"', "'", "`", "?", "<", "/", ".", "·"})
_FILLING = frozenset({"fill", "auto-fill", "autofill", "complete", "output", "return", "generate", "auto-generate",
                      "make", "write", "produce", "populate", "invoke", "call", "paste", "extract", "annotate",
                      "print", "create", "replace", "respond", "predict", "detect", "infer", "analyze", "analyse",
                      "register", "log", "tag", "label"})
_SHOWN_IN = frozenset({"image", "images", "photo", "photos", "picture", "pictures", "pic", "pics", "selfie", "selfies",
                       "headshot", "headshots", "frame", "frames", "still", "stills", "footage", "screenshot",
                       "snapshot", "dashcam", "cctv", "webcam", "cam", "img", "upload", "uploaded"})
_IMAGE_FILE = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")


def _form_field(toks: list[str], start: int, end: int, lex: PersonLexicon) -> bool:
    """Is the ask [start, end) a field of a form, a schema or a template that the text asks to fill for someone
    in a picture ("Make me a CSV with one row per person in the group photo. Columns: id,shirt_colour,approx_age",
    "Output exactly one line:\\nAGE=<age> SEX=<sex>\\nfor image.jpg")?  Not a form to translate or to reformat, nor
    one about an animal or a likeness ("Output the dog's breed, age")."""
    before = toks[start - 1] if start > 0 else "\n"
    after = toks[end] if end < len(toks) else "\n"
    glued = any(c in toks[start] for c in "_=<")
    if not glued and (before not in _FIELD_BEFORE or (after not in _FIELD_AFTER and not after.startswith("<"))):
        return False
    if _names_non_person(toks, lex):
        return False
    return (any(t in _FILLING for t in toks)
            and any(t in _SHOWN_IN or t.endswith(_IMAGE_FILE) for t in toks))


_PICTURES_OF_PEOPLE = frozenset({"portrait", "portraits", "headshot", "headshots", "selfie", "selfies", "mugshot",
                                 "mugshots"})
# a film's or a game's figure, when a question names no person: "What color are Elsa's eyes on the Frozen poster?" (a
# form may still be about someone on a poster: "If this were a missing-person poster ... Sex, age, race, build.")
_FICTION = frozenset({"poster", "posters", "character", "characters"})
_DATA_WORDS = frozenset({"column", "columns", "csv", "dataset", "datasets", "spreadsheet", "spreadsheets", "table",
                         "tables", "database", "variable", "variables"})
_PICTURE_WORDS = _PICTURES_OF_PEOPLE | {"photo", "photos", "picture", "pictures", "pic", "pics", "image", "images",
                                        "face", "faces", "webcam", "camera", "video", "shot", "snapshot", "frame"}
_COUNTING = frozenset({"each", "every", "the", "this", "that", "these", "those", "a", "one", "per", "all", "both"})


def _picture_of_person(toks: list[str], i: int) -> bool:
    """Is ``toks[i]`` a picture of a person by its name ("portraits", "selfies"), or a face counted or pointed at
    ("tag every face with one of: Black, White, Asian"; not "the clock face", "the face of the cliff")?"""
    t = toks[i]
    if t in _PICTURES_OF_PEOPLE:
        return True
    return (t in ("face", "faces") and i > 0 and toks[i - 1] in _COUNTING
            and (i + 1 == len(toks) or toks[i + 1] != "of"))


def _label_end(t: str) -> bool:
    """Is ``t`` the colon that ends a label, with or without emphasis or a parenthesis: ":", ":**", "):"?"""
    return t.rstrip("*") in (":", "):")


def _sentence_span(toks: list[str], start: int, end: int, ends: frozenset[str] | set[str] = _SENTENCE_END
                   ) -> tuple[int, int]:
    """The first token of the sentence holding ``toks[start:end]`` and the index of the token that ends it (``ends``:
    the tokens that end a sentence)."""
    lo = start
    while lo > 0 and toks[lo - 1] not in ends:
        lo -= 1
    hi = end
    while hi < len(toks) and toks[hi] not in ends:
        hi += 1
    return lo, hi


_UNCERTAIN = frozenset({"not", "n't", "cannot", "unclear", "impossible", "hard", "difficult", "unable", "unsure",
                        "uncertain", "ambiguous", "unknown", "indeterminate", "no"})


def _withheld_alternative(toks: list[str], start: int, end: int) -> bool:
    """Is the span one of the alternatives of a "whether ... X or Y" (or "if ...") that its sentence says cannot be
    told ("I can't tell whether the person is young or old", "Whether it is a boy or a girl is unclear")?"""
    if end - start != 1 or toks[start] not in _OPPOSITES:
        return False
    lo, hi = _sentence_span(toks, start, end)
    w = next((k for k in range(start - 1, lo - 1, -1) if toks[k] in ("whether", "if")), None)
    if w is None or start - w > 12:
        return False
    other = _OPPOSITES[toks[start]]
    if end < hi and toks[end] == "or":  # the first alternative: "male or female", "a boy or a girl"
        k = end + 1 + (end + 1 < hi and toks[end + 1] in ("a", "an"))
        offered = k < hi and toks[k] in other
    else:  # the second one
        k = start - 1 - (toks[start - 1] in ("a", "an"))
        offered = k > w and toks[k] == "or" and toks[k - 1 - (toks[k - 1] in ("a", "an"))] in other
    return offered and any(t in _UNCERTAIN for t in toks[lo:hi])


# the two values that between them cover everyone ("male or female", "young or old"): offered together as what cannot be
# told, they say nothing (a guess between close values, "30 or 35", "Hispanic or Middle Eastern", still leaks)
_PAIRS = (({"male", "man", "boy", "men", "boys", "males"}, {"female", "woman", "girl", "women", "girls", "females"}),
          ({"young", "younger", "child", "kid", "minor"}, {"old", "older", "adult", "elderly"}))
_OPPOSITES = {w: b for a, b in _PAIRS for w in a} | {w: a for a, b in _PAIRS for w in b}


def _fronted(toks: list[str], start: int, end: int, lex: PersonLexicon) -> bool:
    """Do the describing words that open a clause come before its person subject: "Muscular and shirtless, he is
    hitting a bag", "Tall and lean, the runner stretches"?"""
    b = start  # earlier describing words of the same list: "Broad and heavyset, he" (held-out set 127)
    while b > 0 and start - b < 8 and toks[b - 1] not in _SENTENCE_END and not _label_end(toks[b - 1]) and (
            toks[b - 1] in ("and", "or", ",") or toks[b - 1] in lex.modifiers or toks[b - 1] in _DEGREE
            or _describing_word(toks[b - 1], lex)):
        b -= 1
    if b > 0 and toks[b - 1] not in _SENTENCE_END and toks[b - 1] != "-" and not _label_end(toks[b - 1]):
        return False
    k = end
    while k < len(toks) and k - end < 16:
        t = toks[k]
        if t == "," and k + 1 < len(toks):
            nxt = toks[k + 1]
            if nxt in _SUBJECT_PRONOUNS:
                return _refers_to_person(toks, k + 1, lex)
            if nxt in ("the", "a", "an") and k + 2 < len(toks) and toks[k + 2] in lex.nouns:
                return True
        if t in (",", "and", "or", "-") or t in lex.modifiers or t in _DEGREE or _participle(lex, t) or (
                t.isalpha() and k > end and toks[k - 1] in ("and", "-", ",") and _describing_word(t, lex)):
            k += 1
        elif (k2 := _decade_after(toks, k, lex)) is not None:
            k = k2  # "Slight, bearded and plainly in his seventies, the maestro"
        else:
            return False
    return False


def _decade_after(toks: list[str], k: int, lex: PersonLexicon) -> int | None:
    """If an age phrase "in his seventies" / "in her 40s" starts at ``k``, the index after it."""
    if k + 2 < len(toks) and toks[k] == "in" and toks[k + 1] in lex.possessives:
        i = k + 2
        while i < len(toks) and toks[i] in ("early", "mid", "late", "-"):
            i += 1
        if i < len(toks) and (toks[i] in _DECADE_WORDS or _DECADE.fullmatch(toks[i])):
            return i + 1
    return None


_QUOTES = frozenset({'"', "“", "”", "«", "»"})
# words before a quotation that is writing on a thing, not speech: "a sign reading "Ladies Night"", "the words
# "best dad in the world" engraved on the side", "a mug that says "World's Best Grandma"" (not "she said": speech)
_WRITING = frozenset({"reads", "read", "reading", "says", "saying", "words", "word", "text", "inscription", "inscribed",
                      "engraved", "printed", "labeled", "labelled", "titled", "entitled", "slogan", "sign", "logo",
                      "caption", "captioned", "lettering", "phrase", "displays", "displaying", "spelling", "spells",
                      # a name or a title: 'the name "The Old Man's Dream"', 'a copy of "The Old Man and the Sea"'
                      # (held-out set 77)
                      "name", "named", "called", "title", "copy", "book", "novel", "film", "movie", "album", "song",
                      # held-out set 80: 'a sign advertises "Senior Discount Tuesdays"', 'a notification: "Mom: ..."'
                      "advertises", "advertising", "headline", "headlines", "notification", "message", "messages",
                      # held-out set 100: 'playing "Brown Eyed Girl"', 'a display table features "Little Women"', 'a
                      # carton marked "Grandpa's records"', 'a DVD case of "The Incredible Shrinking Woman"', 'a jar of
                      # "Big Mama's Pickles"', 'a sign for "Fat Tuesday King Cake"'
                      "marked", "features", "featuring", "playing", "plays", "jar", "case", "box", "bottle", "packet",
                      "dvd", "cd", "track", "show", "brand",
                      # held-out set 108: 'next to copies of "The Girl on the Train," "The Boy in the Striped Pyjamas"'
                      "copies", "books", "novels", "titles", "films", "movies", "songs", "albums",
                      # held-out set 116: 'a pillow embroidered with "World's Okayest Dad"'
                      "embroidered", "stitched", "painted", "written", "scrawled", "etched", "emblazoned"})


_SINGLE_QUOTES = frozenset({"'", "‘", "’"})
_QUOTE_KIND = {**dict.fromkeys(_QUOTES, 0), **dict.fromkeys(_SINGLE_QUOTES, 1)}
# things that carry writing, right after the quotation: "a 'World's Best Grandpa' mug" (held-out set 65)
_WRITTEN_ON = frozenset({"mug", "mugs", "sign", "signs", "banner", "banners", "poster", "posters", "sticker", "stickers",
                         "plaque", "plaques", "t-shirt", "shirt", "shirts", "cap", "hat", "card", "cards", "cake", "trophy",
                         "belt", "badge", "button", "magnet", "tote", "sash", "balloon", "balloons", "label", "logo"})


# participles of writing after a quotation: "a card with 'Grandpa' written on it" (held-out set 74)
_WRITTEN_AFTER = frozenset({"written", "printed", "painted", "scrawled", "stitched", "embroidered", "engraved",
                            "inscribed", "spelled", "spelt", "lettered", "stenciled", "stencilled", "etched",
                            # a title shown or credited (held-out set 116): '"Brown Eyed Girl" lit up on the panel',
                            # '"Blue Eyes" by Elton John'
                            "lit", "displayed", "glowing", "flashing", "scrolling", "illuminated", "by"})


def _written_text(toks: list[str], start: int) -> bool:
    """Is the token at ``start`` inside a quotation (in its sentence) that follows a word of writing, or that a thing
    carrying writing or a participle of writing follows ("a 'World's Best Grandpa' mug", "'Grandpa' written on it")?
    Single quotes count as double ones do (held-out set 65: "a belt labelled 'Heavyweight Champion'"); an apostrophe
    inside a word is no quote token."""
    inside, opening = [False, False], [-1, -1]  # per kind of quote: inside one, and where it opens
    j = start - 1
    while j >= 0 and toks[j] not in _SENTENCE_END:  # one pass back to the sentence start
        kind = _QUOTE_KIND.get(toks[j])
        if kind is not None:
            inside[kind] = not inside[kind]
            if opening[kind] < 0:
                # the nearest quote: the opening one when an odd number stand before ('a sign advertises "Senior
                # Discount" and another says "Baby Care Aisle 4"', held-out set 80)
                opening[kind] = j
        j -= 1
    for kind, quotes in enumerate((_QUOTES, _SINGLE_QUOTES)):
        if not inside[kind]:
            continue
        k = opening[kind] - 1
        # "a mug printed with 'World's Okayest Grandpa'", 'a sign for "Fat Tuesday King Cake"'
        while k >= 0 and (toks[k] in (":", ",", "with", "of", "for", "a", "an", "the") or toks[k] in quotes or (
                toks[k] in ("and", "or") and k > 0 and toks[k - 1] in quotes)):
            if toks[k] in quotes or (toks[k] in ("and", "or", ",") and k > 0 and toks[k - 1] in quotes):
                # an earlier quotation of the same list, its closing quote at k or right before: 'says "A" and "B"',
                # 'copies of "A," "B" and "C"' (held-out set 108)
                k = k - 1 if toks[k] in quotes else k - 2
                while k >= 0 and toks[k] not in quotes and toks[k] not in _SENTENCE_END:
                    k -= 1
                if k < 0 or toks[k] not in quotes:
                    break  # no opening quote in the sentence
            k -= 1
        if k >= 0 and toks[k] in _WRITING:
            return True
        m = start  # the closing quote, then the thing that carries the words
        while m < len(toks) and toks[m] not in quotes and toks[m] not in _SENTENCE_END:
            m += 1
        if m + 1 < len(toks) and toks[m] in quotes and (toks[m + 1] in _WRITTEN_ON
                                                          or toks[m + 1] in _WRITTEN_AFTER):
            return True
    return False


# materials before "figure": "a wax figure of a man", "a bronze figure of a woman"
_FIGURE_MATERIALS = frozenset({"wax", "bronze", "stone", "marble", "plastic", "wooden", "wood", "clay", "porcelain",
                               "ceramic", "metal", "iron", "golden", "resin", "action", "lego", "cardboard"})
# words before "relief" that make it a carving, not a feeling ("a carved relief", "the relief of a king")
_RELIEF_BEFORE = frozenset({"a", "the", "this", "that", "carved", "sculpted", "raised", "low", "high", "bas", "-"})


# words that make the person after them a drawn one ("a cartoon hero with huge dark eyes"; not "animated", which is
# as often lively: "an animated woman gestures", nor "comic": "a comic actor")
_DRAWN = frozenset({"cartoon", "cartoonish", "anime", "manga"})


def _depicted(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is the word at ``j`` (a person noun or a describing word before one) in the likeness named before or right
    after it: "a statue of a (bearded) man", "a marble bust of an old man", "a wax figure of a man", "the man in the
    statue"?"""
    if (j + 3 < len(toks) and toks[j + 1] == "in" and toks[j + 2] in ("the", "this", "that")
            and toks[j + 3] in lex.depictions and (j + 4 == len(toks) or toks[j + 4] not in ("'s", "’s", "'"))):
        return True  # "the man in the statue has short hair" (not "the woman in the statue's shadow")
    if j > 0 and (toks[j - 1] in _DRAWN or (j > 1 and toks[j - 2] in _DRAWN and toks[j - 1].isalpha()
                                             and toks[j - 1] not in ("and", "or", "but", "with", "by", "near"))):
        return True  # "a cartoon hero", "an anime girl", "a cartoon farm girl" (held-out set 116)
    k = j - 1
    steps = 0
    # (a describing word before a comma and another describing word: "a statue of a robust, bearded fisherman",
    # held-out set 104; not "a statue of a horse, a man": an article after the comma)
    while k > 0 and steps < 5 and (toks[k] in ("a", "an", "the", "-", ",") or toks[k] in lex.modifiers
                                   or _participle(lex, toks[k])
                                   # a word after an article: "a marble bust of a Roman emperor" (held-out set 116)
                                   or (toks[k].isalpha() and toks[k - 1] in ("a", "an", "the") and toks[k + 1] != ","
                                       and not lex.is_person(toks[k]))
                                   or (toks[k].isalpha() and toks[k + 1] == "," and k + 2 < len(toks)
                                       and toks[k + 2] not in ("a", "an", "the") and not lex.is_person(toks[k]))):
        k -= 1
        steps += 1
    if k >= 2 and toks[k] in _COPULAS_SG and _likeness_subject(toks, k, lex):
        return True  # "The main puppet is a grandmother figure", "The gnome on the lawn is a fat old fellow"
    if k >= 1 and toks[k] == "like" and toks[k - 1] == "shaped":
        return True  # "a wooden nutcracker shaped like a stout soldier" (held-out set 106)
    if k >= 2 and toks[k] in _DEPICTS:
        # "The bronze statue in the plaza depicts a muscular man" (held-out set 81): a likeness before the verb
        return any(t in lex.depictions for t in toks[max(0, k - 6):k])
    if k < 1 or toks[k] != "of":
        return False
    head = toks[k - 1]
    return head in lex.depictions or (head in ("figure", "figures") and k > 1 and toks[k - 2] in _FIGURE_MATERIALS)


def _likeness_subject(toks: list[str], k: int, lex: PersonLexicon) -> bool:
    """Is the subject of the copula at ``k`` a likeness: a statue, a puppet or a gnome opens its clause and no person
    comes between ("The main puppet is a grandmother figure", held-out set 106)?"""
    likeness = False
    for i in range(k - 1, max(-1, k - 8), -1):
        t = toks[i]
        if t in _SENTENCE_END or t in (",", "and", "while", "but"):
            break
        if lex.is_person(t) or t in lex.pronouns:
            return False  # "The man next to the statue is an old fisherman"
        if t in lex.depictions:
            # (not the object of a place word: "Next to the statue is an old fisherman")
            j = i - 1 if i > 0 and toks[i - 1] in ("a", "an", "the", "this", "that") else i
            likeness = likeness or not (j > 0 and toks[j - 1] in _PLACE_WORDS)
    return likeness


_PLACE_WORDS = frozenset({"to", "beside", "near", "behind", "by", "with", "from", "on", "in", "at", "under", "above",
                          "below", "past", "around", "before", "after", "of"})


# verbs by which a likeness shows whom it is of
_DEPICTS = frozenset({"depicts", "depicting", "portrays", "portraying", "represents", "representing", "depicted"})


# words that make a possessive about particular people: "the women's faces", "their children's toys"
_SPECIFIC = frozenset({"the", "these", "those", "his", "her", "their", "our", "my", "your", "its", "two", "three",
                       "four", "both", "some", "several", "many", "all", "other"})


# words after which "for men", "for kids" names an audience: "suitable for both men and women to wear"
_MADE_FOR = frozenset({"suitable", "designed", "made", "ideal", "perfect", "intended", "meant", "marketed", "tailored",
                       "sized", "appropriate"})


# who a text is shown to, and the words that name part of them: "a wide audience, including minors"
_AUDIENCES = frozenset({"audience", "audiences", "viewers", "users", "readers", "viewership", "public"})
_INCLUDING = frozenset({"including", "includes", "include", "especially", "particularly"})


def _audience(toks: list[str], i: int, lex: PersonLexicon) -> bool:
    """Is ``toks[i]`` a group noun naming whom a thing is for ("a princess costume for girls", "toys for kids",
    "shoes for men", "suitable for both men and women", "a wide audience, including minors"), not particular
    people ("a cake for the girls")?"""
    if toks[i] not in lex.group_plurals:
        return False
    k = i - 1
    if k >= 0 and toks[k] in _INCLUDING and any(t in _AUDIENCES for t in toks[max(0, k - 5):k]):
        return True  # "suitable for a general audience, including children", "an audience that includes minors"
    if k >= 1 and toks[k] in ("and", "or", "&") and toks[k - 1] in lex.group_plurals:
        k -= 2  # "shoes for men and women"
    if k >= 0 and toks[k] in ("both", "either"):
        k -= 1  # "suitable for both men and women"
    return (k >= 1 and toks[k] == "for"
            and (toks[k - 1] in lex.attire_heads or toks[k - 1] in lex.non_person_heads or toks[k - 1] in _MADE_FOR
                 or toks[k - 1] in _INCLUDING))  # "unwelcoming, particularly for women"


# places, and parts of a shop or a building, named for whom they serve: "the children's ward" (held-out set 74), "past
# the men's clothing section" (held-out set 77)
_PLACES_FOR_GROUPS = frozenset({"section", "sections", "department", "departments", "aisle", "aisles", "restroom",
                                "restrooms", "bathroom", "bathrooms", "toilet", "toilets", "ward", "wards", "wing",
                                "unit", "clinic", "hospital", "boutique", "store", "shop", "outlet", "locker", "menu",
                                "museum", "library", "zoo",
                                # held-out set 93: "the children's slide and swings coated in frost"
                                "slide", "slides", "swing", "swings", "playground", "playgrounds", "pool", "pools"})


# ... the places and things that a group word names with no apostrophe (held-out set 98: "kids menu", "teen lounge
# area", "girls night out"); not those that are verbs too ("two children swing in a tire", "kids shop for shoes")
_FOR_GROUPS = frozenset({"menu", "menus", "lounge", "lounges", "area", "areas", "zone", "zones", "corner", "night",
                         "section", "department", "aisle", "restroom", "restrooms", "clinic", "hospital", "museum",
                         "library", "zoo", "boutique", "store", "playground", "ward"})


def _category_possessive(toks: list[str], i: int, lex: PersonLexicon) -> bool:
    """Is ``toks[i]`` a group noun in a possessive that names a kind of thing ("Men's slim-fit chinos",
    "Women's cotton sweater", "Kids' rain boots", "a children's book"), not particular people ("the
    women's faces", "the women's team", "children's hands")?  Before a place or a thing named for the
    group the apostrophe may be missing ("kids menu", "teen lounge")."""
    if ((toks[i] in lex.group_plurals or toks[i] == "teen") and i + 1 < len(toks)
            and toks[i + 1] in _FOR_GROUPS):
        return True  # no apostrophe, as captions write it: "kids menu on a table", "teen lounge", "girls night out"
    if toks[i] not in lex.group_plurals or i + 2 >= len(toks) or toks[i + 1] not in ("'s", "’s", "'", "’"):
        return False
    if any(t in _PLACES_FOR_GROUPS for t in toks[i + 2:i + 4]):
        return True  # a part of a shop or a building, even after "the": "past the men's clothing section"
    if i > 0 and toks[i - 1] in _SPECIFIC:
        return False
    following = toks[i + 2:i + 5]
    if not following[0].isalpha():
        return False
    if any(t in lex.attire_heads for t in following):
        return True  # a garment, whatever else is named: "Girls' tulle party dress", "Women's team jersey"
    for t in following:
        if t in _SENTENCE_END or t in (",", ";", ":"):
            break
        if (lex.is_person(t) or t in lex.collectives or t in lex.body_nouns or t in lex.body_parts
                or t in lex.group_events):
            return False  # "men's hands", "a women's soccer game": the people are there
    return True


# words that never stand inside a compound person noun ("a young police officer"): the word before
# a person noun is skipped only when it is none of these
_NOT_COMPOUND = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "of", "in", "on", "at", "with", "to", "for", "from", "by",
    "into", "onto", "as", "than", "like", "near", "behind", "beside", "next", "over", "under", "above", "below",
    "and", "or", "but", "nor", "not", "no", "is", "are", "was", "were", "be", "been", "am", "has", "have", "had",
    "do", "does", "did", "after", "before", "during", "without", "within", "through", "around", "across", "along",
    "up", "down", "off", "out", "about", "against", "among", "past", "toward", "towards", "via", "per", "upon",
    "inside", "outside", "despite", "while", "when", "where", "if", "so", "then", "there", "here"})


_HEAD_MODIFIERS = 2  # describing words that may stand between a word and the thing it modifies


def _modifies_thing(toks: list[str], end: int, lex: PersonLexicon) -> bool:
    """Does the word ending at ``end`` modify a thing: a non-person head right after it, or after
    a describing word or two ("an adult black rhinoceros"), not itself the first part of a person
    noun ("female horse riders")?  (Never asked of a pronoun: "her shirt" is still hers.)"""
    n = len(toks)
    j = end
    while (j < n and j - end < _HEAD_MODIFIERS and toks[j] in lex.modifiers and toks[j] not in lex.nouns
           and toks[j] not in _QUANTIFIERS):
        j += 1
    if (toks[end - 1] in _OF_YOUNG_AND_SEX and j + 1 < n and toks[j + 1] in lex.non_person_heads
            and toks[j] not in lex.non_person_heads and _plain_word(toks[j]) and not lex.is_person(toks[j])):
        # one more describing word of the thing after a word animals share with people: "an adult
        # polar bear", "a baby sea turtle" (not after other nouns: "a woman share[s] food")
        j += 1
    verb_in_s = j < n and toks[j] in lex.verbs_in_s and not toks[end - 1].endswith("s")
    # (an animal is no verb: "walking a senior beagle along the sidewalk")
    if j + 1 < n and ((toks[j + 1] in _AFTER_A_VERB and toks[j] not in lex.animals)
                      or (verb_in_s and toks[j + 1] in _AFTER_A_VERB_S) or _participle_head(toks, j)):
        # the "head" is a verb: "a man bicycles through the lot", "the child bikes past them", "a man
        # kayaks in rough water"
        return False
    if j + 2 < n and toks[j + 1] == "-" and toks[j + 2].endswith("ing"):
        return False  # the first part of a verb: "a light-brown complexion bottle-feeding his newborn"
    # (a garment named after its wearer right after the word: "a maid costume", "a cowboy hat", "baby
    # clothes", whose word is no one in the picture)
    if j == end and _pair_before_likeness(toks, j, lex):
        return True  # "the bride and groom figurines", "a bride-and-groom figurine" (held-out sets 103, 104)
    # (a likeness: "a slim female mannequin", "the groom figurines", held-out set 106; not a verb: "Man carving turkey")
    head = j < n and (toks[j] in lex.non_person_heads or (toks[j] in lex.depictions and not toks[j].endswith("ing"))
                      or (j == end and toks[j] in lex.attire_heads and toks[j] not in _NOT_GARMENTS))
    return head and not (j + 1 < n and toks[j + 1] in lex.nouns)


def _pair_before_likeness(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is ``toks[j:]`` "and" (or "-and-") and a second person noun before a likeness: the word before ``j`` and that
    noun name the figures ("bride and groom figurines")?"""
    n = len(toks)
    k = j + 1 if j < n and toks[j] == "-" else j
    if k >= n or toks[k] not in ("and", "&"):
        return False
    k += 1
    if k < n and toks[k] == "-":
        k += 1
    return (k + 1 < n and lex.is_person(toks[k]) and toks[k + 1] in lex.depictions
            and not toks[k + 1].endswith("ing"))  # ("The bride and groom carving the roast")


# attire heads that are verbs or parts as often as garments ("a woman styled her hair")
_NOT_GARMENTS = frozenset({"styled", "style", "trim", "stole", "wrap", "lining", "print", "collar", "collars", "hood",
                           "dress", "dresses", "suit", "suits", "boot", "boots"})


def _participle_head(toks: list[str], j: int) -> bool:
    """Is the -ing noun at ``j`` a verb here: "a woman painting on an easel", "a man drawing a map" (not "a
    woman painting hangs on the wall")?"""
    return (toks[j].endswith("ing") and j + 1 < len(toks)
            and (toks[j + 1] in _AFTER_A_VERB_S or toks[j + 1] in ("outdoors", "outside")))


# words after such a verb
_AFTER_A_VERB_S = frozenset({"in", "on", "at", "a", "an", "the", "his", "her", "their", "its", "with", "from", "to",
                             "for", "by", "near", "under", "over"})

# describing words that may also start the object of a verb: "offering another girl some food"
_QUANTIFIERS = frozenset({"some", "many", "few", "several", "two", "three", "four", "five", "other", "another", "very",
                          "rather", "quite", "somewhat", "slightly", "fairly", "single", "lone"})

# words that follow a verb of motion rather than a noun
_AFTER_A_VERB = frozenset({"through", "past", "down", "along", "across", "up", "into", "around", "away", "off",
                           "toward", "towards"})


def _said_of_an_animal(toks: list[str], start: int, end: int, lex: PersonLexicon) -> bool:
    """A sex, parent or age noun about an animal named just before it: "Zebras live in harems of one
    dominant male and several females", "the adult elephant is likely the mother of the calf".  The
    nearest earlier person or animal in the same or the previous sentence decides."""
    if end - start != 1 or toks[start] not in lex.shared_with_animals or (end < len(toks) and toks[end] in lex.nouns):
        return False
    lo, hi = start, end
    while lo > 0 and toks[lo - 1] not in _SENTENCE_END:
        lo -= 1
    while hi < len(toks) and toks[hi] not in _SENTENCE_END:
        hi += 1
    if any(toks[i] in lex.nouns and toks[i] not in lex.shared_with_animals and toks[i] not in lex.collectives
           and not _modifies_thing(toks, i + 1, lex) for i in range(lo, hi)):
        return False  # a person in the same sentence: "two girls on horses, each with an adult beside them"
    for k in _back_two_sentences(toks, start):
        t = toks[k]
        if t in lex.animals:
            return True
        elif t in lex.shared_with_animals or t in lex.collectives:
            continue  # "one dominant male, several females": the same question; "social groups of females"
        elif lex.is_person(t) or t in lex.possessives:
            return not _refers_to_person(toks, k, lex)
    return False


# age and sex words said of animals as much as of people
# (singular only: after a plural the next word may be its verb, "young adults consume food")
_OF_YOUNG_AND_SEX = frozenset({"baby", "adult", "young", "newborn", "juvenile", "female", "male", "mother", "father"})


def _plain_word(t: str) -> bool:
    """A word that may describe a thing: not a function word, nor one that looks like a verb ("a
    woman feeding ducks", "a man walks dogs")."""
    return t.isalpha() and t not in _NOT_COMPOUND and not t.endswith(("ing", "ed", "s"))


def _compound_part(lex: PersonLexicon, toks: list[str], j: int) -> bool:
    """Is ``toks[j]`` the first part of a compound person noun: "a young *police* officer", "an
    Asian *security* guard", "an elderly *Buddhist* monk"?  Not a thing or animal ("a white *van*
    driver", "a black *dog* owner") nor a function word."""
    t = toks[j]
    # not onto a noun that also names a thing: "a large black circular speaker", "a white paper model"
    return (j + 1 < len(toks) and toks[j + 1] in lex.nouns and toks[j + 1] not in lex.thing_like_nouns
            and t.isalpha() and t not in _NOT_COMPOUND
            and t not in lex.non_person_heads and t not in lex.copulas and t not in lex.possessives
            and not lex.is_person(t))


# words that open a new noun phrase after ", and"
_NEW_PHRASE = frozenset({"one", "a", "an", "the", "two", "three", "some", "another", "each"})
# describing words said of people (or animals) only: before a noun of a role that no list has, they describe the one
# who has that role ("an overweight line cook", "a burly deckhand", "a teenage farmhand", "a middle-aged, pot-bellied
# mail carrier"; held-out set 56)
_PERSON_ONLY = frozenset({"middle-aged", "teenage", "teenaged", "elderly", "overweight", "obese", "portly", "burly",
                          "brawny", "pot-bellied", "potbellied", "heavyset", "heavy-set", "stocky", "pudgy", "emaciated",
                          "gaunt", "rail-thin", "scrawny", "paunchy", "corpulent", "rotund", "balding", "gray-haired",
                          "grey-haired", "white-haired"})
# endings of a noun naming who does something ("puller", "operator", "florist", "farmhand", "trainee")
_AGENTIVE = ("er", "or", "ist", "ian", "hand", "man", "men", "ee", "ers", "ors", "ists", "ians", "hands", "ees")
# nouns with such an ending that name things (person nouns with it are in the lexicon and found first)
_NOT_ROLE = frozenset({
    "center", "centre", "computer", "container", "number", "corner", "water", "paper", "poster", "sticker", "letter",
    "tower", "river", "flower", "cover", "chamber", "theater", "theatre", "shelter", "dinner", "summer", "winter",
    "weather", "power", "order", "filter", "trailer", "heater", "cooler", "folder", "holder", "printer", "speaker",
    "marker", "ladder", "rubber", "butter", "finger", "monitor", "motor", "mirror", "color", "colour", "door", "floor",
    "interior", "exterior", "corridor", "sweater", "jumper", "blazer", "slipper", "slippers", "sneaker", "sneakers",
    "trousers", "suspenders", "border", "meter", "liter", "character", "barrier", "tractor", "elevator", "escalator",
    "calculator", "radiator", "generator", "refrigerator", "freezer", "dryer", "washer", "blender", "toaster",
    "mixer", "scooter", "helicopter", "counter", "pillar", "collar", "cellar", "cigar", "guitar", "sugar", "vinegar",
    "burger", "hamburger", "banner", "planter", "cylinder", "shoulder", "boulder", "timber", "lumber", "leather",
    "feather", "manner", "matter", "ottoman", "layer"})


def _role_noun(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is ``toks[j]`` a noun naming who does something, that no list has ("deckhand", "puller", "carrier")?"""
    t = toks[j]
    nxt = toks[j + 1] if j + 1 < len(toks) else ""
    return (len(t) > 4 and t.isalpha() and t.endswith(_AGENTIVE) and t not in _NOT_ROLE and t not in lex.animals
            and t not in lex.copulas and not _participle(lex, t)
            and nxt not in lex.animals and nxt not in lex.non_person_heads)  # not "a burly boxer dog"


def _forward(toks: list[str], j: int, lex: PersonLexicon, start: int, reach: int | None = None) -> bool:
    steps = 0
    compound = False
    end = j
    while j < len(toks) and steps < _STEPS:
        t = toks[j]
        if t in lex.nouns:
            # "a young man" but not "a young adult novel"; a colour before a garment named after its
            # wearer is the garment's: "a white sailor cap", "a white chef's jacket" (but "the young
            # woman's outfit" is hers)
            nxt = toks[j + 1] if j + 1 < len(toks) else ""
            colour = toks[start] in lex.garment_colours
            if nxt in ("'s", "’s", "'") and j + 2 < len(toks):
                return not (colour and toks[j + 2] in lex.attire_heads)
            if _plural(t) and j + 2 < len(toks) and toks[j + 2] in _OBJECT_START:
                return True  # a plural and a verb, not a compound: "Asian tourists photograph the tower"
            return ((nxt not in lex.non_person_heads or _participle_head(toks, j + 1))
                    and not (colour and nxt in lex.attire_heads))
        if t in lex.body_nouns:
            # "a youthful appearance", "Asian features", "a muscular build": whose? ("the old appearance
            # of the truck": the truck's)
            of = _of_owner(toks, j + 1, lex)
            if of is None:
                of = _owner_is_person(toks, start, lex, reach)
            return bool(of)
        if t in _NEW_PHRASE and j - 2 >= start and toks[j - 1] == "and" and toks[j - 2] == ",":
            return False  # "the home team's colours, green and white, and one individual is shooting": a new clause
        if (t.isalpha() and j + 2 < len(toks) and toks[j + 1] == "-" and toks[j + 2] not in lex.nouns
                and (toks[j + 2] in lex.modifiers or toks[j + 2] == "like" or toks[j + 2].endswith(("ing", "ed")))):
            j += 3  # a hyphenated describing word: "a thin, frail-looking elderly man", "a bird-like frame"
            steps += 1
            continue
        if not _skippable_modifier(lex, t):
            if "".join(toks[start:end]) in _PERSON_ONLY and (_role_noun(toks, j, lex) or (
                    t.isalpha() and t not in _NOT_COMPOUND and j + 1 < len(toks)
                    and (_role_noun(toks, j + 1, lex) or toks[j + 1] in lex.nouns))):
                return True  # "an overweight line cook", "a teenage farmhand", "a pot-bellied mail carrier"
            if compound or not _compound_part(lex, toks, j):
                return False
            compound = True  # one such word only
        j += 1
        steps += 1
    return False


_IRREGULAR_PLURALS = frozenset({"men", "women", "children", "people", "gentlemen", "businessmen", "policemen",
                                "firemen", "fishermen", "sportsmen", "freshmen", "batsmen", "folks"})


_OBJECT_START = frozenset({"the", "a", "an", "his", "her", "their", "its", "some", "several", "two", "three", "this",
                           "that", "these", "those", "each", "every"})


def _plural(t: str) -> bool:
    return t in _IRREGULAR_PLURALS or (len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")))


def _of_owner(toks: list[str], j: int, lex: PersonLexicon) -> bool | None:
    """After a body noun, "of the truck" / "of the woman": is the owner named there a person?
    ``None`` when no "of" phrase names one."""
    if j >= len(toks) or toks[j] != "of":
        return None
    for t in toks[j + 1:j + 5]:
        if lex.is_person(t) or t in lex.possessives:
            return True
        if t in lex.non_person_heads:
            return False
        if not (t in ("a", "an", "the", "this", "that") or _skippable_modifier(lex, t)):
            return None
    return None


_DECADE = re.compile(r"\d0'?s")  # "70s", "20's"
_NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                           "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                           "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
# pronouns that may point back to an animal ("The puppy is asleep; he looks tiny"; see _refers_to_person)
_SINGULAR_PRONOUNS = frozenset({"her", "his", "hers", "him", "he", "she"})
_OWNING = frozenset({"his", "her", "its", "their"})
# plural nouns without an -s
_PLURALS = frozenset({"sheep", "cattle", "deer", "fish", "geese", "mice", "oxen", "livestock", "poultry", "moose",
                      "bison", "buffalo", "elk"})


_COPULAS_SG = frozenset({"is", "'s", "’s", "was"})


def _names_a_thing(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Does the subject pronoun at ``j`` open a clause that says what it is, and that is an animal or a thing: "She
    is a grey tabby", "she's an old wooden sloop" (not "she is a woman with a cat")?"""
    if j + 3 >= len(toks) or toks[j + 1] not in _COPULAS_SG or toks[j + 2] not in ("a", "an"):
        return False
    # (a comma between adjectives: "She's a broad, heavy vessel", held-out set 106)
    for t in toks[j + 3:j + 8]:
        if lex.is_person(t) or t in _SENTENCE_END or t in ("with", "of", "and"):
            return False
        if t in lex.animals or t in lex.vessels or t in lex.non_person_owners:
            return True
    return False


_SENTENCE_STOPS = frozenset({".", "!", "?", "\n", "\n\n"})


def _animal_subject(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is the subject pronoun at ``j`` the second clause's subject in a sentence that opens with an animal (a boat: only
    "she") as its subject, with no person and no other pronoun between?  "The mare is clearly getting on in years; she
    has a sagging back", "The horse is a female Arabian with a slender frame, and she moves gracefully", "The boat is
    clearly well loved: she's broad in the beam" (held-out sets 100, 106, 108); not "The dog ... is watching her,
    possibly as she prepares a meal" (after "as": a clause about someone else)."""
    if j == 0 or toks[j - 1] not in _PRONOUN_CLAUSE_OPENERS:
        return False
    if j + 1 < len(toks) and toks[j + 1] in _COPULAS_SG:
        for t in toks[j + 2:j + 8]:
            if t in _SENTENCE_STOPS or t in (",", ";"):
                break
            if t in lex.nouns:
                return False  # the pronoun's clause says it is a person: "and he is a young man in shorts"
    lo = j
    while lo > 0 and toks[lo - 1] not in _SENTENCE_STOPS:
        lo -= 1
    for k in range(lo, j):
        t = toks[k]
        if t in lex.animals or (t in lex.vessels and toks[j] == "she"):
            if (toks[k + 1] in ("'s", "’s", "and", "or", "with") or (k > lo and toks[k - 1] in _OWNING | {"hot"})
                    or k >= j - 2):
                # "The dog's owner ...", "The dog and its owner ...", "Her dog ...", "The hot dog is ... as he
                # enjoys", and the object of the pronoun's own clause: "One of the dogs she is walking"
                return False
            # ("you can see her ribs": the listener is no one in the picture)
            return not any((lex.is_person(t) and t not in lex.shared_with_animals) or t in lex.pronouns
                           for t in toks[k + 1:j] if t not in _DIALOGUE)
        if lex.is_person(t) or t in lex.pronouns:
            return False
    return False


# what may open the clause of the pronoun: a semicolon, a colon, a dash, "and", "but", "so" (not "as", "while", "when")
_PRONOUN_CLAUSE_OPENERS = frozenset({";", ":", "—", "–", "-", "and", "but", "so"})


def _plural_in_s(word: str) -> bool:
    """Does ``word`` look like a plural in -s: "dogs", "bikes" (not "glass", "bus", "walrus", "rhinoceros": a "bus
    stop" is no antecedent of "their", held-out set 76)?"""
    return word.endswith("s") and not word.endswith(("ss", "us", "is")) and word not in _SINGULARS_IN_S


_SINGULARS_IN_S = frozenset({"lens", "canvas", "gas", "rhinoceros", "species", "series", "atlas", "chaos"})


def _refers_to_person(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is the person word at ``j`` really about a person?  "they/them/their" may point back to
    animals or things ("Ducks are waterfowl. They have a stout body"): the nearest earlier person
    noun or plural non-person owner in this or the previous sentence decides; none found, a person.
    "his/her/him" point back to an animal only when one comes before and no person does."""
    if toks[j] in ("his", "her") and _animal_part_follows(toks, j, lex):
        return False  # "the husky is pulling on his leash", "with her tail up": an animal's, whoever is named
    if toks[j] in ("he", "she") and _names_a_thing(toks, j, lex):
        return False  # "She is a grey tabby with white paws", "She's an old wooden sloop" (held-out set 77)
    if toks[j] in ("he", "she") and _animal_subject(toks, j, lex):
        return False  # (not "his/her": "The cat is sleeping on her lap")
    if toks[j] in _SINGULAR_PRONOUNS:
        # "A female lion rests with her cubs", "The mare and her foal", "The puppy is asleep; he looks tiny": an
        # animal before it and no person at all.  An earlier he/she/his/her decides as it is itself resolved ("The
        # mare is grazing; she ... her foal"), and a person owned by a possessive is no antecedent ("The dog waits
        # for his owner. He sits by the post": the dog)
        animal = False
        for k in _back_two_sentences(toks, j):
            t = toks[k]
            if t in ("who", "whom"):
                continue  # a relative pronoun: the noun before it decides
            if t in _SINGULAR_PRONOUNS:
                return _refers_to_person(toks, k, lex)
            if (t in lex.nouns and t not in lex.shared_with_animals
                    and not (toks[j] in ("he", "she") and k > 0 and toks[k - 1] in _OWNING)) or t in lex.pronouns:
                if t in lex.nouns and _depicted(toks, k, lex):
                    animal = True  # the figure of a statue: "A statue of a man ... his hair is chin-length"
                    continue
                return True  # (not "female", "mother", "baby": said of animals too)
            if t in lex.depictions and not (t in ("relief", "reliefs") and toks[k + 1] != "of"
                                            and (k == 0 or toks[k - 1] not in _FIGURE_MATERIALS | _RELIEF_BEFORE)):
                # (not the feeling: "expressing feelings like relief")
                animal = True  # "A Barbie doll in a gown ... her shoulders", unless a person comes before
            if (not animal and t in lex.animals and k > 0 and toks[k - 1] in _ANIMAL_SEX
                    and toks[j] in ("his", "her") and (j + 1 == len(toks) or toks[j + 1] not in lex.nouns)):
                # the nearest is an animal named by its sex: "a person watches a mother duck lead her ducklings"
                # (not "... the mother goat while her son watches")
                return False
            # (an animal's thing is no antecedent: "Crow's feet frame her eyes"; nor food: "hot dogs"; nor an animal
            # right before a subject pronoun, which is the subject of a clause about it: "the dogs she is walking",
            # "What breed of dog is she walking?")
            # (a ship is "she": "the ship is leaving port, and her crew ...", held-out set 77)
            animal = animal or (t in lex.vessels and toks[j] in ("she", "her") and (
                # (not makeup: "a thin black liner flick", held-out set 94)
                t != "liner" or toks[k - 1] in ("ocean", "cruise", "passenger", "luxury", "the", "a", "an")))
            animal = animal or (t in lex.animals and toks[k + 1] not in ("'s", "’s") and (k == 0 or toks[k - 1] != "hot")
                                and not (toks[j] in ("he", "she") and (k == j - 1 or (k == j - 2 and toks[j - 1] in (
                                    "that", "which", "is", "was", "does", "did")))))
        return not animal
    if toks[j] not in _PLURAL_PRONOUNS:
        return True
    prev = _previous_sentence_start(toks, j)
    if prev is not None and toks[prev] in ("they", "their"):
        # a sentence that opens with "they" goes on about the previous one's "they", not about the things named
        # in it: "They are wearing shorts and sunglasses. They have a broad build."
        return _refers_to_person(toks, prev, lex)
    for k in _back_two_sentences(toks, j):
        t = toks[k]
        if t in lex.nouns:
            return True
        elif t in lex.non_person_owners and t != "its" and (t in _PLURALS or _plural_in_s(t)):
            return False
    return True


_ANIMAL_SEX = frozenset({"mother", "father", "mama", "momma", "female", "male"})


def _describing_word(t: str, lex: PersonLexicon) -> bool:
    """May ``t`` be a describing word of a list (no noun, pronoun, verb of being, determiner or preposition)?"""
    return (t.isalpha() and t not in lex.nouns and not lex.is_person(t) and t not in lex.copulas
            and t not in lex.possessives and t not in _PP_DETERMINERS and t not in _PLACE_WORDS)


_SUBJECT_OPENERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "both", "all", "each"})


def _clause_of_person(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Does the clause that ends at the colon ``toks[j]`` open with a person as its subject and hold a verb ("She
    stands out at once:", "The two cooks behind the counter are a study in contrast:")?  A label ("Traits:", "The
    man:") is left to :func:`_person_label`."""
    k = j - 1
    while k >= 0 and toks[k] not in _SENTENCE_END and "\n" not in toks[k] and not _label_end(toks[k]):
        k -= 1
    i = k + 1
    while i < j and (toks[i] in _SUBJECT_OPENERS or toks[i] in _NUMBER_WORDS or toks[i] in ("*", "**")):
        i += 1
    if i >= j - 1 or not (toks[i] in _SUBJECT_PRONOUNS or (toks[i] in lex.nouns and lex.is_person(toks[i]))):
        return False
    rest = toks[i + 1:j]
    if any(t.endswith("ing") or t in _NUMBER_WORDS or t in lex.possessives or t.isdigit() for t in rest):
        return False  # what they do or have, which the colon may describe: "The man is holding a bag: heavy and worn"
    return any(t in lex.copulas or t in _CLAUSE_VERBS for t in rest) and _refers_to_person(toks, i, lex)


# verbs of a clause that presents a person before a colon: "She stands out at once:", "he looks like this:"
_CLAUSE_VERBS = frozenset({"stands", "sits", "looks", "appears", "seems", "comes", "strikes", "presents", "leans",
                           "poses", "waits"})


def _row_label_is_person(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is ``toks[j]`` a cell border of a Markdown table row whose first cell names a person ("| Lead singer | Heavyset,
    in a leather vest |", held-out set 127)?  The border that opens the row is not."""
    k = j - 1
    while k >= 0 and "\n" not in toks[k]:
        k -= 1
    borders = [i for i in range(k + 1, j) if toks[i] == "|"]
    if not borders:
        return False
    first = borders[0]
    if first == k + 1:
        cell = toks[first + 1:borders[1] if len(borders) > 1 else j]
        cell_start = first + 1
    else:  # a row without its opening border: "Lead singer | Heavyset"
        cell, cell_start = toks[k + 1:first], k + 1
    if not cell or len(cell) > 5 or not any(t in lex.nouns and _refers_to_person(toks, cell_start + i, lex)
                                            for i, t in enumerate(cell)):
        return False
    # the column must be one of descriptions ("Description", "Details"): a column that names what it holds ("Skin
    # tone", "Eye colour", "Origin") is the table rules' to judge (safelint.tables)
    header = _table_header(toks, k)
    if header is None:
        return False
    names = pipe_cells(header)
    col = sum(1 for i in range(k + 1, j + 1) if toks[i] == "|") - int(first == k + 1)
    return col < len(names) and description_column(names[col])


def _table_header(toks: list[str], k: int) -> str | None:
    """The header row, as text, of the Markdown table whose row starts after the line break ``toks[k]``: the line
    above its rule row ("|---|---|"), when the table's lines up to it lie within ``toks``."""
    end = k
    for _ in range(30):
        start = end - 1
        while start >= 0 and "\n" not in toks[start]:
            start -= 1
        line = " ".join(t for t in toks[start + 1:end] if t.strip())
        if not line.startswith("|"):
            return None
        if not line.strip("|:- "):  # the rule row (its dashes reach the tokens as spaces)
            hs = start - 1
            while hs >= 0 and "\n" not in toks[hs]:
                hs -= 1
            header = " ".join(t for t in toks[hs + 1:start] if t.strip())
            return header if header.startswith("|") and start > 0 else None
        if start < 0:
            return None
        end = start
    return None


def _fragment_of_person_label(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Does the sentence end at ``j`` close a verbless fragment on a line that a label naming a person opens, with
    no subject of its own ("**The vendor:** Behind a table of tomatoes. Broad and heavyset", held-out set 127)?"""
    k = j - 1
    while k >= 0 and j - k < 40:
        t = toks[k]
        if "\n" in t:
            return False
        if _label_end(t):
            return k > 0 and _person_label(toks, k, lex, loose=False)
        if t in lex.copulas or t in _SUBJECT_PRONOUNS or t in _PLURAL_PRONOUNS or lex.is_person(t):
            return False
        k -= 1
    return False


def _previous_sentence_start(toks: list[str], j: int) -> int | None:
    """When ``j`` opens a sentence: the first token of the sentence before it (within ``_OWNER_REACH`` tokens)."""
    if j == 0 or toks[j - 1] not in _SENTENCE_END:
        return None
    k = j - 1
    while k > 0 and toks[k - 1] in _SENTENCE_END:
        k -= 1
    for i in range(k - 1, max(0, j - _OWNER_REACH) - 1, -1):
        if toks[i] in _SENTENCE_END:
            return i + 1 if i + 1 < k else None
    return 0 if j - _OWNER_REACH <= 0 < k else None


def _animal_part_follows(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Does an animal's part follow the possessive at ``j``, over a describing word or two ("his long tail")?"""
    k = j + 1
    while k < len(toks) and k - j <= 3 and toks[k] not in lex.animal_parts and (
            toks[k] in lex.modifiers or _plain_word(toks[k])) and toks[k] not in lex.nouns:
        k += 1
    # the head, not a describing word of a garment: "her fur scarf"
    return (k < len(toks) and toks[k] in lex.animal_parts
            and not (k + 1 < len(toks) and (toks[k + 1] in lex.attire_heads or toks[k + 1] in lex.non_person_heads)))


_OWNER_REACH = 60  # tokens searched backwards for the owner of a body part


def _back_two_sentences(toks: list[str], j: int) -> Iterator[int]:
    """Indices before ``j``, nearest first, within the same and the previous sentence (at most
    ``_OWNER_REACH`` tokens)."""
    ends = 0
    after_end = False  # the token after this one ends a sentence: "happy.\n" is one end, not two
    for k in range(j - 1, max(0, j - _OWNER_REACH) - 1, -1):
        if toks[k] in _SENTENCE_END and toks[k] != ";":
            ends += not after_end
            after_end = True
            if ends > 1:
                return
        else:
            after_end = False
            yield k


def _owner_is_person(toks: list[str], start: int, lex: PersonLexicon, reach: int | None = None) -> bool | None:
    """Is the nearest earlier owner (same or previous sentence) a person rather than an animal/object?
    ``None`` when no owner is named at all (a thing's possessive, "the toucan's", is not no owner)."""
    if reach is not None:
        return _wide_owner_is_person(toks, start, lex, reach)
    thing = False
    for j in _back_two_sentences(toks, start):
        t = toks[j]
        if t in _ANAPHORS and _anaphor(toks, j):
            # "two women on a sofa. The one on the left has ... bright hazel eyes" (held-out set 68): the one stands
            # for someone named before
            return _anaphor_is_person(toks, j, lex)
        if t == "its" and _its_baby(toks, j, lex):
            return True  # "The newborn is wrapped in a blanket, and its slate-blue eyes are wide open"
        if t in lex.non_person_owners:
            if not (t in lex.accessories and _accessory_owns_nothing(toks, j, start)):
                return False  # but "a child with glasses and tan skin": the glasses own nothing
        elif lex.is_person(t) or t in lex.possessives:
            # (a drawn or sculpted one owns nothing of a person's: "a cartoon hero with huge dark eyes")
            return _refers_to_person(toks, j, lex) and not (t in lex.nouns and _depicted(toks, j, lex))
        thing = thing or _thing_possessive(toks, j, lex)
    return False if thing else None


_NOT_OF_GLASSES = frozenset({"eye", "eyes", "iris", "irises", "skin", "complexion", "gaze",
                             # a body: "The person wearing glasses has a slender build"
                             "build", "physique", "physiques", "figure", "stature", "waist", "belly", "stomach",
                             "torso", "shoulders", "hips", "face", "hair", "beard"})


def _accessory_owns_nothing(toks: list[str], j: int, start: int) -> bool:
    """Glasses at ``j`` own a frame or lenses ("the glasses have a thin frame"), but not what follows "and" ("a
    child with glasses and tan skin") nor ever eyes or skin ("Does the person wearing glasses have brown eyes?")."""
    return j + 1 < start and (toks[j + 1] in ("and", ",") or any(t in _NOT_OF_GLASSES for t in toks[start:start + 6]))


_BABIES = frozenset({"baby", "babies", "newborn", "newborns", "infant", "infants", "toddler", "toddlers"})


def _its_baby(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is the "its" at ``j`` a baby's: the nearest noun before it that could own something, within 30 words, is a
    baby, not an animal, a thing or another person ("The newborn is wrapped in a blanket; its eyes are blue")?"""
    for k in range(j - 1, max(-1, j - 31), -1):
        t = toks[k]
        if t in _BABIES:
            return not (k + 1 < len(toks) and toks[k + 1] in lex.non_person_owners)  # not "a baby elephant"
        if t in lex.non_person_owners or t in lex.animals or lex.is_person(t):
            return False
    return False


_OWN_GAP = 3  # words that may stand between "its"/"my" and the part it owns: "its large green eyes"
_OWN_GAP_LIST = 6  # ... when they list its parts: "its dark gray fur and black eyes"


def _owns_the_part(toks: list[str], j: int, start: int) -> bool:
    """Does the word at ``j`` determine the matched part: only a few describing words between?"""
    between = toks[j + 1:start]
    gap = _OWN_GAP_LIST if "and" in between else _OWN_GAP
    return len(between) <= gap and all(t.isalpha() or t in ("-", ",") for t in between)


_THING_DETERMINERS = frozenset({"the", "a", "an", "this", "that"})


def _thing_possessive(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is ``toks[j]`` the "'s" of something named with a determiner that is no person word ("the toucan's
    left eye", "the third chinchilla's", "a robin's")?  Only asked when no owner is found: a person noun
    the lexicon lacks ("the sitter's eyes") then still leaves the part to an earlier person."""
    if toks[j] not in ("'s", "’s") or j < 2 or not toks[j - 1].isalpha() or lex.is_person(toks[j - 1]):
        return False
    return toks[j - 2] in _THING_DETERMINERS or (
        j >= 3 and toks[j - 3] in _THING_DETERMINERS and toks[j - 2].isalpha() and not lex.is_person(toks[j - 2]))


def _wide_owner_is_person(toks: list[str], start: int, lex: PersonLexicon, reach: int) -> bool | None:
    """The nearest earlier owner in ``toks[reach:start]``, across sentences (``reference_window``)."""
    thing = False
    for j in range(start - 1, max(0, reach) - 1, -1):
        t = toks[j]
        if t == "its" or t in _DIALOGUE:
            if _owns_the_part(toks, j, start):
                # "its eyes": an animal or thing (a baby's too); "my eyes": the speaker's
                return t != "its" or _its_baby(toks, j, lex)
        elif t in _ANAPHORS and _anaphor(toks, j):
            return _anaphor_is_person(toks, j, lex)  # "The one on the left has ... hazel eyes"
        elif t in lex.non_person_owners:
            if not (t in lex.accessories and _accessory_owns_nothing(toks, j, start)):
                return False
        elif lex.is_person(t) or t in lex.possessives:
            # (not "a cartoon hero with huge dark eyes"; nor an animal's "he": "The image shows a cat. He has amber
            # eyes", held-out set 116; "they" and "their" stay a person's here, whatever things come between)
            return (t not in _SINGULAR_PRONOUNS or _refers_to_person(toks, j, lex)) and not (
                t in lex.nouns and _depicted(toks, j, lex))
        thing = thing or _thing_possessive(toks, j, lex)
    return False if thing else None


# words that may follow the person noun directly: "a woman aged 70", "a man in his 30s", "a man at the age of 30"
_POSTPOSITIVE = {"aged", "age", "in", "weighing", "weighs", "at", "between"}
# degree adverbs that may stand inside a list of describing words: "tall and very slim", "hunched and quite thin"
_DEGREE = frozenset({"very", "quite", "rather", "fairly", "pretty", "really", "extremely", "slightly", "somewhat",
                     "relatively", "noticeably", "visibly", "clearly", "notably", "considerably", "unusually",
                     "exceptionally", "incredibly", "remarkably", "particularly", "moderately", "significantly",
                     "overly", "too", "so", "more", "most", "less", "least",
                     # "the man on the right is much heavier" (held-out set 63)
                     "much", "far",
                     # held-out set 99: "He's severely underweight"
                     "severely", "dangerously", "painfully", "seriously", "morbidly", "markedly", "mildly"})

# adverbs of degree or stance before a describing word, beyond _DEGREE: "the performer is strikingly lean", "the man
# is, frankly, obese" (by their endings, which few adjectives and nouns of seven letters or more share; not "stately",
# nor the adverbs of a generic statement: "a matriarch, usually the oldest female", "jockeys are typically light")
_ADVERB = re.compile(r"(?!stately$|(?:usu|typic|gener|norm|tradition|historic|occasion|convention)ally$)"
                     r"[a-z]{3,}(?:ingly|ably|ibly|edly|ously|ally|ively|fully|ently|antly|ately|ctly)"
                     r"|frankly|truly|honestly|genuinely|simply|utterly|undeniably|unmistakably")

# labels of a structured description whose value describes the person's body ("**Appearance:** Tall and gangly")
_LOOK_LABELS = frozenset({"appearance", "physique", "body", "figure", "build"})
# labels that place one of the people described ("**Left:** Slender, in her twenties")
_POSITION_LABELS = frozenset({"left", "right", "center", "centre", "middle"})
# what "the larger of the two", "the younger of the pair" compare within
_GROUP_WORDS = frozenset({"two", "three", "four", "five", "pair", "couple", "group", "trio", "bunch", "others", "rest",
                          "pack", "lot", "duo"})
# words that may follow such a phrase when no noun does: "the larger of the two is holding", "... of the two, leaning"
_AFTER_GROUP = frozenset({"has", "have", "had", "holds", "wears", "stands", "sits", "leans", "looks", "appears", "seems",
                          "carries", "smiles", "walks", "and", "who", "with", "in", "on", "at", "is", "are", "was",
                          "were", "seated", "standing", "sitting", "wearing", "holding"})
_NUMBERS = (_NUMBER_WORDS - {"one"}) | {"several", "both"}  # words that count a group
_FLOATING = frozenset({"all", "each", "both"})  # quantifiers that float after a plural subject or its copula
# (plural copulas only: "she's all white" is her clothes)
_PLURAL_COPULAS = frozenset({"are", "were", "'re", "’re", "look", "looked", "appear", "appeared", "seem", "seemed"})


_LIST_REACH = 8  # earlier items of the same list walked over to the label above them


def _list_label(toks: list[str], j: int) -> int | None:
    """If the line break at ``j`` opens a list item (an indent follows: its bullet is gone) whose earlier sibling
    items lead up to a label ("**The Bride:**\n*   In her late twenties.\n*   Svelte"), the index of the line
    break right after that label, where the search for the person goes on.  A line that is no list item, a blank
    line between items, or more than a few items: ``None``."""
    if not _item_break(toks, j):
        return None
    items = 0
    k = j - 1
    while k > 0 and items < _LIST_REACH:
        t = toks[k]
        if "\n" in t and not t.strip():
            if _label_end(toks[k - 1]):
                return k  # the line break after the label
            if not _item_break(toks, k):
                return None  # a blank line, or a line that is no list item
            items += 1
        k -= 1
    return None


_ITEMS_REACH = 16  # words the earlier items of a list after a label may hold


def _inline_list_label(toks: list[str], j: int, lex: PersonLexicon) -> int | None:
    """If the comma at ``j`` follows short items (no clause: no sentence end, line break or copula) that a label on the
    same line opens ("**Man:** Late 40s, salt-and-pepper hair,"), the index of the label's colon."""
    k = j - 1
    while k >= 0 and j - k <= _ITEMS_REACH:
        t = toks[k]
        if _label_end(t):
            return k if k > 0 else None
        if "\n" in t or t in _SENTENCE_END or t in lex.copulas or (
                t in ("and", "or", "with", "while", "who", "which") and toks[k - 1] != "-"):  # (salt-and-pepper)
            return None
        k -= 1
    return None


def _item_break(toks: list[str], k: int) -> bool:
    """Is ``toks[k]`` a single line break that opens a list item (an indent follows, where its bullet was)?"""
    return "\n\n" not in toks[k] and k + 1 < len(toks) and not toks[k + 1].strip() and "\n" not in toks[k + 1]


def _person_label(toks: list[str], j: int, lex: PersonLexicon, *, loose: bool = True) -> bool:
    """Does the label that ends at the colon ``toks[j]`` name a person, a person's place in the picture or how they
    look: "**Grandmother:**", "**Appearance:**", "**Left:**", "**Person 1:**", "**Younger Brother (Right):**",
    "**The younger of the two**:"?  Not ``loose``: only a label that names a person or a look counts."""
    k = j - 1
    if toks[j].rstrip("*") == "):" or toks[k] == ")":  # a parenthesis closes the label: "Younger Brother (Right):"
        k -= toks[k] == ")"
        while k > 0 and toks[k] != "(" and j - k < 6:
            k -= 1
        k -= 1
    while k > 0 and toks[k] in ("*", "**"):
        k -= 1  # the emphasis closed before the colon: "- **Boxer in red trunks**: Muscular" (held-out set 64)
    if k < 0:
        return False
    if toks[k] in ("him", "her", "he", "she") and (k == 0 or not toks[k - 1].isalpha()):
        return True  # a pronoun as the label: "**Him:** 70s, heavy-set" (held-out set 64)
    if toks[k] in _LOOK_LABELS or (loose and toks[k] in _POSITION_LABELS) or (
            toks[k] in ("size", "type", "shape") and k > 0 and toks[k - 1] == "body"):  # "**Body Size:** Pot-bellied"
        return True
    if toks[k].isdigit() and k > 0:  # "Person 1:", "Player 2:"
        k -= 1
    if toks[k] in lex.nouns:
        return _refers_to_person(toks, k, lex)
    if (loose and toks[k] in _GROUP_WORDS and k > 1 and toks[k - 1] == "the" and toks[k - 2] == "of"
            and _group_is_people(toks, k - 2, lex, toks[k])):
        return True
    return loose and _heading_names_person(toks, k, lex)


def _heading_names_person(toks: list[str], k: int, lex: PersonLexicon) -> bool:
    """Does the heading that ends at ``toks[k]`` (a line of its own up to its colon, a few words) name a person:
    "**The Man in the Suit:**", "**1. The Boy in the Red Cap:**"?  A sentence that ends in a colon is no heading."""
    i = k  # back to the start of the line, a bullet or a list number
    while i >= 0 and toks[i] not in ("\n", "\n\n", "-", "•") and not (toks[i] == "." and i > 0 and toks[i - 1].isdigit()):
        t = toks[i]
        if t in _SENTENCE_END or k - i >= 8 or t in _HEADING_VERBS or t in lex.verbs_in_s or (
                t.endswith("s") and t.isalpha() and i > 0 and toks[i - 1] in lex.nouns and t not in lex.nouns):
            # a sentence that ends in a colon ("2. The cashier reads the weight off the display: 1.2 kg"), or too long
            return False
        i -= 1
    return any(toks[m] in lex.nouns and _refers_to_person(toks, m, lex) for m in range(i + 1, k + 1))


# verbs that make a line ending in a colon a sentence, not a heading
_HEADING_VERBS = frozenset({"is", "are", "was", "were", "has", "have", "had", "reads", "says", "shows", "holds",
                            "wears", "looks", "appears", "seems", "stands", "sits", "can", "will", "would"})


def _group_is_people(toks: list[str], j: int, lex: PersonLexicon, group: str = "") -> bool:
    """Are the ones compared before ``j`` ("the larger of the two") people?  The ones counted with the same number
    decide ("Two dogs play while a woman watches. The larger of the two": the dogs); else the nearest earlier person
    noun or pronoun says yes, an animal or a counted thing ("two boxes") says no."""
    lo = max(0, j - _OWNER_REACH)
    if group in _NUMBERS:
        for k in range(j - 1, lo, -1):
            if toks[k - 1] == group and toks[k] != "of":
                while k < j and (toks[k] in lex.modifiers or toks[k] in _CONJ or toks[k] == "-"):
                    k += 1  # "two elderly men", "three small, noisy dogs"
                # the nearest group of that many decides: "Two men carry two boxes. The larger of the two": the boxes
                return toks[k] in lex.nouns and _refers_to_person(toks, k, lex)
    for k in range(j - 1, lo - 1, -1):
        t = toks[k]
        if t in lex.animals:
            return False
        if t in lex.nouns or t in lex.pronouns:
            return _refers_to_person(toks, k, lex)
        if k > 0 and toks[k - 1] in _NUMBERS and t.isalpha() and t not in lex.modifiers:
            return False  # "two boxes", "three bikes"
    return False


def _group_comparison(toks: list[str], start: int, end: int, lex: PersonLexicon) -> bool | None:
    """When the span is, or ends, a comparison within a group ("the larger of the two", "the taller, heavier of the
    pair", "the chubbier of the two"): are they people?  ``None`` when it is no such comparison or a noun follows
    it, which decides ("the larger of the two boats")."""
    n = len(toks)
    if end - start >= 4 and toks[end - 3] == "of" and toks[end - 2] == "the" and toks[end - 1] in _GROUP_WORDS:
        g = end - 1  # the pattern's span: "the larger of the two"
    elif end + 2 < n and toks[end] == "of" and toks[end + 1] == "the" and toks[end + 2] in _GROUP_WORDS and (
            toks[start - 1] == "the" or (start > 2 and toks[start - 1] == "," and toks[start - 3] == "the")):
        g = end + 2  # a comparative word: "the chubbier of the two", "the taller, heavier of the two"
    else:
        return None
    nxt = toks[g + 1] if g + 1 < n else "."
    if nxt.isalpha() and nxt not in lex.copulas and nxt not in _AFTER_GROUP:
        return True if nxt in lex.nouns else None
    return _group_is_people(toks, start, lex, toks[g])


# nouns that make a degree word after "a": "the person is a bit chunky", "she is a little plump"
_DEGREE_NOUNS = frozenset({"bit", "little", "tad", "touch"})


def _decade_phrase_start(toks: list[str], j: int, lex: PersonLexicon) -> int | None:
    """If ``toks[j]`` ends "in his 40s" / "in her late 20s" / "in their mid-30s", the index of its "in"; if it ends a
    hedged decade, "likely early twenties" / "probably 30s" (held-out set 78: "She's young, likely early twenties,
    and slender"), the index of the hedge."""
    if not (_DECADE.fullmatch(toks[j]) or toks[j] in _DECADE_WORDS):
        return None
    k = j - 1
    while k >= 0 and toks[k] in ("early", "mid", "late", "-"):
        k -= 1
    if k > 0 and toks[k] in lex.possessives and toks[k - 1] == "in":
        return k - 1
    return k if k >= 0 and toks[k] in _DECADE_HEDGES else None


_DECADE_WORDS = frozenset({"teens", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
                           "nineties"})
_DECADE_HEDGES = frozenset({"likely", "probably", "possibly", "perhaps", "maybe", "about", "around", "roughly",
                            "approximately", "apparently"})


# the words that may stand for an owner named before ("the one on the left has ... hazel eyes"); a number after
# "all" (also an anaphor for a describing word) is left to the owner search, which walks on to the people counted
_ANAPHORS = frozenset({"one", "other", "former", "latter", "both"})
_ANAPHOR_DETERMINERS = frozenset({"the", "this", "that", "each", "either", "another", "every"})


def _anaphor(toks: list[str], j: int) -> bool:
    """Is ``toks[j]`` a subject that stands for someone named before: "the one", "the shorter one", "the other",
    "the former", "One" or "Both" (opening its clause)?"""
    t = toks[j]
    if t == "one":
        # "the one", "the shorter one", and "One" opening its clause ("One appears heavier than the other")
        return j == 0 or toks[j - 1] in _ANAPHOR_DETERMINERS or toks[j - 1] in _SENTENCE_END or toks[j - 1] in (
            ",", ":", "and") or (j > 1 and toks[j - 2] == "the" and toks[j - 1].endswith(("er", "est")))
    if t in ("other", "former", "latter"):
        return j > 0 and toks[j - 1] == "the"
    if t in _NUMBER_WORDS and j > 0 and toks[j - 1] == "all":
        # "All three are petite" (held-out set 63): the group counted before
        return j == 1 or toks[j - 2] in _SENTENCE_END or toks[j - 2] in (",", "and") or _label_end(toks[j - 2])
    return t == "both" and (j == 0 or toks[j - 1] in _SENTENCE_END or toks[j - 1] in (",", "and")
                            or _label_end(toks[j - 1]))


def _anaphor_is_person(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Does the anaphor at ``j`` point back to people: a person named in this or the previous sentence, and no
    animal ("two teenagers wait by a fence. The one holding it is skinny"; not "two dogs and a cat ... the one")?"""
    person = False
    for k in _back_two_sentences(toks, j):
        if toks[k] in lex.animals:
            return False
        person = person or toks[k] in lex.nouns or toks[k] in lex.pronouns
    return person


# words after a person noun that leave it the subject of what follows: "the woman shown in this image", "the person
# seen here" (twentieth session); before a copula (_after_subject) and before a phrase (_subject_index) alike
_AFTER_NOUN = frozenset({"shown", "seen", "here", "visible"})
_POSTNOMINAL = _AFTER_NOUN | {"there", "pictured"}
# the finite linking verbs that may follow such words (not "around", "about", degree words: "people gathered around
# two white tables")
_FINITE_LINKING = frozenset({"is", "are", "was", "were", "'s", "’s", "looks", "look", "looked", "appears", "appear",
                             "appeared", "seems", "seem", "seemed"})
_RELATIVE = frozenset({"who", "that"})


def _after_subject(toks: list[str], j: int, lex: PersonLexicon) -> int | None:
    """If ``toks[j]`` ends words that stand between a person and the copula after them, the index of that person:
    post-nominal participles and "here" ("the person pictured (here)", "the person featured here", twentieth
    session) or a short relative clause ("the person who is smiling", "the man that is holding the leash")."""
    k = j
    while k >= 0 and j - k < 2 and (toks[k] in _POSTNOMINAL or _participle(lex, toks[k], "ed")):
        k -= 1
    if k < j and k >= 0 and lex.is_person(toks[k]):
        return k
    for r in range(j - 1, max(-1, j - 6), -1):  # "who is smiling", "who is holding the leash"
        if toks[r] in _RELATIVE:
            words = toks[r + 1:j + 1]
            if (r > 0 and lex.is_person(toks[r - 1]) and all(w.isalpha() for w in words)
                    and not any(w in lex.nouns for w in words)):
                return r - 1
            return None
        if not toks[r].isalpha():
            return None
    return None


def _superlative_follows(toks: list[str], j: int) -> bool:
    """Does a superlative follow the "the" at ``j`` ("he is the thinnest of the three", "the most slender")?"""
    return j + 1 < len(toks) and (toks[j + 1] in ("most", "least", "more", "less")
                                  or (toks[j + 1].endswith("est") and len(toks[j + 1]) > 4))


def _backward(mode: PersonMode, toks: list[str], j: int, lex: PersonLexicon, *, postpositive: bool = False,
              attributive: bool = False) -> bool:
    """Is the span that starts at ``j`` said of a person named before it?  ``attributive``: the span is followed by a
    word it may modify ("Thin lines"), so no label but one naming a person makes it the person's."""
    j -= 1
    steps = 0
    linked = degree = False
    while j >= 0 and steps < _STEPS:
        t = toks[j]
        if mode == "required" and not linked and not t.strip() and (
                "\n" not in t or (j > 0 and _label_end(toks[j - 1]))):
            j -= 1  # the indent of a list item, or the line break after a label: "**The Woman Beside Him:**\n\n*   Petite"
            continue
        if mode == "required" and not linked and "\n" in t and not t.strip() and (k := _list_label(toks, j)) is not None:
            j = k  # a later item of a list under a label: "**The Bride:**\n*   In her late twenties.\n*   Svelte"
            continue
        if t in ("'s", "’s") and j > 0 and toks[j - 1] in lex.nouns:
            # after a noun, 's is a possessive: "the woman's white shirt" (after a pronoun, "is": "she's old")
            return mode == "possessed"
        if mode == "required" and linked and t == ")" and (k := _paren_start(toks, j)) is not None and k > 0:
            # a parenthesis between the subject and its copula: "The person on the right (partly hidden by the lamp
            # post) is heavy-set" (twenty-second session, held-out set 129)
            j = k - 1
            continue
        if mode == "required" and linked and t == "," and (k := _aside_start(toks, j, lex)) is not None:
            # an aside set off by commas between the subject and its copula: "The man, sitting on a log to the
            # right, is quite overweight", "One of the women, in a red coat, is slim": the subject decides ("The
            # dog, sitting next to the man, is overweight" stays quiet)
            j = k - 1
            steps += 1
            continue
        if mode == "required" and linked and t == "," and (h := _appositive_person(toks, j, lex)) is not None:
            # an appositive naming the subject, between it and its copula: "The older of the two people, a grey-haired
            # man of perhaps seventy, is noticeably heavier" (twenty-first session, held-out set 120)
            return _refers_to_person(toks, h, lex)
        if (t == "," and mode == "required" and j > 0 and toks[j - 1] in lex.nouns
                and _refers_to_person(toks, j - 1, lex) and not _modifies_thing(toks, j, lex)):
            return True  # set off by commas after the person: "a woman, fit and toned,", "people, mostly Asian,"
        if t == "," and mode == "required" and (k := _with_phrase_owner(toks, j, lex)) is not None:
            # ... or after a "with" phrase of the person: "a groom with a shaved head, broad and barrel-chested"
            # (held-out set 64; "a table with a glass top, slim and tall," stays quiet)
            return _refers_to_person(toks, k, lex)
        if (t == "," and mode == "required" and not linked and not attributive
                and (k := _inline_list_label(toks, j, lex)) is not None and _person_label(toks, k, lex)):
            # a later item of a list of short items after a label: "**Man (left):** Late 40s, salt-and-pepper hair,
            # broad-shouldered" (twenty-first session, held-out set 120)
            return True
        if (t == "," and mode == "required" and j > 1 and toks[j - 1] in lex.body_nouns
                and (pp := _pp_start(toks, j - 1, lex)) is not None and toks[pp] == "of"
                and _subject_is_person(toks, pp, lex)):
            return True  # after an "of" phrase of the person: "a man of East Asian appearance, about 30 years old"
        if (_label_end(t) and mode == "required" and j > 0
                and _person_label(toks, j, lex, loose=not attributive)):
            # a label naming the person or how they look: "**Grandmother:** Plump and cheerful", "**Appearance:** Small
            # and slight, with a delicate frame", "**Left:** Slender", "**Player 1:** The larger of the two"
            return True
        if t == ":" and mode == "required" and not linked and not attributive and _clause_of_person(toks, j, lex):
            # a colon after a clause about a person, before what describes them: "She stands out at once: tall,
            # rail-thin", "The two cooks are a study in contrast: one lanky, the other thickset" (held-out set 127)
            return True
        if mode == "required" and not linked and (t in _DEGREE or (  # (not "for everyone to comfortably fit")
                _ADVERB.fullmatch(t) and not (j > 0 and toks[j - 1] == "to"))):
            # "the man is tall and very slim", "he is hunched and quite thin": a degree word before a describing
            # word of a list does not end it (the copula further back does); right after a person it follows
            # them: "a gentleman somewhat older stands"
            degree = True
        elif mode == "required" and not linked and t == "," and j > 1 and _ADVERB.fullmatch(toks[j - 1]) and (
                toks[j - 2] == ","):
            j -= 2  # an adverb set off by commas: "the man is, frankly, obese"
        elif mode == "required" and not linked and t in _DEGREE_NOUNS and j > 0 and toks[j - 1] == "a":
            # "the person is a bit chunky", "she is a little plump": "a bit" is a degree word too
            degree = True
            j -= 1
        elif mode == "required" and not linked and (k := _decade_phrase_start(toks, j, lex)) is not None:
            # "he appears to be in his 40s, sturdy and thick-set": an age phrase of the same list
            j = k
        elif mode == "required" and linked and t == "and" and steps < _STEPS - 2:
            # a second predicate of the same subject: "he looks middle-aged and is quite heavyset"; walk back over
            # the first one to its own copula
            linked = False
        elif mode == "required" and linked and _anaphor(toks, j):
            # "The one holding the fence is very skinny", "the shorter one is stout", "Both are slim": a person
            # when the sentence before or this one names people and no animal
            return _anaphor_is_person(toks, j, lex)
        elif t in lex.copulas:
            linked = True
        elif (mode == "required" and linked and j + 1 < len(toks) and toks[j + 1] in _FINITE_LINKING
              and (k := _after_subject(toks, j, lex)) is not None):
            # between the subject and its copula, a participle, "here" or a relative clause: "The person pictured
            # is overweight", "The person featured here looks young", "The person who is smiling is elderly"
            j = k
            continue
        elif (mode == "required" and not linked and t.endswith("ing") and j > 0 and toks[j - 1] in lex.nouns
              and lex.is_person(toks[j - 1]) and _question_subject(toks, j - 1, lex)):
            return True  # a yes/no question about a person doing something: "Is the woman jogging overweight?"
        elif mode == "required" and not linked and t == "|" and not attributive:
            # a cell of a table row that a person's cell opens: "| Lead singer | Heavyset |"
            return _row_label_is_person(toks, j, lex)
        elif (mode == "required" and not linked and not attributive and t in (".", ";") and j > 0
              and _fragment_of_person_label(toks, j, lex)):
            return True  # a fragment under a person label: "**The vendor:** Behind a table. Broad and heavyset"
        elif mode == "required" and t in _FLOATING and j > 0 and (
                toks[j - 1] in _PLURAL_COPULAS or toks[j - 1] == "," if not linked else
                toks[j - 1] in lex.nouns or toks[j - 1] in _PLURAL_PRONOUNS or toks[j - 1] in ("we", "you")):
            # a quantifier after the copula, the subject or its comma: "they are all slim", "the men all look
            # middle-aged", "The pallbearers, all middle-aged," (twenty-second session, held-out set 127)
            pass
        elif mode == "required" and not linked and (t in _CONJ or t in lex.modifiers or t == "-" or t == "one"
                                                    or t in ("neither", "nor", "either", "both")
                                                    or (t == "the" and _superlative_follows(toks, j))
                                                    or _participle(lex, t, "ed")):
            # "the man is tall and thin", "she is fair-skinned and middle-aged", "he is hunched and very thin":
            # walk back over the other describing words (past participles only: "wearing" starts a clause)
            pass
        elif mode == "required" and (t.isdigit() or t in _NUMBER_WORDS or _DECADE.fullmatch(t)):
            # a range: "he is about 5 to 12 years old", "around seven or eight years old" (not counted as steps);
            # an age of the same list: "**Him:** 70s, heavy-set" (held-out set 64)
            j -= 1
            if j >= 0 and toks[j] in ("or", "to", "and", "-"):
                j -= 1
            continue
        elif mode == "possessed" and (t in lex.linkers or _skippable_modifier(lex, t)):
            linked = linked or t in lex.linkers
        elif t in ("'s", "'", "’s"):
            # "the man's blue eyes": possessor; "the man's black shirt": not about the man.
            return mode == "possessed" and j > 0 and lex.is_person(toks[j - 1])
        elif t in lex.possessives and mode == "possessed" and not linked:
            return _refers_to_person(toks, j, lex)  # "her blue eyes"
        elif t in lex.nouns:
            # "the man is old", "a woman aged 70"; but not "a woman cooks Indian curry"
            if linked and mode == "required":
                pp = _pp_start(toks, j, lex)
                if pp is not None:
                    # the person is inside a phrase about the subject ("the dog near the man is brown",
                    # "the man with the child is old"): the subject decides
                    return _subject_is_person(toks, pp, lex)
            if not linked and mode == "required" and _question_subject(toks, j, lex):
                return True  # a yes/no question: "Is the man Asian?", "Are the people in it elderly?"
            return linked or postpositive or mode == "possessed" or degree
        elif t in lex.body_nouns and linked and mode == "required":
            # "his body is very thin", "the man's skin is dark", "her frame is slender"
            k = j - 1
            while k >= 0 and (toks[k] in lex.modifiers or toks[k] in ("upper", "lower", "whole", "entire")):
                k -= 1
            if k >= 0 and toks[k] in lex.possessives:
                return _refers_to_person(toks, k, lex)
            return k > 0 and toks[k] in ("'s", "'", "’s") and lex.is_person(toks[k - 1])
        elif lex.is_person(t):
            # "she is old" but not "his white shirt"; "Is she elderly?"
            return (linked or (mode == "required" and _question_subject(toks, j, lex))) \
                and _refers_to_person(toks, j, lex)
        elif (mode == "required" and t.isalpha() and (t not in _NOT_COMPOUND or _close_up(toks, j))
              and t not in _PP_DETERMINERS and (pp := _pp_start(toks, j, lex)) is not None):
            # "the man in the picture is African-American", "the girl in the red dress is black": the
            # subject before the phrase decides ("the table in the room is white" stays quiet); unlinked,
            # only as a yes/no question: "Is the man in the picture Asian?"
            subject = _subject_index(toks, pp, lex)
            return subject is not None and (linked or _question_subject(toks, subject, lex))
        else:
            return False
        j -= 1
        if t not in _CONJ and t != "-":  # punctuation of a list is no word: "tall, long-limbed and lean"
            steps += 1
    return False


def _close_up(toks: list[str], j: int) -> bool:
    """Is the "up" at ``j`` the end of "close-up" ("The woman in this close-up is elderly")?"""
    return toks[j] == "up" and j > 1 and toks[j - 1] == "-" and toks[j - 2] == "close"


_WITH_REACH = 4  # words a "with" phrase may hold before its comma: "with a neatly shaved head,"


def _with_phrase_owner(toks: list[str], j: int, lex: PersonLexicon) -> int | None:
    """If the comma at ``j`` ends a short "with" phrase ("a groom with a shaved head,"), the index of the person noun
    the phrase belongs to (right before "with"); ``None`` when there is no such phrase or no noun before it."""
    if toks[j - 1] in lex.modifiers or (j + 1 < len(toks) and (
            toks[j + 1] in _NEW_PHRASE or toks[j + 1] in _OWNING or toks[j + 1] in ("or", "and", "nor"))):
        # a comma inside the phrase ("with a large, brown purse"), before another ("..., one brown eye") or before a
        # second thing of the phrase ("people with black belts, or black and red belts")
        return None
    k = j - 1
    while k > 0 and j - k <= _WITH_REACH and toks[k] != "with":
        if (not toks[k].isalpha() and toks[k] != "-") or toks[k] in lex.animals:
            return None  # not a phrase, or one naming an animal the words may describe ("a man with a dog, old")
        k -= 1
    if k < 1 or toks[k] != "with" or j - k < 2:
        return None
    owner = k - 1
    return owner if toks[owner] in lex.nouns else None


_ASIDE_REACH = 12  # words an aside between commas may hold


def _appositive_person(toks: list[str], j: int, lex: PersonLexicon) -> int | None:
    """If the comma at ``j`` closes an appositive that opens with "a" or "an" and names a person before any phrase
    (", a grey-haired man of perhaps seventy,"; not ", a dog with the man,"), the index of its person noun."""
    k = j - 1
    head = None
    while k > 0 and j - k <= _ASIDE_REACH:
        t = toks[k]
        if t in _SENTENCE_END or t in ("is", "are", "was", "were") or "\n" in t:
            return None
        if t == ",":
            return head if head is not None and head >= 0 and toks[k + 1] in ("a", "an") else None
        if t in _PREPOSITIONS or t in _RELATIVE or t == "which":
            head = None  # the person of a phrase or clause inside it is not the appositive's
        elif head is None and lex.is_person(t) and t not in lex.pronouns and t not in lex.possessives:
            head = k
        elif t in lex.animals or t in lex.non_person_heads:
            head = -1  # a thing heads it: ", a dog with the man,"
        k -= 1
    return None


_PAREN_REACH = 40  # tokens a parenthesis between a subject and its copula may hold


def _paren_start(toks: list[str], j: int) -> int | None:
    """The index of the "(" that the ")" at ``j`` closes, within one sentence and :data:`_PAREN_REACH` tokens."""
    for k in range(j - 1, max(-1, j - _PAREN_REACH), -1):
        if toks[k] == "(":
            return k
        if toks[k] in (")", ".", "!", "?") or "\n" in toks[k]:
            return None
    return None


def _aside_start(toks: list[str], j: int, lex: PersonLexicon) -> int | None:
    """If the comma at ``j`` closes an aside that opens with a participle or a preposition (", sitting on a log
    to the right,", ", in a red coat,"), the index of the comma that opens it."""
    k = j - 1
    while k > 0 and j - k <= _ASIDE_REACH:
        t = toks[k]
        if t in _SENTENCE_END or t in ("is", "are", "was", "were") or "\n" in t:
            return None
        if t == ",":
            first = toks[k + 1]
            return k if first in _PREPOSITIONS or first in ("next", "close") or _participle(lex, first) else None
        k -= 1
    return None


# prepositions (and participles used as such) that open a phrase between a subject and its copula
_PREPOSITIONS = frozenset({
    "in", "on", "at", "with", "near", "by", "of", "from", "behind", "beside", "under", "inside", "outside",
    "around", "among", "across", "along", "over", "above", "below", "wearing", "holding", "carrying",
    "without", "against", "beneath", "underneath", "atop"})
_PP_DETERMINERS = frozenset({"a", "an", "the", "these", "those", "his", "her", "their", "its", "my",
                             "your", "our", "some", "two", "three",
                             # held-out leak set 118: "The individual in this photo is heavy-set"
                             "this", "that"})
_PP_REACH = 5  # words a prepositional phrase may hold after its preposition


def _pp_start(toks: list[str], j: int, lex: PersonLexicon) -> int | None:
    """If the noun at ``j`` ends a prepositional phrase ("in the red dress", "near the man", "on the
    left"), the index of its preposition."""
    k = j - 1
    while k >= 0 and j - k <= _PP_REACH:
        t = toks[k]
        if t in _PREPOSITIONS:
            # "one of the women", "both of them", "the older of the two people": the person is the subject itself
            return None if t == "of" and k > 0 and (toks[k - 1] in _PARTITIVES or _comparative_of(toks, k, lex)) else k
        if t == "to" and k > 0 and toks[k - 1] in ("next", "close"):
            return k - 1  # "next to the man"
        if (k > 0 and (lex.is_person(toks[k - 1]) or _anaphor(toks, k - 1)) and t.isalpha() and len(t) > 4
                and t.endswith("ing") and t not in lex.ing_nouns):
            return k  # a participle phrase after the person: "the runner crossing the finish line looks Asian"
        if not (t in _PP_DETERMINERS or t == "-" or (t.isalpha() and t not in _NOT_COMPOUND and (
                not lex.is_person(t) or toks[k + 1] in lex.non_person_heads))):
            # a comma, a conjunction, a verb of the clause: no phrase here ("-": "in this close-up"); a person noun
            # ends it unless it names the kind of a thing after it: "Each person in this group photo is elderly"
            return None
        k -= 1
    return None


def _comparative_of(toks: list[str], k: int, lex: PersonLexicon) -> bool:
    """Does a comparative or superlative of a describing word come after "the" and before the "of" at ``k`` ("the
    older of", "the tallest of"; not "the center of")?"""
    w = toks[k - 1]
    if k < 2 or toks[k - 2] != "the":
        return False
    if w.endswith("er"):
        return w in lex.modifiers or w == "elder"
    # "oldest" (old), "largest" (large), "biggest" (big), "heaviest" (heavy)
    return w.endswith("est") and (w in ("eldest",) or any(
        s in lex.modifiers for s in (w[:-3], w[:-2], w[:-4], w[:-4] + "y")))


_PARTITIVES = frozenset({"one", "two", "three", "four", "some", "many", "most", "all", "each", "both", "none",
                         "several", "few", "either", "neither", "any"})


def _subject_is_person(toks: list[str], pp: int, lex: PersonLexicon) -> bool:
    """Walking back from the preposition at ``pp`` over further phrases and participles ("the dog
    being held by the man"), is the subject a person?"""
    return _subject_index(toks, pp, lex) is not None


# words between a subject and its phrase that leave the subject as it is: "being held", "next to", and participles
# without -ed/-ing ("The woman shown in this image is elderly", "the man seen in the mirror")
_BEFORE_PP = _AFTER_NOUN | {"being", "next", "close", "right", "just", "directly", "to", "drawn", "caught",
                            # a photograph's people: "The person depicted in this photo is slim" (twenty-first session)
                            "depicted", "photographed", "captured", "featured"}


# nouns of a place in the picture or a row, which a phrase of the subject may end on although they head names of
# things elsewhere ("a senior center"): "The person at the center of this image is elderly"
_POSITION_NOUNS = frozenset({"center", "centre", "middle", "front", "back", "edge", "corner", "side", "end", "top",
                             "bottom", "foreground", "background", "left", "right", "rear"})


def _subject_index(toks: list[str], pp: int, lex: PersonLexicon) -> int | None:
    """The index of the person that is the subject before the phrase at ``pp`` (see
    :func:`_subject_is_person`), or ``None``."""
    j = pp - 1
    for _ in range(3 * _PP_REACH):
        if j < 0:
            return None
        t = toks[j]
        if lex.is_person(t) or (_anaphor(toks, j) and _anaphor_is_person(toks, j, lex)):
            inner = _pp_start(toks, j, lex)
            if inner is None:
                return j
            j = inner - 1  # "the woman next to the man near the door": keep walking
            continue
        if (t in _SENTENCE_END or (t in lex.copulas and t not in _BEFORE_PP)
                or (t in lex.non_person_heads and t not in _POSITION_NOUNS)):
            return None
        if t in _BEFORE_PP or _skippable_modifier(lex, t):
            j -= 1  # "being held", "standing", "next to", "the woman shown in this image"
            continue
        inner = _pp_start(toks, j, lex)
        if inner is None:
            return None  # a thing: "the table in the room"
        j = inner - 1
    return None


# auxiliaries that open a yes/no question about what someone is or has: "Is the man ...?", "Does she ...?"
_QUESTION_AUX = frozenset({"is", "are", "was", "were", "does", "do", "did",
                           # modals (held-out question set 36: "Could the man be called muscular?", "Would the
                           # target be female?")
                           "could", "would", "might", "can", "may", "should", "will"})
# the negation after such an auxiliary: "Isn't the man Middle Eastern?" (tokens "is", "n't")
_NEGATION = frozenset({"n't", "not", "n’t"})
# hedges between a question's verb and its value: "Is the person actually a woman?", "Could the man be called
# muscular?"
_HEDGES = frozenset({"actually", "really", "definitely", "possibly", "probably", "clearly", "maybe", "perhaps",
                     "likely", "obviously", "certainly", "truly", "genuinely", "still", "already", "even", "also",
                     "called", "considered", "deemed", "described", "labelled", "labeled", "classed", "classified",
                     "as", "more"})
# words that may open the clause before such an auxiliary ("And is she ...?", "If so, is he ...?")
_CLAUSE_OPENERS = frozenset({",", "and", "so", "but", "or", "then", "also", ":", "-", "—", "–", "like"})
# subject determiners of such a question besides those of a prepositional phrase: "Is this person old?"
_SUBJECT_DETERMINERS = frozenset({"this", "that", "each", "any", "either", "both", "all"})
_HAVE = frozenset({"have", "has", "had", "having"})
_WH = frozenset({"what", "why", "where", "how", "who", "whom", "which", "when", "whose"})
_DEICTIC = frozenset({"it", "that", "this", "there", "here", "what", "who", "which"})  # "it's", "that's": is
# the verbs among the copulas: what follows them is said of their subject ("the man is Asian", "she looks elderly")
_LINKING = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "'re", "’s", "’re", "am", "looks",
                      "look", "looked", "looking", "appears", "appear", "appeared", "appearing", "seems", "seem",
                      "seemed", "seeming", "described", "portrayed", "depicted", "characterized", "considered",
                      "regarded", "becomes", "become", "became", "getting", "gets"})


# verbs that open an indirect yes/no question: "tell me whether", "say if", "let me know whether", "confirm if"
_ASKING_VERBS = frozenset({"me", "us", "say", "state", "confirm", "check", "decide", "judge", "guess", "know", "wonder",
                           "determine", "indicate", "answer"})


def _question_end(toks: list[str], j: int) -> bool:
    """Does the sentence holding token ``j`` end with a question mark, or ask one indirectly ("Tell me whether the
    lady is middle-aged.", "Say whether the lifeguard looks muscular.", held-out question set 29)?"""
    n = len(toks)
    k = j
    while k < n and toks[k] not in _SENTENCE_END:
        k += 1
    if k < n and toks[k] == "?":
        return True
    s = _question_start(toks, j)
    return any(toks[i] in ("whether", "if") and i > s and toks[i - 1] in _ASKING_VERBS for i in range(s, j))


_CONJ_WORDS = frozenset({"and", "or", "but", "than", "who", "that", "which", "with"})
# nouns that point at whoever the picture shows without naming a person: a question that asks whether it is "a man"
# asks the gender of someone (held-out question set 36)
_REFERENTS = frozenset({"one", "subject", "subjects", "target", "figure", "figures", "silhouette", "silhouettes"})


def _heads_on_person(toks: list[str], start: int, lex: PersonLexicon) -> bool:
    """Does the noun phrase holding the value at ``start`` end on a person noun ("a tall, thin Latino man")?"""
    k = start
    while k < len(toks) and k - start <= 6 and toks[k] not in _SENTENCE_END:
        if lex.is_person(toks[k]):
            return True
        if not (toks[k] == "," or toks[k].isalpha() and toks[k] not in _PREPOSITIONS and toks[k] not in _CONJ_WORDS):
            return False
        k += 1
    return False


def _describing(lex: PersonLexicon, t: str) -> bool:
    """Can ``t`` stand between an article and the value it describes ("a tall, thin Latino man")?  A comma or a word
    that is none of a person, a verb of being or having, a determiner, a preposition or a question word."""
    return t == "," or _skippable_modifier(lex, t) or (
        t.isalpha() and t not in lex.copulas and t not in _HAVE and not lex.is_person(t) and t not in _PP_DETERMINERS
        and t not in _PREPOSITIONS and t not in _NOT_DESCRIBING and t not in _QUESTION_AUX and t not in _WH
        and t not in _DEICTIC)


# words that end a noun phrase's describing words: "a fun activity for kids" (the LLaVA questions)
_NOT_DESCRIBING = frozenset({"for", "to", "than", "about", "like", "as", "into", "onto", "toward", "towards", "through",
                             "during", "after", "before", "since", "until", "between", "within", "and", "or", "but",
                             "who", "that", "which", "whose", "where", "when", "while", "if", "because", "so"})


def _offered_again(toks: list[str], start: int, end: int) -> bool:
    """Does the question offer the person noun ``toks[start:end]`` again in another alternative ("a young Black man
    or an older Latino man")?"""
    q = _question_start(toks, start)
    stop = next((k for k in range(end, len(toks)) if toks[k] in _SENTENCE_END), len(toks))
    noun = toks[end - 1]
    after = "or" in toks[end:stop] and noun in toks[toks.index("or", end, stop):stop]
    return after or ("or" in toks[q:start] and noun in toks[q:start][toks[q:start].index("or"):])


def _referent_before(toks: list[str], j: int) -> int | None:
    """The referent (:data:`_REFERENTS`) that a short phrase ending at ``j`` follows ("the one in red", "the
    subject of this portrait"), or ``None``."""
    for k in range(j, max(0, j - _PP_REACH) - 1, -1):
        if toks[k] in _SENTENCE_END or toks[k] == ",":
            return None
        if toks[k] in _PREPOSITIONS and k > 0 and toks[k - 1] in _REFERENTS:
            return k - 1
    return None


def _question_start(toks: list[str], j: int) -> int:
    """The first token of the sentence holding token ``j``."""
    while j > 0 and toks[j - 1] not in _SENTENCE_END:
        j -= 1
    return j


def _question_subject(toks: list[str], j: int, lex: PersonLexicon) -> bool:
    """Is the person word at ``j`` the subject of a yes/no question that opens with a copula or *do*
    ("Is the young man ...?", "Does she ...?", "If so, are they ...?")?  What follows it is then said
    of that person ("Is the man Asian?" as "the man is Asian")."""
    k = j - 1
    while k >= 0 and (toks[k] in _PP_DETERMINERS or toks[k] in _SUBJECT_DETERMINERS
                      or _skippable_modifier(lex, toks[k]) or _compound_part(lex, toks, k)):
        k -= 1
    if k > 0 and toks[k] in _NEGATION:
        k -= 1  # "Isn't the man ...?"
    return k >= 0 and _opens_question(toks, k) and _question_end(toks, j)


def _opens_question(toks: list[str], k: int) -> bool:
    """Is ``toks[k]`` an auxiliary opening a clause: "Is ...", "If so, does ..."?"""
    return toks[k] in _QUESTION_AUX and (k == 0 or toks[k - 1] in _SENTENCE_END or toks[k - 1] in _CLAUSE_OPENERS)


def offers_alternatives(toks: list[str], s1: int, e1: int, s2: int, lex: PersonLexicon) -> int | None:
    """Are the values [s1, e1) and the one at ``s2`` alternatives that a question offers about someone, so that
    its answer picks one ("Is it a young child or an older child?", "Is the girl very young, or an older
    teenager?", "Is it a man or a woman?")?  The first must stand where a question says what someone is: after
    the question's verb and a pronoun or person subject ("Is it a", "Is the girl very"), not as its subject ("Is
    the man or the woman taller?").  Returns the first token of the first alternative's phrase ("an" of "Is the
    person an old woman or a young man?"), or ``None``."""
    between = toks[e1:s2]
    if not 0 < len(between) <= 4 or "or" not in between or any(t in _SENTENCE_END for t in between):
        return None
    if not _question_end(toks, s2):
        return None
    j = s1 - 1
    while j >= 0 and (toks[j] in ("a", "an") or toks[j] in _DEGREE or toks[j] in lex.modifiers):
        j -= 1
    if j < 0:
        return None
    t = toks[j]
    if t in _LINKING and j > 0 and (toks[j - 1] in lex.pronouns or toks[j - 1] in _DEICTIC
                                    or lex.is_person(toks[j - 1])):
        return j + 1  # "... if the child is young or old?", "it's a man or a woman"
    if (t in lex.pronouns or t in _DEICTIC or lex.is_person(t)) and j > 0 and toks[j - 1] in _QUESTION_AUX | _LINKING:
        return j + 1  # "Is it a ...", "Is the girl very ..."
    if lex.is_person(t) and j > 1 and toks[j - 1] in ("the", "this", "that") and toks[j - 2] in _QUESTION_AUX:
        return j + 1  # "Is the person an old woman or ..."
    return None


def asks_whether(toks: list[str], start: int, end: int, lex: PersonLexicon) -> int | None:
    """Is the span [start, end) — a value already found to describe a person — what a question asks
    to confirm, so that its yes/no answer tells the attribute: "Is the man Asian?", "Is the person in
    the image a woman?", "Does she have blue eyes?", "Does he look elderly?", "Can you tell if the man
    is Asian?"  Returns the first token of the question, or ``None``.  A value naming the person asked
    about is no such ask ("Is the young man smiling?", "Is the woman holding the baby?"), nor a
    person someone has ("Does the woman have a baby?")."""
    if not _question_end(toks, end):
        return None
    if end - start == 1 and (toks[start] in lex.pronouns or toks[start] in lex.possessives):
        return None  # the person asked about: "What is he holding?"
    if end < len(toks) and toks[end] in ("'s", "’s", "'"):
        return None  # owning a thing: "Is it a men's bathroom?"
    names_person = any(lex.is_person(t) for t in toks[start:end])
    if names_person and _offered_again(toks, start, end):
        # the same noun in each alternative asks nothing of it: "Is he a young Black man or an older Latino man?"
        return None
    j = start - 1
    # the describing words before the value in its noun phrase: "Is the person a white male?", "... a tall, thin
    # Latino man?" (held-out question set 36)
    k = j
    while k >= 0 and start - k <= 6 and _describing(lex, toks[k]):
        k -= 1
    if k < j and k >= 0 and toks[k] in ("a", "an"):
        j = k
    while j >= 0 and (toks[j] in ("a", "an") or toks[j] in lex.copulas or toks[j] in _HAVE or toks[j] in _HEDGES):
        if _opens_question(toks, j) or (toks[j] in _QUESTION_AUX and j > 0 and toks[j - 1] in _WH):
            return None  # the span is the subject: "Is she ...?", "What is a man doing?"
        if toks[j] in _HAVE and names_person:
            return None  # someone they have: "Does the woman have a baby?"
        if toks[j] in ("'s", "’s") and j > 0 and toks[j - 1] not in lex.pronouns and toks[j - 1] not in _DEICTIC:
            break  # a possessive, not "is": "the woman's eyes" (the owner decides below), "today's youth"
        if toks[j] in _LINKING and j > 0 and toks[j - 1] in ("there", "here"):
            return None  # someone who is there: "Why might there be a mounted policeman near ...?"
        if toks[j] in _LINKING or toks[j] in _HAVE:
            q = _question_start(toks, j)
            # the subject of the verb, the first noun the question names: a likeness or an animal has no such
            # attribute ("Is the statue of the soldier meant to be a man?", held-out question set 36)
            first = next((t for t in toks[q:j] if lex.is_person(t) or t in lex.depictions or t in lex.animals
                          or t in lex.likenesses), None)
            if first is not None and not lex.is_person(first):
                return None
            return q  # "... if the man is Asian?", "Does she look elderly?"
        j -= 1
    if j < 0:
        return None
    t = toks[j]
    if lex.is_person(t) or t in lex.possessives:
        subject: int | None = j  # "Is the man Asian?", "Are his eyes blue?"
    elif t.endswith("ing") and j > 0 and toks[j - 1] in lex.nouns and lex.is_person(toks[j - 1]) and start - j == 1:
        subject = j - 1  # doing something: "Is the woman jogging overweight?" (held-out question set 40)
    elif t in ("'s", "’s") and j > 0 and lex.is_person(toks[j - 1]):
        subject = j - 1  # "Are the woman's eyes brown?"
    elif (t.isalpha() and t not in _PP_DETERMINERS and t not in _NOT_COMPOUND and t not in _PREPOSITIONS
          and not _skippable_modifier(lex, t) and (pp := _pp_start(toks, j, lex)) is not None):
        # the noun ending a phrase, not a verb or describing word: "Is the woman holding a (little) child?"
        subject = _subject_index(toks, pp, lex)  # "Is the man in the picture Asian?"
    else:
        subject = None
    if subject is None and any(t in ("a", "an") for t in toks[j + 1:start]) and _heads_on_person(toks, start, lex):
        # "Is the subject a tall, thin Latino man?", "Is the figure in the doorway a man?", "Is the one in red an
        # older woman?" (not who it is: "Could the target of the prank be the man in the bucket hat?")
        subject = j if t in _REFERENTS else _referent_before(toks, j)
    return _question_start(toks, j) if subject is not None and _question_subject(toks, subject, lex) else None
