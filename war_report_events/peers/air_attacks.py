"""`python -m war_report_events import air-attacks FILE OUT_DIR --published DATE`: a peer table as war reports.

The air-attack table ("Massive Missile Attacks on Ukraine", P. Ivaniuk / piterfm) has one row
per weapon model per Ukrainian Air Force report; its ``source`` column names the Air Force post.
We do not have the posts' texts, so each imported report ships, as its source text, the table's
own record of one post: the CSV header line and every row citing that post, byte for byte as
in FILE. Every claim quotes its row from that record, so a reader can check each figure
against what the table says (never against what the post said: that is one step further away).

Decisions (see docs/crosswalks.md for the full mapping and its losses):

- one report per post (``source`` cell); the source is the table's record of the post, its
  publisher is the dataset, ``published`` is the date of the dataset snapshot FILE was taken
  from (``--published``: the file does not say, so it is never guessed);
- one event per row (an attack with one model in one reporting window), plus one sub-event
  per region the row names in ``destroyed_details`` or ``affected region``, placed in that region;
- one claim per row and per sub-event, claimant the Air Force command the post belongs to,
  quoting the row; every count is a quantity with qualifier ``exact`` (the table keeps no
  "about"); a region named without a number (``NaN``) is a ``vague`` quantity;
- the table names no attacker and no target actor, so events have neither;
- a place or actor that OUT_DIR's reports already define keeps that definition (ids are global),
  so that an import can join an existing package.
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime as dt
import hashlib
import io
import os
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from war_report_events.failure import UserError
from war_report_events.files import dump_report, list_reports, read_text, write_files

IMPORT_SCHEMA_VERSION = "0.2.0"  # the first version with the measures and fields this import needs

DATASET = "Massive Missile Attacks on Ukraine"
DATASET_URL = "https://www.kaggle.com/datasets/piterfm/massive-missile-attacks-on-ukraine"
PUBLISHER = f"Petro Ivaniuk (piterfm), {DATASET} (Kaggle dataset)"
RIGHTS = (
    f"The text is the dataset's own record of one Air Force post: the header line and the rows that cite "
    f"the post, copied unchanged from the file imported. Dataset: Petro Ivaniuk (piterfm), {DATASET}, Kaggle, "
    f"{DATASET_URL}; data from the Air Force of the Armed Forces of Ukraine. Its licence is reported by third "
    "parties as CC BY-NC-SA 4.0 (unconfirmed: check the Kaggle page before publishing); these rows stay under "
    "that licence, with attribution, and are not covered by the data licence of War Report Events."
)

#: Columns each known version of the table has; any other column is refused, so nothing is dropped silently.
REQUIRED = ("time_start", "time_end", "model", "target", "launched", "destroyed", "source")
KNOWN = frozenset(
    REQUIRED
    + (
        "launch_place",
        "target_main",
        "not_reach_goal",
        "still_attacking",
        "border_crossing",
        "cross_border_belarus",
        "back_russia",
        "is_shahed",
        "num_hit_location",
        "num_fall_fragment_location",
        "carrier",
        "turbojet",
        "turbojet_destroyed",
        "affected region",
        "destroyed_details",
        "launched_details",
        "launch_place_details",
    )
)

#: Air Force accounts named in ``source`` (lower case) -> (actor id, name). The README of the peer
#: samples identifies these three; any other account is refused rather than guessed.
ACCOUNTS = {
    "kpszsu": ("ua-air-force", "Ukraine's air force"),
    "pvkpivden": ("ua-air-command-south", "Air Command South of Ukraine's air force"),
    "pvkzahid": ("ua-air-command-west", "Air Command West of Ukraine's air force"),
}

#: Region names as the table writes them -> ISO 3166-2 (checked against pycountry in the tests).
SUBDIVISIONS = {
    "Vinnytsia oblast": "UA-05",
    "Volyn oblast": "UA-07",
    "Luhansk oblast": "UA-09",
    "Dnipropetrovsk oblast": "UA-12",
    "Donetsk oblast": "UA-14",
    "Zhytomyr oblast": "UA-18",
    "Zakarpattia oblast": "UA-21",
    "Zaporizhzhia oblast": "UA-23",
    "Ivano-Frankivsk oblast": "UA-26",
    "Kyiv": "UA-30",
    "Kyiv oblast": "UA-32",
    "Kirovohrad oblast": "UA-35",
    "Sevastopol": "UA-40",
    "Crimea": "UA-43",
    "Lviv oblast": "UA-46",
    "Mykolaiv oblast": "UA-48",
    "Odesa oblast": "UA-51",
    "Poltava oblast": "UA-53",
    "Rivne oblast": "UA-56",
    "Sumy oblast": "UA-59",
    "Ternopil oblast": "UA-61",
    "Kharkiv oblast": "UA-63",
    "Kherson oblast": "UA-65",
    "Khmelnytskyi oblast": "UA-68",
    "Cherkasy oblast": "UA-71",
    "Chernihiv oblast": "UA-74",
    "Chernivtsi oblast": "UA-77",
    "Kursk oblast": "RU-KRS",
    "Belgorod oblast": "RU-BEL",
    "Bryansk oblast": "RU-BRY",
    "Voronezh oblast": "RU-VOR",
    "Rostov oblast": "RU-ROS",
    "Oryol oblast": "RU-ORL",
    "Ryazan oblast": "RU-RYA",
    "Volgograd oblast": "RU-VGG",
    "Smolensk oblast": "RU-SMO",
}
CITIES_WITH_STATUS = {"Kyiv", "Sevastopol"}  # settlements that are themselves first-level subdivisions
#: Air Command sectors: ``target`` and ``destroyed_details`` use these words for a part of Ukraine.
SECTORS = {"south", "east", "west", "north", "center", "centre"}
WATERS = {"Black Sea", "Sea of Azov", "Azov Sea", "Caspian Sea"}
COUNTRY_NAMES = {"UA": "Ukraine", "RU": "Russia"}
OBLAST_WORD = re.compile(r"\b(oblast|krai|region)\b", re.I)

#: Weapon kinds when no reference table is given (--weapons): our own reading of model names,
#: the same kinds the dataset's reference table (missiles_and_uav.csv) gives in its `category`.
DRONE = re.compile(
    r"UAV|Shahed|Geran|Gerbera|Orlan|ZALA|Supercam|Lancet|Mohajer|Merlin|Orion|Granat|Kub\b|"
    r"Forpost|Eleron|Molniya|Молнія|drone",
    re.I,
)
MISSILE = re.compile(r"^(X|Kh|C|S|P)-\d|Kalibr|Iskander|KN-23|Zircon|Oniks|Onyx|Kinzhal|Tochka|Missile", re.I)
GUIDED_BOMB = re.compile(r"\bKAB\b|guided bomb|UMPK", re.I)
RECONNAISSANCE = re.compile(r"Orlan|ZALA|Supercam|Merlin|Forpost|Eleron|Granat|Reconnaissance", re.I)


# ---------------------------------------------------------------- reading the table


@dataclass(frozen=True)
class Record:
    """One CSV record: its cells by column and its exact text (without the line end)."""

    line: int  # physical line the record starts on, 1-based
    raw: str
    cells: dict[str, str]


def read_records(text: str, name: str) -> tuple[str, list[Record]]:
    """(header text, records) of a CSV text, keeping each record's exact characters."""
    lines = text.splitlines(keepends=True)
    reader = csv.reader(iter(lines), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise UserError(f"{name}: the file is empty; give the air-attack table (missile_attacks_daily.csv).") from None
    except csv.Error as exc:
        raise UserError(f"{name}:1: the header cannot be parsed as CSV ({exc}).") from None
    unknown = [c for c in header if c not in KNOWN]
    missing = [c for c in REQUIRED if c not in header]
    if missing or unknown or len(set(header)) != len(header):
        raise UserError(
            f"{name}:1: not a known version of the air-attack table"
            + (f"; missing column(s): {', '.join(missing)}" if missing else "")
            + (
                f"; unknown column(s): {', '.join(unknown)} (the importer refuses them rather than drop them: "
                "add their mapping to war_report_events/importing.py)"
                if unknown
                else ""
            )
            + ("; a column name repeats" if len(set(header)) != len(header) else "")
            + "."
        )
    header_text = lines[0].rstrip("\r\n")
    records, used = [], reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise UserError(f"{name}:{used + 1}: the CSV cannot be parsed here ({exc}); check the quotes.") from None
        raw = "".join(lines[used : reader.line_num]).rstrip("\r\n")
        start, used = used + 1, reader.line_num
        if not cells:
            continue  # a blank line
        if len(cells) != len(header):
            raise UserError(f"{name}:{start}: {len(cells)} cells, but the header has {len(header)} columns.")
        records.append(Record(start, raw, dict(zip(header, cells))))
    if not records:
        raise UserError(f"{name}: no rows after the header; nothing to import.")
    return header_text, records


def python_literal(text: str, where: str) -> object:
    """A Python-literal cell (dict or list, single quotes, ``NaN``) parsed safely; NaN becomes None.

    ``NaN`` is a name, not a literal, so ``ast.literal_eval`` refuses it: the NaN tokens are
    replaced by ``None`` first (tokens, so a 'NaN' inside a quoted key is left alone).
    """
    try:
        tokens = [
            (t.type, "None" if t.type == tokenize.NAME and t.string == "NaN" else t.string)
            for t in tokenize.generate_tokens(io.StringIO(text.strip()).readline)
        ]
        return ast.literal_eval(tokenize.untokenize(tokens).strip())
    except (ValueError, SyntaxError, tokenize.TokenError, MemoryError, RecursionError):
        raise UserError(
            f"{where}: {text[:60]!r} is not a Python literal (dict or list) as the table writes them."
        ) from None


def count(text: str, where: str) -> int | None:
    """A count cell ("62", "62.0") as an int; None for ``NaN`` (a count the table leaves open)."""
    if text.strip().lower() == "nan":
        return None
    try:
        number = float(text)
    except ValueError:
        raise UserError(f"{where}: {text!r} is not a number.") from None
    if not number.is_integer() or number < 0:
        raise UserError(f"{where}: {text!r} is not a whole, non-negative count.")
    return int(number)


# ---------------------------------------------------------------- small pure helpers


def slug(text: str, limit: int = 40) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:limit].strip("-") or "x"


