"""The database schema: a numbered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied. A new release
appends a migration; it never edits an old one. A database written by a newer
release (a higher version than this code knows) is refused, not downgraded.

A migration is an SQL script of several statements; ``migrate`` runs them one
by one inside the caller's transaction (``sqlite3.executescript`` would commit
it first), cut where ``sqlite3.complete_statement`` says a statement ends, so
a ``;`` inside a trigger's ``BEGIN … END``, a string or a comment does not
cut it.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    # 1: first schema.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        state TEXT NOT NULL CHECK (state IN ('open', 'ended', 'confirmed')),
        appointment_date TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        agent TEXT NOT NULL DEFAULT '',
        owner_host TEXT NOT NULL DEFAULT '',
        owner_pid INTEGER NOT NULL DEFAULT 0,
        audio_path TEXT
    );
    CREATE INDEX sessions_started ON sessions (started_at);

    CREATE TABLE segments (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        segment_id INTEGER NOT NULL,
        start REAL NOT NULL,
        end REAL NOT NULL,
        text TEXT NOT NULL,
        words_json TEXT NOT NULL DEFAULT '[]',
        avg_logprob REAL NOT NULL DEFAULT 0,
        no_speech_prob REAL NOT NULL DEFAULT 0,
        committed_at TEXT NOT NULL,
        PRIMARY KEY (session_id, segment_id)
    );

    CREATE TABLE drafts (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (session_id, version)
    );

    CREATE TABLE edits (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        old_json TEXT NOT NULL,
        new_json TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );

    CREATE TABLE notes (
        session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        json TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        confirmed_by TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,
        reason TEXT,
        organizations_json TEXT NOT NULL DEFAULT '[]',
        complex_situation INTEGER NOT NULL DEFAULT 0
    );

    -- No foreign key: the trail outlives the sessions it speaks of
    -- (who deleted or purged what, and when). It never holds transcript text.
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id INTEGER,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_session ON audit (session_id);
    """,
    # 2: who said each segment (issue #15): "agent", "usager", "autre", NULL when unknown.
    """
    ALTER TABLE segments ADD COLUMN speaker TEXT
        CHECK (speaker IS NULL OR speaker IN ('agent', 'usager', 'autre'));
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """The statements of an SQL script, each with its closing ``;``."""
    out: list[str] = []
    start = 0
    for end, ch in enumerate(script):
        if ch == ";" and sqlite3.complete_statement(script[start : end + 1]):
            out.append(script[start : end + 1].strip())
            start = end + 1
    rest = script[start:].strip()
    if rest and not sqlite3.complete_statement(rest + "\n;"):
        raise ValueError(f"unfinished SQL statement in a migration: {rest[:80]!r}")
    if rest:
        out.append(rest)  # a last statement without its ";", or comments (a no-op)
    return out


def migrate(conn: sqlite3.Connection, version: int, migrations: tuple[str, ...]) -> None:
    """Apply ``migrations[version:]`` on ``conn``, inside the transaction the caller
    holds, and record the new version."""
    for script in migrations[version:]:
        for statement in statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {len(migrations)}")
