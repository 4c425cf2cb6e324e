"""Helpers shared by the session commands (sessions, export, delete, purge, stats)."""

from __future__ import annotations

from datetime import date

from assistant.errors import InputError
from assistant.store.records import SessionId


def session_id(text: str) -> SessionId:
    """argparse type: a session number."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise InputError(
            f"Numéro de session invalide : {text!r}.",
            "Donnez le numéro affiché par « assistant sessions » (un entier positif).",
        )
    return SessionId(value)


def iso_date(text: str) -> date:
    """argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"Date invalide : {text!r}.", "Écrivez-la AAAA-MM-JJ, par exemple 2026-01-31."
        ) from None