def short_hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]


def account_of(source: str) -> str:
    """The account a ``source`` cell names: ``kpszsu/posts/…``, ``https://t.me/kpszsu/22252``."""
    path = re.sub(r"^https?://[^/]+/", "", source.strip())
    return path.split("/", 1)[0].lower()


def parse_time(text: str, where: str) -> tuple[dt.date, str | None]:
    """(day, "HH:MM" or None) of a time cell: minute precision or a day only."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(?::\d{2})?)?", text.strip())
    if not m:
        raise UserError(f"{where}: {text!r} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DD HH:MM).")
    try:
        return dt.date.fromisoformat(m.group(1)), m.group(2)
    except ValueError:
        raise UserError(f"{where}: {text!r} is not a real date.") from None


def part_of_day(start: str, end: str) -> str | None:
    """The time_of_day code whose hours (codelist time_of_day) hold the whole same-day window."""
    spans = {"morning": ("05:00", "12:00"), "afternoon": ("12:00", "18:00"), "evening": ("18:00", "22:00")}
    for code, (low, high) in spans.items():
        if low <= start <= end <= high:
            return code
    return None


def time_fields(start_text: str, end_text: str, where: str) -> dict:
    """date_start/date_end/date_precision/time_of_day/time_wording of a row's window."""
    (d0, t0), (d1, t1) = parse_time(start_text, where + " time_start"), parse_time(end_text, where + " time_end")
    if d1 < d0 or (d1 == d0 and t0 and t1 and t1 < t0):
        raise UserError(f"{where}: time_end {end_text!r} is before time_start {start_text!r}; correct the row.")
    out = {"date_start": d0.isoformat(), "date_end": d1.isoformat(), "date_precision": "day" if d0 == d1 else "days"}
    if t0 and t1:
        # Overnight: an Air Force night report, evening start and next-morning end (our reading of
        # the codelist's "spanning the night between date_start and date_end").
        if d1 - d0 == dt.timedelta(days=1) and t0 >= "17:00" and t1 <= "12:00":
            out["time_of_day"] = "overnight"
        elif d0 == d1 and (code := part_of_day(t0, t1)):
            out["time_of_day"] = code
    out["time_wording"] = f"{start_text},{end_text}"  # verbatim: the two cells as the record has them
    return out


