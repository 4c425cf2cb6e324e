"""The settings tree: defaults, TOML file, ASSISTANT_* variables, French errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.settings import Settings, load_settings


def test_every_field_has_a_description() -> None:
    for section_name, section in Settings.model_fields.items():
        model = section.annotation
        assert model is not None
        for name, field in model.model_fields.items():  # type: ignore[union-attr]
            assert field.description, f"{section_name}.{name} has no description"


def test_toml_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = Path(os.environ["ASSISTANT_CONFIG"])
    cfg.write_text('[decoding]\nbeam_size = 3\nlanguage = "fr"\n[model]\ncpu_threads = 2\n')
    assert load_settings().decoding.beam_size == 3
    monkeypatch.setenv("ASSISTANT_DECODING__BEAM_SIZE", "2")
    s = load_settings()
    assert s.decoding.beam_size == 2
    assert s.model.cpu_threads == 2


def test_bad_value_names_it_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DECODING__BEAM_SIZE", "quarante")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "decoding.beam_size" in str(err.value)
    assert "quarante" in str(err.value)
    assert "Corrigez" in str(err.value)


def test_broken_toml_file() -> None:
    Path(os.environ["ASSISTANT_CONFIG"]).write_text("[decoding\nbeam_size = ")
    with pytest.raises(ConfigError, match="illisible"):
        load_settings()
