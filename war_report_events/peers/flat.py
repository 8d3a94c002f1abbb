"""`python -m war_report_events flat`: one row per event, shaped like the peer datasets (UCDP GED, ACLED).

War Report Events keeps every claim apart; peer datasets keep one figure per event. This export
is the bridge, and it is lossy on purpose. Its rules (docs/crosswalks.md, docs/multiple-sources.md):

- Only active claims count: retracted and superseded claims are left out (and counted in
  ``claims_not_active``), so a corrected toll replaces the old one.
- Within one claim, the figure for a measure sums the claim's quantities of that measure that are
  not part of another (``part_of`` empty), whatever their subject: "62 drones and one missile
  launched" is launched 63. ``best`` is the sum of exact/about values, ``low`` of lower bounds or
  values, ``high`` of upper bounds or values; a bound is empty when one summed figure lacks it
  ("at least 4" has no high). Vague figures ("dozens"), like "all" and "none", have no number: they are
  counted in ``<measure>_vague`` and add nothing to the sums.
- Across the event's claims (several sources or claimants), nothing is merged silently:
  ``best`` is the median of the claims' best figures (the lower middle one for an even number, so
  it is always a figure some claim gave); ``low`` the smallest low and ``high`` the largest high
  (empty when any claim lacks that bound); ``<measure>_claims`` counts the claims giving the
  measure and ``<measure>_distinct`` the different figures they give (1: all agree).
- Qualifiers are kept per figure: ``<measure>_qualifiers`` lists, in codelist order, the qualifiers
  of the figures behind best/low/high and the vague count (``about`` says best came from "about
  30"; ``exact;about`` that exact and approximate figures were summed or combined).
- Modality: ``claims_<modality>`` counts the active claims of each modality of the package's
  schema version, and ``asserted`` is ``true`` when any active claim asserts the event happened
  (modality ``asserted``), so a forecast or a denial never looks like an event that happened.
  ``reported_as`` is copied from events.csv when the package derives it (schema 0.2.0 and later).
- Only the measures of the package's schema version (datapackage.json ``version``), and of those
  only the ones its quantities use (``--measures all`` for every one, a stable column set), so no
  measure's columns are all empty. ``country_gw`` is the country's Gleditsch–Ward number (UCDP's
  ``country_id``), looked up in the package country_converter.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from war_report_events.failure import UserError, printable
from war_report_events.files import Refused, atomic_write, check_inside, open_regular
from war_report_events.peers.common import version_of
from war_report_events.peers.countries import gw_of_iso2
from war_report_events.standard import schema

TABLES = ("sources", "actors", "places", "events", "claims", "quantities")
INACTIVE = ("retracted", "superseded")
EVENT_COLUMNS = (
    "event_id",
    "date_start",
    "date_end",
    "date_precision",
    "time_of_day",
    "country",
    "country_gw",
    "subdivision",
    "place_name",
    "place_precision",
    "event_type",
    "event_subtype",
    "actor",
    "target",
    "number_of_sources",
    "number_of_claims",
    "claims_not_active",
    "source_ids",
    "claimants",
)
FIGURE_COLUMNS = ("best", "low", "high", "qualifiers", "vague", "claims", "distinct")
BOUNDS = {  # qualifier -> (gives best, gives low, gives high) from value (v), lower (l), upper (u)
    "exact": ("v", "v", "v"),
    "about": ("v", "v", "v"),
    "at_least": (None, "l", None),
    "more_than": (None, "l", None),
    "at_most": (None, None, "u"),
    "less_than": (None, None, "u"),
    "range": (None, "l", "u"),
    "estimate": ("v", "l", "u"),  # schema 0.2.0: best, low and high as stated
    "vague": (None, None, None),
}
#: Qualifiers without a number (schema 0.2.0 adds all and none, relative to a whole): counted with the vague.
NO_NUMBER = ("vague", "all", "none")
Figure = tuple[int | None, int | None, int | None]  # best, low, high


def measures(version: str | None = None) -> list[str]:
    """The measure codes of a schema version (default: the newest), in codelist order."""
    version = version or schema.available_versions()[-1]
    return [row["code"] for row in schema.load_codelists(version)["measure"]]


def modalities(version: str | None = None) -> list[str]:
    version = version or schema.available_versions()[-1]
    return [row["code"] for row in schema.load_codelists(version)["modality"]]


def qualifiers(version: str | None = None) -> list[str]:
    version = version or schema.available_versions()[-1]
    return [row["code"] for row in schema.load_codelists(version)["qualifier"]]


def columns(measure_codes: list[str], modality_codes: list[str] | None = None, reported_as: bool = False) -> list[str]:
    events = list(EVENT_COLUMNS) + (["reported_as"] if reported_as else [])
    events += ["asserted"] + [f"claims_{m}" for m in modality_codes or []]
    return events + [f"{m}_{c}" for m in measure_codes for c in FIGURE_COLUMNS]


def used_measures(tables: dict[str, list[dict]], version: str) -> list[str]:
    """The version's measures that the package's quantities use, in codelist order."""
    used = {q["measure"] for q in tables["quantities"]}
    return [m for m in measures(version) if m in used]


def _int(text: object) -> int | None:
    return None if text in (None, "") else int(text)  # type: ignore[arg-type]


def claim_figure(quantities: list[dict]) -> tuple[Figure | None, int]:
    """(summed figure or None when the claim gives only vague figures, number of vague figures)."""
    numeric = [q for q in quantities if q["qualifier"] not in NO_NUMBER]
    vague = len(quantities) - len(numeric)
    if not numeric:
        return None, vague
    sums: list[int | None] = []
    for i in range(3):
        parts = []
        for q in numeric:
            field = BOUNDS[q["qualifier"]][i]
            parts.append(None if field is None else _int(q[{"v": "value", "l": "lower", "u": "upper"}[field]]))
        sums.append(None if any(p is None for p in parts) else sum(parts))  # type: ignore[arg-type]
    return (sums[0], sums[1], sums[2]), vague


def combine(figures: list[Figure]) -> Figure:
    """Several claims' figures for one event and measure: median best, smallest low, largest high."""
    bests = sorted(f[0] for f in figures if f[0] is not None)
    lows, highs = [f[1] for f in figures], [f[2] for f in figures]
    return (
        statistics.median_low(bests) if bests else None,
        None if None in lows else min(lows),  # type: ignore[type-var]
        None if None in highs else max(highs),
    )  # type: ignore[type-var]


