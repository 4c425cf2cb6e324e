"""The language-model drafter against a real local server (issue #16, part 4): the opt-in
``llm`` tier (docs/llm.md).

llama-cpp-python's OpenAI-compatible server, started here on 127.0.0.1 and a free
port, runs a small GGUF that PyPI packages ship (tools/llm.py). What is asserted
holds whatever the model says: a valid contract, every drafted value tied to the words
it was read from, no identifier that fails its check, no word of entitlement, and the
rules' note with a French message when the server answers off the schema, is cut, or
is too slow. Skipped unless ASSISTANT_LLM_TESTS=1 and ``bash scripts/setup_llm.sh``
has installed the server and the model; the default suite keeps proving, in
tests/test_llm_draft.py and tests/test_offline.py, that the default connects nowhere.

    bash scripts/setup_llm.sh
    ASSISTANT_LLM_TESTS=1 .venv/bin/python -m pytest -m llm tests/test_llm_real.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import llmdraft
from assistant.identify.kinds import check
from assistant.llmdraft import draft_with_model
from assistant.notes.drafter import draft_from_segments
from assistant.notes.lexicon import ENTITLEMENT
from assistant.notes.models import VERIFY_BELOW, CaseNote, CaseNoteDraft, NoteField
from assistant.settings import LanguageModelSettings
from assistant.types import Segment
from tools.llm import DEFAULT_MODEL, MODELS, Server, installed, serve, server_installed

ROOT = Path(__file__).resolve().parent.parent
SPEC = MODELS[os.environ.get("ASSISTANT_LLM_MODEL", DEFAULT_MODEL)]


def _why_skipped() -> str | None:
    if os.environ.get("ASSISTANT_LLM_TESTS") != "1":
        return "opt-in tier: ASSISTANT_LLM_TESTS=1 (after bash scripts/setup_llm.sh)"
    if not server_installed():
        return "llama-cpp-python[server] is not installed: bash scripts/setup_llm.sh"
    if not installed(SPEC):
        return f"{SPEC.path} is absent or damaged: bash scripts/setup_llm.sh"
    return None


_SKIP = _why_skipped()
pytestmark = [pytest.mark.llm, pytest.mark.skipif(_SKIP is not None, reason=_SKIP or "")]

CASES: list[dict[str, Any]] = json.loads(
    (ROOT / "tests" / "data" / "appointments" / "heldout.json").read_text(encoding="utf-8"))
CASE = next(c for c in CASES if c["id"].startswith("h01-"))
DAY = dt.date.fromisoformat(CASE["date"])
SEGMENTS = [Segment(id=i, start=0.0, end=0.0, text=str(t[1]))
            for i, t in enumerate(CASE["turns"])]
GENEROUS_S = 240.0
"""The timeout for a real answer on 2 loaded cores (a note takes seconds to a minute)."""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve(SPEC) as s:
        yield s


def assert_checked(draft: CaseNoteDraft, segments: list[Segment]) -> None:
    """What holds whatever the model says."""
    contract = draft.to_contract()
    assert CaseNote.model_validate(draft.note().model_dump()).to_contract() == contract
    json.dumps(contract)  # plain JSON
    texts = {s.id: s.text for s in segments}
    for name in NoteField:
        if name is NoteField.SUMMARY:
            continue
        raw = getattr(draft, name.value)
        for item in raw if isinstance(raw, tuple) else (raw,):
            if name in (NoteField.REASON, NoteField.COMPLEX_SITUATION, NoteField.REFERRAL) \
                    and not item.evidence:
                continue  # a default value (AUTRE, False, None) needs no words
            assert item.evidence, f"{name.value}: {item.value!r} without evidence"
            for ev in item.evidence:
                assert ev.quote and texts[ev.segment_id][ev.start:ev.end] == ev.quote
    for ident in draft.identifiers:
        assert check(ident.value.kind, ident.value.value) == ident.value.value
    for text in (draft.summary.value, *(f.value.action for f in draft.follow_ups)):
        assert not ENTITLEMENT.search(text.lower()), text
    assert len(draft.summary.value.split(". ")) <= 3


def test_real_server_drafts_a_checked_note(server: Server) -> None:
    settings = LanguageModelSettings(url=server.url, model="local", timeout_s=GENEROUS_S)
    result = draft_with_model(settings, SEGMENTS, DAY)
    assert result.by_model, result.notes  # the schema as llama-cpp-python takes it
    assert_checked(result.draft, SEGMENTS)
    # A value only the model found is left for the agent to check.
    rules = draft_from_segments(SEGMENTS, DAY).note()
    for name in ("organizations", "documents_requested", "identifiers", "amounts_eur",
                 "dates"):
        for item in getattr(result.draft, name):
            if item.value not in getattr(rules, name):
                assert item.confidence < VERIFY_BELOW, (name, item.value)
    # Whatever the model dropped was said in French, one line each.
    assert all(n.startswith("Écarté : ") for n in result.notes)


def test_draft_command_through_the_real_server(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "rdv.txt"
    path.write_text("\n".join(s.text for s in SEGMENTS), encoding="utf-8")
    env = {**os.environ, "ASSISTANT_LLM__URL": server.url,
           "ASSISTANT_LLM__TIMEOUT_S": str(GENEROUS_S)}
    out = subprocess.run([sys.executable, "-m", "assistant", "draft", str(path), "--llm",
                          "--json", "--date", DAY.isoformat()],
                         capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=GENEROUS_S + 60)
    assert out.returncode == 0, out.stderr
    contract = json.loads(out.stdout)
    assert CaseNote.model_validate(contract).to_contract()["reason"] == contract["reason"]
    assert "règles seules" not in out.stderr, out.stderr
    assert not ENTITLEMENT.search(contract["summary"].lower())
    assert all(n.startswith("Écarté : ") for n in out.stderr.splitlines() if n.strip())


def test_too_slow_falls_back_to_the_rules_in_french(server: Server) -> None:
    result = draft_with_model(LanguageModelSettings(url=server.url, timeout_s=0.05),
                              SEGMENTS, DAY)
    assert not result.by_model
    assert "n'a pas répondu en 0.05 s" in result.notes[0]
    assert "règles seules" in result.notes[0]
    assert result.draft == draft_from_segments(SEGMENTS, DAY)


def test_an_answer_off_the_schema_falls_back_to_the_rules(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real server asked for another shape answers valid JSON that is not a note."""
    monkeypatch.setattr(llmdraft, "SCHEMA", {
        "type": "object", "properties": {"avis": {"type": "string", "maxLength": 20}},
        "required": ["avis"], "additionalProperties": False})
    result = draft_with_model(LanguageModelSettings(url=server.url, timeout_s=GENEROUS_S),
                              SEGMENTS, DAY)
    assert not result.by_model
    assert "fiche du modèle de langue est invalide" in result.notes[0]
    assert result.draft == draft_from_segments(SEGMENTS, DAY)


def test_an_answer_cut_short_falls_back_to_the_rules(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llmdraft, "MAX_TOKENS", 8)
    result = draft_with_model(LanguageModelSettings(url=server.url, timeout_s=GENEROUS_S),
                              SEGMENTS, DAY)
    assert not result.by_model
    assert "coupée à 8 jetons" in result.notes[0] and "règles seules" in result.notes[0]
    assert result.draft == draft_from_segments(SEGMENTS, DAY)
