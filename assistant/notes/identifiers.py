"""Dossier numbers and contact data in a sentence: found, joined, checked, normalised.

People say numbers in groups or digit by digit and the recogniser writes the
groups with spaces, commas, dots or hyphens; a run of such groups is joined
into one string of digits, then its kind is decided by its length, its check
(``identify.kinds.check``, the one validator: python-stdnum for the NIR, the
numéro fiscal and the IBAN) and the words said
around it. A number that fails its check is not kept as that kind.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise

from assistant.identify.kinds import check
from assistant.identify.spoken import name_two_word_letters
from assistant.notes.models import IdentifierKind

K = IdentifierKind


@dataclass(frozen=True, slots=True)
class FoundIdentifier:
    """An identifier in a sentence's working text: ``[start, end)`` and its normal form."""

    kind: IdentifierKind
    value: str
    start: int
    end: int
    confidence: float


_EMAIL = re.compile(r"[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
_IBAN = re.compile(r"\bf ?r,? ?\d{2}(?:(?:, |[ -])?[0-9a-z]){23}\b")
_PLATE = re.compile(r"\b([a-z]{2})[ -]?(\d{3})[ -]?([a-z]{2})\b")
_PLATE_SPELT = re.compile(
    r"\b([a-z])[ -]([a-z])(?:, |[ -])?(\d{3})(?:, |[ -])?([a-z])[ -]([a-z])\b")
# Where a plate was asked for, its groups as Whisper writes digit groups: commas
# between them, the digits said one by one ("MH-446, CH", "RM8, 6, 2, MZ").
_PLATE_LOOSE = re.compile(
    r"\b([a-z])[ -]?([a-z])(?:, |[ -])?(\d(?:(?:, |[ -])?\d){2})(?:, |[ -])?([a-z])[ -]?([a-z])\b")
# Digit groups joined by spaces, commas, dots or hyphens ("48 21 937", "06-71-22-58-09").
_RUN = re.compile(r"(?<![\w@.])\d+(?:(?:, |[ ,.\-])\d+)*")
_KEY = re.compile(
    r"^[ ,.]*(?:et )?(?:la |sa |votre )?(?:cles?|que les?) "
    r"(?:c'est |est |:|a |de )?(?:le )?(\d ?\d)\b"
)
_LETTER_AFTER = re.compile(r"^(?:[ -]?|,? (?:et )?(?:(?:la )?lettre |un |une ))([a-z])\b(?!')")
# A number said on after a pause word ("10 74 58 23 16, et après 416"): one number
# when the whole passes its check.
_CONTINUED = re.compile(r",? (?:et )?(?:apres|puis|ensuite),? (?=\d)")
_CHECKED_KINDS = frozenset({K.NIR, K.NUMERO_FISCAL})
_NOT_AN_ID_AFTER = re.compile(
    r"^\s*(?:d')?(?:euros?|%|pour ?cent|ans?|mois|jours?|semaines?|heures?|h\b|minutes?|fois"
    r"|enfants?|personnes?|trimestres?|janvier|fevrier|mars|avril|mai|juin|juillet|aout"
    r"|septembre|octobre|novembre|decembre|/)"
)


def find_identifiers(text: str, cues: Collection[IdentifierKind]) -> list[FoundIdentifier]:
    """Identifiers in ``text`` (a sentence's working text); ``cues``: kinds named nearby."""
    text = name_two_word_letters(text)
    out: list[FoundIdentifier] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _EMAIL.finditer(text):
        out.append(FoundIdentifier(K.EMAIL, m.group().strip("."), m.start(), m.end(), 0.95))
        taken.append(m.span())
    for m in _IBAN.finditer(text):
        compact = re.sub(r"[ ,-]", "", m.group()).upper()
        if check(K.IBAN, compact) and free(*m.span()):
            out.append(FoundIdentifier(K.IBAN, compact, m.start(), m.end(), 0.95))
            taken.append(m.span())
    plate_patterns = ([_PLATE, _PLATE_SPELT, _PLATE_LOOSE] if K.IMMATRICULATION in cues
                      else [_PLATE])
    for pat in plate_patterns:
        for m in pat.finditer(text):
            letters = "".join(g for g in m.groups() if g.isalpha())
            if len(letters) != 4 or not free(*m.span()):
                continue
            if pat is not _PLATE_SPELT and _short_word_around(m):
                continue
            digits = re.sub(r"\D", "", next(g for g in m.groups() if g[:1].isdigit()))
            value = check(K.IMMATRICULATION, f"{letters[:2]}-{digits}-{letters[2:]}")
            if value is None:
                continue
            out.append(FoundIdentifier(K.IMMATRICULATION, value, m.start(), m.end(),
                                       0.9 if K.IMMATRICULATION in cues else 0.6))
            taken.append(m.span())
    for found, span in _corrected_runs(text, cues):
        if free(*span):
            if found is not None:
                out.append(found)
            taken.append(span)
    for m in _RUN.finditer(text):
        if not free(*m.span()):
            continue
        joined = _continued_run(text, m, cues)
        if joined is not None:
            out.append(joined)
            taken.append((joined.start, joined.end))
            continue
        found = _classify_run(text, m.start(), m.end(), cues)
        if found is None and ", " in m.group():
            # "48 21 937, 250 euros": a list, not one number; try each part.
            pos = m.start()
            for part in m.group().split(", "):
                found = _classify_run(text, pos, pos + len(part), cues)
                if found is not None:
                    out.append(found)
                    taken.append((found.start, found.end))
                pos += len(part) + 2
            continue
        if found is not None:
            out.append(found)
            taken.append((found.start, found.end))
    out.sort(key=lambda f: f.start)
    return out


UNREAD_MIN_DIGITS = 5
"""Digits a number must hold to be worth having said again when no identifier
could be read from it: fewer is a count, a year, a street number."""
PLATE_MIN_DIGITS = 3
"""Where the plate is the identifier asked for last, a plate's three digits
are enough (« BC-0239D-022KX » read as no plate)."""
EXPECTED_DIGITS: dict[IdentifierKind, int] = {
    K.NIR: 15, K.NUMERO_FISCAL: 13, K.TELEPHONE: 10, K.IDENTIFIANT_FRANCE_TRAVAIL: 8,
    K.NUMERO_ALLOCATAIRE: 7, K.IBAN: 25,
}
"""About how many digits each numeric kind is said with (an IBAN's 27 characters
hold two letters): the kind a number was probably meant as, among those cued."""


_POSTAL_CODE = re.compile(r"\d{5}")
"""Five digits written as one group: a postal code (« 69003 Lyon »); an
identifier is said, and written, in groups."""


@dataclass(frozen=True, slots=True)
class UnreadNumber:
    """A number said where an identifier was asked or named, from which no
    identifier could be read (wrong length, failed check): ``[start, end)``
    in the sentence's working text, and its digits counted."""

    start: int
    end: int
    digits: int


def unread_numbers(text: str, found: Collection[FoundIdentifier],
                   min_digits: int = UNREAD_MIN_DIGITS) -> list[UnreadNumber]:
    """The digit runs of ``text`` outside ``found`` that hold at least
    ``min_digits`` digits and are not an amount, a date, a count or a
    postal code (« 12 500 euros », « 15 mars 2024 », « 69003 Lyon » are not);
    the caller decides whether an identifier was asked for (its cues)."""
    text = name_two_word_letters(text)
    out = []
    for m in _RUN.finditer(text):
        if any(m.start() < f.end and f.start < m.end() for f in found):
            continue
        if _NOT_AN_ID_AFTER.match(text[m.end():]) or _POSTAL_CODE.fullmatch(m.group()):
            continue
        digits = sum(c.isdigit() for c in m.group())
        if digits >= min_digits:
            out.append(UnreadNumber(m.start(), m.end(), digits))
    return out


def likely_kind(cued: Sequence[IdentifierKind], digits: int) -> IdentifierKind | None:
    """Of the kinds ``cued`` (nearest cue first), the one a number of ``digits``
    digits that gave no identifier was probably meant as: the plate when it was
    asked for last (``PLATE_MIN_DIGITS`` or more); else, from
    ``UNREAD_MIN_DIGITS``, the numeric kind whose length is nearest (the first
    on a tie); None when none fits."""
    if cued and cued[0] is K.IMMATRICULATION and digits >= PLATE_MIN_DIGITS:
        return K.IMMATRICULATION
    numeric = [k for k in cued if k in EXPECTED_DIGITS]
    if not numeric or digits < UNREAD_MIN_DIGITS:
        return None
    return min(numeric, key=lambda k: abs(EXPECTED_DIGITS[k] - digits))


_TAKE_BACK = re.compile(r"\b(?:non|pardon|attendez|plutot|trompee?|corrige|correction)\b")
MAX_TAKE_BACK_WORDS = 4
"""Words between two digit runs that can take back the end of the first
(« non pardon », « euh non, pardon », « pardon, je me trompe »)."""


def _corrected_runs(text: str, cues: Collection[IdentifierKind]
                    ) -> list[tuple[FoundIdentifier | None, tuple[int, int]]]:
    """Numbers said with a correction inside: « 63, non pardon, 13, 813 … ».

    Two digit runs with a few words between them, one of which takes back what
    was said (``_TAKE_BACK``): the group said just before the correction is
    replaced by what follows it; if that makes no identifier (the recogniser
    may split « zéro quatre » in two groups), the first run's last digits are,
    as many as the second run holds; else the second run may be the whole
    number said again; between a plate's letters, the digits said after the
    correction are the plate's (``_corrected_plate``). The first run alone is never kept: it was
    taken back. Each result comes with the span it covers (the whole
    correction); ``None`` when neither reading makes an identifier.
    """
    out: list[tuple[FoundIdentifier | None, tuple[int, int]]] = []
    for first, second in pairwise(_RUN.finditer(text)):
        between = text[first.end():second.start()]
        words = re.findall(r"[a-z']+", between)
        if not _TAKE_BACK.search(between) or len(words) > MAX_TAKE_BACK_WORDS \
                or re.search(r"[.?!;:]", re.sub(r"\.\.\.|…", " ", between)):
            continue
        groups = [g for g in first.group().split(", ") if g]
        said_after = re.sub(r"\D", "", second.group())
        tries = [re.sub(r"\D", "", "".join(groups[:-1])) + said_after]
        before = re.sub(r"\D", "", first.group())
        if len(said_after) < len(before):
            tries.append(before[: len(before) - len(said_after)] + said_after)
        tries.append(said_after)  # the whole number said again
        found = _corrected_plate(text, first, second, cues)
        for digits in tries if found is None else ():
            joined = digits + text[second.end():]
            hit = _classify_run(joined, 0, len(digits), cues)
            if hit is not None:
                found = FoundIdentifier(hit.kind, hit.value, first.start(),
                                        second.end() + hit.end - len(digits), hit.confidence)
                break
        out.append((found, (first.start(), found.end if found else second.end())))
    return out


_SHORT_WORDS = frozenset({"le", "la", "de", "du", "un", "en", "et", "ma", "sa", "ta", "ce",
                          "se", "ne", "me", "te", "je", "au", "on", "il", "tu", "ou", "oh",
                          "ah", "eh", "ca", "si"})
"""Two-letter French words: « c'est le 151, non pardon, 157 » is no plate."""
_PLATE_HEAD = re.compile(r"\b([a-z])[ -]?([a-z])[ -]?$")
_PLATE_TAIL = re.compile(r"^(?:, |[ -])?([a-z])[ -]?([a-z])\b")


def _short_word_around(m: re.Match[str]) -> bool:
    """Whether a plate's letters are a two-letter French word written apart
    from its digits (« je me trompe de 149 FV », « le 151, 7 de … » are no
    plates; « DE-149-FV », written with hyphens, is one)."""
    text = m.string
    digits = next(i for i, g in enumerate(m.groups(), start=1) if g[:1].isdigit())
    head = text[m.start():m.start(digits)]
    tail = text[m.end(digits):m.end()]
    return any(part.strip(" ,-") in _SHORT_WORDS and "-" not in part for part in (head, tail))


def _corrected_plate(text: str, first: re.Match[str], second: re.Match[str],
                     cues: Collection[IdentifierKind]) -> FoundIdentifier | None:
    """« M D 151, non pardon, 157, M S »: a plate whose digits were taken back."""
    head = _PLATE_HEAD.search(text, 0, first.start())
    tail = _PLATE_TAIL.match(text[second.end():])
    digits = re.sub(r"\D", "", second.group())
    if head is None or tail is None or len(digits) != 3 \
            or head[0].strip() in _SHORT_WORDS or tail[0].strip(" ,") in _SHORT_WORDS:
        return None
    value = check(K.IMMATRICULATION, f"{head[1]}{head[2]}-{digits}-{tail[1]}{tail[2]}")
    if value is None:
        return None
    return FoundIdentifier(K.IMMATRICULATION, value, head.start(), second.end() + tail.end(),
                           0.9 if K.IMMATRICULATION in cues else 0.6)


_OTHER_NUMBERS = frozenset({K.NIR, K.NUMERO_FISCAL, K.NUMERO_ALLOCATAIRE,
                            K.IDENTIFIANT_FRANCE_TRAVAIL, K.IBAN})
"""The numeric kinds other than the phone: one of them asked for, and not the
phone, a number shaped like a phone is not kept as one."""


def _continued_run(text: str, m: re.Match[str], cues: Collection[IdentifierKind]
                   ) -> FoundIdentifier | None:
    """The number ``m`` begins and the run after "et après" (or "puis", "ensuite")
    ends, when the two make one number that passes its check (a NIR, a numéro
    fiscal); None otherwise."""
    link = _CONTINUED.match(text, m.end())
    rest = _RUN.match(text, link.end()) if link else None
    if rest is None:
        return None
    found = _classify_run(text, m.start(), rest.end(), cues)
    return found if found is not None and found.kind in _CHECKED_KINDS else None


def _classify_run(text: str, start: int, end: int, cues: Collection[IdentifierKind]
                  ) -> FoundIdentifier | None:
    after = text[end:]
    if _NOT_AN_ID_AFTER.match(after):
        return None
    digits = re.sub(r"\D", "", text[start:end])
    n = len(digits)
    key = _KEY.match(after)
    if key and n == 13:
        value = check(K.NIR, digits + key.group(1).replace(" ", ""))
        if value:
            return FoundIdentifier(K.NIR, value, start, end + key.end(), 0.95)
    if n == 15:
        value = check(K.NIR, digits)
        if value:
            return FoundIdentifier(K.NIR, value, start, end, 0.95)
        return None
    if n == 13 and check(K.NUMERO_FISCAL, digits):
        return FoundIdentifier(K.NUMERO_FISCAL, digits, start, end,
                               0.9 if K.NUMERO_FISCAL in cues else 0.7)
    # Another number asked for, and not a phone: a phone's shape (no key to check)
    # is that number misheard more often than a phone nobody asked for.
    phone = K.TELEPHONE in cues or not any(k in cues for k in _OTHER_NUMBERS)
    if phone and n == 10 and digits.startswith("0") and digits[1] != "0":
        return FoundIdentifier(K.TELEPHONE, digits, start, end,
                               0.9 if K.TELEPHONE in cues else 0.75)
    if phone and n == 11 and digits.startswith("33") and digits[2] != "0":
        return FoundIdentifier(K.TELEPHONE, "0" + digits[2:], start, end, 0.8)
    if n == 7:
        letter = _LETTER_AFTER.match(after)
        if K.IDENTIFIANT_FRANCE_TRAVAIL in cues and letter:
            value = digits + letter.group(1).upper()
            return FoundIdentifier(K.IDENTIFIANT_FRANCE_TRAVAIL, value, start,
                                   end + letter.end(), 0.85)
        if K.NUMERO_ALLOCATAIRE in cues:
            return FoundIdentifier(K.NUMERO_ALLOCATAIRE, digits, start, end, 0.85)
        return None
    return None
