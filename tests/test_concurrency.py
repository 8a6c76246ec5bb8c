"""Four ``nichefinder plan`` processes at once on one fresh cache, five times: all succeed, the
model files are built once (under the build lock) and the cache holds each text once."""

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nichefinder.embed.cache import EmbeddingCache
from nichefinder.embed.texts import unique_texts

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("refund order late parcel coffee beans grinder espresso milk latte descale app login "
         "courier tracking invoice discount launch edition recipe").split()
N_PROCESSES, N_ROUNDS = 4, 5


def inputs(folder: Path) -> tuple[list[Path], set[str]]:
    """Four small files sharing most of their texts (so the processes write the same keys)."""
    rng = random.Random(0)
    pool = sorted({" ".join(rng.sample(WORDS, 6)) for _ in range(80)})
    paths = []
    for k in range(N_PROCESSES):
        texts = random.Random(k).sample(pool, 50)
        path = folder / f"posts-{k}.csv"
        path.write_text("text,author,timestamp\n" + "".join(
            f"{t},@u{i % 9},2026-01-{1 + i % 28:02d}\n" for i, t in enumerate(texts)))
        paths.append(path)
    used = {line.split(",")[0] for p in paths for line in p.read_text().splitlines()[1:]}
    return paths, used


def link_models(source: Path, target: Path) -> None:
    """A fresh cache that shares the model files already built (embeddings start empty)."""
    shutil.copytree(source / "models", target / "models", copy_function=os.link,
                    ignore=shutil.ignore_patterns("*.lock"))


@pytest.mark.slow
def test_four_plans_at_once_on_a_fresh_cache(tmp_path):
    paths, texts = inputs(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1"}
    unique, _ = unique_texts(sorted(texts))
    wanted = {EmbeddingCache.key(t) for t in unique}
    first = None
    for round_ in range(N_ROUNDS):
        cache = tmp_path / f"cache-{round_}"
        cache.mkdir()
        if first is not None:  # round 0 builds the model files, four processes racing
            link_models(first, cache)
        runs = [subprocess.Popen(
            [sys.executable, "-m", "nichefinder", "-q", "plan", str(p), "--out",
             str(tmp_path / f"out-{round_}-{k}")], env={**env, "NICHEFINDER_CACHE": str(cache)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for k, p in enumerate(paths)]
        outputs = [run.communicate(timeout=900)[0] for run in runs]
        assert [run.returncode for run in runs] == [0] * N_PROCESSES, outputs
        assert not any("Traceback" in out or "locked" in out for out in outputs), outputs
        with sqlite3.connect(cache / "embeddings.sqlite") as db:
            rows = db.execute("SELECT model, key FROM vectors").fetchall()
        held = set(rows)
        assert len(rows) == len(held)  # each text once
        # every input text is there (plans also cache what staffing and intents embed)
        assert wanted <= {key for _, key in held}, round_
        first = first or cache
    models = [p for p in (first / "models").rglob("*.onnx")]
    assert sorted(p.name for p in models) == ["model-int8.onnx", "model.onnx"]
    assert not list((first / "models").rglob("*.tmp")) and not list(
        (first / "models").rglob("*-inferred.onnx"))
