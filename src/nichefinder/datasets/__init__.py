"""Datasets: a synthetic audience for demos, the sample data and scenario tests.

Not part of the pipeline: nothing in the library imports it. :func:`make_sample_corpus` makes the
conversations of ``sample_data/`` (a fictional brand's audience, with genuine topics and the
traps a channel plan must not turn into feeds), :func:`make_staff_roster` its staff, and the
``make_*`` building blocks (:mod:`~nichefinder.datasets.blocks`) the scenarios of the tests, and
:func:`toy_groups` a small groups table for the examples.
The words they are made of are data, in ``kettle_and_crumb.json``
(:mod:`~nichefinder.datasets.text`).
"""

from .blocks import (
    BRAND,
    POST_COLUMNS,
    SAMPLE_DAYS,
    SAMPLE_START,
    TOPICS,
    TRAPS,
    TRUTH_COLUMNS,
    make_campaign,
    make_chatter,
    make_group,
    make_niche,
    make_spike,
)
from .corpus import combine_posts, make_sample_corpus, make_staff_roster, split_truth
from .toy import toy_groups

__all__ = [
    "BRAND",
    "POST_COLUMNS",
    "SAMPLE_DAYS",
    "SAMPLE_START",
    "TOPICS",
    "TRAPS",
    "TRUTH_COLUMNS",
    "combine_posts",
    "make_campaign",
    "make_chatter",
    "make_group",
    "make_niche",
    "make_sample_corpus",
    "make_spike",
    "make_staff_roster",
    "split_truth",
    "toy_groups",
]
