"""What the agent sees during a replayed appointment: the real app (headless),
the real pipeline and model, recordings replayed at speaking pace.

For each recording of ../shared/eval/audio/dialogues (or the files given): when
the first words appear on screen after the first turn ends, how many of the
gold note's items (organisations, documents, identifiers, amounts, dates) are
in the draft before the recording ends and at the end, and whether the app is
still up. Values are compared as the drafter normalises them.

    .venv/bin/python scripts/bench_live_draft.py [FILE.flac ...] [--limit 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import load_settings  # noqa: E402
from assistant.tui import strings as S  # noqa: E402
from assistant.tui.app import AppConfig, build_app  # noqa: E402

DIALOGUES = ROOT.parent / "shared" / "eval" / "audio" / "dialogues"
GOLD = ROOT.parent / "shared" / "eval" / "dialogues.json"


def gold_items(case_id: str) -> set[str]:
    if not GOLD.is_file():
        return set()
    cases = json.loads(GOLD.read_text(encoding="utf-8"))
    case = next((c for c in cases if c.get("id") == case_id), None)
    if case is None:
        return set()
    gold = case["gold"]
    items = {f"organizations:{o}" for o in gold.get("organizations", [])}
    items |= {f"documents_requested:{d}" for d in gold.get("documents_requested", [])}
    items |= {f"identifiers:{i['kind']} {i['value']}" for i in gold.get("identifiers", [])}
    items |= {f"amounts_eur:{a:g}" for a in gold.get("amounts_eur", [])}
    items |= {f"dates:{d}" for d in gold.get("dates", [])}
    return items


def row_items(rows: tuple[object, ...]) -> set[str]:
    out = set()
    for row in rows:
        field, value = row.field, row.value  # type: ignore[attr-defined]
        if field == "amounts_eur" and value:
            value = f"{float(value):g}"
        if value:
            out.add(f"{field}:{value}")
    return out


async def replay(path: Path, store: Path) -> dict[str, object]:
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    turns = meta.get("turns", [])
    first_turn_end = turns[0]["end"] if turns else None
    gold = gold_items(meta.get("id", path.stem))
    from assistant.audiofile import load_audio
    from assistant.types import SAMPLE_RATE

    duration = len(load_audio(path)) / SAMPLE_RATE
    day = meta.get("date")
    settings = load_settings()
    import datetime as dt

    config = AppConfig(settings=settings, replay=path, open_session=True,
                       agent="bench", probe_devices=False,
                       today=(lambda: dt.date.fromisoformat(day)) if day else dt.date.today)
    app = build_app(config, store_path=store)
    first_text: float | None = None
    before_end: set[str] = set()
    started = None
    async with app.run_test(size=(160, 45)) as pilot:
        from assistant.tui.screens.session import SessionScreen
        from assistant.tui.widgets import DraftPanel, TranscriptView

        while True:
            await pilot.pause(0.1)
            screen = app.screen
            if not isinstance(screen, SessionScreen):
                continue
            if screen.state == S.STATE_LISTENING and started is None:
                started = time.perf_counter()
            if screen.state == S.STATE_ENDED:
                break
            if started is None:
                continue
            if time.perf_counter() - started > 600:
                break
            view = screen.query_one(TranscriptView)
            if first_text is None and view.segments:
                first_text = time.perf_counter() - started
            if time.perf_counter() - started < duration:
                before_end |= row_items(screen.query_one(DraftPanel).rows)
        final = row_items(app.screen.query_one(DraftPanel).rows)
        up = app.is_running
    return {
        "file": path.name,
        "duration_s": round(duration, 1),
        "first_text_after_first_turn_s": (round(first_text - first_turn_end, 2)
                                          if first_text is not None and first_turn_end
                                          else None),
        "gold": len(gold),
        "found_before_end": len(gold & before_end),
        "found_at_end": len(gold & final),
        "missed": sorted(gold - final),
        "app_up": up,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N recordings")
    args = parser.parse_args()
    files = args.files or sorted(DIALOGUES.glob("*.flac"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        print("no recordings (../shared/eval/audio/dialogues is absent)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        results = [asyncio.run(replay(f, Path(tmp) / f"{f.stem}.db")) for f in files]
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    gold = sum(int(r["gold"]) for r in results)  # type: ignore[call-overload]
    before = sum(int(r["found_before_end"]) for r in results)  # type: ignore[call-overload]
    end = sum(int(r["found_at_end"]) for r in results)  # type: ignore[call-overload]
    firsts = sorted(float(r["first_text_after_first_turn_s"]) for r in results  # type: ignore[arg-type]
                    if r["first_text_after_first_turn_s"] is not None)
    print(f"recordings: {len(results)}; gold items in the draft before the recording ends: "
          f"{before}/{gold}, at the end: {end}/{gold}; first text after the first turn ends: "
          f"median {firsts[len(firsts) // 2] if firsts else float('nan'):.2f} s; "
          f"app up after every replay: {all(r['app_up'] for r in results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
