"""« Dictée d'un numéro »: the number being dictated, as pure state (no Textual, no I/O).

While the dialog is open, each committed utterance is read again with
``assistant.identify.reader.read_identifier``; ``NumberEntry.heard`` folds each
``Reading`` in: a whole valid number replaces the value, otherwise the groups
heard are appended (the usager may say the number group by group over several
utterances). ``without_last_group`` takes the last group back so it can be said
again. The value's check status (``status``) is what the agent reads back to
the usager before adding it to the draft; the one validator is
``assistant.identify.kinds.check``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from assistant.identify.choose import Reading, letters_mode
from assistant.identify.kinds import RULES, check, cued_kinds, grouped
from assistant.identify.spoken import MAX_GAP_WORDS, number_runs
from assistant.notes.models import VERIFY_BELOW, IdentifierKind
from assistant.tui import strings as S
from assistant.tui.review import EvidenceSpan
from assistant.types import Segment

KINDS: tuple[IdentifierKind, ...] = tuple(RULES)
"""The kinds that can be dictated (every kind said as digits and letters)."""


def kind_label(kind: IdentifierKind) -> str:
    """The kind's French name, capitalised for a list."""
    label = RULES[kind].label
    return label[:1].upper() + label[1:]


def cued_kind(segments: Sequence[Segment]) -> IdentifierKind | None:
    """The kind of the last identifier cue heard (« votre numéro de téléphone ? »)."""
    kinds = cued_kinds([s.text for s in segments])
    return kinds[0] if kinds else None


# --- the utterance and where the number was said ----------------------------------------

_TOKEN = re.compile(r"\S+")
_TRAILING = " ,.;:!?…"


@dataclass(frozen=True, slots=True)
class Utterance:
    """The segments one pipeline step committed (what is read again)."""

    segments: tuple[Segment, ...]

    @property
    def start_s(self) -> float:
        return self.segments[0].start

    @property
    def end_s(self) -> float:
        return self.segments[-1].end

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    def evidence(self, kind: IdentifierKind) -> tuple[EvidenceSpan, ...]:
        """Where a number is said in each segment (the whole segment if none is)."""
        letters, _spelt = letters_mode(kind)
        spans = [span for s in self.segments if (span := number_span(s, letters)) is not None]
        if spans:
            return tuple(spans)
        return tuple(EvidenceSpan(s.id, 0, len(s.text), s.text) for s in self.segments)


def number_span(segment: Segment, letters: bool = False) -> EvidenceSpan | None:
    """The stretch of ``segment.text`` that says a number (the longest run of
    number words, with at most ``MAX_GAP_WORDS`` other words inside)."""
    tokens = list(_TOKEN.finditer(segment.text))
    runs = number_runs([t.group() for t in tokens], letters, MAX_GAP_WORDS)
    if not runs:
        return None
    lo, hi, _n = max(runs, key=lambda r: r[2])
    start = tokens[lo].start()
    end = tokens[hi].end()
    while end > start and segment.text[end - 1] in _TRAILING:
        end -= 1
    return EvidenceSpan(segment.id, start, end, segment.text[start:end])


# --- the value being dictated ---------------------------------------------------------------

class CheckState(StrEnum):
    EMPTY = "empty"
    VALID = "valid"
    INCOMPLETE = "incomplete"
    TOO_LONG = "too_long"
    BAD_KEY = "bad_key"
    BAD_FORM = "bad_form"


@dataclass(frozen=True, slots=True)
class Status:
    """The value's check, as the dialog says it."""

    state: CheckState
    text: str

    @property
    def valid(self) -> bool:
        return self.state is CheckState.VALID


@dataclass(frozen=True, slots=True)
class HeardGroup:
    """One group as it was said, and the utterance it was heard in."""

    text: str
    evidence: tuple[EvidenceSpan, ...]
    confidence: float = 0.0
    """The vote of the whole number it was read with; 0 for a group said alone."""


@dataclass(frozen=True, slots=True)
class CapturedNumber:
    """What the agent adds to the draft (the dialog's result)."""

    kind: IdentifierKind
    value: str
    evidence: tuple[EvidenceSpan, ...]
    confidence: float

    @property
    def draft_text(self) -> str:
        """The review panel's text form of an identifier (``notebridge.text_of``)."""
        return f"{self.kind.value} {self.value}"


