"""Whisper failure-mode guards and the WER normaliser (pure text)."""

from __future__ import annotations

import pytest

from assistant.guards import (
    SegmentLoop,
    cut_text_loop,
    cut_words_loop,
    ends_with_repeat,
    fix_year_artifacts,
    is_hallucination,
    is_repetition_loop,
)
from assistant.types import Word
from tools.wer import wer, wer_count


def test_known_inventions_are_dropped() -> None:
    assert is_hallucination("Sous-titres réalisés par la communauté d'Amara.org")
    assert is_hallucination("  Merci d'avoir regardé !  ")
    assert is_hallucination("...")
    assert not is_hallucination("Merci, bonne journée madame.")
    assert not is_hallucination("Je vais sur www.impots.gouv.fr pour ma déclaration.")


def test_repetition_loop() -> None:
    loop = "je vous remercie " * 12
    assert is_repetition_loop(loop)
    assert is_hallucination(loop)
    assert not is_repetition_loop("Je viens pour mon dossier de la CAF, mon numéro allocataire.")


def test_whisper_own_no_speech_signal() -> None:
    assert is_hallucination("Bonjour.", no_speech_prob=0.9, avg_logprob=-1.5)
    assert not is_hallucination("Bonjour.", no_speech_prob=0.9, avg_logprob=-0.3)


def test_year_split_artifact() -> None:
    assert fix_year_artifacts("en janvier 2020-26.") == "en janvier 2026."
    assert fix_year_artifacts("de 2016-2017") == "de 2016-2017"
    assert fix_year_artifacts("2020-2024") == "2020-2024"


def test_wer_normalisation() -> None:
    assert wer("L'accident a tué dix-sept personnes.", "l’accident a tué 17 personnes") == 0.0
    assert wer("le 48 21 937", "le 4821937") == 0.0
    count = wer_count("le chat dort bien", "le chat bien")
    assert (count.errors, count.words) == (1, 4)


@pytest.mark.parametrize(
    ("text", "loop"),
    [
        ("D'accord, j'ai tout ça. D'accord, j'ai tout ça.", True),
        ("Et ça coûte combien ? Et ça coûte combien ?", True),
        ("je vous remercie, je vous remercie", True),
        ("non, non, non", False),  # a short word said three times is speech
        ("merci merci", False),
        ("Le timbre fiscal est à 86 euros pour un adulte.", False),
        ("pour le rendez-vous, pour le rendez-vous de demain", False),  # not at the end
    ],
)
def test_a_short_window_ending_with_its_own_repeat_is_a_loop(text: str, loop: bool) -> None:
    assert ends_with_repeat(text) is loop


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # One word said over and over: a temperature-fallback loop on a real call.
        ("je vous appelle pour le dossier " + "dossier " * 15,
         "je vous appelle pour le dossier dossier dossier dossier"),
        ("le dossier est complet, le dossier est complet, le dossier est complet, "
         "le dossier est complet", "le dossier est complet, le dossier est complet"),
        # A whole sentence over and over (a noisy, fast dictation).
        ("Votre demande est complète, nous la traitons sous huit jours. " * 6,
         ("Votre demande est complète, nous la traitons sous huit jours. " * 2).strip()),
        # What people say stays.
        ("zéro zéro zéro six", "zéro zéro zéro six"),
        ("non non non, ce n'est pas ça", "non non non, ce n'est pas ça"),
        ("merci merci, au revoir", "merci merci, au revoir"),
        ("", ""),
        # A number looping inside one word, its groups joined by commas (a NIR said
        # in noise, held-out 4): cut inside the word, after the copies speech may hold.
        ("1,3907,1198,1198,1198,1198,1198,1198,1198,1198,1196.", "1,3907,1198,1198,1198,1198"),
        ("c'était 1,6264," + "000," * 60 + "000.", "c'était 1,6264,000,000,000,000"),
        # ... while numbers people say stay.
        ("1 000 000 euros, 1,5 million", "1 000 000 euros, 1,5 million"),
        ("le 06 00 00 00 00", "le 06 00 00 00 00"),
    ],
)
def test_a_decoding_loop_is_cut_after_the_copies_speech_may_hold(text: str, kept: str) -> None:
    assert cut_text_loop(text) == kept


def test_timed_words_are_cut_by_the_same_rule_inside_a_word_too() -> None:
    said = [Word(float(i), i + 0.5, t) for i, t in enumerate(
        ["Oui,", "c'était", "1,6264," + "000," * 40 + "000.", "Merci."])]
    kept = cut_words_loop(said)
    assert [w.text for w in kept] == ["Oui,", "c'était", "1,6264,000,000,000,000"]
    assert kept[-1].start == 2.0 and kept[-1].end == 2.5  # the word keeps its times
    five = [Word(float(i), i + 0.5, "oui") for i in range(5)] + [Word(5.0, 5.5, "non")]
    assert [w.text for w in cut_words_loop(five)] == ["oui"] * 4
    people = [Word(0.0, 0.5, t) for t in ["non", "non", "non,", "ce", "n'est", "pas", "ça"]]
    assert cut_words_loop(people) == tuple(people)
    assert cut_words_loop([]) == ()


def test_a_loop_of_whole_segments_keeps_the_copies_speech_may_hold() -> None:
    loop = SegmentLoop()
    said = ["Votre demande est complète.", "Nous la traitons sous huit jours.",
            "Nous la traitons sous huit jours !", "Nous la traitons sous huit jours.",
            "Nous la traitons sous huit jours.", "Au revoir.", "Merci.", "Merci.", "Merci."]
    kept = [s for s in said if not loop.repeats(s)]
    assert kept == ["Votre demande est complète.", "Nous la traitons sous huit jours.",
                    "Nous la traitons sous huit jours !", "Au revoir.", "Merci.", "Merci.",
                    "Merci."]
