"""``assistant sessions``: list the kept sessions, oldest first."""

from __future__ import annotations

import argparse

HELP = "Lister les sessions gardées (les plus anciennes d'abord)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="liste au format JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from assistant.settings import load_settings
    from assistant.store import STATUS_LABELS_FR, open_store

    with open_store(load_settings()) as store:
        sessions = store.sessions()
        notes = {s.id for s in sessions if store.note(s.id) is not None}
    if args.json:
        rows = [
            {
                "id": int(s.id),
                "started_at": s.started_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                "status": s.status.value,
                "appointment_date": s.appointment_date.isoformat(),
                "segments": s.segment_count,
                "confirmed_note": s.id in notes,
                "agent": s.agent,
            }
            for s in sessions
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not sessions:
        print("Aucune session gardée.")
        return 0
    print(f"{'N°':>5}  {'début':<16}  {'segments':>8}  état")
    for s in sessions:
        started = s.started_at.astimezone().strftime("%d/%m/%Y %H:%M")
        print(f"{s.id:>5}  {started:<16}  {s.segment_count:>8}  {STATUS_LABELS_FR[s.status]}")
    waiting = sum(1 for s in sessions if s.status.value == "interrupted")
    if waiting:
        print(f"\n{waiting} session(s) interrompue(s) à relire et confirmer.")
    return 0
