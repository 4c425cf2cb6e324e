"""The optional language-model drafter (issue #16, part 4): off by default, the
real client, schema validation, alignment and rule checks against a local
OpenAI-compatible endpoint served here (no language model runs on the test
machine: the endpoint answers what a model would, as JSON)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from assistant.llmdraft import MAX_TOKENS, draft_with_model
from assistant.notes.drafter import draft_from_segments
from assistant.notes.modeldraft import AGREED, MODEL_ONLY, SCHEMA
from assistant.settings import LanguageModelSettings, Settings
from assistant.types import Segment

DAY = dt.date(2026, 11, 28)
TEXT = [
    "Bonjour, je viens pour l'APL, la CAF m'a envoyé un courrier.",
    "Le loyer de 540 euros par mois charge qu'on prise.",
    "Il faudra apporter votre RIB avant le 15 décembre.",
]
SEGMENTS = [Segment(id=i, start=0.0, end=0.0, text=t) for i, t in enumerate(TEXT)]


def answer(**changes: Any) -> dict[str, Any]:
    note: dict[str, Any] = {
        "organizations": [{"code": "CAF", "segment": 0, "quote": "la CAF"}],
        "reason": {"code": "LOGEMENT", "segment": 0, "quote": "l'APL"},
        "documents_requested": [{"code": "RIB", "segment": 2, "quote": "votre RIB"}],
        "identifiers": [{"kind": "NIR", "value": "185057800608400", "segment": 1,
                         "quote": "540"}],
        "amounts_eur": [{"value": 540, "segment": 1, "quote": "540 euros"},
                        {"value": 999, "segment": 1, "quote": "999 euros"}],
        "dates": [{"value": "2026-12-15", "segment": 2, "quote": "15 DÉCEMBRE"}],
        "follow_ups": [{"who": "USAGER", "due": "2026-12-15", "segment": 5,
                        "quote": "Il faudra apporter votre RIB avant le 15 décembre."}],
        "complex_situation": {"value": False, "segment": None, "quote": None},
        "referral": {"code": None, "segment": None, "quote": None},
    }
    note.update(changes)
    return note


class Endpoint:
    """A local OpenAI-compatible endpoint: records requests, answers ``reply``."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.reply: Any = answer()
        self.delay = 0.0
        self.refuse_json_schema = False  # as llama-cpp-python's server does (HTTP 422)
        self.finish_reason = "stop"
        self.status = 200
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                endpoint.requests.append((self.path, dict(self.headers), body))
                time.sleep(endpoint.delay)
                refused = endpoint.refuse_json_schema and \
                    body["response_format"]["type"] == "json_schema"
                if refused or endpoint.status != 200:
                    self.send_response(422 if refused else endpoint.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                content = endpoint.reply if isinstance(endpoint.reply, str) \
                    else json.dumps(endpoint.reply)
                data = json.dumps({"choices": [{"message": {"content": content},
                                                "finish_reason": endpoint.finish_reason}]}
                                  ).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    e = Endpoint()
    yield e
    e.close()


def test_off_by_default_and_no_connection_without_a_url(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert Settings().llm.enabled is False and Settings().llm.url is None

    def refuse(*_args: object, **_kw: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    path = tmp_path / "t.txt"
    path.write_text("\n".join(TEXT), encoding="utf-8")
    assert main(["draft", str(path), "--json", "--date", DAY.isoformat()]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == "LOGEMENT"
    # Asked for, but not configured: the rules' note, and why, in French.
    result = draft_with_model(LanguageModelSettings(), SEGMENTS, DAY)
    assert not result.by_model and "Aucun modèle de langue" in result.notes[0]
    assert result.draft == draft_from_segments(SEGMENTS, DAY)


def test_model_answer_is_validated_aligned_and_checked_by_the_rules(
        endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_LLM_KEY", "k-123")
    settings = LanguageModelSettings(url=endpoint.url, model="mistral-local",
                                     api_key_env="SITE_LLM_KEY")
    result = draft_with_model(settings, SEGMENTS, DAY)
    path, headers, body = endpoint.requests[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer k-123"
    assert body["model"] == "mistral-local" and body["temperature"] == 0
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert "[1] Le loyer de 540 euros" in body["messages"][1]["content"]
    assert "droit" in body["messages"][0]["content"]  # told never to decide entitlement

    assert result.by_model
    d = result.draft
    assert [o.value.value for o in d.organizations] == ["CAF"]
    assert d.reason.value.value == "LOGEMENT"
    # Every value kept is tied to its words; the invented amount and the invalid NIR are not.
    assert [a.value for a in d.amounts_eur] == [540]
    ev = d.amounts_eur[0].evidence[0]
    assert TEXT[ev.segment_id][ev.start:ev.end] == ev.quote == "540 euros"
    date_ev = d.dates[0].evidence[0]
    assert date_ev.quote == "15 décembre"  # found case and accents aside, quoted as said
    assert d.identifiers == ()
    assert any("999" in n for n in result.notes) and any("NIR" in n for n in result.notes)
    # A follow-up named in the wrong segment is found in the right one; its action is
    # the words said, not the model's prose.
    assert d.follow_ups[0].evidence[0].segment_id == 2
    assert d.follow_ups[0].value.action == TEXT[2]
    # The rules agree on CAF, RIB, 540 € and the date: sure; the summary is composed.
    assert d.documents_requested[0].confidence == AGREED
    assert d.amounts_eur[0].confidence == AGREED
    assert d.summary.value.startswith("Rendez-vous CAF pour une aide au logement (APL).")


def test_an_endpoint_that_refuses_json_schema_gets_the_schema_as_json_object(
        endpoint: Endpoint) -> None:
    """llama-cpp-python's server takes {"type": "json_object", "schema": ...} only."""
    endpoint.refuse_json_schema = True
    result = draft_with_model(LanguageModelSettings(url=endpoint.url), SEGMENTS, DAY)
    assert result.by_model
    first, second = (body["response_format"] for _path, _headers, body in endpoint.requests)
    assert first["type"] == "json_schema"
    assert second == {"type": "json_object", "schema": SCHEMA}
    assert endpoint.requests[1][2]["max_tokens"] == MAX_TOKENS


def test_an_http_error_is_said_in_french_and_not_retried(endpoint: Endpoint) -> None:
    endpoint.status = 401
    result = draft_with_model(LanguageModelSettings(url=endpoint.url), SEGMENTS, DAY)
    assert not result.by_model and "a refusé la demande (HTTP 401)" in result.notes[0]
    assert len(endpoint.requests) == 1


def test_a_value_only_the_model_found_is_left_to_check(endpoint: Endpoint) -> None:
    endpoint.reply = answer(documents_requested=[
        {"code": "RIB", "segment": 2, "quote": "votre RIB"},
        {"code": "BAIL_OU_QUITTANCE", "segment": 1, "quote": "Le loyer"}])
    d = draft_with_model(LanguageModelSettings(url=endpoint.url), SEGMENTS, DAY).draft
    conf = {x.value.value: x.confidence for x in d.documents_requested}
    assert conf == {"RIB": AGREED, "BAIL_OU_QUITTANCE": MODEL_ONLY}


@pytest.mark.parametrize(("reply", "said"), [
    ("pas du json", "invalide"),
    (json.dumps(answer(reason={"code": "LOYER", "segment": 0, "quote": "l'APL"})),
     "reason.code"),
    (json.dumps({"organizations": []}), "invalide"),
])
def test_a_bad_answer_falls_back_to_the_rules(endpoint: Endpoint, reply: str, said: str) -> None:
    endpoint.reply = reply
    result = draft_with_model(LanguageModelSettings(url=endpoint.url), SEGMENTS, DAY)
    assert not result.by_model and said in result.notes[0]
    assert "règles seules" in result.notes[0]
    assert result.draft == draft_from_segments(SEGMENTS, DAY)


def test_an_answer_cut_at_the_token_limit_is_said(endpoint: Endpoint) -> None:
    endpoint.finish_reason = "length"
    result = draft_with_model(LanguageModelSettings(url=endpoint.url), SEGMENTS, DAY)
    assert not result.by_model and "coupée" in result.notes[0]
    assert result.draft == draft_from_segments(SEGMENTS, DAY)


def test_timeout_is_a_french_message_and_the_rules_note(endpoint: Endpoint) -> None:
    endpoint.delay = 2.0
    started = time.monotonic()
    result = draft_with_model(LanguageModelSettings(url=endpoint.url, timeout_s=0.3),
                              SEGMENTS, DAY)
    assert time.monotonic() - started < 1.8
    assert not result.by_model
    assert "n'a pas répondu en 0.3 s" in result.notes[0]
    assert result.draft == draft_from_segments(SEGMENTS, DAY)


def test_unreachable_endpoint_is_said_in_french() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = draft_with_model(LanguageModelSettings(url=f"http://127.0.0.1:{port}/v1",
                                                    timeout_s=2), SEGMENTS, DAY)
    assert not result.by_model and "injoignable" in result.notes[0]


def test_draft_command_with_llm(endpoint: Endpoint, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ASSISTANT_LLM__URL", endpoint.url)
    path = tmp_path / "t.txt"
    path.write_text("\n".join(TEXT), encoding="utf-8")
    assert main(["draft", str(path), "--llm", "--json", "--date", DAY.isoformat()]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["amounts_eur"] == [540] and data["documents_requested"] == ["RIB"]
    assert "999" in err and len(endpoint.requests) == 1
