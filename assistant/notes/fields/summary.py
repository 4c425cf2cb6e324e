"""The sentences worth quoting in the summary: the motif, the difficulty, what is done.

Sentences that speak of entitlement are never quoted: the drafter records
what was said, it does not decide who is entitled to what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.notes import lexicon as lx
from assistant.notes.fields.follow_ups import AGENT_ACTION
from assistant.notes.models import Evidence
from assistant.notes.text import Sentence, clip

SUMMARY_MAX_CHARS = 220

_SMALL_TALK = re.compile(
    r"^(?:(?:bonjour|bonsoir|oui|non|d'accord|alors|merci|tres bien|parfait|ok|euh|bien sur"
    r"|je vois|je regarde)(?: madame| monsieur)?[,.!]?\s+)+"
)


@dataclass(slots=True)
class Candidate:
    """A sentence that may be quoted: how much it says, where, and its quote."""

    score: float
    index: int
    text: str
    evidence: Evidence


def candidate(s: Sentence, original: str) -> Candidate | None:
    """``s`` as a summary candidate (``original``: the segment's text), or None
    when it says nothing worth quoting."""
    text = s.text
    if s.question or len(text) < 25 or lx.ENTITLEMENT.search(text):
        return None
    cues = lx.cue_text(text)
    score = 0.0
    for cue in lx.REASONS:
        if cue.pattern.search(cues):
            score += cue.weight
    for ccue in lx.COMPLEX:
        if ccue.pattern.search(cues):
            score += ccue.weight
    if AGENT_ACTION.search(cues):
        score += 1.0
    if score <= 0:
        return None
    if s.index < 3:
        score += 2.0
    # Quoted without the small talk that opens it ("Bonjour, ", "D'accord, ").
    cut = _SMALL_TALK.match(text)
    skip = cut.end() if cut and cut.end() < len(text) else 0
    a, b = s.mapped.span(s.offset + skip, s.offset + len(text))
    quote = original[a:b]
    shown = quote[:1].upper() + quote[1:]
    return Candidate(score, s.index, clip(shown, SUMMARY_MAX_CHARS),
                     Evidence(segment_id=s.segment_id, start=a, end=b, quote=quote))
