"""Which candidates a report already codes: a quantity's wording, found inside its claim's quote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from war_report_events.standard.reports import claims, json_path
from war_report_events.tools.locate import locate
from war_report_events.tools.suggest.figures import Candidate
from war_report_events.tools.suggest.lexicon import _overlaps


@dataclass(frozen=True)
class CodedSpan:
    quantity_id: str
    start: int
    end: int
    wording: str


def coded_spans(report: dict[str, Any], text: str) -> tuple[list[CodedSpan], list[str]]:
    """Where each quantity's wording lies in the text: inside its claim's quote, at quote_start."""
    spans, problems = [], []
    for located in claims(report) if isinstance(report, dict) else []:
        claim = located.obj
        if not isinstance(claim.get("quote"), str):
            continue
        quote, start = claim["quote"], claim.get("quote_start")
        if not isinstance(start, int) or text[start : start + len(quote)] != quote:
            found = locate(text, quote).span
            start = found[0] if found else None
        for k, quantity in enumerate(claim.get("quantities") or []):
            wording = quantity.get("wording") if isinstance(quantity, dict) else None
            qid = (
                quantity.get("quantity_id", json_path(located.parts + ("quantities", k)))
                if isinstance(quantity, dict)
                else "?"
            )
            at = quote.find(wording) if isinstance(wording, str) and wording else -1
            if start is None or at == -1:
                problems.append(f"{qid}: its wording {wording!r} is not found in its claim's quote in the text")
                continue
            spans.append(CodedSpan(qid, start + at, start + at + len(wording), wording))
    return spans, problems


def mark_coded(candidates: list[Candidate], coded: list[CodedSpan]) -> list[CodedSpan]:
    """Set each candidate's coded flag; return the coded quantities no candidate covers."""
    covered: set[str] = set()
    for candidate in candidates:
        hits = [c for c in coded if _overlaps((c.start, c.end), (candidate.start, candidate.end))]
        candidate.coded = bool(hits)
        candidate.quantity_ids = [c.quantity_id for c in hits]
        covered.update(candidate.quantity_ids)
    return [c for c in coded if c.quantity_id not in covered]
