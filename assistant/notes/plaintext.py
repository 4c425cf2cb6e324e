"""Plain-text transcripts as segments: one per non-empty line, speakers from turn labels.

What ``assistant draft FICHIER`` and the TUI read from a ``.txt`` transcript (the
txt export writes « Agent : » / « Usager : » before each turn). Re-exported by
``notes.drafter``, whose ``draft_from_text`` drafts them.
"""

from __future__ import annotations

import re

from assistant.types import Segment

_TURN = re.compile(r"^(Agent|Usager|Autre) : ")
"""« Agent : » / « Usager : » before a turn, as the txt export writes it."""


def segments_from_text(text: str) -> list[Segment]:
    """A plain-text transcript as segments: one per non-empty line. A line that opens with
    « Agent : », « Usager : » or « Autre : » (the txt export of a labelled transcript) gives
    its speaker to that line and the lines after it, up to the next such line."""
    out: list[Segment] = []
    speaker: str | None = None
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        turn = _TURN.match(line)
        if turn is not None:
            speaker, line = turn.group(1).lower(), line[turn.end():].strip()
        out.append(Segment(id=len(out), start=0.0, end=0.0, text=line, speaker=speaker))
    return out
