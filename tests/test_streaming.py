"""The commit policy of the streaming engine, with a scripted transcriber.

The transcriber "hears" a known script of timed words: a pass over a buffer
returns the words that end inside it, the last one possibly garbled, exactly
the kind of unstable tail Whisper produces on a growing buffer. The real
model runs in tests/test_streaming_model.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pytest

from assistant.streaming import EngineConfig, StreamingEngine, TranscriptUpdate
from assistant.streaming.hypotheses import agreed_prefix, join_words
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk, Segment, Word


class EnergyVad:
    """A stand-in detector for synthetic signals: loud windows are speech."""

    def probabilities(self, windows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        rms = np.sqrt(np.mean(np.square(windows), axis=1))
        return (rms > 0.01).astype(np.float32)

    def reset(self) -> None:
        pass


@dataclass
class ScriptedTranscriber:
    """Returns the scripted words heard in the buffer; ``variant`` may rewrite
    the words of a given pass (pass index, words) to script instability."""

    words: list[Word]
    variant: Callable[[int, list[Word], float], list[Word]] | None = None
    calls: list[tuple[float, float, str | None]] = field(default_factory=list)

    def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                   final: bool = False) -> tuple[Segment, ...]:
        end_s = offset_s + len(audio) / SAMPLE_RATE
        self.calls.append((offset_s, end_s, prompt))
        heard = [w for w in self.words if w.start >= offset_s - 0.05 and w.end <= end_s + 0.05]
        if self.variant is not None:
            heard = self.variant(len(self.calls), heard, end_s)
        if not heard:
            return ()
        text = join_words(tuple(heard))
        return (Segment(0, heard[0].start, heard[-1].end, text, tuple(heard)),)


def speech_and_words(spec: list[tuple[str, float]], word_s: float = 0.3,
                     gap_s: float = 0.05) -> tuple[AudioArray, list[Word]]:
    """Audio with a loud stretch under every word; ``spec``: (text, pause before)."""
    words: list[Word] = []
    t = 0.0
    for text, pause in spec:
        t += pause
        words.append(Word(round(t, 3), round(t + word_s, 3), text))
        t += word_s + gap_s
    total = t + 1.5
    audio = np.zeros(int(total * SAMPLE_RATE), dtype=np.float32)
    rng = np.random.default_rng(0)
    for w in words:
        a, b = int(w.start * SAMPLE_RATE), int((w.end + gap_s) * SAMPLE_RATE)
        audio[a:b] = rng.uniform(-0.3, 0.3, b - a).astype(np.float32)
    return audio, words


def run(engine: StreamingEngine, audio: AudioArray,
        block_s: float = 0.1) -> list[TranscriptUpdate]:
    updates = []
    step = int(block_s * SAMPLE_RATE)
    for i in range(0, len(audio), step):
        engine.insert_audio(AudioChunk(audio[i : i + step], i / SAMPLE_RATE))
        update = engine.process()
        if update is not None:
            updates.append(update)
    updates.append(engine.finish())
    return updates


def committed(updates: list[TranscriptUpdate]) -> list[Segment]:
    return [s for u in updates for s in u.committed]


def sentence(text: str, pause_first: float = 0.5) -> list[tuple[str, float]]:
    return [(w, pause_first if i == 0 else 0.0) for i, w in enumerate(text.split())]


def test_short_utterances_are_committed_whole_right_after_the_voice_stops() -> None:
    spec = sentence("bonjour madame je viens pour mon dossier.") + sentence(
        "très bien asseyez-vous.", pause_first=1.2)
    audio, words = speech_and_words(spec)
    cfg = EngineConfig()
    engine = StreamingEngine(ScriptedTranscriber(words), EnergyVad(), cfg)
    updates = run(engine, audio)
    segs = committed(updates)
    assert [s.text for s in segs] == ["bonjour madame je viens pour mon dossier.",
                                      "très bien asseyez-vous."]
    # The first utterance is committed before the second one starts, at most
    # endpoint + one block after its last word.
    first_end = words[6].end
    when = next(u.audio_s for u in updates if u.committed)
    assert when <= first_end + 0.05 + cfg.endpoint_s + 0.2
    assert when < words[7].start
    assert [s.id for s in segs] == [0, 1]


def test_silence_is_never_decoded() -> None:
    transcriber = ScriptedTranscriber([Word(1.0, 1.5, "inventé")])
    engine = StreamingEngine(transcriber, EnergyVad())
    updates = run(engine, np.zeros(10 * SAMPLE_RATE, dtype=np.float32))
    assert transcriber.calls == []
    assert committed(updates) == []
    assert engine.buffer_s < 1.0  # silence is not kept either


def test_committed_text_never_changes_and_long_speech_commits_as_it_goes() -> None:
    # About 28 s without a pause; a sentence ends every 10 words.
    text = " ".join(f"mot{i}." if i % 10 == 9 else f"mot{i}" for i in range(80))
    audio, words = speech_and_words(sentence(text))

    def garble_tail(n: int, heard: list[Word], end_s: float) -> list[Word]:
        # A word cut by the end of the buffer is often wrong.
        if heard and heard[-1].end > end_s - 0.05:
            return [*heard[:-1], Word(heard[-1].start, heard[-1].end, f"x{n}")]
        return heard

    # Sentence-end commits alone (no commit of old words mid-sentence).
    cfg = EngineConfig(max_buffer_s=15.0, max_delay_s=60.0)
    engine = StreamingEngine(ScriptedTranscriber(words, garble_tail), EnergyVad(), cfg)
    buffers = []
    updates = []
    step = SAMPLE_RATE // 10
    for i in range(0, len(audio), step):
        engine.insert_audio(AudioChunk(audio[i : i + step], i / SAMPLE_RATE))
        update = engine.process()
        buffers.append(engine.buffer_s)
        if update is not None:
            updates.append(update)
    updates.append(engine.finish())
    segs = committed(updates)
    assert " ".join(s.text for s in segs) == text  # garbled tails never committed
    assert len(segs) >= 3  # committed during the speech, not only at its end
    assert all(s.text.endswith(".") for s in segs)  # at agreed sentence ends
    assert max(buffers) <= cfg.max_buffer_s + cfg.min_step_s + 0.5
    ids = [s.id for s in segs]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for u in updates:  # tentative text only ever covers what is not committed
        if u.tentative_words and segs:
            assert all(w.start >= 0 for w in u.tentative_words)


def test_speech_without_sentence_ends_keeps_a_bounded_buffer() -> None:
    audio, words = speech_and_words(sentence(" ".join(f"w{i}" for i in range(90))))
    cfg = EngineConfig(max_buffer_s=10.0)
    engine = StreamingEngine(ScriptedTranscriber(words), EnergyVad(), cfg)
    step = SAMPLE_RATE // 10
    longest = 0.0
    segs = []
    for i in range(0, len(audio), step):
        engine.insert_audio(AudioChunk(audio[i : i + step], i / SAMPLE_RATE))
        update = engine.process()
        longest = max(longest, engine.buffer_s)
        segs.extend(update.committed if update else ())
    segs.extend(engine.finish().committed)
    assert longest <= cfg.max_buffer_s + cfg.min_step_s + 0.5
    assert " ".join(s.text for s in segs) == " ".join(w.text for w in words)


def test_prompt_carries_the_committed_text() -> None:
    spec = sentence("premier rendez-vous.") + sentence("deuxième phrase.", pause_first=1.5)
    audio, words = speech_and_words(spec)
    transcriber = ScriptedTranscriber(words)
    engine = StreamingEngine(transcriber, EnergyVad(), EngineConfig(base_prompt="CAF, CPAM."))
    run(engine, audio)
    last_prompt = transcriber.calls[-1][2]
    assert last_prompt is not None
    assert last_prompt.startswith("CAF, CPAM.") and "premier rendez-vous." in last_prompt


def test_a_number_said_digit_by_digit_stays_tentative_until_it_is_closed() -> None:
    filler = " ".join(f"m{i}" for i in range(30))
    spec = sentence(filler + " numéro 35 17 804 merci " + filler)
    audio, words = speech_and_words(spec)
    number_words = {"35", "17", "804", "3517804", "trente-cinq"}

    def flip(n: int, heard: list[Word], end_s: float) -> list[Word]:
        # Hypotheses flip between digit groups and one glued number.
        out: list[Word] = []
        for w in heard:
            if w.text in ("35", "17", "804") and n % 2:
                if w.text == "35":
                    out.append(Word(w.start, w.start + 0.9, "3517804"))
                continue
            out.append(w)
        return out

    engine = StreamingEngine(ScriptedTranscriber(words, flip), EnergyVad(), EngineConfig())
    updates = run(engine, audio)
    segs = committed(updates)
    texts = [w.text for s in segs for w in s.words]
    # Never committed half: either the groups or the glued number, once.
    said = [t for t in texts if t in number_words]
    assert said in (["35", "17", "804"], ["3517804"])
    for s in segs:  # no segment ends on a number that was still being said
        assert s.words[-1].text not in number_words or s is segs[-1]


def test_whisper_inventions_and_loops_are_not_committed() -> None:
    spec = sentence("merci beaucoup.")
    audio, words = speech_and_words(spec)

    def invent(n: int, heard: list[Word], end_s: float) -> list[Word]:
        loop = [Word(1.2 + 0.01 * i, 1.21 + 0.01 * i, "merci") for i in range(8)]
        return heard + loop

    class Inventing(ScriptedTranscriber):
        def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                       final: bool = False) -> tuple[Segment, ...]:
            real = super().transcribe(audio, prompt, offset_s, final)
            credits = Segment(1, 0.2, 0.9, "Sous-titres réalisés par la communauté d'Amara.org",
                              (Word(0.2, 0.9, "Sous-titres"),))
            return (credits, *real)

    engine = StreamingEngine(Inventing(words, invent), EnergyVad(), EngineConfig())
    text = " ".join(s.text for s in committed(run(engine, audio)))
    assert "Sous-titres" not in text
    assert text.count("merci") <= 3  # "merci" + at most two copies of the loop


def test_a_gap_in_the_audio_closes_the_utterance() -> None:
    audio, words = speech_and_words(sentence("allo allo allo."))
    engine = StreamingEngine(ScriptedTranscriber(words), EnergyVad(), EngineConfig())
    half = int(0.8 * SAMPLE_RATE)
    engine.insert_audio(AudioChunk(audio[:half], 0.0))
    engine.process()
    update = engine.finish()
    assert update.utterance_end and update.tentative == ""
    engine.insert_audio(AudioChunk(audio[half:], 30.0))  # after a pause
    assert engine.stream_end_s == pytest.approx(30.0 + (len(audio) - half) / SAMPLE_RATE)


def test_helpers() -> None:
    w = [Word(0, 0.1, t) for t in ["D", "'accord,", "revenez", "-vous", "le", "35", "17", "."]]
    assert join_words(tuple(w)) == "D'accord, revenez-vous le 35 17."
    a = tuple(Word(0, 0.1, t) for t in ["Bonjour", "le", "35", "17"])
    b = tuple(Word(0, 0.1, t) for t in ["bonjour", "le", "35", "17", "804"])
    assert agreed_prefix(a, b) == 2  # the number is not closed yet


def test_a_pass_that_skips_the_start_of_the_buffer_loses_nothing() -> None:
    spec = sentence("premier. deuxième mot ici. " + " ".join(f"w{i}" for i in range(25)) + ".")
    audio, words = speech_and_words(spec)

    class Skipping(ScriptedTranscriber):
        def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                       final: bool = False) -> tuple[Segment, ...]:
            segs = super().transcribe(audio, prompt, offset_s, final)
            if prompt is None or not segs:
                return segs
            kept = tuple(w for w in segs[0].words if w.start > offset_s + 1.6)
            if not kept:
                return ()
            return (Segment(0, kept[0].start, kept[-1].end, join_words(kept), kept),)

    engine = StreamingEngine(Skipping(words), EnergyVad(), EngineConfig(base_prompt="CAF."))
    text = " ".join(s.text for s in committed(run(engine, audio)))
    assert text == join_words(tuple(words))


def test_previous_utterance_kept_as_context_is_not_committed_twice() -> None:
    spec = (sentence("bonjour madame.") + sentence("oui bonjour.", pause_first=1.0)
            + sentence("votre numéro ?", pause_first=1.0))
    audio, words = speech_and_words(spec)
    transcriber = ScriptedTranscriber(words)
    engine = StreamingEngine(transcriber, EnergyVad(), EngineConfig(context_s=3.0))
    segs = committed(run(engine, audio))
    assert [s.text for s in segs] == ["bonjour madame.", "oui bonjour.", "votre numéro ?"]
    # The later passes did hear the earlier utterances again.
    assert min(start for start, _, _ in transcriber.calls[-2:]) < words[2].start


def test_first_word_after_a_committed_sentence_is_kept_when_whisper_stretches_the_last() -> None:
    """Whisper often stretches the last word of a sentence over the pause after
    it, so the next sentence's first word starts "before" the committed end.
    It must not be lost ("Il me faut" became "me faut" in the dialogues)."""
    first = "pour une première déclaration on peut la faire sur papier."
    second = "il me faut votre pièce d'identité et un justificatif de domicile."
    audio, words = speech_and_words(sentence(first + " " + second + " " + second))
    n_first = len(first.split())

    def stretch(n: int, heard: list[Word], end_s: float) -> list[Word]:
        out = list(heard)
        for i, w in enumerate(out):
            if w.text == "papier." and i + 1 < len(out):
                out[i] = Word(w.start, out[i + 1].end - 0.05, w.text)  # over "il"
        return out

    cfg = EngineConfig(commit_after_s=3.0, max_delay_s=60.0)
    engine = StreamingEngine(ScriptedTranscriber(words, stretch), EnergyVad(), cfg)
    segs = committed(run(engine, audio))
    text = " ".join(s.text for s in segs)
    assert text == " ".join(w.text for w in words), text
    assert segs[0].text == " ".join(w.text for w in words[:n_first])  # a cut at the sentence


def test_a_committed_word_written_again_another_way_is_not_committed_twice() -> None:
    """After a cut at a sentence end, a pass may write the sentence's last word
    again, spelt differently ("passeport." then "passport"): it is the same
    word, not a new one."""
    first = "apportez votre ancien passeport."
    second = "et une photo d'identité récente de moins de six mois merci."
    audio, words = speech_and_words(sentence(first + " " + second + " " + second))

    n_first = len(first.split())

    def respell(n: int, heard: list[Word], end_s: float) -> list[Word]:
        prompt = transcriber.calls[-1][2] or ""
        if "passeport." in prompt and heard and heard[0].text == "apportez":
            # Whisper skips what the prompt already holds, but for its last
            # word, which it writes again another way.
            last = words[n_first - 1]
            rest = [w for w in heard if w.start > last.start]
            return [Word(last.start, last.end - 0.1, "passport"), *rest]
        return heard

    cfg = EngineConfig(commit_after_s=2.0)
    transcriber = ScriptedTranscriber(words, respell)
    engine = StreamingEngine(transcriber, EnergyVad(), cfg)
    text = " ".join(s.text for s in committed(run(engine, audio)))
    assert text == " ".join(w.text for w in words), text


def test_first_new_word_timed_at_the_buffer_start_after_a_skip_is_kept() -> None:
    """With the committed sentence in its prompt, Whisper skips its audio and
    may time the next sentence's first word at the start of the buffer
    ("Il" at 5.18 s, committed end 7.68 s): it begins the text the previous
    pass left uncommitted, so it is new."""
    first = "d'accord on fait l'inscription en ligne ensemble."
    second = "il faudra votre attestation employeur votre relevé et votre carte d'identité."
    audio, words = speech_and_words(sentence(first + " " + second))
    n_first = len(first.split())

    def skip(n: int, heard: list[Word], end_s: float) -> list[Word]:
        prompt = transcriber.calls[-1][2] or ""
        if "ensemble." in prompt and heard and heard[0].text == "d'accord":
            rest = heard[n_first:]
            if rest:  # "il" squeezed against the buffer start
                rest[0] = Word(heard[0].start, heard[0].start + 0.1, rest[0].text)
            return rest
        return heard

    cfg = EngineConfig(commit_after_s=2.0)
    transcriber = ScriptedTranscriber(words, skip)
    engine = StreamingEngine(transcriber, EnergyVad(), cfg)
    segs = committed(run(engine, audio))
    text = " ".join(s.text for s in segs)
    assert text == " ".join(w.text for w in words), text
    assert len(segs) >= 2  # the first sentence was committed during the speech


def test_a_sentence_written_twice_in_one_pass_is_committed_once() -> None:
    """Whisper loops on a short question ("Et ça coûte combien ? Et ça coûte
    combien ?", two segments of one pass): the repeat is not speech."""
    audio, words = speech_and_words(sentence("et ça coûte combien ?"))

    class Twice(ScriptedTranscriber):
        def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                       final: bool = False) -> tuple[Segment, ...]:
            segs = super().transcribe(audio, prompt, offset_s, final)
            if not segs:
                return segs
            seg = segs[0]
            end = offset_s + len(audio) / SAMPLE_RATE
            again = tuple(Word(min(w.start + 0.2, end), min(w.end + 0.2, end), w.text)
                          for w in seg.words)
            return (seg, Segment(1, again[0].start, again[-1].end, seg.text.capitalize(), again))

    engine = StreamingEngine(Twice(words), EnergyVad(), EngineConfig())
    text = " ".join(s.text for s in committed(run(engine, audio)))
    assert text == "et ça coûte combien ?", text


