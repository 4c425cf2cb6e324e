"""Small pure helpers that turn values into what the screen shows."""

from __future__ import annotations

import math

from assistant.streaming.events import AudioLevel


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


def mask_value(value: str) -> str:
    """Mask an identifier shown as ``"KIND digits"``: all but the last 3 characters."""
    kind, _, raw = value.partition(" ")
    if not raw:
        kind, raw = "", value
    hidden = "•" * max(0, len(raw) - 3) + raw[-3:]
    return f"{kind} {hidden}".strip()
