"""All settings, in one documented pydantic-settings tree.

Sources, highest priority first:

1. arguments given to the constructor (the CLI passes its flags this way);
2. environment variables ``ASSISTANT_<SECTION>__<FIELD>``, for example
   ``ASSISTANT_MODEL__PATH=/opt/whisper-small`` or
   ``ASSISTANT_DECODING__BEAM_SIZE=1``;
3. a TOML file: ``$ASSISTANT_CONFIG`` if set, else ``config.toml`` in the
   user's config folder (``~/.config/assistant/config.toml`` on Linux,
   ``%LOCALAPPDATA%\\assistant\\config.toml`` on Windows), with one table per
   section (``[model]``, ``[decoding]``, ...). Windows paths go in single
   quotes (TOML literal strings: ``path = 'C:\\modeles\\whisper'``) or with
   forward slashes;
4. the defaults below.

Every field has a default, so a fresh machine needs no file at all.
``assistant config`` prints the effective tree.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.errors import ConfigError
from assistant.paths import APP_NAME, default_model_store, default_samples_dir

DEFAULT_MODEL_NAME = "whisper-base"


def config_file() -> Path:
    """The TOML settings file that is read if it exists."""
    env = os.environ.get("ASSISTANT_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


class ModelSettings(BaseModel):
    """Which Whisper model runs and how (CTranslate2 on the CPU)."""

    path: Path | None = Field(
        default=None,
        description=(
            "Folder of a faster-whisper (CTranslate2) model: model.bin, config.json, "
            "tokenizer.json, vocabulary.txt. Empty: the bundled model whisper-base "
            "in the store, installed by `assistant models install`."
        ),
    )
    store: Path = Field(
        default_factory=default_model_store,
        description=(
            "Folder that holds installed models, one sub-folder each. Default: models/ "
            "in the user's data folder (~/.local/share/assistant, %LOCALAPPDATA%\\assistant), "
            "or the checkout's models/ when run from a source checkout."
        ),
    )
    compute_type: str = Field(
        default="int8",
        description="CTranslate2 compute type: int8 (fast on CPU), int8_float32, float32...",
    )
    cpu_threads: int = Field(
        default=0,
        ge=0,
        description="Threads for the model; 0 means all cores up to 4.",
    )
    device: Literal["cpu", "cuda", "auto"] = Field(
        default="cpu", description="Where CTranslate2 runs. Counter workstations: cpu."
    )


class DecodingSettings(BaseModel):
    """How speech is turned into text (batch and live)."""

    language: str = Field(default="fr", description="Spoken language (ISO code).")
    beam_size: int = Field(default=5, ge=1, le=10, description="Beam width for batch decoding.")
    use_prompt: bool = Field(
        default=True,
        description=(
            "Prime the decoder with a short French counter sentence (CAF, allocataire, RSA). "
            "Measured to lower the error rate: see docs/benchmarks.md."
        ),
    )
    prompt: str | None = Field(
        default=None,
        description="Replaces the built-in vocabulary prompt when set.",
    )
    prompt_min_s: float = Field(
        default=10.0, ge=0.0,
        description=(
            "Batch: the counter prompt is given only for recordings at least this long "
            "(a conversation); a shorter clip (a voice command, one answer) is decoded "
            "without it, because the prompt pulls short clips towards counter words "
            "(docs/benchmarks.md). The live counter app always uses it."
        ),
    )
    vad_filter: bool = Field(
        default=False,
        description=(
            "Skip silence with the Silero VAD before batch decoding. Off by default: it "
            "raised the error rate on the eval recordings (docs/benchmarks.md); the "
            "hallucination guards handle silence. The live engine always uses VAD."
        ),
    )
    word_timestamps: bool = Field(
        default=False, description="Compute per-word times in batch transcription."
    )
    recover_uncovered: bool = Field(
        default=True,
        description=(
            "Batch: decode again any stretch of speech (Silero VAD) that no segment covers. "
            "Whisper sometimes ends a 30 s window early and the rest of it is skipped; "
            "docs/dictation.md has the cases."
        ),
    )
    drop_hallucinations: bool = Field(
        default=True,
        description=(
            "Drop segments that are Whisper's known inventions on silence "
            "(\"Sous-titres réalisés par la communauté d'Amara.org\"...)."
        ),
    )
    temperature_fallback: bool = Field(
        default=False,
        description=(
            "Batch: when a window's decoding looks wrong (it repeats itself or is unsure), "
            "decode it again by sampling at rising temperatures, as Whisper does. Off: the "
            "same recording and settings then always give the same text; on the real and "
            "dialogue recordings of docs/benchmarks.md the error rate is the same either way. "
            "A loop is cut instead (guards.cut_text_loop)."
        ),
    )


class CaptureSettings(BaseModel):
    """The microphone."""

    device: str | None = Field(
        default=None,
        description="Input device: index or part of its name. Empty: the system default.",
    )
    block_ms: int = Field(default=100, ge=10, le=1000, description="PortAudio block length.")
    queue_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Audio the capture queue holds before it drops blocks (counted).",
    )
    channels: Annotated[list[Literal["agent", "usager", "autre"]], NoDecode] = Field(
        default_factory=list,
        description=(
            "Who speaks on each input channel, in channel order, e.g. [\"agent\", \"usager\"] "
            "for a stereo device with the agent's headset on the left and the desk "
            "microphone on the right: each segment is labelled by its channel "
            "(docs/speakers.md). Empty: one mixed-down channel, speaker unknown."
        ),
    )

    @field_validator("channels", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        if isinstance(value, str):  # ASSISTANT_CAPTURE__CHANNELS=agent,usager
            value = [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, list) and len(value) == 1:
            raise ValueError("at least two channels, one role each (or none)")
        return value


class SpeakerSettings(BaseModel):
    """Who said it: agent, usager (docs/speakers.md)."""

    mode: Literal["channels", "voice", "off"] = Field(
        default="channels",
        description=(
            "channels: by input channel when capture.channels is set (else unknown); "
            "voice: one microphone, told apart by voice (models of « assistant models install "
            "--speakers »; the agent is the enrolled voice, else the one who asks the first "
            "question; a third voice is « autre »); off: never labelled."
        ),
    )
    voice_file: Path | None = Field(
        default=None,
        description=(
            "The agent's enrolled voice (« assistant voix enregistrer »): a voice print, "
            "never audio, readable by this user only. Empty: voix-agent.json in the "
            "user's data folder."
        ),
    )


class StreamingSettings(BaseModel):
    """The live transcription engine."""

    beam_size: int = Field(
        default=1, ge=1, le=10,
        description="Beam width of the tentative passes (5 cost more and changed nothing "
        "measurable); the committing pass uses final_beam_size.",
    )
    min_step_s: float = Field(
        default=1.0, gt=0, description="Least new audio between two decoding passes."
    )
    max_buffer_s: float = Field(
        default=15.0, gt=2, description="Audio buffer length at which it is trimmed."
    )
    final_beam_size: int = Field(
        default=5, ge=1, le=10,
        description="Beam width of the pass that commits an utterance when the voice stops.",
    )
    endpoint_ms: int = Field(
        default=450, ge=100, le=3000,
        description="Silence that ends an utterance and commits it at once.",
    )
    vad_threshold: float = Field(
        default=0.5, gt=0, lt=1, description="Speech probability (Silero VAD) that counts as voice."
    )
    commit_after_s: float = Field(
        default=6.0, ge=0,
        description="Inside a long utterance, buffer length after which agreed sentences commit.",
    )
    max_delay_s: float = Field(
        default=3.0, ge=0.5, le=30.0,
        description=(
            "Live: words two passes agree on are committed once they were said this many "
            "seconds ago, even in the middle of a long sentence (docs/streaming.md)."
        ),
    )
    deadline_s: float = Field(
        default=0.0, ge=0, le=30.0,
        description=(
            "Live delay bound (0: off): before a word would be committed more than this many "
            "seconds after it was said (counting the time a pass takes), a pass runs at once, "
            "at final_beam_size, and commits what it heard up to deadline_context_s before the "
            "newest audio, agreed or not, never ending on a number (docs/streaming.md)."
        ),
    )
    deadline_final_beam: bool = Field(
        default=True,
        description="With deadline_s: deadline passes decode at final_beam_size (false: at "
        "beam_size, cheaper, so that a pass lands within the bound on a slow machine).",
    )
    deadline_at_pause: bool = Field(
        default=False,
        description="With deadline_s: a deadline commit ends at the widest gap between words "
        "it may end at, rather than at the last one.",
    )
    deadline_context_s: float = Field(
        default=1.5, ge=0.3, le=10.0,
        description="With deadline_s: audio after the last word a deadline commit takes.",
    )
    full_fallback_max_s: float = Field(
        default=30.0, ge=0, le=30.0,
        description="Longest buffer whose pass, when it loops in the short encoder window, is "
        "decoded again in a full 30 s window (that second decoding cost up to 10 s of CPU on "
        "a 15 s buffer); a longer one keeps its pass and the guards cut the loop.",
    )
    prompt_before_buffer: bool = Field(
        default=False,
        description="The prompt carries only committed text whose audio has left the buffer "
        "(mid-utterance commits keep their audio as context; docs/streaming.md).",
    )
    context_s: float = Field(
        default=0.0, ge=0, le=10,
        description="Audio of the previous utterance decoded again as context for the next.",
    )
    short_encoder: bool = Field(
        default=True,
        description="Encode only the buffer plus short_encoder_margin_s instead of a 30 s "
        "window: passes about 2x cheaper, turns settle 3-4x sooner, and short turns are "
        "decoded better than in a mostly empty 30 s window (docs/streaming.md). A pass "
        "that loops in the short window is decoded again in a full one.",
    )
    short_encoder_margin_s: float = Field(
        default=10.0, ge=0, le=29,
        description="With short_encoder: silence after the buffer in the encoder window, in "
        "seconds (rounded up to 1 s). Measured best between 10 and 16; 1-6 loop and "
        "mishear short turns more, 27 (almost 30 s) is as bad as the full window.",
    )


class StoreSettings(BaseModel):
    """Where sessions live and how long."""

    path: Path | None = Field(
        default=None,
        description="SQLite file. Empty: sessions.db in the user's data folder.",
    )
    keep_audio: bool = Field(default=False, description="Keep session audio (FLAC).")
    retention_unconfirmed_days: int = Field(
        default=30, ge=0, description="Days an unconfirmed session is kept."
    )
    retention_confirmed_days: int = Field(
        default=365, ge=0, description="Days a confirmed note is kept (service rule)."
    )
    agent: str | None = Field(
        default=None,
        description="Agent name written in the audit trail. Empty: the system user name.",
    )
    busy_timeout_ms: int = Field(
        default=10_000, ge=0,
        description="How long to wait for another program (TUI, CLI) writing the database.",
    )


class DictationSettings(BaseModel):
    """Back-office dictation (``assistant dictate``, ``transcribe --dictation``)."""

    use_prompt: bool = Field(
        default=True,
        description=(
            "Prime the decoder with dictation (commands spelled out, no marks) so that "
            "Whisper writes the spoken commands as words: measured by "
            "scripts/eval_dictation.py --prompt (docs/dictation.md)."
        ),
    )
    keep_whisper_marks: bool = Field(
        default=False,
        description=(
            "Keep the punctuation Whisper adds by itself where no command was said "
            "(off: only dictated punctuation is written)."
        ),
    )
    export_dir: Path | None = Field(
        default=None,
        description="Folder where the dictation screen exports .txt/.md. Empty: current folder.",
    )
    reread_at_end: bool = Field(
        default=True,
        description=(
            "When the dictation ends, read the kept recording again with the batch "
            "decoder (wide beam, whole context) and put that text in place of the live "
            "one, unless the agent typed meanwhile; F8 brings the live text back."
        ),
    )
    reread_max_minutes: float = Field(
        default=20.0,
        gt=0,
        description=(
            "Dictation audio kept in memory (never on disk) for the full re-reading "
            "(F7) once the dictation ends; a longer dictation is not re-read."
        ),
    )


class IdentifySettings(BaseModel):
    """Identifiers read again from the audio (``assistant identify``, the second look)."""

    second_look: bool = Field(
        default=False,
        description=(
            "Batch and live: where the transcript says a number after an identifier cue "
            "(numéro allocataire, sécurité sociale, téléphone…) or a long run of digits, "
            "decode that stretch of audio again with the output restricted to number "
            "words, digits and letters, and keep the value the readings agree on. Needs "
            "word times, which it turns on in batch. Off: on the development exchanges "
            "it has not yet beaten the plain path (docs/identifiers.md)."
        ),
    )
    verify: bool = Field(
        default=True,
        description=(
            "Batch, where words are timed (`transcribe --format json --words`): where the "
            "transcript says a number after an identifier cue, score what it wrote against "
            "the valid values one French word away (83 for 93), in words, on that stretch "
            "of audio; if one of them (written in as many tokens or more) scores better, "
            "the value is not drafted (the agent has it said again). Never writes a value. "
            "On: on three held-out sets it took the wrong values kept from 16 to 2 of 210 "
            "exchanges, right ones from 19 to 18 (docs/identifiers.md)."
        ),
    )
    verify_amounts: bool = Field(
        default=False,
        description=(
            "With `verify` (and live with `verify_live`): the same check on sums in euros "
            "and on the day and year of dates whose words Whisper was sure of; a doubted "
            "one is drafted « à vérifier » (`assistant.identify.quantities`). Off: on the "
            "held-out appointments (five voice and noise conditions) Whisper's word "
            "probabilities already flagged every wrong amount and date, and the check "
            "flagged four right ones more (docs/identifiers.md)."
        ),
    )
    verify_live: bool = Field(
        default=False,
        description=(
            "The same check live, on each committed segment before it is shown. Off: live "
            "it lost more right values than it caught wrong ones (wrong 4 -> 3, right "
            "5 -> 3 on 70 held-out exchanges) and adds 1-2 s to a commit it checks."
        ),
    )
    verify_capture: bool = Field(
        default=False,
        description=(
            "Number dictation and `assistant identify`: the same check as `verify` on the "
            "value read, which is then not offered. Off: there the agent reads the value "
            "back to the usager, and the check also withholds right values "
            "(docs/identifiers.md)."
        ),
    )
    score_neighbours: bool = Field(
        default=False,
        description=(
            "Number dictation and `assistant identify`: also write the readings and the "
            "values one French word away from them (83 for 93, 65 for 75) in words, score "
            "each against the audio with the model, and let those scores vote. Off: on "
            "held-out exchanges it kept as many right and wrong values as the readings "
            "alone, 1.7 s slower (docs/identifiers.md)."
        ),
    )
    keep_confidence: float = Field(
        default=0.6, ge=0.0, le=1.0,
        description=(
            "Share of the readings' vote a value needs to replace what the transcript "
            "wrote (below it the transcript is left as it was)."
        ),
    )


class DemoSettings(BaseModel):
    """The sample recordings (``assistant demo``)."""

    samples: Path = Field(
        default_factory=default_samples_dir,
        description=(
            "Folder of the sample recordings made by scripts/make_samples.py; "
            "`assistant demo` replays demo-caf-aide-logement.wav from it. Default: "
            "samples/ in the user's data folder, or the checkout's audio/generated/."
        ),
    )


NoteFieldName = Literal[
    "organizations", "reason", "summary", "documents_requested", "identifiers",
    "amounts_eur", "dates", "follow_ups", "complex_situation", "referral",
]
NOTE_FIELDS: tuple[NoteFieldName, ...] = (
    "organizations", "reason", "summary", "documents_requested", "identifiers",
    "amounts_eur", "dates", "follow_ups", "complex_situation", "referral",
)


class ShareSettings(BaseModel):
    """The note as it leaves the workstation: the clipboard copy of the counter app,
    its files, and the txt / md exports (``assistant export``, docs/share.md)."""

    folder: Path | None = Field(
        default=None,
        description=(
            "Folder of the note files written when the terminal may refuse the clipboard "
            "and of the exports made from the start screen (each file private, 0600). "
            "Default: fiches/ in the user's data folder."
        ),
    )
    clipboard: Literal["auto", "file"] = Field(
        default="auto",
        description=(
            "auto: copy through the terminal (OSC 52) and also write the note to a file "
            "where the terminal is known to refuse it (macOS Terminal, GNOME Terminal and "
            "other VTE terminals, GNU screen, the Linux console, the old Windows console); "
            "file: always write the file as well."
        ),
    )
    fields: list[NoteFieldName] = Field(
        default_factory=lambda: list(NOTE_FIELDS),
        description=(
            "The note's fields copied and exported, in this order (to match the fields "
            "of a site's business software); a field left out is not copied."
        ),
    )
    labels: dict[NoteFieldName, str] = Field(
        default_factory=dict,
        description=(
            "Labels replacing the French defaults, e.g. {reason = \"Objet\", "
            "documents_requested = \"Pièces à fournir\"}."
        ),
    )
    template: str | None = Field(
        default=None,
        description=(
            "A whole layout instead of « Label : valeur » lines: a string.Template with "
            "$organizations, $reason, $summary, $documents_requested, $identifiers, "
            "$amounts_eur, $dates, $follow_ups, $complex_situation, $referral, $date, "
            "$confirmed_by, $confirmed_at and $status (values joined by « ; »)."
        ),
    )


class LanguageModelSettings(BaseModel):
    """An optional language-model drafter (``assistant draft --llm``, docs/llm.md):
    off by default; nothing connects anywhere unless ``url`` is set."""

    enabled: bool = Field(
        default=False,
        description=(
            "Draft with the language model by default (``assistant draft`` without "
            "--llm); needs url. The rule drafter still checks and backs it up."
        ),
    )
    url: str | None = Field(
        default=None,
        description=(
            "Base URL of an OpenAI-compatible endpoint on the site's own network, e.g. "
            "http://127.0.0.1:8000/v1 (llama.cpp server, vLLM, Ollama); /chat/completions "
            "is appended. Unset: no connection is ever made."
        ),
    )
    model: str = Field(default="local", description="The model name the endpoint expects.")
    api_key_env: str | None = Field(
        default=None,
        description=(
            "Name of the environment variable holding the endpoint's key, if it needs "
            "one (the key itself is never written in the settings)."
        ),
    )
    timeout_s: float = Field(
        default=30.0, gt=0, le=600,
        description="Seconds to wait for the answer; past it, the rule drafter's note.",
    )


class Settings(BaseSettings):
    """The whole settings tree."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    model: ModelSettings = Field(default_factory=ModelSettings)
    decoding: DecodingSettings = Field(default_factory=DecodingSettings)
    capture: CaptureSettings = Field(default_factory=CaptureSettings)
    speakers: SpeakerSettings = Field(default_factory=SpeakerSettings)
    streaming: StreamingSettings = Field(default_factory=StreamingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    dictation: DictationSettings = Field(default_factory=DictationSettings)
    identify: IdentifySettings = Field(default_factory=IdentifySettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)
    share: ShareSettings = Field(default_factory=ShareSettings)
    llm: LanguageModelSettings = Field(default_factory=LanguageModelSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes a French ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])} = {err.get('input')!r} ({err['msg']})"
            for err in exc.errors()
        )
        raise ConfigError(
            f"Réglage invalide : {problems}.",
            f"Corrigez {config_file()} ou la variable ASSISTANT_… correspondante.",
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Fichier de réglages illisible : {config_file()} ({exc}).",
            "Corrigez sa syntaxe TOML ou supprimez-le pour revenir aux valeurs par défaut.",
        ) from None
