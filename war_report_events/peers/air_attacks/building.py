"""One report per post: events, claims and quantities from the rows that cite it (pure: no I/O)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from war_report_events.failure import UserError
from war_report_events.peers.air_attacks.mapping import (
    Kind,
    account_of,
    actor_chain,
    claimant_of,
    kind_of,
    place_of,
    row_kind,
    with_parents,
)
from war_report_events.peers.air_attacks.reading import Record, count, dict_cell, list_cell, time_fields
from war_report_events.peers.common import short_hash, slug

IMPORT_SCHEMA_VERSION = "0.2.0"  # the first version with the measures and fields this import needs

DATASET = "Massive Missile Attacks on Ukraine"
DATASET_URL = "https://www.kaggle.com/datasets/piterfm/massive-missile-attacks-on-ukraine"
PUBLISHER = f"Petro Ivaniuk (piterfm), {DATASET} (Kaggle dataset)"
RIGHTS = (
    f"The text is the dataset's own record of one post it cites: the header line and the rows imported that cite "
    f"the post, copied unchanged from the file imported. Dataset: Petro Ivaniuk (piterfm), {DATASET}, Kaggle, "
    f"{DATASET_URL}; data from the Air Force of the Armed Forces of Ukraine. Its licence is reported by third "
    "parties as CC BY-NC-SA 4.0 (unconfirmed: check the Kaggle page before publishing); these rows stay under "
    "that licence, with attribution, and are not covered by the data licence of War Report Events."
)


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
    context = [f"target {c['target'].strip()}" if c["target"].strip() else "no target given"]
    for column, words in (("target_main", "main target"), ("launch_place", "launched from"), ("carrier", "carrier")):
        if c.get(column, "").strip():
            context.append(f"{words} {c[column].strip()}")
    places = dict_cell(c, "launch_place_details", "")
    if places:
        context.append("launch places by model: " + "; ".join(f"{k}: {v}" for k, v in places.items()))
    figures = ", ".join(said) if said else "no figures"
    return (
        f"The dataset records the post it cites reporting, for {c['model'].strip()} from {c['time_start'].strip()} "
        f"to {c['time_end'].strip()} ({', '.join(context)}): {figures}."
    )


def build_report(
    post: Post,
    header: str,
    published: str,
    weapons: dict[str, Kind],
    name: str,
    known: dict[str, dict[str, dict]] | None = None,
    refuse_unknown: bool = False,
) -> tuple[dict, str]:
    """(report, shipped text) of one post; ``known`` holds the target package's places and actors by id."""
    known = known or {}
    known_places = known.get("places", {})
    account = account_of(post.source)
    actor, identified = claimant_of(account)
    if not identified and refuse_unknown:
        raise UserError(
            f"{name}:{post.records[0].line}: source {post.source!r} names "
            + (
                f"the account {account!r}, which war_report_events/peers/data/air_force_accounts.csv does not list"
                if account
                else "no account (a link such as watch/?v=...)"
            )
            + " (--unknown-accounts refuse); "
            "add a row with the actor it belongs to, or import without the option to keep it as an unidentified actor."
        )
    claimant = actor.actor_id
    source_id = f"{published}-air-attacks-{slug(account or 'unnamed')}-{short_hash(post.source)}"
    text = header + "\n" + "\n".join(r.raw for r in post.records) + "\n"
    actors = {a.actor_id: a.definition() for a in actor_chain(actor)}
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
        if not model:
            raise UserError(f"{where}: the row has no model; the importer needs the weapon to know what was counted.")
        times = time_fields(c["time_start"], c["time_end"], where)
        subject, subtype = row_kind(model, weapons, where)
        # A row without a target is an attack whose place the table does not give: place unknown, never guessed.
        place = with_parents(places, place_of(target), known_places) if target else None
        event_id = (
            f"{times['date_start']}-air-attack-{slug(model, 24)}-{slug(target or 'unknown-target', 24)}-"
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
                "summary": f"Aerial attack with {model} aimed at {target or 'a target the dataset does not name'} "
                f"{window}, as the {DATASET} dataset records it from the post it cites.",
                **when,
                **({"place_id": place["place_id"], "place_precision": place["place_type"]} if place else {}),
                **({} if place else {"place_precision": "unknown"}),
                "claims": [main],
            }
        )
        # Sub-events: each region the row names, with its destroyed figure and/or as an affected region.
        regions: dict[str, list[dict]] = {}
        for key, value in dict_cell(c, "destroyed_details", where).items():
            key = str(key)
            n = None if value is None else count(str(value), f"{where} destroyed_details[{key!r}]")
            sub, figs = claim(
                f"The dataset records the post it cites reporting, for {model} {window}, "
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
        **({"places": [places[k] for k in sorted(places)]} if places else {}),  # none when no row names a place
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
