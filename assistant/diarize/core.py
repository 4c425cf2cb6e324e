"""Who said it on one microphone: the pure part (numpy only).

Given the recognised segments (with word times), the local speaker activity
of pyannote's segmentation model (``Activity``), the speech probabilities of
the VAD and one voice embedding per piece of speech:

1. ``change_points`` / ``pause_points`` / ``merge_points``: where the voice
   may change: a local speaker taking the lead, or a pause.
2. ``split_at_changes``: a segment is cut before the first word past each
   such point (Whisper joins turns separated by a short pause).
3. ``cluster``: pieces grouped by voice (Ward, weighted by duration) into two
   speakers, or three voices of which the one heard last is « autre »;
   ``settle_short``: a short piece as close to both speakers takes its
   neighbour's.
4. ``roles``: the agent is the voice enrolled on this workstation (cosine
   similarity at least ``ENROLLED_SIM`` to the nearer speaker), else the
   speaker of the first question (a piece ending with « ? » or opening with
   a question word), else the first speaker heard.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from assistant.types import Segment, Word

MERGE_SIM = 0.80
"""Live: a segment at least this similar to a running speaker is that speaker."""
ONE_VOICE_SIM = 0.92
"""Two groups whose centroids are at least this similar are one voice."""
MIN_PIECE_S = 1.0
"""Pieces shorter than this do not shape the groups; they take the nearest one."""
AMBIGUOUS_SIM = 0.1
"""A short piece this close to both speakers is settled by its neighbours."""
NEIGHBOUR_GAP_S = 1.0
"""The neighbour that settles an ambiguous short piece is at most this far."""
OTHER_SIM = 0.60
"""Live: a segment less similar than this to both speakers may be a third voice."""
THREE_VOICES_SIM = 0.80
"""Three groups none of which is this similar to another are three voices."""
OTHER_MIN_S = 2.0
"""Speech a third group must hold to be « autre » (shorter: joins the nearest)."""
ENROLLED_SIM = 0.70
"""Similarity to the enrolled voice from which a speaker is taken for the agent."""
ACTIVE_MIN = 0.5
"""Activity under which a frame has no leading local speaker."""

QUESTION_WORDS = ("est-ce", "qu'est-ce", "quel", "quelle", "quels", "quelles", "comment",
                  "pourquoi", "quand", "combien", "où", "avez-vous", "pouvez-vous",
                  "voulez-vous", "êtes-vous", "vous avez", "vous êtes", "vous pouvez")

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Activity:
    """One segmentation window: per-frame activity of its local speakers."""

    times: npt.NDArray[np.float64]
    """frame centres, seconds"""
    activity: npt.NDArray[np.float32]
    """(frames, local speakers), 0..1"""

    @property
    def start(self) -> float:
        return float(self.times[0]) if len(self.times) else 0.0

    @property
    def end(self) -> float:
        return float(self.times[-1]) if len(self.times) else 0.0


MIN_RUN_S = 0.3
"""A local speaker must lead this long for its start to be a change of voice."""
CUT_LAG_S = 0.1
"""A word whose middle is past a change of voice, less this, belongs to the new voice."""
PAUSE_S = 0.25
"""A pause this long inside a recognised segment may part two turns."""
VAD_SPEECH = 0.35
"""Silero speech probability under which a frame is a pause (robust in noise)."""
MERGE_CHANGES_S = 0.5
"""Changes of voice closer than this are one."""


def change_points(windows: Sequence[Activity], active: float = ACTIVE_MIN) -> list[float]:
    """Times where the voice changes: in each window, where a local speaker takes the
    lead (for ``MIN_RUN_S`` at least) after another one led, in any window (the
    windows overlap; a change one of them sees and another misses is kept: a
    piece cut too often is joined again by its voice, one cut too little is not)."""
    points: list[float] = []
    for w in windows:
        if len(w.times) < 2:
            continue
        hop = float(w.times[1] - w.times[0])
        lead = np.where(w.activity.max(axis=1) >= active, np.argmax(w.activity, axis=1), -1)
        runs: list[tuple[int, int, int]] = []  # (speaker, first frame, last frame)
        for i, spk in enumerate(lead):
            if spk < 0:
                continue
            if runs and runs[-1][0] == spk:  # a pause inside one voice's lead
                runs[-1] = (int(spk), runs[-1][1], i)
            else:
                runs.append((int(spk), i, i))
        # A flicker shorter than MIN_RUN_S is dropped, and the runs it parted rejoin.
        kept: list[tuple[int, int, int]] = []
        for run in runs:
            if (run[2] - run[1] + 1) * hop < MIN_RUN_S:
                continue
            if kept and kept[-1][0] == run[0]:
                kept[-1] = (run[0], kept[-1][1], run[2])
            else:
                kept.append(run)
        runs = kept
        for prev, cur in itertools.pairwise(runs):
            if prev[0] == cur[0]:
                continue
            points.append(float(w.times[cur[1]]))
        # Pauses too: two voices the model confuses are still parted where nobody
        # speaks, and their embeddings tell them apart.
        points += [float(w.times[(i + j) // 2]) for i, j in _inner_pauses(lead < 0, hop, PAUSE_S)]
    points.sort()
    merged: list[float] = []
    for t in points:
        if not merged or t - merged[-1] >= MERGE_CHANGES_S:
            merged.append(t)
    return merged


def pause_points(speech: np.ndarray, hop_s: float, threshold: float = VAD_SPEECH,
                 min_pause_s: float = PAUSE_S) -> list[float]:
    """The middle of each pause (speech probability under ``threshold`` for
    ``min_pause_s`` at least) between two stretches of speech."""
    quiet = np.asarray(speech) < threshold
    return [(i + j) / 2 * hop_s for i, j in _inner_pauses(quiet, hop_s, min_pause_s)]


def _inner_pauses(quiet: np.ndarray, hop_s: float, min_pause_s: float) -> list[tuple[int, int]]:
    """(first, past-last) frame of each run of ``quiet`` frames at least ``min_pause_s``
    long with speech on both sides."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(quiet):
        if not quiet[i]:
            i += 1
            continue
        j = i
        while j < len(quiet) and quiet[j]:
            j += 1
        if i > 0 and j < len(quiet) and (j - i) * hop_s >= min_pause_s:
            out.append((i, j))
        i = j
    return out


