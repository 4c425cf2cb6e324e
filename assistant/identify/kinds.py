"""What each kind of identifier looks like: its check, its groups, its French name (pure).

This is the one validator of identifiers: the drafter, the second look, the
capture mode and the agent's own edits in review all ask ``check``. A value
that fails it is never kept as that kind. It also says which kinds are
masked, on screen and in shared output (``HIDDEN_ON_SCREEN``,
``MASKED_WHEN_SHARED``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from stdnum import iban as std_iban
from stdnum.fr import nif as std_nif
from stdnum.fr import nir as std_nir

from assistant.notes.lexicon import IDENTIFIER_CUES
from assistant.notes.models import IdentifierKind
from assistant.notes.text import normalise

K = IdentifierKind


@dataclass(frozen=True, slots=True)
class KindRule:
    """How one kind of identifier is said, checked and shown."""

    kind: IdentifierKind
    label: str
    """French name, as the agent reads it."""
    digits: int
    """How many digits it holds (letters apart)."""
    letters: int
    """How many letters it holds (0 for most)."""
    groups: tuple[int, ...]
    """How it is written in groups for reading back (lengths, letters included)."""
    strong_check: bool
    """Whether a check key guards it (NIR, numéro fiscal, IBAN): random digits
    rarely pass. Others only have a length and a shape."""
    cli_name: str


RULES: dict[IdentifierKind, KindRule] = {
    K.NIR: KindRule(K.NIR, "numéro de sécurité sociale", 15, 0, (1, 2, 2, 2, 3, 3, 2),
                    True, "nir"),
    K.NUMERO_FISCAL: KindRule(K.NUMERO_FISCAL, "numéro fiscal", 13, 0, (2, 2, 3, 3, 3),
                              True, "fiscal"),
    K.TELEPHONE: KindRule(K.TELEPHONE, "téléphone", 10, 0, (2, 2, 2, 2, 2), False,
                          "telephone"),
    K.NUMERO_ALLOCATAIRE: KindRule(K.NUMERO_ALLOCATAIRE, "numéro allocataire", 7, 0,
                                   (7,), False, "allocataire"),
    K.IDENTIFIANT_FRANCE_TRAVAIL: KindRule(K.IDENTIFIANT_FRANCE_TRAVAIL,
                                           "identifiant France Travail", 7, 1, (7, 1), False,
                                           "france-travail"),
    K.IBAN: KindRule(K.IBAN, "IBAN", 25, 2, (4, 4, 4, 4, 4, 4, 3), True, "iban"),
    K.IMMATRICULATION: KindRule(K.IMMATRICULATION, "immatriculation", 3, 4, (2, 3, 2), False,
                                "immatriculation"),
}
"""Every kind that is said as digits and letters (e-mail addresses are not)."""

BY_CLI_NAME = {r.cli_name: r for r in RULES.values()}

HIDDEN_ON_SCREEN: frozenset[IdentifierKind] = frozenset({K.NIR, K.IBAN})
"""Identifiers the screen masks until the agent reveals them (each reveal is
audited): the social security number and the bank account."""
MASKED_WHEN_SHARED: frozenset[IdentifierKind] = HIDDEN_ON_SCREEN | {K.TELEPHONE, K.EMAIL}
"""Identifiers masked in anything meant to be shared (exports): the contact
data too. The other kinds (allocataire number, France Travail identifier, ...)
stay, since the agent's systems need them."""

_PLATE = re.compile(r"([A-Z]{2})-?(\d{3})-?([A-Z]{2})")
_NOT_ON_PLATES = re.compile(r"[IOU]")
"""SIV plates (since 2009) use neither I, O nor U (read as 1, 0, V), nor SS, nor
000: a plate heard with one of them was misheard."""
_SEPARATORS = re.compile(r"[\s.\-]")
_NIR_HEAD = re.compile(r"[1-478]\d\d(?:0[1-9]|1[0-2]|20|3\d|4[0-2]|[5-9]\d)")
"""What a NIR opens with (INSEE): the sex (1, 2; 7, 8 in provisional numbers,
and 3, 4 let through as older special cases), the year, the month of birth
(01-12; 20, 30-42, 50-99 where it is unknown or for special and provisional
numbers). python-stdnum checks the key only, and a misheard number of
another kind passes a key one time in 97."""


def check(kind: IdentifierKind, value: str) -> str | None:
    """``value``'s normal form if it is a valid ``kind``, else ``None``.

    Normal forms: digits only (NIR, numéro fiscal, téléphone, allocataire),
    seven digits and an upper-case letter (France Travail), the compact
    upper-case IBAN, ``AA-123-AA`` (plates, with the SIV's letters), a lower-case
    e-mail address.
    """
    compact = _SEPARATORS.sub("", value).upper()
    if kind is K.EMAIL:
        v = value.strip().lower()
        return v if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v) else None
    if kind is K.NIR:
        return compact if (len(compact) == 15 and _NIR_HEAD.match(compact)
                           and std_nir.is_valid(compact)) else None
    if kind is K.NUMERO_FISCAL:
        return compact if std_nif.is_valid(compact) else None
    if kind is K.IBAN:
        return compact if compact.startswith("FR") and std_iban.is_valid(compact) else None
    if kind is K.TELEPHONE:
        return compact if re.fullmatch(r"0[1-9]\d{8}", compact) else None
    if kind is K.NUMERO_ALLOCATAIRE:
        return compact if re.fullmatch(r"\d{7}", compact) else None
    if kind is K.IDENTIFIANT_FRANCE_TRAVAIL:
        return compact if re.fullmatch(r"\d{7}[A-Z]", compact) else None
    if kind is K.IMMATRICULATION:
        m = _PLATE.fullmatch(compact)
        if m is None or m.group(2) == "000" or _NOT_ON_PLATES.search(m.group(1) + m.group(3)) \
                or "SS" in (m.group(1), m.group(3)):
            return None
        return "-".join(m.groups())
    return None


def cued_kinds(texts: Sequence[str],
               heard: Sequence[Callable[[int, int], float | None] | None] = ()
               ) -> list[IdentifierKind]:
    """The kinds named in ``texts`` (« votre numéro de téléphone ? »), the last
    named first: the latest text first, and in a text the cue said last first.
    ``heard``: for each text, how sure the recogniser was of its words (as the
    drafter reads them: an unsure word may be a cue it sounds less like)."""
    out: list[IdentifierKind] = []
    for i in reversed(range(len(texts))):
        text = texts[i]
        repaired = normalise(text, heard=heard[i] if i < len(heard) else None).text
        found: list[tuple[int, IdentifierKind]] = []
        for cue in IDENTIFIER_CUES:
            if cue.code in RULES:
                found.extend((m.end(), cue.code) for m in cue.pattern.finditer(repaired))
        for _end, kind in sorted(found, key=lambda f: -f[0]):
            if kind not in out:
                out.append(kind)
    return out


def grouped(kind: IdentifierKind, value: str) -> list[str]:
    """``value`` cut in the groups it is read back in ("06 71 22 58 09")."""
    if kind is K.IMMATRICULATION:
        return value.split("-")
    rule = RULES.get(kind)
    if rule is None:
        return [value]
    out: list[str] = []
    pos = 0
    for size in rule.groups:
        if pos >= len(value):
            break
        out.append(value[pos:pos + size])
        pos += size
    if pos < len(value):
        out.append(value[pos:])
    return out
