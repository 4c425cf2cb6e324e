"""The apps' door to sharing a confirmed note: layout, copies, files, today's list.

Part of ``Services`` (``assistant.tui.services``), split off along its seam:
the same rules (French ``StoreError``/``InputError`` to the caller, nothing
here touches a widget).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings
from assistant.tui import strings as S

if TYPE_CHECKING:
    from assistant.notetext import NoteLayout
    from assistant.store import SessionStore


class SharingServices:
    """Sharing the note (issue #16); ``Services`` gives the settings and the store."""

    settings: Settings
    if TYPE_CHECKING:
        # Declared for the type checker only: Services defines the real one.
        @property
        def store(self) -> SessionStore: ...

    def share_layout(self) -> NoteLayout:
        """How the note is laid out when it leaves the workstation (settings ``share``)."""
        from assistant.notetext import NoteLayout

        return NoteLayout.of(self.settings.share)

    def record_copy(self, session_id: int, revealed_kinds: tuple[str, ...] = ()) -> None:
        """Audit a copy of the note: an export to the clipboard, masked unless some
        identifiers went in clear, each of those also as a reveal (its kind only)."""
        from assistant.store import SessionId

        sid = SessionId(session_id)
        for kind in revealed_kinds:
            self.store.record_reveal(sid, S.COPY_REVEAL.format(kind=kind))
        self.store.record_export(sid, "presse-papiers", masked=not revealed_kinds)

    def write_note_file(self, session_id: int, text: str) -> Path:
        """The note as a private file of the notes folder (where the clipboard may fail)."""
        from assistant.sharing import note_file, notes_folder, write_private_text

        return write_private_text(note_file(notes_folder(self.settings), session_id), text)

    def todays_notes(self, today: dt.date) -> list[tuple[int, str]]:
        """Notes confirmed for ``today``'s appointments, latest first: (session, line)."""
        from assistant.exporting import shared_note
        from assistant.notetext import reason_label
        from assistant.store import SessionStatus

        out: list[tuple[float, int, str]] = []
        for record in self.store.sessions():
            if record.status is not SessionStatus.CONFIRMED or record.appointment_date != today:
                continue
            shared = shared_note(self.store.bundle(record.id))
            if shared is None or shared.confirmed_at is None:
                continue
            at = shared.confirmed_at.astimezone()
            bodies = ", ".join(o.value for o in shared.note.organizations)
            line = S.TODAY_LINE.format(confirmed=f"{at:%H:%M}",
                                       reason=reason_label(shared.note.reason,
                                                           shared.reason_evidence),
                                       bodies=bodies).rstrip()
            out.append((at.timestamp(), int(record.id), line))
        return [(sid, line) for _, sid, line in sorted(out, reverse=True)]

    def stored_note_text(self, session_id: int) -> str:
        """The stored note as plain French text, identifiers masked."""
        from assistant.errors import InputError
        from assistant.exporting import shared_note
        from assistant.notetext import render_note
        from assistant.store import SessionId

        shared = shared_note(self.store.bundle(SessionId(session_id)))
        if shared is None:
            raise InputError(f"La session {session_id} n'a pas de fiche.",
                             "Rouvrez-la pour rédiger et confirmer sa fiche.")
        return render_note(shared, layout=self.share_layout())

    def export_note(self, session_id: int) -> Path:
        """The session exported as a private text file of the notes folder (masked)."""
        from assistant.exporting import ExportFormat, render
        from assistant.sharing import note_file, notes_folder, write_private_text
        from assistant.store import SessionId

        sid = SessionId(session_id)
        text = render(self.store.bundle(sid), ExportFormat.TXT, masked=True,
                      layout=self.share_layout())
        path = write_private_text(note_file(notes_folder(self.settings), session_id), text)
        self.store.record_export(sid, "txt", masked=True)
        return path
