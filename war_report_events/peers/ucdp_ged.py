"""`python -m war_report_events import ucdp-ged FILE OUT_DIR --published DATE`: UCDP GED events as war reports.

A GED row is UCDP's coding of one event from one or more news articles. Decisions (the full
mapping and its losses: docs/crosswalks.md, section 2):

- **one report per GED event**, not per source article. GED's figures (best, low, high and the
  split by side) are UCDP's one judgement across all the articles it read; it does not say which
  article gave which figure, so a report per article would attribute to each article figures it
  may not contain. The claimant is UCDP (``ucdp``), speaking in its own voice.
- The articles are not shipped (GED holds only their office, date and headline), so the report's
  source is GED's own record of the event: the header line and the row, byte for byte as in
  FILE; the claim quotes the row. ``source_article`` (UCDP's list of the articles) and
  ``source_original`` (who the information comes from) are in the claim's statement.
- ``best``/``low``/``high``: one ``killed`` quantity of subject ``person``, qualifier ``exact``
  when all three agree, else ``estimate`` (value best, lower low, upper high). ``deaths_a``,
  ``deaths_b`` (subject ``person`` with ``subject_actor_id`` the side), ``deaths_civilians``
  (``civilian``) and ``deaths_unknown`` (``person``, "unknown status") are parts of it, zeros
  included: a zero is a figure.
- Places: ``country_id`` is a Gleditsch–Ward number, looked up (countries.py) to ISO 3166-1;
  ``adm_1`` to ISO 3166-2 where its name is known, otherwise an area with GED's words;
  ``where_coordinates`` is the event's place, typed by ``where_prec``. No coordinates are kept
  (the standard records none); they stay in the shipped record.
- Every column is listed in ``COLUMNS`` with where its cells go; a column not listed is refused
  rather than dropped. A row that cannot be imported is reported with its line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from war_report_events.failure import UserError
from war_report_events.files import dump_report
from war_report_events.peers.air_attacks.mapping import SUBDIVISIONS
from war_report_events.peers.common import Record, RowProblem, csv_records, schema_check, short_hash, slug
from war_report_events.peers.countries import iso2_of_gw

IMPORT_SCHEMA_VERSION = "0.2.0"  # the first version with the `estimate` qualifier and subject_actor_id
PUBLISHER = "Uppsala Conflict Data Program (UCDP), UCDP Georeferenced Event Dataset (GED)"
RIGHTS = (
    "The text is UCDP GED's own record of one event: the header line and the event's row, copied unchanged "
    "from the file imported. UCDP Georeferenced Event Dataset, Uppsala Conflict Data Program, "
    "https://ucdp.uu.se/downloads/ , licensed CC BY 4.0. Cite: Sundberg, Ralph and Erik Melander (2013), "
    "'Introducing the UCDP Georeferenced Event Dataset', Journal of Peace Research 50(4): 523-532, and the "
    "GED codebook of the version used. Not covered by the data licence of War Report Events."
)
UCDP = {"actor_id": "ucdp", "name": "Uppsala Conflict Data Program (UCDP)", "actor_type": "media_outlet"}

#: Every GED column -> where its non-empty cells go. "record": only in the shipped record (the
#: standard has no field for it); tests/test_importing.py checks each row cell by cell against this.
COLUMNS = {
    "id": "source title, event id",
    "relid": "source title",
    "year": "record",
    "active_year": "record",
    "code_status": "record",
    "type_of_violence": "event type",
    "conflict_dset_id": "record",
    "conflict_new_id": "record",
    "conflict_name": "summary",
    "dyad_dset_id": "record",
    "dyad_new_id": "record",
    "dyad_name": "statement",
    "side_a_dset_id": "record",
    "side_a_new_id": "actor id",
    "side_a": "actor name",
    "side_b_dset_id": "record",
    "side_b_new_id": "actor id",
    "side_b": "actor name",
    "number_of_sources": "statement",
    "source_article": "statement",
    "source_office": "record",  # repeated in source_article ("office,date,headline")
    "source_date": "record",
    "source_headline": "record",
    "source_original": "statement",
    "where_prec": "place precision",
    "where_coordinates": "place name",
    "where_description": "record",
    "adm_1": "place name",
    "adm_2": "record",
    "latitude": "record",
    "longitude": "record",
    "geom_wkt": "record",
    "priogrid_gid": "record",
    "country": "place name",  # of an event at sea (where_prec 7): the record only
    "country_id": "place country",  # likewise
    "region": "record",
    "event_clarity": "statement",
    "date_prec": "statement",
    "date_start": "date",
    "date_end": "date",
    "deaths_a": "quantity",
    "deaths_b": "quantity",
    "deaths_civilians": "quantity",
    "deaths_unknown": "quantity",
    "best": "quantity",
    "high": "quantity",
    "low": "quantity",
    "gwnoa": "actor country",
    "gwnob": "actor country",
}
REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "where_prec", "where_coordinates", "country_id")
REQUIRED += ("date_start", "date_end", "best", "low", "high")
VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
DATE_PREC = {
    "1": "exact date",
    "2": "date known within 2-6 days",
    "3": "date known within a week",
    "4": "date known within a month",
    "5": "date known within a year",
}
#: where_prec -> place precision (codelist place_precision); 1 and 2 are a settlement or a site by name.
WHERE_PREC = {"1": "point", "2": "point", "3": "area", "4": "subdivision", "5": "area", "6": "country", "7": "water"}
SETTLEMENT_WORD = re.compile(r"\b(city|town|village|settlement|urban-type settlement)$", re.I)


def read_ged(text: str, name: str) -> tuple[str, list[Record], list[RowProblem]]:
    header, header_text, records, problems = csv_records(text, name)
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise UserError(
            f"{name}:1: not a UCDP GED table the importer knows"
            + (f"; missing column(s): {', '.join(missing)}" if missing else "")
            + (
                f"; unknown column(s): {', '.join(unknown)} (refused rather than dropped: add each to COLUMNS "
                "in war_report_events/peers/ucdp_ged.py with where it goes)"
                if unknown
                else ""
            )
            + ("; a column name repeats" if len(set(header)) != len(header) else "")
            + "."
        )
    if not records and not problems:
        raise UserError(f"{name}: no rows after the header; nothing to import.")
    return header_text, records, problems


def whole(text: str, column: str) -> int:
    """A count cell ("5", "5.0") as an int."""
    try:
        number = float(text)
    except ValueError:
        raise UserError(f"{column}: {text!r} is not a number") from None
    if not number.is_integer() or number < 0:
        raise UserError(f"{column}: {text!r} is not a whole, non-negative number")
    return int(number)


def day(text: str, column: str) -> str:
    """A GED date ("2022-02-18", or with a midnight time as the API gives it) as YYYY-MM-DD."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text.strip())
    try:
        return dt.date.fromisoformat(m.group(1)).isoformat()  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        raise UserError(f"{column}: {text!r} is not a date (YYYY-MM-DD)") from None