def test_a_long_turn_without_sentence_ends_settles_within_the_delay_bound() -> None:
    """A usager talking for half a minute without a full stop: once the buffer
    holds ``commit_after_s`` of uncommitted speech, its agreed words older
    than ``max_delay_s`` are committed, so no word waits for the buffer bound
    (``max_buffer_s``, 15 s) as it did; shorter turns are committed whole at
    their end, from a pass that heard all of them."""
    audio, words = speech_and_words(sentence(" ".join(f"w{i}" for i in range(80))))
    cfg = EngineConfig()
    engine = StreamingEngine(ScriptedTranscriber(words), EnergyVad(), cfg)
    updates = run(engine, audio)
    segs = committed(updates)
    assert " ".join(s.text for s in segs) == " ".join(w.text for w in words)
    delays = [(w.end, u.audio_s - w.end) for u in updates[:-1] for s in u.committed
              for w in s.words]
    assert delays
    worst = max(d for _, d in delays)
    assert worst <= cfg.commit_after_s + cfg.min_step_s + 0.2 < cfg.max_buffer_s, worst
    assert len(segs) >= 5  # settled as it went, not at the buffer bound only


def _uncovered_speech_s(words: list[Word], segs: list[Segment],
                        dropped: list[tuple[float, float]]) -> float:
    """Seconds of scripted speech neither under a committed word nor reported dropped."""
    covered = [(w.start, w.end) for s in segs for w in s.words] + dropped
    return sum(w.end - w.start for w in words
               if not any(a - 0.3 <= w.start and w.end <= b + 0.3 for a, b in covered))


