"""The agent's review of a draft note, as pure state (no Textual, no I/O).

The drafter keeps proposing values while the appointment goes on; the agent
accepts, rejects, edits, adds and removes them, possibly while new values still
arrive. ``ReviewState`` keeps both apart: the latest drafted items, and the
agent's decisions keyed by a stable item key, so that a new draft never undoes
what the agent did. ``rows()`` is what the draft panel shows; ``final_values()``
is what the agent confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from assistant.identify.kinds import HIDDEN_ON_SCREEN

FIELD_ORDER: tuple[str, ...] = (
    "reason",
    "organizations",
    "summary",
    "identifiers",
    "amounts_eur",
    "dates",
    "documents_requested",
    "follow_ups",
    "complex_situation",
    "referral",
)
LIST_FIELDS = frozenset(
    {"organizations", "documents_requested", "identifiers", "amounts_eur", "dates", "follow_ups"}
)
SENSITIVE_KINDS = frozenset(k.value for k in HIDDEN_ON_SCREEN)
"""Identifier kinds masked on screen until revealed (``identify.kinds``), as the
panel writes them."""


@dataclass(frozen=True, slots=True)
class EvidenceSpan:
    """Where a drafted value was read: a character span of one transcript segment."""

    segment_id: int
    start: int
    end: int
    quote: str = ""


@dataclass(frozen=True, slots=True)
class DraftItem:
    """One value the drafter proposes, in the text form the agent edits."""

    field: str
    value: str
    evidence: tuple[EvidenceSpan, ...] = ()
    confidence: float | None = None

    @property
    def key(self) -> str:
        return item_key(self.field, self.value)


class RowStatus(StrEnum):
    DRAFT = "draft"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"
    ADDED = "added"
    EMPTY = "empty"  # a field with no value yet: a row to add to
    ASK_AGAIN = "ask_again"  # a number heard, not drafted: to have said again (no value)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the draft panel."""

    key: str
    field: str
    value: str
    status: RowStatus
    evidence: tuple[EvidenceSpan, ...] = ()
    confidence: float | None = None

    @property
    def is_value(self) -> bool:
        """A value of the note (not the empty field's row, nor a number to have said again)."""
        return self.status not in (RowStatus.EMPTY, RowStatus.ASK_AGAIN)

    @property
    def sensitive(self) -> bool:
        """Masked on screen until revealed: a NIR or an IBAN (identifiers), or a
        text value that holds such a number."""
        if self.field == "identifiers":
            return self.value.split(" ", 1)[0] in SENSITIVE_KINDS
        if self.field in ("summary", "follow_ups"):
            from assistant.tui.viewmodel import has_sensitive

            return has_sensitive(self.value)
        return False


@dataclass(frozen=True, slots=True)
class ReviewEdit:
    """One decision of the agent, for the audit trail."""

    field: str
    action: str  # edit | accept | reject | add | remove
    old: str | None
    new: str | None
    evidence: tuple[EvidenceSpan, ...] = ()
    """Where an added value was heard (a number dictated), for the audit trail."""


@dataclass(frozen=True, slots=True)
class AskAgain:
    """A number heard where an identifier was asked or named, that the drafter
    did not keep (failed its check, or its words were unsure): the agent has it
    said again. ``kind``: the identifier kind's code; no value is carried."""

    kind: str
    evidence: tuple[EvidenceSpan, ...] = ()

    @property
    def key(self) -> str:
        return f"ask:{self.kind}"


def item_key(field: str, value: str) -> str:
    return field if field not in LIST_FIELDS else f"{field}:{value}"


Validator = Callable[[str, str], str]
"""(field, text typed by the agent) -> normalised text, or raises InputError."""


def _accept_any(field: str, text: str) -> str:
    return text.strip()


