#!/usr/bin/env python3
"""Write a synthetic War Report Events package of any size, valid by construction, with K seeded errors.

    python tests/benchmarks/generate.py --rows N --errors K --seed S OUT_DIR

OUT_DIR (new, or an empty folder) becomes a package: datapackage.json, the six
tables under data/ with N rows in quantities (about 3 per claim, 3 claims per
event, 20 events per source, a few hundred actors and places), and the source
texts under data/sources/ that every quote is an exact excerpt of, and the
reports the tables are built from: data/reports/<source_id>.json, one per
source, made from the rows with ``standard.tables.unflatten`` and written as
contributors write them (``files.dump_report``). ``--no-reports`` leaves them out.

Then K errors of mixed kinds are seeded in the tables and R in the reports,
each so that it yields exactly one finding; OUT_DIR/seeded.csv lists them
(file,line,field,code), sorted as the validator sorts its findings. A report
with a seeded error also keeps its clean form in OUT_DIR/bench-clean-reports/
(outside data/, so no validator reads it): copied over data/reports/, the
package is one ``build`` away from valid. Same arguments, same bytes: all randomness comes
from random.Random seeded with S, and rows are written as they are made, so
memory stays flat however large N is.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import random
import sys
from array import array
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the package lives at the repo root

from war_report_events.files import dump_report
from war_report_events.standard import schema
from war_report_events.standard import tables as building

Row = dict[str, object]
DAY = dt.timedelta(days=1)
FIRST_PUBLISHED = dt.date(2022, 2, 24)
PUBLISHED_SPAN_DAYS = 1400
N_ACTORS, N_PLACES, N_SPARE = 300, 250, 24  # spare: defined, referenced by nothing (safe to duplicate)

# ---------------------------------------------------------------- vocabulary

STATES = (  # id, name, ISO country
    ("russia", "Russia", "RU"),
    ("ukraine", "Ukraine", "UA"),
    ("belarus", "Belarus", "BY"),
    ("north-korea", "North Korea", "KP"),
    ("united-states", "United States", "US"),
    ("poland", "Poland", "PL"),
    ("moldova", "Moldova", "MD"),
    ("romania", "Romania", "RO"),
    ("south-korea", "South Korea", "KR"),
    ("iran", "Iran", "IR"),
    ("germany", "Germany", "DE"),
    ("france", "France", "FR"),
    ("united-kingdom", "United Kingdom", "GB"),
    ("china", "China", "CN"),
    ("turkey", "Türkiye", "TR"),
)
BELLIGERENTS = ("russia", "ukraine")
BODIES = (  # id suffix, name, actor_type
    ("armed-forces", "armed forces", "armed_forces"),
    ("air-force", "air force", "armed_forces"),
    ("general-staff", "General Staff", "government_body"),
    ("defence-ministry", "Ministry of Defence", "government_body"),
    ("foreign-ministry", "Ministry of Foreign Affairs", "government_body"),
    ("emergency-service", "State Emergency Service", "government_body"),
)
ORGANISATIONS = (
    ("un", "United Nations"),
    ("nato", "NATO"),
    ("iaea", "International Atomic Energy Agency"),
    ("osce", "OSCE"),
    ("icrc", "International Committee of the Red Cross"),
)
GIVEN = (
    "Olena",
    "Andriy",
    "Iryna",
    "Serhiy",
    "Natalia",
    "Dmytro",
    "Oksana",
    "Yuriy",
    "Maria",
    "Pavlo",
    "Sergei",
    "Anna",
    "Mikhail",
    "Tetiana",
    "Vitaliy",
    "Halyna",
    "Bohdan",
    "Lesia",
    "Ihor",
    "Zoriana",
)
FAMILY = (
    "Kovalenko",
    "Shevchenko",
    "Bondarenko",
    "Tkachenko",
    "Kravchenko",
    "Oliynyk",
    "Melnyk",
    "Petrenko",
    "Ivanov",
    "Smirnova",
    "Hnatiuk",
    "Lysenko",
    "Moroz",
    "Savchenko",
    "Rudenko",
    "Zhuk",
    "Dovzhenko",
    "Fedorov",
)
SETTLEMENT_STEMS = (
    "Novo",
    "Stara",
    "Velyka",
    "Mala",
    "Zeleno",
    "Krasno",
    "Vyshnevo",
    "Dobro",
    "Bilo",
    "Chorno",
    "Sosnovo",
    "Kamianko",
)
SETTLEMENT_TAILS = (
    "selivka",
    "pillia",
    "dolyna",
    "hirka",
    "polie",
    "yarske",
    "ivka",
    "rich",
    "mykhailivka",
    "bereznyi",
)
SITE_KINDS = (
    "power plant",
    "oil depot",
    "railway station",
    "airfield",
    "grain terminal",
    "substation",
    "bridge",
    "port",
)
AREA_KINDS = ("front line", "border area", "southern coast", "eastern regions", "northern border regions")

EVENT_KINDS = (  # event_type, event_subtype, summary verb
    ("aerial_attack", "drone_strike", "attacked with drones"),
    ("aerial_attack", "missile_strike", "struck with missiles"),
    ("aerial_attack", "combined_strike", "attacked with drones and missiles"),
    ("ground_fighting", "offensive", "advanced against"),
    ("ground_fighting", "armed_clash", "clashed with"),
    ("ground_fighting", "incursion", "crossed the border of"),
    ("ground_fighting", "capture_of_territory", "claimed ground from"),
    ("troop_deployment", "foreign_deployment", "sent troops to support"),
    ("diplomacy", "official_visit", "held talks with"),
    ("aerial_attack", None, "attacked"),
    ("ground_fighting", None, "fought"),
)
TIMES = (
    ("overnight", "overnight"),
    ("morning", "on the morning of the attack"),
    ("afternoon", "in the afternoon"),
    ("evening", "in the evening"),
    ("night", "late at night"),
)
MEASURES = (  # measure, subject, verb in the quote
    ("launched", "drone", "launched"),
    ("launched", "missile", "fired"),
    ("intercepted", "drone", "shot down"),
    ("intercepted", "missile", "intercepted"),
    ("intercepted", "drone_or_missile", "destroyed"),
    ("jammed", "drone", "jammed"),
    ("hit", "residential_building", "damaged"),
    ("hit", "educational_building", "damaged"),
    ("killed", "person", "killed"),
    ("killed", "soldier", "killed"),
    ("injured", "person", "injured"),
    ("injured", "child", "injured"),
    ("deployed", "soldier", "deployed"),
)
NOUNS = {
    "drone": "drones",
    "missile": "missiles",
    "drone_or_missile": "aerial targets",
    "person": "people",
    "child": "children",
    "soldier": "soldiers",
    "residential_building": "apartment buildings",
    "educational_building": "schools",
}
VAGUE = ("dozens of", "scores of", "several", "hundreds of", "a number of", "many")
QUALIFIERS = ("exact", "exact", "exact", "about", "at_least", "more_than", "at_most", "less_than", "range", "vague")
ATTRIBUTIONS = ("said", "announced", "according_to", "reportedly", "outlet_voice")
MODALITIES = ("asserted", "asserted", "asserted", "unverified", "forecast", "speculative", "denied")
FILLERS = (  # between claims: non-ASCII on purpose, so code-point offsets differ from byte offsets
    "Air-raid sirens sounded across the region for hours.",
    "Officials in Zaporizhzhia — a front-line city — urged residents to stay in shelters.",
    "«Ми тримаємося», a local official wrote on Telegram.",
    "Residents of Kharkiv’s northern districts reported explosions 🚨 shortly after midnight.",
    "The claims could not be independently verified.",
    "Électricité supplies were restored by the morning, the operator said.",
    "Both sides accuse each other of targeting civilians.",
)
INTROS = ("In a statement on Telegram,", "Speaking to reporters,", "In its daily update,", "Later on Wednesday,")
RIGHTS = "Synthetic benchmark text written by tests/benchmarks/generate.py; no rights reserved."

# ---------------------------------------------------------------- seeded errors


@dataclass(frozen=True)
class Kind:
    table: str
    name: str
    code: str
    field: str


KINDS = (
    Kind("sources", "sha", "text-sha256-mismatch", "text_sha256"),
    Kind("actors", "actor-type", "not-in-codelist", "actor_type"),
    Kind("actors", "actor-country", "invalid-country", "country"),
    Kind("actors", "actor-dup", "duplicate-id", "actor_id"),
    Kind("actors", "actor-name", "required", "name"),
    Kind("places", "place-type", "not-in-codelist", "place_type"),
    Kind("places", "place-sub", "invalid-subdivision", "subdivision"),
    Kind("places", "place-dup", "duplicate-id", "place_id"),
    Kind("events", "ev-date", "invalid-date", "date_end"),
    Kind("events", "ev-type", "not-in-codelist", "event_type"),
    Kind("events", "ev-subtype", "subtype-mismatch", "event_subtype"),
    Kind("events", "ev-summary", "required", "summary"),
    Kind("events", "ev-actor", "dangling-reference", "actor_id"),
    Kind("events", "ev-precision", "date-precision-mismatch", "date_precision"),
    Kind("claims", "cl-statement", "required", "statement"),
    Kind("claims", "cl-modality", "not-in-codelist", "modality"),
    Kind("claims", "cl-quote", "quote-mismatch", "quote"),
    Kind("claims", "cl-claimant", "dangling-reference", "claimant_actor_id"),
    Kind("claims", "cl-end", "wrong-type", "quote_end"),
    Kind("claims", "cl-date", "claim-date-mismatch", "claim_date"),
    Kind("quantities", "q-type", "wrong-type", "value"),
    Kind("quantities", "q-range", "out-of-range", "value"),
    Kind("quantities", "q-subject", "not-in-codelist", "subject"),
    Kind("quantities", "q-measure", "required", "measure"),
    Kind("quantities", "q-dup", "duplicate-id", "quantity_id"),
    Kind("quantities", "q-partof", "dangling-reference", "part_of"),
    Kind("quantities", "q-qualifier", "qualifier-mismatch", "qualifier"),
    Kind("quantities", "q-exceeds", "part-exceeds-whole", "value"),
    Kind("quantities", "q-wording", "wording-not-in-quote", "wording"),
)
NEEDS_TWO = {"q-dup", "q-exceeds"}  # the error sits on a claim's second quantity

# Errors seeded in reports: (name, code, field). Each breaks one report in one place, as a contributor might.
REPORT_KINDS = (
    ("r-subject", "not-in-codelist", "subject"),  # a quantity's subject outside its codelist (JSON Schema enum)
    ("r-unknown", "unknown-field", "colour"),  # a field the schema does not know, on an event
    ("r-required", "required", "statement"),  # a claim without its statement
    ("r-type", "wrong-type", "quote_start"),  # an offset written as a string
    ("r-dupkey", "json-duplicate-key", "measure"),  # a key written twice in one object (same value)
    ("r-partof", "dangling-reference", "part_of"),  # a part of a quantity the claim does not have
)


class PlanError(Exception):
    pass


@dataclass
class Plan:
    """Which record carries which error. Claim-level and quantity-level errors share one claim each:
    a claim with a broken cell hides its quote from its quantities' wording checks."""

    sources: dict[int, Kind] = field(default_factory=dict)
    actors: dict[int, Kind] = field(default_factory=dict)
    places: dict[int, Kind] = field(default_factory=dict)
    events: dict[int, Kind] = field(default_factory=dict)
    claims: dict[int, Kind] = field(default_factory=dict)  # claim index -> a claims or quantities kind


