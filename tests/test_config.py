"""Thresholds: defaults, replace, and reading TOML/YAML with clear errors."""

from __future__ import annotations

import dataclasses

import pytest

from nichefinder.config import Thresholds, load_thresholds
from nichefinder.exceptions import InputError


def test_defaults_are_documented_and_sensible():
    th = Thresholds()
    doc = Thresholds.__doc__
    for f in dataclasses.fields(Thresholds):
        assert f.name in doc, f"{f.name} is not documented"
    assert th.min_posts == 30 and th.min_share == 0.01
    assert th.min_posts_for(0) == 30
    assert th.min_posts_for(3001) == 31  # ceil(1% of 3001)


def test_replace_and_frozen():
    th = Thresholds().replace(min_authors=20, max_top_author_share=0.4)
    assert (th.min_authors, th.max_top_author_share) == (20, 0.4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        th.min_authors = 3  # type: ignore[misc]
    with pytest.raises(InputError, match=r"unknown threshold 'min_fans'; (did you mean .*\? )?"
                                         r"valid thresholds are: min_cohesion, .*min_authors"):
        th.replace(min_fans=3)


def test_bad_values_in_constructor():
    with pytest.raises(InputError, match=r"min_authors = 'ten' has the wrong type \(str\)"):
        Thresholds(min_authors="ten")
    with pytest.raises(InputError, match="min_posts = 2.5 has the wrong type .*whole number"):
        Thresholds(min_posts=2.5)
    with pytest.raises(InputError, match="max_top_author_share = 1.5 is a share"):
        Thresholds(max_top_author_share=1.5)
    with pytest.raises(InputError, match="min_authors = -1 is negative"):
        Thresholds(min_authors=-1)
    with pytest.raises(InputError, match="merge_same_theme = 1 has the wrong type"):
        Thresholds(merge_same_theme=1)
    with pytest.raises(InputError, match="posts_per_hour must be > 0"):
        Thresholds(posts_per_hour=0)


def test_load_toml_table_and_top_level(tmp_path):
    p = tmp_path / "nichefinder.toml"
    p.write_text("[thresholds]\nmin_authors = 20\nmax_duplicate_share = 0.2\n", encoding="utf-8")
    th = load_thresholds(p)
    assert th == Thresholds(min_authors=20, max_duplicate_share=0.2)
    q = tmp_path / "flat.toml"
    q.write_text("min_posts = 50\nmin_cohesion = 0.4\n", encoding="utf-8")
    assert load_thresholds(q) == Thresholds(min_posts=50, min_cohesion=0.4)


def test_load_yaml(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("thresholds:\n  min_weeks_active: 4\n  merge_same_theme: false\n",
                 encoding="utf-8")
    assert load_thresholds(p) == Thresholds(min_weeks_active=4, merge_same_theme=False)
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    assert load_thresholds(empty) == Thresholds()


def test_load_unknown_key_names_it_and_the_valid_ones(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text("[thresholds]\nmin_autors = 20\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown threshold 'min_autors' in .*t\.toml; "
                                         r"did you mean 'min_authors'\? "
                                         r"valid thresholds are: .*min_authors") as err:
        load_thresholds(p)
    assert err.value.path == str(p)


def test_load_wrong_type(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("min_authors: many\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"min_authors = 'many' has the wrong type .*t\.yaml"):
        load_thresholds(p)


def test_load_bad_files(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_thresholds(tmp_path / "missing.toml")
    bad = tmp_path / "t.toml"
    bad.write_text("min_authors = = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read thresholds file"):
        load_thresholds(bad)
    ini = tmp_path / "t.ini"
    ini.write_text("x=1", encoding="utf-8")
    with pytest.raises(InputError, match=r"suffix '\.ini'; use \.toml, \.yaml or \.yml"):
        load_thresholds(ini)
    lst = tmp_path / "l.yaml"
    lst.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="must hold a mapping"):
        load_thresholds(lst)
