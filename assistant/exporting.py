"""Renderers of a stored session: json, md, txt, srt, vtt (pure, no I/O).

``render(bundle, fmt)`` masks identifiers by default (exports are meant for
sharing); ``masked=False`` is for the agent's own eyes and the caller records
it in the audit trail as a reveal.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from assistant.errors import InputError
from assistant.formats import with_turns
from assistant.notes.models import VERIFY_BELOW, VERIFY_FIELDS
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


NOTE_LABELS_FR: dict[str, str] = {
    "organizations": "Organismes",
    "reason": "Motif",
    "summary": "Résumé",
    "documents_requested": "Pièces demandées",
    "identifiers": "Identifiants",
    "amounts_eur": "Montants (€)",
    "dates": "Dates",
    "follow_ups": "Suites à donner",
    "complex_situation": "Situation complexe",
    "referral": "Orientation",
}


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


def _plain(value: Any) -> Any:
    """Drafts wrap each value with its evidence: keep the value alone."""
    if isinstance(value, dict) and "value" in value and "kind" not in value:
        return _plain(value["value"])
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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


def to_txt(bundle: SessionBundle, masked: bool = True) -> str:
    lines = _header_lines(bundle)
    if masked:
        lines.append("Identifiants masqués.")
    lines.append("")
    lines.extend(f"[{_stamp(g.start)}] {who}{_cue_text(g.text, masked)}"
                 for g, who in with_turns(bundle.segments))
    return "\n".join(lines) + "\n"


def _md_value(value: Any, verify: bool = False) -> str:
    """One note field as Markdown; ``verify``: flag drafted values below ``VERIFY_BELOW``."""
    if isinstance(value, list):
        return "—" if not value else "; ".join(_md_value(v, verify) for v in value)
    flag = ""
    if verify and isinstance(value, dict) and float(value.get("confidence", 1.0)) < VERIFY_BELOW:
        flag = " (à vérifier)"
    value = _plain(value)
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "; ".join(_md_value(v) for v in value)
    if isinstance(value, dict):
        if "kind" in value and "value" in value:
            return f"{value['kind']} : {value['value']}{flag}"
        if "who" in value and "action" in value:
            due = f" (avant le {value['due']})" if value.get("due") else ""
            return f"{value['who']} : {value['action']}{due}"
        return ", ".join(f"{k} : {_md_value(v)}" for k, v in value.items())
    return str(value).replace("|", "\\|").replace("\n", " ") + flag


def to_md(bundle: SessionBundle, masked: bool = True) -> str:
    head, *meta = _header_lines(bundle)
    lines = [f"# {head}", ""]
    lines.extend(f"- {m}" for m in meta)
    if masked:
        lines.append("- Identifiants masqués.")
    note_kind, note = _note_data(bundle, masked)
    if isinstance(note, dict):
        title = "Fiche confirmée" if note_kind == "confirmed" else "Fiche (brouillon non confirmé)"
        lines += ["", f"## {title}", "", "| Champ | Valeur |", "| --- | --- |"]
        for key, label in NOTE_LABELS_FR.items():
            if key in note:
                verify = note_kind == "draft" and key in VERIFY_FIELDS
                lines.append(f"| {label} | {_md_value(note[key], verify)} |")
        if note_kind == "confirmed":
            lines += ["", f"Confirmée par {note.get('confirmed_by', '?')} "
                          f"le {note.get('confirmed_at', '?')}."]
    lines += ["", "## Transcription", ""]
    lines.extend(
        f"- **{_stamp(g.start)}** {who}{_cue_text(g.text, masked)}"
        for g, who in with_turns(bundle.segments)
    )
    return "\n".join(lines) + "\n"


def render(bundle: SessionBundle, fmt: ExportFormat, masked: bool = True) -> str:
    renderers = {
        ExportFormat.JSON: to_json,
        ExportFormat.MD: to_md,
        ExportFormat.TXT: to_txt,
        ExportFormat.SRT: to_srt,
        ExportFormat.VTT: to_vtt,
    }
    return renderers[fmt](bundle, masked)
