"""The commit policy: which words of a pass settle now, and why (pure).

After each pass inside an utterance the engine (``streaming.engine``) hands
the policy one frozen ``PassView`` (the pass's new words, how many of them
the previous pass agreed on, where the stream and the buffer stand) and gets
back a ``CommitDecision``: how many leading words to commit and the reason,
which travels with the committed segment (``TranscriptUpdate.reasons``).
Before a pass, ``deadline_due`` says whether a word has waited so long that
the pass must run now (a deadline pass, at the final beam). No state, no clock: times are
stream seconds. docs/streaming.md has the measurements behind each rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.streaming.config import EngineConfig
from assistant.streaming.hypotheses import is_number
from assistant.streaming.ledger import CommitReason
from assistant.types import Word

SENTENCE_END = re.compile(r"[.!?…]$")

SKIPPED_SPEECH_S = 1.0
"""Speech before a hypothesis's first word beyond which the pass is taken to
have skipped it (Whisper does, now and then, after a prompt)."""


@dataclass(frozen=True, slots=True)
class PassView:
    """What the policy sees of one pass inside an utterance."""

    words: tuple[Word, ...]
    """The pass's words after the committed text."""
    agreed: int
    """Leading ``words`` the previous pass(es) agree on (LocalAgreement)."""
    stream_end_s: float
    uncommitted_s: float
    """Audio since the committed end (or the buffer start)."""
    buffer_s: float
    skipped_speech_s: float
    """VAD speech before the first word (a pass that skipped the buffer start)."""
    echo: bool = False
    """The pass begins by repeating committed text (its prompt): nothing is
    committed by deadline from it."""
    due_before_s: float = 0.0
    """Words ending before this must be committed by this pass to stay within
    ``deadline_s`` (the engine's pass estimate counted)."""
    deadline: bool = False
    """A deadline pass: decoded at the final beam because a word reached
    ``deadline_s`` (or would before the next step)."""


@dataclass(frozen=True, slots=True)
class CommitDecision:
    n: int
    """Leading words of the pass to commit."""
    reason: CommitReason | None
    """Why (None when nothing is committed)."""


def deadline_due(tentative: tuple[Word, ...], stream_end_s: float, cfg: EngineConfig) -> bool:
    """Whether an uncommitted word ended ``deadline_s`` or more ago."""
    return (cfg.endpoint_commit and cfg.deadline_s > 0 and bool(tentative)
            and tentative[0].end <= stream_end_s - cfg.deadline_s)


def decide(view: PassView, cfg: EngineConfig) -> CommitDecision:
    """Inside an utterance: commit agreed words only once the buffer is long
    (short utterances are committed whole at their end, from a pass that saw
    all of them), at an agreed sentence end, never the last ``tail_guard_s``;
    past ``commit_after_s``, agreed words older than ``max_delay_s`` whatever
    the sentence; with ``deadline_s``, a deadline pass commits up to
    ``deadline_context_s`` before the newest audio, agreed or not; at
    ``max_buffer_s``, older words go by force."""
    current = view.words
    end_s = view.stream_end_s
    long_enough = view.uncommitted_s >= cfg.commit_after_s
    n = view.agreed if long_enough else 0
    horizon = end_s - cfg.tail_guard_s
    while n > 0 and current[n - 1].end > horizon:
        n -= 1
    if cfg.endpoint_commit and view.buffer_s < cfg.max_buffer_s:
        # Commit at an agreed sentence end: the buffer may be cut there, and
        # Whisper decodes a buffer that starts mid-sentence much worse.
        while n > 0 and not SENTENCE_END.search(current[n - 1].text):
            n -= 1
    reason: CommitReason | None = "sentence" if n else None
    if cfg.endpoint_commit and long_enough:
        # Past commit_after_s of uncommitted speech, old agreed words settle
        # whatever the sentence (not sooner: committing inside shorter turns
        # cost 1.3 to 2.3 points of WER on the appointments, docs/streaming.md).
        old = ended_before(current[: view.agreed], end_s - cfg.max_delay_s)
        if old > n:
            n, reason = old, "agreed_age"
    if view.deadline and cfg.deadline_s > 0 and not view.echo:
        # A word waited deadline_s: this final-beam pass commits what it heard
        # with enough right context, agreed or not, never ending on a number
        # or inside a word.
        k = deadline_boundary(current, ended_before(current, end_s - cfg.deadline_context_s))
        if cfg.deadline_at_pause:
            k = pause_boundary(current, ended_before(current, view.due_before_s), k)
        if k > n:
            n, reason = k, "deadline"
    if n and view.skipped_speech_s > SKIPPED_SPEECH_S:
        n, reason = 0, None  # the pass skipped the start of the buffer: cutting would lose it
    if view.buffer_s >= cfg.max_buffer_s:
        # No agreement while the buffer keeps growing: commit its older words anyway.
        forced = n
        while forced < len(current) and current[forced].end <= horizon:
            forced += 1
        if forced > n:
            n, reason = forced, "buffer_bound"
    return CommitDecision(n, reason)


def ended_before(words: tuple[Word, ...], limit_s: float) -> int:
    """How many leading ``words`` end before ``limit_s``."""
    n = 0
    while n < len(words) and words[n].end <= limit_s:
        n += 1
    return n


_GLUED = ("'", "’", "-")


def deadline_boundary(words: tuple[Word, ...], n: int) -> int:
    """``n`` without a trailing run of numbers (a number may still be growing:
    "35 17" then "35 17 804"), and never between a word and the piece
    faster-whisper split off it ("d" + "'assumer", "revenez" + "-vous")."""
    while n > 0 and (is_number(words[n - 1]) or (
            n < len(words) and words[n].text.startswith(_GLUED))):
        n -= 1
    return n


def pause_boundary(words: tuple[Word, ...], least: int, most: int) -> int:
    """Among the boundaries ``least``..``most`` that ``deadline_boundary``
    allows, the one at the widest gap between two words (the latest of equal
    ones): ``most`` when ``least`` is past it."""
    best, best_gap = most, -1.0
    for k in range(max(1, least), most + 1):
        if deadline_boundary(words, k) != k:
            continue
        gap = words[k].start - words[k - 1].end if k < len(words) else 0.0
        if gap >= best_gap - 0.02:
            best, best_gap = k, max(gap, best_gap)
    return best