def place_defs(c: dict[str, str]) -> tuple[dict[str, dict], dict]:
    """(the event's place and its parents, by id; the event's place)."""
    places, place = candidate_places(c)
    chain, pid = {}, place["place_id"]
    while pid and pid not in chain:
        chain[pid] = places[pid]
        pid = places[pid].get("parent_place_id")
    return chain, place


def candidate_places(c: dict[str, str]) -> tuple[dict[str, dict], dict]:
    """(every place the row names, by id; the event's place)."""
    iso = iso2_of_gw(c["country_id"])
    if iso is None:
        raise UserError(f"country_id: {c['country_id']!r} is not a Gleditsch–Ward number that country_converter knows")
    places: dict[str, dict] = {}
    country = {"place_id": iso.lower(), "name": c.get("country", "").strip() or iso, "place_type": "country"}
    country["country"] = iso
    places[country["place_id"]] = country
    parent = country
    adm_1 = c.get("adm_1", "").strip()
    code = SUBDIVISIONS.get(adm_1)
    if adm_1 and code and code[:2] == iso:
        parent = {
            "place_id": code.lower(),
            "name": adm_1,
            "place_type": "subdivision",
            "country": iso,
            "subdivision": code,
            "parent_place_id": country["place_id"],
        }
    elif adm_1:
        parent = {
            "place_id": f"{iso.lower()}-area-{slug(adm_1, 60)}",
            "name": adm_1,
            "place_type": "area",
            "country": iso,
            "parent_place_id": country["place_id"],
        }
    places[parent["place_id"]] = parent
    prec, name = c["where_prec"].strip(), c["where_coordinates"].strip()
    kind = WHERE_PREC.get(prec)
    if kind is None:
        raise UserError(f"where_prec: {prec!r} is not a GED location precision (1 to 7)")
    if kind == "country":
        return places, country
    if kind == "subdivision" and parent["place_type"] == "subdivision":
        return places, parent
    if kind == "water":
        place = {"place_id": f"water-{slug(name, 60)}", "name": name, "place_type": "water"}
        places[place["place_id"]] = place
        return places, place
    if kind == "point":  # GED names settlements with their kind ("Kruta Balka village"); anything else is a site
        kind = "settlement" if SETTLEMENT_WORD.search(name) else "site"
    place_type = "area" if kind == "subdivision" else kind  # an ADM1 GED names but we cannot code
    place = {
        "place_id": f"{iso.lower()}-{slug(name, 60)}-{short_hash(name, place_type, adm_1)[:6]}",
        "name": name,
        "place_type": place_type,
        "country": iso,
        "parent_place_id": parent["place_id"],
    }
    places[place["place_id"]] = place
    return places, place