# ---------------------------------------------------------------- weapons and places


@dataclass(frozen=True)
class Kind:
    subject: str  # drone, missile, guided_bomb
    reconnaissance: bool = False


def read_weapons(path: Path) -> dict[str, Kind]:
    """The dataset's reference table (missiles_and_uav.csv): model -> kind from `category` and `type`."""
    kinds = {}
    with io.StringIO(read_text(path)) as handle:
        for row in csv.DictReader(handle):
            category, kind = (row.get("category") or "").lower(), (row.get("type") or "").lower()
            subject = (
                "drone"
                if category == "uav"
                else "guided_bomb"
                if "bomb" in category
                else "missile"
                if "missile" in category
                else None
            )
            if subject and row.get("model"):
                recon = "reconnaissance" in kind and "armed" not in kind
                kinds[row["model"].strip()] = Kind(subject, recon)
    if not kinds:
        raise UserError(f"{path}: no rows with model and category; give the reference table missiles_and_uav.csv.")
    return kinds


def kind_of(model: str, weapons: dict[str, Kind]) -> Kind | None:
    """A single model's kind: the reference table first, then the name patterns above."""
    if model in weapons:
        return weapons[model]
    recon = bool(RECONNAISSANCE.search(model))
    for pattern, subject in ((GUIDED_BOMB, "guided_bomb"), (DRONE, "drone"), (MISSILE, "missile")):
        if pattern.search(model):
            return Kind(subject, recon)
    return None


