"""Score the language-model drafter against the rule drafter, from text, on a real
local server (the opt-in LLM tier, docs/llm.md).

    bash scripts/setup_llm.sh                              # once: the server and the model
    .venv/bin/python scripts/bench_llm.py                  # starts the server, both held-out sets
    .venv/bin/python scripts/bench_llm.py --model smollm2-135m --limit 5
    .venv/bin/python scripts/bench_llm.py --url http://127.0.0.1:8000/v1   # a server of yours

For each held-out appointment (tests/data/appointments/heldout*.json, one segment
per turn, as scripts/eval_notes.py does from text) it drafts with the rules and with
the model, and scores three notes against the gold (assistant.notes.scoring): the
rules' note; the model's answer as it came (schema-valid, before any check); and the
note ``assistant draft --llm`` gives (the answer aligned to the transcript and checked
by the rules, or the rules' note when the model fails). It reports the time per note,
what the checks dropped, the fallbacks, and the server's peak memory (when it started
the server itself).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.errors import LanguageModelError  # noqa: E402
from assistant.llmdraft import ask  # noqa: E402
from assistant.notes.drafter import draft_from_segments  # noqa: E402
from assistant.notes.modeldraft import ModelNote, reconcile  # noqa: E402
from assistant.notes.scoring import Score  # noqa: E402
from assistant.settings import LanguageModelSettings  # noqa: E402
from assistant.types import Segment  # noqa: E402
from tools.llm import DEFAULT_MODEL, MODELS, install, serve  # noqa: E402

OURS = ROOT / "tests" / "data" / "appointments"


def load_set(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((OURS / f"{name}.json").read_text(encoding="utf-8"))
    return cases


def text_segments(case: dict[str, Any]) -> list[Segment]:
    return [Segment(id=i, start=0.0, end=0.0, text=str(t[1]))
            for i, t in enumerate(case["turns"])]


def raw_contract(answer: ModelNote) -> dict[str, Any]:
    """The model's answer in the contract's shape, before any check."""
    return {
        "organizations": [o.code.value for o in answer.organizations],
        "reason": answer.reason.code.value,
        "documents_requested": [d.code.value for d in answer.documents_requested],
        "identifiers": [{"kind": i.kind.value, "value": i.value} for i in answer.identifiers],
        "amounts_eur": [a.value for a in answer.amounts_eur],
        "dates": [d.value.isoformat() for d in answer.dates],
        "complex_situation": answer.complex_situation.value,
        "referral": answer.referral.code.value if answer.referral.code else None,
    }


def _kind(line: str) -> str:
    if "citation introuvable" in line:
        return "quote not in the transcript"
    if "n'est pas un numéro valide" in line:
        return "identifier failing its check"
    if "sans citation" in line:
        return "motif without words"
    return "other"


def run(settings: LanguageModelSettings, sets: list[str], limit: int | None,
        errors: bool) -> tuple[list[str], list[float]]:
    rules, raw, checked = Score(), Score(), Score()
    times: list[float] = []
    fallbacks: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    lines: list[str] = []
    cases = [c for name in sets for c in load_set(name)][:limit]
    for case in cases:
        day = dt.date.fromisoformat(case["date"])
        segments = text_segments(case)
        rule_draft = draft_from_segments(segments, day)
        rules.add(case["id"], rule_draft.to_contract(), case["gold"])
        t0 = time.perf_counter()
        try:
            answer = ask(settings, segments, day)
        except LanguageModelError as exc:
            times.append(time.perf_counter() - t0)
            fallbacks[str(exc).split(" (")[0].split("\n")[0][:60]] += 1
            raw.add(case["id"], {}, case["gold"])
            checked.add(case["id"], rule_draft.to_contract(), case["gold"])
            print(f"  {case['id']:38s} {times[-1]:6.1f} s  fallback: {exc}", file=sys.stderr)
            continue
        times.append(time.perf_counter() - t0)
        draft, gone = reconcile(answer, segments, rule_draft, day)
        raw.add(case["id"], raw_contract(answer), case["gold"])
        checked.add(case["id"], draft.to_contract(), case["gold"])
        dropped.update(_kind(g) for g in gone)
        print(f"  {case['id']:38s} {times[-1]:6.1f} s  dropped {len(gone)}", file=sys.stderr)
    lines.append(rules.report("[held-out] rule drafter, from text"))
    lines.append(raw.report("[held-out] language model, its answer as it came"))
    lines.append(checked.report("[held-out] assistant draft --llm (aligned, checked by the "
                                "rules, rules on failure)"))
    if errors:
        lines.extend(f"    {e.case_id:38s} {e.field:20s} missing={list(e.missing)} "
                     f"extra={list(e.extra)}" for e in checked.errors)
    lines.append(f"fallbacks to the rules: {sum(fallbacks.values())}/{len(cases)}"
                 + "".join(f"\n  {n} x {why}" for why, n in fallbacks.most_common()))
    lines.append(f"values the checks dropped: {sum(dropped.values())}"
                 + "".join(f"\n  {n} x {why}" for why, n in dropped.most_common()))
    return lines, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(MODELS), default=DEFAULT_MODEL,
                        help="the GGUF to serve (tools/llm.py)")
    parser.add_argument("--url", help="an OpenAI-compatible endpoint already running "
                                      "(then no server is started and no memory measured)")
    parser.add_argument("--sets", default="heldout,heldout2")
    parser.add_argument("--limit", type=int, help="the first N appointments only")
    parser.add_argument("--timeout", type=float, default=300.0, help="llm.timeout_s (600 at most)")
    parser.add_argument("--threads", type=int, default=1, help="the server's threads")
    parser.add_argument("--errors", action="store_true", help="list every difference")
    args = parser.parse_args()
    sets = [s for s in args.sets.split(",") if s]

    peak: float | None = None
    started = time.perf_counter()
    if args.url:
        settings = LanguageModelSettings(url=args.url, timeout_s=args.timeout)
        lines, times = run(settings, sets, args.limit, args.errors)
        load_s = 0.0
    else:
        spec = MODELS[args.model]
        install(spec)
        with serve(spec, threads=args.threads) as server:
            load_s = time.perf_counter() - started
            settings = LanguageModelSettings(url=server.url, timeout_s=args.timeout)
            lines, times = run(settings, sets, args.limit, args.errors)
            peak = server.peak_rss_mb()
    print("\n".join(lines))
    if times:
        print(f"time per note (model): median {statistics.median(times):.1f} s, "
              f"max {max(times):.1f} s over {len(times)} notes"
              + (f"; server ready in {load_s:.1f} s" if load_s else ""))
    if peak is not None:
        print(f"server peak resident memory: {peak:.0f} MB ({args.model})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
