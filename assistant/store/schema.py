"""The database schema: a numbered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied. A new release
appends a migration; it never edits an old one. A database written by a newer
release (a higher version than this code knows) is refused, not downgraded.
"""

from __future__ import annotations

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
)

SCHEMA_VERSION = len(MIGRATIONS)
