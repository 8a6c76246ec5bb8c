"""The distributed path: embedding and group assignment on a Dask cluster.

For corpora beyond one machine the two stages that touch every post run on the workers of an
existing `Dask distributed <https://distributed.dask.org>`_ cluster; everything else is the
single-machine pipeline, which stays the default.

What runs where
---------------
* **Driver** (the process that calls :func:`plan`): reading and validating the input, the
  embedding cache (SQLite, looked up before anything is sent and filled as results arrive),
  clustering the seeded sample (``sample_size`` rows), describing, scoring, feeds, staffing
  and the report.
* **Workers**: embedding the texts the cache does not hold (each worker process loads the model
  once) and placing every post in a group (:func:`nichefinder.cluster.assign_groups` over row
  blocks).

The groups equal the local path's for the same data, seed and ``sample_size``: the workers
call the model on the same batches as :func:`~nichefinder.embed.embed_texts`, so the vectors
are the same, and assignment is row-wise, so blocks of rows get the same labels (ARI 1.0 on
the sample data and on banking77; ``docs/distributed.md`` has the figures).

Why Dask rather than Ray: its wheels are pure Python and a few MB (Ray's is ~80 MB and brings
its own object store and raylet processes); it passes numpy arrays and pandas frames natively;
a ``LocalCluster`` of worker processes tests exactly the code that talks to a real
``dask scheduler``.

Examples
--------
>>> from distributed import Client  # doctest: +SKIP
>>> from nichefinder.distributed import plan  # doctest: +SKIP
>>> with Client("tcp://scheduler:8786") as client:  # doctest: +SKIP
...     p = plan("posts.parquet", client=client, staff="staff.csv", random_state=0)
"""

from .assign import CHUNK_ROWS, DaskAssigner
from .client import CONNECT_TIMEOUT, connect_scheduler
from .embed import PARTITION_SIZE, embed_distributed
from .pipeline import fit_distributed, plan

__all__ = [
    "CHUNK_ROWS",
    "CONNECT_TIMEOUT",
    "PARTITION_SIZE",
    "DaskAssigner",
    "connect_scheduler",
    "embed_distributed",
    "fit_distributed",
    "plan",
]
