"""`safelint fix` on all LLaVA-Instruct records: how much is fixed, what remains, what is kept, how fast,
and how much the leakage classifier still finds in the fixed text.

    python bench/fix_bench.py [--data ../shared/data] [--limit N] [--model/--no-model]
                              [--model-sample 3000] [--clean-sample 2000] [--examples 10] [--seed 0] [--json OUT]

Reads ../shared/data/llava_instruct/chunk_*.json (JSON Lines; `conversations_translated` is
dropped) and prints, for safe fixes and for safe + unsafe fixes:

- findings before, findings fixed (share), residual findings per rule;
- content retention: share of the non-biometric word tokens of changed strings that are kept
  (tokens inside a finding's span are the biometric ones; counted as a multiset);
- throughput of the in-memory fixer, and end to end of `fix_file` on one JSONL file of all records;
- with the classifier (``--model``, the default when onnxruntime is importable): the share of
  previously leaking turns (strings with at least one rule *leak* finding before fix; a question whose
  only findings are asks is not leaking) that the classifier alone still flags after fix (any
  biometric attribute with probability ≥ its label threshold, as ``safelint.model.hybrid.model_only``;
  on a question, the classifier's attribute outputs say what the question asks for, so the attributes
  the rules saw it ask for before fix are not counted: asking is kept by design, its answer becomes
  the refusal), per attribute and per role, next to the same share before
  fix and on a seeded sample of turns that had no finding (the classifier's floor on clean text);
  then ``--examples`` still-flagged turns per tier (seeded sample), each with the sentence the
  classifier scores highest, so a reader can judge whether the classifier or the fix is wrong.
  The classifier runs at ~50 turns/s on 2 busy cores (every chunk of a turn is scored), so by default a
  seeded sample of 3,000 leaking turns is scored (``--model-sample 0``: all of them, ~20 min), drawn from
  the records whose image is in the ``--split`` half (default ``test``: the classifier trains only on
  the dev half of the images, same md5 rule as ``eval/build_devset.py``).
  Two more tiers, ``unsafe+model`` and ``unsafe+model/answers``, are ``fix --unsafe-fixes --model-find
  all=label`` (the classifier's own findings at its label thresholds) with ``--model-scope person`` and
  ``answers``, run on the whole records of the sampled turns, with how many answers each turns into the
  refusal next to plain ``--unsafe-fixes``.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from safelint.api import detector
from safelint.fixer import Fixer, fix_file
from safelint.formats import ReadOptions
from safelint.formats.base import extract

sys.path.insert(0, str(REPO / "eval"))
from build_devset import split_of  # the image split the classifier's training respects

WORD = re.compile(r"[^\W_]+")


def load(root: Path, limit: int | None) -> list[dict]:
    out = []
    for fn in sorted(glob.glob(str(root / "llava_instruct" / "chunk_*.json"))):
        with open(fn, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    r.pop("conversations_translated", None)
                    out.append(r)
                    if limit and len(out) >= limit:
                        return out
    return out


def kept_tokens(before: str, after: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """(non-biometric tokens of ``before``, how many of them survive in ``after``)."""
    toks = [m.group().lower() for m in WORD.finditer(before)
            if not any(s < m.end() and m.start() < e for s, e in spans)]
    have = Counter(m.group().lower() for m in WORD.finditer(after))
    kept = 0
    for t in toks:
        if have[t] > 0:
            have[t] -= 1
            kept += 1
    return len(toks), kept


ATTRS = ("age", "gender", "race", "eye_color", "weight")


def role_name(role: str | None) -> str:
    return {"human": "question", "gpt": "answer"}.get(role or "", "caption")


def culprit(clf, text: str, role: str | None, attrs: set[str]) -> tuple[str, dict[str, float]]:
    """The sentence of ``text`` the classifier scores highest for ``attrs`` (scored alone), with its scores."""
    from safelint.model.text import sentences

    sents = [text[s:e] for s, e in sentences(text)] or [text]
    preds = clf.predict(sents, [role] * len(sents))
    k = max(range(len(sents)), key=lambda j: max(preds[j][a] / clf.thresholds.get(a, 0.5) for a in attrs))
    return sents[k], preds[k]


def model_residual(args, clf, leaking: list[dict], clean: list[tuple[str, str | None]], tiers: list[str]) -> dict:
    """The classifier on each previously leaking turn, before and after each tier of fixes."""
    from safelint.model.hybrid import model_only

    t0 = time.perf_counter()
    rng = random.Random(args.seed)
    if args.split != "all":
        leaking = [t for t in leaking if t["split"] == args.split]
        clean = [(text, role) for text, role, split in clean if split == args.split]
    else:
        clean = [(text, role) for text, role, _ in clean]
    total = len(leaking)
    sampled = bool(args.model_sample and args.model_sample < total)
    if sampled:
        leaking = rng.sample(leaking, args.model_sample)
    if args.clean_sample and args.clean_sample < len(clean):
        clean = random.Random(args.seed + 1).sample(clean, args.clean_sample)
    want: dict[tuple[str, str | None], set[str] | None] = {}
    for t in leaking:
        want[(t["before"], t["role"])] = None
        for tier in tiers:
            want[(t[tier], t["role"])] = None
    for key in clean:
        want[key] = None
    keys = list(want)
    step = 512
    for b in range(0, len(keys), step):
        part = keys[b:b + step]
        for key, found in zip(part, model_only(clf, [k[0] for k in part], [k[1] for k in part])):
            want[key] = found
    dt = time.perf_counter() - t0

    def flagged(t: dict, tier: str) -> set[str]:
        """What the classifier flags in turn ``t`` after ``tier``, less what the question asked for."""
        return set(want[(t[tier], t["role"])] or ()) - set(t["asked"])

    doc: dict = {"turns": len(leaking), "of": total, "sampled": sampled, "split": args.split,
                 "scored_texts": len(keys), "seconds": round(dt, 1), "tiers": {}}
    notes: dict[str, str] = {}
    if "unsafe" in tiers and args.model_fix:
        # what `fix --unsafe-fixes --model-find all=label [--model-scope answers]` does: the hybrid may add
        # findings of its own at the classifier's label thresholds, and `fix` runs on the whole records of the
        # sampled turns (with scope person, a model ask in a question makes its answer the refusal, as in the CLI)
        from safelint.config import LABEL_THRESHOLD
        from safelint.model.hybrid import HybridEngine

        plain = Fixer(args.engine, unsafe=True)
        recs = sorted({t["rec"] for t in leaking})
        items = {i: extract(args.records[i], f"/{i}", ReadOptions(), path="<mem>", index=i).items for i in recs}
        refusals_plain = sum(f.item.role == "gpt" and plain.is_refusal(f.text)
                             for i in recs for f in plain.fix_items(items[i]))
        doc["model_fix"] = {}
        for tier, scope in (("unsafe+model", "person"), ("unsafe+model/answers", "answers")):
            t1 = time.perf_counter()
            hfx = Fixer(HybridEngine(args.engine, clf, scope=scope, find_at={a: LABEL_THRESHOLD for a in ATTRS}),
                        unsafe=True)
            fixed: dict[str, str] = {}
            answers = refusals = 0
            for i in recs:
                for f in hfx.fix_items(items[i]):
                    fixed[f.item.pointer] = f.text
                    if f.item.role == "gpt":
                        answers += 1
                        refusals += hfx.is_refusal(f.text)
            changed = words = kept = 0
            for t in leaking:
                new = fixed.get(t["pointer"], t["unsafe"])
                t[tier] = new
                if new != t["unsafe"]:
                    changed += 1
                    n, k = kept_tokens(t["unsafe"], new, [])
                    words, kept = words + n, kept + k
                if (new, t["role"]) not in want:
                    want[(new, t["role"])] = model_only(clf, [new], [t["role"]])[0]
            tiers = [*tiers, tier]
            secs = time.perf_counter() - t1
            doc["model_fix"][tier] = {"scope": scope, "turns_changed": changed,
                                      "word_tokens_kept": round(kept / max(words, 1), 4), "records": len(recs),
                                      "answers": answers, "refusals": refusals, "refusals_unsafe": refusals_plain,
                                      "seconds": round(secs, 1)}
            notes[tier] = (f"[{tier}] = `fix --unsafe-fixes --model-find all=label --model-scope {scope}` on the "
                           f"{len(recs)} records of the sampled turns: {changed} sampled turns differ from [unsafe], "
                           f"{100 * kept / max(words, 1):.1f} % of their word tokens kept; answers that are the "
                           f"refusal: {refusals}/{answers} (plain --unsafe-fixes: {refusals_plain}); {secs:.0f} s")
    roles = Counter(role_name(t["role"]) for t in leaking)
    before = [t for t in leaking if flagged(t, "before")]
    clean_flag = sum(1 for k in clean if want[k])
    print(f"\n== classifier on previously leaking turns ({len(leaking)} turns with ≥1 rule leak finding, images of "
          f"the {args.split} split{f', seeded sample of {total}' if sampled else ''}; {dict(roles)}; {len(keys)} distinct texts scored "
          f"in {dt:.0f} s on {', '.join(clf.providers)})")
    print(f"flagged before fix: {len(before)}/{len(leaking)} = {100 * len(before) / max(len(leaking), 1):.2f} %; "
          f"clean turns (no rule finding, seeded sample of {len(clean)}) flagged: {clean_flag} = "
          f"{100 * clean_flag / max(len(clean), 1):.2f} %")
    doc["flagged_before"] = len(before)
    doc["clean"] = {"turns": len(clean), "flagged": clean_flag}
    for tier in tiers:
        still = [t for t in leaking if flagged(t, tier)]
        per_attr = Counter(a for t in still for a in flagged(t, tier))
        per_role = Counter(role_name(t["role"]) for t in still)
        not_q = [t for t in leaking if t["role"] != "human"]
        still_nq = [t for t in still if t["role"] != "human"]
        new = sum(1 for t in still if not flagged(t, "before"))
        n = max(len(leaking), 1)
        if tier in notes:
            print("\n" + notes[tier], end="")
        print(f"\n[{tier}] still flagged after fix: {len(still)}/{len(leaking)} = {100 * len(still) / n:.2f} %  "
              f"(answers + captions: {len(still_nq)}/{len(not_q)} = {100 * len(still_nq) / max(len(not_q), 1):.2f} %; "
              f"{new} not flagged before fix)")
        print(f"[{tier}] per attribute (turns): "
              + ", ".join(f"{a} {per_attr[a]} ({100 * per_attr[a] / n:.2f} %)" for a in ATTRS))
        print(f"[{tier}] per role: " + ", ".join(f"{r} {per_role[r]}/{roles[r]}" for r in roles))
        ex = rng.sample(still, min(args.examples, len(still)))
        rows = []
        for k, t in enumerate(ex, 1):
            attrs = flagged(t, tier)
            sent, sc = culprit(clf, t[tier], t["role"], attrs)
            flags = ", ".join(f"{a} {sc[a]:.2f}" for a in sorted(attrs))
            print(f"  {k}. id {t['id']} {t['pointer']} ({role_name(t['role'])}; flagged: {', '.join(sorted(attrs))}; "
                  f"fixed rules: {' '.join(t['rules']) or '-'})")
            print(f"     before: {short(t['before'])}")
            print(f"     after : {short(t[tier])}")
            print(f"     top sentence [{flags}]: {short(sent)}")
            rows.append({"id": t["id"], "pointer": t["pointer"], "role": t["role"], "attributes": sorted(attrs),
                         "before": t["before"], "after": t[tier], "sentence": sent,
                         "scores": {a: round(sc[a], 3) for a in sorted(attrs)}})
        doc["tiers"][tier] = {"still_flagged": len(still), "answers_captions": [len(still_nq), len(not_q)],
                              "new": new, "per_attribute": {a: per_attr[a] for a in ATTRS},
                              "per_role": dict(per_role), "examples": rows}
    return doc


def short(text: str, n: int = 300) -> str:
    text = text.replace("\n", " \\n ")
    return text if len(text) <= n else text[:n] + " …"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=None, help="first N records only")
    ap.add_argument("--model", action=argparse.BooleanOptionalAction,
                    default=importlib.util.find_spec("onnxruntime") is not None,
                    help="score the fixed text with the classifier (default: on when onnxruntime is importable)")
    ap.add_argument("--model-sample", type=int, default=3000,
                    help="score a seeded sample of N previously leaking turns (0: all of them, ~20 min on 2 cores)")
    ap.add_argument("--model-dir", type=Path, default=None, help="classifier directory (default: the shipped model)")
    ap.add_argument("--split", choices=["dev", "test", "all"], default="test",
                    help="score turns of records whose image is in this half (the classifier trains on dev only)")
    ap.add_argument("--no-model-fix", dest="model_fix", action="store_false",
                    help="skip the 'unsafe+model' tiers (the classifier's own findings dropped too)")
    ap.add_argument("--clean-sample", type=int, default=2000,
                    help="turns without a finding scored as the classifier's floor (seeded sample; 0: none)")
    ap.add_argument("--examples", type=int, default=10, help="still-flagged turns printed per tier")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--engine", choices=["hybrid", "rules"], default="hybrid",
                    help="the detector fix runs: hybrid (the default of `safelint fix`) or rules (--no-model)")
    ap.add_argument("--no-e2e", dest="e2e", action="store_false", help="skip the end-to-end fix_file timing")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures (and examples) here")
    args = ap.parse_args()
    records = load(args.data, args.limit)
    eng = detector(model=args.engine == "hybrid")
    print(f"detector: {args.engine}")
    opts = ReadOptions()
    modes = {"safe": Fixer(eng), "unsafe": Fixer(eng, unsafe=True)}
    before = Counter()
    before_fix = Counter()
    stats = {m: {"residual": Counter(), "tok": 0, "kept": 0, "strings": 0, "time": 0.0} for m in modes}
    texts = 0
    leaking: list[dict] = []  # strings with ≥1 leak finding before fix: their text before and after each tier
    clean: list[tuple[str, str | None, str]] = []  # (text, role, split) of strings without a finding
    t0 = time.perf_counter()
    for i, obj in enumerate(records):
        rec = extract(obj, f"/{i}", opts, path="<mem>", index=i)
        split = split_of(str(obj.get("image", obj.get("id", i))))
        spans = {}
        turns = {}
        for it in rec.items:
            ms = eng.scan(it.text, it.role)
            texts += 1
            spans[it.pointer] = [(m.start, m.end) for m in ms]
            if any(m.category == "leak" for m in ms):
                turns[it.pointer] = {"id": rec.id, "rec": i, "pointer": it.pointer, "role": it.role, "before": it.text,
                                     "rules": sorted({m.rule for m in ms}), "split": split,
                                     "asked": sorted({m.attribute for m in ms if m.category == "ask"})}
            elif not ms and it.text.strip():
                clean.append((it.text, it.role, split))
            for m in ms:
                before[m.rule] += 1
                before_fix[m.fix or "none"] += 1
        for name, fx in modes.items():
            s = stats[name]
            t = time.perf_counter()
            out = fx.fix_items(rec.items)
            s["time"] += time.perf_counter() - t
            for f in out:
                if f.item.pointer in turns:
                    turns[f.item.pointer][name] = f.text
                s["residual"].update(m.rule for m in f.remaining)
                if f.changed:
                    s["strings"] += 1
                    n, k = kept_tokens(f.item.text, f.text, spans[f.item.pointer])
                    s["tok"] += n
                    s["kept"] += k
        leaking += turns.values()
    scan_all = time.perf_counter() - t0
    total = sum(before.values())
    doc: dict = {"records": len(records), "strings": texts, "findings": total, "leaking_turns": len(leaking)}
    print(f"records: {len(records)}  strings: {texts}  findings before: {total}  "
          f"(fix label: {dict(before_fix)})  strings with a leak finding: {len(leaking)}")
    print(f"findings per rule before: {dict(before.most_common())}")
    for name, s in stats.items():
        res = sum(s["residual"].values())
        print(f"\n[{name}] findings fixed: {total - res}/{total} = {100 * (total - res) / max(total, 1):.2f} %  "
              f"residual: {res}")
        print(f"[{name}] residual per rule: {dict(s['residual'].most_common())}")
        print(f"[{name}] strings changed: {s['strings']}  content retention (non-biometric tokens kept in changed "
              f"strings): {100 * s['kept'] / max(s['tok'], 1):.2f} %")
        print(f"[{name}] fixer throughput (in memory): {len(records) / s['time']:.0f} records/s")
        doc[name] = {"residual": res, "residual_per_rule": dict(s["residual"].most_common()),
                     "strings_changed": s["strings"], "retention": round(s["kept"] / max(s["tok"], 1), 4),
                     "records_per_s": round(len(records) / s["time"])}
    print(f"\nwhole pass (scan + both modes): {scan_all:.1f} s")
    if args.model:
        from safelint.model import ModelError, load_model

        try:
            clf = load_model(args.model_dir) if args.model_dir else load_model()
        except ModelError as exc:
            sys.exit(f"--model: {exc} (or run with --no-model)")
        args.engine = getattr(eng, "engine", eng)  # the rules, for the unsafe+model tier
        args.records = records
        doc["classifier"] = model_residual(args, clf, leaking, clean, list(modes))
    if args.e2e:
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "llava_instruct.jsonl"
            with open(src, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            size = src.stat().st_size
            t = time.perf_counter()
            r = fix_file(src, modes["safe"], output=Path(d) / "out.jsonl")
            dt = time.perf_counter() - t
            print(f"\nend to end fix_file (safe, JSONL {size / 1e6:.1f} MB): {dt:.1f} s = {r.records / dt:.0f} "
                  f"records/s, {size / 1e6 / dt:.2f} MB/s; {r.changes} strings rewritten")
    if args.json:
        args.json.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