def test_speech_the_recogniser_writes_nothing_for_is_reported_dropped() -> None:
    """Every stretch of speech ends up committed or reported with a reason:
    here the recogniser hears nothing in the second utterance."""
    spec = sentence("bonjour madame.") + sentence("euh alors voilà donc", 1.5) + sentence(
        "merci beaucoup.", 1.5)
    audio, words = speech_and_words(spec)
    deaf = {"euh", "alors", "voilà", "donc"}

    def hear_nothing(n: int, heard: list[Word], end_s: float) -> list[Word]:
        return [w for w in heard if w.text not in deaf]

    engine = StreamingEngine(ScriptedTranscriber(words, hear_nothing), EnergyVad())
    updates = run(engine, audio)
    segs = committed(updates)
    dropped = [d for u in updates for d in u.dropped]
    assert [s.text for s in segs] == ["bonjour madame.", "merci beaucoup."]
    assert [d.reason for d in dropped] == ["not_recognised"]
    lost = [w for w in words if w.text in deaf]
    assert dropped[0].start_s <= lost[0].start + 0.1 and dropped[0].end_s >= lost[-1].end - 0.1
    assert _uncovered_speech_s(words, segs, [(d.start_s, d.end_s) for d in dropped]) == 0


def test_speech_whose_text_the_guards_drop_is_reported_as_guarded() -> None:
    spec = sentence("bonjour.") + sentence("un deux trois quatre cinq six", 1.5)
    audio, words = speech_and_words(spec)

    class Inventing(ScriptedTranscriber):
        def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                       final: bool = False) -> tuple[Segment, ...]:
            real = super().transcribe(audio, prompt, offset_s, final)
            if offset_s + len(audio) / SAMPLE_RATE < 2.0:
                return real
            credits = Segment(1, 2.0, 4.0, "Sous-titres réalisés par la communauté d'Amara.org",
                              (Word(2.0, 4.0, "Sous-titres"),))
            return (credits,)

    engine = StreamingEngine(Inventing(words), EnergyVad())
    updates = run(engine, audio)
    assert [s.text for s in committed(updates)] == ["bonjour."]
    dropped = [d for u in updates for d in u.dropped]
    assert dropped and {d.reason for d in dropped} == {"guarded"}
    assert sum(d.seconds for d in dropped) >= 1.5


