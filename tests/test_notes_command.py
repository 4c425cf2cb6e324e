"""``assistant draft``: plain text and transcribe JSON in, a note out; clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import main
from assistant.notes.drafter import Drafter
from assistant.types import SAMPLE_RATE

TRANSCRIPT = (
    "Bonjour, je me suis séparée de mon conjoint et je ne sais pas comment le dire à la CAF.\n"
    "Votre numéro allocataire ?\n"
    "C'est le 35 17 804.\n"
    "Il faudra envoyer un justificatif de domicile et votre RIB avant le 15 décembre.\n"
    "Mon ex-conjoint doit me verser 250 euros par mois.\n"
)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_text_to_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rdv.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    code, out, _ = run_cli(["draft", str(path), "--json", "--date", "2026-11-12"], capsys)
    assert code == 0
    note = json.loads(out)
    assert note["organizations"] == ["CAF"]
    assert note["reason"] == "FAMILLE"
    assert note["identifiers"] == [{"kind": "NUMERO_ALLOCATAIRE", "value": "3517804"}]
    assert note["amounts_eur"] == [250]
    assert note["dates"] == ["2026-12-15"]
    assert set(note["documents_requested"]) == {"JUSTIFICATIF_DOMICILE", "RIB"}
    assert note["complex_situation"] is False
    assert note["referral"] is None
    assert note["summary"]
    assert any(f["who"] == "USAGER" and f["due"] == "2026-12-15" for f in note["follow_ups"])


def test_a_number_heard_but_not_kept_is_listed_never_its_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rdv.txt"
    path.write_text("Quel est votre numéro de téléphone ?\nC'est le 06 12 48 97.\n",
                    encoding="utf-8")
    code, out, _ = run_cli(["draft", str(path), "--json"], capsys)
    note = json.loads(out)
    assert code == 0 and note["identifiers"] == []
    assert note["to_ask_again"] == [
        {"kind": "TELEPHONE", "evidence": [{"segment_id": 1, "start": 9, "end": 20}]}]
    code, out, _ = run_cli(["draft", str(path)], capsys)
    assert "Numéros entendus mais non retenus (à faire redire) :" in out
    assert "  - téléphone  ← « 06 12 48 97 »" in out


def test_transcribe_json_gives_the_same_note_with_segment_ids(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [ln for ln in TRANSCRIPT.splitlines() if ln]
    doc = {"text": " ".join(lines), "language": "fr", "duration": 30.0,
           "segments": [{"id": 10 + i, "start": 3.0 * i, "end": 3.0 * i + 2.5, "text": t}
                        for i, t in enumerate(lines)]}
    as_json = tmp_path / "rdv.json"
    as_json.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    as_text = tmp_path / "rdv.txt"
    as_text.write_text(TRANSCRIPT, encoding="utf-8")
    _, from_json, _ = run_cli(["draft", str(as_json), "--json", "--date", "2026-11-12"], capsys)
    _, from_text, _ = run_cli(["draft", str(as_text), "--json", "--date", "2026-11-12"], capsys)
    assert json.loads(from_json) == json.loads(from_text)


def test_readable_french_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rdv.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    code, out, _ = run_cli(["draft", str(path), "--date", "2026-11-12"], capsys)
    assert code == 0
    assert "Fiche de rendez-vous du 12/11/2026" in out
    assert "Motif : Famille" in out
    assert "numéro allocataire 3517804  ← « 35 17 804 »" in out
    assert "250 €" in out


def test_empty_transcript_gives_an_empty_draft(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "vide.txt"
    path.write_text("\n\n", encoding="utf-8")
    code, out, _ = run_cli(["draft", str(path), "--json"], capsys)
    assert code == 0
    note = json.loads(out)
    assert note["organizations"] == [] and note["reason"] == "AUTRE" and note["summary"] == ""
    code, out, _ = run_cli(["draft", str(path)], capsys)
    assert "Rien à noter" in out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "Fichier introuvable"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", [], "fichier binaire"),
        (b'{"segments": [{"id": 1}]}', [], "n'a pas de champ « text »"),
        (b'{"segments": ', [], "mal formé"),
        (b'{"texte": "bonjour"}', [], "sans liste « segments »"),
        (b"Bonjour", ["--date", "12/11/2026"], "Date invalide : '12/11/2026'"),
    ],
)
def test_unusable_input_is_a_clear_french_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None,
        args: list[str], message: str) -> None:
    path = tmp_path / "entree.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_cli(["draft", str(path), *args], capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert "→" in err  # the way out
    assert "Traceback" not in err


@pytest.mark.model
def test_end_to_end_from_speech(speech_model, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Real synthetic speech through the real model, then the drafter."""
    from assistant.asr import DecodeOptions
    from tools.tts import Turn, speak_dialogue

    audio, _ = speak_dialogue([
        Turn("usager", "Bonjour, je voudrais faire une demande d'APL à la CAF."),
        Turn("agent", "Apportez votre bail et un justificatif de domicile. "
                      "Le loyer est de 500 euros ?"),
    ])
    assert audio.dtype == np.float32 and len(audio) > SAMPLE_RATE
    segments = speech_model.transcribe(audio, DecodeOptions(beam_size=1))
    draft = Drafter(dt.date(2026, 5, 4)).add_segments(segments)
    note = draft.to_contract()
    text = " ".join(s.text for s in segments)
    assert note["reason"] == "LOGEMENT", text
    assert "CAF" in note["organizations"], text
    assert {"BAIL_OU_QUITTANCE", "JUSTIFICATIF_DOMICILE"} & set(note["documents_requested"]), text
    for item in draft.documents_requested:
        seg = next(s for s in segments if s.id == item.evidence[0].segment_id)
        assert seg.text[item.evidence[0].start : item.evidence[0].end] == item.evidence[0].quote


LABELLED = [
    ("usager", "Bonjour, je viens pour ma demande d'aide au logement."),
    ("usager", "Voilà mon RIB et mon avis d'imposition."),
    ("agent", "Merci. Il me faudra aussi un justificatif de domicile."),
]


@pytest.mark.parametrize("form", ["txt", "json"])
def test_a_labelled_transcript_gives_its_roles_to_the_drafter(
        form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The txt (« Usager : » opens a turn) and JSON (``speaker``) that ``transcribe
    --channels`` writes: the papers the usager hands over unasked are not requests
    (without the roles, « voilà mon RIB » reads as the agent's)."""
    if form == "txt":
        text = ("Usager : " + LABELLED[0][1] + "\n" + LABELLED[1][1] + "\n"
                "Agent : " + LABELLED[2][1] + "\n")
    else:
        text = json.dumps({"segments": [{"id": i, "start": 2.0 * i, "end": 2.0 * i + 1.5,
                                         "text": t, "speaker": who}
                                        for i, (who, t) in enumerate(LABELLED)]})
    path = tmp_path / f"rdv.{form}"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run_cli(["draft", str(path), "--json", "--date", "2026-11-12"], capsys)
    assert code == 0
    assert json.loads(out)["documents_requested"] == ["JUSTIFICATIF_DOMICILE"]
    unlabelled = tmp_path / "plain.txt"
    unlabelled.write_text("\n".join(t for _, t in LABELLED) + "\n", encoding="utf-8")
    _, out, _ = run_cli(["draft", str(unlabelled), "--json", "--date", "2026-11-12"], capsys)
    assert set(json.loads(out)["documents_requested"]) == {
        "RIB", "AVIS_IMPOSITION", "JUSTIFICATIF_DOMICILE"}
