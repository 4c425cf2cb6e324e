"""What the store forgets and what it counts.

A session is deleted on the agent's request or purged once older than the
retention periods (a session still recording never is); erased pages are
pushed out of the WAL. Statistics count appointments, motifs and bodies,
never a person's data.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from assistant.store.connection import ts
from assistant.store.queries import SessionQueries
from assistant.store.records import (
    AuditAction,
    Count,
    PeriodStats,
    PurgeReport,
    RetentionPolicy,
    SessionId,
    SessionStatus,
)


class Retention(SessionQueries):
    """Deleting, purging by the retention periods, and period statistics."""

    def delete_session(self, session_id: SessionId, actor: str | None = None) -> None:
        """Erase a session and everything about it (the audit line stays)."""
        record = self.session(session_id)
        with self._write() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            self._audit(conn, session_id, AuditAction.DELETED, actor)
        _remove_audio(record.audio_path)
        self._checkpoint()

    def purge_expired(self, policy: RetentionPolicy, actor: str | None = None) -> PurgeReport:
        """Erase what is older than the retention periods (active sessions excepted)."""
        now = self._clock()
        unconfirmed_before = ts(now - timedelta(days=policy.unconfirmed_days))
        confirmed_before = ts(now - timedelta(days=policy.confirmed_days))
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.id, s.state, s.owner_host, s.owner_pid, s.audio_path FROM sessions s"
                " LEFT JOIN notes n ON n.session_id = s.id"
                " WHERE (s.state != 'confirmed' AND s.started_at < ?)"
                " OR (s.state = 'confirmed' AND COALESCE(n.confirmed_at, s.started_at) < ?)",
                (unconfirmed_before, confirmed_before),
            ).fetchall()
        doomed = [
            r for r in rows if self._status(r[1], r[2], int(r[3])) is not SessionStatus.ACTIVE
        ]
        if not doomed:
            return PurgeReport(0, 0, 0)
        confirmed = sum(1 for r in doomed if r[1] == "confirmed")
        with self._write() as conn:
            for r in doomed:
                conn.execute("DELETE FROM sessions WHERE id = ?", (r[0],))
                days = policy.confirmed_days if r[1] == "confirmed" else policy.unconfirmed_days
                self._audit(conn, int(r[0]), AuditAction.PURGED, actor,
                            f"conservation {days} j")
        audio = sum(_remove_audio(Path(r[4]) if r[4] else None) for r in doomed)
        self._checkpoint()
        return PurgeReport(len(doomed) - confirmed, confirmed, audio)

    def _checkpoint(self) -> None:
        """Push erased pages out of the WAL so deleted text does not linger there."""
        with self._read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def stats(self, start: date, end: date) -> PeriodStats:
        """Counts over appointments dated ``start`` to ``end`` (inclusive)."""
        with self._read() as conn:
            total = conn.execute(
                "SELECT COUNT(*) FROM sessions WHERE appointment_date BETWEEN ? AND ?",
                (start.isoformat(), end.isoformat()),
            ).fetchone()[0]
            rows = conn.execute(
                "SELECT n.reason, n.organizations_json, n.complex_situation FROM notes n"
                " JOIN sessions s ON s.id = n.session_id"
                " WHERE s.appointment_date BETWEEN ? AND ?",
                (start.isoformat(), end.isoformat()),
            ).fetchall()
        reasons: Counter[str] = Counter(str(r[0]) for r in rows if r[0])
        bodies: Counter[str] = Counter(o for r in rows for o in json.loads(r[1]))
        return PeriodStats(
            start=start,
            end=end,
            sessions=int(total),
            confirmed_notes=len(rows),
            complex_situations=sum(1 for r in rows if r[2]),
            by_reason=tuple(Count(c, n) for c, n in sorted(reasons.items())),
            by_body=tuple(Count(c, n) for c, n in sorted(bodies.items())),
        )


def _remove_audio(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1