def row_kind(model: str, weapons: dict[str, Kind], where: str) -> tuple[str, str | None]:
    """(subject, event_subtype or None) of a row's model, which may bundle models with " and "."""
    whole = weapons.get(model.strip())
    parts = [whole] if whole else [kind_of(p.strip(), weapons) for p in model.split(" and ")]
    if any(p is None for p in parts):
        raise UserError(
            f"{where}: weapon model {model!r} is not known; pass the dataset's reference table "
            "with --weapons missiles_and_uav.csv, or add the model to the patterns in importing.py."
        )
    subjects = {p.subject for p in parts}  # type: ignore[union-attr]
    if len(subjects) > 1:
        return "drone_or_missile", "combined_strike"
    subject = subjects.pop()
    if subject == "drone" and all(p.reconnaissance for p in parts):  # type: ignore[union-attr]
        return subject, None  # a reconnaissance flight is not a strike; no subtype fits
    return subject, {"drone": "drone_strike", "missile": "missile_strike", "guided_bomb": "guided_bomb_strike"}[
        subject
    ]


def place_of(name: str) -> dict:
    """A place definition for a target or region as the table names it (never a guessed code)."""
    name = name.strip()
    if name == "Ukraine":
        return {"place_id": "ua", "name": "Ukraine", "place_type": "country", "country": "UA"}
    if name in WATERS:
        return {"place_id": f"water-{slug(name)}", "name": name, "place_type": "water"}
    code = SUBDIVISIONS.get(name)
    if code:
        country = code[:2]
        kind = "settlement" if name in CITIES_WITH_STATUS else "subdivision"
        pid = f"{country.lower()}-{slug(name)}" if kind == "settlement" else code.lower()
        return {
            "place_id": pid,
            "name": name,
            "place_type": kind,
            "country": country,
            "subdivision": code,
            "parent_place_id": country.lower(),
        }
    if name.lower() in SECTORS:
        return {
            "place_id": f"ua-area-{slug(name)}",
            "name": name,
            "place_type": "area",
            "country": "UA",
            "parent_place_id": "ua",
        }
    parts = [p.strip() for p in name.split(" and ")]
    if len(parts) == 1 and not OBLAST_WORD.search(name):
        # A bare name (`Kramatorsk`, `Kherson`): the table writes regions with "oblast", so a bare
        # name is a settlement; the subdivision it lies in is not named, so none is given.
        return {
            "place_id": f"ua-{slug(name, 60)}",
            "name": name,
            "place_type": "settlement",
            "country": "UA",
            "parent_place_id": "ua",
        }
    # Several places joined by "and", or an oblast we do not know (a typo such as 'Cehrnihiv oblast'):
    # an area in the table's words, with a country only when every part lies in that one country.
    countries = {part_country(p) for p in parts}
    place = {"place_id": f"area-{slug(name, 80)}", "name": name, "place_type": "area"}
    if len(countries) == 1 and None not in countries:
        country = countries.pop()
        place.update(
            place_id=f"{country.lower()}-area-{slug(name, 80)}", country=country, parent_place_id=country.lower()
        )
    return place


def part_country(name: str) -> str | None:
    """The country of one named part of an area: known subdivision, sector or bare settlement name."""
    if name in SUBDIVISIONS:
        return SUBDIVISIONS[name][:2]
    if name == "Ukraine" or name.lower() in SECTORS or not OBLAST_WORD.search(name):
        return "UA"
    return None


def with_parents(places: dict[str, dict], place: dict, known: dict[str, dict]) -> dict:
    """Adds a place and its parents to ``places``; a place ``known`` in the target package keeps that
    definition (ids are global: one definition per id). Returns the definition used."""
    place = known.get(place["place_id"], place)
    places.setdefault(place["place_id"], place)
    parent = place.get("parent_place_id")
    if parent and parent not in places:
        default = {
            "place_id": parent,
            "name": COUNTRY_NAMES.get(parent.upper(), parent.upper()),
            "place_type": "country",
            "country": parent.upper(),
        }
        with_parents(places, known.get(parent, default), known)
    return place


