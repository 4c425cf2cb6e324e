"""The French counter prompt that primes Whisper (pure, no I/O).

Whisper base mishears the names of French public bodies ("l'acrf" for "la
CAF", "à locataire" for "allocataire"). A short prompt that reads like what
is said at a counter lowers the error rate; a long list of terms, or the
current year, raised it (docs/benchmarks.md has the figures that chose this
one: measured on ../shared/eval/audio, Whisper base, beam 5).
"""

from __future__ import annotations

COUNTER_PROMPT = (
    "Bonjour, je viens pour mon dossier à la CAF, mon numéro allocataire et mon RSA."
)


def default_prompt() -> str:
    """The built-in prompt used when ``decoding.prompt`` is not set."""
    return COUNTER_PROMPT