def test_everything_committed_means_nothing_reported_dropped() -> None:
    text = " ".join(f"mot{i}." if i % 7 == 6 else f"mot{i}" for i in range(60))
    audio, words = speech_and_words(sentence(text))
    updates = run(StreamingEngine(ScriptedTranscriber(words), EnergyVad()), audio)
    assert " ".join(s.text for s in committed(updates)) == text
    assert [d for u in updates for d in u.dropped] == []


@dataclass
class TentativeGarbling(ScriptedTranscriber):
    """Greedy (tentative) passes write every word of their last ``recent_s``
    differently each time, so two passes never agree on them; final-beam
    passes write the script: a recogniser that struggles on the tail."""

    recent_s: float = 5.0
    blank_every: int = 0
    """Every so many passes, nothing at all (a loop the guards dropped whole)."""

    def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                   final: bool = False) -> tuple[Segment, ...]:
        segs = super().transcribe(audio, prompt, offset_s, final)
        if self.blank_every and len(self.calls) % self.blank_every == 0:
            return ()
        if final or not segs:
            return segs
        end_s = offset_s + len(audio) / SAMPLE_RATE
        n = len(self.calls)
        words = tuple(Word(w.start, w.end, f"{w.text}~{n}") if w.end > end_s - self.recent_s
                      else w for w in segs[0].words)
        return (Segment(0, words[0].start, words[-1].end, join_words(words), words),)