def side_actor(c: dict[str, str], side: str) -> dict | None:
    """The actor of GED's side a or b; None for the civilians of one-sided violence (not an actor)."""
    name = c[f"side_{side}"].strip()
    if not name or (name.lower() == "civilians" and c["type_of_violence"].strip() == "3"):
        return None
    uid = c.get(f"side_{side}_new_id", "").strip()
    actor = {
        "actor_id": f"ucdp-actor-{whole(uid, f'side_{side}_new_id')}" if uid else f"ucdp-actor-{slug(name, 60)}",
        "name": name,
    }
    gw = c.get(f"gwno{side}", "").strip()
    iso = iso2_of_gw(gw.split(",")[0]) if gw else None
    if gw and iso is None:
        raise UserError(f"gwno{side}: {gw!r} is not a Gleditsch–Ward number that country_converter knows")
    # GED gives a state number only for governments: the side is the state; otherwise an armed group.
    actor["actor_type"] = "state" if iso else "armed_group"
    if iso:
        actor["country"] = iso
    return actor


def deaths_wording(raw: str, c: dict[str, str]) -> str:
    """The words of the total in the row: the three adjacent cells best,high,low when they are, else best."""
    three = f"{c['best']},{c['high']},{c['low']}"
    return three if three in raw else c["best"]


def quantities(c: dict[str, str], raw: str, cid: str, sides: dict[str, dict | None]) -> list[dict]:
    best, low, high = whole(c["best"], "best"), whole(c["low"], "low"), whole(c["high"], "high")
    if not low <= best <= high:
        raise UserError(f"best/low/high: {best}/{low}/{high} are not low <= best <= high")
    total = {"quantity_id": f"{cid}.q1", "measure": "killed", "subject": "person", "value": best}
    if low == best == high:
        total["qualifier"] = "exact"
    else:
        total.update(lower=low, upper=high, qualifier="estimate")
    total["wording"] = deaths_wording(raw, c)
    out = [total]
    parts = (
        ("deaths_a", "person", "a"),
        ("deaths_b", "person", "b"),
        ("deaths_civilians", "civilian", None),
        ("deaths_unknown", "person", None),
    )
    for column, subject, side in parts:
        text = c.get(column, "").strip()
        if not text:
            continue
        n = whole(text, column)
        q: dict = {"quantity_id": f"{cid}.q{len(out) + 1}", "measure": "killed", "subject": subject}
        actor = sides.get(side) if side else None
        if side:
            q["subject_detail"] = f"deaths of side {side.upper()} ({c[f'side_{side}'].strip()}), UCDP's best estimate"
            if actor:
                q["subject_actor_id"] = actor["actor_id"]
        else:
            q["subject_detail"] = (
                "civilians, UCDP's best estimate" if subject == "civilian" else "unknown status, UCDP's best estimate"
            )
        q.update(value=n, qualifier="exact", wording=text)
        if n <= best:  # a part the row keeps within its total; a row that contradicts itself keeps both unlinked
            q["part_of"] = total["quantity_id"]
        out.append(q)
    return out


def statement(c: dict[str, str], deaths: list[dict]) -> str:
    total = deaths[0]
    figure = (
        f"{total['value']} deaths"
        if total["qualifier"] == "exact"
        else f"{total['value']} deaths as best estimate (low {total['lower']}, high {total['upper']})"
    )
    facts = [f"UCDP codes {figure} in this event of {c.get('dyad_name', '').strip() or 'the dyad'}"]
    if c.get("date_prec", "").strip():
        facts.append(
            f"date precision {c['date_prec'].strip()} ({DATE_PREC.get(c['date_prec'].strip(), 'not a GED code')})"
        )
    if c.get("event_clarity", "").strip() == "2":
        facts.append("event clarity 2: the reporting does not fully identify the event")
    elif c.get("event_clarity", "").strip():
        facts.append(f"event clarity {c['event_clarity'].strip()}")
    if c.get("source_original", "").strip():
        facts.append(f"information from: {c['source_original'].strip()}")
    if c.get("number_of_sources", "").strip():
        facts.append(f"number of sources {c['number_of_sources'].strip()}")
    articles = c.get("source_article", "").strip()
    text = "; ".join(facts) + (f"; sources: {articles}" if articles else "") + "."
    if len(text) > 2000:  # the statement's limit; the articles stay in the shipped record
        text = "; ".join(facts) + "; sources: listed in the record (too long for a statement)."
    return text[:2000]


