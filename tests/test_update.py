"""nichefinder update: new conversations placed in a saved plan, and drift reported.

Three kinds of plan: a hand-made one with known centroids and precomputed embeddings (exact
verdicts, fast), one made by the pipeline with the fake embedder (persistence, cache, errors),
and one made with the real packaged model on sample data (behaviour, marked slow).
"""

import json
import shutil
from dataclasses import asdict, replace
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import nichefinder
from nichefinder.cli import cli
from nichefinder.config import Thresholds
from nichefinder.exceptions import InputError
from nichefinder.report import read_plan, write_plan
from nichefinder.results import ASSIGNMENT_COLUMNS, Feed, Group, Plan, Score, Summary
from nichefinder.update import update_plan, write_update

from .conftest import SAMPLE, FakeEmbedder

SCHEMA = Path(__file__).resolve().parents[1] / "src/nichefinder/schema/plan.schema.json"
COLUMNS = ["id", "text", "author", "timestamp", "platform", "reply_to"]
DIM = 32


@pytest.fixture(scope="module")
def sample():
    posts = pd.read_csv(SAMPLE / "conversations.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(SAMPLE / "truth.csv", dtype=str)
    return posts.merge(truth, on="id", validate="one_to_one")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# ------------------------------------------------------------ a plan with known centroids


def controlled_plan() -> Plan:
    """Groups 0, 1, 2 at the first three axes (fence 0.6); feeds 0 and 1 serve groups 0 and 1.

    Plan shares: group 0 40%, group 1 30%, group 2 20%, noise 10%.
    """
    scores = {name: Score(0.8, True, ("fine",), {"posts_per_week": 10.0})
              for name in ("identifiable", "substantial", "genuine")}
    sizes = (120, 90, 60)
    groups = tuple(
        Group(g, f"topic {g}", (f"kw{g}",), size, size // 2, (f"post of {g}",), scores,
              verdict, ("why",), feed, {"twitter": size})
        for g, size, verdict, feed in zip(range(3), sizes, ("feed", "feed", "rejected"),
                                          (0, 1, None), strict=True)
    )
    feeds = (Feed(0, "Deliveries", (0,), ("twitter",), 20.0, 2.0),
             Feed(1, "Billing", (1,), ("twitter",), 15.0, 1.5))
    labels = np.repeat([0, 1, 2, -1], [120, 90, 60, 30])
    assignments = pd.DataFrame({
        "id": [f"old{i}" for i in range(300)], "group": labels,
        "feed": pd.array([{0: 0, 1: 1}.get(g) for g in labels], dtype="Int64")})
    return Plan(
        Summary(300, 270, 30, 0, 3, 2), groups, feeds, assignments,
        pd.DataFrame(columns=["source", "row", "id", "reason", "content"]), (),
        {"model": "controlled-32", "random_state": 0, "thresholds": asdict(Thresholds()),
         "clustering": {"merge_threshold": None}, "data_notes": []},
        centroids=np.eye(3, DIM, dtype=np.float32), fences=np.full(3, 0.6),
    )


def near(axis: int, n: int, rng) -> np.ndarray:
    """Unit vectors about 0.87 similar to one axis (and about 0.76 to each other)."""
    v = np.zeros((n, DIM))
    v[:, axis] = 1.0
    v += rng.normal(0, 0.1, (n, DIM))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def scattered(n: int, rng) -> np.ndarray:
    """Unit vectors away from every plan group (axes 4 and up, random directions)."""
    v = np.zeros((n, DIM))
    v[:, 4:] = rng.normal(0, 1, (n, DIM - 4))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def batch(sample, parts, seed=0):
    """New posts from the sample's last weeks: ``parts`` is a list of (topic, n, vectors)."""
    rng = np.random.default_rng(seed)
    recent = sample[pd.to_datetime(sample["timestamp"]) >= "2026-07-15"]
    frames, vectors = [], []
    for topic, n, where in parts:
        rows = recent[(recent["topic"] == topic) & (recent["kind"] != "brand")].tail(n)
        assert len(rows) == n, (topic, len(rows))
        frames.append(rows)
        vectors.append(near(where, n, rng) if where >= 0 else scattered(n, rng))
    posts = pd.concat(frames, ignore_index=True)[COLUMNS].assign(reply_to="")
    return posts, np.vstack(vectors).astype(np.float32)


FITS = [("deliveries", 40, 0), ("billing", 30, 1), ("howto", 20, 2), ("chatter", 10, -1)]
NEW_TOPIC = [("deliveries", 40, 0), ("billing", 30, 1), ("howto", 20, 2), ("careers", 60, 3)]


@pytest.fixture
def plan_dir(tmp_path):
    write_plan(controlled_plan(), tmp_path / "plan")
    return tmp_path / "plan"


def test_same_topics_fit_and_land_in_their_groups(sample, plan_dir):
    posts, vectors = batch(sample, FITS)
    result = update_plan(plan_dir, posts, embeddings=vectors, random_state=0)
    assert result.verdict == "fits", result.reason
    assert result.reason.startswith("90% of the 100 new posts fit the plan's groups (plan: 90%)")
    assert list(result.assignments["group"]) == [0] * 40 + [1] * 30 + [2] * 20 + [-1] * 10
    assert list(result.assignments["feed"].astype("float").fillna(-1)) == (
        [0] * 40 + [1] * 30 + [-1] * 30)
    assert list(result.assignments.columns) == list(ASSIGNMENT_COLUMNS)
    assert result.feeds[["feed", "new_posts", "status"]].values.tolist() == [
        [0, 40, "steady"], [1, 30, "steady"]]
    assert result.new_groups == () and result.collapsed_feeds == ()
    s = result.summary
    assert (s.rows_read, s.rows_assigned, s.rows_noise, s.rows_rejected, s.rows_served) == (
        100, 90, 10, 0, 70)


def test_a_new_topic_emerges_and_calls_for_a_replan(sample, plan_dir):
    posts, vectors = batch(sample, NEW_TOPIC)
    result = update_plan(plan_dir, posts, embeddings=vectors, random_state=0)
    assert result.verdict == "re-plan"
    assert result.reason.startswith("A new group emerged that no feed serves: ")
    (new,) = result.emerging
    assert new.size == 60 and new.n_authors >= 40
    assert {"job", "jobs", "interview", "hiring", "role", "roles"} & set(new.keywords), new.keywords
    assert new.nearest_group in (0, 1, 2) and new.nearest_similarity < 0.3
    assert all(s.passed is not False for s in new.scores.values())
    assert list(result.assignments["new_group"].iloc[90:]) == [0] * 60
    assert result.assignments["new_group"].iloc[:90].isna().all()
    assert result.summary.emerging == 1 and result.summary.rows_outside == 60


def test_a_collapsed_feed_calls_for_a_replan(sample, plan_dir):
    posts, vectors = batch(sample, [("deliveries", 60, 0), ("howto", 30, 2),
                                    ("chatter", 10, -1)])
    result = update_plan(plan_dir, posts, embeddings=vectors, random_state=0)
    assert result.verdict == "re-plan"
    assert result.reason == ("Feed 1 (Billing) got 0 new post(s) where the plan expects 30.")
    assert result.collapsed_feeds == (1,) and result.collapsed_groups == (1,)
    assert result.groups["status"].tolist() == ["steady", "collapsed", "steady"]


def test_much_more_noise_calls_for_a_replan(sample, plan_dir):
    posts, vectors = batch(sample, FITS[:3] + [("chatter", 60, -1)])
    result = update_plan(plan_dir, posts, embeddings=vectors, random_state=0)
    assert result.verdict == "re-plan"
    assert "40% of the new posts fit no group, against 10% in the plan" in result.reason
    assert not result.emerging  # scattered chatter forms nothing the plan would serve


def test_update_files_are_deterministic_and_readable(sample, plan_dir, tmp_path):
    posts, vectors = batch(sample, NEW_TOPIC)
    bad = pd.DataFrame([{"id": "x1", "text": "", "author": "@a", "timestamp": "",
                         "platform": "twitter", "reply_to": ""}])
    posts = pd.concat([posts, bad], ignore_index=True)
    vectors = np.vstack([vectors, np.ones((1, DIM), np.float32)])
    a = write_update(update_plan(plan_dir, posts, embeddings=vectors, random_state=0),
                     tmp_path / "a")
    b = write_update(update_plan(plan_dir, posts, embeddings=vectors, random_state=0),
                     tmp_path / "b")
    assert sorted(p.name for p in a.values()) == [
        "update.json", "update.md", "update_assignments.csv", "update_rejects.csv"]
    for role in a:
        assert a[role].read_bytes() == b[role].read_bytes(), role
    data = json.loads(a["update"].read_text())
    assert data["verdict"] == "re-plan" and data["summary"]["rows_rejected"] == 1
    assert data["summary"]["rows_read"] == 151 == sum(
        data["summary"][k] for k in ("rows_assigned", "rows_noise", "rows_rejected"))
    lines = a["assignments"].read_text().splitlines()
    assert lines[0] == "id,group,feed,similarity,new_group" and len(lines) == 151
    assert "empty" in a["rejects"].read_text()
    md = a["report"].read_text()
    assert "**Verdict: re-plan.** A new group emerged" in md and "## New groups" in md
    # a later update without rejects removes the stale update_rejects.csv
    posts, vectors = batch(sample, FITS)
    write_update(update_plan(plan_dir, posts, embeddings=vectors), tmp_path / "a")
    assert not (tmp_path / "a/update_rejects.csv").exists()


def test_text_only_input_is_judged_without_people_or_time(sample, plan_dir, tmp_path):
    posts, vectors = batch(sample, NEW_TOPIC)
    result = update_plan(plan_dir, posts[["id", "text"]], embeddings=vectors, random_state=0)
    assert result.verdict == "re-plan" and result.emerging[0].n_authors is None
    assert "no timestamps: posts a week could not be measured" in result.notes
    data = json.loads(write_update(result, tmp_path / "out")["update"].read_text())
    assert data["feeds"][0]["posts_per_week"] is None


def test_cli_update_exit_codes(sample, plan_dir, tmp_path):
    posts, vectors = batch(sample, FITS)
    posts.to_csv(tmp_path / "fits.csv", index=False)
    np.save(tmp_path / "fits.npy", vectors)
    result = run("update", plan_dir, tmp_path / "fits.csv", "--embeddings", tmp_path / "fits.npy",
                 "--out", tmp_path / "u1", "--fail-on-drift")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("100 rows read: 90 placed in the plan's groups, 10 fit no group (noise), "
                        "0 rejected.")
    assert lines[1] == "Noise: 10% of new posts (plan: 10%)."
    assert lines[2] == "  feed 0: Deliveries: 40 posts, 40% (plan 40%)"
    assert lines[-2].startswith("Verdict: fits. 90% of the 100 new posts fit")
    assert lines[-1].startswith("Wrote update.json, update_assignments.csv, update.md to ")

    posts, vectors = batch(sample, NEW_TOPIC)
    posts.to_csv(tmp_path / "new.csv", index=False)
    np.save(tmp_path / "new.npy", vectors)
    args = ["update", plan_dir, tmp_path / "new.csv", "--embeddings", tmp_path / "new.npy",
            "--out", tmp_path / "u2"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "New group 0 (emerging): " in result.output
    assert "Verdict: re-plan. A new group emerged" in result.output
    assert run(*args, "--fail-on-drift").exit_code == 1
    # the plan's bars apply unless overridden: with a higher bar nothing emerges
    result = run(*args, "--set", "min_authors=500")
    assert "(below the plan's bars)" in result.output and "emerging)" not in result.output


def test_cli_bad_input_is_one_line_exit_2(plan_dir, tmp_path):
    f = tmp_path / "posts.csv"
    f.write_text("uid,blurb\n1,hello there friend\n")
    result = run("update", plan_dir, f, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: column 'text' not found in posts.csv; columns are: uid, blurb; "
        "the free text looks to be in 'blurb': map it with --columns text=blurb"]
    result = run("update", tmp_path / "nowhere", f, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "no plan at" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = run("update", plan_dir, f, "--set", "min_autors=3")
    assert result.exit_code == 2 and "unknown threshold 'min_autors'" in result.output


def test_update_help():
    result = run("update", "--help")
    assert result.exit_code == 0
    assert "PLAN_DIR NEW_INPUT..." in result.output and "--fail-on-drift" in result.output


# ------------------------------------------------------------ a pipeline plan, fake embedder


@pytest.fixture(scope="module")
def fake_plan(sample, tmp_path_factory):
    """A plan by the pipeline on four sample topics before August, and the held-out posts."""
    topics = sample["topic"].isin(["deliveries", "billing", "howto", "launches"])
    mine = sample[topics & (sample["kind"] == "genuine")]
    early = pd.to_datetime(mine["timestamp"]) < "2026-08-01"
    embedder = FakeEmbedder()
    plan = nichefinder.plan(mine[early].iloc[::3][COLUMNS], model=embedder, random_state=0)
    folder = tmp_path_factory.mktemp("fake") / "plan"
    write_plan(plan, folder)
    return plan, folder, mine[~early].iloc[::3][COLUMNS], embedder


def test_written_plan_holds_what_update_needs(fake_plan, tmp_path):
    plan, folder, _, _ = fake_plan
    data = json.loads((folder / "plan.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    meta = data["centroids"]
    k = len(plan.groups)
    assert (meta["file"], meta["n_groups"], meta["dimensions"]) == ("centroids.npy", k, 64)
    assert np.load(folder / "centroids.npy").shape == (k, 64)
    back = read_plan(folder)
    assert np.array_equal(back.centroids, plan.centroids)
    assert np.array_equal(back.fences, plan.fences)  # full precision, not rounded
    assert back.parameters["model"] == "fake-hash-64"
    write_plan(back, tmp_path / "again")  # same plan, same bytes (no timestamps in the .npy)
    for name in ("plan.json", "centroids.npy"):
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    write_plan(replace(back, centroids=None, fences=None), tmp_path / "again")
    assert not (tmp_path / "again/centroids.npy").exists()
    assert "centroids" not in json.loads((tmp_path / "again/plan.json").read_text())


def test_update_embeds_through_the_cache_and_accounts_for_rows(fake_plan, tmp_path):
    plan, folder, held_out, embedder = fake_plan
    held_out = pd.concat([held_out, held_out.iloc[:2]])  # repeated ids are rejected
    first = update_plan(folder, held_out, model=embedder, random_state=0)
    used = embedder.n_texts
    again = update_plan(plan, held_out, model=embedder, random_state=0)
    assert embedder.n_texts == used  # nothing embedded twice
    assert again.to_dict() == first.to_dict()
    s = first.summary
    assert s.rows_read == len(held_out) and s.rows_rejected == 2
    assert s.rows_assigned + s.rows_noise + s.rows_rejected == s.rows_read
    assert len(first.assignments) == len(held_out) - 2
    groups = first.groups
    assert groups["new_posts"].sum() == s.rows_assigned
    assert groups["plan_posts"].tolist() == [g.size for g in plan.groups]


def test_old_plan_without_centroids_is_a_clean_error(fake_plan, tmp_path):
    _, folder, held_out, embedder = fake_plan
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    (old / "centroids.npy").unlink()
    with pytest.raises(InputError, match=r"has no group centroids \(centroids.npy\).*re-run "
                                         "nichefinder plan"):
        update_plan(old, held_out, model=embedder)
    data = json.loads((old / "plan.json").read_text())
    del data["centroids"]
    (old / "plan.json").write_text(json.dumps(data))
    held_out.to_csv(tmp_path / "week.csv", index=False)
    result = run("update", old, tmp_path / "week.csv", "--out", tmp_path / "out")
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: the plan in ") and "re-run nichefinder plan" in line


def test_mismatched_centroids_and_models_are_errors(fake_plan, tmp_path):
    plan, folder, held_out, _ = fake_plan
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    np.save(broken / "centroids.npy", np.ones((len(plan.groups) + 1, 64), np.float32))
    with pytest.raises(InputError, match="do not belong together"):
        read_plan(broken)

    class Small(FakeEmbedder):
        name = "small-16"

        def embed(self, texts):
            return super().embed(texts)[:, :16]

    with pytest.raises(InputError, match="have 16 dimensions but the plan's centroids 64"):
        update_plan(plan, held_out, model=Small())


# ------------------------------------------------------------ the real model on sample data


@pytest.mark.slow
def test_real_model_fits_held_out_weeks_and_spots_a_new_topic(sample, real_embedder, tmp_path):
    topics = ["deliveries", "billing", "howto", "launches"]
    mine = sample[sample["topic"].isin(topics) & (sample["kind"] == "genuine")]
    early = pd.to_datetime(mine["timestamp"]) < "2026-08-01"
    train, held_out = mine[early].iloc[::3], mine[~early].iloc[::3]
    # the packaged model run by sentence-transformers (loads in seconds, no ONNX export)
    plan = nichefinder.plan(train[COLUMNS], model=real_embedder, random_state=0)
    assert plan.parameters["model"] == "all-MiniLM-L6-v2"
    write_plan(plan, tmp_path / "plan")
    topic_of = (plan.assignments.merge(sample, on="id").query("group >= 0")
                .groupby("group")["topic"].agg(lambda s: s.value_counts().idxmax()))
    assert sorted(topic_of) == sorted(topics)

    # the plan's own model, by the name in plan.json
    same = update_plan(tmp_path / "plan", held_out[COLUMNS], random_state=0)
    assert same.parameters["model"] == "all-MiniLM-L6-v2"
    assert same.verdict == "fits", same.reason
    placed = same.assignments.merge(sample, on="id").query("group >= 0")
    assert (placed["group"].map(topic_of) == placed["topic"]).mean() >= 0.95
    assert same.summary.rows_assigned >= 0.9 * len(held_out)

    careers = sample[(sample["topic"] == "careers") & (sample["kind"] == "genuine")
                     & (pd.to_datetime(sample["timestamp"]) >= "2026-07-10")]
    new = update_plan(tmp_path / "plan", pd.concat([held_out, careers])[COLUMNS],
                      model=real_embedder, random_state=0)
    assert new.verdict == "re-plan"
    assert new.reason.startswith("A new group emerged that no feed serves: ")
    (group,) = new.emerging
    assert {"job", "jobs", "interview", "hiring", "role", "roles"} & set(group.keywords)
    members = new.assignments[new.assignments["new_group"] == group.id].merge(sample, on="id")
    assert (members["topic"] == "careers").mean() >= 0.9
    assert len(members) >= 0.8 * len(careers)


def test_update_into_the_plan_folder_keeps_the_plan_files(sample, plan_dir):
    rejected = pd.DataFrame([{"source": "p.csv", "row": 3, "id": "z", "reason": "empty text",
                              "content": "z,"}])
    saved = read_plan(plan_dir)
    write_plan(replace(saved, rejects=rejected), plan_dir)
    before = {p.name: p.read_bytes() for p in plan_dir.iterdir()}
    posts, vectors = batch(sample, FITS)
    posts = pd.concat([posts, posts.head(1).assign(id="x1", text="")], ignore_index=True)
    vectors = np.vstack([vectors, vectors[:1]])
    write_update(update_plan(plan_dir, posts, embeddings=vectors), plan_dir)
    after = {p.name: p.read_bytes() for p in plan_dir.iterdir()}
    assert {k: v for k, v in after.items() if k in before and k != ".nichefinder-files"} == {
        k: v for k, v in before.items() if k != ".nichefinder-files"}
    assert "empty text" in (plan_dir / "update_rejects.csv").read_text()