class ReviewState:
    """The drafted items plus the agent's decisions on them."""

    def __init__(self, validate: Validator = _accept_any) -> None:
        self._validate = validate
        self._drafted: dict[str, DraftItem] = {}
        self._status: dict[str, RowStatus] = {}
        self._override: dict[str, str] = {}  # scalar field -> agent's value
        self._added: dict[str, DraftItem] = {}  # key -> item the agent typed
        self._removed: set[str] = set()
        self._ask_again: dict[str, AskAgain] = {}
        self._dismissed: set[str] = set()  # numbers to have said again the agent set aside
        self.edits: list[ReviewEdit] = []

    # --- the drafter's side ---------------------------------------------------------
    def update_draft(self, items: Iterable[DraftItem], ask_again: Iterable[AskAgain] = ()
                     ) -> None:
        self._drafted = {item.key: item for item in items}
        self._ask_again = {a.key: a for a in ask_again}

    # --- what is shown ---------------------------------------------------------------
    def rows(self) -> tuple[Row, ...]:
        out: list[Row] = []
        for field in FIELD_ORDER:
            rows = self._field_rows(field)
            if not rows:
                rows = [Row(key=f"{field}:", field=field, value="", status=RowStatus.EMPTY)]
            out.extend(rows)
            if field == "identifiers":
                out.extend(self._ask_again_rows(rows))
        return tuple(out)

    def _ask_again_rows(self, values: Sequence[Row]) -> list[Row]:
        """The numbers to have said again, once per kind, until the agent adds or
        edits a value of that kind or sets the row aside."""
        mine = {r.value.split(" ", 1)[0] for r in values
                if r.status in (RowStatus.ADDED, RowStatus.EDITED)}
        return [Row(a.key, "identifiers", a.kind, RowStatus.ASK_AGAIN, a.evidence)
                for a in self._ask_again.values()
                if a.kind not in mine and a.key not in self._dismissed]

    def _field_rows(self, field: str) -> list[Row]:
        rows: list[Row] = []
        seen: set[str] = set()
        # A value the agent added with its own evidence (dictated) shows that evidence.
        heard = [i for i in self._added.values() if i.evidence]
        for item in [*heard, *self._drafted.values(), *self._added.values()]:
            if item.field != field or item.key in self._removed or item.key in seen:
                continue
            seen.add(item.key)
            value = self._override.get(item.key, item.value)
            status = self._status.get(item.key, RowStatus.DRAFT)
            if not value and field not in LIST_FIELDS and status is RowStatus.DRAFT:
                continue
            rows.append(Row(item.key, field, value, status, item.evidence, item.confidence))
        if field not in LIST_FIELDS and not rows and field in self._override:
            rows.append(Row(field, field, self._override[field], RowStatus.EDITED))
        return rows

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows() if r.key == key), None)

    # --- the agent's side --------------------------------------------------------------
    def edit(self, key: str, text: str) -> Row:
        row = self._need(key)
        if row.status is RowStatus.ASK_AGAIN:
            return self.add(row.field, text)
        value = self._validate(row.field, text)
        if row.field not in LIST_FIELDS:
            self._override[row.field] = value
            self._status[row.field] = RowStatus.EDITED
            self.edits.append(ReviewEdit(row.field, "edit", row.value or None, value))
            return self._need(row.field)
        if value == row.value:
            return row
        # A list item changed value: the old one goes, the new one is the agent's.
        if row.status is not RowStatus.EMPTY:
            self._removed.add(key)
            self._added.pop(key, None)
        new = DraftItem(row.field, value, row.evidence, row.confidence)
        self._added[new.key] = new
        self._removed.discard(new.key)
        self._status[new.key] = RowStatus.EDITED if row.status is not RowStatus.EMPTY else (
            RowStatus.ADDED
        )
        self.edits.append(ReviewEdit(row.field, "edit", row.value or None, value))
        return self._need(new.key)

    def add(self, field: str, text: str, evidence: tuple[EvidenceSpan, ...] = (),
            confidence: float | None = None) -> Row:
        """The agent adds a value: typed, or dictated (``evidence``: where it was heard)."""
        if field not in LIST_FIELDS:
            return self.edit(self._need_field_key(field), text)
        value = self._validate(field, text)
        new = DraftItem(field, value, evidence, confidence)
        if new.key not in self._drafted or evidence:
            self._added[new.key] = new
        self._removed.discard(new.key)
        self._status[new.key] = RowStatus.ADDED
        self.edits.append(ReviewEdit(field, "add", None, value, evidence))
        return self._need(new.key)

    def remove(self, key: str) -> None:
        row = self._need(key)
        if row.status is RowStatus.ASK_AGAIN:
            self._dismissed.add(key)
            return
        if row.status is RowStatus.EMPTY:
            return
        self._removed.add(key)
        self._added.pop(key, None)
        self.edits.append(ReviewEdit(row.field, "remove", row.value, None))

    def accept(self, key: str) -> Row:
        return self._set_status(key, RowStatus.ACCEPTED, "accept")

    def reject(self, key: str) -> Row:
        return self._set_status(key, RowStatus.REJECTED, "reject")

    def _set_status(self, key: str, status: RowStatus, action: str) -> Row:
        row = self._need(key)
        if row.status is RowStatus.ASK_AGAIN and status is RowStatus.REJECTED:
            self._dismissed.add(key)  # set aside: nothing to have said again
            return row
        if not row.is_value:
            return row
        new_status = RowStatus.DRAFT if row.status is status else status
        self._status[key] = new_status
        self.edits.append(ReviewEdit(row.field, action if new_status is status else "undo",
                                     row.value, row.value))
        return self._need(key)

    def replay(self, edit: ReviewEdit) -> None:
        """Apply a decision recorded earlier (reopening a session), as it was made."""
        key = item_key(edit.field, edit.old or "")
        if edit.action == "edit":
            if self.row(key) is None and edit.field in LIST_FIELDS:
                key = f"{edit.field}:"  # the field was empty: the edit added a value
            row = self.row(key)
            if row is not None and edit.new is not None:
                self.edit(key, edit.new)
        elif edit.action == "add" and edit.new is not None:
            self.add(edit.field, edit.new, edit.evidence)
        elif edit.action == "remove" and self.row(key) is not None:
            self.remove(key)
        elif edit.action in ("accept", "reject", "undo") and self.row(key) is not None:
            self._status[key] = {"accept": RowStatus.ACCEPTED, "reject": RowStatus.REJECTED,
                                 "undo": RowStatus.DRAFT}[edit.action]
            self.edits.append(edit)

    # --- what is confirmed ---------------------------------------------------------------
    def final_values(self) -> dict[str, list[str]]:
        """Field -> the values the agent keeps (rejected and removed ones left out)."""
        out: dict[str, list[str]] = {field: [] for field in FIELD_ORDER}
        for row in self.rows():
            if row.status is RowStatus.REJECTED or not row.is_value or not row.value:
                continue
            out[row.field].append(row.value)
        return out

    def changed_fields(self) -> tuple[str, ...]:
        return tuple(sorted({e.field for e in self.edits if e.action in ("edit", "add", "remove",
                                                                          "reject")}))

    def is_empty(self) -> bool:
        return not any(self.final_values().values())

    # --- helpers --------------------------------------------------------------------------
    def _need(self, key: str) -> Row:
        row = self.row(key)
        if row is None:
            raise KeyError(key)
        return row

    def _need_field_key(self, field: str) -> str:
        return next(r.key for r in self.rows() if r.field == field)


def rows_for_field(rows: Sequence[Row], field: str) -> list[Row]:
    return [r for r in rows if r.field == field]


def with_status(row: Row, status: RowStatus) -> Row:
    return replace(row, status=status)
