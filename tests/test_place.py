"""Sample, then place: the student places what the real model would, and asks it when unsure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nichefinder
from nichefinder import place
from nichefinder.cluster import assign_groups, cluster_embeddings
from nichefinder.embed import embed_texts, normalize_text
from nichefinder.embed.student import LinearStudent
from nichefinder.exceptions import InputError, NotFittedError
from nichefinder.fit import placed_clustering

from .conftest import SAMPLE, FakeEmbedder


class TopicModel:
    """The 'real model' of these tests: a post's true topic plus its words (64 hashed
    dimensions), so that groups are clean and a bag-of-words student can learn them."""

    name = "fake-topic-model"

    def __init__(self):
        conv = pd.read_csv(SAMPLE / "conversations.csv").merge(
            pd.read_csv(SAMPLE / "truth.csv"), on="id")
        topics = sorted(conv["topic"].unique())
        self.topic = {normalize_text(t): topics.index(k)
                      for t, k in zip(conv["text"], conv["topic"], strict=True)}
        self.n_topics = len(topics)
        self.n_texts = 0

    def embed(self, texts):
        self.n_texts += len(texts)
        out = np.zeros((len(texts), 64 + self.n_topics), dtype=np.float32)
        out[:, :64] = 0.6 * FakeEmbedder().embed(texts)
        for i, text in enumerate(texts):
            out[i, 64 + self.topic.get(text, 0)] = 0.8
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class WordsStudentFeatures:
    """A cheap stand-in for the static table, weaker than the model: the model's vector with
    noise (seeded by the text) on top, so that the student errs near the groups' borders."""

    name = "fake-noisy-copy"

    def __init__(self, noise: float = 0.06):
        self.model = TopicModel()
        self.noise = noise

    def embed(self, texts):
        out = self.model.embed(texts)
        for i, text in enumerate(texts):
            rng = np.random.default_rng(hash_word(text) % 2**32)
            out[i] += rng.normal(scale=self.noise, size=out.shape[1]).astype(np.float32)
        return out


def hash_word(word: str) -> int:
    import hashlib

    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def _student():
    return LinearStudent(WordsStudentFeatures(), alpha=1.0)


@pytest.fixture(scope="module")
def texts():
    return pd.read_csv(SAMPLE / "conversations.csv")["text"].tolist()


def _cluster(X):
    return cluster_embeddings(X, random_state=0)


def _place(texts, model, **options):
    student = _student()
    return place.place_posts(texts, lambda t: embed_texts(t, model, cache=False), _cluster,
                             sample_size=1_000, student=student, random_state=0, **options)


def test_the_real_model_alone_is_assignment_of_its_vectors(texts):
    model = TopicModel()
    placed = _place(texts, model, target_agreement=1.0)
    real = embed_texts(texts, TopicModel(), cache=False)
    assert placed.by_model.all() and placed.stats["real_model_share"] == 1.0
    np.testing.assert_array_equal(placed.vectors, real)
    c = placed.clustering
    np.testing.assert_array_equal(placed.labels, assign_groups(real, c.centroids, c.fences)[0])
    assert len(placed.sample_rows) == 1_000 and c.labels.shape == (1_000,)


def test_the_student_agrees_and_asks_the_model_for_the_unsure_posts(texts):
    alone = _place(texts, TopicModel(), target_agreement=1.0)
    model = TopicModel()
    placed = _place(texts, model)
    stats = placed.stats
    # the same sample and clustering; the real model embedded the sample and a minority
    np.testing.assert_array_equal(placed.sample_rows, alone.sample_rows)
    np.testing.assert_array_equal(placed.clustering.centroids, alone.clustering.centroids)
    assert 0 < stats["placed_by_model"] < stats["unique_texts"] - stats["sample_texts"]
    assert model.n_texts == stats["sample_texts"] + stats["placed_by_model"]
    share = model.n_texts / stats["unique_texts"]
    assert stats["real_model_share"] == pytest.approx(share, abs=1e-5)
    assert placed.by_model[placed.sample_rows].all()
    np.testing.assert_array_equal(placed.vectors[placed.by_model], alone.vectors[placed.by_model])
    agreement = np.mean(placed.labels == alone.labels)
    assert agreement >= 0.97, agreement
    # what the student placed on its own, it placed as the real model would, nearly always
    own = ~placed.by_model
    assert own.sum() > 1_000 and np.mean(placed.labels[own] == alone.labels[own]) >= 0.95


