"""French number words -> digits."""

from __future__ import annotations

import pytest

from assistant.frnumbers import find_numbers, parse_number, words_to_digits


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("zéro", 0),
        ("un", 1),
        ("seize", 16),
        ("dix-sept", 17),
        ("vingt et un", 21),
        ("vingt-et-un", 21),
        ("trente et une", 31),
        ("soixante et onze", 71),
        ("soixante-dix-sept", 77),
        ("quatre-vingts", 80),
        ("quatre vingt onze", 91),
        ("quatre-vingt-dix-neuf", 99),
        ("cent", 100),
        ("cent un", 101),
        ("deux cents", 200),
        ("quatre cent cinquante", 450),
        ("mille", 1000),
        ("mille trois cent quarante", 1340),
        ("mille neuf cent quatre-vingt-cinq", 1985),
        ("deux mille vingt-six", 2026),
        ("deux mille cent", 2100),
        ("trois mille quatre cents", 3400),
        ("Deux Mille Vingt-Six", 2026),
        ("cent mille", 100_000),
        ("un million deux cent mille", 1_200_000),
        ("septante-cinq", 75),
        ("1150", 1150),
    ],
)
def test_parse_number(words: str, value: int) -> None:
    assert parse_number(words) == value


@pytest.mark.parametrize("text", ["", "bonjour", "deux trois", "vingt vingt", "cent euros de plus"])
def test_parse_number_rejects_what_is_not_one_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quatre cent cinquante euros", "450 euros"),
        ("sept sept zéro trois un cinq deux", "7 7 0 3 1 5 2"),
        ("quarante-huit vingt et un neuf cent trente-sept", "48 21 937"),
        ("zéro six douze quarante-huit", "0 6 12 48"),
        ("le quinze septembre deux mille vingt-six", "le 15 septembre 2026"),
        ("j'ai un enfant de vingt-deux ans", "j'ai un enfant de 22 ans"),
        ("une fois, un deux trois", "une fois, 1 2 3"),
        ("deux, trois", "2, 3"),
        ("rien à convertir", "rien à convertir"),
        ("vingt et", "20 et"),
    ],
)
def test_words_to_digits(text: str, expected: str) -> None:
    assert words_to_digits(text) == expected


def test_find_numbers_gives_spans_in_the_original_text() -> None:
    text = "Il doit verser mille trois cent quarante euros, clé quatre-vingt-onze."
    found = find_numbers(text)
    assert [m.value for m in found] == [1340, 91]
    assert text[found[0].start : found[0].end] == "mille trois cent quarante"
    assert text[found[1].start : found[1].end] == "quatre-vingt-onze"