def merge_points(*groups: Sequence[float]) -> list[float]:
    """All cut points, sorted, those closer than ``MERGE_CHANGES_S`` as one."""
    merged: list[float] = []
    for t in sorted(t for g in groups for t in g):
        if not merged or t - merged[-1] >= MERGE_CHANGES_S:
            merged.append(t)
    return merged


def _spoken(word: Word) -> bool:
    return any(c.isalnum() for c in word.text)


def _piece(words: Sequence[Word], seg: Segment) -> Segment:
    text = ""
    for w in words:
        t = w.text.strip()
        glued = t[:1] in ("'", "’", "-") or t in (",", ".", "…")  # French: « vous ? »
        text += t if glued and text else " " + t
    return replace(seg, start=words[0].start, end=words[-1].end, text=text, words=tuple(words))


def split_at_changes(seg: Segment, changes: Sequence[float]) -> list[Segment]:
    """``seg`` cut at the boundary between words nearest each change of voice inside it
    (same ``id``: the caller numbers)."""
    words = seg.words
    if len(words) < 2:
        return [seg]
    cuts: set[int] = set()
    for t in changes:
        # Whisper's word times stretch into the pauses: the cut goes before the
        # first word whose middle is past the change.
        after = next((i for i, w in enumerate(words)
                      if (w.start + w.end) / 2 > t - CUT_LAG_S), None)
        # A lone punctuation mark (Whisper's « ? » stretched over the pause) ends
        # the turn it closes.
        while after is not None and after < len(words) and not _spoken(words[after]):
            after += 1
        if after is not None and after >= len(words):
            after = None
        if after is not None and after > 0:
            cuts.add(after - 1)
    if not cuts:
        return [seg]
    pieces: list[list[Word]] = [[words[0]]]
    for i, word in enumerate(words[1:]):
        if i in cuts:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    out = [_piece(p, seg) for p in pieces]
    return [replace(out[0], start=seg.start), *out[1:-1], replace(out[-1], end=seg.end)]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    out: np.ndarray = v / n if n > 0 else v
    return out


