"""The distributed path on a local cluster of two worker processes: same vectors, same groups."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score

import nichefinder
from nichefinder import distributed as nfd
from nichefinder.cli import cli
from nichefinder.cluster import assign_groups
from nichefinder.embed import EmbeddingCache, embed_texts, normalize_text
from nichefinder.exceptions import EmbeddingError, InputError, MissingDependencyError

from .conftest import ROOT, SAMPLE, FakeEmbedder

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def posts():
    return pd.read_csv(SAMPLE / "conversations.csv")


class TopicEmbedder:
    """Deterministic test vectors with real structure: a post's true topic plus its words.

    Sent to the workers by pickle, so it lives at module level (importable there).
    """

    name = "fake-topic"

    def __init__(self):
        conv = pd.read_csv(SAMPLE / "conversations.csv").merge(
            pd.read_csv(SAMPLE / "truth.csv"), on="id"
        )
        topics = sorted(conv["topic"].unique())
        pairs = zip(conv["text"], conv["topic"], strict=True)
        self.topic = {normalize_text(t): topics.index(k) for t, k in pairs}
        self.n_topics = len(topics)

    def embed(self, texts):
        out = np.zeros((len(texts), 64 + self.n_topics), dtype=np.float32)
        out[:, :64] = 0.7 * FakeEmbedder().embed(texts)
        for i, text in enumerate(texts):
            out[i, 64 + self.topic.get(text, 0)] = 0.7
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class SlowFailingEmbedder(FakeEmbedder):
    """The fake embedder, except that a batch holding 'BOOM' fails after a second."""

    def embed(self, texts):
        if any("BOOM" in t for t in texts):
            import time

            time.sleep(1.0)
            raise EmbeddingError("model fell over")
        return super().embed(texts)


# -- embedding -------------------------------------------------------------------------------


@pytest.mark.slow
def test_embeddings_equal_local_with_the_packaged_model(client, posts, tmp_path):
    texts = posts["text"].tolist()[:200] + posts["text"].tolist()[:20]  # duplicates too
    local = embed_texts(texts, None, cache=False)
    store = EmbeddingCache(tmp_path / "cache.sqlite")
    got = nfd.embed_distributed(texts, client, None, cache=store, partition_size=100)
    assert got.shape == local.shape and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    assert (got * local).sum(axis=1).min() > 0.999
    n_unique = len({normalize_text(t) for t in texts})
    assert (store.hits, store.misses) == (0, n_unique)
    again = nfd.embed_distributed(texts, client, None, cache=store, partition_size=100)
    assert (store.hits, store.misses) == (n_unique, n_unique)  # the second call embedded nothing
    assert np.array_equal(again, got)


def test_embeddings_of_an_embedder_object_equal_local_exactly(client, posts):
    texts = posts["text"].tolist()[:500]
    local = embed_texts(texts, FakeEmbedder(), cache=False)
    got = nfd.embed_distributed(texts, client, FakeEmbedder(), cache=False, partition_size=64)
    assert np.array_equal(got, local)
    assert nfd.embed_distributed([], client, FakeEmbedder(), cache=False).shape == (0, 0)


def test_finished_partitions_stay_cached_when_a_run_fails(client, tmp_path):
    texts = [f"post number {i} about parcels {'x' * i}" for i in range(40)] + ["BOOM"]
    path = tmp_path / "cache.sqlite"
    with pytest.raises(EmbeddingError, match="model fell over"):
        nfd.embed_distributed(texts, client, SlowFailingEmbedder(), cache=path,
                              partition_size=10, batch_size=10)
    store = EmbeddingCache(path)
    nfd.embed_distributed(texts, client, FakeEmbedder(), cache=store, partition_size=10,
                          batch_size=10)
    assert (store.hits, store.misses) == (40, 1)  # only the failed partition is embedded again


def test_bad_partition_size(client):
    with pytest.raises(InputError, match="partition_size must be an integer >= 1; got 0"):
        nfd.embed_distributed(["a"], client, FakeEmbedder(), partition_size=0)


# -- assignment ------------------------------------------------------------------------------


def _blobs(n=5_000, d=32, k=12, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d))
    X = centres[rng.integers(k, size=n)] + rng.normal(scale=0.8, size=(n, d))
    X[1_000:1_050] = 0.0  # a block of zero vectors: noise, not an error
    C = centres / np.linalg.norm(centres, axis=1, keepdims=True)
    fences = rng.uniform(0.3, 0.7, size=k)
    return X.astype(np.float32), C.astype(np.float32), fences


@pytest.mark.parametrize("assign_noise", [True, False])
def test_dask_assigner_equals_assign_groups(client, assign_noise):
    X, C, fences = _blobs()
    labels, similarity = nfd.DaskAssigner(client, chunk_rows=50)(
        X, C, fences, assign_noise=assign_noise
    )
    want_labels, want_similarity = assign_groups(X, C, fences, assign_noise=assign_noise)
    assert labels.dtype == want_labels.dtype and similarity.dtype == want_similarity.dtype
    assert np.array_equal(labels, want_labels)
    assert (labels[1_000:1_050] == -1).all() and (labels >= 0).mean() > 0.5
    # float32 dot products round by BLAS block size and threads, as between two local runs
    np.testing.assert_allclose(similarity, want_similarity, rtol=0, atol=1e-6)


def test_dask_assigner_raises_what_assign_groups_raises(client):
    X, C, fences = _blobs(n=100)
    X[7] = np.nan
    with pytest.raises(InputError, match="NaN or infinite values in 1 row"):
        nfd.DaskAssigner(client)(X, C, fences)
    with pytest.raises(InputError, match="do not fit embeddings"):
        nfd.DaskAssigner(client)(X[:5, :10], C, fences)
    labels, _ = nfd.DaskAssigner(client)(X[:0], C, fences)
    assert labels.shape == (0,)


# -- the pipeline ----------------------------------------------------------------------------


def test_distributed_plan_has_the_local_groups_and_feeds(client):
    options = dict(staff=SAMPLE / "staff.csv", sample_size=2_000, random_state=0, cache=False)
    local = nichefinder.plan(SAMPLE / "conversations.csv", model=TopicEmbedder(),
                             placement="model", **options)
    remote = nfd.plan(SAMPLE / "conversations.csv", client=client, model=TopicEmbedder(),
                      partition_size=500, chunk_rows=700, **options)
    assert remote.parameters["clustering"]["sample_size"] == 2_000  # assignment ran
    assert remote.summary.feeds > 3
    a, b = local.assignments, remote.assignments
    assert list(a["id"]) == list(b["id"])
    assert adjusted_rand_score(a["group"], b["group"]) >= 0.95
    assert [f.to_dict() for f in remote.feeds] == [f.to_dict() for f in local.feeds]


def test_fit_distributed_counts_what_the_cluster_embedded(client, posts, tmp_path):
    finder = nichefinder.NicheFinder(TopicEmbedder(), random_state=0, cache=tmp_path / "c.sqlite")
    frame = posts.head(400)
    nfd.fit_distributed(finder, frame, client=client)
    assert finder.embedding_stats_["embedded"] == frame["text"].map(normalize_text).nunique()
    assert finder.assigner is None  # no client left behind in the estimator
    nfd.fit_distributed(finder, frame, client=client)
    assert finder.embedding_stats_["embedded"] == 0
    assert finder.embedding_stats_["hit_rate"] == 1.0


# -- the CLI and errors ----------------------------------------------------------------------


def test_cli_scheduler_runs_the_plan_on_the_cluster(client, posts, tmp_path):
    posts.head(400).to_csv(tmp_path / "posts.csv", index=False)
    rows = [normalize_text(t) for t in posts["text"].head(400)]
    np.save(tmp_path / "vectors.npy", TopicEmbedder().embed(rows))
    result = CliRunner().invoke(cli, [
        "plan", str(tmp_path / "posts.csv"), "--embeddings", str(tmp_path / "vectors.npy"),
        "--out", str(tmp_path / "out"), "--scheduler", client.scheduler.address,
    ])
    assert result.exit_code == 0, result.output
    assert "400 posts, vectors given" in result.output
    assert (tmp_path / "out" / "plan.json").exists()


def test_cli_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(nfd.client, "CONNECT_TIMEOUT", 1.0)
    result = CliRunner().invoke(
        cli, ["plan", str(SAMPLE / "conversations.csv"), "--out", str(tmp_path / "out"),
              "--scheduler", "tcp://127.0.0.1:9"],
    )
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'")


def test_a_scheduler_without_workers_is_refused():
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        with pytest.raises(InputError, match="has no workers after 1 s; start some with"):
            nfd.connect_scheduler(empty.scheduler_address, timeout=1)


def test_missing_dask_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    for call in (
        lambda: nfd.connect_scheduler("tcp://127.0.0.1:8786"),
        lambda: nfd.embed_distributed(["a"], None),
        lambda: nfd.DaskAssigner(None)(np.eye(2), np.eye(2), [0.5, 0.5]),
        lambda: nfd.plan(SAMPLE / "conversations.csv", client=None),
    ):
        with pytest.raises(MissingDependencyError, match=r"pip install 'nichefinder\[distributed"):
            call()


def test_public_names():
    assert nichefinder.embed_distributed is nfd.embed_distributed
    assert nichefinder.DaskAssigner is nfd.DaskAssigner


# -- the command line against real scheduler and worker processes -----------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args, env) -> subprocess.Popen:
    """``dask <args>`` as a user runs it, from this interpreter's environment."""
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed beside this Python")
    return subprocess.Popen([str(dask), *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_workers(address: str, n: int, timeout: float = 40.0) -> None:
    with distributed.Client(address, timeout=timeout, set_as_default=False) as probe:
        probe.wait_for_workers(n, timeout=timeout)


@pytest.fixture
def real_cluster(tmp_path):
    """``dask scheduler`` and ``dask worker --nworkers 2`` processes on loopback, free ports."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port),
                   "--dashboard-address", f"127.0.0.1:{_free_port()}", env=env)]
    try:
        deadline = time.monotonic() + 30
        while True:  # the scheduler takes a few seconds to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    pytest.fail(f"dask scheduler did not start: {procs[0].stderr.read()[-2000:]}")
                time.sleep(0.3)
        procs.append(_dask("worker", address, "--nworkers", "2", "--nthreads", "1",
                           "--no-dashboard", "--memory-limit", "0",
                           "--local-directory", str(tmp_path / "dask"), env=env))
        _wait_for_workers(address, 2)
        yield address, env
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.slow
def test_cli_plan_on_real_scheduler_and_worker_processes(real_cluster, posts, tmp_path):
    """The command a user runs, ``nichefinder plan --scheduler``, with no default client in
    the process: the real model embeds on the workers, assignment runs there, and the groups
    are those of the local path."""
    address, env = real_cluster
    posts.head(600).to_csv(tmp_path / "posts.csv", index=False)
    common = [sys.executable, "-m", "nichefinder", "plan", str(tmp_path / "posts.csv"),
              "--sample-size", "300", "--placement", "model", "--no-cache",
              "--random-state", "0"]
    local = subprocess.run([*common, "--out", str(tmp_path / "local")], env=env,
                           capture_output=True, text=True, timeout=300)
    assert local.returncode == 0, local.stderr[-3000:]
    remote = subprocess.run([*common, "--out", str(tmp_path / "remote"), "--scheduler", address],
                            env=env, capture_output=True, text=True, timeout=300)
    assert remote.returncode == 0, remote.stderr[-3000:]
    assert "Traceback" not in remote.stderr
    a = pd.read_csv(tmp_path / "local" / "assignments.csv")
    b = pd.read_csv(tmp_path / "remote" / "assignments.csv")
    assert list(a["id"]) == list(b["id"]) and len(a) == 600
    assert a["group"].nunique() > 3
    assert adjusted_rand_score(a["group"], b["group"]) >= 0.95
