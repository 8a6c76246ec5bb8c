"""Write the sample corpus and staff roster to ``sample_data/``.

Usage::

    python scripts/make_sample_data.py [--out sample_data] [--random-state 0]

Writes ``conversations.csv`` (what the tool reads), ``truth.csv`` (ground truth for tests
only), ``staff.csv`` and ``staff.yaml``. The output is byte-identical for a given seed;
``tests/test_synthetic.py`` checks the committed files against a fresh run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import yaml

from nichefinder.datasets import make_sample_corpus, make_staff_roster, split_truth


def write_sample_data(out: Path, random_state: int = 0) -> list[Path]:
    """Write the four sample files into ``out`` and return their paths.

    Parameters
    ----------
    out : pathlib.Path
        Directory to write to; created if missing.
    random_state : int, default 0
        Seed of :func:`nichefinder.datasets.make_sample_corpus`.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    conversations, truth = split_truth(make_sample_corpus(random_state=random_state))
    staff = make_staff_roster()
    paths = [out / n for n in ("conversations.csv", "truth.csv", "staff.csv", "staff.yaml")]
    conversations.to_csv(paths[0], index=False, lineterminator="\n")
    truth.to_csv(paths[1], index=False, lineterminator="\n")
    staff.assign(social_active=staff["social_active"].map({True: "true", False: "false"})).to_csv(
        paths[2], index=False, lineterminator="\n"
    )
    records = [
        {**row, "platforms": row["platforms"].split(";"),
         "hours_per_week": int(row["hours_per_week"]),
         "social_active": bool(row["social_active"])}
        for row in staff.to_dict(orient="records")
    ]
    paths[3].write_text(
        yaml.safe_dump(records, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return paths


def summary_table(corpus: pd.DataFrame) -> str:
    """Markdown table of the corpus by kind and topic, as pasted in ``sample_data/README.md``.

    Parameters
    ----------
    corpus : pandas.DataFrame
        Output of :func:`nichefinder.datasets.make_sample_corpus`.

    Returns
    -------
    str
        One row per (kind, topic): posts, distinct authors, first and last day, share of
        replies, platforms by share.
    """
    lines = [
        "| kind | topic | posts | authors | first day | last day | replies | platforms |",
        "|---|---|---:|---:|---|---|---:|---|",
    ]
    order = ["genuine", "brand", "spike", "niche", "campaign", "chatter"]
    for kind in order:
        for topic, g in corpus[corpus["kind"] == kind].groupby("topic", sort=True):
            days = g["timestamp"].str[:10]
            share = g["platform"].value_counts(normalize=True)
            platforms = ", ".join(f"{p} {v:.0%}" for p, v in share.items() if v >= 0.05)
            lines.append(
                f"| {kind} | `{topic}` | {len(g)} | {g['author'].nunique()} | {days.min()} | "
                f"{days.max()} | {(g['reply_to'] != '').mean():.0%} | {platforms} |"
            )
    lines.append(
        f"| **all** | | **{len(corpus):,}** | **{corpus['author'].nunique()}** | "
        f"{corpus['timestamp'].min()[:10]} | {corpus['timestamp'].max()[:10]} | "
        f"{(corpus['reply_to'] != '').mean():.0%} | |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and write the files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "sample_data")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--summary", action="store_true",
                        help="print the README summary table instead of writing files")
    args = parser.parse_args(argv)
    if args.summary:
        print(summary_table(make_sample_corpus(random_state=args.random_state)))
        return
    for path in write_sample_data(args.out, args.random_state):
        print(path)


if __name__ == "__main__":
    main()
