"""Between the notes models and the review panel (pure, no Textual, no I/O).

The panel shows and edits one value per line, as text ("NIR 185057800608491",
"540", "2026-12-15", "USAGER : envoyer l'avis : 2026-12-15"). This module turns
a ``CaseNoteDraft`` into those lines, checks what the agent types (a French
``InputError`` naming the value and the expected form), and turns the agent's
decisions into the notes' own ``NoteReview`` to confirm the note.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from assistant.errors import InputError
from assistant.folding import fold
from assistant.identify.kinds import check
from assistant.notes.models import (
    CaseNoteDraft,
    ConfirmedNote,
    DocumentKind,
    Drafted,
    FollowUp,
    Identifier,
    IdentifierKind,
    NoteField,
    NoteReview,
    Organization,
    Party,
    Reason,
)
from assistant.tui import strings as S
from assistant.tui.review import (
    LIST_FIELDS,
    AskAgain,
    DraftItem,
    EvidenceSpan,
    ReviewState,
    RowStatus,
)


def _evidence(drafted: Drafted[Any]) -> tuple[EvidenceSpan, ...]:
    return tuple(EvidenceSpan(e.segment_id, e.start, e.end, e.quote) for e in drafted.evidence)


def text_of(field: str, value: Any) -> str:
    """A drafted value (notes types) in the panel's text form."""
    if value is None:
        return ""
    if field == "identifiers":
        assert isinstance(value, Identifier)
        return f"{value.kind.value} {value.value}"
    if field == "follow_ups":
        assert isinstance(value, FollowUp)
        due = f" : {value.due.isoformat()}" if value.due else ""
        return f"{value.who.value} : {value.action}{due}"
    if field == "complex_situation":
        return S.YES if value else S.NO
    if field == "amounts_eur":
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def items_from_draft(draft: CaseNoteDraft) -> list[DraftItem]:
    """Every drafted value as a panel item, with its evidence and confidence."""
    items: list[DraftItem] = []
    for field in NoteField:
        raw = getattr(draft, field.value)
        for drafted in raw if isinstance(raw, tuple) else (raw,):
            if field.value not in LIST_FIELDS and drafted.confidence == 0.0 and not (
                drafted.evidence
            ):
                continue  # the model's default, not something the drafter read
            text = text_of(field.value, drafted.value)
            if not text:
                continue
            items.append(DraftItem(field.value, text, _evidence(drafted), drafted.confidence))
    return items


def ask_again_from_draft(draft: CaseNoteDraft) -> list[AskAgain]:
    """The numbers the drafter heard and did not keep, for the agent to have said again."""
    return [AskAgain(d.value.value, _evidence(d)) for d in draft.to_ask_again]


# --- what the agent types -----------------------------------------------------------

def of_kind(kind: str, text: str) -> str:
    """An identifier typed for a known kind (a number to have said again): the
    kind put before the value unless the agent typed one."""
    return text if _split_identifier(text) is not None else f"{kind} {text.strip()}"


def _code(text: str) -> str:
    plain = fold(text.strip(), lower=False)
    return re.sub(r"[\s\-'°]+", "_", plain).upper().strip("_")


_STOP_WORDS = {"DE", "D", "DU", "DES", "LA", "LE", "LES", "L", "OU", "ET", "A", "AU"}


def _words(code: str) -> tuple[str, ...]:
    return tuple(w for w in code.split("_") if w and w not in _STOP_WORDS)


def _match_code(codes: Iterable[str], text: str) -> str | None:
    """A code from what the agent typed: the code itself, its words said in French
    ("justificatif de domicile"), or the unique code it starts ("bail")."""
    typed = _code(text)
    choices = list(codes)
    if typed in choices:
        return typed
    words = _words(typed)
    if not words:
        return None
    same = [c for c in choices if _words(c) == words]
    if len(same) == 1:
        return same[0]
    starts = [c for c in choices if _words(c)[: len(words)] == words]
    return starts[0] if len(starts) == 1 else None


def _bad(field: str, text: str, why: str) -> InputError:
    return InputError(
        S.EDIT_INVALID.format(error=f"« {text} » ({why})"),
        S.EDIT_HINTS.get(field, ""),
    )


def _parse_date(field: str, text: str) -> dt.date:
    t = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", t)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(t)
    except ValueError:
        raise _bad(field, text, "date impossible") from None


def _check_identifier(kind: IdentifierKind, value: str) -> str:
    """The normal form of an identifier the agent typed (``kinds.check``, the one
    validator of identifiers), or ValueError."""
    normal = check(kind, value)
    if normal is None:
        raise ValueError(value)
    return normal


_KIND_WORDS: dict[tuple[str, ...], IdentifierKind] = {
    ("ALLOCATAIRE",): IdentifierKind.NUMERO_ALLOCATAIRE,
    ("CAF",): IdentifierKind.NUMERO_ALLOCATAIRE,
    ("SECU",): IdentifierKind.NIR,
    ("SECURITE", "SOCIALE"): IdentifierKind.NIR,
    ("FISCAL",): IdentifierKind.NUMERO_FISCAL,
    ("FRANCE", "TRAVAIL"): IdentifierKind.IDENTIFIANT_FRANCE_TRAVAIL,
    ("POLE", "EMPLOI"): IdentifierKind.IDENTIFIANT_FRANCE_TRAVAIL,
    ("TEL",): IdentifierKind.TELEPHONE,
    ("PORTABLE",): IdentifierKind.TELEPHONE,
    ("MAIL",): IdentifierKind.EMAIL,
    ("E", "MAIL"): IdentifierKind.EMAIL,
    ("COURRIEL",): IdentifierKind.EMAIL,
    ("PLAQUE",): IdentifierKind.IMMATRICULATION,
}


