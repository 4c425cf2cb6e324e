"""The bodies named, the motif of the visit, a referral, signs of a complex case.

These fields are tallies over the whole session: each sentence adds weighted
hits, the drafter sums them (``Drafter._orgs``, ``_reasons``, ``_complex``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from assistant.notes import lexicon as lx
from assistant.notes.models import Organization, Reason
from assistant.notes.text import Sentence

C = TypeVar("C")

THIRD_PARTY_REASON = 0.2
"""What a motif said in someone else's story counts (of its weight)."""
ORG_REASON_WEIGHT = 1.0
"""What naming a body adds to the motif it usually stands for (CAF: prestations)."""


@dataclass(frozen=True, slots=True)
class Hit(Generic[C]):
    """``code`` said at ``[start, end)`` of a sentence's working text, counting ``weight``."""

    code: C
    start: int
    end: int
    weight: float


def alternatives_only(s: Sentence) -> bool:
    """"ameli, impots.gouv ou la CAF ?": bodies merely named as alternatives."""
    text = lx.cue_text(s.text)
    return s.question and bool(lx.QUESTION_ALTERNATIVE.search(text)) and len(
        {c.code for c in lx.ORGANIZATIONS if c.weight >= 1.0 and c.pattern.search(text)}
    ) >= 2


def organizations(s: Sentence) -> list[tuple[Hit[Organization], Hit[Reason] | None]]:
    """Each body named in ``s``, and the motif it stands for when named outright."""
    text = lx.cue_text(s.text)
    hits = []
    for cue in lx.ORGANIZATIONS:
        for m in cue.pattern.finditer(text):
            if cue.weight >= 1.0 and lx.NEGATION_BEFORE.search(text[: m.start()]):
                continue
            # A body named as a landmark ("en face de la mairie") barely counts.
            landmark = 0.3 if lx.LANDMARK_BEFORE.search(text[: m.start()]) else 1.0
            hits.append((cue.code, m, cue.weight * landmark))
    if not hits:
        return []
    # Someone else's story ("ma sœur a eu des problèmes avec la CAF") barely counts.
    third_party = 0.3 if lx.THIRD_PARTY.search(text) or lx.SIDE_ADVICE.search(text) else 1.0
    out: list[tuple[Hit[Organization], Hit[Reason] | None]] = []
    for code, m, weight in hits:
        w = weight * (0.7 if s.question else 1.0) * third_party
        prior = lx.ORG_REASON.get(code)
        motif = None
        if prior is not None and weight >= 1.0:
            motif = Hit(prior, m.start(), m.end(), ORG_REASON_WEIGHT * third_party)
        out.append((Hit(code, m.start(), m.end(), w), motif))
    return out


def reasons(s: Sentence) -> list[Hit[Reason]]:
    """The motifs said in ``s``; they count double in the first sentences (not the weak
    cues: "les enfants sont à l'école" alone is no motif), and barely in someone
    else's story ("mon collègue est parti à la retraite")."""
    text = lx.cue_text(s.text)
    early = s.index < 4
    third_party = THIRD_PARTY_REASON if lx.THIRD_PARTY.search(text) else 1.0
    out = []
    for cue in lx.REASONS:
        m = cue.pattern.search(text)
        if m:
            position = 2.0 if early and cue.weight >= 1.0 else 1.0
            out.append(Hit(cue.code, m.start(), m.end(), cue.weight * position * third_party))
    return out


def complexity(s: Sentence) -> list[Hit[bool]]:
    """Signs of a complex situation in ``s`` (not negated just before)."""
    text = lx.cue_text(s.text)
    out = []
    for cue in lx.COMPLEX:
        m = cue.pattern.search(text)
        if m and not lx.COMPLEX_NEGATED.search(text[max(0, m.start() - 25) : m.start()]):
            out.append(Hit(cue.code, m.start(), m.end(), cue.weight))
    return out


def referral(s: Sentence) -> tuple[Organization, int, int] | None:
    """The body ``s`` sends the person to, and the span of the referral and the body."""
    text = lx.cue_text(s.text)
    m = lx.REFERRAL.search(text)
    if not m:
        return None
    # The body named right after the cue ("je vous oriente vers la mission locale"),
    # else the last one named before it ("... au CCAS, je vous donne leurs coordonnées").
    after: tuple[int, Organization, int] | None = None
    before: tuple[int, Organization, int] | None = None
    for cue in lx.ORGANIZATIONS:
        if cue.weight < 1.0:
            continue
        for o in cue.pattern.finditer(text):
            if o.start() >= m.end():
                if after is None or o.start() < after[0]:
                    after = (o.start(), cue.code, o.end())
            elif o.end() <= m.start() and (before is None or o.start() > before[0]):
                before = (o.start(), cue.code, o.end())
    chosen = after or before
    if chosen is None:
        return None
    o_start, code, o_end = chosen
    return code, min(m.start(), o_start), max(m.end(), o_end)