def _place_chain(places: dict[str, dict], place_id: str | None) -> list[dict]:
    chain, seen = [], set()
    while place_id and place_id in places and place_id not in seen:
        seen.add(place_id)
        chain.append(places[place_id])
        place_id = places[place_id].get("parent_place_id") or None
    return chain


def flat_events(
    tables: dict[str, list[dict]],
    measure_codes: list[str] | None = None,
    modality_codes: list[str] | None = None,
    qualifier_codes: list[str] | None = None,
) -> list[dict]:
    """One row per event (in events-table order); cells are strings or ints, empty string when absent."""
    codes = measure_codes or measures()
    modes = modality_codes if modality_codes is not None else modalities()
    order = {q: i for i, q in enumerate(qualifier_codes or qualifiers())}
    places = {p["place_id"]: p for p in tables["places"]}
    by_event: dict[str, list[dict]] = defaultdict(list)
    for claim in tables["claims"]:
        by_event[claim["event_id"]].append(claim)
    quantities: dict[str, list[dict]] = defaultdict(list)
    for q in tables["quantities"]:
        quantities[q["claim_id"]].append(q)
    rows = []
    for event in tables["events"]:
        claims = by_event.get(event["event_id"], [])
        active = [c for c in claims if (c.get("status") or "active") not in INACTIVE]
        chain = _place_chain(places, event.get("place_id"))
        row: dict = {
            "event_id": event["event_id"],
            "date_start": event.get("date_start") or "",
            "date_end": event.get("date_end") or "",
            "date_precision": event["date_precision"],
            "time_of_day": event.get("time_of_day") or "",
            "country": (country := next((p["country"] for p in chain if p.get("country")), "")),
            "country_gw": (gw_of_iso2(country) or "") if country else "",
            "subdivision": next((p["subdivision"] for p in chain if p.get("subdivision")), ""),
            "place_name": chain[0]["name"] if chain else "",
            "place_precision": event["place_precision"],
            "event_type": event["event_type"],
            "event_subtype": event.get("event_subtype") or "",
            "actor": event.get("actor_id") or "",
            "target": event.get("target_actor_id") or "",
            "number_of_sources": len({c["source_id"] for c in active}),
            "number_of_claims": len(active),
            "claims_not_active": len(claims) - len(active),
            "source_ids": ";".join(dict.fromkeys(c["source_id"] for c in active)),
            "claimants": ";".join(dict.fromkeys(c["claimant_actor_id"] for c in active)),
        }
        if "reported_as" in event:
            row["reported_as"] = event["reported_as"] or ""
        row["asserted"] = "true" if any(c.get("modality") == "asserted" for c in active) else "false"
        for mode in modes:
            row[f"claims_{mode}"] = sum(1 for c in active if c.get("modality") == mode)
        for m in codes:
            figures, vague, giving, kinds = [], 0, 0, set()
            for c in active:
                own = [q for q in quantities.get(c["claim_id"], []) if q["measure"] == m and not q.get("part_of")]
                if not own:
                    continue
                giving += 1
                kinds |= {q["qualifier"] for q in own}
                figure, n_vague = claim_figure(own)
                vague += n_vague
                if figure is not None:
                    figures.append(figure)
            best, low, high = combine(figures) if figures else (None, None, None)
            row.update(
                {
                    f"{m}_best": "" if best is None else best,
                    f"{m}_low": "" if low is None else low,
                    f"{m}_high": "" if high is None else high,
                    f"{m}_qualifiers": ";".join(sorted(kinds, key=lambda k: order.get(k, len(order)))),
                    # counts are 0, not empty, for an event that has the measure: "no vague figure" is a fact
                    f"{m}_vague": vague if giving else "",
                    f"{m}_claims": giving or "",
                    f"{m}_distinct": len(set(figures)) if giving else "",
                }
            )
        rows.append(row)
    return rows


