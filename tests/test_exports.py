"""Exports and the session commands, on a real store file, through the CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.notes.models import (
    CaseNoteDraft,
    Drafted,
    Identifier,
    IdentifierKind,
    NoteField,
    NoteReview,
    Organization,
    Reason,
)
from assistant.settings import load_settings
from assistant.store import AuditAction, SessionId, SessionStore, db_path
from assistant.types import Segment

NIR = "185057800608491"
IBAN = "FR7630006000011234567890189"
PHONE = "0612489730"
EMAIL = "marie.dupont@orange.fr"
SECRETS = [NIR, IBAN, PHONE, EMAIL, "006 084", "48 97 30", "marie.dupont", "3000 6000"]
DAY = date(2026, 3, 2)

SPOKEN = [
    "Bonjour madame, je viens pour mon aide au logement de la CAF.",
    "Mon numéro de sécurité sociale c'est le 1 85 05 78 006 084, clé 91.",
    "Vous pouvez me joindre au 06 12 48 97 30 ou par mail marie.dupont@orange.fr.",
    "Mon IBAN c'est FR76 3000 6000 0112 3456 7890 189.",
    "Très bien, je vous envoie la demande aujourd'hui.",
]


def _store() -> SessionStore:
    return SessionStore.open(db_path(load_settings()), actor="agent-3")


def _session(confirm: bool = True) -> SessionId:
    with _store() as store:
        sid = store.start_session(appointment_date=DAY).id
        for i, text in enumerate(SPOKEN):
            store.add_segment(sid, Segment(i, 3.0 * i + 0.25, 3.0 * i + 2.5, text))
        draft = CaseNoteDraft(
            appointment_date=DAY,
            organizations=(Drafted[Organization](value=Organization.CAF),),
            reason=Drafted[Reason](value=Reason.LOGEMENT),
            identifiers=tuple(
                Drafted[Identifier](value=Identifier(kind=k, value=v))
                for k, v in ((IdentifierKind.NIR, NIR), (IdentifierKind.IBAN, IBAN),
                             (IdentifierKind.TELEPHONE, PHONE), (IdentifierKind.EMAIL, EMAIL),
                             (IdentifierKind.NUMERO_ALLOCATAIRE, "4821937"))
            ),
            complex_situation=Drafted[bool](value=True),
        )
        store.save_draft(sid, draft)
        if confirm:
            review = NoteReview().edit(NoteField.SUMMARY, f"Rappeler au {PHONE} ou {EMAIL}.")
            store.confirm(sid, review.confirm(draft, "agent-3",
                                              datetime(2026, 3, 2, 10, tzinfo=UTC)))
        else:
            store.end_session(sid)
    return sid


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("fmt", ["json", "md", "txt", "srt", "vtt"])
@pytest.mark.parametrize("confirm", [True, False], ids=["confirmed", "draft"])
def test_every_export_format_masks_identifiers(
    capsys: pytest.CaptureFixture[str], fmt: str, confirm: bool
) -> None:
    sid = _session(confirm)
    out = _cli(capsys, "export", str(sid), "--format", fmt)
    for secret in SECRETS:
        assert secret not in out, (fmt, secret)
    assert "masqué" in out
    assert "aide au logement" in out  # the rest of the transcript is there
    if fmt in ("json", "md") and confirm:
        assert "4821937" in out  # not a sensitive kind: kept for the agent's systems
    with _store() as store:
        last = store.audit(sid)[-1]
    assert last.action is AuditAction.EXPORTED and f"format={fmt}" in last.detail


def test_json_export_has_segments_and_note(capsys: pytest.CaptureFixture[str]) -> None:
    sid = _session()
    doc = json.loads(_cli(capsys, "export", str(sid), "--format", "json"))
    assert doc["id"] == sid and doc["status"] == "confirmed" and doc["masked"] is True
    assert [s["start"] for s in doc["segments"]] == [0.25, 3.25, 6.25, 9.25, 12.25]
    assert doc["segments"][0] == {"id": 0, "start": 0.25, "end": 2.5, "text": SPOKEN[0],
                                  "speaker": None}
    assert doc["note"]["reason"] == "LOGEMENT" and doc["note"]["organizations"] == ["CAF"]
    kinds = {i["kind"]: i["value"] for i in doc["note"]["identifiers"]}
    assert kinds["NIR"] == "[NIR masqué]" and kinds["NUMERO_ALLOCATAIRE"] == "4821937"


def test_subtitle_formats_are_well_formed(capsys: pytest.CaptureFixture[str]) -> None:
    sid = _session()
    srt = _cli(capsys, "export", str(sid), "--format", "srt")
    blocks = srt.strip().split("\n\n")
    assert len(blocks) == len(SPOKEN)
    assert blocks[1].splitlines()[:2] == ["2", "00:00:03,250 --> 00:00:05,500"]
    vtt = _cli(capsys, "export", str(sid), "--format", "vtt")
    assert vtt.startswith("WEBVTT\n\n00:00:00.250 --> 00:00:02.500\n")
    assert len(re.findall(r"^\d\d:\d\d:\d\d\.\d{3} --> ", vtt, re.M)) == len(SPOKEN)


def test_clear_export_is_recorded_as_a_reveal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sid = _session()
    target = tmp_path / "clair.txt"
    _cli(capsys, "export", str(sid), "--format", "txt", "--no-mask", "-o", str(target))
    assert "006 084" in target.read_text(encoding="utf-8")
    assert (target.stat().st_mode & 0o077) == 0
    with _store() as store:
        actions = [a.action for a in store.audit(sid)][-2:]
    assert actions == [AuditAction.EXPORTED, AuditAction.REVEALED]


def test_sessions_lists_oldest_first(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _session(), _session(confirm=False)
    rows = json.loads(_cli(capsys, "sessions", "--json"))
    assert [r["id"] for r in rows] == [first, second]
    assert [r["status"] for r in rows] == ["confirmed", "ended"]
    assert all(r["started_at"] for r in rows)
    table = _cli(capsys, "sessions")
    assert "fiche confirmée" in table and "terminée" in table


def test_stats_hold_no_identifier(capsys: pytest.CaptureFixture[str]) -> None:
    sids = [_session() for _ in range(3)]
    for fmt in ("json", "csv"):
        out = _cli(capsys, "stats", "--from", "2026-03-01", "--to", "2026-03-31",
                   "--format", fmt)
        for secret in [*SECRETS, "4821937", "agent-3", "masqué"]:
            assert secret not in out
        if fmt == "json":
            doc = json.loads(out)
            assert doc["by_reason"] == {"LOGEMENT": 3} and doc["by_body"] == {"CAF": 3}
            assert doc["complex_situations"] == 3 and doc["sessions"] == 3
            # The only numbers are counts and the period: no session id, no time of day.
            assert set(doc) == {"from", "to", "sessions", "confirmed_notes",
                                "complex_situations", "by_reason", "by_body"}
        else:
            assert out.splitlines()[0] == "category,code,count"
            assert "reason,LOGEMENT,3" in out and "body,CAF,3" in out
    assert len(sids) == 3


def test_delete_and_purge_commands(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    keep, gone = _session(), _session()
    assert main(["delete", str(gone)]) != 0  # not confirmed, no terminal to ask
    assert "--yes" in capsys.readouterr().err
    _cli(capsys, "delete", str(gone), "--yes")
    assert [r["id"] for r in json.loads(_cli(capsys, "sessions", "--json"))] == [keep]
    assert main(["export", str(gone)]) == 6
    assert "Session introuvable" in capsys.readouterr().err
    monkeypatch.setenv("ASSISTANT_STORE__RETENTION_CONFIRMED_DAYS", "0")
    report = json.loads(_cli(capsys, "purge", "--json"))
    assert report["confirmed"] == 1
    assert json.loads(_cli(capsys, "sessions", "--json")) == []


def test_bad_arguments_are_french_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "abc"]) == 2
    assert "Numéro de session invalide" in capsys.readouterr().err
    assert main(["export", "1", "--format", "docx"]) != 0
    assert "Format d'export inconnu" in capsys.readouterr().err
    assert main(["stats", "--from", "2026-13-01", "--to", "2026-12-31"]) == 2
    assert "Date invalide" in capsys.readouterr().err


def test_unsure_drafted_values_are_flagged_in_markdown(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A draft's identifiers drafted below VERIFY_BELOW say « à vérifier »; the
    agent's confirmed note does not (the agent decided)."""
    draft_md = _cli(capsys, "export", str(_session(confirm=False)), "--format", "md")
    row = next(line for line in draft_md.splitlines() if line.startswith("| Identifiants"))
    assert "4821937 (à vérifier)" in row
    assert draft_md.count("à vérifier") == row.count("à vérifier") == 5  # only identifiers
    confirmed_md = _cli(capsys, "export", str(_session(confirm=True)), "--format", "md")
    assert "à vérifier" not in confirmed_md
