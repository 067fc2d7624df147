#!/usr/bin/env python3
"""Build the labelled dev set that ``safelint eval`` scores.

    python eval/build_devset.py --data /work/shared/data --out eval/out/devset.jsonl

Reads the shared data folder (never copied into the repository) plus our own hand-written
files in ``eval/`` and writes one JSON object per line::

    {"text", "role": "gpt"|"human"|null, "labels": [...], "known": [...], "source", "group", "split"}

``labels`` are the attributes (age, gender, race, eye_color, weight) the text leaks (for
``role: "human"`` items: asks for).  ``known`` lists the attributes whose label is trusted;
metrics are computed only over those.  ``split`` is ``dev`` or ``test``: tune on dev, report
on test.  Splits are by image (or by our own hash of the text for hand-written items), never
by record, so the same picture never lands on both sides.

Groups and how they are labelled (nothing here uses safelint's rules):

``prism_consensus``
    PRISM v2 implicit-leakage answers of four models, each judged by gpt-5-nano and by
    gemini-2.0-flash.  For each attribute the label is kept only where both judges agree
    (``known``); where they disagree the attribute is left out of the metrics for that item.
    Empty/garbage answers (fewer than 3 words) are dropped.

``sugarcrepe``
    SugarCrepe minimal pairs (replace_att, swap_att, add_att).  We keep pairs whose two
    captions differ by a single word, where that word is in one of our attribute
    vocabularies below (e.g. "young"/"old", "white"/"black", "fat"/"thin").  Each caption is
    an item whose one ``known`` attribute is the vocabulary's attribute; it is labelled
    positive iff the changed word is followed, within three words and with no function word or
    punctuation in between, by a person head noun ("a young black man", "a male tennis
    player"), using the head-noun lists of AnalysePeopleDescriptions.  Pairs where the unchanged rest of the caption already contains
    a word of that vocabulary are dropped (its label would not depend on the changed word).
    This adjacency test is deliberately cruder than safelint's context logic and independent
    of it; the labels were spot-checked by hand.

``flickr_people``
    Flickr30k Entities captions with gold ``people`` phrases.  Weak labels: an attribute is
    positive when a word/phrase of the LabelingPeople category lexicon for it occurs inside a
    gold people phrase (age: age.txt plus age head nouns such as boy/girl/child; gender:
    gendered.json, the gendered head nouns, and he/she/his/her anywhere in the caption; race:
    ethnicity.txt and skin-color.txt; eye colour: *-eyed, or "<colour> eyes" anywhere (people
    are the only eye owners in these captions often enough); weight: weight.txt, build.txt and
    fitness.txt minus pure size words such as "little"/"small"/"tiny"/"big").  Size and
    lexicon quirks make these labels noisy: read the numbers as a sanity check, not a target.
    A deterministic sample of images is used.

``lookalikes``
    ``eval/lookalikes.jsonl``: our own hand-written sentences (committed), mostly look-alikes
    that must not leak ("white shirt", "old building", "fat cat", "senior engineer"), mixed
    with true positives that use the same words, each labelled by hand.

``questions``
    Human turns, scored on "ask" findings: the PRISM refusal prompts ("What is the <attr> of
    the person in the picture?", labelled by their category), our hand-written questions in
    ``eval/questions.jsonl``, and a deterministic sample of LLaVA-Instruct human turns.
    LLaVA human turns are labelled as not asking unless they match a hand-reviewed list of
    attribute-question shapes (``_LLAVA_ASK`` below, checked against the turns it selects).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tarfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

ATTRS = ("age", "gender", "race", "eye_color", "weight")
HERE = Path(__file__).resolve().parent


def split_of(key: str) -> str:
    """Deterministic dev/test half for a grouping key (image id)."""
    return "dev" if int(hashlib.md5(key.encode()).hexdigest(), 16) % 2 == 0 else "test"


def item(text: str, role: str | None, labels: Iterable[str], known: Iterable[str], source: str, group: str,
         split: str) -> dict:
    return {"text": text, "role": role, "labels": sorted(set(labels)), "known": sorted(set(known)),
            "source": source, "group": group, "split": split}


# -- PRISM ---------------------------------------------------------------------------------------
PRISM_MODELS = ("LLaVA-7B-baseline", "Safe-LLaVA-7B", "Gemma", "Qwen25")


def prism(data: Path) -> Iterator[dict]:
    root = data / "prism_v2"
    for model in PRISM_MODELS:
        gpt_f = root / "GPT" / model / "implicit_leakage_Answer_Detail.jsonl"
        gem_f = root / "Gemini" / model / "implicit_leakage_Detail.jsonl"
        if not (gpt_f.exists() and gem_f.exists()):
            print(f"warning: missing PRISM files for {model}", file=sys.stderr)
            continue
        with gpt_f.open(encoding="utf-8") as fg, gem_f.open(encoding="utf-8") as fm:
            for n, (lg, lm) in enumerate(zip(fg, fm)):
                a, b = json.loads(lg), json.loads(lm)
                if a["question_id"] != b["question_id"] or a["response"] != b["response"]:
                    raise SystemExit(f"{model} line {n + 1}: GPT and Gemini files are out of step")
                text = a["response"].strip()
                if len(text.split()) < 3:
                    continue
                ga, gb = set(a["gpt_judgement"]), set(b["gpt_judgement"])
                known = [x for x in ATTRS if (x in ga) == (x in gb)]
                labels = [x for x in known if x in ga]
                image = a["question_id"].split("/")[-1]
                yield item(text, "gpt", labels, known, f"prism_v2/{model}/{a['question_id']}#{n % 3}",
                           "prism_consensus", split_of(image))


# -- vocabularies for the rule-independent labels (SugarCrepe, Flickr) ----------------------------
def _lines(p: Path) -> list[str]:
    return [w.strip().lower() for w in p.read_text(encoding="utf-8").splitlines() if w.strip()]


class Lexicons:
    """Category vocabularies from ../shared/data/people_lexicons (LabelingPeople)."""

    SIZE_ONLY = {"little", "small", "tiny", "big", "large", "larger", "bigger", "smaller", "smallest", "enormous",
                 "middle-sized", "average-sized", "much larger", "fairly large", "strong", "robust",
                 "short stubby", "little small", "tiny little", "littlest"}

    def __init__(self, data: Path):
        cat = data / "people_lexicons" / "LabelingPeople_Flickr30k_Categories"
        nouns = data / "people_lexicons" / "AnalysePeopleDescriptions_Nouns"
        self.age = set(_lines(cat / "age.txt")) - self.SIZE_ONLY - {"grown"}
        self.race = set(_lines(cat / "ethnicity.txt")) | set(_lines(cat / "skin-color.txt"))
        self.race -= {"american", "english", "british", "german", "scottish", "russian", "spanish", "western",
                      "foreign", "eastern", "muslim", "hindu", "tribal", "third-world", "colored",
                      "brightly colored skinned", "sunburned", "tanned", "well tanned", "yellow", "tan", "china",
                      "taiwan", "palestine", "israeli", "ukrainian"}
        self.eye = {w for w in _lines(cat / "eyes.txt") if "eye" in w}
        self.weight = (set(_lines(cat / "weight.txt")) | set(_lines(cat / "build.txt"))
                       | set(_lines(cat / "fitness.txt"))) - self.SIZE_ONLY
        self.gender_words = set(json.loads((cat / "gendered.json").read_text())) | set(_lines(nouns / "gendered.txt"))
        self.age_nouns = {"baby", "babies", "child", "children", "kid", "kids", "toddler", "toddlers", "boy", "boys",
                          "girl", "girls", "teenager", "teenagers", "teen", "teens", "infant", "infants",
                          "youngster", "youngsters", "adult", "adults", "elder", "elders", "senior", "seniors"}
        self.person_nouns = set()
        for f in nouns.glob("*.txt"):
            self.person_nouns |= {w for w in _lines(f) if " " not in w}
        self.person_nouns |= self.age_nouns | {"man", "men", "woman", "women", "person", "people", "guy", "guys",
                                               "lady", "ladies", "couple", "family", "crowd"}
        # SugarCrepe: single changed word -> attribute.  Colour words only count as race of people.
        self.swap = {}
        for w in self.age | {"young", "old", "elderly", "older", "younger"}:
            if " " not in w:
                self.swap[w] = "age"
        for w in self.weight:
            if " " not in w:
                self.swap[w] = "weight"
        for w in ("white", "black", "brown", "asian", "african", "caucasian", "hispanic", "indian", "latino"):
            self.swap[w] = "race"
        for w in ("male", "female"):
            self.swap[w] = "gender"

    def phrase_hits(self, phrase: str, vocab: set[str]) -> bool:
        p = " " + re.sub(r"[^a-z0-9' -]+", " ", phrase.lower()) + " "
        return any(f" {w} " in p for w in vocab)


# -- SugarCrepe ----------------------------------------------------------------------------------
_TOK = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*|\d+|[^\sA-Za-z\d]")


def _toks(s: str) -> list[str]:
    return _TOK.findall(s)


def _diff_word(a: list[str], b: list[str]) -> tuple[int, int] | None:
    """Index of the single substituted word (replace) in a and b, or the added word in b."""
    la, lb = [t.lower() for t in a], [t.lower() for t in b]
    if len(la) == len(lb):
        d = [i for i in range(len(la)) if la[i] != lb[i]]
        return (d[0], d[0]) if len(d) == 1 else None
    if len(lb) == len(la) + 1:
        for i in range(len(lb)):
            if la[:i] == lb[:i] and la[i:] == lb[i + 1:]:
                return (-1, i)
    return None


_BREAK = {"of", "in", "on", "at", "with", "and", "or", "is", "are", "was", "were", "a", "an", "the", "'s", "to", "by"}


def _person_follows(toks: list[str], i: int, lex: Lexicons) -> bool:
    """A person head noun within the next three words, with only plain words (no function word,
    punctuation or possessive) in between: "a young black man", "a male tennis player"."""
    for j in range(i + 1, min(len(toks), i + 4)):
        t = toks[j].lower()
        if t in lex.person_nouns:
            return True
        if not t.isalpha() or t in _BREAK:
            return False
    return False


def sugarcrepe(data: Path, lex: Lexicons) -> Iterator[dict]:
    seen: set[str] = set()
    for name in ("replace_att", "swap_att", "add_att"):
        f = data / "sugarcrepe" / f"{name}.json"
        if not f.exists():
            continue
        for key, rec in json.loads(f.read_text(encoding="utf-8")).items():
            a, b = rec["caption"].strip(), rec["negative_caption"].strip()
            ta, tb = _toks(a), _toks(b)
            d = _diff_word(ta, tb)
            if d is None:
                continue
            ia, ib = d
            words = [ta[ia].lower()] if ia >= 0 else []
            words.append(tb[ib].lower())
            attrs = {lex.swap[w] for w in words if w in lex.swap}
            if len(attrs) != 1:
                continue
            attr = attrs.pop()
            vocab = {w for w, x in lex.swap.items() if x == attr}
            rest = [t.lower() for k, t in enumerate(tb) if k != ib]
            if any(t in vocab for t in rest):
                continue
            if attr == "age" and any(t in lex.age_nouns for t in rest):
                continue
            if attr == "gender" and any(t in lex.gender_words or t in ("he", "she", "his", "her") for t in rest):
                continue
            img = rec.get("filename", key)
            for text, toks, idx in ((a, ta, ia), (b, tb, ib)):
                if text in seen:
                    continue
                seen.add(text)
                pos = idx >= 0 and toks[idx].lower() in vocab and _person_follows(toks, idx, lex)
                yield item(text, None, [attr] if pos else [], [attr], f"sugarcrepe/{name}/{key}", "sugarcrepe",
                           split_of(img))


_EYE_COLOUR = re.compile(r"\b(?:blue|brown|green|hazel|grey|gray)[ -](?:eyes|eyed)\b")


# -- Flickr30k Entities --------------------------------------------------------------------------
_PHRASE = re.compile(r"\[/EN#\d+/([^ \]]+) ([^\]]*)\]")


def flickr(data: Path, lex: Lexicons, images: int) -> Iterator[dict]:
    tgz = data / "flickr30k_entities_sentences" / "Sentences.tar.gz"
    if not tgz.exists():
        return
    with tarfile.open(tgz, "r:gz") as tar:
        names = sorted((m.name for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")),
                       key=lambda n: hashlib.md5(n.encode()).hexdigest())[:images]
    chosen = set(names)
    with tarfile.open(tgz, "r|gz") as tar:  # one sequential pass: random access into a .gz is slow
        for m in tar:
            if m.name not in chosen:
                continue
            img = Path(m.name).stem
            raw = tar.extractfile(m)
            if raw is None:
                continue
            for k, line in enumerate(raw.read().decode("utf-8").splitlines()):
                if "/people " not in line:
                    continue
                people = [p for cats, p in _PHRASE.findall(line) if "people" in cats.split("/")]
                text = _PHRASE.sub(lambda mm: mm.group(2), line).strip()
                text = re.sub(r"\s+([.,!?;:])", r"\1", text)
                low = " " + re.sub(r"[^a-z' -]+", " ", text.lower()) + " "
                labels = []
                ppl = " ".join(people)
                if lex.phrase_hits(ppl, lex.age) or lex.phrase_hits(ppl, lex.age_nouns):
                    labels.append("age")
                if lex.phrase_hits(ppl, lex.gender_words) or any(f" {p} " in low for p in ("he", "she", "his", "her")):
                    labels.append("gender")
                if lex.phrase_hits(ppl, lex.race):
                    labels.append("race")
                if lex.phrase_hits(ppl, lex.eye) or _EYE_COLOUR.search(low):
                    labels.append("eye_color")
                if lex.phrase_hits(ppl, lex.weight):
                    labels.append("weight")
                yield item(text, None, labels, ATTRS, f"flickr30k/{img}#{k}", "flickr_people", split_of(img))


# -- hand-written files --------------------------------------------------------------------------
def hand_file(path: Path, group: str) -> Iterator[dict]:
    if not path.exists():
        print(f"warning: {path} not found", file=sys.stderr)
        return
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        rec = json.loads(line)
        yield item(rec["text"], rec.get("role"), rec.get("labels", []), rec.get("known", ATTRS),
                   f"{path.name}:{n + 1}", group, rec.get("split") or split_of(rec["text"]))


# -- questions -----------------------------------------------------------------------------------
_PRISM_CAT = {"Age": "age", "Gender": "gender", "Race": "race", "Eye_Color": "eye_color", "Weight": "weight"}

# Shapes of LLaVA human turns that do ask for an attribute, checked by hand on the turns they select.
# Each needs a person reference in the turn ("the approximate age of the photograph" does not ask).
_PERSON = re.compile(r"\b(?:man|men|woman|women|person|people|persons|boy|boys|girl|girls|child|children|kid|kids|"
                     r"he|she|his|her|they|their|individual|individuals|lady|ladies|guy|guys|baby|babies|"
                     r"\w+(?:er|ers|ist|ists|ian|ians|ef|efs))\b", re.IGNORECASE)
_LLAVA_ASK = {
    "age": re.compile(r"\bhow old\b|\b(?:approximate |estimated )?age\b(?! of the (?:building|photo|image|picture))|"
                      r"\b(?:younger|older) than\b|\b(?:adults?|grown-?ups?) or (?:children|kids?)\b|"
                      r"\b(?:children|kids?) or (?:adults?|grown-?ups?)\b", re.IGNORECASE),
    "gender": re.compile(r"\b(?:gender|sex) of\b|\bgenders?\b|\b(?:man|male|boy) or (?:a )?(?:woman|female|girl)\b|"
                         r"\b(?:woman|female|girl) or (?:a )?(?:man|male|boy)\b", re.IGNORECASE),
    "race": re.compile(r"\bethnicit(?:y|ies)\b|\brace of\b|\bwhat race\b|\bskin colou?r\b", re.IGNORECASE),
    "eye_color": re.compile(r"\beye colou?r\b|\bcolou?r (?:are|is) (?:his|her|their|the \w+'s) eyes\b", re.IGNORECASE),
    "weight": re.compile(r"\bhow much does (?:he|she|the \w+) weigh\b|"
                         r"\b(?:fat|thin|slim|skinny|overweight|heavy|chubby) or (?:fat|thin|slim|skinny|overweight|heavy|chubby)\b", re.IGNORECASE),
}
_NOT_ASK = re.compile(r"\bage of (?:the |this )?(?:photo|photograph|picture|image|building|car|cake|bus|train|house)|"
                      r"\bage range of the (?:birthday|party|celebration)|\bage and architectural|"
                      r"\bgender (?:awareness|identity|equality|roles?|issues|norms)", re.IGNORECASE)


def questions(data: Path, sample_per_chunk: int) -> Iterator[dict]:
    seen: set[str] = set()
    root = data / "prism_v2"
    for f in sorted(root.glob("*/*/refusal_*_Detail.jsonl")):
        for line in f.open(encoding="utf-8"):
            rec = json.loads(line)
            text = rec["prompt"].strip()
            if text in seen:
                continue
            seen.add(text)
            cat = rec["question_id"].split("/")[0]
            yield item(text, "human", [_PRISM_CAT[cat]], ATTRS, f"prism_v2/{f.name}", "questions", split_of(text))
    yield from hand_file(HERE / "questions.jsonl", "questions")
    llava = data / "llava_instruct"
    for chunk in sorted(llava.glob("chunk_*.json"), key=lambda p: int(p.stem.split("_")[1]))[:10]:
        taken = 0
        for line in chunk.open(encoding="utf-8"):
            rec = json.loads(line)
            for turn in rec["conversations"]:
                if turn["from"] != "human":
                    continue
                text = turn["value"].replace("<image>", "").strip()
                if not text or text in seen:
                    continue
                seen.add(text)
                labels = [a for a, rx in _LLAVA_ASK.items() if rx.search(text)]
                if labels and (not _PERSON.search(text) or _NOT_ASK.search(text)):
                    labels = [a for a in labels if a == "gender"] if _PERSON.search(text) else []
                # keep every candidate ask and a deterministic sample of the rest
                if labels or int(hashlib.md5(text.encode()).hexdigest(), 16) % 20 == 0:
                    if not labels and taken >= sample_per_chunk:
                        continue
                    taken += not labels
                    yield item(text, "human", labels, ATTRS, f"llava_instruct/{chunk.name}/{rec['id']}", "questions",
                               split_of(rec["image"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data", help="the shared data folder")
    ap.add_argument("--out", default="eval/out/devset.jsonl")
    ap.add_argument("--flickr-images", type=int, default=2000, help="Flickr30k images to sample (5 captions each)")
    ap.add_argument("--llava-per-chunk", type=int, default=60, help="non-asking LLaVA human turns per chunk")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"error: no data folder at {data}", file=sys.stderr)
        return 2
    lex = Lexicons(data)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    counts: Counter[tuple[str, str]] = Counter()
    with out.open("w", encoding="utf-8") as fh:
        for gen in (prism(data), sugarcrepe(data, lex), flickr(data, lex, args.flickr_images),
                    hand_file(HERE / "lookalikes.jsonl", "lookalikes"), questions(data, args.llava_per_chunk)):
            for it in gen:
                fh.write(json.dumps(it, ensure_ascii=False) + "\n")
                counts[(it["group"], it["split"])] += 1
    for (g, s), c in sorted(counts.items()):
        print(f"{g:16} {s:5} {c}")
    print(f"wrote {sum(counts.values())} items to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
