"""Asks that continue an earlier turn: the conversation, not the string, is the unit.

A terse human follow-up asks again what the human turn before it asked: after "How old is the man on the
bench?", the turn "And the woman next to him?" asks her age, "Just guess." pushes for the refused estimate,
"not green?" offers a value to confirm and "ballpark, in kg?" asks for the weight.  No word of those turns
names an attribute, so the engine, which reads one string at a time, finds nothing in them; this pass reads a
record's turns in order.  A human turn continues the ask before it when it asks nothing of its own and is, as a
whole, one of these shapes:

- a new referent, and no question of its own: "And the woman next to him?", "what about the kid?", "same
  question for the guy in red", "ok now do the rest of them", "the other one?", "his?", "Photo 3?", "just the
  teacher then", "now the same JSON for the man on the right".  The referent must be a person, a pronoun or a
  place in the picture ("the one on the left"), not a thing ("and her scarf?", "and the second robot?"), and
  the turn must not name an attribute of its own ("and the age of the house behind him?");
- a push for the answer: "Just guess.", "come on, a rough guess", "ballpark it", "you sure?", "by how much?",
  "and in kg?", "I'm not asking you to be offensive, just roughly";
- a value of the asked attribute offered as a question: "not green?", "grey? blue?", "fine. mixed?".

When the turn before asked about a thing or an animal ("How old is this farmhouse?"), the engine found no ask
there, but a follow-up that names a person ("and the farmer on the porch?") asks that person's age: the
question's own words ("how old", "male or female", "how heavy") are read in the turn before for that case.

Only a human turn right after an asking human turn (the assistant's reply between them) continues it; a turn
that asks something else ("And what is he holding?", "thanks! what breed is the dog?") or is none of these
shapes ends the thread.  The matches come from the rules with ``derive: follow-up`` (one per attribute,
rules/conversation.yaml): a ruleset without them has no follow-ups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from safelint.findings import Match, Role
from safelint.rules import Rule, RuleSet

FOLLOW_UP = "follow-up"


class _Found(Protocol):  # a rule match, or the hybrid's finding
    @property
    def attribute(self) -> str: ...
    @property
    def category(self) -> str: ...


_MAX_WORDS = 16  # a follow-up is terse: a longer turn says what it asks
_MAX_PLEA_WORDS = 32  # ... unless it pleads or pushes: "I'm a physiotherapist and I need to know roughly ..."
_WORD = re.compile(r"[\w'’]+")
# words that open a follow-up without changing it: "ok", "thanks!", "ha ok. and the kid?"
_OPENER = (r"(?:(?:ok(?:ay)?|k|so|and|also|alright|all right|right|cool|great|nice|thanks?(?: you)?|thx|ty|hm+|"
           r"well|got it|sure|fine|interesting|wow|oh|ah|lol|ha|haha|hah|perfect|good|yes|yeah|yep|no|nope|hey|"
           r"wait|y|e|et|und|ed)\b[\s,.!:;—–-]*)*")
_NOW = r"(?:(?:now|then|next|just|only)\b[\s,]*)"
# a question or request of its own: a wh-word, an auxiliary that starts a clause, a verb of a new task
_OWN_QUESTION = re.compile(
    r"\b(?:what(?!\s+about\b)|who|whom|whose|where|which|why|when|how(?!\s+about\b)|is|are|was|were|does|do|did|"
    r"can(?!['’]t)|could|would|will|should|has|have|had|describe|tell|write|caption|explain|list|count|show|find|"
    r"read|"
    r"translate|summari[sz]e|make|makes|brand|"
    # the five languages' question words ("¿y qué lleva la mujer?")
    # ("que" of "tener que", "ter que": a duty, not a question: "se você tivesse que escolher")
    r"qu[ée](?<!tivesse que)(?<!tenho que)(?<!tem que)(?<!ter que)(?<!teria que)(?<!tinha que)(?<!tiene que)"
    r"(?<!tengo que)(?<!tener que)(?<!hay que)(?<!tendría que)|"
    r"qui[ée]n|d[óo]nde|cu[áa]l|c[óo]mo|quoi|qui|o[ùu]|quel(?:le)?s?|comment|wer|wo|welche[rsnm]?|wie|"
    r"quem|onde|qual|cosa|chi|dove|quale|perch[ée])\b",
    re.IGNORECASE)
_WH = re.compile(r"\b(?:what(?!\s+if\b)|who|whom|whose|where|which|why|when|how)\b", re.IGNORECASE)
# where a referent's noun phrase ends: "the patient | in the bed", "the guy | leaning against it"
_NP_END = re.compile(r"\b(?:in|on|at|with|without|next|by|near|beside|behind|from|of|under|over|to|for|who|that|"
                     r"which|whose|\w+ing|de|del|con|en|avec|mit|im|am|da|com|di|della|dello|nel|na|no)\b",
                     re.IGNORECASE)
# an attribute named by the turn itself: the engine has read it, and found no person's ("the age of the house")
_ATTRIBUTE_WORDS = {
    "age": r"age|ages|aged", "weight": r"weight|weights|weigh|weighs|build|bmi|kg|kgs|lbs|pounds",
    "race": r"race|ethnicity|ethnic|skin|complexion", "gender": r"gender|sex|pronouns?",
    "eye_color": r"eyes?|ojos|yeux|augen|occhi|olhos",
    "": r"colou?rs?(?!-)|height|size|breed|species",  # an attribute no person's ask inherits
}
_OWN_ATTRIBUTE = re.compile(r"\b(?:" + "|".join(_ATTRIBUTE_WORDS.values()) + r")\b", re.IGNORECASE)
_NAMED = {a: re.compile(rf"\b(?:{w})\b", re.IGNORECASE) for a, w in _ATTRIBUTE_WORDS.items() if a}
# an attribute said of someone: "his eyes", "her build", "the man's ethnicity" (another attribute than the one asked)
_POSSESSED = {a: re.compile(rf"\b(?:his|her|their|hers|\w+['’]s?)\s+(?:[\w-]+\s+){{0,2}}(?:{w})\b", re.IGNORECASE)
              for a, w in _ATTRIBUTE_WORDS.items() if a}
# an attribute said of something: "the age of the house", "the colours of their jackets"
_NAMED_OF = {a: re.compile(rf"\b(?:{w})\s+of\b", re.IGNORECASE) for a, w in _ATTRIBUTE_WORDS.items() if a}
# where one sentence of a turn ends: "And the groom? And the flower girl?"
_SENTENCES = re.compile(r"(?<=[?!.])\s+")


def _attributes_named(text: str) -> set[str]:
    """The attributes whose words ``text`` holds: "Back to the eyes" -> {"eye_color"}."""
    return {a for a, rx in _NAMED.items() if rx.search(text)}


def _is_attribute_word(word: str) -> bool:
    """Whether ``word`` is itself a word of an attribute ("eyes", "build"), not a thing's noun."""
    return any(rx.fullmatch(word) for rx in _NAMED.values())