# ---------------------------------------------------------------- one report per post


@dataclass
class Figures:
    """The quantities of one claim, numbered as they are added."""

    claim_id: str
    quote: str
    items: list[dict] = field(default_factory=list)

    def add(
        self,
        measure: str,
        subject: str,
        value: int | None,
        wording: str,
        detail: str | None = None,
        part_of: str | None = None,
    ) -> str:
        qid = f"{self.claim_id}.q{len(self.items) + 1}"
        if wording not in self.quote:
            raise AssertionError(f"wording {wording!r} not in quote")  # a bug of the importer, not of the input
        q: dict = {"quantity_id": qid, "measure": measure, "subject": subject}
        if detail:
            q["subject_detail"] = detail
        if value is None:
            q["qualifier"] = "vague"
        else:
            q["value"] = value
            q["qualifier"] = "exact"  # the table keeps no "about": see docs/crosswalks.md
        q["wording"] = wording
        if part_of:
            q["part_of"] = part_of
        self.items.append(q)
        return qid


def entry_wording(raw: str, key: str, number: bool) -> str:
    """The exact text of a dict entry (``'Kyiv oblast': NaN``) in a record, for a quantity's wording."""
    value = r"(?:NaN|nan|-?\d+(?:\.\d+)?)" if number else r"(?:'[^']*'|\"[^\"]*\")"
    m = re.search(r"(['\"])" + re.escape(key) + r"\1\s*:\s*" + value, raw)
    if not m:
        raise UserError(f"cannot find the entry {key!r} in the row's text; is the cell a Python literal?")
    return m.group(0)


def label(measure: str) -> str:
    return {
        "launched": "launched",
        "destroyed": "destroyed",
        "not_reached": "did not reach the target",
        "still_airborne": "still in the air",
        "left_airspace": "left the airspace",
        "hit": "locations hit",
        "debris_fell": "locations with falling debris",
    }[measure]


def dict_cell(cells: dict[str, str], column: str, where: str) -> dict:
    text = cells.get(column, "").strip()
    if not text:
        return {}
    value = python_literal(text, f"{where} {column}")
    if not isinstance(value, dict):
        raise UserError(f"{where} {column}: {text[:60]!r} is not a dictionary.")
    return value


def list_cell(cells: dict[str, str], column: str, where: str) -> list:
    text = cells.get(column, "").strip()
    if not text:
        return []
    value = python_literal(text, f"{where} {column}")
    if not isinstance(value, (list, tuple)):
        raise UserError(f"{where} {column}: {text[:60]!r} is not a list.")
    return [str(v) for v in value]


@dataclass
class Post:
    source: str
    records: list[Record]


def main_claim(rec: Record, figures: Figures, subject: str, where: str, weapons: dict[str, Kind]) -> list[str]:
    """Adds the row's own figures to ``figures``; returns the phrases of the claim's statement."""
    c, model = rec.cells, rec.cells["model"].strip()
    said: list[str] = []

    def number(column: str) -> tuple[bool, int | None]:
        text = c.get(column, "").strip()
        return (bool(text), count(text, f"{where} {column}") if text else None)

    def simple(
        column: str, measure: str, subj: str, detail: str | None, part_of: str | None = None, what: str | None = None
    ) -> str | None:
        given, value = number(column)
        if not given:
            return None
        qid = figures.add(measure, subj, value, c[column].strip(), detail, part_of)
        said.append(f"{'an unstated number' if value is None else value} {what or label(measure)}")
        return qid

    def whole(qid: str | None) -> int | None:
        q = next((q for q in figures.items if q["quantity_id"] == qid), None)
        return q.get("value") if q else None

    def part(qid: str | None, value: int | None) -> str | None:
        # Only a part the table keeps within its whole: a table that contradicts itself is not "fixed".
        total = whole(qid)
        return qid if qid and value is not None and total is not None and value <= total else None

    launched = simple("launched", "launched", subject, model)
    for key, value in dict_cell(c, "launched_details", where).items():
        n = None if value is None else count(str(value), f"{where} launched_details[{key!r}]")
        kind = kind_of(str(key), weapons) or Kind(subject)
        figures.add("launched", kind.subject, n, entry_wording(rec.raw, str(key), True), str(key), part(launched, n))
        said.append(f"{key}: {'an unstated number' if n is None else n} launched")
    if c.get("is_shahed", "").strip():
        n = count(c["is_shahed"], f"{where} is_shahed")
        figures.add("launched", "drone", n, c["is_shahed"].strip(), "Shahed-type attack drones", part(launched, n))
        said.append(f"of them {n} Shahed-type attack drones")
    if c.get("turbojet", "").strip():
        n = count(c["turbojet"], f"{where} turbojet")
        figures.add("launched", "drone", n, c["turbojet"].strip(), "jet-powered", part(launched, n))
        said.append(f"of them {n} jet-powered")
    destroyed = simple("destroyed", "destroyed", subject, model)
    if c.get("turbojet_destroyed", "").strip():
        n = count(c["turbojet_destroyed"], f"{where} turbojet_destroyed")
        figures.add("destroyed", "drone", n, c["turbojet_destroyed"].strip(), "jet-powered", part(destroyed, n))
        said.append(f"{n} jet-powered destroyed")
    simple("not_reach_goal", "not_reached", subject, model)
    simple("still_attacking", "still_airborne", subject, model)
    for column, country in (("cross_border_belarus", "belarus"), ("back_russia", "russia")):
        simple(column, "left_airspace", subject, country, what=f"flew into {country}")
    for key, value in dict_cell(c, "border_crossing", where).items():
        n = None if value is None else count(str(value), f"{where} border_crossing[{key!r}]")
        figures.add("left_airspace", subject, n, entry_wording(rec.raw, str(key), True), str(key))
        said.append(f"{'an unstated number' if n is None else n} flew into {key}")
    simple("num_hit_location", "hit", "location", None)
    simple("num_fall_fragment_location", "debris_fell", "location", None)
    return said