def _word_delays(updates: list[TranscriptUpdate]) -> list[float]:
    return [u.audio_s - w.end for u in updates[:-1] for s in u.committed for w in s.words]


@pytest.mark.parametrize(("at_pause", "blank_every"), [(False, 0), (True, 0), (False, 3)])
def test_the_delay_bound_holds_when_passes_never_agree(at_pause: bool, blank_every: int) -> None:
    """Issue #14: with ``deadline_s``, no word waits longer than the bound
    (plus one block here: the scripted recogniser costs no time), even when
    no two passes agree and no sentence ends: the overdue word's pass runs at
    the final beam and commits what it heard with ``deadline_context_s`` of
    right context. Every commit carries its reason. A pass that writes nothing
    (``blank_every``) does not make the engine forget how old its words are:
    the next pass runs ``deadline_min_step_s`` later."""
    audio, words = speech_and_words(sentence(" ".join(f"mot{i}" for i in range(70))))
    cfg = EngineConfig(deadline_s=2.5, deadline_at_pause=at_pause)
    engine = StreamingEngine(TentativeGarbling(words, blank_every=blank_every), EnergyVad(), cfg)
    updates = run(engine, audio)
    segs = committed(updates)
    assert " ".join(s.text for s in segs) == " ".join(w.text for w in words)
    worst = max(_word_delays(updates))
    slack = cfg.deadline_min_step_s + 0.05 if blank_every else 0.0
    assert worst <= cfg.deadline_s + 0.15 + slack, worst
    assert all(len(u.reasons) == len(u.committed) for u in updates)
    reasons = [r for u in updates for r in u.reasons]
    assert set(reasons[:-1]) == {"deadline"}  # the rest at the end of the stream
    assert engine.words_by_reason["deadline"] >= 50
    # Without the bound, words wait until passes agree on them (here once
    # they are 5 s old) and the buffer holds commit_after_s.
    engine = StreamingEngine(TentativeGarbling(words), EnergyVad(), EngineConfig())
    assert max(_word_delays(run(engine, audio))) > 6.0