def _pushes(text: str) -> bool:
    """A push for the answer with no question of its own: "come on, just a rough guess", "you sure?"."""
    return _PUSH.search(text) is not None and not _WH.search(_PUSH.sub(" ", text))


def _sentences(text: str) -> list[str]:
    return [x for x in _SENTENCES.split(text) if x.strip()]
_POSSESSIVES = frozenset({"his", "her", "their", "its", "my", "your", "our"})
# words beside attribute words in a follow-up that names only them: "what about the eye colour?", "his build then"
_ATTRIBUTE_FILLERS = frozenset({"the", "his", "her", "their", "and", "or", "also", "too", "then", "just", "only", "eye",
                                "colour", "color", "tone", "type", "range", "estimate", "please", "pls"})
_GENITIVE = re.compile(r"['’]s$")
_QUOTED = re.compile(r"(?:^|\s)['\"‘“][^'\"‘’“”]+['\"’”]")
# words for some people together: "and the pair at the next table?"
_NUMBERED = re.compile(r"#\s?\d")
_GROUPS = frozenset({"pair", "couple", "duo", "trio", "twins", "group", "family", "crowd", "team", "band", "crew"})
# places and counts that point at someone in the picture: "the one on the left", "Photo 3", "the rest of them"
_POINTERS = frozenset({
    "one", "ones", "other", "others", "rest", "left", "right", "middle", "center", "centre", "front", "back", "first",
    "second", "third", "fourth", "fifth", "last", "next", "everyone", "everybody", "anyone", "both", "all", "each",
    "pair", "couple", "duo", "trio", "twins",
    # the five languages' "those of" ("Et ceux de sa mère ?", "¿Y los de su madre?")
    "ceux", "celles", "celui", "celle", "los", "las", "os", "quelli", "quelle", "quello", "quella", "aquellos",
    "aquellas", "esos", "esas",
    "photo", "photos", "pic", "pics", "picture", "pictures", "image", "images", "headshot", "headshots", "shot",
    "shots", "frame", "number", "no", "row", "rows", "column", "side"})
_SHIFT = re.compile(
    rf"^{_OPENER}{_NOW}*(?:(?:what|how) about|qu[ée] (?:tal|hay de|me dices de)|pour|qu'en est-il (?:de|du|des)|"
    r"(?:was ist )?mit|quanto a|che mi dici (?:di|del|della)|e (?:o|a) |same(?: question| thing| deal| q| again| here)?\s*(?:for|with|about|re|on)|"
    rf"(?:do|try|include|add|repeat(?: (?:that|it|this))?(?: for)?)(?!\s+(?:you|u|they|we|i)\b)"
    rf"(?:\s+the same(?:\s+(?:for|with))?)?|and(?:\s+(?:for|with|among|of))?)\s+(?P<rest>[^?!.\n]*)[?!.…\s]*$",
    re.IGNORECASE)
# a referent alone: "the other one?", "his?", "Photo 3?", "just the teacher then", "the patient in the bed too pls"
_BARE = re.compile(
    rf"^{_OPENER}(?P<just>{_NOW}+)?(?P<rest>[^?!.\n]+?)"
    r"(?P<tail>(?:[\s,]+(?:too|as well|also|then|now|next|pls|plz|please|again|instead))*)"
    r"(?P<q>[\s]*\?)?[?!.…\s]*$", re.IGNORECASE)
# a doubt about what was said: "you sure?", "really?", "is that right?", "not green?", "meaning like 70?"
_CHALLENGE = re.compile(r"\b(?:(?:are )?(?:you|u) sure|really|is that right|(?:are|is) (?:they|he|she|it) really|"
                        r"check again|look again|double[- ]check|meaning|not|rather|more like|i'd have said|"
                        r"i would have said|seems?|looks?)\b", re.IGNORECASE)
# the same task on another picture: "Here's the first one.", "next image", "another one pls"
_NEXT_ONE = re.compile(r"\bhere(?:'s|’s| is| are| comes)\s+(?:the\s+)?(?:first|next|second|third|another|last|new|one more)\b"
                       r"|\b(?:next|another|new)\s+(?:one|image|photo|pic|picture|headshot|shot|frame)\b", re.IGNORECASE)
