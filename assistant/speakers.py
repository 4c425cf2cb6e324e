"""Who said it: the agent or the usager, from the channel that carries the voice.

A stereo device or recording puts the agent's headset on one channel and the
desk microphone on the other (``capture.channels = ["agent", "usager"]``).
The speech is decoded once, from the mix-down; afterwards each segment takes
the label of the channel whose energy over the segment's time span is the
greatest by ``MARGIN_DB``. Cross-talk (the agent heard faintly in the desk
microphone) is tolerated by that margin; when the channels are nearly equal
(both spoke, or a noisy room) the label is that of the channel with more
energy over the segment's words only. Silence on every channel: None.

In batch, a segment whose words clearly change channel (Whisper joins two
turns separated by a short pause) is cut there (``label_transcript``). Live,
``ChannelLabeller`` labels the tentative words at each step and each segment
once, when it is committed: a committed label never changes.

Pure numpy: no device, no model.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from assistant.errors import InputError
from assistant.types import SAMPLE_RATE, Segment, Transcript, Word

SPEAKERS: tuple[str, ...] = ("agent", "usager", "autre")
"""The labels a channel may carry."""
MARGIN_DB = 3.0
"""A channel louder than every other by this much over a span carries it."""
SILENT_POWER = 1e-9
"""Mean power under which a span holds no voice on any channel (-90 dBFS)."""
KEEP_S = 120.0
"""Channel audio the live labeller keeps (committed segments are far younger)."""

ChannelAudio = npt.NDArray[np.float32]
"""Samples per channel, shape (channels, samples), 16 kHz."""

CHANNELS_HINT = ("Indiquez un rôle par canal, dans l'ordre des canaux : "
                 "--channels agent,usager (rôles possibles : agent, usager, autre).")


def parse_channels(value: str | Sequence[str]) -> tuple[str, ...]:
    """``"agent,usager"`` or a list of roles → the roles, checked (French InputError)."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    roles = tuple(p.strip().lower() for p in parts if p.strip())
    unknown = [r for r in roles if r not in SPEAKERS]
    if unknown:
        raise InputError(f"Rôle de canal inconnu : « {unknown[0]} ».", CHANNELS_HINT)
    if len(roles) < 2:
        raise InputError("Il faut au moins deux canaux pour savoir qui parle "
                         f"({len(roles)} indiqué).", CHANNELS_HINT)
    return roles


def mix_down(channels: ChannelAudio) -> npt.NDArray[np.float32]:
    """The mono signal the model decodes: the mean of the channels."""
    out: npt.NDArray[np.float32] = channels.mean(axis=0, dtype=np.float32)
    return out


def _powers(channels: ChannelAudio, start: float, end: float, offset_s: float) -> np.ndarray:
    lo = max(0, int((start - offset_s) * SAMPLE_RATE))
    hi = min(channels.shape[1], int(np.ceil((end - offset_s) * SAMPLE_RATE)))
    if hi <= lo:
        return np.zeros(channels.shape[0])
    span = channels[:, lo:hi].astype(np.float64)
    return np.asarray(np.mean(np.square(span), axis=1))


def _clear_winner(powers: np.ndarray, margin_db: float) -> int | None:
    """The channel louder than all others by ``margin_db``, if any."""
    if powers.size < 2 or float(powers.max()) < SILENT_POWER:
        return None
    order = np.argsort(powers)[::-1]
    top, second = float(powers[order[0]]), float(powers[order[1]])
    if second <= 0 or 10 * np.log10(top / second) >= margin_db:
        return int(order[0])
    return None


def speaker_index(channels: ChannelAudio, start: float, end: float,
                  words: Sequence[Word] = (), offset_s: float = 0.0,
                  margin_db: float = MARGIN_DB) -> int | None:
    """The channel that carries ``start``..``end`` (None: silence everywhere)."""
    powers = _powers(channels, start, end, offset_s)
    if float(powers.max(initial=0.0)) < SILENT_POWER:
        return None
    winner = _clear_winner(powers, margin_db)
    if winner is not None:
        return winner
    # Near-equal: the energy over the words alone (the pauses between them hold
    # only noise and the other side's bleed).
    if words:
        per_word = np.zeros(channels.shape[0])
        for w in words:
            per_word += _powers(channels, w.start, w.end, offset_s) * max(0.0, w.end - w.start)
        if float(per_word.max()) > 0:
            return int(np.argmax(per_word))
    return int(np.argmax(powers))


def speaker_of(channels: ChannelAudio, roles: Sequence[str], start: float, end: float,
               words: Sequence[Word] = (), offset_s: float = 0.0) -> str | None:
    """The role of the channel that carries the span (None: silence, or no such channel)."""
    if channels.ndim != 2 or channels.shape[0] < 2:
        return None
    index = speaker_index(channels, start, end, words, offset_s)
    if index is None or index >= len(roles):
        return None
    return roles[index]


def _span_channels(channels: ChannelAudio, spans: Sequence[tuple[float, float]],
                   offset_s: float) -> list[int | None]:
    """Each span's channel when it is clear; the unclear ones take the channel
    of the nearest clear span before them (else after)."""
    clear = [_clear_winner(_powers(channels, a, b, offset_s), MARGIN_DB) for a, b in spans]
    out: list[int | None] = []
    last: int | None = None
    for c in clear:
        last = c if c is not None else last
        out.append(last)
    following: int | None = None
    for i in range(len(out) - 1, -1, -1):
        if clear[i] is not None:
            following = clear[i]
        if out[i] is None:
            out[i] = following
    return out


