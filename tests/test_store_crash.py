"""The store across processes: a writer killed with SIGKILL, writers and readers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.store import SessionStatus, SessionStore

WRITER = """
import sys, time
from pathlib import Path
from assistant.store import SessionStore
from assistant.types import Segment
store = SessionStore.open(Path(sys.argv[1]))
sid = store.start_session(source="test").id
print("session", sid, flush=True)
for i in range(int(sys.argv[2])):
    store.add_segment(sid, Segment(i, float(i), i + 0.9, f"segment {i} de la session {sid}"))
    print("commit", i, flush=True)
    time.sleep(float(sys.argv[3]))
store.end_session(sid)
print("done", flush=True)
"""


def _writer(db: Path, count: int, pause_s: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(count), str(pause_s)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signal")
def test_sigkill_mid_session_keeps_every_committed_segment(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    proc = _writer(db, 1000, 0.02)
    assert proc.stdout is not None
    sid = int(proc.stdout.readline().split()[1])
    committed = []
    for line in proc.stdout:
        committed.append(int(line.split()[1]))
        if len(committed) == 25:
            break
    with SessionStore.open(db) as watcher:  # seen as still recording while it lives
        assert watcher.session(sid).status is SessionStatus.ACTIVE  # type: ignore[arg-type]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    with SessionStore.open(db) as store:
        interrupted = store.interrupted_sessions()
        assert [s.id for s in interrupted] == [sid]
        ids = [s.id for s in store.segments(interrupted[0].id)]
        # Everything reported as committed is there, in order; at most the one
        # in flight when the kill came is there too.
        assert ids[: len(committed)] == committed
        assert len(ids) <= len(committed) + 1
        resumed = store.resume_session(sid)  # type: ignore[arg-type]
        assert resumed.status is SessionStatus.ACTIVE and store.interrupted_sessions() == ()
        closed = store.end_session(interrupted[0].id)
        assert closed.status is SessionStatus.ENDED
        assert store.interrupted_sessions() == ()


def test_two_writers_and_a_reader_at_once(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    SessionStore.open(db).close()
    # 150 segments each, 10 ms apart: the reader below is sure to read while they write
    # (without the pause a loaded machine ran both writers to the end before it began).
    writers = [_writer(db, 150, 0.01) for _ in range(2)]
    # A CLI command at the same time (as beside the TUI): it reads while they write.
    cli = subprocess.Popen(
        [sys.executable, "-m", "assistant", "sessions", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "ASSISTANT_STORE__PATH": str(db)},
    )
    seen: list[int] = []
    with SessionStore.open(db) as reader:
        deadline = time.monotonic() + 60
        while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
            sessions = reader.sessions()
            seen.append(sum(s.segment_count for s in sessions))
            if sessions:
                reader.record_reveal(sessions[0].id, "lecture")  # the reader writes too
        for w in writers:
            out, err = w.communicate(timeout=30)
            assert w.returncode == 0, err
            assert out.strip().endswith("done")
        final = reader.sessions()
    cli_out, cli_err = cli.communicate(timeout=60)
    assert cli.returncode == 0, cli_err
    assert cli_out.strip().startswith("["), cli_out
    assert [s.segment_count for s in final] == [150, 150]
    assert all(s.status is SessionStatus.ENDED for s in final)
    assert seen == sorted(seen)  # a reader never sees a count go back
    assert len(seen) > 1
