"""SessionStore: the only code that talks to SQLite.

One file, WAL journal, ``synchronous=FULL``: every committed segment is on
disk before ``add_segment`` returns, so a crash, a SIGKILL or a power cut
loses nothing that was on screen. Several processes (the TUI and a CLI
command) may use the file at once: writes are short ``BEGIN IMMEDIATE``
transactions and a busy file is waited on (``busy_timeout``). Within one
process the store may be shared between threads (one lock).
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel

from assistant.errors import StoreError
from assistant.store import files
from assistant.store.audio import AudioKeeper, audio_path
from assistant.store.records import (
    AuditAction,
    AuditEntry,
    Count,
    DraftRecord,
    EditRecord,
    NoteRecord,
    PeriodStats,
    PurgeReport,
    RetentionPolicy,
    SessionBundle,
    SessionId,
    SessionRecord,
    SessionStatus,
)
from assistant.store.schema import MIGRATIONS, SCHEMA_VERSION
from assistant.types import Segment, Word

Clock = Callable[[], datetime]

DEFAULT_BUSY_TIMEOUT_MS = 10_000
_CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def _ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "inconnu"


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


class SessionStore:
    """Sessions, committed segments, drafts, edits, confirmed notes, audit trail."""

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Clock, actor: str) -> None:
        self.path = path
        self._conn = conn
        self._clock = clock
        self.actor = actor
        self._lock = threading.RLock()
        self._host = files.this_host()
        self._pid = os.getpid()

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        clock: Clock = utc_now,
        actor: str | None = None,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> SessionStore:
        """Open (creating if needed) the database at ``path``.

        A file that is not SQLite, or is damaged, raises StoreError; it is
        never written to, and a copy is kept beside it.
        """
        path = Path(path) if path is not None else files.default_db_path()
        files.ensure_private_file(path)
        if not files.has_sqlite_header(path):
            raise files.damaged_error(path, "en-tête SQLite absent")
        try:
            conn = sqlite3.connect(
                path,
                timeout=busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StoreError(
                f"Impossible d'ouvrir la base des sessions {path} ({exc}).",
                "Vérifiez le disque et les droits, " + files.OTHER_FILE_HINT,
            ) from None
        store = cls(path, conn, clock, actor or default_actor())
        try:
            with store._guard():
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                store._check_integrity()
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(
                        f"La base des sessions {path} n'accepte pas le journal WAL ({mode}).",
                        "Placez-la sur un disque local, " + files.OTHER_FILE_HINT,
                    )
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA secure_delete = ON")
                store._migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def _check_integrity(self) -> None:
        rows = self._conn.execute("PRAGMA quick_check").fetchall()
        problems = [str(r[0]) for r in rows if str(r[0]).lower() != "ok"]
        if problems:
            raise files.damaged_error(self.path, problems[0][:120])

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version == SCHEMA_VERSION:
            return
        with self._write() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"La base des sessions {self.path} vient d'une version plus récente "
                    f"de l'assistant (schéma {version}, cette version connaît {SCHEMA_VERSION}).",
                    "Mettez l'assistant à jour ; la base n'a pas été modifiée.",
                )
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions and errors -------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn sqlite errors into French StoreErrors (damage kept aside)."""
        try:
            yield
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "")
            if name in _CORRUPT:
                raise files.damaged_error(self.path, str(exc)) from None
            if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
                raise StoreError(
                    f"La base des sessions {self.path} est restée occupée par un autre "
                    f"programme ({exc}).",
                    "Réessayez dans un instant ; si cela dure, fermez les autres fenêtres "
                    "de l'assistant.",
                ) from None
            raise StoreError(
                f"Erreur de la base des sessions {self.path} : {exc}.",
                "Vérifiez l'espace disque et les droits du fichier.",
            ) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._guard():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._guard():
            yield self._conn

    def _audit(
        self, conn: sqlite3.Connection, session_id: int | None, action: AuditAction,
        actor: str | None, detail: str = "",
    ) -> AuditEntry:
        at = self._clock()
        who = actor or self.actor
        conn.execute(
            "INSERT INTO audit (session_id, action, actor, at, detail) VALUES (?, ?, ?, ?, ?)",
            (session_id, action.value, who, _ts(at), detail),
        )
        sid = SessionId(session_id) if session_id is not None else None
        return AuditEntry(sid, action, who, at, detail)

    # -- recording a session -------------------------------------------------

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
                (_ts(now), day.isoformat(), source, actor or self.actor, self._host, self._pid),
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
                " avg_logprob, no_speech_prob, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, segment_id) DO UPDATE SET start = excluded.start,"
                " end = excluded.end, text = excluded.text, words_json = excluded.words_json,"
                " avg_logprob = excluded.avg_logprob, no_speech_prob = excluded.no_speech_prob",
                (session_id, segment.id, segment.start, segment.end, segment.text, words,
                 segment.avg_logprob, segment.no_speech_prob, _ts(self._clock())),
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
                (session_id, version, _ts(now), text),
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
                (session_id, field, old_json, new_json, who, _ts(now)),
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
                (session_id, text, record.schema_version, who, _ts(at), record.reason,
                 json.dumps(list(record.organizations)), int(record.complex_situation)),
            )
            conn.execute(
                "UPDATE sessions SET state = 'confirmed', ended_at = COALESCE(ended_at, ?)"
                " WHERE id = ?",
                (_ts(self._clock()), session_id),
            )
            self._audit(conn, session_id, AuditAction.CONFIRMED, who)
        return record

    def end_session(self, session_id: SessionId, actor: str | None = None) -> SessionRecord:
        """Close a session (also how an interrupted one is closed after review)."""
        with self._write() as conn:
            self._require(conn, session_id)
            cur = conn.execute(
                "UPDATE sessions SET state = 'ended', ended_at = ? WHERE id = ? AND state = 'open'",
                (_ts(self._clock()), session_id),
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

    # -- reading -----------------------------------------------------------

    _SESSION_SQL = (
        "SELECT s.id, s.started_at, s.ended_at, s.state, s.appointment_date, s.source, s.agent,"
        " s.owner_host, s.owner_pid, s.audio_path,"
        " (SELECT COUNT(*) FROM segments g WHERE g.session_id = s.id) FROM sessions s"
    )

    def _status(self, state: str, host: str, pid: int) -> SessionStatus:
        if state == "confirmed":
            return SessionStatus.CONFIRMED
        if state == "ended":
            return SessionStatus.ENDED
        if host == self._host and (pid == self._pid or files.pid_alive(pid)):
            return SessionStatus.ACTIVE
        return SessionStatus.INTERRUPTED

    def _session_record(self, row: tuple[Any, ...]) -> SessionRecord:
        started = _dt(row[1])
        assert started is not None
        return SessionRecord(
            id=SessionId(int(row[0])),
            started_at=started,
            ended_at=_dt(row[2]),
            status=self._status(row[3], row[7], int(row[8])),
            appointment_date=date.fromisoformat(row[4]),
            source=row[5],
            agent=row[6],
            segment_count=int(row[10]),
            audio_path=Path(row[9]) if row[9] else None,
        )

    def _require(self, conn: sqlite3.Connection, session_id: int) -> None:
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise StoreError(
                f"Session introuvable : {session_id}.",
                "« assistant sessions » liste les sessions gardées (les plus anciennes ont "
                "pu être effacées par la durée de conservation).",
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
                "SELECT segment_id, start, end, text, words_json, avg_logprob, no_speech_prob"
                " FROM segments WHERE session_id = ? ORDER BY start, segment_id",
                (session_id,),
            ).fetchall()
        return tuple(
            Segment(
                id=int(r[0]), start=float(r[1]), end=float(r[2]), text=r[3],
                words=tuple(Word(**w) for w in json.loads(r[4])),
                avg_logprob=float(r[5]), no_speech_prob=float(r[6]),
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
        return tuple(DraftRecord(session_id, int(r[0]), _must_dt(r[1]), r[2]) for r in rows)

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
        return tuple(EditRecord(session_id, r[0], r[1], r[2], r[3], _must_dt(r[4])) for r in rows)

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
            confirmed_at=_must_dt(r[3]), reason=r[4],
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
                _must_dt(r[3]), r[4],
            )
            for r in rows
        )

    # -- forgetting ----------------------------------------------------------

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
        unconfirmed_before = _ts(now - timedelta(days=policy.unconfirmed_days))
        confirmed_before = _ts(now - timedelta(days=policy.confirmed_days))
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

    # -- reporting -----------------------------------------------------------

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


def _must_dt(text: str) -> datetime:
    value = _dt(text)
    assert value is not None
    return value


def _remove_audio(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1
