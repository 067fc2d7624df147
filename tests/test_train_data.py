"""Pure parts of the training-data builder (no torch, no data folder): the split rule and the
look-alike trigger words used to mine hard negatives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "train"))

pytest.importorskip("tokenizers")
data = pytest.importorskip("safelint_train.data")


def test_val_share_never_moves_the_test_half() -> None:
    keys = [f"small_{i:05d}.jpg" for i in range(400)]
    for k in keys:
        p1, p3 = data.part_of(k), data.part_of(k, data.PRISM_VAL_TENTHS)
        assert (p1 == "test") == (p3 == "test") == (data.split_of(k) == "test")
        if p1 == "val":  # a larger val share only moves train items to val
            assert p3 == "val"
    dev = [k for k in keys if data.split_of(k) == "dev"]
    share = sum(data.part_of(k, 3) == "val" for k in dev) / len(dev)
    assert 0.2 < share < 0.4


@pytest.mark.parametrize("text, attr", [
    ("A man in a white shirt rides a bike.", "race"),
    ("The old building has a red roof.", "age"),
    ("A large dog runs on the beach.", "weight"),
    ("The eye of the storm passed.", "eye_color"),
    ("Plug the male connector in.", "gender"),
])
def test_triggers(text: str, attr: str) -> None:
    assert data._TRIGGER[attr].search(text)


def test_no_trigger() -> None:
    assert not any(rx.search("Two people are playing frisbee in the park.") for rx in data._TRIGGER.values())
