"""The French counter vocabulary that primes Whisper (pure, no I/O).

Whisper base mishears the names of French public bodies ("l'acrf" for "la
CAF", "à locataire" for "allocataire") and the current year ("deux mille
vingt-six" becomes 2016). A short prompt written the way an agent would write
lowers those errors; docs/benchmarks.md has the figures that keep it.
"""

from __future__ import annotations

import datetime as dt

COUNTER_TERMS = (
    "CAF", "CPAM", "allocataire", "APL", "RSA", "prime d'activité", "AAH",
    "France Travail", "NIR", "carte Vitale", "ameli", "impots.gouv", "URSSAF", "MSA",
    "ANTS", "CARSAT", "préfecture", "mairie", "France services", "FranceConnect",
    "avis d'imposition", "RIB", "quittance de loyer",
)


def default_prompt(today: dt.date | None = None) -> str:
    """The built-in prompt: counter vocabulary and the current year in digits."""
    year = (today or dt.date.today()).year
    return (
        f"Rendez-vous France services, {year}. "
        f"Dossier {', '.join(COUNTER_TERMS)}. "
        f"Nous sommes en {year}, le dossier de l'allocataire est à la CAF."
    )
