"""Who said it (issue #15): labels by channel, the settings and options that set
the channels, and the label everywhere the text goes (formats, store, exports).
Pure logic on synthetic channels; the real model and the real capture path are
in test_speakers_real.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InputError
from assistant.formats import render, to_txt
from assistant.settings import CaptureSettings, load_settings
from assistant.speakers import (
    ChannelLabeller,
    label_transcript,
    parse_channels,
    speaker_of,
    split_at_turns,
)
from assistant.streaming.events import TranscriptUpdate
from assistant.types import SAMPLE_RATE, Segment, Transcript, Word

ROLES = ("agent", "usager")
BLEED = 0.1  # -20 dB


def tone(seconds: float, amp: float = 0.2, hz: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def two_channels(*parts: tuple[str | None, float]) -> np.ndarray:
    """(2, n): each part is (who speaks, seconds); the other side hears it at -20 dB."""
    left, right = [], []
    for who, seconds in parts:
        voice = tone(seconds) if who else np.zeros(int(seconds * SAMPLE_RATE), np.float32)
        left.append(voice if who == "agent" else BLEED * voice)
        right.append(voice if who == "usager" else BLEED * voice)
    return np.stack([np.concatenate(left), np.concatenate(right)])


def seg(i: int, start: float, end: float, text: str = "bonjour", words: tuple[Word, ...] = (),
        speaker: str | None = None) -> Segment:
    return Segment(i, start, end, text, words, speaker=speaker)


# ------------------------------------------------------------------ labelling
def test_louder_channel_wins_despite_bleed() -> None:
    audio = two_channels((None, 0.5), ("agent", 2.0), (None, 0.5), ("usager", 2.0))
    assert speaker_of(audio, ROLES, 0.5, 2.5) == "agent"
    assert speaker_of(audio, ROLES, 3.0, 5.0) == "usager"
    assert speaker_of(audio, ("usager", "agent"), 0.5, 2.5) == "usager"  # channel order


def test_silence_everywhere_or_a_mono_source_is_unknown_never_a_crash() -> None:
    audio = two_channels((None, 2.0))
    assert speaker_of(audio, ROLES, 0.2, 1.5) is None
    assert speaker_of(audio, ROLES, 5.0, 6.0) is None  # past the end
    assert speaker_of(audio[:1], ROLES, 0.0, 1.0) is None
    assert speaker_of(two_channels(("agent", 1.0)), ("agent",), 0.0, 1.0) == "agent"
    assert speaker_of(two_channels(("usager", 1.0)), ("agent",), 0.0, 1.0) is None


def test_near_equal_span_goes_to_the_channel_louder_over_the_words() -> None:
    # 1 s of the agent, then 1.2 s of the usager: near-equal over the whole span
    # once the bleed is counted; the words are all the usager's.
    audio = two_channels(("agent", 1.0), ("usager", 1.1))
    words = (Word(1.1, 1.5, "oui"), Word(1.6, 2.0, "merci"))
    assert speaker_of(audio, ROLES, 0.0, 2.1, words) == "usager"


def test_a_segment_holding_two_turns_is_cut_where_the_channel_changes() -> None:
    audio = two_channels((None, 0.2), ("agent", 1.0), (None, 0.3), ("usager", 1.0))
    words = (Word(0.2, 0.6, "Vous"), Word(0.6, 1.1, "signez ?"),
             Word(1.5, 2.0, "Oui,"), Word(2.0, 2.4, "d'accord."))
    pieces = split_at_turns(seg(4, 0.2, 2.5, " Vous signez ? Oui, d'accord.", words), audio)
    assert [p.text for p in pieces] == [" Vous signez ?", " Oui, d'accord."]
    assert (pieces[0].start, pieces[-1].end) == (0.2, 2.5)
    labelled = label_transcript(Transcript("fr", 2.5, (seg(4, 0.2, 2.5, "x", words),)), audio,
                                ROLES)
    assert [(s.id, s.speaker) for s in labelled.segments] == [(0, "agent"), (1, "usager")]


def test_a_turn_is_never_cut_inside_a_word_whisper_timed_in_pieces() -> None:
    """Whisper times "D'accord" as "D" + "'accord," and a question mark on its own, at
    the turn's edge: the pieces stay with their word, across segments too."""
    audio = two_channels((None, 0.2), ("usager", 1.0), (None, 0.3), ("agent", 1.5),
                         (None, 0.3), ("usager", 1.0))
    first = seg(0, 0.2, 1.5, " Oui, merci. D", (
        Word(0.2, 0.6, "Oui,"), Word(0.6, 1.1, "merci."), Word(1.2, 1.55, "D")))
    second = seg(1, 1.5, 3.0, " 'accord, vous signez", (
        Word(1.55, 1.8, "'accord,"), Word(1.9, 2.4, "vous"), Word(2.4, 2.9, "signez")))
    third = seg(2, 2.9, 4.3, " ? Oui.", (Word(2.9, 3.05, "?"), Word(3.4, 3.9, "Oui.")))
    labelled = label_transcript(Transcript("fr", 4.3, (first, second, third)), audio, ROLES)
    assert [(s.speaker, s.text) for s in labelled.segments] == [
        ("usager", " Oui, merci."), ("agent", " D'accord,"), ("agent", " vous signez ?"),
        ("usager", " Oui.")]


