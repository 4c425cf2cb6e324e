"""Store figures: the cost of a durable segment commit and of opening a big file.

    .venv/bin/python scripts/bench_store.py [--sessions 300] [--segments 200]

Prints, measured in the same run:
- add_segment latency (synchronous=FULL, one transaction per segment) against
  a baseline of the same insert with synchronous=OFF (no fsync);
- SessionStore.open time (with PRAGMA quick_check) on a file of N sessions,
  against a bare sqlite3 connect + one query on the same file;
- a masked JSON export of one session.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.exporting import ExportFormat, render
from assistant.store import SessionStore
from assistant.types import Segment

TEXT = "Je viens pour mon aide au logement, la CAF ne répond plus depuis trois mois."


def _ms(values: list[float]) -> str:
    values = sorted(values)
    return (f"median {statistics.median(values) * 1000:.2f} ms, "
            f"p95 {values[int(0.95 * (len(values) - 1))] * 1000:.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=300)
    ap.add_argument("--segments", type=int, default=200)
    ap.add_argument("--commits", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sessions.db"
        store = SessionStore.open(db)
        sid = store.start_session().id
        durable: list[float] = []
        for i in range(args.commits):
            t = time.perf_counter()
            store.add_segment(sid, Segment(i, i * 3.0, i * 3.0 + 2.5, TEXT))
            durable.append(time.perf_counter() - t)

        raw = sqlite3.connect(db, isolation_level=None)
        raw.execute("PRAGMA synchronous = OFF")
        baseline: list[float] = []
        for i in range(args.commits):
            t = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(
                "INSERT INTO segments (session_id, segment_id, start, end, text, committed_at)"
                " VALUES (?, ?, ?, ?, ?, '')", (sid, 100_000 + i, 0.0, 1.0, TEXT))
            raw.execute("COMMIT")
            baseline.append(time.perf_counter() - t)
        raw.close()
        print(f"add_segment (durable, fsync): {_ms(durable)}")
        print(f"baseline insert, no fsync:    {_ms(baseline)}")
        print(f"ratio of medians: {statistics.median(durable) / statistics.median(baseline):.1f}x")

        bulk = sqlite3.connect(db, isolation_level=None)
        bulk.execute("BEGIN")
        for _ in range(args.sessions):
            cur = bulk.execute(
                "INSERT INTO sessions (started_at, state, appointment_date) "
                "VALUES ('2026-03-02T09:00:00.000000+00:00', 'ended', '2026-03-02')")
            bulk.executemany(
                "INSERT INTO segments (session_id, segment_id, start, end, text, committed_at)"
                " VALUES (?, ?, ?, ?, ?, '')",
                [(cur.lastrowid, k, k * 3.0, k * 3.0 + 2.5, TEXT) for k in range(args.segments)])
        bulk.execute("COMMIT")
        bulk.close()
        store.close()
        size_mb = db.stat().st_size / 1e6

        t = time.perf_counter()
        opened = SessionStore.open(db)
        open_s = time.perf_counter() - t
        t = time.perf_counter()
        bare = sqlite3.connect(db)
        bare.execute("SELECT COUNT(*) FROM sessions").fetchone()
        bare.close()
        bare_s = time.perf_counter() - t
        print(f"open {args.sessions} sessions x {args.segments} segments ({size_mb:.1f} MB): "
              f"{open_s * 1000:.1f} ms with quick_check vs {bare_s * 1000:.1f} ms bare connect "
              f"({open_s / bare_s:.0f}x)")
        t = time.perf_counter()
        text = render(opened.bundle(sid), ExportFormat.JSON)
        print(f"masked json export of {args.commits} segments: "
              f"{(time.perf_counter() - t) * 1000:.1f} ms ({len(text) / 1e3:.0f} kB)")
        opened.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
