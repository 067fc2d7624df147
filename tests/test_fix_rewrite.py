"""Safe rewrites of single strings: grammar, declines, closure, idempotence, unsafe fixes."""

from __future__ import annotations

import pytest

from safelint.api import _default_engine
from safelint.findings import TextItem
from safelint.fixer import REFUSAL, Fixer, drop_sentences


@pytest.fixture(scope="module")
def safe() -> Fixer:
    return Fixer(_default_engine())


@pytest.fixture(scope="module")
def unsafe() -> Fixer:
    return Fixer(_default_engine(), unsafe=True)


CASES = [
    ("A young woman reads a book.", "A person reads a book."),
    ("An elderly Asian man sits on a bench.", "A person sits on a bench."),
    ("An elderly man waves.", "A person waves."),
    ("Two little girls play.", "Two people play."),
    ("She is holding an umbrella.", "They are holding an umbrella."),
    ("She has a cat.", "They have a cat."),
    ("He walks to the car.", "They walk to the car."),
    ("She watches the sea.", "They watch the sea."),
    ("He carries a bag.", "They carry a bag."),
    ("She doesn't smile.", "They don't smile."),
    ("He isn't here.", "They aren't here."),
    ("He's got a hat.", "They've got a hat."),
    ("She was tired.", "They were tired."),
    ("The skier raises her poles.", "The skier raises their poles."),
    ("A child looks at himself in the mirror.", "A person looks at themselves in the mirror."),
    ("She gave him the ball.", "They gave them the ball."),
    ("The coach helps her.", "The coach helps them."),
    ("The bag is his.", "The bag is theirs."),
    ("Is he wearing a hat?", "Are they wearing a hat?"),
    ("What is she doing?", "What are they doing?"),
    ("He or she is running.", "They are running."),
    ("his/her bag", "their bag"),
    ("He is smiling and appears to be happy.", "They are smiling and appear to be happy."),
    ("A blue-eyed boy smiles.", "A person smiles."),
    ("An overweight man sits on a bench.", "A person sits on a bench."),
    ("Women are walking.", "People are walking."),
    ("Young women walk.", "People walk."),
    ("The man's bag is red.", "The person's bag is red."),
    ("The kids' toys.", "The people's toys."),
    ("A woman with blue eyes smiles.", "A person smiles."),
    ("A woman with blue eyes and blonde hair.", "A person with blonde hair."),
    ("A girl with blonde hair and blue eyes.", "A person with blonde hair."),
    ("A tall and young man.", "A tall person."),
    ("He is described as a boy or young man.", "They are described as a person or person."),  # not "a person person"
    ("A girl and young boy play.", "A person and person play."),
    ("A young, happy woman.", "A happy person."),
    ("A happy, young woman.", "A happy person."),
    ("An old, bearded man.", "A bearded person."),
    ("A woman, 32, sits on the bench.", "A person sits on the bench."),
    ("The man, about 40, smiles.", "The person smiles."),
    ("The quarterback's little sister holds up a sign.", "The quarterback's sibling holds up a sign."),
    ("The woman, in her 30s, smiles at the camera.", "The person smiles at the camera."),
    ("A 25-year-old man is jogging.", "A person is jogging."),
    ("A man in his mid-40s holds a phone.", "A person holds a phone."),
    ("A female athlete runs on the track.", "An athlete runs on the track."),
    ("Two males stand.", "Two people stand."),
    ("A mother and her daughter.", "A parent and their offspring."),
    ("A baby girl sleeps.", "A person sleeps."),
    ("The bride and groom cut the cake.", "The newlyweds cut the cake."),
    ("A black man walks down the street.", "A person walks down the street."),
    ("Mr. Smith is here.", "Smith is here."),
    ("A group of young men play soccer.", "A group of people play soccer."),
    ("A group of young women or girls is playing.", "A group of people is playing."),
    ("It is fun for children and adults alike.", "It is fun for people alike."),
    ("The woman is working on her laptop.", "The person is working on their laptop."),
    ("A businessman talks to a waitress.", "A businessperson talks to a server."),
    ("A woman of South Asian descent smiles.", "A person smiles."),
    ("<image>\nWhat is the man doing?", "<image>\nWhat is the person doing?"),
    ("MAN AT WORK", "PERSON AT WORK"),
    ("A group of parents and young children sit.", "A group of parents and people sit."),
    ("A spirited youth baseball game.", "A spirited baseball game."),
    ("The boy is part of a youth sports team.", "The person is part of a sports team."),
    ("A youth walks down the street.", "A person walks down the street."),
    # "maid outfit" names a garment, not its wearer (ninth session): it stays
    ("Is the woman dressed as a traditional maid or in a sexy maid outfit?",
     "Is the person dressed as a traditional housekeeper or in a sexy maid outfit?"),
    ("The girls dress up for the party.", "The people dress up for the party."),
    ("A man wears an African dress.", "A person wears a dress."),
    ("Is the skateboarder a young kid or a grown adult?", "Is the skateboarder a person or a person?"),
    ("Two grown men play catch.", "Two people play catch."),
    ("The benches provide rest for the elderly.", "The benches provide rest for the people."),
    ("The elderly enjoy the park.", "The people enjoy the park."),
    ("A party for a two-year-old, with both small children and adults.", "A party for a person, with people."),
    ("She is wearing a Native American-style dress.", "They are wearing a dress."),
    ("The man is dressed in traditional Middle Eastern attire.", "The person is dressed in traditional attire."),
    ("The people in the photograph are young people.", "The people in the photograph are people."),
    ("She is a young woman.", "They are a person."),
    ("There are seven people, with two males and two females in front.",
     "There are seven people, with two people and two people in front."),
]

