"""Values one French word away from what was heard, and their vote (pure),
then the scorer on the real model: said in words, the right value reads best."""

from __future__ import annotations

import pytest

from assistant.identify.choose import Reading, Scored, backed, choose
from assistant.identify.neighbours import Candidate, candidates, neighbours, say_group
from assistant.identify.spoken import heard_groups
from assistant.notes.models import IdentifierKind
from tests.conftest import french_speech

K = IdentifierKind


def test_groups_are_said_as_people_say_them() -> None:
    assert say_group("07") == "zéro sept"
    assert say_group("996") == "neuf cent quatre-vingt-seize"
    assert say_group("B") == "B"


def test_neighbours_differ_by_one_french_word() -> None:
    # The confusions Whisper makes most: with or without « dix » after
    # soixante / quatre-vingt, a unit for a teen.
    assert {"93", "73"} & set(neighbours("83")) == {"93"}
    assert "65" in neighbours("75") and "63" in neighbours("73")
    assert "996" in neighbours("986")
    assert "07" not in neighbours("08") and "09" not in neighbours("07")  # one digit: none
    assert neighbours("7") == () and neighbours("B") == () and neighbours("1234") == ()
    assert all(len(n) == 3 and n.startswith("0") for n in neighbours("042"))
    assert "44" not in neighbours("84")  # quarante-quatre: two words away


def test_candidates_are_the_readings_then_valid_neighbours() -> None:
    heard = [heard_groups("07 41 59 57 83", False, False)]
    found = candidates(K.TELEPHONE, heard)
    assert found[0] == Candidate(("07", "41", "59", "57", "83"), "0741595783", True)
    assert "0741595793" in {c.value for c in found}
    assert all(not c.heard for c in found[1:])
    assert len({c.groups for c in found}) == len(found)
    # A NIR's neighbours must pass its key: few of them do.
    nir = candidates(K.NIR, [heard_groups("2, 03, 04, 24, 986, 819, clé 92", False, False)])
    assert [c.value for c in nir if not c.heard] == ["203042499681992"]


def test_the_words_said_vote_with_the_readings() -> None:
    readings = [Scored("07 41 59 57 83", -1.0)]
    heard = heard_groups("07 41 59 57 83", False, False)
    found = candidates(K.TELEPHONE, [heard])
    right = next(c for c in found if c.value == "0741595793")
    said = [(c, -70.0) for c in found]
    alone = choose(K.TELEPHONE, readings)
    helped = choose(K.TELEPHONE, readings,
                    said=[(c, -60.0 if c is right else s) for c, s in said])
    assert alone.value == "0741595783" and alone.confidence == 1.0
    # The constrained readings still vote 1, the words said 1 shared out.
    assert helped.value == "0741595783"
    assert helped.share("0741595793") > 0.35
    assert helped.confidence < 0.55
    both = choose(K.TELEPHONE, readings, plain=("07 41 59 57 93",),
                  said=[(c, -60.0 if c is right else s) for c, s in said])
    assert both.value == "0741595793"


def test_a_candidate_without_a_value_keeps_its_share_from_every_value() -> None:
    readings = [Scored("1 68 98 25", -1.0)]
    heard = heard_groups("1 68 98 25", False, False)
    unread = Candidate(("1", "68"), None, True)
    found = candidates(K.NUMERO_ALLOCATAIRE, [heard])
    r = choose(K.NUMERO_ALLOCATAIRE, readings, said=[(unread, -10.0)] + [(c, -40.0) for c in found])
    assert r.value == "1689825"
    assert r.confidence == pytest.approx(0.5, abs=0.01)


@pytest.mark.model
def test_the_right_words_read_best_on_the_real_model(speech_model) -> None:  # type: ignore[no-untyped-def]
    from assistant.asr_constrained import score_texts

    audio = french_speech("zéro sept, quarante et un, cinquante-neuf, quatre-vingt-treize.",
                          "mb-fr1")
    texts = ["zéro sept, quarante et un, cinquante-neuf, quatre-vingt-treize.",
             "zéro sept, quarante et un, cinquante-neuf, quatre-vingt-trois.",
             "zéro sept, quarante et un, cinquante-neuf, soixante-treize."]
    scores = score_texts(speech_model, audio, texts)
    assert len(scores) == 3 and all(s < 0 for s in scores)
    assert scores[0] > max(scores[1:])


def test_a_value_the_readings_hardly_back_is_not_offered() -> None:
    # A NIR neighbour that passes its key by chance (1 in 97) and that the
    # words said back a little: no value, the groups heard stay.
    weak = Reading(K.NIR, "203042499681992", 0.08, "2, 03, 04, 24, 986, 819, clé 92",
                   ("2", "03", "04", "24", "996", "819", "92"))
    out = backed(weak)
    assert out.value is None and not out.valid and out.confidence == 0.0
    assert out.groups == ("2", "03", "04", "24", "986", "819", "92")
    sure = Reading(K.NIR, "203042499681992", 0.4, "", ())
    assert backed(sure) is sure
