"""What the drafter keeps between segments, and how it becomes drafted values.

The running stores of ``notes.drafter.Drafter``: ``Tally`` (evidence adding up for
a code: a body, a motif, a complex situation), ``Item`` (one value of a list field
with where it was said), ``Tail`` (an unfinished sentence carried over segments);
and what turns them into the ``Drafted`` values of a draft (``ListFields`` keeps
those of the list fields between updates). Internal to the drafter: public names
only because they cross modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.notes import lexicon as lx
from assistant.notes.models import (
    DocumentKind,
    Drafted,
    Evidence,
    Identifier,
    IdentifierKind,
    Organization,
    Reason,
)
from assistant.notes.text import Sentence

ORG_THRESHOLD = 1.0
COMPLEX_THRESHOLD = 2.0
REASON_MIN_SCORE = 1.0
"""Below this, no motif was clearly said: the reason is AUTRE."""


@dataclass(slots=True)
class Tally:
    """Running evidence for one code."""

    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    first: int = 1 << 30

    top: float = 0.0

    def add(self, weight: float, ev: Evidence, index: int) -> None:
        self.score += weight
        if weight > self.top:  # the strongest words first: what the agent checks
            self.top = weight
            self.evidence.insert(0, ev)
            del self.evidence[4:]
        elif len(self.evidence) < 4:
            self.evidence.append(ev)
        self.first = min(self.first, index)


@dataclass(slots=True)
class Item:
    """One value of a list field, with where it was said."""

    evidence: list[Evidence]
    confidence: float
    sentence: int


@dataclass(frozen=True, slots=True)
class Tail:
    """An unfinished sentence over one or more segments: the pieces of their original texts,
    joined by spaces into ``virtual``; ``parts``: (segment id, start in ``virtual``, start in
    the segment, length)."""

    parts: tuple[tuple[int, int, int, int], ...]
    virtual: str
    speaker: str | None = None
    """Who said it, when every piece was said by the same known speaker."""

    @classmethod
    def of(cls, s: Sentence, original: str, speaker: str | None) -> Tail:
        a, b = s.mapped.span(s.offset, s.offset + len(s.text))
        return cls(((s.segment_id, 0, a, b - a),), original[a:b], speaker)


def cues_in(text: str) -> tuple[IdentifierKind, ...]:
    """The identifier kinds a sentence's working text names (« votre numéro allocataire »)."""
    return tuple(dict.fromkeys(c.code for c in lx.IDENTIFIER_CUES if c.pattern.search(text)))


def drafted_organizations(orgs: Mapping[Organization, Tally]) -> list[Drafted[Organization]]:
    """The bodies clearly named, in the order they were first heard."""
    return [
        Drafted[Organization](value=code, evidence=tuple(t.evidence),
                              confidence=min(0.95, 0.5 + 0.15 * t.score))
        for code, t in sorted(orgs.items(), key=lambda kv: kv[1].first)
        if t.score >= ORG_THRESHOLD
    ]


def drafted_reason(reasons: Mapping[Reason, Tally]) -> Drafted[Reason]:
    """The motif with the most weight (the first heard among equals), else AUTRE."""
    if not reasons:
        return Drafted[Reason](value=Reason.AUTRE, confidence=0.3)
    ranked = sorted(reasons.items(), key=lambda kv: (-kv[1].score, kv[1].first))
    code, tally = ranked[0]
    if tally.score < REASON_MIN_SCORE:
        return Drafted[Reason](value=Reason.AUTRE, confidence=0.3)
    total = sum(t.score for t in reasons.values())
    return Drafted[Reason](value=code, evidence=tuple(tally.evidence),
                           confidence=round(min(0.95, tally.score / total), 3))


def drafted_complex(tally: Tally) -> Drafted[bool]:
    """Whether the situation is complex, surer the further the score is from the line."""
    return Drafted[bool](
        value=tally.score >= COMPLEX_THRESHOLD,
        evidence=tuple(tally.evidence),
        confidence=min(0.95, 0.5 + 0.1 * abs(tally.score - COMPLEX_THRESHOLD + 0.5)),
    )


def to_ask_again(unread: Mapping[IdentifierKind, Item],
                 ids: Mapping[tuple[IdentifierKind, str], Item]
                 ) -> tuple[Drafted[IdentifierKind], ...]:
    """The kinds heard but not drafted (``unread``), unless a value of that kind was
    drafted since (said again, or read at last)."""
    out = []
    for kind, item in unread.items():
        if any(k == kind and i.sentence >= item.sentence for (k, _v), i in ids.items()):
            continue
        out.append(Drafted[IdentifierKind](value=kind, evidence=tuple(item.evidence),
                                           confidence=round(item.confidence, 3)))
    return tuple(out)


class ListFields:
    """The drafted values of the list fields (papers, identifiers, amounts, dates), kept
    between updates: an update costs the new values, not the whole session's."""

    def __init__(self) -> None:
        self._built: dict[tuple[str, object], tuple[tuple[int, float], Drafted[Any]]] = {}

    def items(self, kind: str, items: Mapping[Any, Item],
              make: Callable[[Any, Item], Drafted[Any]]) -> tuple[Drafted[Any], ...]:
        """Drafted values of a list field, reusing those that did not change."""
        out = []
        for key, item in items.items():
            sig = (len(item.evidence), item.confidence)
            cached = self._built.get((kind, key))
            if cached is None or cached[0] != sig:
                cached = (sig, make(key, item))
                self._built[(kind, key)] = cached
            out.append(cached[1])
        return tuple(out)


def drafted_document(key: DocumentKind, i: Item) -> Drafted[DocumentKind]:
    return Drafted[DocumentKind](value=key, evidence=tuple(i.evidence), confidence=i.confidence)


def drafted_identifier(key: tuple[IdentifierKind, str], i: Item) -> Drafted[Identifier]:
    return Drafted[Identifier](value=Identifier(kind=key[0], value=key[1]),
                               evidence=tuple(i.evidence), confidence=i.confidence)


def drafted_amount(key: float, i: Item) -> Drafted[float]:
    return Drafted[float](value=key, evidence=tuple(i.evidence), confidence=i.confidence)


def drafted_date(key: dt.date, i: Item) -> Drafted[dt.date]:
    return Drafted[dt.date](value=key, evidence=tuple(i.evidence), confidence=i.confidence)