def test_live_label_is_set_once_at_commit_and_tentative_follows() -> None:
    labeller = ChannelLabeller(ROLES)
    audio = two_channels(("agent", 1.0), ("usager", 1.0))
    for start in range(0, audio.shape[1], 1600):  # 100 ms chunks
        labeller.add(start / SAMPLE_RATE, audio[:, start : start + 1600])
    committed = labeller.label(seg(0, 0.0, 1.0))
    assert committed.speaker == "agent"
    assert labeller.speaker(1.1, 1.9, (Word(1.1, 1.9, "oui"),)) == "usager"
    # A pause leaves a gap in the stream: the audio after it keeps its times.
    labeller.add(5.0, two_channels(("usager", 1.0)))
    assert labeller.speaker(5.1, 5.9) == "usager"
    assert labeller.label(seg(1, 3.0, 4.0)).speaker is None


def test_pipeline_labels_committed_segments_and_the_tentative() -> None:
    from assistant.pipeline import LivePipeline
    from assistant.replay import FileSource

    audio = two_channels(("agent", 1.0), ("usager", 1.0))
    source = FileSource(audio.mean(axis=0), channels=audio)
    events: list[object] = []
    set_ = load_settings().model_copy(update={"capture": CaptureSettings(channels=["agent",
                                                                                    "usager"])})

    class NoModel:
        def transcribe(self, *a: object, **k: object) -> tuple[Segment, ...]:
            return ()

    class NoVad:
        def probabilities(self, windows: np.ndarray) -> np.ndarray:
            return np.zeros(len(windows), dtype=np.float32)

        def reset(self) -> None:
            pass

    pipeline = LivePipeline(source, NoModel(), set_, events.append, vad=NoVad())
    source.start()
    chunk = source.read(2.0)
    assert chunk is not None and chunk.channels is not None and chunk.channels.shape == (2, 1600)
    pipeline._feed(chunk)
    while (more := source.read(0.5)) is not None:
        pipeline._feed(more)
    source.stop()
    update = TranscriptUpdate(committed=(seg(0, 0.0, 0.9),), tentative="oui",
                              tentative_words=(Word(1.1, 1.8, "oui"),))
    pipeline._emit_update(update)
    out = events[-1]
    assert isinstance(out, TranscriptUpdate)
    assert out.committed[0].speaker == "agent" and out.tentative_speaker == "usager"


# ------------------------------------------------------------- configuration
def test_channels_option_is_checked_in_french() -> None:
    assert parse_channels("Agent, usager") == ROLES
    with pytest.raises(InputError, match="Rôle de canal inconnu : « client »"):
        parse_channels("agent,client")
    with pytest.raises(InputError, match="au moins deux canaux"):
        parse_channels("agent")


