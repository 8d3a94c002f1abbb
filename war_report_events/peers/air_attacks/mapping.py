"""What the table's names mean: the accounts in `source` (from data/air_force_accounts.csv), weapon
models (the dataset's reference table or name patterns) and places (ISO 3166-2 codes, checked in the tests)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from war_report_events.failure import UserError
from war_report_events.files import read_text
from war_report_events.peers.common import slug

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
GUIDED_BOMB = re.compile(r"\bKAB\b|\bGBU\b|guided bomb|UMPK", re.I)  # GBU: "guided bomb unit"
RECONNAISSANCE = re.compile(r"Orlan|ZALA|Supercam|Merlin|Forpost|Eleron|Granat|Reconnaissance", re.I)


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
            "with --weapons missiles_and_uav.csv, or add the model to the patterns in war_report_events/peers/air_attacks/mapping.py."
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


# ---------------------------------------------------------------- accounts

#: Paths of facebook.com that are not an account (a video or a story link names none).
NOT_AN_ACCOUNT = frozenset({"watch", "story.php", "permalink.php", "photo", "photo.php", "videos", "share", "reel"})
SOCIAL_HOSTS = re.compile(r"^(?:www\.|m\.|mobile\.|web\.)?(?:facebook\.com|fb\.com|t\.me|telegram\.me)$")
ACCOUNTS_FILE = "air_force_accounts.csv"


@dataclass(frozen=True)
class Actor:
    """An actor as the mapping file defines it; ``evidence`` says how we know (never shipped)."""

    actor_id: str
    name: str
    actor_type: str
    country: str = ""
    parent_actor_id: str = ""
    evidence: str = ""

    def definition(self) -> dict:
        out = {"actor_id": self.actor_id, "name": self.name, "actor_type": self.actor_type}
        if self.country:
            out["country"] = self.country
        if self.parent_actor_id:
            out["parent_actor_id"] = self.parent_actor_id
        return out


@cache
def account_table() -> tuple[dict[str, Actor], dict[str, Actor]]:
    """(account -> actor, actor id -> actor) from data/air_force_accounts.csv, shipped with the package."""
    text = read_text(Path(__file__).resolve().parent.parent / "data" / ACCOUNTS_FILE)  # shipped with the package
    accounts, actors = {}, {}
    for row in csv.DictReader(io.StringIO(text)):
        actor = Actor(**{k: row[k] for k in Actor.__dataclass_fields__})
        actors[actor.actor_id] = actor
        if row["account"]:
            accounts[row["account"].lower()] = actor
    return accounts, actors


def account_of(source: str) -> str | None:
    """The account a ``source`` cell names, lower case, or None when it names none.

    Forms: ``kpszsu/posts/pfbid…`` (a path on facebook.com, our reading), ``https://t.me/kpszsu/22252``,
    ``https://www.facebook.com/PvKPivden/posts/…``, ``https://t.me/s/kpszsu/1``, a web site
    (``kharkivoda.gov.ua/news/123``: the site is the account); ``watch/?v=…`` names no account."""
    text = source.strip()
    m = re.match(r"^[a-z][a-z0-9+.-]*://([^/?#]+)/?(.*)$", text, re.I)
    if m:
        host, path = m.group(1).lower().split("@")[-1].split(":")[0], m.group(2)
        if not SOCIAL_HOSTS.match(host):
            return host.removeprefix("www.")
        parts = [p for p in re.split(r"[/?#]", path) if p]
        if parts[:1] == ["s"] and host.endswith(("t.me", "telegram.me")):
            parts = parts[1:]  # t.me/s/<channel>/<n>: the web preview of a channel
    else:
        parts = [p for p in re.split(r"[/?#]", text) if p]
    if not parts:
        return None
    first = parts[0].lower()
    if first in NOT_AN_ACCOUNT:
        return None
    return first


def claimant_of(account: str | None) -> tuple[Actor, bool]:
    """(the actor an account belongs to, whether the mapping file knows it). An unknown account becomes
    an actor of its own name, marked as not identified, so the row is imported and the gap is visible."""
    accounts, _ = account_table()
    if account in accounts:
        return accounts[account], True  # type: ignore[index]
    if account is None:
        return (
            Actor(
                "account-unnamed",
                f"an account the table does not name (not identified: see {ACCOUNTS_FILE})",
                "media_outlet",
            ),
            False,
        )
    return (
        Actor(
            f"account-{slug(account, 60)}",
            f"{account} (account not identified: not in {ACCOUNTS_FILE})",
            "media_outlet",
        ),
        False,
    )


def actor_chain(actor: Actor) -> list[Actor]:
    """The actor and its parents as the mapping file defines them (parents first is not needed: ids are sorted)."""
    _, actors = account_table()
    chain, seen = [actor], {actor.actor_id}
    while chain[-1].parent_actor_id and chain[-1].parent_actor_id not in seen:
        parent = actors[chain[-1].parent_actor_id]
        seen.add(parent.actor_id)
        chain.append(parent)
    return chain
