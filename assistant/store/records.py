"""Frozen records the store hands out (never sqlite rows or dicts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import NewType

from assistant.types import Segment

SessionId = NewType("SessionId", int)


class SessionStatus(StrEnum):
    """What a session is now. ``active``: its process is still recording;
    ``interrupted``: never ended and its process is gone (a crash, a kill):
    offered for review at the next start; ``ended``: closed without a
    confirmed note; ``confirmed``: the agent confirmed its note."""

    ACTIVE = "active"
    INTERRUPTED = "interrupted"
    ENDED = "ended"
    CONFIRMED = "confirmed"


STATUS_LABELS_FR: dict[SessionStatus, str] = {
    SessionStatus.ACTIVE: "en cours",
    SessionStatus.INTERRUPTED: "interrompue",
    SessionStatus.ENDED: "terminée",
    SessionStatus.CONFIRMED: "fiche confirmée",
}


class AuditAction(StrEnum):
    CREATED = "created"
    ENDED = "ended"
    RESUMED = "resumed"
    CONFIRMED = "confirmed"
    EXPORTED = "exported"
    REVEALED = "revealed"
    PURGED = "purged"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: SessionId
    started_at: datetime
    ended_at: datetime | None
    status: SessionStatus
    appointment_date: date
    source: str
    agent: str
    segment_count: int
    audio_path: Path | None


@dataclass(frozen=True, slots=True)
class DraftRecord:
    session_id: SessionId
    version: int
    saved_at: datetime
    json: str


@dataclass(frozen=True, slots=True)
class EditRecord:
    session_id: SessionId
    field: str
    old_json: str
    new_json: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """A confirmed note: its full JSON plus the few columns stats reads."""

    session_id: SessionId
    json: str
    schema_version: int
    confirmed_by: str
    confirmed_at: datetime
    reason: str | None
    organizations: tuple[str, ...]
    complex_situation: bool


@dataclass(frozen=True, slots=True)
class AuditEntry:
    session_id: SessionId | None
    action: AuditAction
    actor: str
    at: datetime
    detail: str


@dataclass(frozen=True, slots=True)
class SessionBundle:
    """Everything an export needs about one session."""

    session: SessionRecord
    segments: tuple[Segment, ...]
    note: NoteRecord | None
    draft: DraftRecord | None


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    unconfirmed_days: int
    confirmed_days: int


@dataclass(frozen=True, slots=True)
class PurgeReport:
    unconfirmed: int
    confirmed: int
    audio_files: int

    @property
    def total(self) -> int:
        return self.unconfirmed + self.confirmed


@dataclass(frozen=True, slots=True)
class Count:
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """Counts over a period; holds no identifier of any person or session."""

    start: date
    end: date
    sessions: int
    confirmed_notes: int
    complex_situations: int
    by_reason: tuple[Count, ...]
    by_body: tuple[Count, ...]