def plan_errors(
    k: int, rng: random.Random, counts: dict[str, int], claim_sizes: array, places_with_subdivision: list[int]
) -> Plan:
    plan = Plan()
    order = list(KINDS)
    rng.shuffle(order)
    spare_actors = list(range(N_ACTORS - N_SPARE + 1, N_ACTORS))
    spare_places = list(range(N_PLACES - N_SPARE + 1, N_PLACES))
    used_actor: set[int] = set()
    used_place: set[int] = set()

    def pick(limit: int, taken: dict, ok=lambda i: True, tries: int = 200) -> int | None:
        for _ in range(tries):
            i = rng.randrange(limit)
            if i not in taken and ok(i):
                return i
        return None

    placed, attempts = 0, 0

    def pick_duplicate(spare: list[int], used: set[int]) -> int | None:
        """A spare row whose id can repeat the row before it, neither used by another error."""
        free = [i for i in spare if i not in used and i - 1 not in used]
        target = rng.choice(free) if free else None
        if target is not None:
            used.update((target, target - 1))
        return target

    while placed < k:
        if attempts > len(order) * 4:
            raise PlanError(
                f"cannot place {k} errors in a package of this size (placed {placed}); use more --rows or fewer --errors."
            )
        kind = order[(placed + attempts) % len(order)]
        target: int | None = None
        if kind.table == "sources":
            target = pick(counts["sources"], plan.sources)
            where = plan.sources
        elif kind.name == "actor-dup":
            target = pick_duplicate(spare_actors, used_actor)
            where = plan.actors
        elif kind.table == "actors":
            target = pick(N_ACTORS, plan.actors, lambda i: i not in used_actor)
            if target is not None:
                used_actor.add(target)
            where = plan.actors
        elif kind.name == "place-dup":
            target = pick_duplicate(spare_places, used_place)
            where = plan.places
        elif kind.table == "places":
            ok = (
                (lambda i: i in places_with_subdivision and i not in used_place)
                if kind.name == "place-sub"
                else (lambda i: i not in used_place)
            )
            target = pick(N_PLACES, plan.places, ok)
            if target is not None:
                used_place.add(target)
            where = plan.places
        elif kind.table == "events":
            target = pick(counts["events"], plan.events)
            where = plan.events
        else:
            ok = (lambda i: claim_sizes[i] >= 2) if kind.name in NEEDS_TWO else (lambda i: True)
            target = pick(counts["claims"], plan.claims, ok)
            where = plan.claims
        if target is None:
            attempts += 1
            continue
        where[target] = kind
        placed += 1
    return plan


