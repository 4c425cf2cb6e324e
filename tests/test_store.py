"""The session store on real SQLite files in temp folders."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from assistant.errors import StoreError
from assistant.notes.models import (
    CaseNoteDraft,
    Drafted,
    Identifier,
    IdentifierKind,
    NoteField,
    NoteReview,
    Organization,
    Reason,
)
from assistant.store import (
    SCHEMA_VERSION,
    AuditAction,
    RetentionPolicy,
    SessionStatus,
    SessionStore,
    schema,
)
from assistant.types import Segment, Word

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def seg(i: int, text: str) -> Segment:
    return Segment(i, i * 2.0, i * 2.0 + 1.8, text,
                   (Word(i * 2.0, i * 2.0 + 0.5, text.split()[0], 0.9),))


def confirmed_note(day: date, reason: Reason = Reason.LOGEMENT,
                   orgs: tuple[Organization, ...] = (Organization.CAF,),
                   complex_situation: bool = False, nir: str = "185057800608491"):  # type: ignore[no-untyped-def]
    draft = CaseNoteDraft(
        appointment_date=day,
        organizations=tuple(Drafted[Organization](value=o) for o in orgs),
        reason=Drafted[Reason](value=reason),
        identifiers=(Drafted[Identifier](value=Identifier(kind=IdentifierKind.NIR, value=nir)),),
        complex_situation=Drafted[bool](value=complex_situation),
    )
    review = NoteReview().edit(NoteField.SUMMARY, "Dossier APL bloqué depuis trois mois.")
    return review.confirm(draft, confirmed_by="agent-3", confirmed_at=T0)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_is_private_wal_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "data" / "sessions.db"
    with SessionStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        sid = store.start_session(source="micro").id
        store.add_segment(sid, seg(0, "Bonjour madame"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        wal = path.with_name("sessions.db-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
        if os.name == "posix":
            assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with SessionStore.open(path) as again:
        assert [s.text for s in again.segments(sid)] == ["Bonjour madame"]


def test_recorder_keeps_segments_drafts_edits_note_and_audit(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with SessionStore.open(tmp_path / "s.db", clock=clock, actor="agent-3") as store:
        rec = store.start_session(source="micro", appointment_date=date(2026, 3, 2))
        assert rec.status is SessionStatus.ACTIVE and rec.started_at == T0
        for i, text in enumerate(["Bonjour", "je viens pour mon APL", "merci"]):
            clock.advance(seconds=3)
            store.add_segment(rec.id, seg(i, text))
        # A segment committed again (same id) replaces the stored one, never duplicates it.
        store.add_segment(rec.id, seg(2, "merci beaucoup"))
        got = store.segments(rec.id)
        assert [s.text for s in got] == ["Bonjour", "je viens pour mon APL", "merci beaucoup"]
        assert got[1].words[0] == Word(2.0, 2.5, "je", 0.9)

        d1 = store.save_draft(rec.id, CaseNoteDraft(appointment_date=date(2026, 3, 2)))
        d2 = store.save_draft(rec.id, '{"reason": "LOGEMENT"}')
        assert (d1.version, d2.version) == (1, 2)
        assert store.latest_draft(rec.id) == d2
        edit = store.record_edit(rec.id, "reason", "AUTRE", "LOGEMENT")
        assert store.edits(rec.id) == (edit,) and edit.actor == "agent-3"

        note = confirmed_note(date(2026, 3, 2), complex_situation=True)
        saved = store.confirm(rec.id, note)
        assert saved.reason == "LOGEMENT" and saved.organizations == ("CAF",)
        assert saved.complex_situation and saved.confirmed_by == "agent-3"
        assert store.note(rec.id) == saved
        assert store.session(rec.id).status is SessionStatus.CONFIRMED
        store.record_reveal(rec.id, "identifiers")
        actions = [a.action for a in store.audit(rec.id)]
        assert actions == [AuditAction.CREATED, AuditAction.CONFIRMED, AuditAction.REVEALED]
        assert all("185057800608491" not in a.detail for a in store.audit())


def test_missing_session_is_a_french_store_error(tmp_path: Path) -> None:
    with SessionStore.open(tmp_path / "s.db") as store, \
            pytest.raises(StoreError, match="Session introuvable : 42"):
        store.add_segment(42, seg(0, "x"))  # type: ignore[arg-type]


def _copies(folder: Path) -> list[Path]:
    return [c for c in folder.glob("sessions.db.abime-*") if not c.name.endswith("-wal")]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "text", "half-header"])
def test_damaged_file_is_refused_kept_and_never_overwritten(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "sessions.db"
    if damage in ("truncated", "half-header"):
        with SessionStore.open(path) as store:
            sid = store.start_session().id
            for i in range(300):
                store.add_segment(sid, seg(i, f"segment numéro {i} " + "x" * 200))
        size = path.stat().st_size
        with path.open("r+b") as fh:
            fh.truncate(size // 3 if damage == "truncated" else 10)
    elif damage == "garbage":
        path.write_bytes(os.urandom(8192))
    else:
        path.write_text("ceci n'est pas une base\n" * 50, encoding="utf-8")
    before = sha(path)
    with pytest.raises(StoreError) as err:
        SessionStore.open(path)
    assert "abîmée" in str(err.value) and str(path) in str(err.value)
    assert sha(path) == before
    copies = _copies(tmp_path)
    assert len(copies) == 1
    assert sha(copies[0]) == before
    with pytest.raises(StoreError):  # a second try keeps refusing, without a second copy
        SessionStore.open(path)
    assert sha(path) == before
    assert _copies(tmp_path) == copies


def test_database_from_a_newer_release_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SessionStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = sha(path)
    with pytest.raises(StoreError, match="plus récente"):
        SessionStore.open(path)
    assert sha(path) == before


def test_old_database_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    sqlite3.connect(path).close()  # an empty version-0 database
    with SessionStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.sessions() == ()


_TRIGGER_MIGRATION = """
    CREATE TABLE segment_log (session_id INTEGER NOT NULL, note TEXT NOT NULL);
    -- A trigger body holds statements of its own; a ';' in a string or a comment too.
    CREATE TRIGGER segment_logged AFTER INSERT ON segments
    BEGIN
        INSERT INTO segment_log (session_id, note) VALUES (new.session_id, 'vu; noté');
        UPDATE segment_log SET note = note || ';' WHERE session_id = new.session_id;
    END;