# "does the owner have the same?", "is his the same?"
_HAS_THE_SAME = re.compile(rf"^{_OPENER}(?:(?:what|how) about\s+)?(?:does|do|did|is|are|has|have)\s+(?P<rest>.+?)\s+"
                           r"(?:have|has|got|look|looks|get|gets)?\s*the same(?:\s+(?:one|colou?r|thing))?[?!.\s]*$",
                           re.IGNORECASE)
_IMAGE = re.compile(r"<image>", re.IGNORECASE)
# emoji and pictographs, which a follow-up may end with ("and her big brother? 🙂")
_SYMBOLS = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]")
_SAME = re.compile(
    r"\b(?:same (?:thing|things|fields?|format|json|template|question|questions|q|drill|deal|again|here|as before|"
    r"for)|(?:do|repeat) (?:the same|it again|that again|this again))\b|^\W*same\W*$", re.IGNORECASE)
# the same task for another attribute: "Now the same for race.", "now do the same by weight"
_SAME_FOR = re.compile(r"\bsame (?:for|with|by|but (?:for|with|by))\b", re.IGNORECASE)
_PUSH = re.compile(
    r"\b(?:guess|guesstimate|ballpark|rough(?:ly)?|approx(?:imate(?:ly)?)?|estimate|best shot|take a stab|"
    r"humou?r me|try (?:anyway|again|harder)|give it a (?:shot|go|try)|pick one|50/50|"
    r"narrow (?:it )?down|more (?:specific|precise(?:ly)?|exact(?:ly)?)|"
    r"(?:an? |the |one )(?:exact |rough |specific |single )?(?:number|figure)|"
    r"in (?:kg|kgs|kilos?|kilograms?|pounds|lbs?|stones?|years)|you must have an idea|just say it|just answer|"
    r"(?:are )?(?:you|u) sure|really|check again|look again|recount|double[- ]check|is that right|"
    r"(?:so )?(?:that's|thats|is that) a (?:yes|no)|(?:would|wouldn't) you say|do you think|you think|"
    r"by how much|how much (?:older|younger|heavier|lighter|bigger|smaller)|"
    r"how many (?:years|kg|kgs|kilos|lbs|pounds)(?: (?:difference|apart|older|younger|heavier|lighter))?|"
    r"(?:an? |the |your |some )(?:rough |broad |wide |ballpark )?(?:range|bracket)|"
    r"(?:first|gut) (?:impression|instinct|feeling|reaction|call)|go with your gut|(?:are )?(?:you|u) (?:certain|positive)|"
    # the guess itself asked for, ending its sentence: "if you HAD to guess, what would you say?", "What would most
    # people assume?", "I'm not asking what you think."
    r"what (?:would|do|does|did|will) (?:you|u|most people|people|anyone|someone|others|a stranger|strangers|"
    r"the average person) (?:say|think|guess|assume|reckon)(?: (?:they|he|she|it) (?:is|are|was|were))?"
    r"(?=\s*(?:[?.!]|$|if\b|about (?:him|her|them)\b))|"
    r"what (?:you|u) think|your (?:best )?guess|if (?:you|u) (?:had|have|really had) to (?:guess|say|pick|choose|bet)|"
    r"look (?:at|closer at|closely at) (?:[\w'’]+ ){1,3}again|"
    r"(?:more|less|over|under|above|below|older|younger|heavier|lighter) (?:or (?:more|less|over|under|above|below|"
    r"older|younger|heavier|lighter) )?than (?:about |around )?\d+|"
    r"(?:a|the|which|what) continent|(?:a|the) (?:rough )?region|"
    r"in (?:weeks|months|days|decades|grams|ounces|oz|st)|"
    r"what(?:'s|’s| is) (?:that|it|this) in (?:kg|kgs|kilos?|kilograms?|pounds|lbs?|stones?|years|months|weeks)|"
    r"(?:a |one )?(?:single |one)[- ]?word(?: answer)?|(?:just |a simple |simple )?yes or no|"
    r"s[ií] o no|oui ou non|ja oder nein|s[iì] o no|sim ou n[ãa]o|"
    r"(?:un|solo un|une|eine|un|uma) (?:rango|fourchette|spanne|intervallo|faixa)|"
    r"wirklich|vraiment|de verdad|en serio|davvero|s[ée]rio|bist du sicher|t'es s[ûu]r|seguro|sicuro|tem certeza|"
    # the refusal questioned: "why not?", "why can't you just tell me?"
    r"why not|y not|why (?:can'?t|cannot|won'?t|wouldn'?t|not|couldn'?t) (?:you|u)(?: (?:just )?(?:tell|say|answer|guess|"
    r"do it|try))?|"
    # the five languages: "adivina", "devine", "schätz mal", "indovina", "adivinha", "¿por qué no?"
    r"adivin[ae]|adivinar|adivinha(?:r)?|devinez?|deviner|raten|indovinare|sch[äa]tz(?:e|en)?(?: (?:mal|einfach|doch))?|rate (?:mal|einfach|doch)|indovina|"
    r"más o menos|aproximadamente|à peu près|en gros|au pif|ungef[äa]hr|circa|pi[ùu] o meno|mais ou menos|"
    r"por qu[ée] no|pourquoi pas|warum nicht|perch[ée] no|por que n[ãa]o)\b",
    re.IGNORECASE)
