"""Readers: LLaVA JSON/JSONL, COCO captions, caption JSONL, TSV, generic field paths, the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import llava

import safelint
from safelint.formats import InputError, ReadOptions, reader_for
from safelint.walker import walk


def _read(path: Path, **opts):  # type: ignore[no-untyped-def]
    r = reader_for(path, opts.pop("format", None))
    assert r is not None
    return list(r.read(path, ReadOptions(**opts)))


def test_llava_json_pointers_and_roles(write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("l.json", [llava(("human", "q"), ("gpt", "a"), id="x"), llava(("user", "q2"), ("assistant", "a2"))])
    recs = _read(p)
    assert [r.id for r in recs] == ["x", "1"]
    assert [(i.pointer, i.role) for i in recs[1].items] == [("/1/conversations/0/value", "human"),
                                                              ("/1/conversations/1/value", "gpt")]


def test_chat_template_messages(write_json) -> None:  # type: ignore[no-untyped-def]
    rec = {"id": "m1", "images": ["a.jpg"], "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "How old is the man?"}]},
        {"role": "assistant", "content": "He is about 30."},
        {"role": "assistant", "content": None, "tool_calls": []}]}
    items = _read(write_json("m.jsonl", [rec]))[0].items
    assert [(i.pointer, i.role, i.text) for i in items] == [
        ("/messages/0/content", None, "You are a helpful assistant."),
        ("/messages/1/content/1/text", "human", "How old is the man?"),
        ("/messages/2/content", "gpt", "He is about 30.")]


def test_cauldron_texts_pairs(write_json) -> None:  # type: ignore[no-untyped-def]
    rec = {"images": [None], "texts": [{"user": "Is the man Asian?", "assistant": "Yes.", "source": "vqa"}]}
    items = _read(write_json("c.json", [rec]))[0].items
    assert [(i.pointer, i.role) for i in items] == [("/0/texts/0/user", "human"), ("/0/texts/0/assistant", "gpt")]


@pytest.mark.parametrize(("rec", "msg"), [
    ({"messages": "hi"}, "'messages' must be a list of turns"),
    ({"messages": [{"role": "user"}]}, r"messages\[0\] must be an object with a string 'value'"),
    ({"messages": [{"role": "user", "content": 5}]}, r"messages\[0\].content must be a string or a list"),
    ({"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]}, r"content\[0\].text must be a string"),
    ({"texts": [{"user": 3}]}, r"texts\[0\].user must be a string"),
    ({"texts": [{"source": "x"}]}, r"texts\[0\] must be an object with 'user' and 'assistant'"),
])
def test_chat_errors_name_the_turn(write_json, rec, msg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=msg) as err:
        _read(write_json("bad.jsonl", [rec]))
    assert "bad.jsonl: record 0: " in str(err.value)


def test_coco_captions_object(write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("captions_val.json", {"info": {"year": 2014}, "images": [{"id": 5}],
                                         "annotations": [{"image_id": 5, "id": 9, "caption": "A man surfing."}]})
    recs = _read(p)
    assert len(recs) == 1 and recs[0].items[0].pointer == "/annotations/0/caption"
    assert recs[0].items[0].role is None and recs[0].id == "9"


def test_caption_jsonl_and_system_captions(write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("c.jsonl", [{"image_id": 1, "caption": "A girl."}, {"text": "A dog."}])
    assert [r.items[0].pointer for r in _read(p)] == ["/caption", "/text"]
    q = write_json("sys.json", [{"image_id": 1, "caption": "a woman"}])
    assert _read(q)[0].items[0].text == "a woman"


def test_instruction_output_records(write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("qa.jsonl", [{"id": 1, "instruction": "How old is he?", "output": "He is 30."}])
    items = _read(p)[0].items
    assert [(i.pointer, i.role) for i in items] == [("/instruction", "human"), ("/output", "gpt")]


def test_tsv_guesses_caption_column(tmp_path: Path) -> None:
    p = tmp_path / "flickr.tsv"
    p.write_text("1000.jpg#0\tA child in a pink dress is climbing up stairs .\n"
                 "1000.jpg#1\tA girl going into a wooden building .\n")
    recs = _read(p)
    assert recs[0].items[0].text.startswith("A child") and recs[0].id == "1000.jpg#0"
    assert recs[1].items[0].pointer == "/1/1" and recs[1].line == 2
    q = tmp_path / "cc.tsv"
    q.write_text("a woman walks her dog in the park\thttp://example.com/a.jpg\n")
    assert _read(q)[0].items[0].text.startswith("a woman")
    assert _read(q, tsv_column=1)[0].items[0].text.startswith("http")


def test_generic_field_paths(write_json) -> None:  # type: ignore[no-untyped-def]
    p = write_json("g.json", [{"meta": {"desc": "An old man."}, "turns": [{"from": "gpt", "text": "She waves."}]}])
    recs = _read(p, fields=("meta/desc", "turns/*/text"))
    assert [(i.pointer, i.role) for i in recs[0].items] == [("/0/meta/desc", None), ("/0/turns/0/text", "gpt")]


def test_forced_format(tmp_path: Path) -> None:
    p = tmp_path / "data.txt"
    p.write_text(json.dumps({"caption": "A man."}) + "\n")
    assert reader_for(p) is None
    assert _read(p, format="jsonl")[0].items[0].text == "A man."


def test_walker_include_exclude(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[]")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "x.json").write_text("[]")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "b.jsonl").write_text("")
    (tmp_path / "readme.md").write_text("")
    w = walk([tmp_path], exclude=(".venv", "raw"))
    assert [p.name for p in w.files] == ["a.json"]
    assert any("readme.md" in s for s, _ in w.skipped)


def test_api_on_paths_and_records(write_json) -> None:  # type: ignore[no-untyped-def]
    recs = [llava(("gpt", "A young woman smiles."), id="r1")]
    found = safelint.check(recs)
    assert {f.text for f in found} == {"young", "woman"}
    assert all(f.path == "<memory>" and f.id == "r1" for f in found)
    p = write_json("d.json", recs)
    assert [f.to_dict()["text"] for f in safelint.check(p)] == [f.text for f in found]
    assert {f.rule[:3] for f in safelint.check(p, select=["gender"])} == {"GEN"}
    with pytest.raises(InputError):
        safelint.check(write_json("bad.json", [{"nope": 1}]))