@pytest.mark.parametrize("deadline_s", [2.0, 2.3, 2.6, 3.0])
@pytest.mark.parametrize("parity", [0, 1])
def test_pass_flips_never_commit_a_number_twice(deadline_s: float, parity: int) -> None:
    """Passes that flip between "35 17 804" and "3517804" (final passes too)
    while words are committed by deadline around the number: wherever the
    commits fall, every word is committed once and the number once."""
    filler = " ".join(f"m{i}" for i in range(12))
    text = f"{filler} le numéro 35 17 804 et {filler} fin"
    audio, words = speech_and_words(sentence(text))

    def flip(n: int, heard: list[Word], end_s: float) -> list[Word]:
        # The number's last word is timed over most of the next one ("et"),
        # as Whisper's word times drift: a time rule alone would take it for new.
        after = [x for x in heard if x.text == "et"]
        out: list[Word] = []
        for w in heard:
            end = after[0].end - 0.1 if after else w.end
            if n % 2 != parity:
                out.append(Word(w.start, end, w.text) if w.text == "804" else w)
            elif w.text == "35":
                out.append(Word(w.start, end if after else w.end + 0.6, "3517804"))
            elif w.text not in ("17", "804"):
                out.append(w)
        return out

    engine = StreamingEngine(ScriptedTranscriber(words, flip), EnergyVad(),
                             EngineConfig(deadline_s=deadline_s))
    updates = run(engine, audio)
    texts = [w.text for s in committed(updates) for w in s.words]
    said = " ".join(texts).replace("35 17 804", "3517804")
    assert said == text.replace("35 17 804", "3517804"), said
    assert any(r == "deadline" for u in updates for r in u.reasons)


