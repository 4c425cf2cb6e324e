"""What a language model may answer, and how its answer becomes a draft (pure).

The optional language-model drafter (``assistant.llmdraft``, docs/llm.md)
asks an OpenAI-compatible endpoint for ``ModelNote``, constrained by its JSON
schema (``SCHEMA``). Every value comes with the transcript segment and the
exact words it was read from. ``reconcile`` keeps only what can be checked:

- a value whose quote is not found in the transcript is dropped (every kept
  value has its evidence, as with the rule drafter);
- an identifier must pass its kind's validator (``identify.kinds.check``);
- the rule drafter is the validator: a value it found too is drafted at 0.85,
  one only the model found at 0.6, below ``VERIFY_BELOW``, so it is shown
  « à vérifier »;
- the summary is composed from the fields (``fields.summary.compose``), never
  the model's prose, and a follow-up's action is the words quoted, so nothing
  the model wrote of its own (entitlement included) reaches the note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.folding import fold
from assistant.identify.kinds import check
from assistant.notes.fields.summary import compose
from assistant.notes.models import (
    CaseNoteDraft,
    DocumentKind,
    Drafted,
    Evidence,
    FollowUp,
    Identifier,
    IdentifierKind,
    Organization,
    Party,
    Reason,
)
from assistant.types import Segment

AGREED = 0.85
"""Confidence of a value the rule drafter found as well."""
MODEL_ONLY = 0.6
"""Confidence of a value only the model found (below VERIFY_BELOW: « à vérifier »)."""

_STRICT = ConfigDict(extra="forbid")


class _Quoted(BaseModel):
    model_config = _STRICT
    segment: int
    quote: str


class OrganizationItem(_Quoted):
    code: Organization


class DocumentItem(_Quoted):
    code: DocumentKind


class IdentifierItem(_Quoted):
    kind: IdentifierKind
    value: str


class AmountItem(_Quoted):
    value: float


class DateItem(_Quoted):
    value: dt.date


class FollowUpItem(_Quoted):
    who: Party | Organization
    due: dt.date | None


class ReasonItem(BaseModel):
    model_config = _STRICT
    code: Reason
    segment: int | None
    quote: str | None


class FlagItem(BaseModel):
    model_config = _STRICT
    value: bool
    segment: int | None
    quote: str | None


class ReferralItem(BaseModel):
    model_config = _STRICT
    code: Organization | None
    segment: int | None
    quote: str | None


class ModelNote(BaseModel):
    """The model's answer: every field of the note, each value with its words."""

    model_config = _STRICT
    organizations: list[OrganizationItem]
    reason: ReasonItem
    documents_requested: list[DocumentItem]
    identifiers: list[IdentifierItem]
    amounts_eur: list[AmountItem]
    dates: list[DateItem]
    follow_ups: list[FollowUpItem]
    complex_situation: FlagItem
    referral: ReferralItem


MAX_ITEMS = 6
"""Items per list the schema lets a model write (the held-out notes have 4 at most)."""