def test_calibration_sends_the_low_margins_to_the_model():
    margin = np.array([0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.01, 0.0])
    agrees = np.array([True, True, True, False, True, False, False, True])
    threshold, expected = place._calibrate(margin, agrees, 1 - 1 / 8)
    assert threshold == pytest.approx(0.1) and expected == pytest.approx(7 / 8)
    assert place._calibrate(margin, np.zeros(8, dtype=bool), 0.99) == (np.inf, 1.0)
    assert place._calibrate(margin, np.ones(8, dtype=bool), 0.99)[0] == 0.0
    # a text posted many times weighs as many posts: its error alone exceeds the budget
    weight = np.array([1, 1, 1, 20, 1, 1, 1, 1])
    assert place._calibrate(margin, agrees, 0.9, weight)[0] == pytest.approx(0.3)


def test_margins():
    centroids = np.eye(3, dtype=np.float32)
    X = np.array([[1, 0, 0], [0.6, 0.55, 0], [0.3, 0.2, 0.1]], dtype=np.float32)
    labels, margin = place.student_margins(X, centroids, [0.5, 0.5, 0.5])
    assert labels.tolist()[:2] == [0, 0]
    assert margin[0] > 0.4 and margin[1] < 0.1  # between two groups
    assert margin[2] < 0.25  # near the fence


def test_student_fits_and_refuses():
    with pytest.raises(NotFittedError, match="LinearStudent is not fitted"):
        LinearStudent(FakeEmbedder()).predict(["a"])
    with pytest.raises(InputError, match="a student needs two or more texts"):
        LinearStudent(FakeEmbedder()).fit(["a", "b"], np.ones((3, 4)))
    student = LinearStudent(FakeEmbedder()).fit(["parcel late", "refund please"], np.eye(2))
    assert student.predict([]).shape == (0, 2)
    with pytest.raises(InputError, match="target_agreement=0"):
        place.place_posts(["a"], None, None, sample_size=1, target_agreement=0)


def test_placed_clustering_gives_every_post_a_numbered_group(texts, monkeypatch):
    monkeypatch.setattr(place, "LinearStudent", _student)
    vectors, clustering, stats = placed_clustering(
        texts, TopicModel(), cache=False, sample_size=1_000, random_state=0)
    assert vectors.shape[0] == len(texts) == clustering.labels.shape[0]
    sizes = np.bincount(clustering.labels[clustering.labels >= 0])
    assert (np.diff(sizes) <= 0).all() and clustering.n_groups >= 5  # numbered by size
    assert clustering.parameters["sample_size"] == 1_000
    assert clustering.parameters["placement"]["real_model_share"] < 1
    assert stats["placement"] == clustering.parameters["placement"] and not stats["cache"]


def test_the_estimator_places_above_the_sample_size(texts, monkeypatch, tmp_path):
    monkeypatch.setattr(place, "LinearStudent", _student)
    model = TopicModel()
    finder = nichefinder.NicheFinder(model, sample_size=1_000, random_state=0,
                                     cache=tmp_path / "c.sqlite")
    finder.fit(SAMPLE / "conversations.csv")
    placed = finder.embedding_stats_["placement"]
    assert 0 < placed["real_model_share"] < 1
    assert finder.embedding_stats_["embedded"] == placed["sample_texts"] + placed["placed_by_model"]
    assert finder.plan().summary.feeds >= 3
    every = nichefinder.NicheFinder(TopicModel(), sample_size=1_000, placement="model",
                                    random_state=0, cache=False).fit(SAMPLE / "conversations.csv")
    assert "placement" not in every.embedding_stats_
    with pytest.raises(InputError, match="placement='all'; use 'student' or 'model'"):
        nichefinder.NicheFinder(model, placement="all").fit(SAMPLE / "conversations.csv")
