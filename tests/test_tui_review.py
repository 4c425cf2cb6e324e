"""The review state and the bridge to the notes models (pure, fast): what the
agent types is checked and normalised, decisions survive new drafts, and the
confirmed note says what the agent changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.notes.drafter import Drafter
from assistant.settings import Settings
from assistant.tui.labels import device_label, model_status, source_label
from assistant.tui.notebridge import ask_again_from_draft, confirm, items_from_draft, normalise
from assistant.tui.review import AskAgain, DraftItem, ReviewState, RowStatus
from assistant.tui.services import Engine
from assistant.tui.state import AppConfig, CounterState
from assistant.tui.viewmodel import display_value, masked_text, render_text
from assistant.types import Segment

DAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(("field", "typed", "expected"), [
    ("identifiers", "allocataire 52 14 368", "NUMERO_ALLOCATAIRE 5214368"),
    ("identifiers", "numéro de sécu 1 85 05 78 006 084 91", "NIR 185057800608491"),
    ("identifiers", "iban fr76 3000 6000 0112 3456 7890 189", "IBAN FR7630006000011234567890189"),
    ("identifiers", "tél 06 12 48 97 30", "TELEPHONE 0612489730"),
    ("identifiers", "immatriculation ef 482 kl", "IMMATRICULATION EF-482-KL"),
    ("documents_requested", "justificatif de domicile", "JUSTIFICATIF_DOMICILE"),
    ("documents_requested", "bail", "BAIL_OU_QUITTANCE"),
    ("organizations", "France Travail", "FRANCE_TRAVAIL"),
    ("reason", "santé", "SANTE"),
    ("amounts_eur", "1 250,50 €", "1250.50"),
    ("amounts_eur", "650", "650"),
    ("dates", "15/12/2026", "2026-12-15"),
    ("follow_ups", "usager : envoyer l'avis : 15/12/2026", "USAGER : envoyer l'avis : 2026-12-15"),
    ("complex_situation", "Oui", "oui"),
    ("referral", "", ""),
])
def test_typed_values_are_normalised(field: str, typed: str, expected: str) -> None:
    assert normalise(field, typed) == expected


@pytest.mark.parametrize(("field", "typed"), [
    ("identifiers", "NIR 185057800608492"),  # wrong key
    ("identifiers", "allocataire 12"),
    ("identifiers", "passeport 12AB"),
    ("documents_requested", "un papier"),
    ("amounts_eur", "beaucoup"),
    ("dates", "31/02/2026"),
    ("follow_ups", "le chat : nourrir"),
    ("complex_situation", "peut-être"),
])
def test_bad_values_are_refused_in_french_with_the_expected_form(field: str, typed: str) -> None:
    with pytest.raises(InputError) as err:
        normalise(field, typed)
    assert "Valeur refusée" in err.value.message and typed in err.value.message
    assert err.value.hint


def test_decisions_survive_a_new_draft() -> None:
    state = ReviewState(normalise)
    state.update_draft([DraftItem("amounts_eur", "540"), DraftItem("reason", "LOGEMENT")])
    state.edit("amounts_eur:540", "560")
    state.accept("reason")
    state.update_draft([DraftItem("amounts_eur", "540"), DraftItem("amounts_eur", "30"),
                        DraftItem("reason", "FAMILLE")])
    values = state.final_values()
    assert sorted(values["amounts_eur"]) == ["30", "560"]
    reason = state.row("reason")
    assert reason is not None and reason.status is RowStatus.ACCEPTED
    # A removed item stays removed when the drafter proposes it again.
    state.remove("amounts_eur:30")
    state.update_draft([DraftItem("amounts_eur", "30")])
    assert state.final_values()["amounts_eur"] == ["560"]
    assert [e.action for e in state.edits] == ["edit", "accept", "remove"]


def test_a_number_to_say_again_is_a_row_but_never_a_value() -> None:
    drafter = Drafter(DAY)
    for i, text in enumerate(["Quel est votre numéro de téléphone ?", "C'est le 06 12 48 97.",
                              "Et votre numéro allocataire, c'est le 52 14 368."]):
        draft = drafter.add_segment(Segment(i, i * 4.0, i * 4.0 + 3.0, text))
    state = ReviewState(normalise)
    state.update_draft(items_from_draft(draft), ask_again_from_draft(draft))
    ids = [(r.status, r.value) for r in state.rows() if r.field == "identifiers"]
    assert ids == [(RowStatus.DRAFT, "NUMERO_ALLOCATAIRE 5214368"),
                   (RowStatus.ASK_AGAIN, "TELEPHONE")]
    ask = state.row("ask:TELEPHONE")
    assert ask is not None and ask.evidence[0].quote == "06 12 48 97"
    assert not ask.is_value
    # Not confirmed, and accepting the values of the field accepts the field.
    assert state.final_values()["identifiers"] == ["NUMERO_ALLOCATAIRE 5214368"]
    state.accept("identifiers:NUMERO_ALLOCATAIRE 5214368")
    assert state.accept("ask:TELEPHONE").status is RowStatus.ASK_AGAIN  # nothing to accept
    note = confirm(state, draft, "agent.test")
    assert note.changed_fields == ()
    # The number said again and typed (Enter on the row): the row gives way to the value.
    row = state.edit("ask:TELEPHONE", "Téléphone 06 12 48 97 30")
    assert (row.status, row.value) == (RowStatus.ADDED, "TELEPHONE 0612489730")
    assert state.row("ask:TELEPHONE") is None
    assert sorted(state.final_values()["identifiers"]) == [
        "NUMERO_ALLOCATAIRE 5214368", "TELEPHONE 0612489730"]
    # Set aside by the agent: gone, and it stays gone with the next draft.
    state = ReviewState(normalise)
    state.update_draft([], [AskAgain("NIR")])
    state.reject("ask:NIR")
    state.update_draft([], [AskAgain("NIR")])
    assert state.row("ask:NIR") is None and state.edits == []


def test_confirmed_note_records_what_the_agent_changed() -> None:
    drafter = Drafter(DAY)
    for i, text in enumerate([
        "Bonjour, c'est pour l'aide au logement à la CAF.",
        "Le loyer est de 540 euros par mois.",
        "Il faudra un RIB et votre avis d'imposition.",
    ]):
        draft = drafter.add_segment(Segment(i, i * 4.0, i * 4.0 + 3.0, text))
    state = ReviewState(normalise)
    state.update_draft(items_from_draft(draft))
    state.edit("amounts_eur:540", "560")
    state.reject("documents_requested:RIB")
    state.add("identifiers", "allocataire 52 14 368")
    note = confirm(state, draft, "agent.test")
    data = note.to_contract()
    assert data["amounts_eur"] == [560]
    assert data["documents_requested"] == ["AVIS_IMPOSITION"]
    assert data["identifiers"] == [{"kind": "NUMERO_ALLOCATAIRE", "value": "5214368"}]
    assert "CAF" in data["organizations"] and data["reason"] == "LOGEMENT"
    assert {f.value for f in note.changed_fields} == {
        "amounts_eur", "documents_requested", "identifiers"}
    assert note.confirmed_by == "agent.test"


def test_screen_masks_nir_and_iban_but_keeps_evidence_highlight() -> None:
    text = "Mon NIR est le 1 85 05 78 006 084 clé 91, et mon loyer 540 euros."
    shown = masked_text(text)
    assert "85 05" not in shown and "[NIR masqué …491]" in shown and "540 euros" in shown
    start = text.index("540")
    lit = render_text(text, [(start, start + 9)], masked=True)
    assert any("reverse" in str(span.style) for span in lit.spans)
    assert render_text(text, (), masked=False).plain == text
    assert "FR76" not in masked_text("IBAN FR76 3000 6000 0112 3456 7890 189 merci")


def test_values_read_in_french() -> None:
    assert display_value("documents_requested", "AVIS_IMPOSITION") == "Avis d'imposition"
    assert display_value("dates", "2026-12-15") == "15/12/2026"
    assert display_value("amounts_eur", "12.50") == "12,50 €"
    assert display_value("follow_ups", "USAGER : envoyer l'avis : 2026-12-15") == (
        "Usager — envoyer l'avis (avant le 15/12/2026)")


def test_what_the_screens_show_of_the_app_state(settings: Settings) -> None:
    config = AppConfig(settings=settings, agent="agent.test")
    loading = CounterState()
    assert model_status(loading, config) == "Modèle whisper-base : chargement…"
    ready = CounterState(engine=Engine("whisper-small", object()), loaded_s=2.0)  # type: ignore[arg-type]
    assert model_status(ready, config) == "Modèle whisper-small : prêt (2.0 s)"
    failed = CounterState(engine_error="introuvable")
    assert "indisponible" in model_status(failed, config)
    chosen = CounterState(device="Casque USB")
    assert device_label(chosen, config) == "Casque USB"
    assert "Casque USB" in source_label(chosen, config)
    replayed = AppConfig(settings=settings, agent="agent.test", replay=Path("rdv.wav"))
    assert device_label(chosen, replayed) == "rdv.wav"
    assert "rdv.wav" in source_label(chosen, replayed)
