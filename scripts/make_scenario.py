"""Write a scenario (a company audience composed from real labelled texts) to a folder.

Usage::

    python scripts/make_scenario.py ../shared/datasets/hwu64.csv --out scenario-hwu64 \\
        [--random-state 0] [--labels 24] [--posts 120 320] [--drop-label oos]

Writes ``conversations.csv`` (what ``nichefinder plan`` reads) and ``truth.csv`` (``id, label,
category, role, source_row``; for measuring only) and prints what was chosen. See
:func:`nichefinder.datasets.scenarios.build_scenario`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nichefinder.datasets.scenarios import build_scenario, read_labelled


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("table", type=Path, help="labelled CSV: text, label[, category, author, ...]")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--random-state", type=int, default=0)
    ap.add_argument("--labels", type=int, default=24, help="genuine labels")
    ap.add_argument("--posts", type=int, nargs=2, default=(120, 320), metavar=("MIN", "MAX"),
                    help="range of a genuine label's posts")
    ap.add_argument("--drop-label", action="append", default=None,
                    help="labels to leave out (default: oos)")
    args = ap.parse_args(argv)
    table = read_labelled(args.table, drop_labels=args.drop_label or ("oos",))
    s = build_scenario(table, random_state=args.random_state, n_labels=args.labels,
                       posts_per_label=tuple(args.posts))
    args.out.mkdir(parents=True, exist_ok=True)
    s.posts.to_csv(args.out / "conversations.csv", index=False)
    s.truth.to_csv(args.out / "truth.csv", index=False)
    print(json.dumps(s.parameters, indent=1))


if __name__ == "__main__":
    main()