# engine false positives or unfixable spans must not destroy content
KEEP = [
    "One of the women appears to be of Asian descent, indicating a diverse group.",
    "Two skiers take a break at the top of the hill before beginning their descent, standing.",
    "They usually have a larger, more muscular build compared to cows.",
]


@pytest.mark.parametrize("text", KEEP)
def test_long_or_unclear_spans_are_declined(safe: Fixer, text: str) -> None:
    out = safe.fix_text(text, "gpt").text
    words = {w.strip(".,").lower() for w in text.split()} - {"women", "woman", "men", "man"}
    assert words <= {w.strip(".,").lower() for w in out.split()} | {"are", "is"}


def test_cowboy_hat_is_not_a_person(safe: Fixer) -> None:
    assert safe.fix_text("The man wears a cowboy hat.", "gpt").text == "The person wears a cowboy hat."


def test_ask_overlapping_leak_is_left_for_the_refusal(safe: Fixer) -> None:
    got = safe.fix_text("Are the skiers male or female?", "human")
    assert got.text == "Are the skiers male or female?"


@pytest.mark.parametrize("before,after", CASES)
def test_safe_rewrite(safe: Fixer, before: str, after: str) -> None:
    got = safe.fix_text(before, "gpt")
    assert got.text == after
    assert not [m for m in got.remaining if safe.safe_fixable(m)]


@pytest.mark.parametrize("before,after", CASES)
def test_idempotent(safe: Fixer, before: str, after: str) -> None:
    assert safe.fix_text(after, "gpt").text == after


DECLINED = [
    ("The man is quite old.", "The person is quite old.", "AGE201"),
    ("The person appears to be male.", "The person appears to be male.", "GEN101"),
    ("She has blue eyes.", "They have blue eyes.", "EYE101"),
    ("The man weighs about 90 kg.", "The person weighs about 90 kg.", "WGT102"),
    ("He looks like he is in his early 20s.", "They look like they are in their early 20s.", "AGE101"),
]


@pytest.mark.parametrize("before,after,rule", DECLINED)
def test_declined_stays_a_finding(safe: Fixer, unsafe: Fixer, before: str, after: str, rule: str) -> None:
    got = safe.fix_text(before, "gpt")
    assert got.text == after
    assert rule in {m.rule for m in got.remaining}
    u = unsafe.fix_text(before, "gpt")
    assert u.remaining == ()
    assert u.safety == "unsafe"


def test_no_double_spaces_or_dangling_articles(safe: Fixer) -> None:
    for before, _ in CASES:
        out = safe.fix_text(before, "gpt").text
        assert "  " not in out and " ," not in out and " ." not in out
        assert "a  " not in out.lower() and not out.lower().startswith(("a a ", "an a "))


def test_unsafe_drops_leaking_sentence_keeps_rest(unsafe: Fixer) -> None:
    got = unsafe.fix_text("A man rides a bike. He appears to be in his early 20s. The street is wet.", "gpt")
    assert got.text == "A person rides a bike. The street is wet."
    assert got.remaining == ()


def test_unsafe_keeps_image_token(unsafe: Fixer) -> None:
    assert drop_sentences("<image>\nShe is old.", [_m(9, 12)]) == "<image>\n"


def _m(s: int, e: int):  # type: ignore[no-untyped-def]
    from safelint.findings import Match
    return Match("AGE201", "age", "implicit", "leak", "warning", s, e, "x", "x")


def test_refusal_for_asked_attribute(unsafe: Fixer, safe: Fixer) -> None:
    items = [TextItem("/c/0", "<image>\nHow old is the man?", "human"),
             TextItem("/c/1", "He is about 30 years old.", "gpt"),
             TextItem("/c/2", "What is he holding?", "human"),
             TextItem("/c/3", "He is holding a cup.", "gpt")]
    out = unsafe.fix_items(items)
    assert out[0].text == "<image>\nHow old is the person?"
    assert out[1].text == REFUSAL and out[1].safety == "unsafe" and "AGE301" in out[1].rules
    assert out[3].text == "They are holding a cup."
    assert all(not f.remaining for f in out)
    # safe mode never writes a refusal
    s = safe.fix_items(items)
    assert s[1].text != REFUSAL
    assert any(m.category == "ask" for m in s[0].remaining)
    # idempotent: fixing the fixed record changes nothing
    again = unsafe.fix_items([TextItem(f.item.pointer, f.text, f.item.role) for f in out])
    assert [f.text for f in again] == [f.text for f in out] and not any(f.changed for f in again)


def test_custom_refusal() -> None:
    fx = Fixer(_default_engine(), unsafe=True, refusal="Sorry, I can't say.")
    out = fx.fix_items([TextItem("/0", "Is this a man or a woman?", "human"), TextItem("/1", "A man.", "gpt")])
    assert out[1].text == "Sorry, I can't say."


def test_refusal_itself_is_clean() -> None:
    assert _default_engine().scan(REFUSAL, "gpt") == []


def test_unsafe_keeps_the_question(unsafe: Fixer) -> None:
    items = [TextItem("/0", "Are the skiers male or female?", "human"),
             TextItem("/1", "The skiers in the photo are male.", "gpt")]
    out = unsafe.fix_items(items)
    assert out[0].text == "Are the skiers male or female?" and out[1].text == REFUSAL
    assert not out[0].remaining and not out[1].remaining
