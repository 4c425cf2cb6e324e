"""Cost of one incremental drafter update on a one-hour transcript.

    .venv/bin/python scripts/bench_draft.py

Builds an hour of counter talk from the appointments in
tests/data/appointments and ../shared/eval (their turns, in a loop, at the
pace they are spoken: about 2.5 words a second), feeds it segment by segment
to one ``Drafter`` and prints, for the updates at the end of the hour, the
median / p95 / max cost of ``add_segment``, against two baselines measured in
the same run: an update on a fresh drafter (the first minutes), and drafting
the whole hour again from scratch (what a non-incremental drafter would pay
on every segment). Variants: the same talk committed as 4-word fragments
(as the live engine commits them, sentences cut across segments), and a
stress case that gives every segment a new amount and a new date, so that
the draft itself keeps growing.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.notes.drafter import Drafter, draft_from_segments  # noqa: E402
from assistant.types import Segment  # noqa: E402

WORDS_PER_S = 2.5
HOUR_S = 3600.0
DAY = dt.date(2026, 6, 1)
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def turns() -> list[str]:
    out: list[str] = []
    paths = [ROOT / "tests/data/appointments/dev.json",
             ROOT / "tests/data/appointments/heldout.json",
             ROOT.parent / "shared/eval/dialogues.json"]
    for path in paths:
        if path.is_file():
            for case in json.loads(path.read_text(encoding="utf-8")):
                out.extend(str(t[1]) for t in case["turns"])
    return out


def hour_of_segments(stress: bool, words_per_segment: int = 0) -> list[Segment]:
    source = turns()
    if words_per_segment:
        # Live commits are fragments cut anywhere, not whole turns.
        words = " ".join(source).split()
        source = [" ".join(words[k : k + words_per_segment])
                  for k in range(0, len(words), words_per_segment)]
    segments: list[Segment] = []
    t = 0.0
    i = 0
    while t < HOUR_S:
        text = source[i % len(source)]
        if stress:
            text += f" Cela fait {100 + i} euros, le {1 + i % 28} {MONTHS[i % 12]} {2000 + i % 40}."
        dur = len(text.split()) / WORDS_PER_S
        segments.append(Segment(id=i, start=t, end=t + dur, text=text))
        t += dur + 0.5
        i += 1
    return segments


def timed_updates(drafter: Drafter, segments: list[Segment]) -> list[float]:
    costs = []
    for seg in segments:
        t0 = time.perf_counter()
        drafter.add_segment(seg)
        costs.append((time.perf_counter() - t0) * 1000)
    return costs


def describe(costs: list[float]) -> str:
    q = sorted(costs)
    return (f"median {statistics.median(q):6.2f} ms  p95 {q[int(0.95 * (len(q) - 1))]:6.2f} ms"
            f"  max {q[-1]:6.2f} ms")


def run(stress: bool, words_per_segment: int = 0) -> None:
    segments = hour_of_segments(stress, words_per_segment)
    label = "stress (a new amount and date in every segment)" if stress else "counter talk"
    if words_per_segment:
        label += f", live fragments of {words_per_segment} words"
    print(f"== {label}: {len(segments)} segments, {segments[-1].end / 60:.0f} min, "
          f"{sum(len(s.text.split()) for s in segments)} words")
    fresh = Drafter(DAY)
    first = timed_updates(fresh, segments[:50])
    drafter = Drafter(DAY)
    all_costs = timed_updates(drafter, segments[:-50])
    last = timed_updates(drafter, segments[-50:])
    all_costs += last
    t0 = time.perf_counter()
    whole = draft_from_segments(segments, DAY)
    rebuild_ms = (time.perf_counter() - t0) * 1000
    assert whole.to_contract() == drafter.draft.to_contract()
    print(f"  first 50 updates (fresh drafter) {describe(first)}")
    print(f"  last 50 updates (after 1 hour)   {describe(last)}")
    print(f"  all updates                      {describe(all_costs)}")
    print(f"  redrafting the whole hour once   {rebuild_ms:8.1f} ms")
    ratio = statistics.median(last) / statistics.median(first)
    print(f"  ratio end-of-hour / fresh update (median): {ratio:.2f}"
          f"   redraft / one update: {rebuild_ms / statistics.median(last):.0f}x")
    print(f"  items in the final draft: {len(drafter.draft.amounts_eur)} amounts, "
          f"{len(drafter.draft.dates)} dates, {len(drafter.draft.identifiers)} identifiers")


def main() -> int:
    run(stress=False)
    run(stress=False, words_per_segment=4)
    run(stress=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
