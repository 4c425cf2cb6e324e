"""The store's connection: opening the file, migrations, transactions, errors.

One file, WAL journal, ``synchronous=FULL``: every committed segment is on
disk before ``add_segment`` returns, so a crash, a SIGKILL or a power cut
loses nothing that was on screen. Several processes (the TUI and a CLI
command) may use the file at once: writes are short ``BEGIN IMMEDIATE``
transactions and a busy file is waited on (``busy_timeout``). Within one
process the store may be shared between threads (one lock).

``StoreBase`` holds all that; the writes (``store.writes``), the queries
(``store.queries``) and the retention and statistics (``store.retention``)
build on it, and ``store.db.SessionStore`` puts them together.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from assistant.errors import StoreError
from assistant.store import files, schema
from assistant.store.records import AuditAction, AuditEntry, SessionId, SessionStatus

Clock = Callable[[], datetime]

DEFAULT_BUSY_TIMEOUT_MS = 10_000
_CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "inconnu"


def must_ts(text: str) -> datetime:
    value = parse_ts(text)
    assert value is not None
    return value


class StoreBase:
    """The connection to one store file, its transactions and its audit trail."""

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
    ) -> Self:
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
        if version == schema.SCHEMA_VERSION:
            return
        with self._write() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            known = schema.SCHEMA_VERSION
            if version > known:
                raise StoreError(
                    f"La base des sessions {self.path} vient d'une version plus récente "
                    f"de l'assistant (schéma {version}, cette version connaît {known}).",
                    "Mettez l'assistant à jour ; la base n'a pas été modifiée.",
                )
            schema.migrate(conn, version, schema.MIGRATIONS)

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
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
            (session_id, action.value, who, ts(at), detail),
        )
        sid = SessionId(session_id) if session_id is not None else None
        return AuditEntry(sid, action, who, at, detail)

    def _require(self, conn: sqlite3.Connection, session_id: int) -> None:
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise StoreError(
                f"Session introuvable : {session_id}.",
                "« assistant sessions » liste les sessions gardées (les plus anciennes ont "
                "pu être effacées par la durée de conservation).",
            )

    def _status(self, state: str, host: str, pid: int) -> SessionStatus:
        if state == "confirmed":
            return SessionStatus.CONFIRMED
        if state == "ended":
            return SessionStatus.ENDED
        if host == self._host and (pid == self._pid or files.pid_alive(pid)):
            return SessionStatus.ACTIVE
        return SessionStatus.INTERRUPTED