def test_a_deadline_commit_ends_in_a_pause_when_it_may() -> None:
    """With ``deadline_at_pause``, of the boundaries a deadline commit may use,
    it takes the one in a pause (short of a silence that would end the
    utterance): the next pass is least likely to write a word there differently."""
    spec: list[tuple[str, float]] = []
    for group in range(8):  # groups of five words, 0.25 s between groups
        spec += [(f"g{group}m{i}" if i < 4 else f"fin{group}", 0.25 if i == 0 and group else 0.0)
                 for i in range(5)]
    audio, words = speech_and_words(spec, gap_s=0.02)

    def deadline_ends(at_pause: bool) -> list[str]:
        cfg = EngineConfig(deadline_s=2.5, deadline_at_pause=at_pause)
        updates = run(StreamingEngine(TentativeGarbling(words), EnergyVad(), cfg), audio)
        segs = committed(updates)
        assert " ".join(s.text for s in segs) == " ".join(w.text for w in words)
        return [s.words[-1].text for u in updates for s, r in zip(u.committed, u.reasons,
                                                                   strict=True)
                if r == "deadline"]

    def in_pause(ends: list[str]) -> int:
        return sum(t.startswith("fin") for t in ends)

    at_pause, at_last = deadline_ends(True), deadline_ends(False)
    # Every pause reached while the range allows it (the words that must go now
    # may lie before the next pause: then the commit cannot wait for it).
    assert in_pause(at_pause) >= 6, at_pause
    assert in_pause(at_pause) > in_pause(at_last), (at_pause, at_last)


def test_a_deadline_pass_that_writes_its_prompt_again_is_decoded_without_it() -> None:
    """Whisper sometimes writes the start of its prompt (the committed text)
    over the start of a new utterance ("Par exemple de la capitale" after
    "Par exemple des étudiants…"): a deadline pass that does is decoded again
    without the prompt, and the echo is not committed."""
    first = "par exemple des étudiants de l'école en caroline du nord visitent la ville."
    second = "ils montent voir la capitale de l'état chaque année avec leurs professeurs de lycée"
    audio, words = speech_and_words(sentence(first) + sentence(second, 1.5))
    n_first = len(first.split())

    class Echoing(TentativeGarbling):
        def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                       final: bool = False) -> tuple[Segment, ...]:
            segs = super().transcribe(audio, prompt, offset_s, final)
            start = words[n_first]
            if (prompt and "par exemple des" in prompt and segs
                    and segs[0].words[0].start >= start.start - 0.05):
                # The echo over the first two words of the new utterance.
                span = (words[n_first + 1].end - start.start) / 3
                echo = tuple(Word(start.start + span * i, start.start + span * (i + 1), t)
                             for i, t in enumerate(("Par", "exemple", "de")))
                kept = echo + segs[0].words[2:]
                return (Segment(0, kept[0].start, kept[-1].end, join_words(kept), kept),)
            return segs

    engine = StreamingEngine(Echoing(words), EnergyVad(), EngineConfig(deadline_s=2.5))
    updates = run(engine, audio)
    text = " ".join(s.text for s in committed(updates))
    assert text == " ".join(w.text for w in words), text