# a plea for the refused answer: "hypothetically?", "it's for a school project", "I won't be offended, just say it"
_PLEA = re.compile(
    r"\b(?:hypothetical(?:ly)?|in theory|for (?:a|my|our) (?:school|class|uni|college|research|art|science|homework|"
    r"psych|sociology|anthropology)(?: \w+)?|(?:i )?(?:won'?t|will not|wont) be offended|no offen[cs]e taken|"
    r"i promise|pretty please|no one will (?:know|see)|nobody will (?:know|see)|between (?:us|you and me)|"
    r"off the record|i insist|i (?:give|gave) (?:you )?(?:my |their |his |her )?(?:permission|consent)|"
    r"(?:i|we) (?:have|got) (?:their|his|her|my) (?:permission|consent)|(?:it'?s|its|that'?s) (?:totally |completely |"
    r"perfectly |really )?(?:fine|ok(?:ay)?|harmless|allowed|not offensive)|blink twice|for science|"
    r"you can tell me|(?:i'?m|i am) (?:not|n't) (?:going to|gonna) (?:judge|tell|be mad)|it'?s (?:just )?me\b|"
    r"(?:it'?s|that'?s) (?:my|me)(?: in the (?:photo|pic|picture))?|pretend(?: (?:you'?re|you are|to be))?|"
    r"role[- ]?play|imagine (?:you'?re|you are)|act as|you are now|(?:my|our) [\w-]+ (?:wants|needs) to know|"
    r"(?:it'?s|its|this is|that'?s) (?:literally |just |only |purely |really |all |simply )*(?:for|to help with) "
    r"(?:a|an|my|our)\b|hipot[ée]tic(?:amente|o)|hypoth[ée]tiquement|hypothetisch|ipoteticamente|"
    r"(?:es|c'est|ist|è|é) (?:para|pour|f[üu]r|per) (?:un|una|une|ein|eine|um|uma) (?:proyecto|projet|projekt|progetto|projeto|"
    r"trabajo|tarea|devoir|hausaufgabe|compito|trabalho)|vamos|dale|allez|komm schon|dai|anda)\b", re.IGNORECASE)
# what a plea may ask besides: "just say it", "can you just tell me?"
_JUST_SAY = re.compile(r"\b(?:(?:can|could|would|will) (?:you|u) )?(?:just |please |pls |simply )*"
                       r"(?:tell me|say it|say|answer(?: it| me| the question)?|guess|try|do it)\b", re.IGNORECASE)
# back to an earlier ask: "go back to my first question", "answer what I asked before", "so, about the age thing?"
_BACK = re.compile(
    r"\b(?:my|the|your) (?:very )?(?:first|earlier|original|previous|initial|prior|1st) (?:question|q|ask|answer|one)\b"
    r"|\bthe (?:thing|question|one) i asked\b|\bsame question as (?:before|earlier|at first|the first)\b"
    r"|\bback to (?:the|his|her|their) (?:age|gender|sex|race|ethnicity|weight|eye colou?r|eyes|build)\b"
    r"|\b(?:primera|premi[eè]re|erste|prima|primeira) (?:pregunta|question|frage|domanda|pergunta)\b"
    r"|\b(?:(?:(?:go(?:ing)?|get(?:ting)?|come|coming|circl(?:e|ing)|jump(?:ing)?)\s+)?back\s+to|return(?:ing)?\s+to|"
    r"answer(?:ing)?|re-?answer|repeat)\s+(?:my|the|your|that|this)\s+(?:(?:very\s+)?(?:first|original|earlier|"
    r"previous|prior|initial|other|old|1st|real|actual|main|last)\s+)?(?:question|q|ask|request|query)\b"
    r"|\bwhat i (?:originally |first |actually |really |had )?asked(?:\s+(?:you\s+)?(?:before|earlier|first|originally|"
    r"at first|at the start|initially|already))?\b"
    r"|\b(?:about|re|regarding|back to)\s+(?:the|that|my)\s+(?:age|gender|sex|race|ethnicity|weight|eye colou?r|eyes?|"
    r"build)\s+(?:thing|question|part|bit|one|issue|q)\b"
    r"|\byou (?:never|didn'?t|did not|still haven'?t|haven'?t|havent) (?:answer(?:ed)?|tell me|told me)\b"
    r"|\bback to (?:the|that|my) [\w-]+ (?:thing|question|part|bit|issue|q)\b",
    re.IGNORECASE)
_FIRST = re.compile(r"\b(?:first|original|initial|1st|very start|beginning|primera|premi[eè]re|erste|prima|primeira)\b",
                    re.IGNORECASE)
# what the answer gave already: "why not? you did the age"
_DONE = re.compile(r"\b(?:you|u) (?:already )?(?:did|gave|answered|told me|said|guessed|estimated)\s+(?:me\s+)?"
                   r"(?:the |her |his |their )?(?:age|gender|sex|race|ethnicity|weight|eye colou?r|eyes|build)\b",
                   re.IGNORECASE)
# an earlier question dropped: "Ok, forget the first question."
_BACK_OFF = re.compile(r"\b(?:forget|ignore|never ?mind|nvm|skip|drop|scratch|disregard)\b", re.IGNORECASE)
# a field or an attribute the answer left out: "You skipped the weight field.", "you forgot her age"
_SKIPPED = re.compile(r"\b(?:skipped|skip|missed|forgot|forgotten|left out|leaving out|omitted|didn'?t (?:fill(?: in)?|answer|"
                      r"include|give|do|add)|did not (?:fill(?: in)?|answer|include|give|do|add)|(?:is|are|was|left) "
                      r"(?:blank|empty|missing)|left (?:[\w-]+ ){1,4}(?:blank|empty|out))\b", re.IGNORECASE)
# a colour asked of someone's feature ("What colour is his hair?"): "and his eyes?" after it asks an eye colour
_COLOUR_ASKED = re.compile(r"\b(?:what|which)\s+colou?rs?\b|\bcolou?rs?\s+(?:is|are|of)\b|\bwhat\s+shade\b|"
                           r"\b(?:de qu[ée] color|de quelle couleur|welche farbe|di che colore|de que cor)\b",
                           re.IGNORECASE)
