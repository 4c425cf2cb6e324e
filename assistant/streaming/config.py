"""The streaming engine's knobs (``assistant.settings.StreamingSettings`` maps here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Knobs of the commit policy (``assistant.settings.StreamingSettings`` maps here)."""

    min_step_s: float = 1.0
    """Least new audio between two passes while someone speaks."""
    first_step_s: float = 0.5
    """Speech needed before the first pass of an utterance (first tentative text)."""
    max_buffer_s: float = 15.0
    """Buffer length that forces a commit of its oldest words and a cut."""
    vad_threshold: float = 0.5
    """Speech probability above which a window is speech."""
    vad_neg_threshold: float = 0.35
    """Probability below which a window counts as silence (hysteresis)."""
    endpoint_s: float = 0.45
    """Silence after speech that ends an utterance (and commits it)."""
    pre_endpoint_s: float = 0.12
    """Silence after which the pass that will serve the endpoint commit starts."""
    speech_pad_s: float = 0.3
    """Audio kept before speech starts and after it ends."""
    agreement: int = 2
    """Hypotheses that must agree before words inside an utterance are committed."""
    prompt_chars: int = 200
    """Committed text carried into the prompt."""
    base_prompt: str | None = None
    """Fixed prompt put before the committed text (counter vocabulary)."""
    endpoint_commit: bool = True
    """Commit an utterance whole when voice activity ends. False gives the plain
    LocalAgreement baseline (passes go on every step until two agree)."""
    commit_after_s: float = 6.0
    """Buffer length before words are committed inside an utterance (LocalAgreement)."""
    context_s: float = 0.0
    """Audio of the previous (committed) utterance kept before the next one, so
    that a short turn is decoded with what was said before it."""
    keep_context_s: float = 12.0
    """After a commit inside an utterance, the buffer is cut only once it is
    this long: until then the committed audio stays as context (the end of
    the utterance is decoded better with its beginning)."""
    tail_guard_s: float = 0.8
    """Words ending this close to the buffer end are never committed by agreement."""
    max_delay_s: float = 3.0
    """Once the buffer holds ``commit_after_s`` of uncommitted speech, agreed
    words that ended this long before the newest audio are committed at the
    next pass even in the middle of a sentence: in a long turn without a full
    stop, text settles as it goes instead of at the ``max_buffer_s`` bound.
    (Words the passes do not agree on wait for the end of the utterance or for
    ``max_buffer_s``: committing them by age committed a number twice, once in
    groups and once glued, when the passes flipped between the two.)"""
    deadline_s: float = 0.0
    """The delay bound (0: off). A word still uncommitted this long after it
    ended, less the caller's estimate of a pass (``process(pass_s=...)``),
    makes the next pass due at once (whatever the step) and at the final
    beam, and that pass commits its words up to
    ``deadline_context_s`` before the newest audio, agreed by two passes or
    not, mid-sentence if need be, from ``deadline_s`` of talking on (no
    ``commit_after_s`` gate). The commit never ends on a number (it may still
    be growing), and later passes are re-aligned on the committed text with
    number groups glued ("35 17 804" = "3517804"), so a flip between the two
    cannot commit a number twice."""
    deadline_final_beam: bool = True
    """Deadline passes decode at the final beam (False: at the tentative beam,
    cheaper: the pass must land within the bound)."""
    deadline_at_pause: bool = False
    """A deadline commit ends at the widest gap between words among the
    boundaries it may use (from the words that must go now to those with
    ``deadline_context_s`` of right context), not at the last one: a
    boundary in a pause is one the next pass will not write differently."""
    deadline_context_s: float = 1.5
    """Audio after its last word that a deadline commit leaves uncommitted
    (the committed words were decoded with at least this much right context)."""
    prompt_before_buffer: bool = False
    """The prompt carries only committed text whose audio has left the buffer
    (otherwise Whisper, told the words it is about to hear, skips their
    audio and times what follows badly)."""
    deadline_min_step_s: float = 0.3
    """Least new audio between two deadline passes (one that could commit
    nothing is not repeated on every block)."""