"""


def test_migration_with_a_trigger_applies(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    SessionStore.open(path).close()  # at the current version
    migrations = (*schema.MIGRATIONS, _TRIGGER_MIGRATION)
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(migrations))
    with SessionStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION + 1
        sid = store.start_session().id
        store.add_segment(sid, seg(0, "Bonjour madame."))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT session_id, note FROM segment_log").fetchall() == [
            (sid, "vu; noté;")]
    finally:
        conn.close()


def test_failed_migration_leaves_the_database_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    SessionStore.open(path).close()
    broken = "CREATE TABLE extra (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    migrations = (*schema.MIGRATIONS, broken)
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(migrations))
    with pytest.raises(StoreError):
        SessionStore.open(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchall() == []
    finally:
        conn.close()


def test_migration_statements_are_cut_where_sqlite_says() -> None:
    assert len(schema.statements(_TRIGGER_MIGRATION)) == 2
    assert schema.statements("SELECT 1; -- the end") == ["SELECT 1;", "-- the end"]
    with pytest.raises(ValueError, match="unfinished"):
        schema.statements("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;")


def test_retention_with_a_fixed_clock(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    audio = tmp_path / "old.flac"
    audio.write_bytes(b"fLaC")
    with SessionStore.open(tmp_path / "s.db", clock=clock) as store:
        old_draft = store.start_session().id
        store.add_segment(old_draft, seg(0, "transcription jamais confirmée"))
        store.set_audio_path(old_draft, audio)
        store.end_session(old_draft)
        old_note = store.start_session().id
        store.confirm(old_note, confirmed_note(T0.date()))
        clock.advance(days=20)
        recent = store.start_session().id
        store.end_session(recent)
        live = store.start_session().id  # still recording (this process): never purged
        clock.advance(days=15)  # 35 days after T0

        policy = RetentionPolicy(unconfirmed_days=30, confirmed_days=60)
        report = store.purge_expired(policy)
        assert (report.unconfirmed, report.confirmed, report.audio_files) == (1, 0, 1)
        assert not audio.exists()
        assert [s.id for s in store.sessions()] == [old_note, recent, live]

        clock.now = T0 + timedelta(days=61)
        report = store.purge_expired(policy)
        assert (report.unconfirmed, report.confirmed) == (1, 1)
        assert [s.id for s in store.sessions()] == [live]
        purged = [a for a in store.audit() if a.action is AuditAction.PURGED]
        assert sorted(a.session_id or 0 for a in purged) == sorted([old_draft, old_note, recent])
        assert purged[0].at == T0 + timedelta(days=35)


def test_deleted_text_does_not_linger_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    secret = "Mon numéro est le 1 85 05 78 006 084 clé 91"
    with SessionStore.open(path) as store:
        keep = store.start_session().id
        store.add_segment(keep, seg(0, "une autre session"))
        gone = store.start_session().id
        store.add_segment(gone, seg(0, secret))
        store.save_draft(gone, '{"summary": "' + secret + '"}')
        store.delete_session(gone, actor="agent-7")
        with pytest.raises(StoreError):
            store.segments(gone)
        last = store.audit()[-1]
        assert (last.action, last.session_id, last.actor) == (AuditAction.DELETED, gone, "agent-7")
        raw = path.read_bytes()
        wal = path.with_name("s.db-wal")
        raw += wal.read_bytes() if wal.exists() else b""
        assert secret.encode() not in raw
        assert [s.id for s in store.sessions()] == [keep]


def test_stats_count_by_reason_body_and_complex_situations(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with SessionStore.open(tmp_path / "s.db", clock=clock) as store:
        plan = [
            (date(2026, 3, 2), Reason.LOGEMENT, (Organization.CAF,), True),
            (date(2026, 3, 3), Reason.SANTE, (Organization.CPAM, Organization.CAF), False),
            (date(2026, 3, 4), Reason.LOGEMENT, (Organization.CAF,), True),
            (date(2026, 4, 9), Reason.IMPOTS, (Organization.DGFIP,), True),  # out of period
        ]
        for day, reason, orgs, cx in plan:
            sid = store.start_session(appointment_date=day).id
            store.confirm(sid, confirmed_note(day, reason, orgs, cx))
        store.start_session(appointment_date=date(2026, 3, 5))  # no note yet
        stats = store.stats(date(2026, 3, 1), date(2026, 3, 31))
    assert (stats.sessions, stats.confirmed_notes, stats.complex_situations) == (4, 3, 2)
    assert {c.code: c.count for c in stats.by_reason} == {"LOGEMENT": 2, "SANTE": 1}
    assert {c.code: c.count for c in stats.by_body} == {"CAF": 3, "CPAM": 1}


def test_kept_audio_is_private_flac_and_goes_with_its_session(tmp_path: Path) -> None:
    import numpy as np

    from assistant.audiofile import load_audio

    t = np.arange(16_000 * 2) / 16_000
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    with SessionStore.open(tmp_path / "s.db") as store:
        sid = store.start_session().id
        with store.keep_audio(sid) as keeper:
            for i in range(0, len(tone), 1600):
                keeper.write(tone[i : i + 1600])
        path = store.session(sid).audio_path
        assert path is not None and path.parent == tmp_path / "audio"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        back = load_audio(path)
        assert len(back) == len(tone)
        assert float(np.max(np.abs(back - tone))) < 1e-3
        store.delete_session(sid)
        assert not path.exists()


def test_recorder_writes_pipeline_events_and_keeps_audio(tmp_path: Path) -> None:
    import numpy as np

    from assistant.audiofile import load_audio
    from assistant.replay import FileSource
    from assistant.settings import load_settings
    from assistant.store.recorder import SessionRecorder
    from assistant.streaming.events import EndEvent, TranscriptUpdate

    settings = load_settings(store={"keep_audio": True})
    audio = (0.2 * np.sin(np.arange(16_000) / 5)).astype(np.float32)
    with SessionStore.open(tmp_path / "s.db") as store:
        rec = SessionRecorder.begin(store, settings, source="test")
        source = rec.wrap_source(FileSource(audio))
        source.start()
        while not source.finished:
            source.read(0.5)
        source.stop()
        rec.on_event(TranscriptUpdate(committed=(seg(0, "Bonjour"), seg(1, "au revoir")),
                                      tentative="et"))
        rec.on_event(TranscriptUpdate(committed=(), tentative="et puis"))
        assert [s.text for s in store.segments(rec.session_id)] == ["Bonjour", "au revoir"]
        rec.on_event(EndEvent(reason="eof", audio_s=1.0, segments=2))
        done = store.session(rec.session_id)
        assert done.status is SessionStatus.ENDED and done.audio_path is not None
        assert len(load_audio(done.audio_path)) == len(audio)


def test_unusable_paths_are_french_store_errors(tmp_path: Path) -> None:
    folder = tmp_path / "dossier.db"
    folder.mkdir()
    with pytest.raises(StoreError, match="est un dossier"):
        SessionStore.open(folder)
    if os.name == "posix" and os.geteuid() != 0:
        locked = tmp_path / "verrou.db"
        SessionStore.open(locked).close()
        locked.chmod(0)
        with pytest.raises(StoreError):
            SessionStore.open(locked)
