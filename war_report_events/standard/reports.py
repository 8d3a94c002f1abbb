"""Walking a war report: every object with its JSON path and the table it becomes a row of."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

TABLE_OF_KEY = {
    "source": "sources",
    "actors": "actors",
    "places": "places",
    "events": "events",
    "claims": "claims",
    "quantities": "quantities",
}


@dataclass
class Located:
    """A report object with the JSON path parts where it stands and the table it becomes a row of."""

    table: str
    parts: tuple
    obj: dict


def as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def objects(report: dict) -> list[Located]:
    out: list[Located] = []
    if isinstance(report.get("source"), dict):
        out.append(Located("sources", ("source",), report["source"]))
    for key, table in (("actors", "actors"), ("places", "places")):
        for i, obj in enumerate(as_list(report.get(key))):
            if isinstance(obj, dict):
                out.append(Located(table, (key, i), obj))
    for i, event in enumerate(as_list(report.get("events"))):
        if not isinstance(event, dict):
            continue
        out.append(Located("events", ("events", i), event))
        for j, claim in enumerate(as_list(event.get("claims"))):
            if not isinstance(claim, dict):
                continue
            out.append(Located("claims", ("events", i, "claims", j), claim))
            for k, q in enumerate(as_list(claim.get("quantities"))):
                if isinstance(q, dict):
                    out.append(Located("quantities", ("events", i, "claims", j, "quantities", k), q))
    return out


def table_of(parts: tuple) -> str | None:
    names = [p for p in parts if isinstance(p, str)]
    tables = [TABLE_OF_KEY[n] for n in names if n in TABLE_OF_KEY]
    return tables[-1] if tables else None


def json_path(parts: tuple) -> str:
    out = "$"
    for p in parts:
        out += (
            f"[{p}]"
            if isinstance(p, int)
            else (f".{p}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p) else f"[{json.dumps(p)}]")
        )
    return out


def claims(report: dict) -> list[Located]:
    """The claims of a report, each with its JSON path parts (``("events", i, "claims", j)``)."""
    return [o for o in objects(report) if o.table == "claims"]