def test_channels_setting_from_toml_and_environment(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[capture]\nchannels = ["agent", "usager"]\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    assert load_settings().capture.channels == ["agent", "usager"]
    monkeypatch.setenv("ASSISTANT_CAPTURE__CHANNELS", "usager,agent")
    assert load_settings().capture.channels == ["usager", "agent"]
    assert CaptureSettings().channels == []
    with pytest.raises(ValueError):
        CaptureSettings(channels=["agent"])
    with pytest.raises(ValueError):
        CaptureSettings(channels=["agent", "client"])


# --------------------------------------------------------- where the text goes
TURNS = (seg(0, 0.0, 1.0, " Bonjour madame.", speaker="agent"),
         seg(1, 1.0, 2.0, " Vous avez le courrier ?", speaker="agent"),
         seg(2, 2.5, 3.0, " Oui, le voilà.", speaker="usager"),
         seg(3, 3.5, 4.0, " Merci.", speaker=None))


def test_formats_write_the_role_before_each_turn_and_json_carries_it() -> None:
    assert to_txt(TURNS) == ("Agent : Bonjour madame.\nVous avez le courrier ?\n"
                             "Usager : Oui, le voilà.\nMerci.\n")
    transcript = Transcript("fr", 4.0, TURNS)
    doc = json.loads(render(transcript, "json"))
    assert [s["speaker"] for s in doc["segments"]] == ["agent", "agent", "usager", None]
    srt = render(transcript, "srt")
    assert "00:00:00,000 --> 00:00:01,000\nAgent : Bonjour madame." in srt
    assert "\nVous avez le courrier ?" in srt and "Usager : Oui" in srt
    assert "Usager : Oui, le voilà." in render(transcript, "vtt")
    unknown = Transcript("fr", 1.0, (seg(0, 0.0, 1.0, " Bonjour."),))
    assert render(unknown, "txt") == "Bonjour.\n"  # one channel: as before


def test_store_keeps_the_speaker_and_exports_show_it(tmp_path: Path) -> None:
    from assistant.exporting import ExportFormat
    from assistant.exporting import render as export
    from assistant.store import SessionStore

    with SessionStore.open(tmp_path / "s.db") as store:
        sid = store.start_session(source="micro").id
        for s in TURNS:
            store.add_segment(sid, s)
        assert [s.speaker for s in store.segments(sid)] == ["agent", "agent", "usager", None]
        bundle = store.bundle(sid)
    txt = export(bundle, ExportFormat.TXT)
    assert "] Agent : Bonjour madame." in txt and "] Usager : Oui, le voilà." in txt
    assert "] Vous avez le courrier ?" in txt
    assert "** Agent : Bonjour madame." in export(bundle, ExportFormat.MD)
    assert "Usager : Oui" in export(bundle, ExportFormat.SRT)
    assert "Usager : Oui" in export(bundle, ExportFormat.VTT)
    doc = json.loads(export(bundle, ExportFormat.JSON))
    assert doc["segments"][2]["speaker"] == "usager"


def test_a_version_1_store_is_migrated_and_keeps_its_segments(tmp_path: Path) -> None:
    from assistant.store import SessionStore
    from assistant.store.schema import MIGRATIONS, migrate

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    with conn:
        migrate(conn, 0, MIGRATIONS[:1])
        conn.execute("INSERT INTO sessions (started_at, state, appointment_date)"
                     " VALUES ('2026-01-01T10:00:00+00:00', 'ended', '2026-01-01')")
        conn.execute("INSERT INTO segments (session_id, segment_id, start, end, text,"
                     " committed_at) VALUES (1, 0, 0, 1, 'Bonjour', '2026-01-01T10:00:01+00:00')")
    conn.close()
    with SessionStore.open(path) as store:
        old = store.segments(store.sessions()[0].id)
        assert [(s.text, s.speaker) for s in old] == [("Bonjour", None)]
    with pytest.raises(sqlite3.IntegrityError), sqlite3.connect(path) as raw:
        raw.execute("UPDATE segments SET speaker = 'client'")