# ---------------------------------------------------------------- sizes


def group_sizes(rng: random.Random, total: int, base: int, spread: int) -> array:
    """Split ``total`` items into total // base groups of base ± spread (pairs balance), summing exactly to total."""
    groups = max(1, total // base)
    sizes = array("H", [base]) * groups
    for i in range(0, groups - 1, 2):
        d = rng.randint(0, spread)
        sizes[i], sizes[i + 1] = base + d, base - d
    sizes[-1] += total - base * groups
    return sizes


# ---------------------------------------------------------------- actors and places


def make_actors(rng: random.Random) -> list[Row]:
    actors: list[Row] = [
        {"actor_id": sid, "name": name, "actor_type": "state", "country": cc, "parent_actor_id": None}
        for sid, name, cc in STATES
    ]
    for sid, name, cc in STATES[:4]:
        for suffix, body, kind in BODIES:
            actors.append(
                {
                    "actor_id": f"{sid}-{suffix}",
                    "name": f"{name}'s {body}",
                    "actor_type": kind,
                    "country": cc,
                    "parent_actor_id": sid,
                }
            )
    actors += [
        {
            "actor_id": oid,
            "name": name,
            "actor_type": "international_organization",
            "country": None,
            "parent_actor_id": None,
        }
        for oid, name in ORGANISATIONS
    ]
    actors.append(
        {
            "actor_id": "unattributed",
            "name": "Unattributed",
            "actor_type": "unattributed",
            "country": None,
            "parent_actor_id": None,
        }
    )
    actors.append(
        {
            "actor_id": "unnamed-authorities-ua",
            "name": "Ukrainian authorities (not named)",
            "actor_type": "unnamed_authorities",
            "country": "UA",
            "parent_actor_id": "ukraine",
        }
    )
    n = 0
    while len(actors) < N_ACTORS:
        n += 1
        roll = rng.random()
        sid, sname, cc = STATES[rng.randrange(len(STATES))]
        if roll < 0.55:
            person = f"{GIVEN[rng.randrange(len(GIVEN))]} {FAMILY[rng.randrange(len(FAMILY))]}"
            actors.append(
                {
                    "actor_id": f"person-{n:04d}",
                    "name": f"{person}, official of {sname}",
                    "actor_type": "person",
                    "country": cc,
                    "parent_actor_id": sid,
                }
            )
        elif roll < 0.75:
            actors.append(
                {
                    "actor_id": f"outlet-{n:04d}",
                    "name": f"{sname} News Service {n}",
                    "actor_type": "media_outlet",
                    "country": cc,
                    "parent_actor_id": None,
                }
            )
        elif roll < 0.9:
            actors.append(
                {
                    "actor_id": f"admin-{n:04d}",
                    "name": f"Regional military administration no. {n}",
                    "actor_type": "government_body",
                    "country": "UA",
                    "parent_actor_id": "ukraine",
                }
            )
        else:
            actors.append(
                {
                    "actor_id": f"group-{n:04d}",
                    "name": f"Volunteer battalion no. {n}",
                    "actor_type": "armed_group",
                    "country": None,
                    "parent_actor_id": None,
                }
            )
    return actors


PRECISION_OF = {
    "country": "country",
    "subdivision": "subdivision",
    "settlement": "settlement",
    "site": "site",
    "area": "area",
}


def make_places(rng: random.Random) -> list[Row]:
    import pycountry  # real ISO 3166-2 codes, in code order: deterministic for the pinned version

    places: list[Row] = []
    countries = (
        ("ua", "Ukraine", "UA"),
        ("ru", "Russia", "RU"),
        ("by", "Belarus", "BY"),
        ("md", "Moldova", "MD"),
        ("pl", "Poland", "PL"),
    )
    for pid, name, cc in countries:
        places.append(
            {
                "place_id": pid,
                "name": name,
                "place_type": "country",
                "country": cc,
                "subdivision": None,
                "parent_place_id": None,
            }
        )
    subdivisions: list[tuple[str, str, str]] = []
    for cc, limit in (("UA", 27), ("RU", 20), ("BY", 7)):
        for sub in sorted(pycountry.subdivisions.get(country_code=cc), key=lambda s: s.code)[:limit]:
            pid = sub.code.lower()
            subdivisions.append((pid, cc, sub.code))
            places.append(
                {
                    "place_id": pid,
                    "name": f"{sub.name} ({sub.type})",
                    "place_type": "subdivision",
                    "country": cc,
                    "subdivision": sub.code,
                    "parent_place_id": cc.lower(),
                }
            )
    n = 0
    while len(places) < N_PLACES:
        n += 1
        roll = rng.random()
        parent, cc, code = subdivisions[rng.randrange(len(subdivisions))]
        if roll < 0.7:
            name = (
                SETTLEMENT_STEMS[rng.randrange(len(SETTLEMENT_STEMS))]
                + SETTLEMENT_TAILS[rng.randrange(len(SETTLEMENT_TAILS))]
            )
            places.append(
                {
                    "place_id": f"{parent}-settlement-{n:03d}",
                    "name": name,
                    "place_type": "settlement",
                    "country": cc,
                    "subdivision": code,
                    "parent_place_id": parent,
                }
            )
        elif roll < 0.85:
            kind = SITE_KINDS[rng.randrange(len(SITE_KINDS))]
            places.append(
                {
                    "place_id": f"{parent}-site-{n:03d}",
                    "name": f"{kind} no. {n}",
                    "place_type": "site",
                    "country": cc,
                    "subdivision": code,
                    "parent_place_id": parent,
                }
            )
        else:
            kind = AREA_KINDS[rng.randrange(len(AREA_KINDS))]
            places.append(
                {
                    "place_id": f"{cc.lower()}-area-{n:03d}",
                    "name": f"the {kind} ({n})",
                    "place_type": "area",
                    "country": cc,
                    "subdivision": None,
                    "parent_place_id": cc.lower(),
                }
            )
    return places


# ---------------------------------------------------------------- writing


class TableWriter:
    """One CSV table, written as ``make build`` writes it, that knows the physical line of each record."""

    def __init__(self, root: Path, table: schema.Table) -> None:
        self.table = table
        self.rel = f"data/{table.name}.csv"
        self.handle = open(root / self.rel, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(table.names)
        self.line = 2  # where the next record starts

    def write(self, row: Row) -> int:
        cells = ["" if row.get(n) is None else row[n] for n in self.table.names]
        start = self.line
        self.writer.writerow(cells)
        self.line += 1 + sum(c.count("\n") for c in cells if isinstance(c, str))  # line breaks inside quoted cells
        return start

    def close(self) -> None:
        self.handle.close()


@dataclass
class Seeded:
    rows: list[tuple[str, int, str, str]] = field(default_factory=list)

    def write(self, writer: TableWriter, row: Row, kind: Kind | None) -> None:
        """Write a record; if it carries a seeded error, note where."""
        line = writer.write(row)
        if kind is not None:
            self.rows.append((writer.rel, line, kind.field, kind.code))


class SourceText:
    """A source text built piece by piece, knowing the code-point offset where each piece starts."""

    def __init__(self, *pieces: str) -> None:
        self.pieces = list(pieces)
        self.length = sum(len(p) for p in pieces)

    def add(self, piece: str) -> int:
        start = self.length
        self.pieces.append(piece)
        self.length += len(piece)
        return start

    def text(self) -> str:
        return "".join(self.pieces)


def apply_row_error(row: Row, kind: Kind, index: int, before: Row | None) -> None:
    """Break one record of actors, places or events so that it yields exactly ``kind``."""
    name = kind.name
    if name == "actor-type":
        row["actor_type"] = "militia"
    elif name == "actor-country":
        row["country"] = "ZZ"  # the form of a country code, but no country's
    elif name in ("actor-dup", "place-dup"):
        row[kind.field] = before[kind.field]  # type: ignore[index]
    elif name == "actor-name":
        row["name"] = ""
    elif name == "place-type":
        row["place_type"] = "region"
    elif name == "place-sub":
        row["subdivision"] = "BY-MI" if row["country"] != "BY" else "UA-14"  # real, but another country's
    elif name == "ev-date":
        row["date_end"] = f"{str(row['date_end'])[:4]}-02-30"
    elif name == "ev-type":
        row["event_type"] = "airstrike"
    elif name == "ev-subtype":
        row["event_subtype"] = "official_visit" if row["event_type"] != "diplomacy" else "drone_strike"
    elif name == "ev-summary":
        row["summary"] = ""
    elif name == "ev-actor":
        row["actor_id"] = f"missing-actor-e{index}"
    elif name == "ev-precision":
        row["date_end"] = (dt.date.fromisoformat(str(row["date_start"])) + DAY).isoformat()
    else:
        raise AssertionError(name)


def fit_event_for_error(row: Row, kind: Kind) -> None:
    """Give an event the shape its seeded error needs: one day, a subtype, nothing else that could also fail."""
    if kind.name in ("ev-date", "ev-precision", "ev-subtype"):
        day = row["date_end"] or row["date_start"] or "2023-06-15"
        row["date_start"] = row["date_end"] = day
        row["date_precision"] = "day"
    if kind.name == "ev-subtype" and row["event_subtype"] is None:
        row["event_type"], row["event_subtype"] = "aerial_attack", "drone_strike"


# ---------------------------------------------------------------- one claim's quantities and quote


def number(rng: random.Random) -> int:
    return rng.choice((rng.randint(2, 20), rng.randint(10, 150), rng.randint(100, 5000)))


def make_quantity(rng: random.Random) -> Row:
    measure, subject, verb = MEASURES[rng.randrange(len(MEASURES))]
    qualifier = QUALIFIERS[rng.randrange(len(QUALIFIERS))]
    noun = NOUNS[subject]
    value = lower = upper = None
    v = number(rng)
    if qualifier == "exact":
        value, wording = v, f"{v:,} {noun}"
    elif qualifier == "about":
        value, wording = v, f"{rng.choice(('about', 'some', 'roughly'))} {v:,} {noun}"
    elif qualifier in ("at_least", "more_than"):
        lower, wording = v, f"{'at least' if qualifier == 'at_least' else 'more than'} {v:,} {noun}"
    elif qualifier in ("at_most", "less_than"):
        upper, wording = v, f"{'up to' if qualifier == 'at_most' else 'fewer than'} {v:,} {noun}"
    elif qualifier == "range":
        lower, upper = v, v + rng.randint(1, 50)
        wording = f"between {lower:,} and {upper:,} {noun}"
    else:
        wording = f"{VAGUE[rng.randrange(len(VAGUE))]} {noun}"
    return {
        "measure": measure,
        "subject": subject,
        "value": value,
        "lower": lower,
        "upper": upper,
        "qualifier": qualifier,
        "wording": wording,
        "part_of": None,
        "_verb": verb,
    }


def make_quantities(rng: random.Random, size: int) -> list[Row]:
    qs = [make_quantity(rng) for _ in range(size)]
    if size >= 2 and rng.random() < 0.25:  # a whole and a part of it: people injured, and children of them
        make_part_pair(qs, rng.randint(20, 400), rng.random())
    return qs


def make_part_pair(qs: list[Row], whole: int, share: float, over: int = 0) -> None:
    # A part counts what its whole counts (codebook 9.4: part-measure-mismatch): children among the injured.
    part = max(1, int(whole * share)) + over
    qs[0].update(
        measure="injured",
        subject="person",
        value=whole,
        lower=None,
        upper=None,
        qualifier="exact",
        wording=f"{whole:,} people",
        _verb="injured",
    )
    qs[1].update(
        measure="injured",
        subject="child",
        value=part,
        lower=None,
        upper=None,
        qualifier="exact",
        wording=f"{part:,} of them children",
        _verb="injured",
        part_of=0,
    )


def sentence(claimant: str, qs: list[Row]) -> str:
    clauses = [f"{q['_verb']} {q['wording']}" for q in qs]
    body = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
    return f"{claimant} said the attackers {body}."


def event_dates(rng: random.Random, published: dt.date) -> tuple[dt.date | None, dt.date | None, str]:
    """(date_start, date_end, date_precision) that fit each other, ending on or before publication."""
    end = published - dt.timedelta(days=rng.randint(0, 3))
    precision = rng.choice(("day", "day", "day", "days", "on_or_before", "on_or_after", "month", "year", "unknown"))
    start: dt.date | None = end
    e: dt.date | None = end
    if precision == "days":
        start = end - dt.timedelta(days=rng.randint(1, 4))
    elif precision == "on_or_before":
        start = None
    elif precision == "on_or_after":
        e = None
    elif precision == "month":
        start = end.replace(day=1)
        e = (start + dt.timedelta(days=32)).replace(day=1) - DAY
    elif precision == "year":
        start, e = end.replace(month=1, day=1), end.replace(month=12, day=31)
    elif precision == "unknown":
        start = e = None
    return start, e, precision


def make_event(rng: random.Random, published: dt.date, index: int, fighters: list[str], places: list[Row]) -> Row:
    etype, subtype, verb = EVENT_KINDS[rng.randrange(len(EVENT_KINDS))]
    actor, target = rng.choice(fighters), rng.choice(BELLIGERENTS)
    place = places[rng.randrange(len(places))] if rng.random() < 0.85 else None
    start, end, precision = event_dates(rng, published)
    time = TIMES[rng.randrange(len(TIMES))] if rng.random() < 0.4 else None
    return {
        "event_id": f"{published.isoformat()}-ev-{index:07d}",
        "event_type": etype,
        "event_subtype": subtype,
        "summary": f"{actor.replace('-', ' ').title()} {verb} {target.title()}"
        + (f" near {place['name']}." if place else "."),
        "date_start": start.isoformat() if start else None,
        "date_end": end.isoformat() if end else None,
        "date_precision": precision,
        "time_of_day": time[0] if time else None,
        "time_wording": time[1] if time else None,
        "place_id": place["place_id"] if place else None,
        "place_precision": PRECISION_OF[place["place_type"]] if place else "unknown",  # type: ignore[index]
        "actor_id": actor,
        "target_actor_id": target,
    }


# ---------------------------------------------------------------- the package


@dataclass
class Counts:
    quantities: int
    claim_sizes: array  # quantities per claim
    event_sizes: array  # claims per event
    source_sizes: array  # events per source

    def as_dict(self) -> dict[str, int]:
        return {
            "quantities": self.quantities,
            "claims": len(self.claim_sizes),
            "events": len(self.event_sizes),
            "sources": len(self.source_sizes),
        }


def counts_for(rows: int, rng: random.Random) -> Counts:
    claim_sizes = group_sizes(rng, rows, 3, 2)
    event_sizes = group_sizes(rng, len(claim_sizes), 3, 2)
    source_sizes = group_sizes(rng, len(event_sizes), 20, 10)
    return Counts(rows, claim_sizes, event_sizes, source_sizes)


def _pointer(parts: tuple) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def report_with_error(report: dict, kind: tuple[str, str, str], pick: random.Random) -> tuple[str, int]:
    """The report's file text with one seeded error of ``kind``, and the line its finding is on.

    Lines come from json_source_map (the reference the validator's own locator is tested against)."""
    import json_source_map

    name = kind[0]
    events = report["events"]
    e = pick.randrange(len(events))
    claims = events[e]["claims"]
    c = pick.randrange(len(claims))
    claim = claims[c]
    claim_parts = ("events", e, "claims", c)
    quantities = claim.get("quantities", [])
    # a quantity no other refers to as its whole and that is no part itself: the error stays alone
    wholes = {x.get("part_of") for x in quantities}
    free = [k for k, x in enumerate(quantities) if "part_of" not in x and x["quantity_id"] not in wholes]
    k = free[0] if free else 0
    q_parts = claim_parts + ("quantities", k)
    if name == "r-subject":
        quantities[k]["subject"] = "tank"
        parts = q_parts + ("subject",)
    elif name == "r-unknown":
        events[e]["colour"] = "red"
        parts = ("events", e, "colour")
    elif name == "r-required":
        del claim["statement"]
        parts = claim_parts
    elif name == "r-type":
        claim["quote_start"] = str(claim["quote_start"])
        parts = claim_parts + ("quote_start",)
    elif name == "r-dupkey":
        parts = q_parts + ("measure",)
    elif name == "r-partof":
        quantities[k]["part_of"] = f"{quantities[k]['quantity_id']}-missing"
        parts = q_parts + ("part_of",)
    else:
        raise AssertionError(name)
    text = dump_report(report)
    line = json_source_map.calculate(text)[_pointer(parts)].value_start.line + 1
    if name == "r-dupkey":
        lines = text.split("\n")
        lines.insert(line, lines[line - 1].rstrip(",") + ",")  # the same key and value again, just below
        text = "\n".join(lines)
        line += 1
    return text, line


def generate(
    out: Path, rows: int, errors: int, seed: int, reports: bool = True, report_errors: int | None = None
) -> Seeded:
    rng = random.Random(seed)  # the data
    err = random.Random(f"errors:{seed}")  # where errors go and how: the data stay the same whatever K is
    tables = {t.name: t for t in schema.tables()}
    counts = counts_for(rows, rng)
    actors = make_actors(rng)
    places = make_places(rng)
    with_sub = [i for i, p in enumerate(places) if p["subdivision"] is not None]
    plan = plan_errors(
        errors, err, counts.as_dict(), counts.claim_sizes, with_sub
    )  # before writing: a refusal leaves nothing
    if report_errors is None:  # as many as kinds twice over, one per report at most
        report_errors = min(errors, len(REPORT_KINDS) * 2, len(counts.source_sizes)) if reports else 0
    if errors and reports and not report_errors:
        raise PlanError(
            "errors seeded in tables make them differ from the reports: seed at least one --report-errors too "
            "(the up-to-date check is skipped when reports have errors), or give --no-reports."
        )
    if report_errors and not reports:
        raise PlanError("--report-errors needs reports; leave out --no-reports.")
    if report_errors > len(counts.source_sizes):
        raise PlanError(
            f"cannot seed {report_errors} report errors in {len(counts.source_sizes)} reports; use more --rows."
        )
    seeded = Seeded()
    (out / "data" / "sources").mkdir(parents=True)
    rerr = random.Random(f"reports:{seed}")
    broken = dict(
        zip(
            rerr.sample(range(len(counts.source_sizes)), report_errors),
            (REPORT_KINDS[i % len(REPORT_KINDS)] for i in range(report_errors)),
        )
    )
    if reports:
        (out / "data" / "reports").mkdir()
    (out / "datapackage.json").write_text(building.descriptor_text(), encoding="utf-8", newline="")

    referable_actors = [a["actor_id"] for a in actors[: N_ACTORS - N_SPARE]]
    fighters = [
        a["actor_id"]
        for a in actors[: N_ACTORS - N_SPARE]
        if a["actor_type"] in ("state", "armed_forces", "armed_group")
    ]
    referable_places = places[: N_PLACES - N_SPARE]
    actor_names = {a["actor_id"]: str(a["name"]) for a in actors}

    full = {
        name: [{n: r.get(n) for n in tables[name].names} for r in rs]
        for name, rs in (("actors", actors), ("places", places))
    }
    writers = {name: TableWriter(out, tables[name]) for name in ("sources", "events", "claims", "quantities")}
    used: dict[str, set[str]] = {"actors": set(), "places": set()}  # ids the reports define
    event_index = claim_index = 0
    for s, n_events in enumerate(counts.source_sizes):
        published = FIRST_PUBLISHED + dt.timedelta(days=(s * PUBLISHED_SPAN_DAYS) // len(counts.source_sizes))
        source_id = f"{published.isoformat()}-report-{s:06d}"
        title = f"Overnight strikes and front-line claims, report {s}"
        text = SourceText(title, "\n\nSupport our journalism ❤️ — donate today.\n\n")
        n_claim_in_source = 0
        clean = {"events": [], "claims": [], "quantities": []} if reports else None  # this report's rows, unbroken

        for _ in range(n_events):
            event = make_event(rng, published, event_index, fighters, referable_places)
            event_id = str(event["event_id"])
            event_kind = plan.events.get(event_index)
            claim_modalities: list[tuple[str, str | None]] = []  # reported_as is derived from them (written below)
            for _ in range(counts.event_sizes[event_index]):
                size = counts.claim_sizes[claim_index]
                claimant_id = referable_actors[rng.randrange(len(referable_actors))]
                qs = make_quantities(rng, size)
                attribution = ATTRIBUTIONS[rng.randrange(len(ATTRIBUTIONS))]
                modality = MODALITIES[rng.randrange(len(MODALITIES))]
                dated = rng.random() < 0.8
                dated_precision = rng.choice(("on_or_before", "day"))  # drawn always: seeding must not shift the data
                spans_lines = rng.random() < 0.1
                intro = INTROS[rng.randrange(len(INTROS))]
                filler = FILLERS[rng.randrange(len(FILLERS))] if rng.random() < 0.5 else None
                kind = plan.claims.get(claim_index)
                if kind is not None and kind.table == "quantities":
                    force_quantities(qs, kind, err)
                if kind is not None and kind.name == "cl-date":
                    dated = True
                claimant = actor_names[claimant_id]
                quote = sentence(claimant, qs)
                if spans_lines:
                    quote = f"{intro}\n{quote}"  # a quote across a line break: the CSV cell holds a line break
                if filler:
                    text.add(filler + " ")
                quote_start = text.add(quote)
                text.add("\n\n" if rng.random() < 0.3 else " ")
                claim_id = f"{source_id}.c{n_claim_in_source:03d}"
                n_claim_in_source += 1
                claim: Row = {
                    "claim_id": claim_id,
                    "event_id": event_id,
                    "source_id": source_id,
                    "claimant_actor_id": claimant_id,
                    "attribution": attribution,
                    "modality": modality,
                    "claim_date": published.isoformat() if dated else None,
                    "claim_date_precision": dated_precision if dated else "unknown",
                    "statement": f"{claimant} said the attackers {qs[0]['_verb']} {qs[0]['wording']}.",
                    "quote": quote,
                    "quote_start": quote_start,
                    "quote_end": quote_start + len(quote),
                }
                claim_kind = kind if kind is not None and kind.table == "claims" else None
                keep(clean, tables["claims"], claim)
                claim_modalities.append((str(claim["modality"]), None))
                if claim_kind is not None:
                    apply_claim_error(claim, claim_kind, claim_index, text.text())
                seeded.write(writers["claims"], claim, claim_kind)
                for k, q in enumerate(qs):
                    q_row = {key: v for key, v in q.items() if not key.startswith("_")}
                    q_row["quantity_id"] = f"{claim_id}.q{k + 1}"
                    q_row["claim_id"] = claim_id
                    if q_row["part_of"] is not None:
                        q_row["part_of"] = f"{claim_id}.q{int(q_row['part_of']) + 1}"  # type: ignore[call-overload]
                    q_kind = (
                        kind
                        if kind is not None
                        and kind.table == "quantities"
                        and k == (1 if kind.name in NEEDS_TWO else 0)
                        else None
                    )
                    over = kind is not None and kind.name == "q-exceeds" and k == 1
                    keep(
                        clean, tables["quantities"], {**q_row, "part_of": None} if over else q_row
                    )  # no whole, no excess
                    if q_kind is not None:
                        apply_quantity_error(q_row, q_kind, claim_index, quote)
                    seeded.write(writers["quantities"], q_row, q_kind)
                claim_index += 1
            # Written after its claims (each table has its own writer, so no file's order changes): the
            # derived reported_as needs the claims' modalities, as `build` derives it.
            event["reported_as"] = building.reported_as(claim_modalities)
            if event_kind is not None:
                fit_event_for_error(event, event_kind)
            keep(clean, tables["events"], event)
            if event_kind is not None:
                apply_row_error(event, event_kind, event_index, None)
            seeded.write(writers["events"], event, event_kind)
            event_index += 1
        raw = (text.text().rstrip(" ") + "\n").encode("utf-8")
        text_path = f"data/sources/{source_id}.txt"
        (out / text_path).write_bytes(raw)
        digest = hashlib.sha256(raw).hexdigest()
        source: Row = {
            "source_id": source_id,
            "publisher": f"Example Wire {s % 7}" if s % 3 else None,
            "title": title,
            "published": published.isoformat(),
            "language": "en",
            "url": f"https://news.example.org/{source_id}",
            "text_path": text_path,
            "text_sha256": digest,
            "rights": RIGHTS,
        }
        if reports:
            report = write_report(out, source, clean, full, tables, broken.get(s), rerr, seeded)
            used["actors"].update(a["actor_id"] for a in report["actors"])
            used["places"].update(p["place_id"] for p in report.get("places", []))  # type: ignore[arg-type]
        kind = plan.sources.get(s)
        if kind is not None:
            source["text_sha256"] = digest[:-1] + ("0" if digest[-1] != "0" else "1")
        seeded.write(writers["sources"], source, kind)
    for w in writers.values():
        w.close()
    # Written last, when the reports have said which are used. A package without seeded errors
    # holds exactly what `build` writes from its reports: the used ones only, sorted by id.
    for name, records, targets in (("actors", actors, plan.actors), ("places", places, plan.places)):
        if reports and not errors:
            key = tables[name].primary_key
            records = sorted((r for r in records if r[key] in used[name]), key=lambda r: r[key])
        w = TableWriter(out, tables[name])
        for i, record in enumerate(records):
            if i in targets:
                record = dict(record)
                apply_row_error(record, targets[i], i, records[i - 1] if i else None)
            seeded.write(w, record, targets.get(i))
        w.close()
    seeded.rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    with open(out / "seeded.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("file", "line", "field", "code"))
        writer.writerows(seeded.rows)
    return seeded


def keep(clean: dict[str, list[Row]] | None, table: schema.Table, row: Row) -> None:
    """Note a row, before any error is applied to it, for the report (when reports are written)."""
    if clean is not None:
        clean[table.name].append({n: row.get(n) for n in table.names})


def write_report(
    out: Path,
    source: Row,
    clean: dict[str, list[Row]],
    full: dict[str, list[Row]],
    tables: dict[str, schema.Table],
    kind: tuple[str, str, str] | None,
    pick: random.Random,
    seeded: Seeded,
) -> dict:
    """One source's report, as a contributor writes it; with a seeded error, its clean form kept aside."""
    rows = {"sources": [{n: source.get(n) for n in tables["sources"].names}], **clean, **full}
    (report,) = building.unflatten(rows)
    rel = f"data/reports/{source['source_id']}.json"
    text = dump_report(report)
    if kind is not None:
        aside = out / "bench-clean-reports"
        aside.mkdir(exist_ok=True)
        (aside / f"{source['source_id']}.json").write_text(text, encoding="utf-8", newline="")
        text, line = report_with_error(report, kind, pick)
        seeded.rows.append((rel, line, kind[2], kind[1]))
    (out / rel).write_text(text, encoding="utf-8", newline="")
    return report


def force_quantities(qs: list[Row], kind: Kind, err: random.Random) -> None:
    """Give the claim's quantities the shape the seeded error needs, with no part/whole pair to interfere."""
    for q in qs:
        q["part_of"] = None
    if kind.name == "q-exceeds":
        make_part_pair(qs, err.randint(20, 400), 1.0, over=err.randint(1, 9))
        return
    v = err.randint(2, 500)
    qs[0].update(
        measure="killed",
        subject="person",
        value=v,
        lower=None,
        upper=None,
        qualifier="exact",
        wording=f"{v:,} people",
        _verb="killed",
    )


def apply_quantity_error(row: Row, kind: Kind, index: int, quote: str) -> None:
    name = kind.name
    if name == "q-type":
        row["value"] = f"{row['value']}.5"  # a decimal: frictionless's bare-number parsing would accept "12 people"
    elif name == "q-range":
        row["value"] = -int(row["value"])  # type: ignore[call-overload]
    elif name == "q-subject":
        row["subject"] = "tank"
    elif name == "q-measure":
        row["measure"] = ""
    elif name == "q-dup":
        row["quantity_id"] = str(row["quantity_id"])[:-1] + "1"  # the claim's first quantity's id
    elif name == "q-partof":
        row["part_of"] = f"missing-quantity-{index}"
    elif name == "q-qualifier":
        row["qualifier"] = "range"  # a range takes lower and upper, but value is given
    elif name == "q-exceeds":
        pass  # the part was made larger than its whole by force_quantities
    elif name == "q-wording":
        row["wording"] = "countless tanks"
        assert row["wording"] not in quote
    else:
        raise AssertionError(name)


def apply_claim_error(row: Row, kind: Kind, index: int, text: str) -> None:
    name = kind.name
    if name == "cl-statement":
        row["statement"] = ""
    elif name == "cl-modality":
        row["modality"] = "alleged"
    elif name == "cl-quote":
        # the text so far holds the whole quote and what follows it
        start, end = int(row["quote_start"]), int(row["quote_end"])  # type: ignore[call-overload]
        shift = 1
        while text[start + shift : end + shift] == row["quote"]:
            shift += 1
        row["quote_start"], row["quote_end"] = start + shift, end + shift
    elif name == "cl-claimant":
        row["claimant_actor_id"] = f"missing-actor-c{index}"
    elif name == "cl-end":
        row["quote_end"] = f"{row['quote_end']}.0"
    elif name == "cl-date":
        row["claim_date_precision"] = "unknown"  # but claim_date is given
    else:
        raise AssertionError(name)


# ---------------------------------------------------------------- command


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="generate.py", description=__doc__.splitlines()[0])
    parser.add_argument("out", metavar="OUT_DIR", type=Path, help="where to write the package (new or empty)")
    parser.add_argument("--rows", type=int, required=True, metavar="N", help="rows in quantities.csv")
    parser.add_argument("--errors", type=int, default=0, metavar="K", help="errors to seed (default: 0)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default: 1)")
    parser.add_argument(
        "--report-errors",
        type=int,
        metavar="R",
        help=f"errors to seed in reports (default: K, at most {len(REPORT_KINDS) * 2} and one per report)",
    )
    parser.add_argument("--no-reports", action="store_true", help="write the tables only, no data/reports/")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.errors < 0 or (args.report_errors or 0) < 0:
        parser.error("--rows must be at least 1, --errors and --report-errors at least 0")
    out: Path = args.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"generate.py: {out} exists and is not an empty folder; give a new or empty OUT_DIR.", file=sys.stderr)
        return 2
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        seeded = generate(out, args.rows, args.errors, args.seed, not args.no_reports, args.report_errors)
    except PlanError as exc:
        if created:
            out.rmdir()
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}: {args.rows} quantities, {len(seeded.rows)} seeded errors (listed in {out / 'seeded.csv'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
