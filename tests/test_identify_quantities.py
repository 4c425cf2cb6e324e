"""Amounts and dates checked against their one-word neighbours (issue #13, part 4;
``assistant.identify.quantities``): which values are rivals, which words say a
value, and on the real model a sum and a date said by an MBROLA voice, the
transcript's words for them set to the value said or to a value one French
word away (Whisper base wrote « 80 euros » for « quatre-vingt-treize euros »
and 2017 for « deux mille vingt-sept » on this very recording)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from assistant.asr import SpeechModel
from assistant.identify.neighbours import DOUBTED
from assistant.identify.quantities import check_quantities, quantities, rivals
from assistant.identify.verify import verify_segment
from assistant.notes.drafter import Drafter
from assistant.notes.models import VERIFY_BELOW
from assistant.types import AudioArray, Segment, Word
from tests.conftest import said_with_word_times

SAID = ("Il vous reste quatre-vingt-treize euros à payer avant le seize mars "
        "deux mille vingt-sept.")


def timed(text: str) -> Segment:
    """``text`` as one segment, a word a second, every word sure."""
    words = tuple(Word(float(i), i + 1.0, w, 0.95) for i, w in enumerate(text.split()))
    return Segment(0, 0.0, float(len(words)), text, words=words)


def test_rivals_are_one_french_word_away() -> None:
    assert {83, 90, 92, 94} <= set(rivals(93))  # quatre-vingt-trois, quatre-vingt-dix...
    assert {134, 224, 334} <= set(rivals(234))  # a word dropped, replaced
    assert {400, 1412} <= set(rivals(412))  # « quatre cents » / « quatre cent douze »
    assert {480, 2480} <= set(rivals(1480))  # « mille » dropped, one added before it
    assert {2017, 2026, 2037} <= set(rivals(2027))
    assert 93 not in rivals(83 * 100)
    assert rivals(7) == ()  # one-word numbers: the scores prefer the short ones
    assert all(n >= 10 for n in rivals(16))
    assert all(41 <= n <= 4120 for n in rivals(412))  # within a factor of ten


def test_the_words_of_each_amount_day_and_year_are_found() -> None:
    seg = timed("Il reste 1 150 euros à payer avant le 16 février 2027, et 12,50 euros.")
    found = [(q.what, q.value, q.unit, " ".join(w.text for w in seg.words[q.first:q.last + 1]))
             for q in quantities(seg.text, seg.words)]
    assert found == [("amount", 1150, "euros", "1 150 euros"),
                     ("day", 16, "février", "16 février"),
                     ("year", 2027, "", "2027,")]
    # Written in words too, as the drafter reads them; a numeric date is not said.
    seg = timed("Ça fait quatre-vingt-treize euros, le 15/03/2026.")
    assert [(q.what, q.value) for q in quantities(seg.text, seg.words)] == [("amount", 93)]
    # Words that do not match the text: nothing to point at.
    assert quantities("93 euros", (Word(0.0, 1.0, "quatre", 0.9),)) == []


@pytest.fixture(scope="module")
def said(speech_model: SpeechModel) -> tuple[AudioArray, Segment]:
    return said_with_word_times(speech_model, SAID)


def written_as(seg: Segment, amount: str, day: str, year: str) -> Segment:
    """``seg`` with the words of its amount, day and year replaced (times spread)."""
    found = {q.what: q for q in quantities(seg.text, seg.words)}
    assert set(found) == {"amount", "day", "year"}, seg.text
    new = {"amount": (amount, "euros"), "day": (day, found["day"].unit), "year": (year + ".",)}
    words: list[Word] = []
    k = 0
    for q in sorted(found.values(), key=lambda q: q.first):
        words.extend(seg.words[k:q.first])
        start, end = seg.words[q.first].start, seg.words[q.last].end
        parts = new[q.what]
        step = (end - start) / len(parts)
        words.extend(Word(start + i * step, start + (i + 1) * step, p, 0.9)
                     for i, p in enumerate(parts))
        k = q.last + 1
    words.extend(seg.words[k:])
    return replace(seg, text=" ".join(w.text for w in words), words=tuple(words))


@pytest.mark.model
def test_the_values_said_are_not_doubted(speech_model: SpeechModel,
                                         said: tuple[AudioArray, Segment]) -> None:
    audio, seg = said
    right = written_as(seg, "93", "16", "2027")
    checked, verdicts = check_quantities(speech_model, audio, right)
    assert [(v.what, v.value, v.doubted) for v in verdicts] == [
        ("amount", 93, False), ("day", 16, False), ("year", 2027, False)], verdicts
    assert all(v.rival is not None for v in verdicts)
    assert checked == right
    draft = Drafter(dt.date(2026, 12, 3)).add_segments([checked])
    assert [(a.value, a.confidence >= VERIFY_BELOW) for a in draft.amounts_eur] == [(93.0, True)]


@pytest.mark.model
def test_values_one_word_away_are_doubted_and_drafted_to_check(
        speech_model: SpeechModel, said: tuple[AudioArray, Segment]) -> None:
    audio, seg = said
    wrong = written_as(seg, "80", "15", "2017")
    checked, verdicts = check_quantities(speech_model, audio, wrong)
    assert [(v.what, v.value, v.doubted) for v in verdicts] == [
        ("amount", 80, True), ("day", 15, True), ("year", 2017, True)], verdicts
    by_what = {v.what: v for v in verdicts}
    assert by_what["amount"].rival == 93 and by_what["year"].rival == 2027
    # Only the values' words are made unsure; no word is rewritten.
    changed = [b for a, b in zip(wrong.words, checked.words, strict=True) if a != b]
    assert [w.text for w in changed] == ["80", "euros", "15", "mars", "2017."]
    assert all(w.probability == DOUBTED for w in changed)
    assert checked.text == wrong.text
    # Through the batch and live check, only with ``identify.verify_amounts``.
    assert verify_segment(speech_model, audio, wrong, []) == (wrong, [])
    again, found = verify_segment(speech_model, audio, wrong, [], amounts=True)
    assert again == checked
    assert [replace(v, seconds=0.0) for v in found] == [replace(v, seconds=0.0) for v in verdicts]
    # The drafter keeps a sum and a date whatever their confidence: « à vérifier ».
    draft = Drafter(dt.date(2026, 12, 3)).add_segments([checked])
    assert [(a.value, a.confidence < VERIFY_BELOW) for a in draft.amounts_eur] == [(80.0, True)]
    assert draft.dates and all(d.confidence < VERIFY_BELOW for d in draft.dates)


@pytest.mark.model
def test_values_already_unsure_are_not_checked(speech_model: SpeechModel,
                                               said: tuple[AudioArray, Segment]) -> None:
    """Under ``VERIFY_BELOW`` a value is drafted « à vérifier » anyway: no scoring."""
    audio, seg = said
    wrong = written_as(seg, "80", "15", "2017")
    found = {q.what: q for q in quantities(wrong.text, wrong.words)}
    amount = found["amount"]
    unsure = replace(wrong, words=tuple(
        replace(w, probability=0.5) if amount.first <= k <= amount.last else w
        for k, w in enumerate(wrong.words)))
    checked, verdicts = check_quantities(speech_model, audio, unsure)
    assert [v.what for v in verdicts] == ["day", "year"]
    assert checked.words[amount.first].probability == 0.5
