"""The development exchanges for identifiers (scripts/identifier_exchanges.py):
valid values, a deterministic set in sync with its committed copy, every kind
and style present, and only development voices. No model, no synthesis."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from assistant.notes.models import IdentifierKind
from assistant.types import SAMPLE_RATE
from scripts.identifier_exchanges import (
    AGENT_VOICE,
    DEV_JSON,
    DEV_VOICES,
    KINDS,
    STYLES,
    Exchange,
    check_voice,
    dump_exchanges,
    generate,
    is_valid_value,
    load_exchanges,
    number_words,
    render_exchange,
    say_group,
)
from tools.noise import add_noise, voiced_power

ROOT = Path(__file__).resolve().parent.parent
# Built, not written out, so that this file does not name them either.
FORBIDDEN = tuple(f"{prefix}fr{n}" for prefix in ("mb-", "mbrola-", "") for n in (2, 3, 6))


@pytest.fixture(scope="module")
def exchanges() -> list[Exchange]:
    return generate()


def test_values_are_valid_for_their_kind(exchanges: list[Exchange]) -> None:
    for ex in exchanges:
        assert is_valid_value(ex.kind, ex.value), (ex.id, ex.value)


def test_validity_checks_refuse_bad_values() -> None:
    assert not is_valid_value(IdentifierKind.NIR, "168016763632100")  # wrong key
    assert not is_valid_value(IdentifierKind.NUMERO_FISCAL, "3023217600054")
    assert is_valid_value(IdentifierKind.NUMERO_FISCAL, "3023217600053")
    assert not is_valid_value(IdentifierKind.TELEPHONE, "0012345678")
    assert not is_valid_value(IdentifierKind.IBAN, "FR7630006000011234567890188")
    assert not is_valid_value(IdentifierKind.IMMATRICULATION, "AB123CD")


def test_generation_is_deterministic_and_matches_the_committed_copy(
        exchanges: list[Exchange]) -> None:
    assert generate() == exchanges
    assert generate(seed=1) != exchanges
    committed = DEV_JSON.read_text(encoding="utf-8")
    assert committed == dump_exchanges(exchanges), (
        "tests/data/identifiers/dev.json is stale: "
        "run .venv/bin/python scripts/identifier_exchanges.py --write")
    assert load_exchanges() == exchanges


def test_every_kind_and_style_is_present(exchanges: list[Exchange]) -> None:
    cells = Counter((ex.kind, ex.style) for ex in exchanges)
    for kind in KINDS:
        for style in STYLES:
            assert cells[(kind, style)] >= 4, (kind, style)
    assert len(exchanges) >= 140
    assert len({ex.id for ex in exchanges}) == len(exchanges)


def test_exchange_shape(exchanges: list[Exchange]) -> None:
    for ex in exchanges:
        assert ex.turns[0].speaker == "agent"
        assert ex.turns[ex.number_turn].speaker == "usager"
        assert {t.speaker for t in ex.turns} <= {"agent", "usager"}
        assert ex.capture and all(g.strip() for g in ex.capture)
        said = ex.turns[ex.number_turn].text
        # Numbers are said in words, never written in digits.
        assert not re.search(r"\d", said), (ex.id, said)
        assert not any(re.search(r"\d", g) for g in ex.capture), ex.id
        if ex.style == "correction":
            assert re.search(r"non|pardon", said), said
        if ex.style == "short":  # the number straight away
            assert said.lower().startswith(ex.capture[0].lower()), said


def test_value_is_said_group_by_group_in_capture(exchanges: list[Exchange]) -> None:
    phone = next(ex for ex in exchanges if ex.kind is IdentifierKind.TELEPHONE)
    assert len(phone.capture) == 5
    assert phone.capture[0] == say_group(phone.value[:2])


def test_french_number_words() -> None:
    assert number_words(77) == "soixante-dix-sept"
    assert number_words(91) == "quatre-vingt-onze"
    assert number_words(71) == "soixante et onze"
    assert number_words(21) == "vingt et un"
    assert number_words(80) == "quatre-vingts"
    assert number_words(201) == "deux cent un"
    assert number_words(300) == "trois cents"
    assert say_group("07") == "zéro sept"
    assert say_group("007") == "zéro zéro sept"
    assert say_group("00") == "zéro zéro"
    assert say_group("636") == "six cent trente-six"


def test_no_forbidden_voice_anywhere(exchanges: list[Exchange]) -> None:
    for voice in (*DEV_VOICES, *AGENT_VOICE, *AGENT_VOICE.values()):
        assert voice not in FORBIDDEN
        assert check_voice(voice) == voice
    assert all(AGENT_VOICE[v] != v for v in DEV_VOICES)
    for name in FORBIDDEN:
        with pytest.raises(ValueError):
            check_voice(name)
    sources = [ROOT / "scripts" / "identifier_exchanges.py",
               ROOT / "scripts" / "bench_identifiers.py", DEV_JSON]
    for path in sources:
        text = path.read_text(encoding="utf-8").lower()
        for name in FORBIDDEN:
            assert not re.search(rf"\b{re.escape(name)}\b", text), (path.name, name)
    assert json.loads(DEV_JSON.read_text(encoding="utf-8"))


def test_rendering_without_synthesis(exchanges: list[Exchange]) -> None:
    """Timing, voices and noise of render_exchange with a stand-in synthesiser."""
    calls: list[tuple[str, str, int]] = []

    def fake_speak(text: str, voice: str, speed: int) -> np.ndarray:
        calls.append((text, voice, speed))
        t = np.arange(int(0.01 * len(text) * SAMPLE_RATE)) / SAMPLE_RATE
        return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)

    ex = exchanges[0]
    clean = render_exchange(ex, "mb-ca2", speed=150, speak=fake_speak)
    voices = {speaker: voice for (_, voice, _), (speaker, _, _)
              in zip(calls, clean.turn_spans, strict=True)}
    assert voices["usager"] == "mb-ca2" and voices["agent"] == AGENT_VOICE["mb-ca2"]
    assert all(speed == 150 for _, _, speed in calls)
    start, end = clean.number_span
    assert end - start == pytest.approx(0.01 * len(ex.turns[ex.number_turn].text), abs=1e-3)
    assert start >= clean.turn_spans[0][2]

    noisy = render_exchange(ex, "mb-ca2", speed=150, noise_db=10, speak=fake_speak)
    again = render_exchange(ex, "mb-ca2", speed=150, noise_db=10, speak=fake_speak)
    assert np.array_equal(noisy.audio, again.audio)  # seeded
    noise = noisy.audio - clean.audio
    snr = 10 * np.log10(voiced_power(clean.audio) / np.mean(noise.astype(np.float64) ** 2))
    assert snr == pytest.approx(10, abs=0.5)
    with pytest.raises(ValueError):
        render_exchange(ex, FORBIDDEN[0], speak=fake_speak)


def test_pink_noise_snr() -> None:
    t = np.arange(SAMPLE_RATE * 2) / SAMPLE_RATE
    speech = np.zeros_like(t, dtype=np.float32)
    speech[: SAMPLE_RATE] = (0.5 * np.sin(2 * np.pi * 300 * t[: SAMPLE_RATE])).astype(np.float32)
    mixed = add_noise(speech, 15, seed=3)
    noise = (mixed - speech).astype(np.float64)
    # Power measured on the voiced half only: 0.125 for a 0.5 sine.
    assert 10 * np.log10(0.125 / np.mean(noise**2)) == pytest.approx(15, abs=0.3)
    # Pink: more power below 500 Hz than above 4 kHz.
    spectrum = np.abs(np.fft.rfft(noise)) ** 2
    freqs = np.fft.rfftfreq(len(noise), 1 / SAMPLE_RATE)
    assert spectrum[(freqs > 20) & (freqs < 500)].mean() > 5 * spectrum[freqs > 4000].mean()