def statement_of(rec: Record, said: list[str]) -> str:
    c = rec.cells
    context = [f"target {c['target'].strip()}"]
    for column, words in (("target_main", "main target"), ("launch_place", "launched from"), ("carrier", "carrier")):
        if c.get(column, "").strip():
            context.append(f"{words} {c[column].strip()}")
    places = dict_cell(c, "launch_place_details", "")
    if places:
        context.append("launch places by model: " + "; ".join(f"{k}: {v}" for k, v in places.items()))
    figures = ", ".join(said) if said else "no figures"
    return (
        f"The dataset records the Air Force reporting, for {c['model'].strip()} from {c['time_start'].strip()} "
        f"to {c['time_end'].strip()} ({', '.join(context)}): {figures}."
    )


def build_report(
    post: Post,
    header: str,
    published: str,
    weapons: dict[str, Kind],
    name: str,
    known: dict[str, dict[str, dict]] | None = None,
) -> tuple[dict, str]:
    """(report, shipped text) of one post; ``known`` holds the target package's places and actors by id."""
    known = known or {}
    known_places = known.get("places", {})
    account = account_of(post.source)
    if account not in ACCOUNTS:
        raise UserError(
            f"{name}:{post.records[0].line}: source {post.source!r} names the account {account!r}, "
            f"which is not one of {', '.join(sorted(ACCOUNTS))}; add it to ACCOUNTS in importing.py "
            "with the actor it belongs to."
        )
    claimant, claimant_name = ACCOUNTS[account]
    source_id = f"{published}-air-attacks-{slug(account)}-{short_hash(post.source)}"
    text = header + "\n" + "\n".join(r.raw for r in post.records) + "\n"
    actors = {
        "ukraine": {"actor_id": "ukraine", "name": "Ukraine", "actor_type": "state", "country": "UA"},
        "ua-air-force": {
            "actor_id": "ua-air-force",
            "name": "Ukraine's air force",
            "actor_type": "armed_forces",
            "country": "UA",
            "parent_actor_id": "ukraine",
        },
    }
    if claimant not in actors:
        actors[claimant] = {
            "actor_id": claimant,
            "name": claimant_name,
            "actor_type": "armed_forces",
            "country": "UA",
            "parent_actor_id": "ua-air-force",
        }
    actors = {k: known.get("actors", {}).get(k, v) for k, v in actors.items()}
    places: dict[str, dict] = {}
    events: list[dict] = []
    claims_made = 0
    offset = len(header) + 1

    def claim(statement: str, rec: Record, start: int, claim_date: str) -> tuple[dict, Figures]:
        nonlocal claims_made
        claims_made += 1
        cid = f"{source_id}.c{claims_made:02d}"
        return (
            {
                "claim_id": cid,
                "claimant_actor_id": claimant,
                "attribution": "according_to",
                "modality": "asserted",
                "claim_date": claim_date,
                "claim_date_precision": "on_or_after",
                "statement": statement,
                "quote": rec.raw,
                "quote_start": start,
                "quote_end": start + len(rec.raw),
            },
            Figures(cid, rec.raw),
        )

    for rec in post.records:
        where = f"{name}:{rec.line}"
        c = rec.cells
        model, target = c["model"].strip(), c["target"].strip()
        if not model or not target:
            raise UserError(f"{where}: the row has no {'model' if not model else 'target'}; the importer needs both.")
        times = time_fields(c["time_start"], c["time_end"], where)
        subject, subtype = row_kind(model, weapons, where)
        place = with_parents(places, place_of(target), known_places)
        event_id = (
            f"{times['date_start']}-air-attack-{slug(model, 24)}-{slug(target, 24)}-"
            f"{short_hash(post.source, c['time_start'], c['time_end'], model, target, c.get('launch_place', ''))}"
        )
        base = {"event_type": "aerial_attack", **({"event_subtype": subtype} if subtype else {})}
        when = {
            k: times[k]
            for k in ("date_start", "date_end", "date_precision", "time_of_day", "time_wording")
            if k in times
        }
        window = f"from {c['time_start'].strip()} to {c['time_end'].strip()}"
        # The claim is made when the post reports: at the end of the window or after it.
        claim_date = times["date_end"]
        main, figures = claim("", rec, offset, claim_date)
        said = main_claim(rec, figures, subject, where, weapons)
        main["statement"] = statement_of(rec, said)
        if figures.items:
            main["quantities"] = figures.items
        events.append(
            {
                "event_id": event_id,
                **base,
                "summary": f"Aerial attack with {model} aimed at {target} {window}, as the {DATASET} dataset records it from an Air Force post.",
                **when,
                "place_id": place["place_id"],
                "place_precision": place["place_type"],
                "claims": [main],
            }
        )
        # Sub-events: each region the row names, with its destroyed figure and/or as an affected region.
        regions: dict[str, list[dict]] = {}
        for key, value in dict_cell(c, "destroyed_details", where).items():
            key = str(key)
            n = None if value is None else count(str(value), f"{where} destroyed_details[{key!r}]")
            sub, figs = claim(
                f"The dataset records the Air Force reporting, for {model} {window}, "
                f"{'an unstated number' if n is None else n} destroyed in {key}.",
                rec,
                offset,
                claim_date,
            )
            figs.add("destroyed", subject, n, entry_wording(rec.raw, key, True), model)
            sub["quantities"] = figs.items
            regions.setdefault(key, []).append(sub)
        for region in list_cell(c, "affected region", where):
            sub, _ = claim(
                f"The dataset lists {region} among the regions affected by the attack with {model} {window}.",
                rec,
                offset,
                claim_date,
            )
            regions.setdefault(region, []).append(sub)
        for region, claims in regions.items():
            rplace = with_parents(places, place_of(region), known_places)
            events.append(
                {
                    "event_id": f"{event_id}-{slug(region, 30)}",
                    **base,
                    "summary": f"Part of the attack with {model} {window}: what the dataset records for {region}.",
                    **when,
                    "place_id": rplace["place_id"],
                    "place_precision": rplace["place_type"],
                    "claims": claims,
                }
            )
        offset += len(rec.raw) + 1
    source = {
        "source_id": source_id,
        "publisher": PUBLISHER,
        "title": f"{DATASET}: rows citing {post.source}",
        "published": published,
        "language": "en",
    }
    if re.match(r"^https?://\S+$", post.source.strip()):
        source["url"] = post.source.strip()  # the table gives the post's address itself; never built from a path
    source.update(
        text_path=f"data/sources/{source_id}.txt",
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        rights=RIGHTS,
    )
    report = {
        "schema_version": IMPORT_SCHEMA_VERSION,
        "source": source,
        "actors": [actors[k] for k in sorted(actors)],
        "places": [places[k] for k in sorted(places)],
        "events": events,
    }
    return report, text


