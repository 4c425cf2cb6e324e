"""Batch transcription of recordings: decode the file, run the model, collect
a ``Transcript``, reporting progress through a callback.

Kept apart from the CLI so that benchmarks and tests drive exactly what
``assistant transcribe`` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.asr import DecodeOptions, SpeechModel
from assistant.audiofile import load_audio, load_channels
from assistant.identify.second_look import CUE_SEGMENTS, second_look
from assistant.identify.verify import verify_transcript_segments
from assistant.settings import IdentifySettings
from assistant.speakers import label_transcript, mix_down
from assistant.types import SAMPLE_RATE, AudioArray, Segment, Transcript

if TYPE_CHECKING:
    from assistant.diarize.labeller import VoiceLabelling

Progress = Callable[[float, float], None]
"""Called with (seconds decoded so far, total seconds)."""


def transcribe_file(model: SpeechModel, path: Path, options: DecodeOptions,
                    progress: Progress | None = None,
                    look: IdentifySettings | None = None,
                    channels: Sequence[str] = (),
                    voice: VoiceLabelling | None = None) -> Transcript:
    """Transcribe one recording. Raises AudioFileError for unusable files.

    ``look``: with ``look.second_look``, the numbers of the transcript are read
    again from the audio (``assistant.identify.second_look``), and the decoding
    then computes word times, whatever ``options`` says. With ``look.verify``
    (and not the second look) they are checked against their one-word
    neighbours (``assistant.identify.verify``) where the decoding computes word
    times anyway (``transcribe --format json --words``, channels, voices): the
    check only lowers the words' probabilities, which a txt rendering drops.

    ``channels``: the role of each channel (``capture.channels``); the
    recording must have that many. It is decoded once, from the mix-down, with
    word times; segments are then cut where the voice changes channel and each
    carries the role of its channel (``assistant.speakers``).

    ``voice``: one microphone, told apart by voice (``assistant.diarize``):
    decoded with word times, then cut where the voice changes and labelled.
    """
    per_channel = None
    if channels:
        per_channel = load_channels(path, len(channels))
        audio = mix_down(per_channel)
        options = replace(options, word_timestamps=True)
    else:
        audio = load_audio(path)
    if voice is not None:
        options = replace(options, word_timestamps=True)
    transcript = transcribe_audio(model, audio, options, progress, look)
    if per_channel is not None:
        transcript = label_transcript(transcript, per_channel, channels)
    elif voice is not None:
        transcript = voice.label(transcript, audio)
    if progress:
        progress(transcript.duration, transcript.duration)
    return transcript


def transcribe_audio(model: SpeechModel, audio: AudioArray, options: DecodeOptions,
                     progress: Progress | None = None,
                     look: IdentifySettings | None = None) -> Transcript:
    """Decode ``audio`` (16 kHz mono) as ``transcribe_file`` does, numbers read
    again or checked as ``look`` says (the benchmarks' way in, on audio they made)."""
    if look is not None and look.second_look:
        options = replace(options, word_timestamps=True)
    duration = len(audio) / SAMPLE_RATE
    segments: list[Segment] = []
    if progress:
        progress(0.0, duration)
    for seg in model.segments(audio, options):
        segments.append(seg)
        if progress:
            progress(min(seg.end, duration), duration)
    transcript = Transcript(language=options.language, duration=duration,
                            segments=tuple(segments))
    if look is not None and look.second_look:
        transcript, _looks = second_look(model, audio, transcript, look.keep_confidence)
    elif look is not None and look.verify and options.word_timestamps:
        checked, _verdicts = verify_transcript_segments(model, audio, transcript.segments,
                                                        CUE_SEGMENTS, look.verify_amounts)
        transcript = replace(transcript, segments=checked)
    return transcript
