"""One microphone, on the real parts: pyannote's segmentation model and the voice
encoder (installed by ``assistant models install --speakers``) on French dialogue
spoken by two MBROLA voices into one channel: ``transcribe --speakers voice``,
the enrolled voice (``assistant voix enregistrer``), ``stream --speakers voice``,
and the role shown in the app under the Textual pilot."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings, SpeakerSettings
from assistant.types import SAMPLE_RATE
from tests.conftest import french_speech, silence
from tools.tts import write_wav

AGENT_VOICE, USAGER_VOICE = "mb-fr4", "mb-fr1"
TURNS = (
    ("agent", "Bonjour monsieur, qu'est-ce que je peux faire pour vous ?"),
    ("usager", "Je viens pour ma prime d'activité, elle a été arrêtée le mois dernier."),
    ("agent", "D'accord. Il manque votre déclaration trimestrielle de ressources."),
    ("usager", "Très bien, je vous l'apporte demain matin avec le courrier."),
)
ASKING_USAGER = (
    ("usager", "Bonjour, est-ce que c'est ici pour la carte grise ?"),
    ("agent", "Oui monsieur, installez-vous, je vais regarder votre dossier."),
    ("usager", "J'ai déménagé à Lyon le mois dernier avec ma famille."),
    ("agent", "Il me faut un justificatif de domicile de moins de six mois."),
)
ENROL_TEXT = ("Bonjour, je suis conseillère à l'accueil de la caisse. Je reçois les "
              "personnes pour leurs dossiers de prestations familiales, de logement "
              "et de solidarité, du lundi au vendredi.")


def mono_dialogue(turns: tuple[tuple[str, str], ...]) -> tuple[np.ndarray,
                                                               list[tuple[str, float, float]]]:
    voices = {"agent": AGENT_VOICE, "usager": USAGER_VOICE}
    pieces, timed, t = [silence(0.4)], [], 0.4
    for role, text in turns:
        audio = french_speech(text, voices[role])
        audio = audio * (0.1 / max(1e-6, float(np.sqrt(np.mean(audio**2)))))
        timed.append((role, t, t + len(audio) / SAMPLE_RATE))
        pieces += [audio.astype(np.float32), silence(0.6)]
        t += len(audio) / SAMPLE_RATE + 0.6
    return np.concatenate(pieces), timed


def roles_at(segments: list[dict[str, object]], start: float, end: float) -> set[object]:
    """The labels of the words whose middle lies in the turn."""
    out = set()
    for s in segments:
        for w in s.get("words") or [s]:  # type: ignore[attr-defined]
            mid = (float(w["start"]) + float(w["end"])) / 2
            if start - 0.3 <= mid <= end + 0.3:
                out.add(s["speaker"])
    return out


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, float,
                                                                                   float]]]:
    audio, timed = mono_dialogue(TURNS)
    path = tmp_path_factory.mktemp("voix") / "guichet.wav"
    write_wav(path, audio)
    return path, timed


@pytest.mark.model
def test_transcribe_tells_the_two_voices_apart(
        dialogue: tuple[Path, list[tuple[str, float, float]]],
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    path, timed = dialogue
    assert main(["transcribe", str(path), "--format", "json", "--words", "--speakers", "voice",
                 "--no-progress"]) == 0
    segments = json.loads(capsys.readouterr().out)["segments"]
    for role, start, end in timed:
        assert roles_at(segments, start, end) == {role}, (role, start, segments)


@pytest.mark.model
def test_archives_are_labelled_by_voice_and_redone_when_the_mode_changes(
        dialogue: tuple[Path, list[tuple[str, float, float]]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    path, timed = dialogue
    out = tmp_path / "sortie"
    assert main(["transcribe", str(path.parent), "--output", str(out), "-f", "json",
                 "--speakers", "voice", "--no-progress"]) == 0
    segments = json.loads((out / "guichet.json").read_text(encoding="utf-8"))["segments"]
    for role, start, end in timed:
        assert roles_at(segments, start, end) == {role}, (role, segments)
    capsys.readouterr()
    assert main(["transcribe", str(path.parent), "--output", str(out), "-f", "json",
                 "--no-progress"]) == 0  # another mode: not « déjà à jour »
    assert "1 transcrit(s)" in capsys.readouterr().err
    assert {s["speaker"] for s in json.loads(
        (out / "guichet.json").read_text(encoding="utf-8"))["segments"]} == {None}


@pytest.mark.model
def test_the_enrolled_voice_is_the_agent_even_when_the_usager_asks_first(
        tmp_path: Path, speech_model: object, settings: Settings,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from assistant.asr import DecodeOptions
    from assistant.batch import transcribe_file
    from assistant.cli import main
    from assistant.diarize.enroll import load_voice, load_voice_models
    from assistant.diarize.labeller import VoiceLabelling

    monkeypatch.setenv("ASSISTANT_SPEAKERS__VOICE_FILE", str(tmp_path / "voix.json"))
    short = tmp_path / "court.wav"
    write_wav(short, french_speech("Bonjour.", AGENT_VOICE))
    assert main(["voix", "enregistrer", str(short)]) != 0
    err = capsys.readouterr()
    assert "Trop peu de parole" in err.err + err.out and not (tmp_path / "voix.json").exists()
    sample = tmp_path / "ma-voix.wav"
    write_wav(sample, french_speech(ENROL_TEXT, AGENT_VOICE))
    assert main(["voix", "enregistrer", str(sample)]) == 0
    assert "Voix de l'agent enregistrée" in capsys.readouterr().out
    enrolled = load_voice(tmp_path / "voix.json")
    assert enrolled is not None

    audio, timed = mono_dialogue(ASKING_USAGER)
    path = tmp_path / "carte-grise.wav"
    write_wav(path, audio)
    models = load_voice_models(settings)
    options = replace(DecodeOptions.from_settings(settings), word_timestamps=True)
    for voice, first_role in ((VoiceLabelling(models, enrolled), "usager"),
                              (VoiceLabelling(models, None), "agent")):
        transcript = transcribe_file(speech_model, path, options,  # type: ignore[arg-type]
                                     voice=voice)
        segments: list[dict[str, object]] = [{"speaker": s.speaker, "start": s.start, "end": s.end,
                     "words": [{"start": w.start, "end": w.end} for w in s.words]}
                    for s in transcript.segments]
        # With the voice print, the usager's opening question does not make him the
        # agent; without it, the rule of the first question does.
        assert roles_at(segments, timed[0][1], timed[0][2]) == {first_role}, segments
        if voice.enrolled is not None:
            for role, start, end in timed:
                assert roles_at(segments, start, end) == {role}, (role, segments)


@pytest.mark.model
def test_stream_commits_carry_the_voice_label(
        dialogue: tuple[Path, list[tuple[str, float, float]]],
        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    path, timed = dialogue
    assert main(["stream", str(path), "--jsonl", "--speakers", "voice"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    commits = [e for e in events if e["event"] == "commit"]
    assert commits and all(e["speaker"] in ("agent", "usager") for e in commits), commits
    for role, start, end in timed:
        assert roles_at(commits, start, end) == {role}, (role, commits)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.model
@pytest.mark.anyio
async def test_app_shows_the_role_told_by_voice(settings: Settings, tmp_path: Path) -> None:
    from assistant.replay import FileSource
    from assistant.tui.app import AppConfig, build_app
    from assistant.tui.services import Engine
    from assistant.tui.widgets import TranscriptView
    from tests.test_tui_support import APPOINTMENT_DAY, FixedClock, ScriptedTranscriber, TimedLine

    audio, timed = mono_dialogue(TURNS[:2])
    lines = tuple(TimedLine(start, end, text)
                  for (_role, start, end), (_r, text) in zip(timed, TURNS[:2], strict=True))
    by_voice = settings.model_copy(update={"speakers": SpeakerSettings(mode="voice")})
    engine = Engine("scripté", ScriptedTranscriber(lines))
    config = AppConfig(settings=by_voice, replay=Path("guichet.wav"), open_session=True,
                       agent="agent.test", load_engine=lambda _s: engine, clock=FixedClock(),
                       today=lambda: APPOINTMENT_DAY, probe_devices=False)
    app = build_app(config, lambda _d: FileSource(audio, "guichet.wav"), tmp_path / "s.db")
    async with app.run_test(size=(150, 42)) as pilot:
        for _ in range(900):
            views = app.screen.query(TranscriptView)
            if views and len(views.first().segments) >= 2:
                break
            await pilot.pause(0.05)
        view = app.screen.query_one(TranscriptView)
        shown = [str(w.render()) for w in view.query(".segment")]
    assert [s.speaker for s in view.segments] == ["agent", "usager"], shown
    assert "Agent : Bonjour monsieur" in shown[0] and "Usager : Je viens" in shown[1], shown


@pytest.mark.model
@pytest.mark.anyio
async def test_the_start_screen_records_the_agent_voice(settings: Settings,
                                                        tmp_path: Path) -> None:
    """« Enregistrer ma voix » (v): about 10 s from the chosen microphone (here an audio
    source reading the agent's speech), the real models, a voice print kept 0600."""
    from textual.widgets import OptionList

    from assistant.diarize import enroll
    from assistant.replay import FileSource
    from assistant.tui.app import AppConfig, build_app

    print_file = tmp_path / "voix-agent.json"
    mine = settings.model_copy(update={"speakers": SpeakerSettings(voice_file=print_file)})
    speech = np.concatenate([french_speech(ENROL_TEXT, AGENT_VOICE), silence(1.0)])
    opened: list[str | None] = []

    def microphone(device: str | None) -> FileSource:
        opened.append(device)
        return FileSource(speech, "micro", realtime=False)

    config = AppConfig(settings=mine, agent="agent.test", probe_devices=False)
    app = build_app(config, microphone, tmp_path / "s.db")
    async with app.run_test(size=(150, 42)) as pilot:
        for _ in range(100):
            if app.screen.query(OptionList):
                break
            await pilot.pause(0.05)
        await pilot.press("v")
        await pilot.pause()
        asked = [str(n.message) for n in app._notifications]
        for _ in range(1200):
            if any("Voix de l'agent enregistrée" in str(n.message)
                   for n in app._notifications):
                break
            await pilot.pause(0.05)
        said = [str(n.message) for n in app._notifications]
    assert any("Parlez seul" in m for m in asked), asked
    assert any("Voix de l'agent enregistrée" in m and "speakers.mode" in m for m in said), said
    assert enroll.load_voice(print_file) is not None
    assert print_file.stat().st_mode & 0o777 == 0o600
    assert opened == [None]
