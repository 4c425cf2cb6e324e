"""The case note (fiche de rendez-vous): codes, the draft with its evidence,
the agent's review, and the confirmed note (pydantic, pure).

Three stages, each a frozen model:

- ``CaseNoteDraft``: what the drafter read in the transcript. Every value
  carries its ``Evidence`` (segment id and character span) and a confidence.
  It changes each time a segment is committed.
- ``NoteReview``: what the agent did, field by field (accepted, rejected, or
  replaced by their own value). It is kept apart from the draft so that the
  draft can keep growing while the agent edits; ``review.apply(draft)`` gives
  the note as it stands.
- ``ConfirmedNote``: the final note, frozen, with ``schema_version``, who
  confirmed it and when, and which fields the agent changed.

``CaseNote.to_contract()`` is the JSON contract of
``shared/design/case-note.md`` (codes as strings, ISO dates).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1
VERIFY_BELOW = 0.8
"""Identifiers, amounts and dates drafted with a confidence below this are
shown « à vérifier » (the app, the exports, ``assistant identify``)."""
DROP_BELOW = 0.4
"""An identifier whose words the recogniser (or the second look's readings)
backs less than this is not drafted: a wrong dossier number is worse than none.
Above a third: the plain reading's own vote alone (``identify.choose``) is not enough."""


class Organization(StrEnum):
    CAF = "CAF"
    CPAM = "CPAM"
    DGFIP = "DGFIP"
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL"
    ASSURANCE_RETRAITE = "ASSURANCE_RETRAITE"
    MSA = "MSA"
    ANTS = "ANTS"
    URSSAF = "URSSAF"
    PREFECTURE = "PREFECTURE"
    MAIRIE = "MAIRIE"
    LA_POSTE = "LA_POSTE"
    JUSTICE = "JUSTICE"
    AUTRE = "AUTRE"


class Reason(StrEnum):
    LOGEMENT = "LOGEMENT"
    MINIMA_SOCIAUX = "MINIMA_SOCIAUX"
    FAMILLE = "FAMILLE"
    SANTE = "SANTE"
    IMPOTS = "IMPOTS"
    EMPLOI = "EMPLOI"
    RETRAITE = "RETRAITE"
    TITRES = "TITRES"
    NUMERIQUE = "NUMERIQUE"
    AUTRE = "AUTRE"


class DocumentKind(StrEnum):
    PIECE_IDENTITE = "PIECE_IDENTITE"
    PHOTO_IDENTITE = "PHOTO_IDENTITE"
    JUSTIFICATIF_DOMICILE = "JUSTIFICATIF_DOMICILE"
    AVIS_IMPOSITION = "AVIS_IMPOSITION"
    RIB = "RIB"
    BULLETINS_SALAIRE = "BULLETINS_SALAIRE"
    ATTESTATION_EMPLOYEUR = "ATTESTATION_EMPLOYEUR"
    ACTE_NAISSANCE = "ACTE_NAISSANCE"
    LIVRET_FAMILLE = "LIVRET_FAMILLE"
    CARTE_VITALE = "CARTE_VITALE"
    BAIL_OU_QUITTANCE = "BAIL_OU_QUITTANCE"
    CERTIFICAT_MEDICAL = "CERTIFICAT_MEDICAL"
    TITRE_SEJOUR = "TITRE_SEJOUR"
    PERMIS_CONDUIRE = "PERMIS_CONDUIRE"
    CERTIFICAT_CESSION = "CERTIFICAT_CESSION"
    CONTROLE_TECHNIQUE = "CONTROLE_TECHNIQUE"
    JUGEMENT = "JUGEMENT"
    AUTRE = "AUTRE"


class IdentifierKind(StrEnum):
    NUMERO_ALLOCATAIRE = "NUMERO_ALLOCATAIRE"
    NIR = "NIR"
    NUMERO_FISCAL = "NUMERO_FISCAL"
    IDENTIFIANT_FRANCE_TRAVAIL = "IDENTIFIANT_FRANCE_TRAVAIL"
    TELEPHONE = "TELEPHONE"
    EMAIL = "EMAIL"
    IBAN = "IBAN"
    IMMATRICULATION = "IMMATRICULATION"


class Party(StrEnum):
    """Who does a follow-up besides an organisation."""

    AGENT = "AGENT"
    USAGER = "USAGER"


class NoteField(StrEnum):
    """The fields of a case note, in display order."""

    ORGANIZATIONS = "organizations"
    REASON = "reason"
    SUMMARY = "summary"
    DOCUMENTS_REQUESTED = "documents_requested"
    IDENTIFIERS = "identifiers"
    AMOUNTS_EUR = "amounts_eur"
    DATES = "dates"
    FOLLOW_UPS = "follow_ups"
    COMPLEX_SITUATION = "complex_situation"
    REFERRAL = "referral"


VERIFY_FIELDS = frozenset({NoteField.IDENTIFIERS.value, NoteField.AMOUNTS_EUR.value,
                           NoteField.DATES.value})
"""The fields whose drafted values below ``VERIFY_BELOW`` are shown « à vérifier »."""


_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Identifier(BaseModel):
    """A dossier number or contact datum, in its normal form."""

    model_config = _FROZEN
    kind: IdentifierKind
    value: str


class FollowUp(BaseModel):
    """What happens next: who does what, by when."""

    model_config = _FROZEN
    who: Party | Organization
    action: str
    due: dt.date | None = None


class Evidence(BaseModel):
    """Where in the transcript a value was read: ``text[start:end]`` of segment ``segment_id``."""

    model_config = _FROZEN
    segment_id: int
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str = Field(description="The words at that span, for the agent to check at a glance.")


T = TypeVar("T")


class Drafted(BaseModel, Generic[T]):
    """One drafted value with the words it came from and how sure the drafter is."""

    model_config = _FROZEN
    value: T
    evidence: tuple[Evidence, ...] = ()
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


class CaseNote(BaseModel):
    """The values of a case note, without evidence (the agent's view of it)."""

    model_config = _FROZEN
    organizations: tuple[Organization, ...] = ()
    reason: Reason = Reason.AUTRE
    summary: str = ""
    documents_requested: tuple[DocumentKind, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    amounts_eur: tuple[float, ...] = ()
    dates: tuple[dt.date, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    complex_situation: bool = False
    referral: Organization | None = None

    def to_contract(self) -> dict[str, Any]:
        """The JSON contract of case-note.md: plain JSON types, codes as strings."""
        return {
            "organizations": [o.value for o in self.organizations],
            "reason": self.reason.value,
            "summary": self.summary,
            "documents_requested": [d.value for d in self.documents_requested],
            "identifiers": [{"kind": i.kind.value, "value": i.value} for i in self.identifiers],
            "amounts_eur": [_number(a) for a in self.amounts_eur],
            "dates": [d.isoformat() for d in self.dates],
            "follow_ups": [
                {"who": f.who.value, "action": f.action,
                 "due": f.due.isoformat() if f.due else None}
                for f in self.follow_ups
            ],
            "complex_situation": self.complex_situation,
            "referral": self.referral.value if self.referral else None,
        }


class CaseNoteDraft(BaseModel):
    """The drafter's reading of the transcript so far, every value with its evidence."""

    model_config = _FROZEN
    appointment_date: dt.date
    segments_seen: int = 0
    organizations: tuple[Drafted[Organization], ...] = ()
    reason: Drafted[Reason] = Drafted[Reason](value=Reason.AUTRE, confidence=0.0)
    summary: Drafted[str] = Drafted[str](value="", confidence=0.0)
    documents_requested: tuple[Drafted[DocumentKind], ...] = ()
    identifiers: tuple[Drafted[Identifier], ...] = ()
    amounts_eur: tuple[Drafted[float], ...] = ()
    dates: tuple[Drafted[dt.date], ...] = ()
    follow_ups: tuple[Drafted[FollowUp], ...] = ()
    complex_situation: Drafted[bool] = Drafted[bool](value=False, confidence=0.0)
    referral: Drafted[Organization | None] = Drafted[Organization | None](
        value=None, confidence=0.0
    )
    to_ask_again: tuple[Drafted[IdentifierKind], ...] = ()
    """Identifiers heard but not drafted: a number said where one was asked or
    named that failed its check, or whose words the recogniser was unsure of
    (``DROP_BELOW``). No value is kept (a wrong dossier number is worse than
    none); the evidence shows where it was said, and the agent has it said
    again (the app proposes « Dictée d'un numéro » of that kind). Not a field
    of the note: never confirmed, never exported."""

    def note(self) -> CaseNote:
        """The drafted values alone."""
        return CaseNote(
            organizations=tuple(d.value for d in self.organizations),
            reason=self.reason.value,
            summary=self.summary.value,
            documents_requested=tuple(d.value for d in self.documents_requested),
            identifiers=tuple(d.value for d in self.identifiers),
            amounts_eur=tuple(d.value for d in self.amounts_eur),
            dates=tuple(d.value for d in self.dates),
            follow_ups=tuple(d.value for d in self.follow_ups),
            complex_situation=self.complex_situation.value,
            referral=self.referral.value,
        )

    def to_contract(self) -> dict[str, Any]:
        return self.note().to_contract()

    def evidence(self, field: NoteField) -> tuple[Evidence, ...]:
        """Every piece of evidence behind ``field`` (all its items together)."""
        raw = getattr(self, field.value)
        items = raw if isinstance(raw, tuple) else (raw,)
        out: list[Evidence] = []
        for item in items:
            out.extend(item.evidence)
        return tuple(out)

    @property
    def is_empty(self) -> bool:
        return self.note() == CaseNote()


class ReviewStatus(StrEnum):
    PENDING = "PENDING"
    """Not looked at yet: the field follows the draft."""
    ACCEPTED = "ACCEPTED"
    """The agent approved the drafted value (pinned as it was then)."""
    REJECTED = "REJECTED"
    """The agent removed the drafted value (the field is empty)."""
    EDITED = "EDITED"
    """The agent wrote their own value (or added one the draft lacked)."""


class FieldReview(BaseModel):
    """The agent's decision on one field; ``value`` is in the JSON contract's shape."""

    model_config = _FROZEN
    status: ReviewStatus = ReviewStatus.PENDING
    value: Any = None
    at: dt.datetime | None = None


def _empty_value(field: NoteField) -> Any:
    return CaseNote().to_contract()[field.value]


class NoteReview(BaseModel):
    """The agent's decisions, field by field, kept on top of a changing draft.

    Every method returns a new review (frozen). Values are given in the JSON
    contract's shape (codes as strings, ISO dates) and are checked at once: a
    bad value raises pydantic's ``ValidationError`` naming it.
    """

    model_config = _FROZEN
    fields: dict[NoteField, FieldReview] = Field(default_factory=dict)

    def _with(self, field: NoteField, review: FieldReview) -> NoteReview:
        return NoteReview(fields={**self.fields, field: review})

    def status(self, field: NoteField) -> ReviewStatus:
        return self.fields.get(field, FieldReview()).status

    def edit(self, field: NoteField, value: Any, at: dt.datetime | None = None) -> NoteReview:
        """The agent writes ``value`` for ``field`` (replaces what the draft says)."""
        checked = CaseNote.model_validate({field.value: value}).to_contract()[field.value]
        return self._with(field, FieldReview(status=ReviewStatus.EDITED, value=checked, at=at))

    def accept(self, draft: CaseNoteDraft, field: NoteField,
               at: dt.datetime | None = None) -> NoteReview:
        """The agent approves the drafted value as it stands now."""
        value = draft.to_contract()[field.value]
        return self._with(field, FieldReview(status=ReviewStatus.ACCEPTED, value=value, at=at))

    def reject(self, field: NoteField, at: dt.datetime | None = None) -> NoteReview:
        """The agent removes the drafted value."""
        return self._with(
            field, FieldReview(status=ReviewStatus.REJECTED, value=_empty_value(field), at=at)
        )

    def reset(self, field: NoteField) -> NoteReview:
        """Back to following the draft."""
        return NoteReview(fields={k: v for k, v in self.fields.items() if k != field})

    def apply(self, draft: CaseNoteDraft) -> CaseNote:
        """The note as it stands: the draft, with the agent's decisions on top."""
        values = draft.to_contract()
        for field, review in self.fields.items():
            if review.status is not ReviewStatus.PENDING:
                values[field.value] = review.value
        return CaseNote.model_validate(values)

    def changed_fields(self, draft: CaseNoteDraft) -> tuple[NoteField, ...]:
        """Fields whose final value differs from what the draft says (edited or rejected)."""
        drafted = draft.to_contract()
        return tuple(
            f for f in NoteField
            if f in self.fields
            and self.fields[f].status in (ReviewStatus.EDITED, ReviewStatus.REJECTED)
            and self.fields[f].value != drafted[f.value]
        )

    def confirm(self, draft: CaseNoteDraft, confirmed_by: str,
                confirmed_at: dt.datetime | None = None) -> ConfirmedNote:
        """Freeze the note. Nothing is final before this."""
        note = self.apply(draft)
        when = confirmed_at or dt.datetime.now(dt.UTC)
        evidence = {
            f: draft.evidence(f) for f in NoteField
            if self.status(f) in (ReviewStatus.PENDING, ReviewStatus.ACCEPTED)
            and draft.evidence(f)
        }
        return ConfirmedNote(
            **note.model_dump(),
            schema_version=SCHEMA_VERSION,
            appointment_date=draft.appointment_date,
            confirmed_by=confirmed_by,
            confirmed_at=when,
            changed_fields=self.changed_fields(draft),
            evidence=evidence,
        )


class ConfirmedNote(CaseNote):
    """The note the agent confirmed: final, frozen, with its audit facts."""

    schema_version: int = SCHEMA_VERSION
    appointment_date: dt.date
    confirmed_by: str = Field(min_length=1)
    confirmed_at: dt.datetime
    changed_fields: tuple[NoteField, ...] = ()
    """Fields the agent edited or rejected (their value is not the drafter's)."""
    evidence: dict[NoteField, tuple[Evidence, ...]] = Field(default_factory=dict)
    """Evidence of the fields kept as drafted."""

    @field_validator("confirmed_by")
    @classmethod
    def _strip(cls, v: str) -> str:
        stripped = v.strip()
        if not stripped:
            raise ValueError("confirmed_by est vide : indiquez l'agent qui confirme")
        return stripped
