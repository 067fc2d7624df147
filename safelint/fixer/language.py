"""The refusal `fix --unsafe-fixes` writes, in the language of the question it answers.

A question asked in Spanish ("¿Cuántos años tiene la señora?") is answered with the refusal in Spanish, so the pair
still teaches a refusal in the question's language.  The language is told by py3langid (a character n-gram
model, deterministic, offline) among the languages whose asks the rules read (rules/questions_intl.yaml); anything
else, or too little text, is English.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# The project's refusal, per language (English is :data:`safelint.fixer.core.REFUSAL`).
REFUSALS: dict[str, str] = {
    "en": "I can't help with identifying or estimating a person's age, gender, race, eye colour or weight "
          "from an image.",
    "es": "No puedo ayudar a identificar ni a estimar la edad, el género, la raza, el color de ojos o el peso de "
          "una persona a partir de una imagen.",
    "fr": "Je ne peux pas aider à identifier ni à estimer l'âge, le genre, l'origine ethnique, la couleur des yeux "
          "ou le poids d'une personne à partir d'une image.",
    "de": "Ich kann nicht dabei helfen, das Alter, das Geschlecht, die ethnische Herkunft, die Augenfarbe oder das "
          "Gewicht einer Person anhand eines Bildes zu bestimmen oder zu schätzen.",
    "pt": "Não posso ajudar a identificar nem a estimar a idade, o gênero, a raça, a cor dos olhos ou o peso de uma "
          "pessoa a partir de uma imagem.",
    "it": "Non posso aiutare a identificare né a stimare l'età, il genere, l'etnia, il colore degli occhi o il peso "
          "di una persona a partire da un'immagine.",
    "nl": "Ik kan niet helpen met het bepalen of schatten van de leeftijd, het geslacht, de etniciteit, de oogkleur "
          "of het gewicht van een persoon op basis van een afbeelding.",
    "ca": "No puc ajudar a identificar ni a estimar l'edat, el gènere, la raça, el color dels ulls o el pes d'una "
          "persona a partir d'una imatge.",
    "ro": "Nu pot ajuta la identificarea sau estimarea vârstei, genului, etniei, culorii ochilor sau greutății unei "
          "persoane pe baza unei imagini.",
}

_MIN_LETTERS = 8  # less text than this: English


@cache
def _identifier() -> Any:
    """py3langid's identifier restricted to the languages of :data:`REFUSALS` (loaded once, ~0.5 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    ident.set_languages(sorted(REFUSALS))
    return ident


def guess_language(text: str) -> str:
    """The language of ``text`` among the keys of :data:`REFUSALS`; ``"en"`` when there is too little
    text to tell."""
    if sum(c.isalpha() for c in text) < _MIN_LETTERS:
        return "en"
    lang: str = _identifier().classify(text)[0]
    return lang if lang in REFUSALS else "en"


def refusal_for(text: str) -> str:
    """The project's refusal in the language of ``text`` (a question, or the answer it replaces)."""
    return REFUSALS[guess_language(text)]
