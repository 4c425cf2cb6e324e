"""Reading identifiers said aloud: kinds, French number words, the vote (pure, no model)."""

from __future__ import annotations

import pytest

from assistant.identify.choose import Scored, choose, loops
from assistant.identify.kinds import RULES, check, grouped
from assistant.identify.spans import number_spans
from assistant.identify.spoken import heard_groups, is_number_word, nearest_number_word, values_for
from assistant.notes.models import IdentifierKind as K
from assistant.types import Word

NIR = "168016763632162"  # 1 68 01 67 636 321, key 62 (97 - 1680167636321 % 97)


def test_nir_key_is_right_in_fixture() -> None:
    assert 97 - int(NIR[:13]) % 97 == int(NIR[13:])


@pytest.mark.parametrize(("kind", "raw", "normal"), [
    (K.NIR, "1 68 01 67 636 321 62", NIR),
    (K.TELEPHONE, "06.71.22.58.09", "0671225809"),
    (K.NUMERO_ALLOCATAIRE, "1234567", "1234567"),
    (K.IDENTIFIANT_FRANCE_TRAVAIL, "1234567 b", "1234567B"),
    (K.IMMATRICULATION, "ab 123 cd", "AB-123-CD"),
    (K.IBAN, "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
])
def test_check_normalises_valid_values(kind: K, raw: str, normal: str) -> None:
    assert check(kind, raw) == normal


@pytest.mark.parametrize(("kind", "raw"), [
    (K.NIR, "1 68 01 67 636 321 61"),        # wrong key
    (K.TELEPHONE, "0071225809"),              # 00 is no French number
    (K.TELEPHONE, "067122580"),               # nine digits
    (K.NUMERO_ALLOCATAIRE, "123456"),
    (K.IDENTIFIANT_FRANCE_TRAVAIL, "12345678"),
    (K.IMMATRICULATION, "AB-000-CD"),
    (K.IMMATRICULATION, "BH-146-WI"),  # SIV plates have no I, O, U
    (K.IMMATRICULATION, "SS-146-AB"),
    (K.IBAN, "FR76 3000 6000 0112 3456 7890 188"),
])
def test_check_refuses_invalid_values(kind: K, raw: str) -> None:
    assert check(kind, raw) is None


def test_grouped_reads_back_in_the_usual_groups() -> None:
    assert grouped(K.NIR, NIR) == ["1", "68", "01", "67", "636", "321", "62"]
    assert grouped(K.TELEPHONE, "0671225809") == ["06", "71", "22", "58", "09"]
    assert grouped(K.IMMATRICULATION, "AB-123-CD") == ["AB", "123", "CD"]


@pytest.mark.parametrize(("text", "groups"), [
    ("quatre-vingt-dix-sept", ("97",)),
    ("zéro zéro six", ("0", "0", "6")),
    ("soixante et onze, vingt-deux", ("71", "22")),
    ("trois cent vingt et un, clé cinquante-cinq", ("321", "55")),
    ("Soixante-7", ("67",)),                             # a digit glued to a number word
    ("06-71-22-58-09", ("06", "71", "22", "58", "09")),
    ("cinquante-huit, non pardon, cinquante-neuf", ("59",)),  # the last value said
    ("zéro six, je recommence, zéro sept, douze", ("0", "7", "12")),
])
def test_heard_groups_parses_french_number_words_exactly(text: str,
                                                         groups: tuple[str, ...]) -> None:
    assert heard_groups(text).groups == groups


def test_letters_count_only_for_kinds_that_hold_them() -> None:
    assert heard_groups("1234567 lettre B").groups == ("1234567", "B")
    assert heard_groups("1234567 B", letters=False).groups == ("1234567",)
    assert heard_groups("a bé cent vingt-trois cé dé", spelt=True).groups == (
        "A", "B", "123", "C", "D")


def test_values_for_cuts_only_at_group_boundaries() -> None:
    # "c'est un" heard as a leading "1": the value starts after it.
    h = heard_groups("1 06 71 22 58 09")
    assert values_for(K.TELEPHONE, h) == ["0671225809"]
    # No window cuts a group: "671" is not split to make ten digits.
    assert values_for(K.TELEPHONE, heard_groups("06 71 22 58 091")) == []


def test_key_said_separately_completes_a_nir() -> None:
    h = heard_groups("1, 68, 01, 67, 636, 321, clé 62")
    assert values_for(K.NIR, h) == [NIR]
    assert h.after_key == 6


def test_choose_votes_with_the_readings_probabilities() -> None:
    readings = [Scored("06 71 22 58 09", -1.0), Scored("06 71 22 58 19", -1.2),
                Scored("06 71 22 58 09.", -1.3)]
    r = choose(K.TELEPHONE, readings)
    assert r.value == "0671225809"
    assert 0.5 < r.confidence < 1.0
    assert r.groups == ("06", "71", "22", "58", "09")


def test_choose_never_trusts_a_check_alone() -> None:
    # The best reading fails its key; a far less likely one passes: the value is
    # kept, but its share of the vote says how little the readings agree.
    readings = [Scored("1 68 01 67 636 321 61", -1.0), Scored(f"{NIR}", -6.0)]
    r = choose(K.NIR, readings)
    assert r.value == NIR
    assert r.confidence < 0.05


def test_choose_says_nothing_when_nothing_valid_was_heard() -> None:
    r = choose(K.NIR, [Scored("1 68 01", -0.5)])
    assert r.value is None and not r.valid and r.confidence == 0.0
    assert r.groups == ("1", "68", "01")


def test_plain_reading_votes_too() -> None:
    readings = [Scored("06 71 22 58 19", -1.0), Scored("06 71 22 58 09", -1.1)]
    alone = choose(K.TELEPHONE, readings)
    helped = choose(K.TELEPHONE, readings, plain=("06, 71, 22, 58, 09.",))
    assert alone.value == "0671225819"
    assert helped.value == "0671225809"


def test_number_spans_allow_a_few_misheard_words() -> None:
    words = [Word(0.0, 0.3, "Mon"), Word(0.3, 0.6, "numéro"), Word(0.6, 0.8, "c'est"),
             Word(0.8, 1.0, "06,"), Word(1.0, 1.3, "soit"), Word(1.3, 1.6, "111,"),
             Word(1.6, 1.9, "22,"), Word(1.9, 2.2, "58,"), Word(2.2, 2.5, "09."),
             Word(3.0, 3.2, "Merci"), Word(3.2, 3.4, "bien"), Word(3.4, 3.6, "madame"),
             Word(3.6, 3.8, "douze.")]
    spans = number_spans(words)
    assert [(s.first, s.last, s.number_words) for s in spans] == [(3, 8, 5), (12, 12, 1)]


def test_number_words_are_recognised() -> None:
    assert is_number_word("soixante-dix-sept,")
    assert is_number_word("06.")
    assert not is_number_word("soit")
    assert is_number_word("B", letters=True) and not is_number_word("B")


def test_every_kind_has_a_cli_name_and_a_french_label() -> None:
    names = {r.cli_name for r in RULES.values()}
    assert len(names) == len(RULES)
    assert all(r.label for r in RULES.values())


def test_a_looping_reading_gets_no_vote() -> None:
    # "Oui, un, 68, 98, 25": the constrained decoding looped on "8"; the plain
    # reading of the same audio has the number.
    readings = [Scored("8888888", -0.5), Scored("1 68 98 25", -1.5)]
    r = choose(K.NUMERO_ALLOCATAIRE, readings, plain=("un, 68, 98, 25.",))
    assert r.value == "1689825"
    assert r.share("8888888") == 0.0
    assert loops(("4", "4", "4", "4")) and not loops(("06", "66", "60", "12", "34"))


def test_misspelt_number_words_from_a_constrained_decoding_are_read() -> None:
    # The constrained decoding may join pieces of words freely: "soisante", "troix".
    assert heard_groups("deux, soisante-douze, troix cent").groups == ("2", "72", "300")
    assert nearest_number_word("quatorse") == "quatorze"
    # Short or distant words are left alone.
    assert nearest_number_word("dit") is None and nearest_number_word("alors") is None
