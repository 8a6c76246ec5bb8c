"""A toy groups table: two small, clean groups with synthetic embeddings, for examples.

Examples
--------
>>> groups = toy_groups()
>>> len(groups), groups.sizes.tolist(), groups.n_authors
(2, [60, 60], (50, 12))
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..groups import Groups, build_groups
from ..vectors import normalise_rows

__all__ = ["toy_groups"]


def toy_groups(random_state: int = 0) -> Groups:
    """Two groups of 60 posts over two months, 12 hours apart: parcels (50 authors) and
    refunds (12 authors), each around its own direction of a 16-dimensional space."""
    rng = np.random.default_rng(random_state)
    emb = normalise_rows(np.repeat(np.eye(16)[:2] * 3, 60, axis=0)
                         + rng.normal(0, 0.5, (120, 16)))
    posts = pd.DataFrame({
        "id": [str(i) for i in range(120)],
        "text": [("parcel " if i < 60 else "refund ") + " ".join(rng.choice(list("abcdef"), 4))
                 for i in range(120)],
        "author": [f"u{i % 50}" if i < 60 else f"v{i % 12}" for i in range(120)],
        "timestamp": pd.date_range("2026-05-01", periods=120, freq="12h", tz="UTC"),
    })
    return build_groups(posts, np.repeat([0, 1], 60), emb)
