"""The labelled utterance set and its accuracy measure (top-1 and top-3), shared by the command and the bench."""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

EVAL_SET = Path(__file__).parent / "data" / "eval_utterances.tsv"


@dataclass(frozen=True)
class Utterance:
    text: str
    expected: str
    alternates: tuple[str, ...]
    split: str

    @property
    def accepted(self) -> set[str]:
        return {self.expected, *self.alternates}


def read_eval_set(path: Path = EVAL_SET) -> list[Utterance]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        Utterance(
            text=row["utterance"].strip(),
            expected=row["expected"].strip(),
            alternates=tuple(a.strip() for a in (row.get("alternates") or "").split(",") if a.strip()),
            split=(row.get("split") or "dev").strip(),
        )
        for row in reader
    ]


@dataclass
class Score:
    total: int = 0
    top1: int = 0
    top3: int = 0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def evaluate(rank: Callable[[str], list[str]], rows: list[Utterance]) -> tuple[Score, list[tuple]]:
    """Top-1 counts the expected item only; top-3 accepts the expected item or an alternate among the first three.

    A top-1 hit on an alternate (a parent for its child, say) also counts, since the worker lands on a right item.
    """
    score, misses = Score(), []
    for row in rows:
        codes = rank(row.text)
        score.total += 1
        hit1 = bool(codes) and codes[0] in row.accepted
        hit3 = bool(row.accepted & set(codes[:3]))
        score.top1 += hit1
        score.top3 += hit3
        if not hit1:
            misses.append((row, codes[:3], hit3))
    return score, misses
