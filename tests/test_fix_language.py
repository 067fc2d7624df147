"""`fix --unsafe-fixes` answers a question with the refusal in the question's language."""

from __future__ import annotations

import pytest

from safelint.api import _default_engine
from safelint.findings import TextItem
from safelint.fixer import REFUSAL, Fixer
from safelint.fixer.language import REFUSALS, guess_language, refusal_for

QUESTIONS = [
    ("en", "How old is the man on the park bench?"),
    ("es", "¿Cuántos años tiene la señora del sombrero?"),
    ("fr", "Quel âge a l'enfant assis sur la balançoire ?"),
    ("de", "Wie alt ist der Mann mit der Brille ungefähr?"),
    ("pt", "Quantos anos tem a moça de vestido azul?"),
    ("it", "Quanti anni ha il signore con il cappello?"),
    ("nl", "Hoe oud schat je de man met de fiets?"),
    ("ca", "Quina edat té la dona que llegeix el diari?"),
    ("ro", "Câți ani are femeia din fotografie?"),
]


@pytest.fixture(scope="module")
def unsafe() -> Fixer:
    return Fixer(_default_engine(), unsafe=True)


@pytest.mark.parametrize(("lang", "question"), QUESTIONS)
def test_guess_language(lang: str, question: str) -> None:
    assert guess_language(question) == lang
    assert refusal_for(question) == REFUSALS[lang]


@pytest.mark.parametrize("text", ["", "<image>", "OK", "??", "ja", "12 kg", 'Return JSON: {"age": int}'])
def test_too_little_text_or_english_is_english(text: str) -> None:
    assert guess_language(text) == "en"


@pytest.mark.parametrize("lang", sorted(REFUSALS))
def test_each_refusal_is_clean_and_in_its_language(lang: str, unsafe: Fixer) -> None:
    text = REFUSALS[lang]
    assert guess_language(text) == lang
    assert _default_engine().scan(text, "gpt") == []
    assert unsafe.is_refusal(text) and unsafe.refuses(text, {"age", "race"})


@pytest.mark.parametrize(("lang", "question"), QUESTIONS)
def test_answer_becomes_the_refusal_in_the_question_language(lang: str, question: str, unsafe: Fixer) -> None:
    items = [TextItem("/c/0", "<image>\n" + question, "human"), TextItem("/c/1", "About 40.", "gpt")]
    out = unsafe.fix_items(items)
    assert out[1].text == REFUSALS[lang] and out[1].safety == "unsafe"
    assert not out[0].remaining and not out[1].remaining
    # idempotent: the refusal in any language answers the question
    again = unsafe.fix_items([TextItem(f.item.pointer, f.text, f.item.role) for f in out])
    assert not any(f.changed for f in again) and not any(f.remaining for f in again)


def test_an_answer_refused_in_another_language_resolves_the_ask(unsafe: Fixer) -> None:
    items = [TextItem("/0", "¿Cuántos años tiene la señora?", "human"), TextItem("/1", REFUSALS["es"], "gpt")]
    scans = [list(unsafe.engine.scan(it.text, it.role)) for it in items]
    assert scans[0] and all(f == "resolved" for f in unsafe.label_items(items, scans)[0])


def test_a_custom_refusal_is_written_in_every_language() -> None:
    fx = Fixer(_default_engine(), unsafe=True, refusal="Sorry, I can't say.")
    out = fx.fix_items([TextItem("/0", "¿Es un hombre o una mujer?", "human"), TextItem("/1", "Un hombre.", "gpt")])
    assert out[1].text == "Sorry, I can't say."


def test_an_emptied_answer_without_a_question_takes_its_own_language(unsafe: Fixer) -> None:
    assert unsafe.fix_text("He is 30 years old.", "gpt").text == REFUSAL


@pytest.mark.parametrize(("lang", "answer"), [
    ("es", "Es una mujer de unos 30 años."),
    ("fr", "C'est une femme d'une trentaine d'années."),
    ("de", "Er ist etwa 40 Jahre alt."),
    ("it", "È un uomo sui quarant'anni."),
])
def test_an_emptied_answer_in_another_language_gets_the_refusal_in_it(lang: str, answer: str, unsafe: Fixer) -> None:
    out = unsafe.fix_text(answer, "gpt")
    assert out.text == REFUSALS[lang] and out.safety == "unsafe" and not out.remaining
