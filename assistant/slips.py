"""The recogniser's observed slips (``assistant/slips.toml``), per model (pure, stdlib).

A slip is how one model was heard to write a word of the counter's lexicon
("l'acrf" for "la CAF", "un nulle" for "annule"). Each entry names the model
it was observed on and applies only when that model is loaded: the pure core
takes the model's name as a parameter (``model``), it never imports the
model. ``DEFAULT_MODEL`` is the bundled model, the settings' default.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

DEFAULT_MODEL = "whisper-base"
"""The bundled model's name (its folder in the model store)."""


@dataclass(frozen=True, slots=True)
class NoteSlip:
    """A spelling of the drafter's working text (folded) and what was meant."""

    model: str
    heard: re.Pattern[str]
    meant: str


@dataclass(frozen=True, slots=True)
class CommandSlip:
    """Spellings (folded words) that stand for a dictation command."""

    model: str
    command: str
    heard: tuple[str, ...]


def same_model(tag: str, model: str | None) -> bool:
    """Whether a slip observed on ``tag`` applies to the loaded ``model`` (its folder
    name; case and a trailing "-int8"-like suffix after the tag ignored)."""
    if not model:
        return False
    m, t = model.strip().lower(), tag.strip().lower()
    return m == t or m.startswith(t + "-int") or m.startswith(t + "-ct2")


@functools.cache
def _table() -> dict[str, list[dict[str, object]]]:
    text = resources.files("assistant").joinpath("slips.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.cache
def note_slips(model: str | None) -> tuple[NoteSlip, ...]:
    """The drafter's slips for ``model``, in file order."""
    return tuple(
        NoteSlip(str(e["model"]), re.compile(str(e["heard"])), str(e["meant"]))
        for e in _table().get("notes", []) if same_model(str(e["model"]), model)
    )


@functools.cache
def command_slips(model: str | None) -> tuple[CommandSlip, ...]:
    """The dictation's slips for ``model``."""
    out = []
    for e in _table().get("dictation", []):
        if same_model(str(e["model"]), model):
            heard = e["heard"]
            assert isinstance(heard, list)
            out.append(CommandSlip(str(e["model"]), str(e["command"]),
                                   tuple(str(h) for h in heard)))
    return tuple(out)
