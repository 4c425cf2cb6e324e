"""``streaming.schedule``: whether a pass is due now, at which beam, and why.

The engine's tests (tests/test_streaming.py) see the schedule only through
what ends up committed; here its decisions one by one, on a frozen view.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.streaming.config import EngineConfig
from assistant.streaming.schedule import PassPlan, ScheduleView, plan
from assistant.types import Word

CFG = EngineConfig()
DEADLINE = EngineConfig(deadline_s=4.0)


def speaking(**changes: object) -> ScheduleView:
    """Someone has been speaking since 1 s; the last pass ran at 9.5 s over
    the buffer up to 9.5 s; one tentative word ending at 9 s."""
    view = ScheduleView(stream_end_s=10.0, silence_s=0.0, speech_end_s=10.0,
                        utterance_start_s=1.0, last_pass_end_s=9.5, heard_until_s=9.5,
                        tentative=(Word(8.7, 9.0, "madame"),), boundary_s=8.0,
                        min_step_s=1.0, ready_s=10.0)
    return replace(view, **changes)  # type: ignore[arg-type]


def test_inside_speech_a_pass_every_step() -> None:
    assert plan(speaking(), CFG) == PassPlan(due=False, final=False, deadline=False)
    assert plan(speaking(last_pass_end_s=9.0), CFG) == PassPlan(True, False, False)


def test_the_first_pass_of_an_utterance_waits_for_first_step_s_of_speech() -> None:
    view = speaking(heard_until_s=None, tentative=(), utterance_start_s=9.7)
    assert not plan(view, CFG).due
    assert plan(replace(view, utterance_start_s=9.5), CFG) == PassPlan(True, False, False)


def test_no_pass_while_a_pause_has_begun() -> None:
    view = speaking(silence_s=CFG.pre_endpoint_s / 2, last_pass_end_s=2.0)
    assert not plan(view, CFG).due


def test_the_pass_for_the_endpoint_runs_at_the_final_beam_unless_one_heard_it() -> None:
    pause = speaking(silence_s=CFG.pre_endpoint_s, speech_end_s=9.8, heard_until_s=9.0)
    assert plan(pause, CFG) == PassPlan(True, True, False)
    assert not plan(replace(pause, heard_until_s=9.9), CFG).due


def test_a_word_at_its_deadline_runs_a_final_pass_before_the_step() -> None:
    late = speaking(tentative=(Word(5.7, 6.0, "madame"),), last_pass_end_s=9.6)
    assert plan(late, CFG) == PassPlan(False, False, False)  # no bound: waits
    assert plan(late, DEADLINE) == PassPlan(True, True, True)
    cheap = replace(DEADLINE, deadline_final_beam=False)
    assert plan(late, cheap) == PassPlan(True, False, True)
    # ... but not again right after the last pass (it could commit nothing).
    assert not plan(replace(late, last_pass_end_s=9.8), DEADLINE).due


def test_a_pass_due_anyway_serves_a_word_overdue_by_the_next_step() -> None:
    soon = speaking(tentative=(Word(5.2, 5.5, "madame"),), last_pass_end_s=9.0,
                    ready_s=9.4)
    assert plan(soon, DEADLINE) == PassPlan(True, True, True)
    assert plan(replace(soon, last_pass_end_s=9.1), DEADLINE).due is False


def test_words_old_enough_to_commit_by_age_come_from_a_final_pass() -> None:
    aged = speaking(tentative=(Word(6.7, 7.0, "madame"),), last_pass_end_s=9.0,
                    boundary_s=4.0)
    assert plan(aged, CFG) == PassPlan(True, True, False)
    assert plan(replace(aged, boundary_s=4.5), CFG) == PassPlan(True, False, False)