@dataclass(frozen=True, slots=True)
class Clustering:
    """Each piece's speaker: 0 and 1 are the two speakers, -1 « autre»."""

    labels: tuple[int, ...]
    centroids: tuple[Vector, ...]
    """the two speakers' mean embeddings (one when a single voice was heard)"""


def _ward_merge(sums: list[np.ndarray], mass: list[float], down_to: int) -> list[list[int]]:
    """Ward agglomeration (duration-weighted) of the groups until ``down_to`` remain;
    ``sums``/``mass`` are updated in place. Returns which starting groups each holds."""
    members = [[i] for i in range(len(sums))]
    while len(sums) > down_to:
        best, pair = np.inf, (0, 1)
        cents = [s_ / m for s_, m in zip(sums, mass, strict=True)]
        for a in range(len(sums)):
            for b in range(a + 1, len(sums)):
                d = cents[a] - cents[b]
                cost = mass[a] * mass[b] / (mass[a] + mass[b]) * float(d @ d)
                if cost < best:
                    best, pair = cost, (a, b)
        a, b = pair
        sums[a] = sums[a] + sums[b]
        mass[a] += mass[b]
        members[a] += members[b]
        del sums[b], mass[b], members[b]
    return members


def cluster(embeddings: Sequence[np.ndarray], durations: Sequence[float],
            other_min_s: float = OTHER_MIN_S, one_voice_sim: float = ONE_VOICE_SIM,
            three_sim: float = THREE_VOICES_SIM) -> Clustering:
    """Pieces grouped into at most two speakers and « autre » (-1).

    The pieces of at least ``MIN_PIECE_S`` are grouped by Ward's criterion
    (weighted by duration) down to three groups. When no two of them are as
    alike as ``three_sim`` and each speaks ``other_min_s`` at least, they are
    three voices and the one heard last for the first time is « autre »;
    otherwise the two nearest join. Two groups this alike (``one_voice_sim``)
    are one voice. Shorter pieces take the nearest group."""
    n = len(embeddings)
    if n == 0:
        return Clustering((), ())
    units = [_unit(np.asarray(e, dtype=np.float64)) for e in embeddings]
    weights = [max(float(d), 0.05) for d in durations]
    reliable = [i for i in range(n) if durations[i] >= MIN_PIECE_S]
    if len(reliable) < 2:
        reliable = list(range(n))
    sums = [units[i] * weights[i] for i in reliable]
    mass = [weights[i] for i in reliable]
    groups = [[reliable[i] for i in g] for g in _ward_merge(sums, mass, 3)]
    other: np.ndarray | None = None
    if len(groups) == 3:
        cents = [_unit(x) for x in sums]
        pair_sims = [float(cents[a] @ cents[b]) for a, b in ((0, 1), (0, 2), (1, 2))]
        if max(pair_sims) < three_sim and min(mass) >= other_min_s:
            # Three voices: the third is the one heard last for the first time (the
            # agent and the usager open the conversation).
            late = max(range(3), key=lambda g: min(groups[g]))
            other = cents[late]
            other_members = groups[late]
            rest = [g for g in range(3) if g != late]
            sums = [sums[g] for g in rest]
            mass = [mass[g] for g in rest]
            groups = [groups[g] for g in rest]
        else:
            merged = _ward_merge(sums, mass, 2)
            groups = [[i for g in m for i in groups[g]] for m in merged]
    if len(groups) == 2 and float(_unit(sums[0]) @ _unit(sums[1])) >= one_voice_sim:
        sums, mass, groups = [sums[0] + sums[1]], [mass[0] + mass[1]], [groups[0] + groups[1]]
    centroids = [_unit(s_) for s_ in sums]
    labels = [0] * n
    for k, g in enumerate(groups):
        for i in g:
            labels[i] = k
    if other is not None:
        for i in other_members:
            labels[i] = -1
    placed = {i for g in groups for i in g} | (set(other_members) if other is not None else set())
    for i in range(n):
        if i in placed:
            continue
        sims = [float(units[i] @ c) for c in centroids]
        k = int(np.argmax(sims))
        if other is not None and float(units[i] @ other) > sims[k]:
            labels[i] = -1
        else:
            labels[i] = k
    return Clustering(tuple(labels), tuple(c.astype(np.float32) for c in centroids))