def _continues(before: str, token: str) -> bool:
    """Whether ``token`` is the rest of the word ``before`` as Whisper times them
    apart: "D" + "'accord,", "aujourd" + "'hui", "électronique" + "?"."""
    return (token[:1] in ("'", "’", "-") or before.endswith(("'", "’"))
            or not any(ch.isalnum() for ch in token))


def _whole_words(words: Sequence[Word]) -> list[list[Word]]:
    """The timed tokens grouped into whole words, each with its punctuation: a
    turn is never cut inside one."""
    units: list[list[Word]] = []
    for w in words:
        if units and _continues(units[-1][-1].text, w.text):
            units[-1].append(w)
        else:
            units.append([w])
    return units


def _joined(words: Sequence[Word]) -> str:
    """The words' text, the pieces of one word joined again ("D" + "'accord,")."""
    out = ""
    for w in words:
        text = w.text.strip()
        glue = out.endswith(("'", "’")) or text[:1] in ("'", "’", "-", ",", ".")
        out += text if not out or glue else " " + text
    return out


def _segment_of(words: Sequence[Word], seg: Segment) -> Segment:
    return replace(seg, start=words[0].start, end=words[-1].end, text=" " + _joined(words),
                   words=tuple(words))


def split_at_turns(seg: Segment, channels: ChannelAudio, offset_s: float = 0.0) -> list[Segment]:
    """``seg`` cut where its words change channel clearly (one piece when they do
    not, or without word times). The pieces keep ``seg.id``: the caller numbers."""
    units = _whole_words(seg.words)
    if len(units) < 2:
        return [seg]
    which = _span_channels(channels, [(u[0].start, u[-1].end) for u in units], offset_s)
    pieces: list[list[Word]] = [list(units[0])]
    for prev, cur, unit in zip(which, which[1:], units[1:], strict=False):
        if cur is not None and prev is not None and cur != prev:
            pieces.append(list(unit))
        else:
            pieces[-1].extend(unit)
    if len(pieces) == 1:
        return [seg]
    out = [_segment_of(p, seg) for p in pieces]
    return [replace(out[0], start=seg.start), *out[1:-1], replace(out[-1], end=seg.end)]


def label_segments(segments: Iterable[Segment], channels: ChannelAudio, roles: Sequence[str],
                   offset_s: float = 0.0) -> list[Segment]:
    """Each segment with the role of its channel."""
    return [replace(s, speaker=speaker_of(channels, roles, s.start, s.end, s.words, offset_s))
            for s in segments]


def reattach(segments: Sequence[Segment]) -> list[Segment]:
    """The segments, each word whole: a segment that opens with the end of the word
    before it ("?" after "électronique", "'accord" after "D") gives it back."""
    out: list[Segment] = []
    for seg in segments:
        if out and out[-1].words and seg.words:
            n = 0
            while n < len(seg.words) and _continues(
                    (out[-1].words[-1] if n == 0 else seg.words[n - 1]).text, seg.words[n].text):
                n += 1
            if 0 < n < len(seg.words):
                out[-1] = replace(_segment_of((*out[-1].words, *seg.words[:n]), out[-1]),
                                  start=out[-1].start)
                seg = replace(_segment_of(seg.words[n:], seg), end=seg.end)
        out.append(seg)
    return out


def label_transcript(transcript: Transcript, channels: ChannelAudio,
                     roles: Sequence[str]) -> Transcript:
    """Batch: segments cut at changes of channel (never inside a word), labelled,
    numbered again from 0."""
    pieces = [p for s in reattach(transcript.segments) for p in split_at_turns(s, channels)]
    labelled = label_segments(pieces, channels, roles)
    numbered = tuple(replace(s, id=n) for n, s in enumerate(labelled))
    return replace(transcript, segments=numbered)


class ChannelLabeller:
    """Live: keeps the last ``KEEP_S`` of per-channel audio and labels what the
    engine commits (once) and its tentative words (at every step)."""

    def __init__(self, roles: Sequence[str], keep_s: float = KEEP_S) -> None:
        self.roles = tuple(roles)
        self.keep_s = keep_s
        self._chunks: deque[tuple[float, ChannelAudio]] = deque()

    def add(self, start_s: float, channels: ChannelAudio | None) -> None:
        if channels is None or channels.ndim != 2 or channels.shape[0] < 2:
            return
        self._chunks.append((start_s, channels))
        end_s = start_s + channels.shape[1] / SAMPLE_RATE
        while self._chunks and self._chunks[0][0] + self._chunks[0][1].shape[1] / SAMPLE_RATE \
                < end_s - self.keep_s:
            self._chunks.popleft()

    def _window(self, start: float, end: float) -> tuple[ChannelAudio, float] | None:
        parts = [(s, a) for s, a in self._chunks
                 if s < end and s + a.shape[1] / SAMPLE_RATE > start]
        if not parts:
            return None
        first = parts[0][0]
        length = round((parts[-1][0] - first) * SAMPLE_RATE) + parts[-1][1].shape[1]
        audio = np.zeros((parts[0][1].shape[0], length), dtype=np.float32)
        for s, a in parts:  # a pause leaves a gap: it stays silent
            at = round((s - first) * SAMPLE_RATE)
            audio[:, at : at + a.shape[1]] = a[:, : length - at]
        return audio, first

    def speaker(self, start: float, end: float, words: Sequence[Word] = ()) -> str | None:
        window = self._window(start, end)
        if window is None:
            return None
        audio, offset = window
        return speaker_of(audio, self.roles, start, end, words, offset)

    def label(self, seg: Segment) -> Segment:
        return replace(seg, speaker=self.speaker(seg.start, seg.end, seg.words))