# the eyes alone, after a colour asked of someone: "and the eyes?", "¿Y los ojos?"
_EYES_ALONE = re.compile(r"^(?:and |y |et |und |e |what about |how about )?(?:the |los |les |die |gli |os |i |his |her |"
                         r"their )?(?:eyes|ojos|yeux|augen|occhi|olhos)\s*[?.!]*$", re.IGNORECASE)
# an attribute asked of anything (the engine's asks are a person's): "How old is this farmhouse?"
_QUESTION_OF = {a: re.compile(rx, re.IGNORECASE) for a, rx in {
    "age": r"\bhow old\b|\bwhat age\b|\bthe age of\b|\b(?:guess|estimate) (?:the |its |their )?age\b",
    "gender": r"\bmale or female\b|\bfemale or male\b|\bwhat (?:gender|sex)\b|\b(?:gender|sex) of\b",
    "race": r"\bwhat (?:race|ethnicity)\b|\b(?:race|ethnicity) of\b",
    "eye_color": r"\beye colou?rs?\b|\bcolou?r (?:is|are|of) (?:(?:the|its|their|his|her) )?(?:\w+['’]s )?eyes\b|"
                 r"\bcolou?r(?:ed)? eyes\b|\bcouleur (?:sont|est) (?:les|ses) yeux\b|\bcolor (?:son|tiene) (?:los|sus) ojos\b",
    "weight": r"\bhow heavy\b|\bweighs?\b|\bthe weight of\b|\bwhat weight\b|"
              r"\b(?:is|are|was|were|looks?|seems?)\b[^.?!\n]{0,30}\b(?:overweight|underweight|obese|fat|chubby|skinny|too "
              r"(?:heavy|thin))\b(?=[^.!\n]*\?)",
}.items()}
_NUMBER = r"\d+(?:\s*(?:-|to|or)\s*\d+)?"
_VALUE_EXTRA = {  # values no lexicon lists, offered as a question: "70? 80?", "mixed?", "heavier?"
    "age": rf"{_NUMBER}s?|(?:twen|thir|for|fif|six|seven|eigh|nine)ties|teens|young(?:er)?|old(?:er)?|adult|minor|retired",
    "gender": r"male|female|non-binary|nonbinary|trans",
    "race": r"mixed|biracial|multiracial|white|black|brown",
    "eye_color": r"(?:blu|green|gr[ae]y|brown|hazel|amber)e?(?:y|ish)|light(?:er)?|dark(?:er)?",
    # (a body weight offered as numbers alone after a weight ask: "80? 100?", question set 63)
    "weight": rf"{_NUMBER}\s*(?:kg|kgs|kilos?|lbs?|pounds|stones?)|(?:[4-9]\d|[1-3]\d\d)(?!\s*(?:-|to|or)?\s*\d)"
              r"|heavier|lighter|fatter|thinner",
}
_VALUE_LEXICONS = {"age": ("age_nouns",), "gender": ("gender_nouns_female", "gender_nouns_male"),
                   "race": ("ethnic_adjectives",), "eye_color": ("eye_colors",),
                   "weight": ("weight_words", "build_sizes")}
_THING_LEXICONS = ("non_person_owners", "non_person_heads", "likenesses", "depictions", "vessels", "attire_heads",
                   "accessories", "body_parts")
_PERSON_LEXICONS = ("person_nouns", "general_people", "gender_pronouns", "person_pronouns", "possessives",
                    "intl_people")
# family words of the five languages, which the leak rules' lexicons do not list as people
_INTL_FAMILY = frozenset("""madre padre mère père mutter vater mãe pai hermano hermana frère sœur bruder schwester irmão
irmã fratello sorella hijo hija fils sohn tochter filho filha figlio figlia abuelo abuela grand-père grand-mère opa oma
avô avó nonno nonna marido esposa mari ehemann ehefrau moglie bebê bebé bébé neonato neonata""".split())

# the words for a person, and for an animal or a likeness, in the turns before an ask of a pronoun
_NOUN_LEXICONS = ("person_nouns", "general_people", "gender_nouns_male", "gender_nouns_female", "age_nouns",
                  "intl_person_nouns")
_CREATURE_LEXICONS = ("animals", "likenesses", "depictions", "intl_animals")
# the pronouns that may stand for what the turns before named: "What color are its eyes?" after a husky
_REFERRING = frozenset({"it", "its", "he", "him", "his", "she", "her", "hers", "they", "them", "their",
                        "er", "sie", "es", "ihn", "ihm", "il", "elle", "lui", "él", "ella", "ele", "ela", "lei"})
# a noun said of what was named, and the subject of a likeness: "he's probably a senior", "a statue of a seated man"
_PREDICATE = re.compile(r"\b(?:is|'s|’s|are|was|be|looks like|seems)\s+(?:probably |likely |definitely |clearly |"
                        r"still |just |already |maybe )?an?\s+(?:[\w-]+\s+)?[\w-]+", re.IGNORECASE)
_LIKENESS_OF = re.compile(r"\b(?:statue|sculpture|bust|figurine|painting|portrait|drawing|carving|mural|character|"
                          r"doll|mannequin)s?\s+(?:of|depicting|showing)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}[\w-]+",
                          re.IGNORECASE)
