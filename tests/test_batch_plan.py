"""What a batch finds, where it writes, and what it counts as already done
(real files in a temporary folder; no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.batch.plan import (
    atomic_write,
    file_sha256,
    find_recordings,
    fingerprint,
    is_done,
    write_outputs,
)
from assistant.errors import InputError


def touch(path: Path, data: bytes = b"RIFF") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folders_keep_their_tree_only_when_recursive(tmp_path: Path) -> None:
    touch(tmp_path / "in" / "a.wav")
    touch(tmp_path / "in" / "notes.txt")
    touch(tmp_path / "in" / "2025" / "b.MP3")
    out = tmp_path / "out"
    flat = find_recordings([tmp_path / "in"], out, recursive=False)
    assert [r.stem for r in flat] == [out / "a"]
    deep = find_recordings([tmp_path / "in"], out, recursive=True)
    assert [r.stem for r in deep] == [out / "2025" / "b", out / "a"]
    assert deep[0].output("srt") == out / "2025" / "b.srt"
    assert deep[0].sidecar == out / "2025" / ".b.assistant.json"


def test_same_output_name_and_empty_folder_are_refused_in_french(tmp_path: Path) -> None:
    one, two = touch(tmp_path / "x" / "rdv.wav"), touch(tmp_path / "y" / "rdv.flac")
    with pytest.raises(InputError, match="même fichier de sortie"):
        find_recordings([one, two], tmp_path / "out", recursive=False)
    (tmp_path / "vide").mkdir()
    with pytest.raises(InputError, match="Aucun enregistrement") as info:
        find_recordings([tmp_path / "vide"], tmp_path / "out", recursive=False)
    assert "--recursive" in info.value.hint


def test_done_means_same_bytes_same_settings_every_format(tmp_path: Path) -> None:
    rec = find_recordings([touch(tmp_path / "rdv.wav", b"one")], tmp_path / "out", False)[0]
    sha = file_sha256(rec.source)
    settings = fingerprint({"beam": 5})
    assert not is_done(rec, sha, settings, ["txt"])
    write_outputs(rec, sha, settings, {"txt": "bonjour\n"})
    assert is_done(rec, sha, settings, ["txt"])
    assert not is_done(rec, sha, settings, ["txt", "srt"])
    assert not is_done(rec, sha, fingerprint({"beam": 1}), ["txt"])
    assert not is_done(rec, file_sha256(touch(rec.source, b"two")), settings, ["txt"])
    write_outputs(rec, sha, settings, {"srt": "1\n"})
    assert is_done(rec, sha, settings, ["txt", "srt"])  # the txt of the same run is kept
    rec.output("txt").unlink()
    assert not is_done(rec, sha, settings, ["txt"])


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    atomic_write(target, "old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
