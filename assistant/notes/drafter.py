"""The incremental drafter: committed transcript segments in, a case-note draft out.

``Drafter(appointment_date).add_segment(segment)`` reads only the new segment
(sentence by sentence, with a few recent sentences kept for context), folds
what it found into running tallies, and returns the whole draft as a new
frozen ``CaseNoteDraft``. The cost of an update does not grow with the length
of the session.

The drafter records what was said. It never decides, nor suggests, whether
someone is entitled to anything: the summary is composed from the fields
(never quoted from the transcript) and no field says it.

The running stores and their conversion to drafted values are in
``notes.tallies``; plain-text transcripts become segments in ``notes.plaintext``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.notes import lexicon as lx
from assistant.notes.fields import bodies
from assistant.notes.fields.amounts import find_amounts
from assistant.notes.fields.dates import LEADING_YEAR, said_dates
from assistant.notes.fields.documents import names_a_paper, read_papers
from assistant.notes.fields.follow_ups import follow_up
from assistant.notes.fields.summary import compose as compose_summary
from assistant.notes.heard import HeardConfidence
from assistant.notes.identifiers import (
    PLATE_MIN_DIGITS,
    UNREAD_MIN_DIGITS,
    find_identifiers,
    likely_kind,
    unread_numbers,
)
from assistant.notes.models import (
    DROP_BELOW,
    CaseNoteDraft,
    DocumentKind,
    Drafted,
    Evidence,
    FollowUp,
    IdentifierKind,
    Organization,
    Reason,
)
from assistant.notes.plaintext import segments_from_text
from assistant.notes.tallies import (
    Item,
    ListFields,
    Tail,
    Tally,
    cues_in,
    drafted_amount,
    drafted_complex,
    drafted_date,
    drafted_document,
    drafted_identifier,
    drafted_organizations,
    drafted_reason,
    to_ask_again,
)
from assistant.notes.text import Sentence, normalise, sentences
from assistant.slips import DEFAULT_MODEL
from assistant.types import Segment

CONTEXT_SENTENCES = 5
"""How many earlier sentences lend their cues (a question, then its answer)."""
CORRECTION_WINDOW = 3
"""A self-correction may revise a value said up to this many sentences earlier."""
MAX_TAIL_SEGMENTS = 8
"""An unfinished sentence is carried over at most this many segments."""
USAGER_MOTIF_WEIGHT = 1.5
"""When the speakers are known, the usager's own account of why they came weighs more than
the agent's words (which list options, explain procedures, mention other démarches)."""
MAX_FOLLOW_UPS = 12


