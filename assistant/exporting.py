"""Renderers of a stored session: json, md, txt, srt, vtt (pure, no I/O).

``render(bundle, fmt)`` masks identifiers by default (exports are meant for
sharing); ``masked=False`` is for the agent's own eyes and the caller records
it in the audit trail as a reveal. txt and md hold the note with French labels
through ``assistant.notetext`` (the renderer the app's clipboard copy uses),
in the site's layout (``share`` settings); a note not confirmed by the agent
says so on its first line (``UNCONFIRMED_LINE``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from assistant.errors import InputError
from assistant.formats import with_turns
from assistant.notes.models import VERIFY_BELOW, VERIFY_FIELDS
from assistant.notetext import (
    DEFAULT_LAYOUT,
    UNCONFIRMED_LINE,
    NoteLayout,
    SharedNote,
    field_values,
    render_lines,
    render_note,
)
from assistant.privacy import mask_text, mask_value
from assistant.store.records import STATUS_LABELS_FR, SessionBundle


class ExportFormat(StrEnum):
    JSON = "json"
    MD = "md"
    TXT = "txt"
    SRT = "srt"
    VTT = "vtt"


def parse_format(text: str) -> ExportFormat:
    try:
        return ExportFormat(text.lower())
    except ValueError:
        raise InputError(
            f"Format d'export inconnu : {text!r}.",
            "Formats possibles : " + ", ".join(f.value for f in ExportFormat) + ".",
        ) from None


def _note_data(bundle: SessionBundle, masked: bool) -> tuple[str | None, Any]:
    """(``"confirmed"``/``"draft"``/None, the note's JSON value, masked if asked)."""
    if bundle.note is not None:
        kind, text = "confirmed", bundle.note.json
    elif bundle.draft is not None:
        kind, text = "draft", bundle.draft.json
    else:
        return None, None
    data = json.loads(text)
    return kind, mask_value(data) if masked else data


def _text(text: str, masked: bool) -> str:
    return mask_text(text) if masked else text


def to_json(bundle: SessionBundle, masked: bool = True) -> str:
    s = bundle.session
    note_kind, note = _note_data(bundle, masked)
    doc = {
        "id": int(s.id),
        "started_at": s.started_at.isoformat(),
        "ended_at": s.ended_at.isoformat() if s.ended_at else None,
        "status": s.status.value,
        "appointment_date": s.appointment_date.isoformat(),
        "source": _text(s.source, masked),
        "agent": s.agent,
        "masked": masked,
        "segments": [
            {"id": g.id, "start": round(g.start, 3), "end": round(g.end, 3),
             "text": _text(g.text, masked), "speaker": g.speaker}
            for g in bundle.segments
        ],
        "note": note if note_kind == "confirmed" else None,
        "draft": note if note_kind == "draft" else None,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cue_text(text: str, masked: bool) -> str:
    # A blank line would end a cue early.
    return " ".join(_text(text, masked).split())


def to_srt(bundle: SessionBundle, masked: bool = True) -> str:
    cues = [
        f"{n}\n{_clock(g.start, ',')} --> {_clock(g.end, ',')}\n{who}{_cue_text(g.text, masked)}\n"
        for n, (g, who) in enumerate(with_turns(bundle.segments), start=1)
    ]
    return "\n".join(cues)


def to_vtt(bundle: SessionBundle, masked: bool = True) -> str:
    cues = [
        f"{_clock(g.start, '.')} --> {_clock(g.end, '.')}\n"
        f"{who}{_cue_text(g.text, masked).replace('-->', '->')}\n"
        for g, who in with_turns(bundle.segments)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def _header_lines(bundle: SessionBundle) -> list[str]:
    s = bundle.session
    return [
        f"Session {s.id} : rendez-vous du {s.appointment_date.strftime('%d/%m/%Y')}",
        f"Début : {s.started_at.astimezone().strftime('%d/%m/%Y %H:%M')}",
        f"État : {STATUS_LABELS_FR[s.status]}",
        f"Agent : {s.agent}",
    ]


def _stamp(seconds: float) -> str:
    return _clock(seconds, ",")[:8]


NO_NOTE_LINE = "Aucune fiche : rien n'a été rédigé pour cette session."


def shared_note(bundle: SessionBundle) -> SharedNote | None:
    """The session's confirmed note, else its latest draft, else None."""
    day = bundle.session.appointment_date
    if bundle.note is not None:
        return SharedNote.from_json(bundle.note.json, confirmed=True, appointment_date=day)
    if bundle.draft is not None:
        return SharedNote.from_json(bundle.draft.json, confirmed=False, appointment_date=day)
    return None


def _unsure(bundle: SessionBundle) -> dict[str, list[bool]]:
    """Per drafted item of the fields shown « à vérifier »: below ``VERIFY_BELOW``."""
    if bundle.note is not None or bundle.draft is None:
        return {}
    data = json.loads(bundle.draft.json)
    return {key: [isinstance(v, dict) and float(v.get("confidence", 1.0)) < VERIFY_BELOW
                  for v in data.get(key) or ()]
            for key in VERIFY_FIELDS}


def to_txt(bundle: SessionBundle, masked: bool = True,
           layout: NoteLayout = DEFAULT_LAYOUT) -> str:
    lines = _header_lines(bundle)
    if masked:
        lines.append("Identifiants masqués.")
    lines.append("")
    shared = shared_note(bundle)
    if shared is None:
        lines += [UNCONFIRMED_LINE, NO_NOTE_LINE]
    else:
        lines.append(render_note(shared, layout=layout, clear=not masked).rstrip("\n"))
    lines += ["", "Transcription :"]
    lines.extend(f"[{_stamp(g.start)}] {who}{_cue_text(g.text, masked)}"
                 for g, who in with_turns(bundle.segments))
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_md(bundle: SessionBundle, masked: bool = True,
          layout: NoteLayout = DEFAULT_LAYOUT) -> str:
    head, *meta = _header_lines(bundle)
    lines = [f"# {head}", ""]
    lines.extend(f"- {m}" for m in meta)
    if masked:
        lines.append("- Identifiants masqués.")
    shared = shared_note(bundle)
    if shared is None:
        lines += ["", f"**{UNCONFIRMED_LINE}** {NO_NOTE_LINE}"]
    else:
        title = "Fiche confirmée" if shared.confirmed else "Fiche (brouillon non confirmé)"
        lines += ["", f"## {title}", ""]
        if not shared.confirmed:
            lines += [f"**{UNCONFIRMED_LINE}**", ""]
        values = field_values(shared, clear=not masked)
        for key, flags in _unsure(bundle).items():
            values[key] = [v + (" (à vérifier)" if unsure else "")
                           for v, unsure in zip(values[key], flags, strict=False)]
        lines += ["| Champ | Valeur |", "| --- | --- |"]
        lines.extend(f"| {label} | {_md_cell(value)} |"
                     for label, value in render_lines(values, layout))
        if shared.confirmed_at is not None:
            lines += ["", f"Confirmée par {shared.confirmed_by} "
                          f"le {shared.confirmed_at.astimezone():%d/%m/%Y à %H:%M}."]
    lines += ["", "## Transcription", ""]
    lines.extend(
        f"- **{_stamp(g.start)}** {who}{_cue_text(g.text, masked)}"
        for g, who in with_turns(bundle.segments)
    )
    return "\n".join(lines) + "\n"


def render(bundle: SessionBundle, fmt: ExportFormat, masked: bool = True,
           layout: NoteLayout = DEFAULT_LAYOUT) -> str:
    """``bundle`` in ``fmt``; txt and md lay the note out as ``layout`` says."""
    if fmt is ExportFormat.TXT:
        return to_txt(bundle, masked, layout)
    if fmt is ExportFormat.MD:
        return to_md(bundle, masked, layout)
    renderers = {
        ExportFormat.JSON: to_json,
        ExportFormat.MD: to_md,
        ExportFormat.TXT: to_txt,
        ExportFormat.SRT: to_srt,
        ExportFormat.VTT: to_vtt,
    }
    return renderers[fmt](bundle, masked)