def read_tables(root: Path) -> dict[str, list[dict]]:
    tables = {}
    for name in TABLES:
        path = root / "data" / f"{name}.csv"
        try:
            check_inside(root, f"data/{name}.csv")
            handle = open_regular(path)
        except Refused as exc:
            hint = f"build the tables first with `python -m war_report_events build {root}`"
            raise UserError(
                f"{path}: {'missing' if exc.reason == 'does not exist' else exc.reason}; {hint}."
            ) from None
        with io.TextIOWrapper(handle, encoding="utf-8", newline="") as f:
            tables[name] = list(csv.DictReader(f))
    return tables


def flat_csv_text(rows: list[dict], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events flat",
        description="Write one row per event, peer-style (UCDP/ACLED shape), to a CSV file.",
    )
    parser.add_argument("root", nargs="?", default=".", type=Path, help="package root (default: .)")
    parser.add_argument(
        "--measures",
        choices=("present", "all"),
        default="present",
        help="measure columns: those the package's quantities use (default; no all-empty measure), "
        "or all of the package's schema version (the same columns for every package of that version)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="output CSV (default: dist/events-flat.csv; - for standard output)",
    )
    args = parser.parse_args(argv)
    # The default is in the package, where a dist/ symlinked out is refused; a file the person names is theirs.
    out_root = Path(".") if args.out is None else args.out.parent
    args.out = args.out or Path("dist/events-flat.csv")
    try:
        version = version_of(args.root)
        tables = read_tables(args.root)
        codes = measures(version) if args.measures == "all" else used_measures(tables, version)
        modes = modalities(version)
        rows = flat_events(tables, codes, modes, qualifiers(version))
        derived = bool(tables["events"]) and "reported_as" in tables["events"][0]
        text = flat_csv_text(rows, columns(codes, modes, derived))
        if str(args.out) == "-":
            # the CSV is UTF-8 whatever the terminal's encoding: bytes, not the text layer
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is None:
                sys.stdout.write(text)
            else:
                sys.stdout.flush()
                buffer.write(text.encode("utf-8"))
                buffer.flush()
            return 0
        atomic_write(args.out, text, root=out_root)
    except UserError as exc:
        print(f"flat: {exc}", file=sys.stderr)
        return 1
    except (KeyError, ValueError) as exc:
        print(
            f"flat: the tables are not valid ({printable(repr(exc))}); run `python validate.py "
            f"{printable(str(args.root))}` first.",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(
            f"flat: cannot read or write {printable(str(exc.filename or ''))}: {exc.strerror}. Check the paths and permissions.",
            file=sys.stderr,
        )
        return 1
    print(f"wrote {printable(str(args.out))} ({text.count(chr(10)) - 1} events)")
    return 0
