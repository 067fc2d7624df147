"""Property tests: on generated LLaVA-like records with arbitrary extra fields, `fix` keeps
everything but the fixed strings and is idempotent byte for byte."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safelint.api import _default_engine
from safelint.fixer import Fixer, fix_file

SENTENCES = [
    "A young woman reads a book.", "He is holding an umbrella.", "The man's dog runs.", "Two little girls play.",
    "An elderly Asian man sits on a bench.", "She has blue eyes.", "The boy is about 10 years old.",
    "A cat sleeps on a sofa.", "The bus is red.", "Her bag is blue.", "A black dog and a white shirt.",
    "Is this a man or a woman?", "How old is the person?", "They are smiling.", "café — naïve 東京 😀",
    "An overweight man, in his 30s, waves.", "The kids' toys are \"new\".", "Tab\there\\back",
]
text = st.lists(st.sampled_from(SENTENCES) | st.text(max_size=15), min_size=0, max_size=4).map(" ".join)
scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(
    max_size=10)
extra = st.recursive(scalar, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
                     max_leaves=8)
turn = st.fixed_dictionaries({"from": st.sampled_from(["human", "gpt"]), "value": text})
record = st.builds(
    lambda rid, conv, img, more, first: {"id": rid, **({"image": img} if img else {}), "conversations":
                                         [{"from": "human", "value": "<image>\n" + first}, *conv], **more},
    st.text(min_size=1, max_size=8), st.lists(turn, max_size=4), st.text(max_size=8),
    st.dictionaries(st.text(min_size=1, max_size=6).filter(lambda k: k not in ("id", "image", "conversations")),
                    extra, max_size=3),
    text,
)

_FIXERS: dict[bool, Fixer] = {}


def _fixer(unsafe: bool) -> Fixer:
    if unsafe not in _FIXERS:
        _FIXERS[unsafe] = Fixer(_default_engine(), unsafe=unsafe)
    return _FIXERS[unsafe]


def _load(p: Path) -> list:
    if p.suffix == ".jsonl":
        return [json.loads(x) for x in p.read_text(encoding="utf-8").split("\n") if x.strip()]
    return json.loads(p.read_text(encoding="utf-8"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(record, min_size=1, max_size=4), jsonl=st.booleans(), indent=st.sampled_from([None, 1, 2, 4]),
       ascii_=st.booleans(), unsafe=st.booleans())
def test_preservation_and_idempotence(records: list, jsonl: bool, indent: int | None, ascii_: bool,
                                      unsafe: bool) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / ("data.jsonl" if jsonl else "data.json")
        if jsonl:
            p.write_text("".join(json.dumps(r, ensure_ascii=ascii_) + "\n" for r in records), encoding="utf-8")
        else:
            p.write_text(json.dumps(records, indent=indent, ensure_ascii=ascii_), encoding="utf-8")
        fixer = _fixer(unsafe)
        fix_file(p, fixer)
        once = p.read_bytes()
        after = _load(p)
        assert len(after) == len(records)
        for b, a in zip(records, after):
            assert list(a) == list(b)
            for k in b:
                if k != "conversations":
                    assert a[k] == b[k]
            assert [t["from"] for t in a["conversations"]] == [t["from"] for t in b["conversations"]]
            assert a["conversations"][0]["value"].startswith("<image>")
        r2 = fix_file(p, fixer)
        assert r2.changes == 0 and p.read_bytes() == once
        # closure: nothing with a safe fix is left that the fixer could still change
        for rec in after:
            for t in rec["conversations"]:
                role = "human" if t["from"] == "human" else "gpt"
                assert fixer.fix_text(t["value"], role).text == t["value"]
