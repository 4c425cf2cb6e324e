"""The case-note models: JSON contract, agent review, confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from assistant.notes.drafter import draft_from_text
from assistant.notes.models import (
    CaseNote,
    ConfirmedNote,
    NoteField,
    NoteReview,
    Organization,
    Reason,
    ReviewStatus,
)

TEXT = (
    "Bonjour, je viens pour mon APL, la CAF a arrêté de la verser.\n"
    "Votre numéro allocataire ?\n"
    "C'est le 48 21 937.\n"
    "Il faudra envoyer votre bail et un RIB avant le 3 mars. Le loyer est de 540 euros."
)
DAY = dt.date(2026, 2, 10)

CONTRACT_KEYS = {
    "organizations", "reason", "summary", "documents_requested", "identifiers", "amounts_eur",
    "dates", "follow_ups", "complex_situation", "referral",
}


def test_contract_has_the_keys_and_plain_json_types() -> None:
    contract = draft_from_text(TEXT, DAY).to_contract()
    assert set(contract) >= CONTRACT_KEYS
    assert contract["organizations"] == ["CAF"]
    assert contract["reason"] == "LOGEMENT"
    assert contract["identifiers"] == [{"kind": "NUMERO_ALLOCATAIRE", "value": "4821937"}]
    assert contract["amounts_eur"] == [540]
    assert contract["dates"] == ["2026-03-03"]
    assert set(contract["documents_requested"]) == {"BAIL_OU_QUITTANCE", "RIB"}


def test_every_drafted_value_points_at_its_words() -> None:
    segments = [line for line in TEXT.splitlines() if line]
    draft = draft_from_text(TEXT, DAY)
    for field in NoteField:
        for ev in draft.evidence(field):
            assert segments[ev.segment_id][ev.start : ev.end] == ev.quote
    (ident,) = draft.identifiers
    assert ident.evidence[0].quote == "48 21 937"
    assert 0 < ident.confidence <= 1


def test_empty_draft_is_empty() -> None:
    draft = draft_from_text("", DAY)
    assert draft.is_empty
    assert draft.to_contract() == CaseNote().to_contract()


def test_review_edits_rejects_accepts_and_confirms() -> None:
    draft = draft_from_text(TEXT, DAY)
    at = dt.datetime(2026, 2, 10, 10, 30, tzinfo=dt.UTC)
    review = (
        NoteReview()
        .edit(NoteField.REASON, "MINIMA_SOCIAUX", at=at)
        .reject(NoteField.AMOUNTS_EUR)
        .accept(draft, NoteField.IDENTIFIERS)
    )
    assert review.status(NoteField.REASON) is ReviewStatus.EDITED
    assert review.status(NoteField.DATES) is ReviewStatus.PENDING
    note = review.apply(draft)
    assert note.reason is Reason.MINIMA_SOCIAUX
    assert note.amounts_eur == ()
    assert note.organizations == (Organization.CAF,)

    confirmed = review.confirm(draft, confirmed_by=" agent.dupont ", confirmed_at=at)
    assert confirmed.confirmed_by == "agent.dupont"
    assert confirmed.schema_version == 1
    assert set(confirmed.changed_fields) == {NoteField.REASON, NoteField.AMOUNTS_EUR}
    assert NoteField.IDENTIFIERS in confirmed.evidence
    assert NoteField.AMOUNTS_EUR not in confirmed.evidence
    with pytest.raises(ValidationError):
        confirmed.reason = Reason.AUTRE
    assert ConfirmedNote.model_validate_json(confirmed.model_dump_json()) == confirmed


def test_accepting_pins_the_value_while_the_draft_grows() -> None:
    lines = TEXT.splitlines()
    early = draft_from_text("\n".join(lines[:3]), DAY)
    review = NoteReview().accept(early, NoteField.AMOUNTS_EUR)
    later = draft_from_text(TEXT, DAY)
    assert later.to_contract()["amounts_eur"] == [540]
    assert review.apply(later).amounts_eur == ()
    # Following the draft again
    assert review.reset(NoteField.AMOUNTS_EUR).apply(later).amounts_eur == (540.0,)


def test_bad_edits_are_refused() -> None:
    with pytest.raises(ValidationError):
        NoteReview().edit(NoteField.REASON, "PAS_UN_CODE")
    with pytest.raises(ValidationError):
        NoteReview().edit(NoteField.DATES, ["31/02/2026"])
    with pytest.raises(ValidationError):
        NoteReview().confirm(draft_from_text(TEXT, DAY), confirmed_by="   ")
