"""``assistant draft FILE [--json] [--date YYYY-MM-DD]``: draft a case note from a transcript.

FILE is a plain-text transcript (one segment per non-empty line) or the JSON
that ``assistant transcribe --format json`` writes (its ``segments``, each
with ``id``, ``start``, ``end``, ``text``, and ``speaker`` when the recording was
labelled); ``-`` reads standard input. A txt transcript's « Agent : » / « Usager : »
turns are read too: the drafter uses who said what (docs/notes.md).
``--llm`` drafts with the optional language model (``llm`` settings,
docs/llm.md), the rule drafter checking it and standing in when it cannot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.types import Segment, Word

HELP = "Rédiger le brouillon de fiche de rendez-vous à partir d'une transcription."

_ROLES = ("agent", "usager", "autre")
"""The speakers a labelled transcript names (``assistant transcribe --channels``)."""
_FILE_HINT = (
    "Donnez une transcription en texte brut, ou le JSON écrit par "
    "« assistant transcribe --format json »."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FICHIER",
                        help="transcription : texte brut ou JSON de « assistant transcribe » "
                             "(« - » pour l'entrée standard)")
    parser.add_argument("--json", action="store_true",
                        help="imprimer la fiche en JSON (contrat de case-note.md)")
    parser.add_argument("--date", metavar="AAAA-MM-JJ",
                        help="date du rendez-vous (défaut : aujourd'hui) ; "
                             "sert d'année aux dates dites sans année")
    parser.add_argument("--llm", action=argparse.BooleanOptionalAction, default=None,
                        help="rédiger avec le modèle de langue configuré (réglage llm.url), "
                             "vérifié par les règles ; défaut : réglage llm.enabled")


def parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"Date invalide : {value!r}.",
                         "Écrivez-la AAAA-MM-JJ, par exemple 2026-03-14.") from None


def read_transcript(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    if not path.exists():
        raise InputError(f"Fichier introuvable : {path}.", "Vérifiez le chemin et le nom.")
    if path.is_dir():
        raise InputError(f"{path} est un dossier, pas une transcription.", _FILE_HINT)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Impossible de lire {path} ({exc.strerror}).",
                         "Vérifiez les droits sur le fichier.") from None
    if b"\x00" in raw[:4096]:
        raise InputError(f"{path} n'est pas un fichier texte (fichier binaire).", _FILE_HINT)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(f"{path} n'est pas un texte lisible (encodage inconnu).",
                             "Enregistrez-le en UTF-8. " + _FILE_HINT) from None


def segments_from(content: str, name: str) -> list[Segment]:
    """Segments of a transcript: the JSON of ``assistant transcribe``, or plain text."""
    from assistant.notes.drafter import segments_from_text

    stripped = content.lstrip()
    if not stripped.startswith(("{", "[")):
        return segments_from_text(content)
    try:
        doc: Any = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} ressemble à du JSON mais est mal formé "
                         f"(ligne {exc.lineno}, colonne {exc.colno}).", _FILE_HINT) from None
    raw = doc.get("segments") if isinstance(doc, dict) else doc
    if not isinstance(raw, list):
        raise InputError(f"{name} : JSON sans liste « segments ».", _FILE_HINT)
    out: list[Segment] = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError(f"{name} : le segment n° {n + 1} n'a pas de champ « text ».",
                             _FILE_HINT)
        try:
            seg_id = int(item.get("id", n))
            start = float(item.get("start", 0.0))
            end = float(item.get("end", start))
        except (TypeError, ValueError):
            raise InputError(f"{name} : le segment n° {n + 1} a un id ou des temps invalides.",
                             _FILE_HINT) from None
        speaker = item.get("speaker")
        out.append(Segment(id=seg_id, start=start, end=end, text=item["text"],
                           words=_words(item.get("words")),
                           speaker=speaker if speaker in _ROLES else None))
    return out


def _words(raw: object) -> tuple[Word, ...]:
    """The words of ``transcribe --format json --words`` (their probabilities weigh
    the drafted values); none if absent or not in that shape."""
    if not isinstance(raw, list):
        return ()
    try:
        return tuple(Word(start=float(w["start"]), end=float(w["end"]), text=str(w["word"]),
                          probability=float(w.get("probability", 1.0))) for w in raw)
    except (TypeError, ValueError, KeyError):
        return ()


def _model_name() -> str:
    """The recogniser the transcript most likely came from: the configured model
    (its folder name), else the bundled one. Its observed slips are mended."""
    from assistant.settings import DEFAULT_MODEL_NAME, load_settings

    path = load_settings().model.path
    return path.name if path is not None else DEFAULT_MODEL_NAME


def run(args: argparse.Namespace) -> int:
    from assistant.notes.drafter import Drafter
    from assistant.notes.labels import render_text
    from assistant.settings import load_settings

    day = parse_date(args.date)
    content = read_transcript(args.file)
    segments = segments_from(content, args.file)
    llm = load_settings().llm
    if args.llm if args.llm is not None else llm.enabled:
        from assistant.llmdraft import draft_with_model

        result = draft_with_model(llm, segments, day, _model_name())
        for line in result.notes:
            print(line, file=sys.stderr)
        draft = result.draft
    else:
        draft = Drafter(day, model=_model_name()).add_segments(segments)
    if args.json:
        doc = draft.to_contract()
        # Beyond the contract: the kinds heard but not kept, where (never a value).
        doc["to_ask_again"] = [
            {"kind": h.value.value,
             "evidence": [e.model_dump(exclude={"quote"}) for e in h.evidence]}
            for h in draft.to_ask_again]
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(draft))
    return 0
