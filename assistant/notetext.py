"""The case note as plain French text: the one rendering shared by the clipboard
copy of the counter app and the txt / md exports (pure, no I/O).

Labels, never codes (« Logement (APL) », « 540 € », « 15/12/2026 »);
identifiers that are masked when shared (``identify.kinds.MASKED_WHEN_SHARED``:
NIR, IBAN, telephone, e-mail; and any long number in free text) stay masked
unless the agent revealed them, which the caller records in the audit trail.
A note the agent has not confirmed says so on its first line.

A site matches its business software with the ``share`` settings
(``NoteLayout``): which fields, in which order, under which labels, or a whole
``string.Template`` with one ``$name`` per field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from string import Template
from typing import TYPE_CHECKING

from assistant.identify.kinds import MASKED_WHEN_SHARED
from assistant.notes.labels import (
    DOCUMENT_LABELS,
    FIELD_LABELS,
    IDENTIFIER_LABELS,
    ORGANIZATION_LABELS,
    PARTY_LABELS,
    REASON_LABELS,
    euros,
)
from assistant.notes.models import (
    CaseNote,
    ConfirmedNote,
    Evidence,
    Identifier,
    NoteField,
    Party,
    Reason,
)
from assistant.privacy import mask_identifier, mask_text

if TYPE_CHECKING:
    from assistant.settings import ShareSettings

UNCONFIRMED_LINE = "Attention : fiche non confirmée par l'agent (brouillon)."
"""The first line of a note the agent has not confirmed (copy, export, stderr)."""

FIELD_NAMES: tuple[str, ...] = tuple(f.value for f in NoteField)
"""The names a layout may list or a template may use (``$reason``…), besides
``$date``, ``$confirmed_by``, ``$confirmed_at`` and ``$status``."""

_MASKED_KINDS = frozenset(k.value for k in MASKED_WHEN_SHARED)
_HOUSING_AID = re.compile(r"\b(APL|ALS|ALF)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NoteLayout:
    """Which fields, in which order, under which labels; or a whole template."""

    fields: tuple[str, ...] = FIELD_NAMES
    labels: Mapping[str, str] = field(default_factory=dict)
    template: str | None = None

    @classmethod
    def of(cls, share: ShareSettings) -> NoteLayout:
        return cls(tuple(share.fields), {str(k): v for k, v in share.labels.items()},
                   share.template)

    def label(self, name: str) -> str:
        return self.labels.get(name) or FIELD_LABELS[NoteField(name)]


DEFAULT_LAYOUT = NoteLayout()


@dataclass(frozen=True, slots=True)
class SharedNote:
    """A note ready to leave the workstation: its values, its date, and, once
    confirmed, who confirmed it and when."""

    note: CaseNote
    appointment_date: dt.date
    confirmed_by: str | None = None
    confirmed_at: dt.datetime | None = None
    reason_evidence: tuple[Evidence, ...] = ()

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by is not None

    @classmethod
    def of_confirmed(cls, note: ConfirmedNote) -> SharedNote:
        return cls(note, note.appointment_date, note.confirmed_by, note.confirmed_at,
                   note.evidence.get(NoteField.REASON, ()))

    @classmethod
    def from_json(cls, text: str, *, confirmed: bool,
                  appointment_date: dt.date) -> SharedNote:
        """A stored note: a confirmed note's JSON, or a draft's (``CaseNoteDraft``)."""
        from assistant.notes.models import CaseNoteDraft

        if confirmed:
            return cls.of_confirmed(ConfirmedNote.model_validate_json(text))
        draft = CaseNoteDraft.model_validate_json(text)
        return cls(draft.note(), appointment_date, reason_evidence=draft.reason.evidence)


def reason_label(reason: Reason, evidence: Iterable[Evidence] = ()) -> str:
    """« Logement (APL) » when the words of the motif name the aid, else the label."""
    if reason is Reason.LOGEMENT:
        m = _HOUSING_AID.search(" ".join(e.quote for e in evidence))
        if m:
            return f"{REASON_LABELS[reason]} ({m.group(1).upper()})"
    return REASON_LABELS[reason]


def _identifier(i: Identifier, revealed: Collection[str]) -> str:
    label = IDENTIFIER_LABELS[i.kind]
    if i.value in revealed:
        return f"{label} {i.value}"
    if i.kind.value in _MASKED_KINDS:
        return f"{label} {mask_identifier(i.kind.value, i.value)}"
    return f"{label} {mask_text(i.value)}"


def field_values(shared: SharedNote, revealed: Collection[str] = (),
                 clear: bool = False) -> dict[str, list[str]]:
    """Each field's values as French text (empty list: nothing), masked unless
    revealed (``clear``: nothing masked, for the agent's own eyes)."""
    n = shared.note
    if clear:
        revealed = {i.value for i in n.identifiers}

    def text(value: str) -> str:
        return value if clear or any(r in value for r in revealed) else mask_text(value)

    follow = []
    for f in n.follow_ups:
        who = PARTY_LABELS[f.who] if isinstance(f.who, Party) else ORGANIZATION_LABELS[f.who]
        due = f" (avant le {f.due:%d/%m/%Y})" if f.due else ""
        follow.append(f"{who} : {text(f.action)}{due}")
    return {
        NoteField.ORGANIZATIONS.value: [ORGANIZATION_LABELS[o] for o in n.organizations],
        NoteField.REASON.value: [reason_label(n.reason, shared.reason_evidence)],
        NoteField.SUMMARY.value: [text(n.summary)] if n.summary else [],
        NoteField.DOCUMENTS_REQUESTED.value: [DOCUMENT_LABELS[d] for d in n.documents_requested],
        NoteField.IDENTIFIERS.value: [_identifier(i, revealed) for i in n.identifiers],
        NoteField.AMOUNTS_EUR.value: [euros(a) for a in n.amounts_eur],
        NoteField.DATES.value: [f"{d:%d/%m/%Y}" for d in n.dates],
        NoteField.FOLLOW_UPS.value: follow,
        NoteField.COMPLEX_SITUATION.value: ["oui" if n.complex_situation else "non"],
        NoteField.REFERRAL.value: [ORGANIZATION_LABELS[n.referral]] if n.referral else [],
    }


def status_line(shared: SharedNote) -> str:
    if shared.confirmed_at is None:
        return UNCONFIRMED_LINE
    at = shared.confirmed_at.astimezone()
    return f"Fiche confirmée par {shared.confirmed_by} le {at:%d/%m/%Y à %H:%M}."


def template_values(shared: SharedNote, revealed: Collection[str] = (),
                    clear: bool = False) -> dict[str, str]:
    """The ``$names`` of a layout template: each field joined by « ; », and the facts."""
    values = {k: "; ".join(v) or "—"
              for k, v in field_values(shared, revealed, clear).items()}
    values.update(
        date=f"{shared.appointment_date:%d/%m/%Y}",
        confirmed_by=shared.confirmed_by or "",
        confirmed_at=(f"{shared.confirmed_at.astimezone():%d/%m/%Y %H:%M}"
                      if shared.confirmed_at else ""),
        status=status_line(shared),
    )
    return values


def render_lines(values: Mapping[str, list[str]],
                 layout: NoteLayout = DEFAULT_LAYOUT) -> list[tuple[str, str]]:
    """(label, value) per field of ``layout``; ``values``: ``field_values``' answer."""
    return [(layout.label(name), "; ".join(values[name]) or "—") for name in layout.fields]


def render_note(shared: SharedNote, revealed: Collection[str] = (),
                layout: NoteLayout = DEFAULT_LAYOUT, clear: bool = False) -> str:
    """The note as plain French text, one « Label : valeur » line per field (or
    the layout's template filled in)."""
    head = [] if shared.confirmed else [UNCONFIRMED_LINE]
    if layout.template is not None:
        filled = Template(layout.template).safe_substitute(
            template_values(shared, revealed, clear))
        return "\n".join([*head, filled.rstrip("\n")]) + "\n"
    lines = [*head, f"Fiche de rendez-vous du {shared.appointment_date:%d/%m/%Y}"]
    values = field_values(shared, revealed, clear)
    lines.extend(f"{label} : {value}" for label, value in render_lines(values, layout))
    if shared.confirmed:
        lines.append(status_line(shared))
    return "\n".join(lines) + "\n"

