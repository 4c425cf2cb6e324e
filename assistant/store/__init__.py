"""The session store: the only package that imports sqlite3.

Use :func:`open_store` (settings-driven, applies retention) or
``SessionStore.open(path)`` directly.
"""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from assistant.store.audio import AudioKeeper
from assistant.store.connection import Clock, default_actor, utc_now
from assistant.store.db import SessionStore
from assistant.store.files import default_db_path
from assistant.store.records import (
    STATUS_LABELS_FR,
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
from assistant.store.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "STATUS_LABELS_FR",
    "AudioKeeper",
    "AuditAction",
    "AuditEntry",
    "Clock",
    "Count",
    "DraftRecord",
    "EditRecord",
    "NoteRecord",
    "PeriodStats",
    "PurgeReport",
    "RetentionPolicy",
    "SessionBundle",
    "SessionId",
    "SessionRecord",
    "SessionStatus",
    "SessionStore",
    "db_path",
    "default_actor",
    "open_store",
    "retention_policy",
    "utc_now",
]


def db_path(settings: Settings) -> Path:
    return settings.store.path if settings.store.path is not None else default_db_path()


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        unconfirmed_days=settings.store.retention_unconfirmed_days,
        confirmed_days=settings.store.retention_confirmed_days,
    )


def open_store(settings: Settings, *, clock: Clock = utc_now, purge: bool = True) -> SessionStore:
    """Open the configured store; by default apply the retention periods at once."""
    store = SessionStore.open(
        db_path(settings), clock=clock, actor=settings.store.agent or None,
        busy_timeout_ms=settings.store.busy_timeout_ms,
    )
    if purge:
        try:
            store.purge_expired(retention_policy(settings))
        except BaseException:
            store.close()
            raise
    return store
