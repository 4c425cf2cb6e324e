"""Writing to the store: a session's segments as they are committed, its drafts,
the agent's edits, the confirmed note, and what the audit trail must record."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.store.audio import AudioKeeper, audio_path
from assistant.store.connection import ts
from assistant.store.queries import SessionQueries
from assistant.store.records import (
    AuditAction,
    AuditEntry,
    DraftRecord,
    EditRecord,
    NoteRecord,
    SessionId,
    SessionRecord,
)
from assistant.types import Segment


def _plain(value: Any) -> Any:
    """A drafted field may be wrapped as {"value": ..., "evidence": ...}."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def _codes(value: Any) -> tuple[str, ...]:
    value = _plain(value)
    if not isinstance(value, list | tuple | set):
        return ()
    return tuple(sorted(str(_plain(v)) for v in value))


class SessionWrites(SessionQueries):
    """Every write is one short transaction, durable when the method returns."""

    def start_session(
        self, *, source: str = "", appointment_date: date | None = None,
        actor: str | None = None,
    ) -> SessionRecord:
        """Open a new session owned by this process."""
        now = self._clock()
        day = appointment_date or now.astimezone().date()
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, state, appointment_date, source, agent,"
                " owner_host, owner_pid) VALUES (?, 'open', ?, ?, ?, ?, ?)",
                (ts(now), day.isoformat(), source, actor or self.actor, self._host, self._pid),
            )
            sid = int(cur.lastrowid or 0)
            self._audit(conn, sid, AuditAction.CREATED, actor)
        return self.session(SessionId(sid))

    def add_segment(self, session_id: SessionId, segment: Segment) -> None:
        """Write one committed segment; it is durable when this returns."""
        words = json.dumps([asdict(w) for w in segment.words], ensure_ascii=False)
        with self._write() as conn:
            self._require(conn, session_id)
            conn.execute(
                "INSERT INTO segments (session_id, segment_id, start, end, text, words_json,"
                " avg_logprob, no_speech_prob, committed_at, speaker)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, segment_id) DO UPDATE SET start = excluded.start,"
                " end = excluded.end, text = excluded.text, words_json = excluded.words_json,"
                " avg_logprob = excluded.avg_logprob, no_speech_prob = excluded.no_speech_prob,"
                " speaker = excluded.speaker",
                (session_id, segment.id, segment.start, segment.end, segment.text, words,
                 segment.avg_logprob, segment.no_speech_prob, ts(self._clock()),
                 segment.speaker),
            )

    def set_audio_path(self, session_id: SessionId, audio: Path) -> None:
        with self._write() as conn:
            self._require(conn, session_id)
            conn.execute("UPDATE sessions SET audio_path = ? WHERE id = ?",
                         (str(audio), session_id))

    def keep_audio(self, session_id: SessionId) -> AudioKeeper:
        """Start keeping this session's audio (only when store.keep_audio is set)."""
        keeper = AudioKeeper(audio_path(self.path, session_id))
        self.set_audio_path(session_id, keeper.path)
        return keeper

    def save_draft(self, session_id: SessionId, draft: BaseModel | str) -> DraftRecord:
        """Keep a new version of the drafted note (every version is kept)."""
        text = draft if isinstance(draft, str) else draft.model_dump_json()
        now = self._clock()
        with self._write() as conn:
            self._require(conn, session_id)
            row = conn.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM drafts WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            version = int(row[0])
            conn.execute(
                "INSERT INTO drafts (session_id, version, saved_at, json) VALUES (?, ?, ?, ?)",
                (session_id, version, ts(now), text),
            )
        return DraftRecord(session_id, version, now, text)

    def record_edit(
        self, session_id: SessionId, field: str, old: object, new: object,
        actor: str | None = None,
    ) -> EditRecord:
        """Record that the agent changed one field of the note (values as JSON)."""
        old_json = json.dumps(old, ensure_ascii=False, default=str)
        new_json = json.dumps(new, ensure_ascii=False, default=str)
        now = self._clock()
        who = actor or self.actor
        with self._write() as conn:
            self._require(conn, session_id)
            conn.execute(
                "INSERT INTO edits (session_id, field, old_json, new_json, actor, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, field, old_json, new_json, who, ts(now)),
            )
        return EditRecord(session_id, field, old_json, new_json, who, now)

    def confirm(
        self, session_id: SessionId, note: BaseModel, actor: str | None = None,
    ) -> NoteRecord:
        """Store the note the agent confirmed; the session becomes ``confirmed``."""
        text = note.model_dump_json()
        data = json.loads(text)
        who = str(data.get("confirmed_by") or actor or self.actor)
        at_text = data.get("confirmed_at")
        at = datetime.fromisoformat(at_text) if isinstance(at_text, str) else self._clock()
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        reason = _plain(data.get("reason"))
        record = NoteRecord(
            session_id=session_id,
            json=text,
            schema_version=int(data.get("schema_version") or 1),
            confirmed_by=who,
            confirmed_at=at,
            reason=None if reason is None else str(reason),
            organizations=_codes(data.get("organizations")),
            complex_situation=bool(_plain(data.get("complex_situation"))),
        )
        with self._write() as conn:
            self._require(conn, session_id)
            conn.execute(
                "INSERT INTO notes (session_id, json, schema_version, confirmed_by, confirmed_at,"
                " reason, organizations_json, complex_situation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id) DO UPDATE SET json = excluded.json,"
                " schema_version = excluded.schema_version,"
                " confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at,"
                " reason = excluded.reason, organizations_json = excluded.organizations_json,"
                " complex_situation = excluded.complex_situation",
                (session_id, text, record.schema_version, who, ts(at), record.reason,
                 json.dumps(list(record.organizations)), int(record.complex_situation)),
            )
            conn.execute(
                "UPDATE sessions SET state = 'confirmed', ended_at = COALESCE(ended_at, ?)"
                " WHERE id = ?",
                (ts(self._clock()), session_id),
            )
            self._audit(conn, session_id, AuditAction.CONFIRMED, who)
        return record

    def end_session(self, session_id: SessionId, actor: str | None = None) -> SessionRecord:
        """Close a session (also how an interrupted one is closed after review)."""
        with self._write() as conn:
            self._require(conn, session_id)
            cur = conn.execute(
                "UPDATE sessions SET state = 'ended', ended_at = ? WHERE id = ? AND state = 'open'",
                (ts(self._clock()), session_id),
            )
            if cur.rowcount:
                self._audit(conn, session_id, AuditAction.ENDED, actor)
        return self.session(session_id)

    def resume_session(self, session_id: SessionId, actor: str | None = None) -> SessionRecord:
        """Take over an interrupted (or ended) session to go on recording into it:
        it becomes this process's, ``active``, until ended again."""
        with self._write() as conn:
            self._require(conn, session_id)
            cur = conn.execute(
                "UPDATE sessions SET state = 'open', ended_at = NULL, owner_host = ?,"
                " owner_pid = ? WHERE id = ? AND state != 'confirmed'",
                (self._host, self._pid, session_id),
            )
            if cur.rowcount:
                self._audit(conn, session_id, AuditAction.RESUMED, actor)
        return self.session(session_id)

    def record_reveal(
        self, session_id: SessionId, what: str, actor: str | None = None,
    ) -> AuditEntry:
        """Record that masked data (``what``: a field or kind, never its value) was shown."""
        with self._write() as conn:
            self._require(conn, session_id)
            return self._audit(conn, session_id, AuditAction.REVEALED, actor, what)

    def record_export(
        self, session_id: SessionId, fmt: str, masked: bool, actor: str | None = None,
    ) -> AuditEntry:
        detail = f"format={fmt} {'masqué' if masked else 'EN CLAIR'}"
        with self._write() as conn:
            self._require(conn, session_id)
            return self._audit(conn, session_id, AuditAction.EXPORTED, actor, detail)
