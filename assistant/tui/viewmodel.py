"""Small pure helpers that turn values into what the screen shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from assistant.errors import AssistantError
from assistant.identify.kinds import HIDDEN_ON_SCREEN
from assistant.privacy import LABELS_FR, MaskKind, find_identifiers, mask_identifier
from assistant.tui import strings as S

if TYPE_CHECKING:
    from assistant.streaming.events import AudioLevel

SCREEN_MASKED = frozenset({MaskKind(k.value) for k in HIDDEN_ON_SCREEN} | {MaskKind.NUMERO})
"""What the screen hides until the agent reveals it: social security numbers,
IBANs (``identify.kinds.HIDDEN_ON_SCREEN``), and long numbers that may be one
of them misheard."""
KEEP_LAST = 3


def error_text(error: BaseException) -> str:
    """What the agent is told of a failure: one of ours says itself (in French,
    with its way out); anything else is named as unexpected."""
    if isinstance(error, AssistantError):
        return str(error)
    return S.WORKER_FAILED.format(kind=type(error).__name__, error=error)


def worker_failure(error: BaseException | None) -> str:
    """What the agent is told when a background task failed unexpectedly."""
    return (S.WORKER_FAILED.format(kind=type(error).__name__, error=error)
            + f"\n  → {S.WORKER_FAILED_HINT}")


def format_clock(seconds: float) -> str:
    """``75.4`` -> ``"01:15"``; an hour or more -> ``"1:01:15"``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def level_fraction(level: AudioLevel, floor_dbfs: float = -60.0) -> float:
    """A level meter position in [0, 1]: -60 dBFS (or less) is 0, 0 dBFS is 1."""
    if level.peak <= 0.0:
        return 0.0
    db = 20.0 * math.log10(max(level.peak, 1e-9))
    return max(0.0, min(1.0, 1.0 - db / floor_dbfs))


def french_date(iso: str) -> str:
    """``"2026-12-15"`` -> ``"15/12/2026"`` (anything else unchanged)."""
    parts = iso.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    return iso


def display_value(field: str, value: str) -> str:
    """A value in the panel's text form, as the agent reads it (French labels)."""
    from assistant.tui import strings as S

    if field == "reason":
        return S.REASON_LABELS.get(value, value)
    if field == "documents_requested":
        return S.DOCUMENT_LABELS.get(value, value)
    if field == "dates":
        return french_date(value)
    if field == "amounts_eur":
        return f"{value.replace('.', ',')} €"
    if field == "identifiers":
        kind, _, raw = value.partition(" ")
        return f"{S.IDENTIFIER_LABELS.get(kind, kind)} {raw}"
    if field == "follow_ups":
        who, _, rest = value.partition(" : ")
        action, due = rest, ""
        head, sep, tail = rest.rpartition(" : ")
        if sep and len(tail) == 10 and tail[4] == "-":
            action, due = head, S.FOLLOW_UP_DUE.format(due=french_date(tail))
        return S.FOLLOW_UP_LINE.format(who=S.WHO_LABELS.get(who, who), action=action) + due
    return value


def mask_identifier_text(value: str) -> str:
    """``"NIR 185057800608491"`` -> ``"NIR [NIR masqué …491]"``."""
    kind, _, raw = value.partition(" ")
    return f"{kind} {mask_identifier(kind, raw, KEEP_LAST)}"


def sensitive_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every span the screen masks in ``text``."""
    out = []
    for found in find_identifiers(text):
        if found.kind in SCREEN_MASKED:
            keep = str.isalnum if found.kind is MaskKind.IBAN else str.isdigit
            tail = "".join(c for c in text[found.start:found.end] if keep(c))[-KEEP_LAST:]
            out.append((found.start, found.end, f"[{LABELS_FR[found.kind]} …{tail}]"))
    return out


def has_sensitive(text: str) -> bool:
    return bool(sensitive_spans(text))


def masked_text(text: str) -> str:
    return render_text(text, (), masked=True).plain


def render_text(text: str, highlights: Sequence[tuple[int, int]], *, masked: bool,
                style: str = "") -> Text:
    """``text`` with ``highlights`` (character spans) in reverse video, and its
    sensitive spans replaced by their label when ``masked``."""
    out = Text(style=style)
    cuts = sensitive_spans(text) if masked else []
    pos = 0
    pieces: list[tuple[int, int, str | None]] = []
    for cut_start, cut_end, cut_label in cuts:
        if cut_start > pos:
            pieces.append((pos, cut_start, None))
        pieces.append((cut_start, cut_end, cut_label))
        pos = cut_end
    if pos < len(text):
        pieces.append((pos, len(text), None))
    for start, end, label in pieces:
        lit = any(a < end and b > start for a, b in highlights)
        if label is not None:
            out.append(label, style="bold magenta" + (" reverse" if lit else ""))
            continue
        piece = Text(text[start:end])
        for a, b in highlights:
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                piece.stylize("bold reverse", lo - start, hi - start)
        out.append_text(piece)
    return out
