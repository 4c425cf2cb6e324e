"""Probe sentences (tests/data/probes): ordinary French the rules must not
misread. The drafter must draft nothing from plain talk or from a keyword in
its everyday sense (and still draft what the counter sense says); dictation
must lose no word and apply no command that was not said."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.dictation import DictationSession, apply_dictation
from assistant.guards import comparable_words
from assistant.notes.drafter import Drafter, draft_from_text
from assistant.types import Segment

DATA = Path(__file__).parent / "data" / "probes"
DAY = dt.date(2026, 5, 20)
NOTE_FILES = ("notes_ordinary.json", "notes_near_misses.json", "notes_with_items.json")


def _load(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return cases


NOTE_PROBES = [p for name in NOTE_FILES for p in _load(name)]
DICTATION_PROBES = _load("dictation_words.json")
ROLE_PROBES = _load("notes_roles.json")


def _drafted(text: str) -> dict[str, Any]:
    draft = draft_from_text(text, DAY)
    c = draft.to_contract()
    return {
        "to_ask_again": [h.value.value for h in draft.to_ask_again],
        "organizations": sorted(c["organizations"]),
        "reason": c["reason"],
        "documents_requested": sorted(c["documents_requested"]),
        "identifiers": c["identifiers"],
        "amounts_eur": c["amounts_eur"],
        "dates": c["dates"],
        "follow_ups": [f["who"] for f in c["follow_ups"]],
        "complex_situation": c["complex_situation"],
        "referral": c["referral"],
    }


_NOTHING: dict[str, Any] = {
    "to_ask_again": [], "organizations": [], "reason": "AUTRE", "documents_requested": [],
    "identifiers": [],
    "amounts_eur": [], "dates": [], "follow_ups": [], "complex_situation": False,
    "referral": None,
}


def test_probe_counts() -> None:
    assert len(NOTE_PROBES) + len(DICTATION_PROBES) >= 200
    ids = [p["id"] for p in (*NOTE_PROBES, *DICTATION_PROBES)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("probe", NOTE_PROBES, ids=[p["id"] for p in NOTE_PROBES])
def test_note_probe(probe: dict[str, Any]) -> None:
    expected = {**_NOTHING, **probe.get("expect", {})}
    expected["organizations"] = sorted(expected["organizations"])
    expected["documents_requested"] = sorted(expected["documents_requested"])
    assert _drafted(probe["text"]) == expected, probe.get("trap", "")


@pytest.mark.parametrize("probe", ROLE_PROBES, ids=[p["id"] for p in ROLE_PROBES])
def test_role_probe(probe: dict[str, Any]) -> None:
    """With each turn's speaker known, the papers the usager says they brought are not
    requests, and the usager's account names the motif over the agent's procedure talk."""
    segments = [Segment(id=i, start=0.0, end=0.0, text=text, speaker=speaker)
                for i, (speaker, text) in enumerate(probe["turns"])]
    contract = Drafter(DAY).add_segments(segments).to_contract()
    if "documents_requested" in probe:
        assert sorted(contract["documents_requested"]) == sorted(probe["documents_requested"])
    if "reason" in probe:
        assert contract["reason"] == probe["reason"]


def _marks(text: str) -> list[str]:
    return re.findall(r"[.,;:?!…«»()\n]", text)


@pytest.mark.parametrize("probe", DICTATION_PROBES, ids=[p["id"] for p in DICTATION_PROBES])
def test_dictation_probe(probe: dict[str, Any]) -> None:
    out = apply_dictation(probe["said"])
    assert comparable_words(out) == comparable_words(probe["expected"]), out
    assert _marks(out) == _marks(probe["expected"]), out
    live = DictationSession()
    for word in probe["said"].split():
        live.feed(word)
    live.finish()
    assert live.text == out
