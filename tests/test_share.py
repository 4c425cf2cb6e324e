"""The note leaving the workstation (issue #16): the composed summary, the one
plain-text rendering (labels, masking, layout), the private files, the exports."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.notes.drafter import draft_from_text
from assistant.notes.models import (
    CaseNote,
    ConfirmedNote,
    DocumentKind,
    Evidence,
    FollowUp,
    Identifier,
    IdentifierKind,
    NoteField,
    Organization,
    Party,
    Reason,
)
from assistant.notetext import UNCONFIRMED_LINE, NoteLayout, SharedNote, render_note
from assistant.settings import Settings, load_settings
from assistant.sharing import clipboard_refusal, note_file, write_private_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

NIR = "185057800608491"
DAY = dt.date(2026, 11, 28)

SLIPPED = """Bonjour, je viens pour l'APL, la CAF m'a envoyé un courrier.
Le loyer de 540 euros par mois charge qu'on prise.
Il faudra apporter votre RIB et votre avis d'imposition avant le 15 décembre.
Votre dossier est bloqué depuis trois mois, je fais un signalement.
Vous avez droit à l'aide au logement, normalement."""


def test_summary_is_composed_not_quoted_slips_left_out() -> None:
    draft = draft_from_text(SLIPPED, DAY)
    summary = draft.summary.value
    assert summary.startswith("Rendez-vous CAF pour une aide au logement (APL).")
    assert "Pièces à fournir : " in summary and "avant le 15/12/2026" in summary
    assert "RIB" in summary and "avis d'imposition" in summary
    assert "Dossier bloqué" in summary
    assert "charge qu'on prise" not in summary and "loyer" not in summary.lower()
    assert "droit" not in summary  # the tool drafts, the agent decides
    assert summary.count(". ") + 1 <= 3
    assert draft.summary.evidence  # still tied to the words the fields came from


def test_summary_of_nothing_is_empty() -> None:
    assert draft_from_text("Bonjour. Au revoir.", DAY).summary.value == ""


def test_summaries_on_the_held_out_appointments() -> None:
    """The figures of docs/notes.md: no sentence copied whole, motif and bodies
    named in French, three sentences at most, no word of entitlement."""
    from eval_summaries import Figures, evaluate, load_cases

    figures = Figures()
    for case in load_cases("heldout") + load_cases("heldout2"):
        evaluate(case, figures)
    assert figures.cases == 24
    assert figures.copied == 0 and figures.over_limit == 0 and figures.entitlement == 0
    assert figures.names_motif == 24 and figures.names_body == 24
    assert figures.right_motif >= 20


def _note(**changes: object) -> CaseNote:
    values: dict[str, object] = dict(
        organizations=(Organization.CAF,), reason=Reason.LOGEMENT,
        summary="Rendez-vous CAF pour une aide au logement (APL).",
        documents_requested=(DocumentKind.RIB, DocumentKind.AVIS_IMPOSITION),
        identifiers=(Identifier(kind=IdentifierKind.NIR, value=NIR),
                     Identifier(kind=IdentifierKind.NUMERO_ALLOCATAIRE, value="4821937")),
        amounts_eur=(540.0,), dates=(dt.date(2026, 12, 15),),
        follow_ups=(FollowUp(who=Party.USAGER, action="Apporter le RIB.",
                             due=dt.date(2026, 12, 15)),),
        complex_situation=True)
    values.update(changes)
    return CaseNote.model_validate(values)


APL = (Evidence(segment_id=0, start=0, end=3, quote="APL"),)


def test_plain_text_has_labels_not_codes_and_masks_the_nir() -> None:
    text = render_note(SharedNote(_note(), DAY, reason_evidence=APL))
    assert text.splitlines()[0] == UNCONFIRMED_LINE
    assert "Motif : Logement (APL)" in text
    assert "Montants : 540 €" in text and "Dates : 15/12/2026" in text
    assert "Pièces demandées : RIB; avis d'imposition" in text
    assert "usager : Apporter le RIB. (avant le 15/12/2026)" in text
    assert "Situation complexe : oui" in text
    for code in ("LOGEMENT", "540.0", "2026-12-15", "AVIS_IMPOSITION", "USAGER", "NIR 1"):
        assert code not in text
    assert NIR not in text and "[NIR masqué]" in text and "4821937" in text
    revealed = render_note(SharedNote(_note(), DAY), revealed=[NIR])
    assert NIR in revealed