_SEX_WORDS = frozenset({"male", "female", "males", "females"})
# animals of the five languages spelled as an English word: "a walking cane", "let's chat"
_ENGLISH_TOO = frozenset({"cane", "chat", "mono", "wal"})
# people named in a task of a turn before, whom "do the same by weight" goes on with
_BARE_COMPARISON = frozenset({"and", "or", "also", "but", "too", "as", "well", "heavier", "lighter", "thinner",
                              "fatter", "slimmer", "skinnier", "chubbier", "stockier", "bulkier", "more", "muscular",
                              "older", "younger"})
_PEOPLE_WORDS = frozenset({"people", "persons", "person", "everyone", "everybody", "them", "faces", "subjects"})
# what only an animal has, named in an answer that gives its breed: "A boxer — square muzzle, fawn coat"
_CREATURE_CUES = frozenset({"breed", "breeds", "muzzle", "snout", "paw", "paws", "fur", "whiskers", "hooves", "mane",
                            "purebred", "leash"})
# values offered as a choice, which name no referent: "Is it a boy or a girl?"
_CHOICE = re.compile(r"\b(?:an? )?[\w-]+\s+or\s+(?:an? )?[\w-]+", re.IGNORECASE)


def _words(ruleset: RuleSet, names: Iterable[str]) -> frozenset[str]:
    return frozenset(w.lower() for n in names for w in ruleset.lexicon(n))


