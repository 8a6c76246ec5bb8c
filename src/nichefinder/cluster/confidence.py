"""How sure the clustering is of its count: groups and themes over the resamples it ran.

The Leiden method (:mod:`nichefinder.cluster.leiden`) partitions twelve resamples (three seeds
on each of four 80 % subsamples) at the chosen resolution to agree on its groups. The same runs
say how firm the answer is: how many groups and themes each run found (a tally such as
``{11: 9, 10: 3}``), and how well each final group and theme comes back in them (best-match
Jaccard over the rows a run saw, averaged over the runs; Hennig (2007) calls a cluster stable
from 0.75). No peer reports this; the plan shows it beside its feed count.

Examples
--------
>>> c = Confidence(group_counts=(11, 11, 10), theme_counts=(4, 4, 4), resolution=2.0,
...                resolution_stability=0.9, group_stability=(1.0,), theme_stability=(1.0,))
>>> c.group_count_tally()
{11: 2, 10: 1}
>>> c.n_resamples
3
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .stability import best_match_jaccard

__all__ = ["Confidence", "measure_confidence"]


@dataclass(frozen=True)
class Confidence:
    """Counts and stabilities over the resamples of one clustering.

    Attributes
    ----------
    group_counts : tuple of int
        Groups (of at least ``min_cluster_size`` rows, scaled to the subsample) in each run.
    theme_counts : tuple of int
        Themes of those groups in each run.
    resolution : float
        The Leiden resolution chosen.
    resolution_stability : float or None
        Mean chance-corrected best-match Jaccard of the groups at that resolution, over the
        subsamples (``None`` when the resolution was given).
    group_stability : tuple of float
        Per group (index = group number): mean best-match Jaccard against the runs.
    theme_stability : tuple of float
        Per theme (index = theme number): the same for the themes.
    """

    group_counts: tuple
    theme_counts: tuple
    resolution: float
    resolution_stability: float | None
    group_stability: tuple
    theme_stability: tuple

    @property
    def n_resamples(self) -> int:
        """Number of runs the counts come from."""
        return len(self.group_counts)

    def group_count_tally(self) -> dict:
        """``{count: runs}`` of the group counts, most frequent first (ties: smaller count)."""
        return _tally(self.group_counts)

    def theme_count_tally(self) -> dict:
        """``{count: runs}`` of the theme counts, most frequent first (ties: smaller count)."""
        return _tally(self.theme_counts)

    def to_dict(self) -> dict:
        """JSON-ready record (tallies with string keys, as JSON needs)."""
        return {
            "n_resamples": self.n_resamples,
            "group_counts": list(self.group_counts),
            "theme_counts": list(self.theme_counts),
            "group_count_tally": {str(k): v for k, v in self.group_count_tally().items()},
            "theme_count_tally": {str(k): v for k, v in self.theme_count_tally().items()},
            "resolution": self.resolution,
            "resolution_stability": self.resolution_stability,
            "group_stability": list(self.group_stability),
            "theme_stability": list(self.theme_stability),
        }


def _tally(counts) -> dict:
    ordered = sorted(Counter(counts).items(), key=lambda kv: (-kv[1], kv[0]))
    return {int(k): int(v) for k, v in ordered}


def measure_confidence(labels, row_themes, resamples, resolution, resolution_stability):
    """A :class:`Confidence` of final ``labels`` and per-row themes ``row_themes`` against the
    ``resamples``: ``(labels, themes)`` per row of each run, ``-1`` where a run has none."""
    k = int(labels.max(initial=-1)) + 1
    n_themes = int(row_themes.max(initial=-1)) + 1
    group_counts, theme_counts, g_stab, t_stab = [], [], [], []
    for run_labels, run_themes in resamples:
        group_counts.append(int(run_labels.max(initial=-1)) + 1)
        theme_counts.append(int(run_themes.max(initial=-1)) + 1)
        seen = run_labels >= 0
        g_stab.append(_stability(np.where(seen, labels, -1), run_labels, k))
        t_stab.append(_stability(np.where(seen, row_themes, -1), run_themes, n_themes))
    return Confidence(
        group_counts=tuple(group_counts), theme_counts=tuple(theme_counts),
        resolution=round(float(resolution), 6),
        resolution_stability=None if resolution_stability is None
        else round(float(resolution_stability), 6),
        group_stability=_mean(g_stab, k), theme_stability=_mean(t_stab, n_themes),
    )


def _mean(rows, width) -> tuple:
    values = np.mean(np.stack(rows), axis=0) if rows else np.zeros(width)
    return tuple(round(float(v), 6) for v in values)


def _stability(reference, other, k) -> np.ndarray:
    if k == 0:
        return np.zeros(0)
    if other.max(initial=-1) < 0:
        return np.zeros(k)
    return np.nan_to_num(best_match_jaccard(reference, other, n_clusters=k), nan=0.0)