def test_confirmed_note_says_who_and_when_and_layout_is_the_sites() -> None:
    confirmed = ConfirmedNote(**_note().model_dump(), appointment_date=DAY,
                              confirmed_by="agent-3",
                              confirmed_at=dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC),
                              evidence={NoteField.REASON: APL})
    shared = SharedNote.of_confirmed(confirmed)
    text = render_note(shared)
    assert UNCONFIRMED_LINE not in text and "Fiche confirmée par agent-3 le 28/11/2026" in text
    layout = NoteLayout(fields=("reason", "documents_requested"),
                        labels={"documents_requested": "Pièces à fournir"})
    assert render_note(shared, layout=layout).splitlines()[1:] == [
        "Motif : Logement (APL)", "Pièces à fournir : RIB; avis d'imposition",
        "Fiche confirmée par agent-3 le 28/11/2026 à " + confirmed.confirmed_at.astimezone()
        .strftime("%H:%M") + "."]
    template = NoteLayout(template="OBJET=$reason\nPIECES=$documents_requested\nNIR=$identifiers")
    out = render_note(shared, layout=template)
    assert out.startswith("OBJET=Logement (APL)\nPIECES=RIB; avis d'imposition\n")
    assert NIR not in out


def test_layout_comes_from_the_documented_settings(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[share]\nfields = ["reason", "summary"]\n'
                      'labels = { reason = "Objet" }\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    layout = NoteLayout.of(load_settings().share)
    assert layout.fields == ("reason", "summary") and layout.label("reason") == "Objet"
    with pytest.raises(Exception, match="reason"):
        Settings(share={"fields": ["motif"]})


def test_private_file_and_clipboard_refusals(tmp_path: Path) -> None:
    path = write_private_text(note_file(tmp_path / "fiches", 7), "Fiche\n")
    assert path.read_text(encoding="utf-8") == "Fiche\n" and path.name.startswith("fiche-7-")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert clipboard_refusal({"TERM": "tmux-256color", "TMUX": "/tmp/t"}) is None
    assert clipboard_refusal({"TERM": "xterm-kitty"}) is None
    assert clipboard_refusal({"TERM_PROGRAM": "Apple_Terminal"}) is not None
    assert clipboard_refusal({"TERM": "xterm-256color", "VTE_VERSION": "7200"}) is not None
    assert clipboard_refusal({"TERM": "xterm-kitty"}, "file") is not None


def _stored_session(confirm: bool) -> int:
    from assistant.notes.models import NoteReview
    from assistant.store import SessionStore, db_path
    from assistant.types import Segment

    draft = draft_from_text(SLIPPED, DAY)
    with SessionStore.open(db_path(load_settings()), actor="agent-3") as store:
        sid = store.start_session(appointment_date=DAY).id
        for i, line in enumerate(SLIPPED.splitlines()):
            store.add_segment(sid, Segment(i, 3.0 * i, 3.0 * i + 2, line))
        store.save_draft(sid, draft)
        if confirm:
            store.confirm(sid, NoteReview().confirm(draft, "agent-3"))
        else:
            store.end_session(sid)
    return int(sid)


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_exports_hold_the_note_with_french_labels(
        fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    sid = _stored_session(confirm=True)
    assert main(["export", str(sid), "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert "Logement (APL)" in out and "540 €" in out and "15/12/2026" in out
    assert "RIB" in out and "avis d'imposition" in out
    for code in ("LOGEMENT", "540.0", "AVIS_IMPOSITION", "2026-12-15"):
        assert code not in out
    assert UNCONFIRMED_LINE not in out + err


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_exporting_an_unconfirmed_session_says_so(
        fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    sid = _stored_session(confirm=False)
    assert main(["export", str(sid), "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert UNCONFIRMED_LINE in out and UNCONFIRMED_LINE in err


def test_export_follows_the_site_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[share]\ntemplate = \"\"\"\nOBJET: $reason\nORGANISME: $organizations\n"
                      "\"\"\"\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    sid = _stored_session(confirm=True)
    assert main(["export", str(sid), "--format", "txt"]) == 0
    out = capsys.readouterr().out
    assert "OBJET: Logement (APL)\nORGANISME: CAF\n" in out
    json.loads(json.dumps(out))
