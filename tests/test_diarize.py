"""One microphone, the pure part and the edges without models: change and pause
points, cuts, clustering, roles, the live labeller's commit-once rule (with a
scripted voice encoder), the enrolled voice file, the settings."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from assistant.diarize import core
from assistant.diarize.enroll import forget_voice, load_voice, save_voice, voice_file
from assistant.errors import InputError
from assistant.settings import Settings, load_settings
from assistant.types import Segment, Transcript, Word


def words(*spec: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(start, end, text, 0.9) for text, start, end in spec)


def segment(ws: tuple[Word, ...], sid: int = 0) -> Segment:
    return Segment(id=sid, start=ws[0].start, end=ws[-1].end,
                   text=" " + " ".join(w.text for w in ws), words=ws)


def activity(spans: list[tuple[int, float, float]], end: float = 10.0) -> core.Activity:
    times = np.arange(0.0, end, 0.017)
    act = np.zeros((len(times), 3), dtype=np.float32)
    for spk, a, b in spans:
        act[(times >= a) & (times < b), spk] = 0.95
    return core.Activity(times, act)


def unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


# ------------------------------------------------------------------ cutting
def test_change_points_where_a_local_speaker_takes_the_lead() -> None:
    w = activity([(0, 0.5, 3.0), (1, 3.1, 6.0), (1, 6.05, 6.1), (0, 6.6, 9.0)])
    points = core.change_points([w])
    # 3.1: speaker 1 takes the lead; 6.4: the middle of the pause 6.1-6.6, which
    # stands for the change at 6.6 (closer than MERGE_CHANGES_S).
    assert [round(p, 1) for p in points] == [3.1, 6.4]


def test_a_flicker_is_no_change() -> None:
    w = activity([(0, 0.5, 3.0), (1, 3.0, 3.1), (0, 3.1, 6.0)])
    assert core.change_points([w]) == []


def test_pause_points_only_between_speech() -> None:
    speech = np.array([0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0], dtype=np.float32)
    assert core.pause_points(speech, hop_s=0.1, min_pause_s=0.25) == pytest.approx([0.75])


def test_split_at_changes_cuts_before_the_first_word_past_the_change() -> None:
    ws = words(("Bonjour", 0.0, 0.5), ("madame", 0.5, 1.0), ("?", 1.0, 1.9),
               ("Bonjour,", 1.9, 2.6), ("je", 2.8, 3.0), ("viens.", 3.0, 3.5))
    pieces = core.split_at_changes(segment(ws), [2.2])
    assert [p.text for p in pieces] == [" Bonjour madame ?", " Bonjour, je viens."]
    assert pieces[0].start == 0.0 and pieces[1].end == 3.5
    assert core.split_at_changes(segment(ws), []) == [segment(ws)]
    assert core.split_at_changes(segment(ws), [9.0]) == [segment(ws)]


def test_a_lone_question_mark_stays_with_its_question() -> None:
    ws = words(("vous", 0.0, 0.4), ("?", 0.4, 1.6), ("Oui,", 1.6, 2.0), ("merci.", 2.0, 2.5))
    pieces = core.split_at_changes(segment(ws), [1.0])
    assert [p.text for p in pieces] == [" vous ?", " Oui, merci."]


def test_merge_points() -> None:
    assert core.merge_points([1.0, 3.0], [1.2, 5.0]) == [1.0, 3.0, 5.0]


# --------------------------------------------------------------- clustering
A, B, C = unit([1, 0.2, 0, 0]), unit([0.2, 1, 0, 0]), unit([0, 0, 1, 0.1])


def jitter(v: np.ndarray, k: int) -> np.ndarray:
    rng = np.random.default_rng(k)
    return unit(list(v + 0.05 * rng.standard_normal(len(v))))


def test_two_voices_two_speakers() -> None:
    embs = [jitter(v, k) for k, v in enumerate([A, B, A, B, A, B])]
    result = core.cluster(embs, [2.0] * 6)
    labels = result.labels
    assert len(result.centroids) == 2
    assert labels[0] == labels[2] == labels[4] != labels[1] == labels[3] == labels[5]


def test_a_third_unlike_voice_is_autre_and_a_short_one_is_not() -> None:
    embs = [jitter(v, k) for k, v in enumerate([A, B, A, C, B, A, C])]
    result = core.cluster(embs, [2.0, 2.0, 2.0, 1.5, 2.0, 2.0, 1.5])
    assert result.labels[3] == result.labels[6] == -1
    assert -1 not in (result.labels[0], result.labels[1])
    short = core.cluster(embs, [2.0, 2.0, 2.0, 0.5, 2.0, 2.0, 0.5])
    assert -1 not in short.labels


def test_three_voices_the_one_heard_last_is_autre_even_when_it_speaks_more() -> None:
    a, b, c = unit([1, 0.3, 0.3, 0]), unit([0.3, 1, 0.3, 0]), unit([0.3, 0.3, 1, 0])
    embs = [jitter(v, k) for k, v in enumerate([a, b, c, a, b, c, a])]
    result = core.cluster(embs, [3.0, 1.5, 3.0, 3.0, 1.5, 3.0, 3.0])
    assert result.labels[2] == result.labels[5] == -1, result.labels
    assert result.labels[1] == result.labels[4] != result.labels[0] == result.labels[3]


def test_one_voice_is_one_speaker() -> None:
    embs = [jitter(A, k) for k in range(5)]
    result = core.cluster(embs, [2.0] * 5)
    assert len(result.centroids) == 1 and set(result.labels) == {0}


def test_no_piece_no_crash() -> None:
    assert core.cluster([], []) == core.Clustering((), ())
    assert core.roles([], core.Clustering((), ())) == {-1: "autre"}


def test_an_ambiguous_short_piece_takes_the_following_speaker() -> None:
    pieces = [segment(words(("Bonjour", 0.0, 2.0))), segment(words(("D'accord,", 2.5, 2.9))),
              segment(words(("vous", 3.2, 5.5))), segment(words(("Oui", 6.0, 8.0)))]
    middle = unit(list(A + B))
    result = core.Clustering((1, 1, 0, 1), (A, B))
    settled = core.settle_short(pieces, result, [B, middle, A, B])
    assert settled.labels == (1, 0, 0, 1)


# -------------------------------------------------------------------- roles
@pytest.mark.parametrize(("text", "question"), [
    (" Vous avez votre numéro ?", True),
    ("Bonjour madame, qu'est-ce que je peux faire pour vous", True),
    ("Comment vous appelez-vous", True),
    ("Bonjour, je viens pour ma prime.", False),
    ("Très bien.", False),
])
def test_is_question(text: str, question: bool) -> None:
    assert core.is_question(text) is question


def test_the_agent_asks_the_first_question_else_speaks_first() -> None:
    pieces = [segment(words(("Bonjour.", 0.0, 1.0))), segment(words(("Bonjour,", 1.5, 2.0))),
              segment(words(("Vous", 2.5, 3.0), ("avez", 3.0, 3.5), ("?", 3.5, 3.6)))]
    result = core.Clustering((0, 1, 1), (A, B))
    assert core.roles(pieces, result) == {-1: "autre", 1: "agent", 0: "usager"}
    plain = [segment(words(("Bonjour.", 0.0, 1.0))), segment(words(("Merci.", 1.5, 2.0)))]
    assert core.roles(plain, core.Clustering((1, 0), (A, B)))[1] == "agent"


def test_the_enrolled_voice_is_the_agent_whoever_asks() -> None:
    pieces = [segment(words(("Vous", 0.0, 1.0), ("?", 1.0, 1.1))),
              segment(words(("Oui.", 1.5, 2.0)))]
    result = core.Clustering((0, 1), (A, B))
    assert core.roles(pieces, result, enrolled=jitter(B, 3))[1] == "agent"
    # A voice print like neither: the question decides.
    assert core.roles(pieces, result, enrolled=C)[0] == "agent"


# ---------------------------------------------------- live, scripted encoder
class _Models:
    """Stands in for VoiceModels: the embedding of a span is the voice scripted for it."""

    def __init__(self, voices: list[tuple[float, float, np.ndarray]]) -> None:
        self.voices = voices

    def embed_spans(self, audio: np.ndarray, spans: list[tuple[float, float]],
                    offset_s: float = 0.0) -> list[np.ndarray]:
        out = []
        for start, end in spans:
            mid = (start + end) / 2
            out.append(next(v for a, b, v in self.voices if a <= mid < b))
        return out


def test_live_labels_commit_once_and_a_third_voice_is_autre() -> None:
    from assistant.diarize.labeller import LiveVoiceLabeller

    script = [(0, 3, A), (3, 6, B), (6, 9, A), (9, 12, C), (12, 15, B)]
    labeller = LiveVoiceLabeller(_Models(script), None)  # type: ignore[arg-type]
    labeller.add(0.0, np.zeros(16000 * 15, dtype=np.float32))
    texts = [" Bonjour, je vous écoute.", " Je viens pour ma prime.",
             " Vous avez le courrier ?", " Je suis sa sœur, bonjour à tous.", " Oui, le voici."]
    labels = []
    for k, text in enumerate(texts):
        seg = segment(words((text, 3 * k + 0.2, 3 * k + 2.8)), k)
        seg = Segment(seg.id, seg.start, seg.end, text, seg.words)
        assert labeller.speaker(seg.start, seg.end, seg.words) in ("agent", "usager", "autre")
        labels.append(labeller.label(seg).speaker)
    assert labels == ["agent", "usager", "agent", "autre", "usager"]


def test_live_without_audio_leaves_the_label_unknown() -> None:
    from assistant.diarize.labeller import LiveVoiceLabeller

    labeller = LiveVoiceLabeller(_Models([(0, 99, A)]), None)  # type: ignore[arg-type]
    seg = segment(words(("Bonjour", 1.0, 2.0)))
    assert labeller.label(seg).speaker is None


# ---------------------------------------------------------- voice, settings
def test_voice_file_is_private_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "voix" / "voix-agent.json"
    vector = unit(list(np.arange(256, dtype=np.float32) + 1))
    save_voice(path, vector, 9.5)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_voice(path)
    assert loaded is not None and np.allclose(loaded, vector, atol=1e-5)
    assert "embedding" in path.read_text() and forget_voice(path) and load_voice(path) is None


def test_a_damaged_voice_file_is_a_french_error(tmp_path: Path) -> None:
    path = tmp_path / "voix-agent.json"
    path.write_text("{pas du json")
    with pytest.raises(InputError, match="Empreinte de voix illisible"):
        load_voice(path)
    path.write_text('{"embedding": [1, 2, 3]}')
    with pytest.raises(InputError, match="autre format"):
        load_voice(path)


def test_speakers_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                           settings: Settings) -> None:
    assert settings.speakers.mode == "channels"
    assert voice_file(settings).name == "voix-agent.json"
    monkeypatch.setenv("ASSISTANT_SPEAKERS__MODE", "voice")
    monkeypatch.setenv("ASSISTANT_SPEAKERS__VOICE_FILE", str(tmp_path / "v.json"))
    loaded = load_settings()
    assert loaded.speakers.mode == "voice" and voice_file(loaded) == tmp_path / "v.json"
    monkeypatch.setenv("ASSISTANT_SPEAKERS__MODE", "micro")
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match=r"speakers\.mode"):
        load_settings()


def test_transcript_without_segments_is_left_alone() -> None:
    from assistant.diarize.labeller import label_transcript

    empty = Transcript(language="fr", duration=1.0, segments=())

    class _NoModels:
        def activity(self, audio: np.ndarray) -> list[core.Activity]:
            return []

        def pauses(self, audio: np.ndarray) -> list[float]:
            return []

    out = label_transcript(empty, np.zeros(16000, np.float32), _NoModels())  # type: ignore[arg-type]
    assert out == empty


def test_the_decisions_import_no_side_effect_library() -> None:
    """assistant.diarize.core is pure: numpy and the project's own types only."""
    import ast

    import assistant.diarize.core as pure

    tree = ast.parse(Path(pure.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {str(node.module).split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    from_assistant = {str(node.module) for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom)
                      and str(node.module).startswith("assistant")}
    assert imported <= {"__future__", "itertools", "re", "unicodedata", "collections",
                        "dataclasses", "numpy", "assistant"}, imported
    assert from_assistant <= {"assistant.types"}, from_assistant


def test_batch_keeps_every_segment_and_labels_those_with_words() -> None:
    from assistant.diarize.labeller import label_transcript

    class _Scripted(_Models):
        def activity(self, audio: np.ndarray) -> list[core.Activity]:
            return []

        def pauses(self, audio: np.ndarray) -> list[float]:
            return []

    segs = (segment(words(("Bonjour", 0.0, 1.5), ("madame", 1.5, 2.5), ("?", 2.5, 2.6)), 0),
            Segment(1, 3.0, 3.5, " ", ()),
            segment(words(("Je", 4.0, 4.5), ("viens.", 4.5, 6.0)), 2),
            segment(words(("Merci.", 7.0, 9.0)), 3))
    transcript = Transcript(language="fr", duration=10.0, segments=segs)
    models = _Scripted([(0, 3, A), (3, 7, B), (7, 10, A)])
    out = label_transcript(transcript, np.zeros(160000, np.float32), models)  # type: ignore[arg-type]
    assert [s.speaker for s in out.segments] == ["agent", None, "usager", "agent"]
    assert [s.id for s in out.segments] == [0, 1, 2, 3]


def test_missing_or_damaged_voice_models_are_french_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.diarize.enroll import load_voice_models
    from assistant.errors import ModelError

    monkeypatch.setenv("ASSISTANT_MODEL__STORE", str(tmp_path))
    with pytest.raises(ModelError) as missing:
        load_voice_models(load_settings())
    assert "absent" in missing.value.message
    assert missing.value.hint == "Installez-les : « assistant models install --speakers »."
    (tmp_path / "speakers").mkdir()
    (tmp_path / "speakers" / "segmentation-3.0.onnx").write_bytes(b"pas un modele")
    with pytest.raises(ModelError) as damaged:
        load_voice_models(load_settings())
    assert "segmentation-3.0.onnx" in damaged.value.message
    assert "assistant models install --speakers --force" in damaged.value.hint
