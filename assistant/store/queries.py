"""Reading the store: sessions, their segments, drafts, edits, notes, the audit trail."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from assistant.store.connection import StoreBase, must_ts, parse_ts
from assistant.store.records import (
    AuditAction,
    AuditEntry,
    DraftRecord,
    EditRecord,
    NoteRecord,
    SessionBundle,
    SessionId,
    SessionRecord,
    SessionStatus,
)
from assistant.types import Segment, Word


class SessionQueries(StoreBase):
    """What the store holds, read back as the project's own records."""

    _SESSION_SQL = (
        "SELECT s.id, s.started_at, s.ended_at, s.state, s.appointment_date, s.source, s.agent,"
        " s.owner_host, s.owner_pid, s.audio_path,"
        " (SELECT COUNT(*) FROM segments g WHERE g.session_id = s.id) FROM sessions s"
    )

    def _session_record(self, row: tuple[Any, ...]) -> SessionRecord:
        started = parse_ts(row[1])
        assert started is not None
        return SessionRecord(
            id=SessionId(int(row[0])),
            started_at=started,
            ended_at=parse_ts(row[2]),
            status=self._status(row[3], row[7], int(row[8])),
            appointment_date=date.fromisoformat(row[4]),
            source=row[5],
            agent=row[6],
            segment_count=int(row[10]),
            audio_path=Path(row[9]) if row[9] else None,
        )

    def session(self, session_id: SessionId) -> SessionRecord:
        with self._read() as conn:
            row = conn.execute(self._SESSION_SQL + " WHERE s.id = ?", (session_id,)).fetchone()
        if row is None:
            with self._read() as conn:
                self._require(conn, session_id)
        return self._session_record(row)

    def sessions(self) -> tuple[SessionRecord, ...]:
        """Every session kept, oldest first."""
        with self._read() as conn:
            rows = conn.execute(self._SESSION_SQL + " ORDER BY s.started_at, s.id").fetchall()
        return tuple(self._session_record(r) for r in rows)

    def interrupted_sessions(self) -> tuple[SessionRecord, ...]:
        """Sessions never ended whose process is gone: to offer for review."""
        return tuple(s for s in self.sessions() if s.status is SessionStatus.INTERRUPTED)

    def segments(self, session_id: SessionId) -> tuple[Segment, ...]:
        with self._read() as conn:
            self._require(conn, session_id)
            rows = conn.execute(
                "SELECT segment_id, start, end, text, words_json, avg_logprob, no_speech_prob,"
                " speaker FROM segments WHERE session_id = ? ORDER BY start, segment_id",
                (session_id,),
            ).fetchall()
        return tuple(
            Segment(
                id=int(r[0]), start=float(r[1]), end=float(r[2]), text=r[3],
                words=tuple(Word(**w) for w in json.loads(r[4])),
                avg_logprob=float(r[5]), no_speech_prob=float(r[6]), speaker=r[7],
            )
            for r in rows
        )

    def drafts(self, session_id: SessionId) -> tuple[DraftRecord, ...]:
        with self._read() as conn:
            self._require(conn, session_id)
            rows = conn.execute(
                "SELECT version, saved_at, json FROM drafts WHERE session_id = ? ORDER BY version",
                (session_id,),
            ).fetchall()
        return tuple(DraftRecord(session_id, int(r[0]), must_ts(r[1]), r[2]) for r in rows)

    def latest_draft(self, session_id: SessionId) -> DraftRecord | None:
        versions = self.drafts(session_id)
        return versions[-1] if versions else None

    def edits(self, session_id: SessionId) -> tuple[EditRecord, ...]:
        with self._read() as conn:
            self._require(conn, session_id)
            rows = conn.execute(
                "SELECT field, old_json, new_json, actor, at FROM edits WHERE session_id = ?"
                " ORDER BY id",
                (session_id,),
            ).fetchall()
        return tuple(EditRecord(session_id, r[0], r[1], r[2], r[3], must_ts(r[4])) for r in rows)

    def note(self, session_id: SessionId) -> NoteRecord | None:
        with self._read() as conn:
            self._require(conn, session_id)
            r = conn.execute(
                "SELECT json, schema_version, confirmed_by, confirmed_at, reason,"
                " organizations_json, complex_situation FROM notes WHERE session_id = ?",
                (session_id,),
            ).fetchone()
        if r is None:
            return None
        return NoteRecord(
            session_id=session_id, json=r[0], schema_version=int(r[1]), confirmed_by=r[2],
            confirmed_at=must_ts(r[3]), reason=r[4],
            organizations=tuple(json.loads(r[5])), complex_situation=bool(r[6]),
        )

    def bundle(self, session_id: SessionId) -> SessionBundle:
        return SessionBundle(
            session=self.session(session_id),
            segments=self.segments(session_id),
            note=self.note(session_id),
            draft=self.latest_draft(session_id),
        )

    def audit(self, session_id: SessionId | None = None) -> tuple[AuditEntry, ...]:
        sql = "SELECT session_id, action, actor, at, detail FROM audit"
        params: tuple[int, ...] = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            params = (session_id,)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return tuple(
            AuditEntry(
                None if r[0] is None else SessionId(int(r[0])), AuditAction(r[1]), r[2],
                must_ts(r[3]), r[4],
            )
            for r in rows
        )
