"""Spikes: newcomers' posts on a day far above their usual number."""

from __future__ import annotations

import numpy as np

from nichefinder.score.spikes import newcomer_rows, single_day_mask


def audience(spike_accounts=30, spike_day=20, regulars=20, days=60, daily_newcomers=0):
    """Regulars posting every third day, ``daily_newcomers`` single-use accounts a day, and a
    spike of single-use accounts on one day."""
    day, who = [], []
    for r in range(regulars):
        for d in range(r % 3, days, 3):
            day.append(d)
            who.append(f"reg{r}")
    for d in range(days):
        for k in range(daily_newcomers):
            day.append(d)
            who.append(f"new{d}_{k}")
    for k in range(spike_accounts):
        day.append(spike_day)
        who.append(f"spike{k}")
    role = ["regular"] * (len(day) - spike_accounts) + ["spike"] * spike_accounts
    return np.array(day), np.array(who, dtype=object), np.array(role)


def test_a_flood_of_single_day_accounts_is_marked_and_the_regulars_are_not():
    day, who, role = audience()
    marked = newcomer_rows(day, who)
    assert marked[role == "spike"].all()
    assert not marked[role == "regular"].any()


def test_a_day_with_a_few_more_newcomers_than_usual_is_not_a_spike():
    # five newcomers every day; the spike day has 35: seven times the usual, under ten
    day, who, role = audience(daily_newcomers=5)
    assert not newcomer_rows(day, who).any()
    assert newcomer_rows(day, who, factor=5.0)[role == "spike"].all()


def test_too_few_accounts_are_not_a_spike_however_quiet_the_other_days():
    day, who, _ = audience(spike_accounts=9)
    assert not newcomer_rows(day, who).any()
    # the nine posting twice each that day: 18 posts, still nine accounts
    twice = np.isin(who, [f"spike{k}" for k in range(9)])
    day2, who2 = np.concatenate([day, day[twice]]), np.concatenate([who, who[twice]])
    assert not newcomer_rows(day2, who2).any()
    assert newcomer_rows(day2, who2, min_accounts=9)[len(day) - 9:].all()


def test_rows_count_their_own_newcomers_against_newcomers_of_all_rows():
    day, who, role = audience(spike_accounts=30, daily_newcomers=4)
    # the whole audience: 34 newcomers that day against 4 a day, no spike (factor 10)
    assert not newcomer_rows(day, who).any()
    # the spike's topic (its rows and a few regulars): 30 newcomers against none
    rows = np.concatenate([np.flatnonzero(role == "spike"), np.arange(40)])
    marked = newcomer_rows(day, who, rows)
    assert marked[:30].all() and not marked[30:].any()


def test_unknown_authors_and_days_are_never_newcomers():
    day = np.array([5] * 12 + [-1, 3])
    who = np.array([None, "", "[deleted]", "[removed]"] * 3 + ["x", "y"], dtype=object)
    assert single_day_mask(day, who).tolist() == [False] * 13 + [True]
    assert not newcomer_rows(day, who, min_accounts=1).any()
    assert not newcomer_rows(np.array([-1, -1]), np.array(["a", "b"], dtype=object)).any()


def test_the_single_day_accounts_of_the_measurements_are_the_mask_s():
    import pandas as pd

    from nichefinder.groups import build_groups
    from nichefinder.score.authors import single_day_accounts

    who = ["ann", "ann", "bob", "bob", "[deleted]", "", None, "cy"]
    days = [0, 0, 1, 2, 3, 3, 4, 5]
    posts = pd.DataFrame({"id": [f"p{i}" for i in range(8)], "text": ["x"] * 8,
                          "author": pd.array(who, dtype="string"),
                          "timestamp": pd.to_datetime("2026-01-01", utc=True)
                          + pd.to_timedelta(days, unit="D")})
    table = build_groups(posts, np.zeros(8, dtype=int), np.eye(8, dtype=np.float32))
    # placeholders and blanks are nobody's account, in the dict as in the mask
    assert single_day_accounts(table) == {"ann": 0, "cy": 5}
    mask = single_day_mask(table.timeline.day, table.authors)
    assert sorted(set(table.authors[mask])) == ["ann", "cy"]