def _split_identifier(text: str) -> tuple[IdentifierKind, str] | None:
    """("numéro allocataire 52 14 368") -> (NUMERO_ALLOCATAIRE, "52 14 368")."""
    tokens = text.split()
    for n in range(len(tokens) - 1, 0, -1):
        words = tuple(w for w in _words(_code(" ".join(tokens[:n])))
                      if w not in ("NUMERO", "N", "NO", "IDENTIFIANT", "ADRESSE"))
        kind = _KIND_WORDS.get(words)
        if kind is None and words:
            code = _match_code((k.value for k in IdentifierKind), "_".join(words))
            kind = IdentifierKind(code) if code else None
        if kind is not None:
            return kind, " ".join(tokens[n:])
    return None


def normalise(field: str, text: str) -> str:
    """Check one value typed by the agent; its normal text form, or InputError."""
    t = text.strip()
    if field == "summary":
        return t
    if field in ("organizations", "referral"):
        if field == "referral" and not t:
            return ""
        org = _match_code((o.value for o in Organization), t)
        if org is None:
            raise _bad(field, text, "organisme inconnu")
        return org
    if field == "reason":
        reason = _match_code((r.value for r in Reason), t)
        if reason is None:
            raise _bad(field, text, "motif inconnu")
        return reason
    if field == "documents_requested":
        document = _match_code((d.value for d in DocumentKind), t)
        if document is None:
            raise _bad(field, text, "pièce inconnue")
        return document
    if field == "complex_situation":
        folded = _code(t)
        if folded in ("OUI", "O", "VRAI", "1"):
            return S.YES
        if folded in ("NON", "N", "FAUX", "0", ""):
            return S.NO
        raise _bad(field, text, "oui ou non")
    if field == "amounts_eur":
        m = re.fullmatch(r"(\d+(?:[ .]\d{3})*)(?:[,.](\d{1,2}))?\s*(?:€|euros?)?", t)
        if not m:
            raise _bad(field, text, "montant illisible")
        number = float(re.sub(r"[ .]", "", m.group(1)) + "." + (m.group(2) or "0"))
        return text_of(field, number)
    if field == "dates":
        return _parse_date(field, t).isoformat()
    if field == "identifiers":
        split = _split_identifier(t)
        if split is None:
            raise _bad(field, text, "type d'identifiant inconnu")
        kind, value = split
        try:
            return f"{kind.value} {_check_identifier(kind, value)}"
        except ValueError:
            raise _bad(field, text, f"{kind.value} invalide") from None
    if field == "follow_ups":
        who_text, _, rest = t.partition(":")
        action, due_text = rest.strip(), ""
        m = re.search(r"\s*:\s*(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})$", action)
        if m:
            action, due_text = action[: m.start()].strip(), m.group(1)
        if not action:
            raise _bad(field, text, "qui : action")
        who = _code(who_text)
        if who not in Party.__members__ and who not in Organization.__members__:
            raise _bad(field, text, "AGENT, USAGER ou un organisme")
        due = f" : {_parse_date(field, due_text).isoformat()}" if due_text else ""
        return f"{who} : {action}{due}"
    raise _bad(field, text, "champ inconnu")


# --- what the agent confirms ----------------------------------------------------------

def _contract_item(field: str, text: str) -> Any:
    if field == "identifiers":
        kind, _, value = text.partition(" ")
        return {"kind": kind, "value": value}
    if field == "follow_ups":
        return _split_follow_up(text)
    if field == "amounts_eur":
        return float(text)
    if field == "complex_situation":
        return text == S.YES
    return text


def _split_follow_up(text: str) -> dict[str, Any]:
    who, _, rest = text.partition(" : ")
    m = re.search(r" : (\d{4}-\d{2}-\d{2})$", rest)
    if m:
        return {"who": who, "action": rest[: m.start()], "due": m.group(1)}
    return {"who": who, "action": rest, "due": None}


def contract_value(field: str, texts: list[str]) -> Any:
    """The values the agent kept for ``field``, in the JSON contract's shape."""
    if field in LIST_FIELDS:
        return [_contract_item(field, t) for t in texts]
    if not texts or not texts[0]:
        return {"referral": None, "summary": "", "complex_situation": False,
                "reason": "AUTRE"}[field]
    return _contract_item(field, texts[0])


def note_review(state: ReviewState, draft: CaseNoteDraft) -> NoteReview:
    """The agent's decisions as the notes' field-level review."""
    review = NoteReview()
    finals = state.final_values()
    touched = set(state.changed_fields())
    for field in NoteField:
        rows = [r for r in state.rows() if r.field == field.value and r.is_value]
        if field.value in touched:
            review = review.edit(field, contract_value(field.value, finals[field.value]))
        elif rows and all(r.status is RowStatus.ACCEPTED for r in rows):
            review = review.accept(draft, field)
    return review


def confirm(state: ReviewState, draft: CaseNoteDraft, confirmed_by: str,
            at: dt.datetime | None = None) -> ConfirmedNote:
    """Freeze the note the agent reviewed (InputError if a value does not fit)."""
    try:
        return note_review(state, draft).confirm(draft, confirmed_by, at)
    except ValidationError as exc:
        raise InputError(S.EDIT_INVALID.format(error=exc.errors()[0]["msg"]),
                         S.CONFIRM_FIX) from None