class Drafter:
    """Turns committed segments into a draft, one segment at a time."""

    def __init__(self, appointment_date: dt.date, model: str | None = DEFAULT_MODEL) -> None:
        self.appointment_date = appointment_date
        self.model = model
        """The recogniser's name: its observed slips are mended (assistant/slips.toml)."""
        self._segments = 0
        self._sentences = 0
        self._recent: deque[tuple[int, frozenset[IdentifierKind], bool]] = deque(
            maxlen=CONTEXT_SENTENCES
        )
        self._orgs: dict[Organization, Tally] = {}
        self._reasons: dict[Reason, Tally] = {}
        self._docs: dict[DocumentKind, Item] = {}
        self._ids: dict[tuple[IdentifierKind, str], Item] = {}
        # Numbers heard where an identifier was asked, none drafted: the last one per kind.
        self._unread: dict[IdentifierKind, Item] = {}
        self._amounts: dict[float, Item] = {}
        self._dates: dict[dt.date, Item] = {}
        self._follow_ups: dict[int, tuple[FollowUp, Evidence]] = {}
        self._complex = Tally()
        self._referral: tuple[Organization, Evidence] | None = None
        # last value per field, for self-corrections: (key, sentence index)
        self._last: dict[str, tuple[object, int]] = {}
        # A date without a year that ended the last segment: its year may open the next one.
        self._open_date: dt.date | None = None
        # The unfinished sentence that ended the last segment(s): segments are cut anywhere.
        self._tail: Tail | None = None
        # While reading such a sentence joined to the next segment, the segments it spans:
        # evidence is mapped back to the right one.
        self._join: tuple[tuple[int, int, int, int], ...] | None = None
        self._min_end = 0  # values ending before this were read with the tail already
        self._list_fields = ListFields()
        self._draft = CaseNoteDraft(appointment_date=appointment_date)
        self._heard = HeardConfidence()
        # Who said the sentence being read ("agent", "usager"…), None when unknown.
        self._speaker: str | None = None
        # The agent's last sentence asked about papers ("le vendeur vous a donné le
        # certificat de cession ?"): the usager's answer may name more of them.
        self._paper_question = False
        # Papers first named in the last sentence (its index, their codes, whether it was
        # the agent's question): the next sentence may take them back.
        self._named_papers: tuple[int, tuple[DocumentKind, ...], bool] | None = None
        # Papers said lost or stolen: the object of the démarche from then on, asked for
        # only with a word of request in the sentence ("il faut une nouvelle carte").
        self._lost_papers: set[DocumentKind] = set()

    @property
    def draft(self) -> CaseNoteDraft:
        return self._draft

    def add_segment(self, segment: Segment) -> CaseNoteDraft:
        """Read one committed segment and return the updated draft."""
        self._segments += 1
        self._heard.add(segment)
        self._speaker = segment.speaker
        mt = normalise(segment.text, self.model, self._heard.at(segment.id))
        found = sentences(mt, segment.id, self._sentences)
        self._sentences += len(found)
        if found and self._open_date is not None:
            self._close_date(found[0], segment.text)
        self._open_date = None
        tail = self._tail
        for k, s in enumerate(found):
            # The head of a sentence cut by the segment boundary yields its values below,
            # read together with the tail it continues.
            self._read_sentence(s, segment.text, values=not (tail is not None and k == 0))
        joined = self._read_across(tail, found[0], segment.text) if tail and found else None
        closed = not found or mt.text.rstrip()[-1:] in (".", "?", "!", "…", ";")
        if closed:
            self._tail = None
        elif joined is not None and len(found) == 1 and len(joined.parts) < MAX_TAIL_SEGMENTS:
            self._tail = joined
        else:
            self._tail = Tail.of(found[-1], segment.text, segment.speaker)
        self._draft = self._build()
        return self._draft

    def _read_across(self, tail: Tail, head: Sentence, original: str) -> Tail:
        """A sentence cut between segments ("C'est le 35 17" | "804."): read, in the pieces
        put together again, the values that only the whole says (numbers, dates, papers)."""
        ha, hb = head.mapped.span(head.offset, head.offset + len(head.text))
        base = len(tail.virtual) + 1
        speaker = tail.speaker if tail.speaker == self._speaker else None
        joined = Tail((*tail.parts, (head.segment_id, base, ha, hb - ha)),
                      tail.virtual + " " + original[ha:hb], speaker)
        mt = normalise(joined.virtual, self.model)
        sentence = Sentence(head.segment_id, head.index, mt.text, 0, mt, head.question)
        self._join = joined.parts
        self._min_end = next((i for i, o in enumerate(mt.ostart) if o >= base), len(mt.text))
        said_by, self._speaker = self._speaker, speaker
        try:
            text = mt.text
            corrected = lx.CORRECTION.search(text)
            context = self._cued(cues_in(text))
            self._read_documents(sentence, joined.virtual)
            self._read_identifiers(sentence, joined.virtual, context, corrected)
            self._read_amounts(sentence, joined.virtual, corrected)
            self._read_dates(sentence, joined.virtual, corrected)
        finally:
            self._join = None
            self._min_end = 0
            self._speaker = said_by
        return joined

    def add_segments(self, segments: Iterable[Segment]) -> CaseNoteDraft:
        for seg in segments:
            self.add_segment(seg)
        return self._draft

    # -- reading ---------------------------------------------------------------

    def _evidence(self, s: Sentence, start: int, end: int, original: str) -> Evidence:
        a, b = s.mapped.span(s.offset + start, s.offset + end)
        # Whole words only: a cue may match the start of a word ("sépar" in "séparée").
        while a > 0 and original[a - 1].isalnum():
            a -= 1
        while b < len(original) and original[b].isalnum():
            b += 1
        if self._join is not None:
            seg, vstart, sstart, length = next(p for p in reversed(self._join) if p[1] <= a)
            b = min(b, vstart + length)
            quote = original[a:b]
            a, b = a - vstart + sstart, b - vstart + sstart
            return Evidence(segment_id=seg, start=a, end=b, quote=quote)
        return Evidence(segment_id=s.segment_id, start=a, end=b, quote=original[a:b])

    def _read_sentence(self, s: Sentence, original: str, values: bool = True) -> None:
        text = s.text
        corrected = lx.CORRECTION.search(text)
        if not bodies.alternatives_only(s):
            self._read_orgs(s, original)
            self._read_reason(s, original)
        cues = cues_in(text)
        if values:
            context = self._cued(cues)
            self._read_documents(s, original)
            self._read_identifiers(s, original, context, corrected)
            self._read_amounts(s, original, corrected)
            self._read_dates(s, original, corrected)
        self._read_complex(s, original)
        self._read_referral(s, original)
        self._read_follow_up(s, original)
        self._recent.append((s.index, frozenset(cues), s.question))

    def _read_orgs(self, s: Sentence, original: str) -> None:
        for org, motif in bodies.organizations(s):
            ev = self._evidence(s, org.start, org.end, original)
            self._orgs.setdefault(org.code, Tally()).add(org.weight, ev, s.index)
            if motif is not None:
                self._reasons.setdefault(motif.code, Tally()).add(motif.weight, ev, s.index)

    def _read_reason(self, s: Sentence, original: str) -> None:
        factor = USAGER_MOTIF_WEIGHT if self._speaker == "usager" else 1.0
        for hit in bodies.reasons(s):
            self._reasons.setdefault(hit.code, Tally()).add(
                hit.weight * factor, self._evidence(s, hit.start, hit.end, original), s.index)

    def _read_documents(self, s: Sentence, original: str) -> None:
        self._take_back_papers(s)
        # An answer to the agent's question about papers is read as the agent's request.
        who = None if self._speaker == "usager" and self._paper_question else self._speaker
        papers = read_papers(s.text, self._min_end, who)
        found = papers.requested
        self._lost_papers |= papers.lost
        if self._lost_papers and not lx.DOCUMENT_REQUEST.search(s.text):
            found = [f for f in found if f[0] not in self._lost_papers]
        if self._speaker == "agent":
            self._paper_question = s.question and bool(found)
        first = tuple(dict.fromkeys(code for code, _, _ in found if code not in self._docs))
        if first:
            self._named_papers = (s.index, first, s.question and self._speaker != "usager")
        for code, start, end in found:
            ev = self._evidence(s, start, end, original)
            item = self._docs.get(code)
            if item is None:
                self._docs[code] = Item([ev], 0.8, s.index)
            elif len(item.evidence) < 4:
                item.evidence.append(ev)
                item.confidence = min(0.95, item.confidence + 0.05)

    def _take_back_papers(self, s: Sentence) -> None:
        """Papers first named in the sentence before are not requested when this one
        takes them back: the reply that they are not needed ("vous n'en aurez pas
        besoin", after « j'ai pris le livret de famille, au cas où »), or a bare no to
        a question about them ("vous avez une décision du juge ?" « non, rien »): what
        the usager does not have is no paper to bring, unless the answer says it must
        be got ("non, il faut que j'en fasse une", "pas encore")."""
        named = self._named_papers
        if named is None or s.index != named[0] + 1:
            return
        self._named_papers = None
        index, codes, asked = named
        if not ((lx.NOT_NEEDED_REPLY.match(s.text) and not names_a_paper(s.text))
                or (asked and lx.NEGATIVE_ANSWER.match(s.text)
                    and not lx.USAGER_REQUEST.search(s.text))):
            return
        for code in codes:
            item = self._docs.get(code)
            if item is not None and item.sentence == index:
                del self._docs[code]

    def _correct(self, field_name: str, s: Sentence, corrected: re.Match[str] | None,
                 at: int, store: dict[Any, Item]) -> None:
        """Drop the value a self-correction takes back ("non attendez, c'est ...")."""
        last = self._last.get(field_name)
        if corrected is None or last is None or corrected.start() > at:
            return
        key, index = last
        if s.index - index <= CORRECTION_WINDOW and key in store:
            item = store[key]
            if item.sentence == index:
                del store[key]

    def _cued(self, cues: Iterable[IdentifierKind]) -> tuple[IdentifierKind, ...]:
        """The identifier kinds named in this sentence (``cues``), then in the
        recent ones, nearest first."""
        ordered = list(cues)
        for _idx, kinds, _q in reversed(self._recent):
            ordered.extend(sorted(kinds))
        return tuple(dict.fromkeys(ordered))

    def _read_identifiers(self, s: Sentence, original: str, cues: Sequence[IdentifierKind],
                          corrected: re.Match[str] | None) -> None:
        found = find_identifiers(s.text, cues)
        for f in found:
            if f.end <= self._min_end:
                continue
            key = (f.kind, f.value)
            field_name = f"id:{f.kind.value}"
            self._correct(field_name, s, corrected, f.start,
                          self._ids)
            ev = self._evidence(s, f.start, f.end, original)
            confidence = self._heard.weigh(f.confidence, ev)
            if confidence < DROP_BELOW:
                self._unread[f.kind] = Item([ev], confidence, s.index)
                continue
            if key not in self._ids:
                self._ids[key] = Item([ev], confidence, s.index)
            self._last[field_name] = (key, s.index)
        for n in unread_numbers(s.text, found, min(UNREAD_MIN_DIGITS, PLATE_MIN_DIGITS)):
            kind = likely_kind(cues, n.digits)
            if kind is None or n.end <= self._min_end:
                continue
            ev = self._evidence(s, n.start, n.end, original)
            confidence = self._heard.weigh(0.5, ev)
            same = self._unread.get(kind)
            if same is not None and same.sentence == s.index:  # one number in pieces
                same.evidence.append(ev)
                same.confidence = min(same.confidence, confidence)
            else:
                self._unread[kind] = Item([ev], confidence, s.index)

    def _read_amounts(self, s: Sentence, original: str, corrected: re.Match[str] | None) -> None:
        for m, value in find_amounts(s.text):
            if m.end() <= self._min_end:
                continue
            self._correct("amount", s, corrected, m.start(),
                          self._amounts)
            ev = self._evidence(s, m.start(), m.end(), original)
            if value not in self._amounts:
                self._amounts[value] = Item([ev], self._heard.weigh(0.9, ev), s.index)
            self._last["amount"] = (value, s.index)

    def _read_dates(self, s: Sentence, original: str, corrected: re.Match[str] | None) -> None:
        for m, value in said_dates(s.text, self.appointment_date):
            if m.end() <= self._min_end:
                continue
            self._correct("date", s, corrected, m.start(), self._dates)
            ev = self._evidence(s, m.start(), m.end(), original)
            if value not in self._dates:
                self._dates[value] = Item([ev], self._heard.weigh(0.9 if m.group(3) else 0.8, ev),
                                          s.index)
            self._last["date"] = (value, s.index)
            ends_segment = not s.text[m.end() :].strip(" .,;") and (
                s.offset + len(s.text) >= len(s.mapped.text.rstrip()))
            self._open_date = value if m.group(3) is None and ends_segment else None

    def _close_date(self, s: Sentence, original: str) -> None:
        """``le 1er avril`` | ``2027.``: a segment cut between a date and its year."""
        assert self._open_date is not None
        m = LEADING_YEAR.match(s.text)
        item = self._dates.get(self._open_date)
        if m is None or item is None:
            return
        try:
            value = self._open_date.replace(year=int(m.group(1)))
        except ValueError:
            return
        del self._dates[self._open_date]
        item.evidence.append(self._evidence(s, m.start(1), m.end(1), original))
        self._dates.setdefault(value, item)
        self._last["date"] = (value, s.index)

    def _read_complex(self, s: Sentence, original: str) -> None:
        for hit in bodies.complexity(s):
            self._complex.add(hit.weight, self._evidence(s, hit.start, hit.end, original),
                              s.index)

    def _read_referral(self, s: Sentence, original: str) -> None:
        found = bodies.referral(s)
        if found is not None:
            code, start, end = found
            self._referral = (code, self._evidence(s, start, end, original))

    def _read_follow_up(self, s: Sentence, original: str) -> None:
        found = follow_up(s, original, self.appointment_date)
        if found is not None and len(self._follow_ups) < MAX_FOLLOW_UPS:
            self._follow_ups[s.index] = found

    # -- building the draft ------------------------------------------------------

    def _build(self) -> CaseNoteDraft:
        orgs = drafted_organizations(self._orgs)
        referral: Drafted[Organization | None]
        if self._referral is not None:
            code, ev = self._referral
            referral = Drafted[Organization | None](value=code, evidence=(ev,), confidence=0.7)
            if code not in {o.value for o in orgs}:
                orgs.append(Drafted[Organization](value=code, evidence=(ev,), confidence=0.6))
        else:
            referral = Drafted[Organization | None](value=None, confidence=0.5)
        reason = drafted_reason(self._reasons)
        if not orgs and reason.value in lx.REASON_ORG and reason.confidence >= 0.5:
            # No body heard (or misheard): the one the motif usually goes to, flagged as unsure.
            orgs.append(Drafted[Organization](value=lx.REASON_ORG[reason.value],
                                              evidence=reason.evidence, confidence=0.3))
        draft = CaseNoteDraft(
            appointment_date=self.appointment_date,
            segments_seen=self._segments,
            organizations=tuple(orgs),
            reason=reason,
            documents_requested=self._list_fields.items("doc", self._docs, drafted_document),
            identifiers=self._list_fields.items("id", self._ids, drafted_identifier),
            amounts_eur=self._list_fields.items("amount", self._amounts, drafted_amount),
            dates=self._list_fields.items("date", self._dates, drafted_date),
            follow_ups=tuple(
                Drafted[FollowUp](value=f, evidence=(ev,), confidence=0.5)
                for f, ev in self._follow_ups.values()
            ),
            complex_situation=drafted_complex(self._complex),
            referral=referral,
            to_ask_again=to_ask_again(self._unread, self._ids),
        )
        # Composed from the fields, never quoted (notes.fields.summary).
        return draft.model_copy(update={"summary": compose_summary(draft)})


def draft_from_segments(segments: Sequence[Segment], appointment_date: dt.date,
                        model: str | None = DEFAULT_MODEL) -> CaseNoteDraft:
    """Convenience: the draft of a whole transcript (``model``: the recogniser's name)."""
    return Drafter(appointment_date, model).add_segments(segments)


def draft_from_text(text: str, appointment_date: dt.date,
                    model: str | None = DEFAULT_MODEL) -> CaseNoteDraft:
    return draft_from_segments(segments_from_text(text), appointment_date, model)


__all__ = [
    "Drafter",
    "draft_from_segments",
    "draft_from_text",
    "segments_from_text",
]
