"""BibTeX and CSL-JSON generated from CITATION.cff, the one place the citation is written down.

docs/citing.md carries the generated blocks between markers; `python -m war_report_events docs`
rewrites them and `docs --check` (run by the suite) fails when CITATION.cff and the page drift.
Nothing is added that CITATION.cff does not say: no DOI, no URL until they exist.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..files import read_text

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
BLOCK = re.compile(r"(<!-- generated from CITATION\.cff: (\w[\w-]*) -->\n)(.*?)(<!-- end generated -->)", re.DOTALL)


def load_cff(root: Path) -> dict[str, Any]:
    return yaml.safe_load(read_text(root / "CITATION.cff"))


def _key(cff: dict[str, Any]) -> str:
    words = re.sub(r"[^a-z0-9]+", "_", str(cff["title"]).lower()).strip("_")
    return f"{words}_{re.sub(r'[^0-9a-z]+', '_', str(cff['version']).lower())}"


def _authors(cff: dict[str, Any]) -> list[str]:
    """Names as CFF gives them: an entity's `name`, a person's given and family names."""
    out = []
    for a in cff.get("authors", []):
        out.append(a["name"] if "name" in a else f"{a.get('given-names', '')} {a.get('family-names', '')}".strip())
    return out


def licence_words(cff: dict[str, Any]) -> str:
    """The SPDX id as people write it (CC-BY-4.0 is "CC BY 4.0")."""
    return str(cff.get("license", "")).replace("CC-BY-", "CC BY ").replace("-", " ", 1) if cff.get("license") else ""


def schema_of(cff: dict[str, Any]) -> tuple[str, str] | None:
    """(schema version, identifier) the cited version's reports follow, from CITATION.cff's references."""
    references = cff.get("references")
    for reference in references if isinstance(references, list) else []:
        url = str(reference.get("url", "")) if isinstance(reference, dict) else ""
        match = re.fullmatch(r"https://w3id\.org/war-report-events/schema/([^/]+)/war-report\.schema\.json", url)
        if match:
            return match.group(1), url
    return None


def schema_words(cff: dict[str, Any]) -> str:
    """'Reports follow schema 0.2.0 (<id>)': a release and its schema are cited together."""
    found = schema_of(cff)
    return f"Reports follow schema {found[0]} ({found[1]})" if found else ""


def _bib_value(text: str) -> str:
    return text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}").replace("&", "\\&")


def bibtex(cff: dict[str, Any]) -> str:
    """A biblatex @dataset entry with the version; entity authors double-braced (not split into names)."""
    authors = " and ".join(
        "{" + _bib_value(n) + "}" if any("name" in a for a in cff["authors"]) else _bib_value(n) for n in _authors(cff)
    )
    fields = [("author", "{" + authors + "}"), ("title", "{" + _bib_value(str(cff["title"])) + "}")]
    fields.append(("version", "{" + _bib_value(str(cff["version"])) + "}"))
    if cff.get("date-released"):
        fields.append(("date", "{" + str(cff["date-released"]) + "}"))
    licence = cff.get("license")
    if licence:
        fields.append(("note", "{Licensed under " + _bib_value(licence_words(cff)) + "}"))
    if schema_words(cff):
        fields.append(("addendum", "{" + _bib_value(schema_words(cff)) + "}"))
    for key, value in (("doi", cff.get("doi")), ("url", cff.get("url"))):
        if value:
            fields.append((key, "{" + _bib_value(str(value)) + "}"))
    body = ",\n".join(f"  {name:<7} = {value}" for name, value in fields)
    return f"@dataset{{{_key(cff)},\n{body},\n}}\n"


def csl_json(cff: dict[str, Any]) -> str:
    """One CSL-JSON item of type dataset (what Zotero, Pandoc and citeproc read)."""
    item: dict[str, Any] = {
        "id": _key(cff),
        "type": "dataset",
        "title": str(cff["title"]),
        "version": str(cff["version"]),
        "author": [{"literal": n} for n in _authors(cff)],
    }
    if cff.get("date-released"):
        year, month, day = (int(p) for p in str(cff["date-released"]).split("-"))
        item["issued"] = {"date-parts": [[year, month, day]]}
    if cff.get("license"):
        item["license"] = str(cff["license"])
    if schema_words(cff):
        item["note"] = schema_words(cff)
    for key in ("doi", "url"):
        if cff.get(key):
            item[key.upper() if key == "doi" else "URL"] = str(cff[key])
    return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


def plain(cff: dict[str, Any]) -> str:
    """The preferred citation in words."""
    authors = ", ".join(_authors(cff))
    released = cff.get("date-released")
    year = str(released)[:4] if released else "n.d."
    text = f"{authors} ({year}). *{cff['title']}* (Version {cff['version']}) [Data set]."
    if released:
        text += f" Released {released}."
    if schema_words(cff):
        text += f" {schema_words(cff)}."
    if cff.get("license"):
        text += f" Licensed under {licence_words(cff)}."
    return "> " + text + "\n"


GENERATORS = {
    "plain": plain,
    "bibtex": lambda c: "```bibtex\n" + bibtex(c) + "```\n",
    "csl-json": lambda c: "```json\n" + csl_json(c) + "```\n",
}


def fill(page: str, cff: dict[str, Any]) -> str:
    """The page with every generated block rewritten from CITATION.cff; unknown block names are kept."""

    def block(match: re.Match[str]) -> str:
        generate = GENERATORS.get(match.group(2))
        return match.group(0) if generate is None else match.group(1) + generate(cff) + match.group(4)

    return BLOCK.sub(block, page)
