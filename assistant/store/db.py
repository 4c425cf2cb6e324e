"""SessionStore: the only code that talks to SQLite, in one class.

Its parts live apart: ``store.connection`` (opening the file, migrations,
transactions and errors), ``store.writes``, ``store.queries`` and
``store.retention`` (forgetting and statistics).
"""

from __future__ import annotations

from assistant.store.retention import Retention
from assistant.store.writes import SessionWrites


class SessionStore(SessionWrites, Retention):
    """Sessions, committed segments, drafts, edits, confirmed notes, audit trail."""
