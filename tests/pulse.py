"""A private PulseAudio daemon with a virtual microphone, for capture tests.

CI machines have no sound card. A null sink ``virt`` (16 kHz mono) and a
source ``virtmic`` remapped from its monitor act as speaker and microphone:
audio played into the sink comes out of the default input, through the real
PortAudio → ALSA → PulseAudio path. The daemon runs in its own
``XDG_RUNTIME_DIR`` and is stopped when the tests are done.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.types import AudioArray
from tools.tts import write_wav


class PulseServer:
    def __init__(self, runtime_dir: Path) -> None:
        self.runtime_dir = runtime_dir
        self.env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime_dir),
                        PULSE_SERVER=f"unix:{runtime_dir}/pulse/native")
        self._players: list[subprocess.Popen[bytes]] = []
        self._count = 0

    def pactl(self, *args: str) -> str:
        proc = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                              timeout=20, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout.strip()

    def plug(self) -> None:
        """Create the virtual speaker and microphone and make them the defaults."""
        self.pactl("load-module", "module-null-sink", "sink_name=virt", "rate=16000",
                   "channels=1")
        self.pactl("load-module", "module-remap-source", "master=virt.monitor",
                   "source_name=virtmic")
        self.pactl("set-default-sink", "virt")
        self.pactl("set-default-source", "virtmic")

    def unplug(self) -> None:
        """Remove the virtual devices (the microphone disappears mid-capture)."""
        # Unloading the sink takes the source remapped from its monitor with it.
        self.pactl("unload-module", "module-null-sink")

    def play(self, audio: AudioArray) -> subprocess.Popen[bytes]:
        """Play 16 kHz audio into the virtual speaker (returns at once)."""
        self._count += 1
        wav = self.runtime_dir / f"play{self._count}.wav"
        write_wav(wav, audio)
        player = subprocess.Popen(["paplay", "--device=virt", str(wav)], env=self.env)
        self._players.append(player)
        return player

    def stop(self) -> None:
        for player in self._players:
            if player.poll() is None:
                player.kill()
            player.wait()
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True,
                       timeout=20, check=False)


def start_pulse(runtime_dir: Path) -> PulseServer:
    missing = [exe for exe in ("pulseaudio", "pactl", "paplay") if shutil.which(exe) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run scripts/setup.sh "
                    "(packages pulseaudio pulseaudio-utils libasound2-plugins libportaudio2)")
    server = PulseServer(runtime_dir)
    # -n: no default script (it wants dbus/udev); the native protocol only.
    # --system=false with -D runs as root too (it only warns).
    subprocess.run(
        ["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--system=false",
         "--disallow-exit", "--load=module-native-protocol-unix auth-anonymous=1"],
        env=server.env, capture_output=True, timeout=30, check=False,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            server.pactl("info")
            break
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    server.plug()
    return server


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """The daemon, with this process pointed at it (PortAudio re-enumerated)."""
    runtime = tmp_path_factory.mktemp("pulse-runtime")
    runtime.chmod(0o700)
    saved = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "PULSE_SERVER")}
    server = start_pulse(runtime)
    os.environ.update(XDG_RUNTIME_DIR=server.env["XDG_RUNTIME_DIR"],
                      PULSE_SERVER=server.env["PULSE_SERVER"])
    try:
        from assistant.capture import rescan_devices

        rescan_devices()
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