def posts_of(records: list[Record], name: str) -> list[Post]:
    """Rows grouped by their ``source`` cell, in order of first appearance."""
    posts: dict[str, Post] = {}
    for rec in records:
        source = rec.cells["source"].strip()
        if not source:
            raise UserError(f"{name}:{rec.line}: the row has no source; every report needs the post it comes from.")
        posts.setdefault(source, Post(source, [])).records.append(rec)
    return list(posts.values())


def known_definitions(out: Path) -> dict[str, dict[str, dict]]:
    """Places and actors already defined by the reports in ``out`` (a package the import joins)."""
    import json

    found: dict[str, dict[str, dict]] = {"places": {}, "actors": {}}
    paths, why = list_reports(out, "data/reports")
    if why:
        raise UserError(f"{out / 'data' / 'reports'} {why}; reports must be files inside the package.")
    for path in paths:
        try:
            report = json.loads(read_text(path))
        except ValueError:
            raise UserError(f"{path}: not valid JSON; validate the package in OUT_DIR first.") from None
        for table, key in (("places", "place_id"), ("actors", "actor_id")):
            for obj in report.get(table, []) if isinstance(report, dict) else []:
                if isinstance(obj, dict) and isinstance(obj.get(key), str):
                    found[table].setdefault(obj[key], obj)
    return found


