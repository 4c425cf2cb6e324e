"""The optional language-model drafter (docs/llm.md): an OpenAI-compatible
endpoint asked for the note under a JSON schema, its answer validated by the
pydantic models, aligned to the transcript and checked by the rule drafter,
which also stands in whenever the model cannot answer.

Off by default: nothing here opens a connection unless ``llm.url`` is set. The
only network code of the package, on the standard library (``urllib``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from assistant.errors import LanguageModelError
from assistant.notes.drafter import draft_from_segments
from assistant.notes.modeldraft import SCHEMA, ModelNote, messages, reconcile
from assistant.notes.models import CaseNoteDraft
from assistant.settings import LanguageModelSettings
from assistant.slips import DEFAULT_MODEL
from assistant.types import Segment

MAX_TOKENS = 2048
"""A bound on the answer: a note's JSON is a few hundred tokens; a model that loops
stops there (and its cut JSON is the rules' note)."""
FALLBACK_HINT = "La fiche ci-dessous vient des règles seules (le brouillon habituel)."


@dataclass(frozen=True, slots=True)
class ModelDraft:
    """The draft, who wrote it, and what the agent should know (French lines)."""

    draft: CaseNoteDraft
    by_model: bool
    notes: list[str] = field(default_factory=list)


def _timed_out(settings: LanguageModelSettings) -> LanguageModelError:
    return LanguageModelError(
        f"Le modèle de langue n'a pas répondu en {settings.timeout_s:g} s.",
        FALLBACK_HINT + " Vérifiez le serveur ou augmentez llm.timeout_s.")


class _Refused(Exception):
    """The endpoint answered an HTTP error (``code``, the start of its ``body``)."""

    def __init__(self, code: int, body: str) -> None:
        super().__init__(code)
        self.code = code
        self.body = body

    @property
    def format_refused(self) -> bool:
        """A request refused for its form, or an error that names the response format
        (llama-cpp-python's server answers 500 to a ``json_schema`` it does not know)."""
        return self.code in (400, 422) or "response_format" in self.body


def _request(settings: LanguageModelSettings, body: dict[str, Any],
             timeout_s: float | None = None) -> dict[str, Any]:
    if settings.url is None:
        raise LanguageModelError("Aucun modèle de langue n'est configuré.",
                                 "Indiquez son adresse (réglage llm.url).")
    url = settings.url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    key = os.environ.get(settings.api_key_env) if settings.api_key_env else None
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"),
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s or settings.timeout_s) as response:
            answer: dict[str, Any] = json.loads(response.read().decode("utf-8"))
            return answer
    except TimeoutError:
        raise _timed_out(settings) from None
    except urllib.error.HTTPError as exc:
        try:
            body_text = exc.read(4096).decode("utf-8", "replace")
        except OSError:
            body_text = ""
        raise _Refused(exc.code, body_text) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(settings) from None
        raise LanguageModelError(f"Le modèle de langue ({url}) est injoignable ({exc.reason}).",
                                 FALLBACK_HINT + " Vérifiez llm.url.") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise LanguageModelError(f"Le modèle de langue ({url}) a répondu autre chose que du JSON.",
                                 FALLBACK_HINT + " Vérifiez llm.url.") from None


def ask(settings: LanguageModelSettings, segments: Sequence[Segment],
        appointment_date: dt.date) -> ModelNote:
    """The model's note, validated (LanguageModelError otherwise)."""
    body: dict[str, Any] = {
        "model": settings.model,
        "messages": messages(segments, appointment_date),
        "temperature": 0,
        "max_tokens": MAX_TOKENS,
        "response_format": {"type": "json_schema",
                            "json_schema": {"name": "fiche", "strict": True, "schema": SCHEMA}},
    }
    deadline = time.monotonic() + settings.timeout_s
    try:
        try:
            answer = _request(settings, body)
        except _Refused as exc:
            if not exc.format_refused:
                raise
            # llama-cpp-python's server knows only {"type": "json_object", "schema": ...}
            # (llama.cpp's own server takes both): the same schema, said its way.
            left = deadline - time.monotonic()
            if left <= 0:
                raise _timed_out(settings) from None
            body["response_format"] = {"type": "json_object", "schema": SCHEMA}
            answer = _request(settings, body, timeout_s=left)
    except _Refused as exc:
        raise LanguageModelError(
            f"Le modèle de langue ({settings.url}) a refusé la demande (HTTP {exc.code}).",
            FALLBACK_HINT + " Vérifiez llm.model et llm.api_key_env.") from None
    try:
        choice = answer["choices"][0]
        if choice.get("finish_reason") == "length":
            raise LanguageModelError(
                f"La réponse du modèle de langue a été coupée à {MAX_TOKENS} jetons.",
                FALLBACK_HINT)
        return ModelNote.model_validate_json(choice["message"]["content"])
    except (KeyError, IndexError, TypeError, AttributeError):
        raise LanguageModelError("La réponse du modèle de langue n'a pas la forme attendue.",
                                 FALLBACK_HINT) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LanguageModelError(
            f"La fiche du modèle de langue est invalide ({where} : {first['msg']}).",
            FALLBACK_HINT) from None


def draft_with_model(settings: LanguageModelSettings, segments: Sequence[Segment],
                     appointment_date: dt.date,
                     model: str | None = DEFAULT_MODEL) -> ModelDraft:
    """The language model's draft checked by the rules, or the rules' draft with the
    reason in French when the model cannot give one (``model``: the recogniser)."""
    rules = draft_from_segments(segments, appointment_date, model)
    try:
        answer = ask(settings, segments, appointment_date)
    except LanguageModelError as exc:
        return ModelDraft(rules, by_model=False, notes=[str(exc)])
    draft, dropped = reconcile(answer, segments, rules, appointment_date)
    return ModelDraft(draft, by_model=True, notes=[f"Écarté : {d}" for d in dropped])