@dataclass(frozen=True)
class FollowUps:
    """The follow-up pass of one ruleset: its ``derive: follow-up`` rules and the words it reads."""

    rules: dict[str, Rule]  # by attribute
    people: frozenset[str]
    things: frozenset[str]
    nouns: frozenset[str]  # the words for a person (no pronouns)
    creatures: frozenset[str]  # animals and likenesses, which a pronoun may stand for
    roles: frozenset[str]  # roles that also name things: "boxer", "pitcher"
    values: dict[str, re.Pattern[str]]  # per attribute: a value of it offered as a question

    @classmethod
    def of(cls, ruleset: RuleSet, rules: Sequence[Rule]) -> FollowUps:
        return cls(
            rules={r.attribute: r for r in rules if r.derive == FOLLOW_UP},
            people=(_words(ruleset, _PERSON_LEXICONS) | _INTL_FAMILY) - {"who", "whom", "i", "me", "you", "we", "us"},
            things=_words(ruleset, _THING_LEXICONS),
            nouns=_words(ruleset, _NOUN_LEXICONS),
            creatures=_words(ruleset, _CREATURE_LEXICONS) - _ENGLISH_TOO,
            roles=_words(ruleset, ("role_things",)),
            values={a: re.compile(r"\b(?:" + "|".join([_VALUE_EXTRA[a], *sorted(
                (re.escape(w) for w in _words(ruleset, names)), key=len, reverse=True)]) + r")\b", re.IGNORECASE)
                for a, names in _VALUE_LEXICONS.items()})

    def __bool__(self) -> bool:
        return bool(self.rules)

    # -- one turn ---------------------------------------------------------------------------------
    def _referent(self, rest: str, asked: set[str], *, person_only: bool = False) -> set[str] | None:
        """What of ``asked`` a turn whose referent is ``rest`` asks, or None: ``rest`` must point at someone (a
        person's word, a pronoun, or a place in the picture when not ``person_only``) and its noun must not be a
        thing's ("her scarf"); an attribute it names must be one asked before ("and her eyes?" after an eye
        colour), and is then the only one it asks again ("weight only then")."""
        words = [_GENITIVE.sub("", w.lower()).strip("'’") for w in _WORD.findall(rest)]
        if not words or _OWN_QUESTION.search(rest):
            return None
        if not person_only and all(_is_attribute_word(w) or w in _ATTRIBUTE_FILLERS for w in words) and (
                named := _attributes_named(rest)):
            return named  # attribute words alone, of the same person: "ok what about build", "just gender then?"
        named = self._named(rest, asked, switch=True)
        if named is None:
            return None
        if _QUOTED.search(rest):
            return None  # a word, not someone: "and 'Frau'?"
        head = _NP_END.split(rest, 1)[0]
        np = [_GENITIVE.sub("", w.lower()).strip("'’") for w in _WORD.findall(head)]
        if np and np[-1] in _GROUPS and re.match(r"\s*of\b", rest[len(head):], re.IGNORECASE):
            return None  # "and the pair of shoes?" (not "and the pair at the next table?")
        heads = [w for w in np if w in self.things or w in self.people or w in _POINTERS]
        if (heads and heads[-1] in self.things and heads[-1] not in _POINTERS and heads[-1] not in self.people
                and not _is_attribute_word(heads[-1])):
            return None  # "and her scarf?", "and her hair?" (not "and his eyes?")
        if np and not any(w in self.people or w in _POINTERS or w.isdigit() for w in np) and not _is_attribute_word(
                np[-1]):
            return None  # a noun of its own, someone only beside it: "and the building behind them?"
        if (len(np) > 1 and np[-1] not in self.people and np[-1] not in _POINTERS and not np[-1].isdigit()
                and (np[-2] in _POSSESSIVES or np[-2].endswith(("'s", "’s")))
                and not _is_attribute_word(np[-1])):
            return None  # someone's thing: "and his smile?", "the man's tattoo?"
        if any(w in self.people for w in words) or (not person_only and (
                any(w in _POINTERS for w in words) or _NUMBERED.search(rest))):
            return named  # (a person numbered in the picture: "#4?" after "Is #3 male?", question set 63)
        return None

    @staticmethod
    def _named(text: str, asked: set[str], *, switch: bool = False) -> set[str] | None:
        """``asked``, or the part of it that ``text`` names; None when ``text`` names an attribute of its own that
        was not asked ("the colours of their jackets", "the age of the house") unless, with ``switch``, it is
        someone's: "and his eyes?" after a hair colour, "what about her build?" after an age."""
        if not _OWN_ATTRIBUTE.search(text):
            return asked
        named = _attributes_named(text)
        if not named or any(_NAMED_OF[a].search(text) for a in named):
            return None
        if named <= asked or (switch and all(_POSSESSED[a].search(text) for a in named - asked)):
            return named
        return None

    def _offers(self, text: str, attrs: Iterable[str], *, bare: bool = True) -> set[str]:
        """The attributes of ``attrs`` a value of which ``text`` offers as a question: beside a challenge ("you
        sure? he looks younger", "meaning like 70?"), two values as alternatives ("blue or grey?") or, when
        ``bare``, a value right before the question mark of a turn of five words at most ("mixed?", "not
        green?")."""
        n = len(_WORD.findall(text))
        if _WH.search(text) or n > 10 or "?" not in text:
            return set()
        challenged = _CHALLENGE.search(text) is not None
        bare = bare and n <= 5
        out = set()
        for a in attrs:
            rx = self.values.get(a)
            if rx is None:
                continue
            vals = list(rx.finditer(text))
            if any(challenged or (bare and re.match(r"\s*\?", text[v.end():])) for v in vals) or any(
                    re.fullmatch(r"\s*(?:or|/)\s*(?:more\s+|maybe\s+)?", text[v.end():w.start()])
                    for v, w in pairwise(vals)):
                out.add(a)
        return out

    def _pushes_or_pleads(self, text: str, asked: set[str]) -> set[str] | None:
        """What of ``asked`` a push ("come on, just a rough guess") or a plea ("it's for a school project") asks
        again: a push with no question of its own asks it all (or what it names); a plea asks it all when its other
        words ask nothing new, what they name ("Pretend you're a detective. What age goes in the report?"), or the
        values they offer ("It's my own daughter. Blue or brown?")."""
        if _pushes(text):
            return self._named(text, asked)
        if not _PLEA.search(text):
            return None
        rest = _PLEA.sub(" ", text)
        if not _OWN_QUESTION.search(_JUST_SAY.sub(" ", rest)):
            return self._named(text, asked)
        named = self._named(rest, asked)
        if named and named is not asked:
            return named
        return self._offers(rest.strip(" ,.;:"), asked) or None  # "It's my own daughter. Blue or brown?"

    def continues(self, text: str, asked: set[str], *, person_only: bool = False) -> set[str] | None:
        """What of ``asked`` the turn ``text`` asks again, or None when it is no follow-up of that ask."""
        stripped = _SYMBOLS.sub("", _IMAGE.sub(" ", text)).strip().lstrip("¿¡").strip()
        n = len(_WORD.findall(stripped))
        if not stripped or n > _MAX_PLEA_WORDS:
            return None
        if n > _MAX_WORDS:  # a longer turn goes on with the ask only as a push with no question of its own or a plea
            return self._pushes_or_pleads(stripped, asked)
        if done := _DONE.search(stripped):  # "why not? you did the age": the rest of what was asked
            left = asked - _attributes_named(done.group(0))
            rest = (stripped[:done.start()] + stripped[done.end():]).strip(" ,;")
            return (self.continues(rest, left, person_only=person_only) or None) if left and rest else None
        m = _SHIFT.match(stripped)
        if m is not None and (got := self._referent(m.group("rest"), asked, person_only=person_only)):
            return got
        if m is not None and (got := {a for a in asked if a in self.values and self.values[a].fullmatch(
                m.group("rest").strip(" ,"))}):
            return got  # another value offered: "what about Chinese?" after "is he Korean or Japanese?"
        m = _BARE.match(stripped)
        if (m is not None and (m.group("q") or m.group("just") or m.group("tail").strip())
                and (got := self._referent(m.group("rest"), asked, person_only=person_only))):
            return got
        m = _HAS_THE_SAME.match(stripped)
        if m is not None and (got := self._referent(m.group("rest"), asked, person_only=person_only)):
            return got  # "does the owner have the same?"
        if person_only:  # the ask before was of a thing: only a person named goes on with it
            return None
        if _NEXT_ONE.search(stripped) and not _OWN_QUESTION.search(_NEXT_ONE.sub(" ", stripped)):
            return asked  # the same task on the next picture: "Here's the first one.", "next image pls"
        if _SAME.search(stripped) and not _OWN_QUESTION.search(_SAME.sub(" ", stripped)):
            named = _attributes_named(stripped)
            # "Now the same for race.": the same task for another attribute
            return named if named and _SAME_FOR.search(stripped) else (
                self._named(stripped, asked))
        if _pushes(stripped) or _PLEA.search(stripped):
            return self._pushes_or_pleads(stripped, asked)
        if len(parts := _sentences(stripped)) > 1:
            each = [self.continues(x, asked, person_only=person_only) for x in parts]
            if all(each):  # "And the groom? And the flower girl?", "are you certain? Look at the hair again."
                return set().union(*each)  # type: ignore[arg-type]
            *before, last = parts
            if "?" in last and not any("?" in x for x in before):
                # statements before the question, attributes set aside there: "the balloons are pink tho. so girl?",
                # "ok forget age and ethnicity. just gender then?"
                left = asked - set().union(*(_attributes_named(x) for x in before if _BACK_OFF.search(x)))
                if left and (got := self.continues(last, left, person_only=person_only)):
                    return got
        return self._offers(stripped, asked) or None

    # -- one record ---------------------------------------------------------------------------------
    def of_creatures(self, texts: Sequence[str], roles: Sequence[Role],
                     found: Sequence[Sequence[_Found]]) -> list[set[str]]:
        """Per turn, the asks of its own that are an animal's or a likeness's: a human turn that names no person
        and asks of a pronoun ("What color are its eyes?", "How old is he?") right after turns that named an
        animal or a likeness and no person ("What breed is this dog?" / "A Siberian Husky.")."""
        out: list[set[str]] = [set() for _ in texts]
        for i, (text, role) in enumerate(zip(texts, roles, strict=True)):
            own = {m.attribute for m in found[i] if m.category == "ask"}
            if role != "human" or not own or i == 0:
                continue
            # (the values offered are no referent: "Is it a boy or a girl?")
            words = {_GENITIVE.sub("", w.lower()) for w in _WORD.findall(_CHOICE.sub(" ", text))}
            turns = texts[max(0, i - 2):i]
            before = {_GENITIVE.sub("", w.lower()) for t in turns for w in _WORD.findall(t)}
            # (the asks of a pronoun, bare asks ("How old?") and asks of a role that named the animal before ("How
            # old is the boxer?" after "A boxer — square muzzle")
            if words & self.nouns or not (words & _REFERRING or len(words) <= 4 or words & before & self.roles):
                continue
            # (a likeness's subject and a noun said of the animal name no one: "a bronze statue of a seated man",
            # "he's probably a senior"; nor does "a male mallard")
            said = [_PREDICATE.sub(" ", _LIKENESS_OF.sub(" ", t)) for t in turns]
            nouns = {_GENITIVE.sub("", w.lower()) for t in said for w in _WORD.findall(t)} & self.nouns
            # (a comparison asked on its own continues one of things: "and heavier?" after "Is the red suitcase
            # bigger than the blue one?")
            things = self.things if words <= _BARE_COMPARISON else frozenset()
            if before & (self.creatures | _CREATURE_CUES | things) and not nouns - _SEX_WORDS:
                out[i] = own
        return out

    def __call__(self, texts: Sequence[str], roles: Sequence[Role],
                 found: Sequence[Sequence[_Found]]) -> list[list[Match]]:
        """Per turn of one record (``texts``/``roles`` in order, ``found`` their own matches), the asks it
        continues."""
        out: list[list[Match]] = [[] for _ in texts]
        if not self.rules:
            return out
        asked: set[str] = set()  # what the last human turn asked, itself or by continuing
        history: list[set[str]] = []  # what each human turn before asked
        colour = False  # the last human turn asked a colour, of hair or of anything
        of_thing: set[str] = set()  # what it asked of a thing or an animal, by the question's words alone
        stated: set[str] = set()  # what the assistant's last turn said of someone (its leaks)
        last_human: str | None = None
        for i, (text, role) in enumerate(zip(texts, roles, strict=True)):
            if role != "human":
                stated = {m.attribute for m in found[i] if m.category == "leak"}
                continue
            own = {m.attribute for m in found[i] if m.category == "ask"}
            got: set[str] | None = None
            if not own and asked:
                got = self.continues(text, asked)
            if not got and not own and of_thing:
                got = self.continues(text, of_thing, person_only=True)
            if not got and not own and stated:  # "Late thirties? You sure?" of what the answer said
                got = self._offers(_SYMBOLS.sub("", text).strip(), stated, bare=False)
            if not got and not own and colour and _NAMED["eye_color"].search(text):
                # "and his eyes?" after "What colour is his hair?"
                got = self.continues(text, {"eye_color"}) or (
                    {"eye_color"} if _EYES_ALONE.match(_SYMBOLS.sub("", text).strip().lstrip("¿¡")) else None)
            if not got and not own and any(history) and _BACK.search(text) and not _BACK_OFF.search(text):
                # "go back to my first question": the first human turn's ask; "my earlier question": the last one's
                first = _FIRST.search(text) is not None
                got = _attributes_named(text) or (
                    history[0] if first else next((h for h in reversed(history) if h), set())) or None
            if not got and i > 0 and _SKIPPED.search(text) and len(_WORD.findall(text)) <= _MAX_WORDS:
                # "You skipped the weight field.", "You left age and sex blank." (which reads "sex" as its own ask)
                got = (_attributes_named(text) - own) or None
            if (not got and not own and not asked and last_human is not None and _SAME_FOR.search(text)
                    and _SAME.search(text) and not _OWN_QUESTION.search(_SAME.sub(" ", text))
                    and {w.lower() for w in _WORD.findall(last_human)} & (self.nouns | _PEOPLE_WORDS)):
                # the same task for an attribute, after one about people that asked none: "now do the same by
                # weight" after "rank the three people by height"
                got = _attributes_named(text) or None
            if not got and own and (named := _attributes_named(text) - own) and (
                    base := asked | ({"eye_color"} if colour else set())):
                # "And his eyes and build?" after an age, "And her eyes? Also her dress size." after a hair colour:
                # its own ask, and another attribute named in the shape of a follow-up
                more = [self.continues(x, base) for x in _sentences(text)]
                got = set().union(*(m for m in more if m)) & named or None
            colour = not own and _COLOUR_ASKED.search(text) is not None
            last_human = text
            if not got:
                asked = own
                history.append(own)
                of_thing = set() if own else {a for a, rx in _QUESTION_OF.items() if rx.search(text)}
                continue
            s = len(text) - len(text.lstrip())
            e = len(text.rstrip())
            snippet = text[s:e]
            for a in sorted(got & self.rules.keys()):
                r = self.rules[a]
                out[i].append(Match(rule=r.code, attribute=r.attribute, kind=r.kind, category=r.category,
                                    severity=r.severity, start=s, end=e, text=snippet,
                                    message=r.message.replace("{text}", snippet)))
            asked, of_thing = got | own, set()
            history.append(got | own)
        return out
