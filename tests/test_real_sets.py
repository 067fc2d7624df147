"""eval/real_sets.py: labelled sets of shared-data text kept in git as hashes, rebuilt from the data folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
import real_sets

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "minigpt4_fohe").mkdir(parents=True)
    (data / "minigpt4_fohe" / "filter_cap.json").write_text(json.dumps(
        {"annotations": [{"image_id": "1", "caption": "A slim woman walks her dog."}]}))
    (data / "llava_instruct").mkdir()
    (data / "llava_instruct" / "chunk_0.json").write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "conversations": [{"from": "human", "value": "<image>\nDescribe the picture."},
                                      {"from": "gpt", "value": "An old man reads a paper."}]},
    ]) + "\nnot json\n")
    return data


def test_freeze_then_build_gives_the_set_back(tmp_path: Path) -> None:
    full = tmp_path / "full.jsonl"
    rows = [{"text": "A slim woman walks her dog.", "role": "gpt", "labels": ["gender", "weight"], "note": "fohe:0"},
            {"text": "Describe the picture.", "role": "human", "labels": [], "note": "llava: the tag is dropped"},
            {"text": "An old man reads a paper.", "role": "gpt", "labels": ["age", "gender"], "note": "llava"}]
    full.write_text("".join(json.dumps(r) + "\n" for r in rows))
    labels = tmp_path / "labels"
    labels.mkdir()
    real_sets.freeze(full, labels / "s.jsonl")
    frozen = (labels / "s.jsonl").read_text()
    assert "walks her dog" not in frozen  # no text in the label file
    out = real_sets.build(_data(tmp_path), tmp_path / "out", labels, {"s.jsonl": "probe.jsonl"})
    assert out == [tmp_path / "out" / "probe.jsonl"]
    assert [json.loads(line) for line in out[0].read_text().splitlines()] == rows


def test_a_text_missing_from_the_data_is_an_error(tmp_path: Path) -> None:
    full = tmp_path / "full.jsonl"
    full.write_text(json.dumps({"text": "Not in the data.", "role": "gpt", "labels": [], "note": "x"}) + "\n")
    labels = tmp_path / "labels"
    labels.mkdir()
    real_sets.freeze(full, labels / "s.jsonl")
    with pytest.raises(SystemExit, match="1 text\\(s\\) not found"):
        real_sets.build(_data(tmp_path), tmp_path / "out", labels, {"s.jsonl": "probe.jsonl"})
    assert not (tmp_path / "out" / "probe.jsonl").exists()


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data")
def test_the_committed_sets_rebuild_from_the_shared_data(tmp_path: Path) -> None:
    built = real_sets.build(SHARED, tmp_path)
    assert len(built) == len(real_sets.SETS)
    for name, path in zip(real_sets.SETS, built):
        labels = (real_sets.LABELS / name).read_text(encoding="utf-8").splitlines()
        assert len(path.read_text(encoding="utf-8").splitlines()) == len(labels)


def test_flickr_markup_and_tsv_columns_are_read_as_plain_text(tmp_path: Path) -> None:
    import io
    import tarfile

    data = tmp_path / "data"
    (data / "flickr30k_entities_sentences").mkdir(parents=True)
    raw = b"[/EN#1/people Two young , White males] are outside near [/EN#4/scene many bushes] .\n"
    with tarfile.open(data / "flickr30k_entities_sentences" / "Sentences.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("Sentences/1.txt")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    (data / "conceptual_captions_val").mkdir()
    (data / "conceptual_captions_val" / "v.tsv").write_text("actor arrives at the premiere\thttp://x\n")
    texts = ["Two young , White males are outside near many bushes .", "actor arrives at the premiere"]
    found = real_sets.index(data, {real_sets.digest(t) for t in texts})
    assert sorted(found.values()) == sorted(texts)