@dataclass(frozen=True, slots=True)
class NumberEntry:
    """The number dictated so far, for one kind."""

    kind: IdentifierKind
    groups: tuple[HeardGroup, ...] = ()
    last_heard: str = ""
    """What the recogniser wrote of the last utterance read."""
    readings: int = 0

    # --- changes --------------------------------------------------------------------
    def heard(self, reading: Reading, utterance: Utterance) -> NumberEntry:
        """Fold in the reading of one more utterance."""
        evidence = utterance.evidence(self.kind)
        base = replace(self, last_heard=reading.heard, readings=self.readings + 1)
        if reading.value is not None:
            # A whole valid number: it replaces whatever was there.
            groups = tuple(HeardGroup(g, evidence, reading.confidence)
                           for g in grouped(self.kind, reading.value))
            return replace(base, groups=groups)
        if not reading.groups:
            return base
        added = tuple(HeardGroup(g, evidence) for g in reading.groups)
        return replace(base, groups=self.groups + added)

    def without_last_group(self) -> NumberEntry:
        return replace(self, groups=self.groups[:-1])

    def with_kind(self, kind: IdentifierKind) -> NumberEntry:
        """Another kind chosen: the groups heard stay, checked against it."""
        return replace(self, kind=kind)

    def cleared(self) -> NumberEntry:
        return NumberEntry(self.kind)

    # --- reading it -----------------------------------------------------------------
    @property
    def confidence(self) -> float:
        """Of the readings the value comes from: a whole number's vote, 0 when
        any group was said alone (then it is read back: « à vérifier »)."""
        return min((g.confidence for g in self.groups), default=0.0)

    @property
    def raw(self) -> str:
        """The groups joined as said ("0618190937")."""
        return "".join(g.text for g in self.groups).upper()

    @property
    def candidate(self) -> str:
        """What is checked: the groups joined, « FR » put before an IBAN said without it."""
        raw = self.raw
        if self.kind is IdentifierKind.IBAN and raw and not raw.startswith("FR"):
            return "FR" + raw
        return raw

    @property
    def value(self) -> str | None:
        """The normal form when the number checks, else None."""
        return check(self.kind, self.candidate) if self.groups else None

    @property
    def shown_groups(self) -> list[str]:
        """The value in its reading-back groups (as said while it does not check)."""
        value = self.value
        if value is not None:
            return grouped(self.kind, value)
        if self.kind is IdentifierKind.IMMATRICULATION:
            return [g.text.upper() for g in self.groups]
        return grouped(self.kind, self.candidate)

    @property
    def evidence(self) -> tuple[EvidenceSpan, ...]:
        """Every utterance the value was heard in, in order, once each."""
        out: list[EvidenceSpan] = []
        for group in self.groups:
            for span in group.evidence:
                if span not in out:
                    out.append(span)
        return tuple(out)

    @property
    def to_verify(self) -> bool:
        """A value that checks but was read with little confidence (or put together
        from groups): the agent reads it back before adding it."""
        return self.value is not None and self.confidence < VERIFY_BELOW

    def status(self) -> Status:
        if not self.groups:
            return Status(CheckState.EMPTY, S.NUMBER_WAITING)
        if self.value is not None:
            return Status(CheckState.VALID, S.NUMBER_VALID)
        rule = RULES[self.kind]
        need = rule.digits + rule.letters
        unit = S.NUMBER_UNIT_CHARS if rule.letters else S.NUMBER_UNIT_DIGITS
        have = len(self.candidate) if rule.letters else sum(c.isdigit() for c in self.candidate)
        if have < need:
            return Status(CheckState.INCOMPLETE,
                          S.NUMBER_INCOMPLETE.format(have=have, need=need, unit=unit))
        if have > need:
            return Status(CheckState.TOO_LONG,
                          S.NUMBER_TOO_LONG.format(have=have, need=need, unit=unit))
        if rule.strong_check:
            return Status(CheckState.BAD_KEY, S.NUMBER_BAD_KEY)
        return Status(CheckState.BAD_FORM, S.NUMBER_BAD_FORM)

    def captured(self) -> CapturedNumber | None:
        """The number to add, or None while it does not check."""
        value = self.value
        if value is None:
            return None
        return CapturedNumber(self.kind, value, self.evidence, self.confidence)
