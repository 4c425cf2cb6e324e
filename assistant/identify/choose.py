"""From the n best readings of a number to one value and a confidence (pure).

A check key alone is no proof: a NIR key passes one random number in 97. So
the value kept is the one the readings agree on: each reading votes with its
probability (the softmax of the hypotheses' log probabilities), for the first
valid value it makes; an independent plain reading of the same audio votes
too; the confidence is the share of the whole vote that value won. The caller
decides what a confidence allows (keep, « à vérifier », drop); nothing here
invents a value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.identify.kinds import RULES, grouped
from assistant.identify.neighbours import Candidate
from assistant.identify.spoken import heard_groups, values_for
from assistant.notes.models import DROP_BELOW, IdentifierKind

K = IdentifierKind

PLAIN_WEIGHT = 0.5
"""The vote of an independent plain reading of the same audio, against 1 for
all the constrained readings together."""
SAID_WEIGHT = 1.0
"""The vote of the readings and their neighbours scored in French words
against the audio (``neighbours``), against 1 for the constrained readings."""
SAID_TEMPERATURE = 2.0
"""Their scores (sums of token log probabilities) are shared out as
``softmax(score / SAID_TEMPERATURE)``: a candidate 2 nats behind the best gets
e^-1 of its weight."""


@dataclass(frozen=True, slots=True)
class Scored:
    """A reading of the number and its log probability."""

    text: str
    logprob: float


@dataclass(frozen=True, slots=True)
class Reading:
    """What was read of one identifier: the value, or why there is none."""

    kind: IdentifierKind
    value: str | None
    """The normal form (``kinds.check``), or ``None`` when nothing valid was heard."""
    confidence: float
    """0..1: the share of the readings' vote the value won (0 without a value)."""
    heard: str
    """The best reading as written by the recogniser, for the agent to see."""
    groups: tuple[str, ...]
    """The value in its reading-back groups, or the groups heard when there is no value."""
    shares: tuple[tuple[str, float], ...] = ()
    """Every valid value the readings made, with its share of the vote."""

    def share(self, value: str | None) -> float:
        """The share of the vote ``value`` won (0 for a value no reading made)."""
        return next((s for v, s in self.shares if v == value), 0.0)

    @property
    def valid(self) -> bool:
        return self.value is not None


_LOOP_DIGITS = re.compile(r"(\d)\1{5}")


def loops(groups: Sequence[str]) -> bool:
    """Whether ``groups`` look like a decoding loop rather than a number said:
    six identical digits in a row, or one group four times in a row."""
    if _LOOP_DIGITS.search("".join(g for g in groups if g.isdigit())):
        return True
    return any(len(set(groups[i:i + 4])) == 1 for i in range(len(groups) - 3))


def letters_mode(kind: IdentifierKind) -> tuple[bool, bool]:
    """(letters count, letter names count anywhere) for ``kind``."""
    rule = RULES.get(kind)
    letters = rule is not None and rule.letters > 0
    return letters, kind is K.IMMATRICULATION


def choose(kind: IdentifierKind, readings: Sequence[Scored],
           plain: Sequence[str] = (), said: Sequence[tuple[Candidate, float]] = ()) -> Reading:
    """The value ``readings`` (the n best of a constrained decoding) agree on.

    ``plain``: texts of independent readings (the ordinary transcript of the
    same audio), each voting ``PLAIN_WEIGHT`` for the first value it makes.
    ``said``: candidates written in French words with their scores against
    the audio (``neighbours.candidates``, ``asr_constrained.score_texts``):
    together they vote ``SAID_WEIGHT``, shared by the softmax of their
    scores; a candidate that makes no value keeps its share from every value.
    """
    letters, spelt = letters_mode(kind)
    decodings = [list(readings)] if readings else []
    if not decodings:
        return Reading(kind, None, 0.0, "", ())
    votes: dict[str, float] = {}
    first_seen: list[str] = []

    def vote(value: str, weight: float) -> None:
        votes[value] = votes.get(value, 0.0) + weight
        if value not in first_seen:
            first_seen.append(value)

    for decoding in decodings:
        top = max(r.logprob for r in decoding)
        weights = [math.exp(r.logprob - top) for r in decoding]
        total = sum(weights)
        for r, w in zip(decoding, weights, strict=True):
            heard = heard_groups(r.text, letters, spelt)
            if loops(heard.groups):
                continue
            values = values_for(kind, heard)
            if values:
                vote(values[0], w / total)
    for text in plain:
        values = values_for(kind, heard_groups(text, letters, spelt))
        if values:
            vote(values[0], PLAIN_WEIGHT)
    if said:
        top = max(score for _, score in said)
        weights = [math.exp((score - top) / SAID_TEMPERATURE) for _, score in said]
        total = sum(weights)
        for (candidate, _), w in zip(said, weights, strict=True):
            if candidate.value is not None and not loops(candidate.groups):
                vote(candidate.value, SAID_WEIGHT * w / total)
    best_text = decodings[0][0].text
    if not votes:
        heard = heard_groups(best_text, letters, spelt)
        return Reading(kind, None, 0.0, best_text, heard.groups)
    whole = len(decodings) + PLAIN_WEIGHT * len(plain) + (SAID_WEIGHT if said else 0.0)
    shares = tuple((v, round(votes[v] / whole, 3)) for v in first_seen)
    value = max(first_seen, key=lambda v: votes[v])
    return Reading(kind, value, round(votes[value] / whole, 3), best_text,
                   tuple(grouped(kind, value)), shares)


def backed(reading: Reading) -> Reading:
    """``reading`` without its value when the readings back it less than
    ``DROP_BELOW`` (what the drafter does not draft is not offered either):
    the groups heard stay, for the agent to have the number said again."""
    if reading.value is None or reading.confidence >= DROP_BELOW:
        return reading
    return withheld(reading)


def withheld(reading: Reading) -> Reading:
    """``reading`` without its value: the groups heard stay, for the agent to
    have the number said again."""
    letters, spelt = letters_mode(reading.kind)
    return replace(reading, value=None, confidence=0.0,
                   groups=heard_groups(reading.heard, letters, spelt).groups)