def _bounded(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every list bounded (``maxItems``), so a model constrained by it
    (a grammar, as llama.cpp builds) cannot repeat an item until its token limit, as a
    small model does. The bound is the schema's only: an endpoint that does not enforce
    it is not refused for it. (Quotes are left unbounded: llama-cpp-python spells a
    ``maxLength`` as that many nested rules, which slows every token.)"""
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            if out.get("type") == "array":
                out["maxItems"] = MAX_ITEMS
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    bounded: dict[str, Any] = walk(schema)
    return bounded


SCHEMA: dict[str, Any] = _bounded(ModelNote.model_json_schema())

INSTRUCTIONS = """Tu rédiges le brouillon de la fiche d'un rendez-vous au guichet d'un \
service public (France services, CAF, CPAM, impôts…), à partir de sa transcription. \
Chaque ligne de la transcription commence par le numéro de son segment entre crochets. \
Réponds uniquement par le JSON demandé. Pour chaque valeur, donne le numéro du segment \
et, dans « quote », les mots exacts de ce segment d'où tu la tires, recopiés tels quels \
(sans corriger l'orthographe). N'invente rien : une valeur qui n'a pas été dite n'est pas \
notée. Les organismes seulement cités dans une question ou une comparaison ne comptent pas. \
Les dates sont au format AAAA-MM-JJ ; une date dite sans année prend l'année du \
rendez-vous. Les montants sont en euros (pas les pourcentages). « complex_situation » est \
vrai si le dossier est bloqué, les délais excessifs, les droits coupés, ou si l'agent fait \
un signalement. Ne dis jamais si la personne a droit à une prestation : l'agent décide."""


def messages(segments: Sequence[Segment], appointment_date: dt.date) -> list[dict[str, str]]:
    """The chat messages asking for the note of ``segments``."""
    lines = "\n".join(f"[{s.id}] {s.text}" for s in segments if s.text.strip())
    return [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": f"Rendez-vous du {appointment_date.isoformat()}.\n"
                                    f"Transcription :\n{lines}"},
    ]


def _folded(text: str) -> str:
    """``text`` folded one character at a time (same length: spans stay valid)."""
    return "".join((fold(c) or c)[:1] for c in text)


def align(segments: Sequence[Segment], segment_id: int | None,
          quote: str | None) -> Evidence | None:
    """Where ``quote`` was said: in the segment named first, else in any other;
    exactly, else case and accents aside (spaces squeezed). None: not found."""
    if not quote or not quote.strip():
        return None
    needle = " ".join(quote.split())
    ordered = sorted(segments, key=lambda s: s.id != segment_id)
    for exact in (True, False):
        for s in ordered:
            hay = s.text if exact else _folded(s.text)
            at = hay.find(needle if exact else _folded(needle))
            if at >= 0:
                end = at + len(needle)
                return Evidence(segment_id=s.id, start=at, end=end, quote=s.text[at:end])
    return None


def _confidence(agreed: bool) -> float:
    return AGREED if agreed else MODEL_ONLY


def reconcile(answer: ModelNote, segments: Sequence[Segment], rules: CaseNoteDraft,
              appointment_date: dt.date) -> tuple[CaseNoteDraft, list[str]]:
    """The draft from the model's ``answer``, checked against the transcript and the
    rule drafter's ``rules``; with a French line per value left out."""
    dropped: list[str] = []

    def ev(item: Any, what: str) -> Evidence | None:
        found = align(segments, item.segment, item.quote)
        if found is None:
            dropped.append(f"{what} : citation introuvable dans la transcription "
                           f"(« {item.quote} »)")
        return found

    rule_orgs = {d.value for d in rules.organizations}
    orgs: dict[Organization, Drafted[Organization]] = {}
    for o in answer.organizations:
        e = ev(o, o.code.value)
        if e is not None and o.code not in orgs:
            orgs[o.code] = Drafted[Organization](value=o.code, evidence=(e,),
                                                 confidence=_confidence(o.code in rule_orgs))
    docs: dict[DocumentKind, Drafted[DocumentKind]] = {}
    rule_docs = {d.value for d in rules.documents_requested}
    for d in answer.documents_requested:
        e = ev(d, d.code.value)
        if e is not None and d.code not in docs:
            docs[d.code] = Drafted[DocumentKind](value=d.code, evidence=(e,),
                                                 confidence=_confidence(d.code in rule_docs))
    ids: dict[tuple[IdentifierKind, str], Drafted[Identifier]] = {}
    rule_ids = {(i.value.kind, i.value.value) for i in rules.identifiers}
    for i in answer.identifiers:
        value = check(i.kind, i.value)
        if value is None:
            dropped.append(f"{i.kind.value} : « {i.value} » n'est pas un numéro valide")
            continue
        e = ev(i, i.kind.value)
        if e is not None and (i.kind, value) not in ids:
            ids[(i.kind, value)] = Drafted[Identifier](
                value=Identifier(kind=i.kind, value=value), evidence=(e,),
                confidence=_confidence((i.kind, value) in rule_ids))
    amounts: dict[float, Drafted[float]] = {}
    rule_amounts = {a.value for a in rules.amounts_eur}
    for a in answer.amounts_eur:
        e = ev(a, f"{a.value:g} €")
        if e is not None and a.value not in amounts:
            amounts[a.value] = Drafted[float](value=a.value, evidence=(e,),
                                              confidence=_confidence(a.value in rule_amounts))
    dates: dict[dt.date, Drafted[dt.date]] = {}
    rule_dates = {d.value for d in rules.dates}
    for day in answer.dates:
        e = ev(day, day.value.isoformat())
        if e is not None and day.value not in dates:
            dates[day.value] = Drafted[dt.date](value=day.value, evidence=(e,),
                                                confidence=_confidence(day.value in rule_dates))
    follow_ups = []
    for f in answer.follow_ups:
        e = ev(f, "suite")
        if e is not None:
            follow_ups.append(Drafted[FollowUp](
                value=FollowUp(who=f.who, action=e.quote, due=f.due), evidence=(e,),
                confidence=MODEL_ONLY))

    reason = rules.reason
    r_ev = align(segments, answer.reason.segment, answer.reason.quote)
    if answer.reason.code is rules.reason.value:
        reason = Drafted[Reason](value=rules.reason.value,
                                 evidence=rules.reason.evidence or ((r_ev,) if r_ev else ()),
                                 confidence=max(rules.reason.confidence, AGREED))
    elif r_ev is not None:
        reason = Drafted[Reason](value=answer.reason.code, evidence=(r_ev,),
                                 confidence=MODEL_ONLY)
    else:
        dropped.append(f"motif {answer.reason.code.value} : sans citation, motif des règles gardé")
    # A blocked dossier is flagged when either says so (with words for it).
    c_ev = align(segments, answer.complex_situation.segment, answer.complex_situation.quote)
    complex_ = rules.complex_situation
    if answer.complex_situation.value and c_ev is not None:
        complex_ = Drafted[bool](value=True, evidence=(c_ev, *complex_.evidence[:3]),
                                 confidence=_confidence(rules.complex_situation.value))
    referral = Drafted[Organization | None](value=None, confidence=0.5)
    if answer.referral.code is not None:
        f_ev = align(segments, answer.referral.segment, answer.referral.quote)
        if f_ev is not None:
            referral = Drafted[Organization | None](
                value=answer.referral.code, evidence=(f_ev,),
                confidence=_confidence(answer.referral.code == rules.referral.value))
    # A number the rules could not keep stays to be said again, unless the model read one
    # of that kind (checked, quoted) that the rules did not.
    model_kinds = ({d.value.kind for d in ids.values()}
                   - {d.value.kind for d in rules.identifiers})
    draft = CaseNoteDraft(
        appointment_date=appointment_date, segments_seen=len(segments),
        to_ask_again=tuple(h for h in rules.to_ask_again if h.value not in model_kinds),
        organizations=tuple(orgs.values()), reason=reason,
        documents_requested=tuple(docs.values()), identifiers=tuple(ids.values()),
        amounts_eur=tuple(amounts.values()), dates=tuple(dates.values()),
        follow_ups=tuple(follow_ups), complex_situation=complex_, referral=referral)
    return draft.model_copy(update={"summary": compose(draft)}), dropped
