"""The composed summary on the held-out appointments (issue #16): does it copy a
transcript sentence whole, name the motif and the body in French, keep to three
sentences, stay clear of entitlement?

    .venv/bin/python scripts/eval_summaries.py [--sets heldout,heldout2] [--show]

From the clean text of each case (the summary is composed from the drafted
fields, so a recogniser's slip can only reach it through a field's label). A
"copied sentence" is a transcript sentence of four words or more found whole,
case and accents aside, in the summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.folding import fold  # noqa: E402
from assistant.notes.drafter import draft_from_segments  # noqa: E402
from assistant.notes.fields.summary import BODY_LABELS, MAX_SENTENCES, motif_phrase  # noqa: E402
from assistant.notes.models import CaseNoteDraft, Organization, Reason  # noqa: E402
from assistant.types import Segment  # noqa: E402

SETS = ROOT / "tests" / "data" / "appointments"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ENTITLEMENT = re.compile(r"droit|eligib|ouvre droit|avez le droit")


def sentences_of(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def copied_sentences(summary: str, transcript: list[str]) -> list[str]:
    folded = fold(summary)
    out = []
    for turn in transcript:
        for s in sentences_of(turn):
            words = fold(s).strip(" .!?…").split()
            if len(words) >= 4 and " ".join(words) in folded:
                out.append(s)
    return out


@dataclass
class Figures:
    cases: int = 0
    with_summary: int = 0
    copied: int = 0
    names_motif: int = 0
    right_motif: int = 0
    names_body: int = 0
    max_sentences: int = 0
    over_limit: int = 0
    entitlement: int = 0
    lines: list[str] = field(default_factory=list)

    def add(self, case_id: str, draft: CaseNoteDraft, transcript: list[str],
            gold_reason: str) -> None:
        summary = draft.summary.value
        self.cases += 1
        self.with_summary += bool(summary)
        copies = copied_sentences(summary, transcript)
        self.copied += bool(copies)
        motif = motif_phrase(draft.reason.value, draft.reason.evidence)
        self.names_motif += motif in summary
        self.right_motif += motif in summary and draft.reason.value is Reason(gold_reason)
        bodies = [BODY_LABELS[Organization(o.value)] for o in draft.organizations]
        self.names_body += bool(bodies) and all(b in summary for b in bodies)
        n = len(sentences_of(summary))
        self.max_sentences = max(self.max_sentences, n)
        self.over_limit += n > MAX_SENTENCES
        self.entitlement += bool(_ENTITLEMENT.search(fold(summary)))
        self.lines.append(f"{case_id}: {summary}" + (f"  [copied: {copies}]" if copies else ""))

    def report(self, name: str) -> str:
        return (f"[{name}] {self.cases} cases: summary {self.with_summary}/{self.cases}, "
                f"copies a transcript sentence {self.copied}/{self.cases}, "
                f"names the motif {self.names_motif}/{self.cases} "
                f"(the gold one {self.right_motif}/{self.cases}), "
                f"names every body {self.names_body}/{self.cases}, "
                f"at most {MAX_SENTENCES} sentences {self.cases - self.over_limit}/{self.cases} "
                f"(longest {self.max_sentences}), speaks of entitlement {self.entitlement}")


def evaluate(case: dict[str, Any], figures: Figures) -> None:
    turns = [str(t[1]) for t in case["turns"]]
    segments = [Segment(id=i, start=0.0, end=0.0, text=t) for i, t in enumerate(turns)]
    draft = draft_from_segments(segments, dt.date.fromisoformat(case["date"]))
    figures.add(case["id"], draft, turns, case["gold"]["reason"])


def load_cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((SETS / f"{name}.json").read_text(encoding="utf-8"))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="heldout,heldout2")
    parser.add_argument("--show", action="store_true", help="print every summary")
    args = parser.parse_args()
    total = Figures()
    for name in args.sets.split(","):
        figures = Figures()
        for case in load_cases(name):
            evaluate(case, figures)
            evaluate(case, total)
        print(figures.report(name))
        if args.show:
            print("\n".join(figures.lines))
    print(total.report("all"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
