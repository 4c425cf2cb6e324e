"""Commands read by sound, weighed by Whisper's word probabilities (issue #14):
a run whose first word (heard in place of the command's first word) Whisper
was sure of is words; an unsure one is still the command misheard; text
alone reads as before (heard.sure_head)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.dictation import DictationSession, apply_dictation
from assistant.dictation.heard import SURE_HEAD, sure_head
from assistant.dictation.lexicon import Cmd
from assistant.dictation.parse import tokenize, with_probabilities
from assistant.types import Word


def words(text: str, probs: dict[str, float], default: float = 0.95) -> list[Word]:
    """Whisper's words for ``text`` (split as faster-whisper does: "l" and
    "'interrogation" apart), each at ``default`` unless ``probs`` names it."""
    out = []
    for w in text.split():
        head, sep, rest = w.partition("'")
        for part in ([head, sep + rest] if sep else [w]):
            out.append(Word(0.0, 0.0, part, probs.get(part, default)))
    return out


MOINS = "il y a moins de suspension cette année point"


def test_sure_head_is_words() -> None:
    said = apply_dictation(MOINS, words=words(MOINS, {"moins": 0.98, "de": 0.94}))
    assert said == "Il y a moins de suspension cette année."


def test_unsure_head_is_the_command() -> None:
    said = apply_dictation(MOINS, words=words(MOINS, {"moins": 0.22, "de": 0.93}))
    assert said == "Il y a… Cette année."


def test_text_alone_reads_as_before() -> None:
    assert apply_dictation(MOINS) == "Il y a… Cette année."
    text = "les frais s'élèvent à 220 euros moins de suspension merci point"
    assert apply_dictation(text) == "Les frais s'élèvent à 220 euros… Merci."
    # a dev voice's real slip, with its unsure head, stays the command
    assert apply_dictation(text, words=words(text, {"moins": 0.4})) == (
        "Les frais s'élèvent à 220 euros… Merci.")


def test_only_the_word_heard_for_the_commands_first_counts() -> None:
    # "de" is the command's own as heard, whatever was said: it weighs nothing
    said = apply_dictation(MOINS, words=words(MOINS, {"moins": 0.98, "de": 0.3}))
    assert said == "Il y a moins de suspension cette année."
    said = apply_dictation(MOINS, words=words(MOINS, {"moins": SURE_HEAD - 0.01, "de": 0.99}))
    assert said == "Il y a… Cette année."
    assert sure_head(Cmd.ELLIPSIS, "moins", SURE_HEAD)
    assert not sure_head(Cmd.ELLIPSIS, "moins", None)


def test_the_commands_own_head_is_not_weighed() -> None:
    # the head heard as said and the long word misheard: the command, however sure
    text = "merci de votre visite nouveau pari graphé le dossier est complet point"
    assert apply_dictation(text, words=words(text, {}, default=0.99)) == (
        "Merci de votre visite\n\nLe dossier est complet.")
    assert not sure_head(Cmd.ELLIPSIS, "points", 0.99)
    assert not sure_head(Cmd.QUESTION, "point", 0.99)


def test_end_of_sentence_reading() -> None:
    text = "le client était en colère pour l'interrogation à la ligne merci point"
    assert apply_dictation(text) == "Le client était en colère\u00a0?\nMerci."
    sure = words(text, {"pour": 0.99})
    assert apply_dictation(text, words=sure) == (
        "Le client était en colère pour l'interrogation\nMerci.")
    unsure = words(text, {"pour": 0.04})
    assert apply_dictation(text, words=unsure) == "Le client était en colère\u00a0?\nMerci."


def test_loose_line_head() -> None:
    text = "merci voilà la ligne le montant est de 20 euros point"
    assert apply_dictation(text) == "Merci.\nLe montant est de 20 euros."
    assert apply_dictation(text, words=words(text, {"voilà": 0.23, "la": 0.31})) == (
        "Merci.\nLe montant est de 20 euros.")
    assert apply_dictation(text, words=words(text, {"voilà": 0.97, "la": 0.95})) == (
        "Merci voilà la ligne le montant est de 20 euros.")


def test_commands_heard_as_written_are_not_weighed() -> None:
    text = "il y a eu un retard points de suspension merci point"
    assert apply_dictation(text, words=words(text, {}, default=0.99)) == (
        "Il y a eu un retard… Merci.")


def test_words_the_text_lacks_are_unknown() -> None:
    tokens = tokenize("Il y a moins de suspension. Cette année")
    heard = with_probabilities(tokens, [Word(0, 0, "Il", 0.9), Word(0, 0, "moins", 0.97),
                                        Word(0, 0, "de", 0.96), Word(0, 0, "bruit", 0.5)])
    assert [(t.text, t.prob) for t in heard if not t.mark] == [
        ("il", 0.9), ("y", None), ("a", None), ("moins", 0.97), ("de", 0.96),
        ("suspension", None), ("cette", None), ("année", None)]
    assert heard[-3] == replace(tokens[-3], prob=None)


@pytest.mark.parametrize("step", [1, 3])
def test_session_fed_piece_by_piece(step: int) -> None:
    pieces = MOINS.split()
    heard = words(MOINS, {"moins": 0.98, "de": 0.94})
    session = DictationSession()
    for k in range(0, len(pieces), step):
        session.feed(" ".join(pieces[k : k + step]), heard[k : k + step])
    session.finish()
    assert session.text == "Il y a moins de suspension cette année."


@pytest.mark.model
def test_recording_said_for_real(speech_model) -> None:  # type: ignore[no-untyped-def]
    """"moins de suspension" said for real by a development voice: Whisper is
    sure of "moins de" (0.98, 0.94 measured), so with its word probabilities
    the words stay; from the text alone they are read as "…". The text is the
    plain decode's (as ``assistant transcribe --dictation``), the
    probabilities a decode with word timestamps (scripts/eval_dictation.py
    --word-probs)."""
    import numpy as np

    from assistant.asr import DecodeOptions
    from assistant.dictation.prompt import DICTATION_PROMPT
    from tests.conftest import french_speech, silence

    audio = np.concatenate([silence(0.4), french_speech(MOINS, "mb-fr5"), silence(0.4)])
    options = DecodeOptions(initial_prompt=DICTATION_PROMPT)
    text = " ".join(s.text for s in speech_model.transcribe(audio, options))
    heard = [w for s in speech_model.transcribe(audio, replace(options, word_timestamps=True))
             for w in s.words]
    assert "moins de suspension" in text, text
    assert "…" in apply_dictation(text), text
    assert "moins de suspension" in apply_dictation(text, words=heard), (text, heard)