def import_air_attacks(
    text: str,
    name: str,
    published: str,
    weapons: dict[str, Kind] | None = None,
    known: dict[str, dict[str, dict]] | None = None,
) -> dict[str, str]:
    """Package-relative path -> content of every report and source text. Pure: reads and writes nothing.

    ``known``: places and actors of the package the import joins; their definitions are reused."""
    header, records = read_records(text, name)
    latest = max(parse_time(r.cells["time_end"], f"{name}:{r.line} time_end")[0] for r in records)
    if dt.date.fromisoformat(published) < latest:
        raise UserError(
            f"--published {published} is before the newest row ({latest}); give the date of the "
            "dataset snapshot the file was taken from."
        )
    files: dict[str, str] = {}
    for post in posts_of(records, name):
        report, shipped = build_report(post, header, published, weapons or {}, name, known)
        sid = report["source"]["source_id"]
        if f"data/reports/{sid}.json" in files:
            raise UserError(f"{name}: two posts map to the source id {sid}; this should not happen, report it.")
        files[f"data/reports/{sid}.json"] = dump_report(report)
        files[f"data/sources/{sid}.txt"] = shipped
    return files


def write_new(out: Path, files: dict[str, str]) -> None:
    """Write every file, refusing to overwrite any: all checked before the first is written."""
    existing = [rel for rel in files if os.path.lexists(out / rel)]  # a dangling symlink too
    if existing:
        raise UserError(
            f"{out / existing[0]} already exists ({len(existing)} of the files to write do); "
            "the importer never overwrites: choose an empty OUT_DIR or remove them."
        )
    write_files({out / rel: files[rel] for rel in sorted(files)})  # all or nothing


def summary(files: dict[str, str]) -> str:
    import json

    reports = [json.loads(v) for k, v in files.items() if k.endswith(".json")]
    events = [e for r in reports for e in r["events"]]
    claims = [c for e in events for c in e["claims"]]
    quantities = [q for c in claims for q in c.get("quantities", [])]
    return f"{len(reports)} reports, {len(events)} events, {len(claims)} claims, {len(quantities)} quantities"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m war_report_events import", description="Import a peer dataset as war reports (schema 0.2.0)."
    )
    formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    air = formats.add_parser(
        "air-attacks",
        help="the air-attack table 'Massive Missile Attacks on Ukraine' (missile_attacks_daily.csv)",
        description="One war report per Air Force post cited in the table; each ships the table's rows "
        "for that post as its source text.",
    )
    air.add_argument("file", type=Path, metavar="FILE", help="the table (CSV)")
    air.add_argument(
        "out", type=Path, metavar="OUT_DIR", help="package root to write data/reports/ and data/sources/ into"
    )
    air.add_argument(
        "--published",
        required=True,
        metavar="YYYY-MM-DD",
        help="date of the dataset snapshot FILE was taken from (the source's publication date; the file does not say)",
    )
    air.add_argument(
        "--weapons",
        type=Path,
        metavar="CSV",
        help="the dataset's weapon reference table (missiles_and_uav.csv) for weapon kinds",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        try:
            dt.date.fromisoformat(args.published)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.published):
                raise ValueError
        except ValueError:
            print(f"import: --published {args.published!r} is not a date; write YYYY-MM-DD.", file=sys.stderr)
            return 2
        weapons = read_weapons(args.weapons) if args.weapons else {}
        files = import_air_attacks(
            read_text(args.file), str(args.file), args.published, weapons, known_definitions(args.out)
        )
        write_new(args.out, files)
    except UserError as exc:
        print(f"import: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"import: cannot write {exc.filename or args.out}: {exc.strerror}; check the path and permissions.",
            file=sys.stderr,
        )
        return 1
    print(f"imported {args.file} into {args.out}: {summary(files)}")
    return 0
