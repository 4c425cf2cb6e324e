"""Time to first frame of the counter app, in a real terminal (tmux, 160x45).

Each command is started in a fresh process in a new tmux session; the clock runs
from the spawn until a text that only the app's first frame draws appears on
the terminal. Baselines measured in the same run: a bare Python start, and a
minimal Textual app (the floor any Textual app pays). Also timed: when the
model status turns to "prêt" (the model loads in the background, after the
first frame). Target: first frame under 1 s.

    .venv/bin/python scripts/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ASSISTANT = str(Path(PY).parent / "assistant")

TMUX = ("tmux", "-L", "bench-startup")  # a server of its own, apart from the user's

MINIMAL_TEXTUAL = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class A(App):\n"
    "    def compose(self):\n"
    "        yield Static('PREMIERE-IMAGE')\n"
    "A().run()\n"
)


def time_to_text(argv: list[str], markers: list[str], env: dict[str, str],
                 timeout: float = 60.0) -> list[float | None]:
    """Seconds from spawn until each marker shows in a real terminal (None: never).

    The terminal is tmux (a pty alone does not answer Textual's terminal
    queries, so nothing would be drawn); its pane is read every 10 ms.
    """
    session = f"bench{os.getpid()}"
    command = " ".join(shlex.quote(a) for a in argv) + "; sleep 30"
    env_args = [arg for key in ("ASSISTANT_STORE__PATH", "ASSISTANT_CONFIG")
                for arg in ("-e", f"{key}={env[key]}")]
    for _attempt in range(20):  # the previous run's tmux server may still be exiting
        started = time.perf_counter()
        created = subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "160",
                                  "-y", "45", *env_args, command], cwd=ROOT, env=env,
                                 capture_output=True)
        if created.returncode == 0:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"tmux: {created.stderr.decode(errors='replace')}")
    found: list[float | None] = [None] * len(markers)
    try:
        while time.perf_counter() - started < timeout and None in found:
            pane = subprocess.run([*TMUX, "capture-pane", "-p", "-t", session],
                                  capture_output=True, text=True).stdout
            now = time.perf_counter() - started
            for i, marker in enumerate(markers):
                if found[i] is None and marker in pane:
                    found[i] = now
            time.sleep(0.01)
    finally:
        subprocess.run([*TMUX, "send-keys", "-t", session, "C-q"], check=False)
        time.sleep(0.3)
        subprocess.run([*TMUX, "kill-session", "-t", session], check=False,
                       capture_output=True)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = dict(os.environ, ASSISTANT_STORE__PATH=str(tmp / "sessions.db"),
               ASSISTANT_CONFIG=str(tmp / "absent.toml"))
    # markers: first frame, session screen shown, model ready ("" = not timed)
    cases: list[tuple[str, list[str], list[str]]] = [
        ("python -c print (interpreter)", [PY, "-c", "print('PRET')"], ["PRET", "", ""]),
        ("minimal Textual app (baseline)", [PY, "-c", MINIMAL_TEXTUAL],
         ["PREMIERE-IMAGE", "", ""]),
        ("assistant (start screen)", [ASSISTANT], ["Sessions récentes", "", "prêt ("]),
        ("assistant demo", [ASSISTANT, "demo"],
         ["Sessions récentes", "Transcription", "prêt ("]),
    ]
    results: dict[str, list[list[float | None]]] = {}
    for name, argv, markers in cases:
        timed = [m for m in markers if m]
        runs = []
        for _ in range(args.runs):
            found = iter(time_to_text(argv, timed, env))
            runs.append([next(found) if m else None for m in markers])
        results[name] = runs

    def median(values: list[float | None]) -> float | None:
        got = [v for v in values if v is not None]
        return statistics.median(got) if got and len(got) == len(values) else None

    baseline = median([r[0] for r in results["minimal Textual app (baseline)"]])
    print(f"runs: {args.runs} each (medians), tmux 160x45, {os.cpu_count()} CPU(s), "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':32} {'first frame':>12} {'vs baseline':>12} {'session':>10} "
          f"{'model ready':>12}")
    for name, runs in results.items():
        first = median([r[0] for r in runs])
        session = median([r[1] for r in runs])
        ready = median([r[2] for r in runs])
        ratio = f"{first / baseline:.2f}x" if first and baseline else "-"
        print(f"{name:32} {_s(first):>12} {ratio:>12} {_s(session):>10} {_s(ready):>12}")
    app_first = median([r[0] for r in results["assistant (start screen)"]])
    verdict = "OK" if app_first is not None and app_first < 1.0 else "TOO SLOW"
    print(f"target: first frame < 1 s -> {verdict}")
    return 0


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} s"


if __name__ == "__main__":
    raise SystemExit(main())
