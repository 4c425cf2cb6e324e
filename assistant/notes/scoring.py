"""Scoring drafted notes against gold notes, as ``shared/design/case-note.md`` says.

Micro-averaged precision, recall and F1 over the set items of
``organizations``, ``documents_requested``, ``identifiers`` (kind and value),
``amounts_eur`` and ``dates``; accuracy of ``reason`` and
``complex_situation`` (and of ``referral`` where the gold note gives one).
Pure: notes are compared in the JSON contract's shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SET_FIELDS = ("organizations", "documents_requested", "identifiers", "amounts_eur", "dates")


def _items(name: str, values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for v in values:
        if name == "identifiers":
            out.add(f"{v['kind']}:{v['value']}")
        elif name == "amounts_eur":
            out.add(f"{round(float(v), 2):g}")
        else:
            out.add(str(v))
    return out


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class CaseError:
    """One difference between a drafted and a gold note."""

    case_id: str
    field: str
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


@dataclass(slots=True)
class Score:
    """Running totals over a set of cases."""

    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in SET_FIELDS})
    cases: int = 0
    reason_right: int = 0
    complex_right: int = 0
    referral_cases: int = 0
    referral_right: int = 0
    errors: list[CaseError] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.fields.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total

    def add(self, case_id: str, drafted: Mapping[str, Any], gold: Mapping[str, Any]) -> None:
        self.cases += 1
        for name in SET_FIELDS:
            got = _items(name, drafted.get(name, ()))
            want = _items(name, gold.get(name, ()))
            c = self.fields[name]
            c.tp += len(got & want)
            c.fp += len(got - want)
            c.fn += len(want - got)
            if got != want:
                self.errors.append(CaseError(case_id, name, tuple(sorted(want - got)),
                                             tuple(sorted(got - want))))
        if drafted.get("reason") == gold.get("reason"):
            self.reason_right += 1
        else:
            self.errors.append(CaseError(case_id, "reason", (str(gold.get("reason")),),
                                         (str(drafted.get("reason")),)))
        if bool(drafted.get("complex_situation")) == bool(gold.get("complex_situation")):
            self.complex_right += 1
        else:
            self.errors.append(CaseError(case_id, "complex_situation",
                                         (str(gold.get("complex_situation")),),
                                         (str(drafted.get("complex_situation")),)))
        if "referral" in gold:
            self.referral_cases += 1
            if drafted.get("referral") == gold.get("referral"):
                self.referral_right += 1
            else:
                self.errors.append(CaseError(case_id, "referral", (str(gold.get("referral")),),
                                             (str(drafted.get("referral")),)))

    def report(self, title: str) -> str:
        lines = [f"{title}: {self.cases} cases"]
        lines.append(f"  {'field':22s} {'P':>6s} {'R':>6s} {'F1':>6s}   tp  fp  fn")
        for name, c in [*self.fields.items(), ("micro", self.micro)]:
            lines.append(f"  {name:22s} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
                         f"  {c.tp:3d} {c.fp:3d} {c.fn:3d}")
        n = max(self.cases, 1)
        lines.append(f"  reason right            {self.reason_right}/{self.cases}"
                     f" ({self.reason_right / n:.0%})")
        lines.append(f"  complex situation right {self.complex_right}/{self.cases}"
                     f" ({self.complex_right / n:.0%})")
        if self.referral_cases:
            lines.append(f"  referral right          {self.referral_right}/{self.referral_cases}")
        return "\n".join(lines)
