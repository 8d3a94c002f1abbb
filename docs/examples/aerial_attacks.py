"""Aerial attacks: what each claimant says was launched, intercepted and jammed.

    python docs/examples/aerial_attacks.py [--data DIR] [--out PNG]

Prints one row per figure (claimant, event, measure, subject, the figure with its
qualifier, the source's words) and plots the same figures as bars, one panel per
claimant, to dist/aerial_attacks.png. Qualifiers stay visible: "about" and "at least"
are written beside their bars, "about" bars are pale, bounds are hatched, and a vague
figure ("scores of") gets no bar at all, only its words, because it has no number.

Needs pandas and matplotlib (both in requirements.txt).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

MEASURES = ["launched", "intercepted", "jammed"]
COLOURS = {"launched": "#4c72b0", "intercepted": "#55a868", "jammed": "#dd8452"}
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def load(data_dir: Path) -> pd.DataFrame:
    """Launched/intercepted/jammed figures of claims about aerial attacks, with claimant and event."""
    ints = {"value": "Int64", "lower": "Int64", "upper": "Int64"}
    quantities = pd.read_csv(data_dir / "quantities.csv", dtype=ints)
    claims = pd.read_csv(data_dir / "claims.csv")
    events = pd.read_csv(data_dir / "events.csv")
    actors = pd.read_csv(data_dir / "actors.csv")[["actor_id", "name"]]
    rows = (
        quantities.merge(claims, on="claim_id")
        .merge(events, on="event_id")
        .merge(actors.rename(columns={"actor_id": "claimant_actor_id", "name": "claimant"}), on="claimant_actor_id")
    )
    rows = rows[(rows["event_type"] == "aerial_attack") & rows["measure"].isin(MEASURES)].copy()
    rows["measure"] = pd.Categorical(rows["measure"], MEASURES, ordered=True)
    return rows.sort_values(["claimant", "event_id", "measure", "quantity_id"]).reset_index(drop=True)


def figure_text(row: pd.Series) -> str:
    """The figure as the qualifier allows it to be read: "62", "about 30", "at least 4", "vague"."""
    q, value, lower, upper = row["qualifier"], row["value"], row["lower"], row["upper"]
    return {
        "exact": f"{value}",
        "about": f"about {value}",
        "at_least": f"at least {lower}",
        "more_than": f"more than {lower}",
        "at_most": f"at most {upper}",
        "less_than": f"less than {upper}",
        "range": f"{lower} to {upper}",
    }.get(q, "vague (no number)")


def plotted_number(row: pd.Series) -> int | None:
    """The bar length for a figure: its value or the bound it gives; None for vague figures."""
    q = row["qualifier"]
    if q in ("exact", "about"):
        return int(row["value"])
    if q in ("at_least", "more_than", "range"):
        return int(row["lower"])
    if q in ("at_most", "less_than"):
        return int(row["upper"])
    return None


def summary_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "claimant": rows["claimant_actor_id"],
        "event": rows["event_id"],
        "measure": rows["measure"].astype(str),
        "subject": rows["subject"],
        "figure": [figure_text(r) for _, r in rows.iterrows()],
        "wording": rows["wording"],
    })


def plot(rows: pd.DataFrame) -> plt.Figure:
    """One horizontal bar per figure, one panel per claimant, on a shared axis."""
    panels = list(dict.fromkeys(rows["claimant"]))
    sizes = [int((rows["claimant"] == p).sum()) for p in panels]
    numbers = [n for n in (plotted_number(r) for _, r in rows.iterrows()) if n is not None]
    top = max(numbers, default=1) * 1.45  # room for the labels right of the bars
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(9, 1.2 + 0.55 * sum(sizes) + 0.8 * len(panels)),
        sharex=True, squeeze=False, gridspec_kw={"height_ratios": sizes},
    )
    for ax, claimant in zip(axes[:, 0], panels):
        mine = rows[rows["claimant"] == claimant].reset_index(drop=True)
        labels = []
        for y, (_, row) in enumerate(mine.iterrows()):
            labels.append(f"{row['measure']} · {row['subject'].replace('_', ' ')}")
            number = plotted_number(row)
            words = f"“{row['wording']}”"
            if number is None:
                ax.text(top * 0.01, y, f"vague, no number: {words}", va="center", style="italic", color="#555555")
                continue
            bound = row["qualifier"] not in ("exact", "about")
            ax.barh(y, number, color=COLOURS[row["measure"]], hatch="//" if bound else None,
                    edgecolor="white" if bound else None, height=0.6,
                    alpha=0.5 if row["qualifier"] == "about" else 1.0)
            ax.text(number + top * 0.01, y, f"{figure_text(row)}  {words}", va="center")
        ax.set_yticks(range(len(mine)), labels)
        ax.set_ylim(len(mine) - 0.5, -0.5)  # first figure on top, one row per figure
        ax.set_xlim(0, top)
        events = list(dict.fromkeys(mine["event_id"]))
        about = f"about event {events[0]}" if len(events) == 1 else f"about {len(events)} events"
        ax.set_title(f"{textwrap.shorten(claimant, 60, placeholder=' …')} says\n{about}", loc="left", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1, 0].set_xlabel("number as the source gives it (pale bar: about; hatched bar: only a bound is given)")
    fig.suptitle("Aerial attacks: launched, intercepted and jammed, per claimant", x=0.01, ha="left")
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PACKAGE_ROOT / "data", help="folder of the CSV tables")
    parser.add_argument("--out", type=Path, default=Path("dist/aerial_attacks.png"), help="PNG to write")
    args = parser.parse_args(argv)
    if not (args.data / "quantities.csv").is_file():
        print(f"{args.data}: no quantities.csv; give the data folder with --data, or run `make build`.",
              file=sys.stderr)
        return 1
    rows = load(args.data)
    if rows.empty:
        print("No launched, intercepted or jammed figures in claims about aerial attacks.")
        return 0
    print(summary_table(rows).to_string(index=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig = plot(rows)
    fig.savefig(args.out, dpi=150)
    plt.close(fig)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