def build(rec: Record, header: str, published: str, known: dict[str, dict[str, dict]]) -> tuple[dict, str]:
    c = rec.cells
    empty = [column for column in REQUIRED if not c[column].strip()]
    if empty:
        raise UserError(f"{', '.join(empty)}: empty; GED gives {'it' if len(empty) == 1 else 'them'} for every event")
    gid = c["id"].strip()
    if not re.fullmatch(r"\d+(?:\.0)?", gid):
        raise UserError(f"id: {gid!r} is not a GED event id (a whole number)")
    gid = str(int(float(gid)))
    start, end = day(c["date_start"], "date_start"), day(c["date_end"], "date_end")
    if end < start:
        raise UserError(f"date_end {end} is before date_start {start}")
    violence = c["type_of_violence"].strip()
    if violence not in VIOLENCE:
        raise UserError(f"type_of_violence: {violence!r} is not 1, 2 or 3")
    places, place = place_defs(c)
    sides = {"a": side_actor(c, "a"), "b": side_actor(c, "b")}
    source_id = f"{published}-ucdp-ged-{gid}"
    text = header + "\n" + rec.raw + "\n"
    cid = f"{source_id}.c01"
    deaths = quantities(c, rec.raw, cid, sides)
    relid = c.get("relid", "").strip()
    claim = {
        "claim_id": cid,
        "claimant_actor_id": "ucdp",
        "attribution": "according_to",
        "modality": "asserted",
        "claim_date": published,
        "claim_date_precision": "on_or_before",
        "statement": statement(c, deaths),
        "quote": rec.raw,
        "quote_start": len(header) + 1,
        "quote_end": len(header) + 1 + len(rec.raw),
        "quantities": deaths,
    }
    where = f" in {c['where_coordinates'].strip()}" if c["where_coordinates"].strip() else ""
    conflict = c.get("conflict_name", "").strip()
    event = {
        "event_id": f"{start}-ucdp-ged-{gid}",
        "event_type": "violence_against_civilians" if violence == "3" else "ground_fighting",
        **({"event_subtype": "attack_on_civilians"} if violence == "3" else {}),
        "summary": f"UCDP GED event {gid} ({VIOLENCE[violence]}): {c['side_a'].strip()} and {c['side_b'].strip()}"
        + where
        + (f", in the conflict {conflict}" if conflict else "")
        + ".",
        "date_start": start,
        "date_end": end,
        "date_precision": "day" if start == end else "days",
        "place_id": place["place_id"],
        "place_precision": place["place_type"],
        "claims": [claim],
    }
    actors = {"ucdp": UCDP} | {a["actor_id"]: a for a in sides.values() if a}
    actors = {k: known.get("actors", {}).get(k, v) for k, v in actors.items()}
    places = {k: known.get("places", {}).get(k, v) for k, v in places.items()}
    source = {
        "source_id": source_id,
        "publisher": PUBLISHER,
        "title": f"UCDP GED event {gid}" + (f" ({relid})" if relid else ""),
        "published": published,
        "language": "en",
        "text_path": f"data/sources/{source_id}.txt",
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "rights": RIGHTS,
    }
    report = {
        "schema_version": IMPORT_SCHEMA_VERSION,
        "source": source,
        "actors": [actors[k] for k in sorted(actors)],
        "places": [places[k] for k in sorted(places)],
        "events": [event],
    }
    return report, text


def import_ged(
    text: str, name: str, published: str, known: dict[str, dict[str, dict]] | None = None
) -> tuple[dict[str, str], list[RowProblem]]:
    """(package-relative path -> content of every report and source text, rows not imported). Pure."""
    header, records, problems = read_ged(text, name)
    files: dict[str, str] = {}
    for rec in records:
        try:
            report, shipped = build(rec, header, published, known or {})
            schema_check(report)
            if report["events"][0]["date_end"] > published:
                raise UserError(f"date_end is after --published {published}; give the release date of FILE")
        except UserError as exc:
            problems.append(RowProblem(rec.line, str(exc)))
            continue
        sid = report["source"]["source_id"]
        if f"data/reports/{sid}.json" in files:
            problems.append(RowProblem(rec.line, f"id {rec.cells['id'].strip()} repeats an earlier row's"))
            continue
        files[f"data/reports/{sid}.json"] = dump_report(report)
        files[f"data/sources/{sid}.txt"] = shipped
    return files, sorted(problems, key=lambda p: p.line)