def settle_short(pieces: Sequence[Segment], result: Clustering,
                 embeddings: Sequence[np.ndarray]) -> Clustering:
    """A short piece (under ``MIN_PIECE_S``) whose voice is ambiguous (its similarity
    to the two speakers within ``AMBIGUOUS_SIM``) takes the speaker of the piece
    next to it in time (the following one first, within ``NEIGHBOUR_GAP_S``): « D'accord, »
    or « Merci, » before a pause is said by whoever goes on."""
    if len(result.centroids) < 2:
        return result
    labels = list(result.labels)
    order = sorted(range(len(pieces)), key=lambda i: pieces[i].start)
    for pos, i in enumerate(order):
        p = pieces[i]
        if p.end - p.start >= MIN_PIECE_S or labels[i] < 0:
            continue
        e = _unit(np.asarray(embeddings[i], dtype=np.float64))
        sims = [float(e @ np.asarray(c, dtype=np.float64)) for c in result.centroids]
        if abs(sims[0] - sims[1]) >= AMBIGUOUS_SIM:
            continue
        after = order[pos + 1] if pos + 1 < len(order) else None
        before = order[pos - 1] if pos > 0 else None
        if after is not None and pieces[after].start - p.end <= NEIGHBOUR_GAP_S \
                and pieces[after].end - pieces[after].start >= MIN_PIECE_S:
            labels[i] = labels[after]
        elif before is not None and p.start - pieces[before].end <= NEIGHBOUR_GAP_S \
                and pieces[before].end - pieces[before].start >= MIN_PIECE_S:
            labels[i] = labels[before]
    return replace(result, labels=tuple(labels))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text.lower()).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip(" .,;:!«»\"")


def is_question(text: str) -> bool:
    """A question: ends with « ? », or starts with a question word."""
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    folded = _fold(stripped)
    # The question word may follow a greeting: « Bonjour, vous avez ... »
    for clause in re.split(r"[,.!;]", folded)[:2]:
        clause = clause.strip()
        if any(clause == q or clause.startswith(q + " ") for q in QUESTION_WORDS):
            return True
    return False


def roles(pieces: Sequence[Segment], result: Clustering,
          enrolled: np.ndarray | None = None,
          enrolled_sim: float = ENROLLED_SIM) -> dict[int, str]:
    """Speaker number → role ("agent" / "usager"), « autre » for -1."""
    mapping: dict[int, str] = {-1: "autre"}
    speakers = len(result.centroids)
    if speakers == 0:
        return mapping
    agent: int | None = None
    if enrolled is not None:
        sims = [float(_unit(np.asarray(c, np.float64)) @ _unit(np.asarray(enrolled, np.float64)))
                for c in result.centroids]
        if max(sims) >= enrolled_sim:
            agent = int(np.argmax(sims))
    if agent is None:
        order = sorted(range(len(pieces)), key=lambda i: pieces[i].start)
        asked = [result.labels[i] for i in order
                 if result.labels[i] >= 0 and is_question(pieces[i].text)]
        heard = [result.labels[i] for i in order if result.labels[i] >= 0]
        agent = asked[0] if asked else (heard[0] if heard else 0)
    mapping[agent] = "agent"
    if speakers > 1:
        mapping[1 - agent] = "usager"
    return mapping
