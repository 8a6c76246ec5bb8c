"""datasets.scenarios: audiences composed from labelled texts, with their traps and truth."""

import numpy as np
import pandas as pd
import pytest

from nichefinder.datasets import POST_COLUMNS
from nichefinder.datasets.scenarios import ROLES, build_scenario, read_labelled
from nichefinder.exceptions import InputError


def labelled(n_labels=12, per_label=150, n_categories=6):
    rows = [
        {"text": f"{'word ' * (1 + i % 9)}post {i} on topic {t}", "label": f"L{t}",
         "category": f"C{t % n_categories}"}
        for t in range(n_labels) for i in range(per_label)
    ]
    return pd.DataFrame(rows)


def threaded(n_labels=6, threads=40, per_thread=5):
    rows = []
    for t in range(n_labels):
        for k in range(threads):
            root = f"t{t}_{k}"
            for j in range(per_thread):
                rows.append({
                    "id": f"{root}_{j}", "text": f"reply {j} in thread {k} of {t}",
                    "label": f"L{t}", "author": f"u{(t * 7 + k * 3 + j) % 150}",
                    "timestamp": f"2021-03-{1 + k % 28:02d}T{j:02d}:00:00Z",
                    "reply_to": "" if j == 0 else f"{root}_{j - 1}", "thread": root,
                })
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def scenario():
    return build_scenario(labelled(), n_labels=6, posts_per_label=(50, 70), random_state=3)


def test_posts_in_the_input_schema_and_a_truth_per_row(scenario):
    posts, truth = scenario.posts, scenario.truth
    assert list(posts.columns) == list(POST_COLUMNS)
    assert list(truth.columns) == ["id", "label", "category", "role", "source_row"]
    assert (posts["id"] == truth["id"]).all() and posts["id"].is_unique
    assert set(truth["role"]) == set(ROLES)
    assert (posts["timestamp"].sort_values().to_numpy() == posts["timestamp"].to_numpy()).all()


def test_same_seed_same_scenario_other_seed_another():
    a = build_scenario(labelled(), n_labels=6, random_state=1)
    b = build_scenario(labelled(), n_labels=6, random_state=1)
    c = build_scenario(labelled(), n_labels=6, random_state=2)
    pd.testing.assert_frame_equal(a.posts, b.posts)
    assert not a.posts.equals(c.posts)


def test_genuine_labels_are_spread_over_people_and_weeks(scenario):
    posts, truth = scenario.posts, scenario.truth
    weeks = scenario.parameters["weeks"]
    assert 8 <= weeks <= 16
    stamp = pd.to_datetime(posts["timestamp"])
    for label in scenario.parameters["genuine_labels"]:
        rows = (truth["label"] == label) & (truth["role"] == "genuine")
        authors = posts.loc[rows, "author"].value_counts()
        assert len(authors) >= 15 and authors.iloc[0] > 1  # heavy-tailed: regulars and many
        assert (stamp[rows].dt.isocalendar().week.nunique()) >= 4
    assert scenario.n_categories == len({truth.loc[truth["label"] == g, "category"].iloc[0]
                                         for g in scenario.parameters["genuine_labels"]})


def test_replies_point_at_earlier_posts_of_another_person(scenario):
    posts = scenario.posts
    replies = posts[posts["reply_to"] != ""]
    assert len(replies) > 0.1 * len(posts[scenario.truth["role"] == "genuine"])
    position = {i: k for k, i in enumerate(posts["id"])}
    author = dict(zip(posts["id"], posts["author"], strict=True))
    for i, parent in zip(replies["id"], replies["reply_to"], strict=True):
        assert position[parent] < position[i] and author[parent] != author[i]


def test_traps_look_like_traps(scenario):
    posts, truth = scenario.posts, scenario.truth
    role = truth["role"]
    campaign = posts[role == "campaign"]
    assert campaign["author"].nunique() <= 5
    sources = truth.loc[role == "campaign", "source_row"].to_numpy()
    assert len(set(sources)) <= 3  # near-duplicates of three texts
    originals = {labelled()["text"].iloc[r] for r in sources}
    assert all(any(t.startswith(o) for o in originals) for t in campaign["text"])
    spike = posts[role == "spike"]
    assert spike["timestamp"].str[:10].nunique() == 1 and spike["author"].is_unique
    assert (role == "niche").sum() == 15
    chatter = posts[role == "chatter"]["text"].str.split().str.len()
    assert chatter.median() < posts[role == "genuine"]["text"].str.split().str.len().median()
    held = set(scenario.parameters["genuine_labels"])
    assert not held & set(truth.loc[role.isin(["campaign", "niche", "chatter"]), "label"])


def test_traps_come_from_categories_the_genuine_groups_do_not_use(scenario):
    truth = scenario.truth
    genuine = set(scenario.parameters["genuine_categories"])
    off = set(truth.loc[truth["role"].isin(["campaign", "niche"]), "category"])
    assert off and not off & genuine
    assert set(truth.loc[truth["role"] == "spike", "category"]) <= genuine


def test_source_rows_give_back_the_texts():
    table = labelled()
    s = build_scenario(table, n_labels=6, random_state=0)
    keep = s.truth["role"] != "campaign"
    rows = s.truth.loc[keep, "source_row"].to_numpy()
    assert (table["text"].to_numpy()[rows] == s.posts.loc[keep, "text"].to_numpy()).all()


def test_threads_keep_their_real_authors_and_reply_links():
    table = threaded()
    s = build_scenario(table, n_labels=2, posts_per_label=(60, 80), random_state=0)
    assert s.parameters["threaded"]
    genuine = s.truth["role"] == "genuine"
    assert set(s.posts.loc[genuine, "author"]) <= set(table["author"])
    replies = s.posts[genuine & (s.posts["reply_to"] != "")]
    assert len(replies) > 0.5 * genuine.sum()
    source = table.set_index("id")
    by_id = dict(zip(s.posts["id"], s.truth["source_row"], strict=True))
    for i, parent in zip(replies["id"], replies["reply_to"], strict=True):
        child, up = table.iloc[by_id[i]], table.iloc[by_id[parent]]
        assert source.loc[child["id"], "reply_to"] == up["id"]


def test_too_few_labels_is_an_input_error():
    with pytest.raises(InputError, match="4 labels; a scenario needs at least 5"):
        build_scenario(labelled(n_labels=4), random_state=0)


def test_read_labelled_needs_text_and_label(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("body,label\nhi,a\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column text"):
        read_labelled(path)
    path.write_text("text,label\nhi,a\n ,b\nyo,oos\n", encoding="utf-8")
    assert read_labelled(path, drop_labels=("oos",))["text"].tolist() == ["hi"]


def test_every_genuine_row_is_a_real_text_of_its_label(scenario):
    table = labelled()
    t = scenario.truth
    rows = t["source_row"].to_numpy()
    assert (table["label"].to_numpy()[rows] == t["label"].to_numpy()).all()
    assert np.all(rows >= 0)
