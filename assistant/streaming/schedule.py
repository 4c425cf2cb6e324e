"""When the next pass runs: whether one is due now, at which beam, and why (pure).

Inside an utterance, once the endpoints are committed, the engine
(``streaming.engine``) hands the schedule one frozen ``ScheduleView`` (the
VAD gate's silence and speech times, where the stream, the last pass and the
committed text stand, the tentative words) and gets back a ``PassPlan``: is
a pass due, does it run at the final beam (its words are about to be
committed), is it a deadline pass (a word reached ``deadline_s``). Apart
from the engine, as ``streaming.policy`` decides what a pass commits, so
that the timing rules of the commit policy (its points 1, 2, 5 and 6 in the
engine's docstring) read in one place and can be tested without audio. No
state, no clock: times are stream seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.streaming.config import EngineConfig
from assistant.streaming.policy import deadline_due
from assistant.types import Word


@dataclass(frozen=True, slots=True)
class ScheduleView:
    """What the schedule sees while someone speaks (endpoints already committed)."""

    stream_end_s: float
    """Stream time of the newest audio."""
    silence_s: float
    """Silence since speech last ended (0 while voice is active)."""
    speech_end_s: float
    """End of the last speech window."""
    utterance_start_s: float
    """First speech window of the current utterance."""
    last_pass_end_s: float
    """``stream_end_s`` when the last pass ran."""
    heard_until_s: float | None
    """Where the audio of the last hypothesis ends; None when there is none
    (no pass yet in this stretch of buffer)."""
    tentative: tuple[Word, ...]
    """Words left uncommitted by the last pass."""
    boundary_s: float
    """Where new (uncommitted) audio starts in the buffer."""
    min_step_s: float
    """Least new audio between two passes (the config's, widened by the caller)."""
    ready_s: float
    """Stream time by which this pass's words will be committed (the caller's
    estimate of a pass counted)."""


@dataclass(frozen=True, slots=True)
class PassPlan:
    due: bool
    """Run a pass now."""
    final: bool
    """At the final beam: its words are about to be committed."""
    deadline: bool
    """A deadline pass: a word reached ``deadline_s`` (or will before the next
    step), so the pass commits what it heard, agreed or not."""


def plan(view: ScheduleView, cfg: EngineConfig) -> PassPlan:
    """Once the silence reaches ``pre_endpoint_s``, a final-beam pass serves
    the coming endpoint commit unless the last one already heard the speech;
    while a pause has begun but is shorter, nothing (it may be the end);
    inside speech, a pass every ``min_step_s``, or at once for a word at its
    deadline (at the final beam, as for words old enough to be committed by
    age); before the utterance's first pass, once ``first_step_s`` of speech
    is in."""
    due = final = deadline = False
    if view.silence_s >= cfg.pre_endpoint_s:
        # Probably the end: this pass will serve the endpoint commit.
        due = not _covers(view, view.speech_end_s)
        final = True
        # Words that would pass deadline_s before the endpoint commit go now.
        deadline = deadline_due(view.tentative, view.ready_s + max(
            0.0, cfg.endpoint_s - view.silence_s), cfg)
    elif view.silence_s > 0:
        # A pause has begun: wait to see whether it is the end rather than
        # start a pass that would delay the endpoint commit.
        due = False
    elif view.heard_until_s is not None:
        since_pass_s = view.stream_end_s - view.last_pass_end_s
        due = since_pass_s >= view.min_step_s
        # A word reaching deadline_s runs its pass at once; a pass due anyway
        # serves it if the word would be overdue by the next step.
        deadline = (deadline_due(view.tentative, view.ready_s, cfg)
                    and since_pass_s >= cfg.deadline_min_step_s) or (
            due and deadline_due(view.tentative, view.ready_s + view.min_step_s, cfg))
        due = due or deadline
        # Words old enough to be committed by age come from a pass at the
        # final beam, as an utterance's words do at its end.
        aged = bool(view.tentative) and view.tentative[0].end <= (
            view.stream_end_s - cfg.max_delay_s) and (
            view.stream_end_s - view.boundary_s >= cfg.commit_after_s)
        final = (deadline and cfg.deadline_final_beam) or aged
    else:
        due = view.speech_end_s - view.utterance_start_s >= cfg.first_step_s
    return PassPlan(due, final, deadline)


def _covers(view: ScheduleView, speech_end_s: float) -> bool:
    """Whether the last pass heard the speech up to ``speech_end_s``."""
    return view.heard_until_s is not None and (
        view.heard_until_s >= min(speech_end_s + 0.05, view.stream_end_s)
    )
