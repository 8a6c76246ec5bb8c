"""The Dask client: connecting to a scheduler, and running tasks as a bounded stream.

Everything that talks to Dask directly lives here; :mod:`~nichefinder.distributed.embed` and
:mod:`~nichefinder.distributed.assign` submit their tasks through :func:`stream`.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Sequence

from ..exceptions import InputError, MissingDependencyError

__all__ = ["CONNECT_TIMEOUT", "connect_scheduler", "require_distributed", "stream"]

#: Seconds :func:`connect_scheduler` waits for the scheduler, and then for a worker.
CONNECT_TIMEOUT = 10.0
_INSTALL = "pip install 'nichefinder[distributed]'  (or: pip install 'dask[distributed]')"


def require_distributed():
    """Import ``distributed`` or raise the install hint."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingDependencyError(
            f"the distributed path needs Dask distributed, which is not installed; {_INSTALL}"
        ) from exc
    return distributed


def connect_scheduler(address: str, *, timeout: float | None = None):
    """Connect a ``distributed.Client`` to a running Dask scheduler that has workers.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``"tcp://10.0.0.5:8786"``.
    timeout : float, optional
        Seconds to wait for the scheduler, and then for at least one worker
        (:data:`CONNECT_TIMEOUT`, 10, by default).

    Returns
    -------
    distributed.Client
        Use it as a context manager, so that it is closed.

    Raises
    ------
    MissingDependencyError
        Dask distributed is not installed.
    InputError
        Nothing answers at ``address``, or the scheduler has no workers.

    Examples
    --------
    >>> with connect_scheduler("tcp://127.0.0.1:8786") as client:  # doctest: +SKIP
    ...     print(sum(client.nthreads().values()), "worker threads")
    """
    distributed = require_distributed()
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        _probe(address, timeout)  # a Client that fails to connect complains again at exit
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"cannot reach the Dask scheduler at {address!r} ({reason}); start one with "
            f"'dask scheduler' and workers with 'dask worker {address}', or check the address "
            "(--scheduler)"
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise InputError(
            f"the Dask scheduler at {address!r} has no workers after {timeout:g} s; start some "
            f"with 'dask worker {address}' on machines where nichefinder is installed"
        ) from exc
    return client


def _probe(address: str, timeout: float) -> None:
    """Open and close a TCP connection to a ``tcp://`` or ``tls://`` address (others pass)."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    scheme, location = parse_address(address)
    if scheme in ("tcp", "tls"):
        host, port = parse_host_port(location)
        socket.create_connection((host, port), timeout=timeout).close()


def stream(client, func, items: Sequence, *args, name: str, scatter: bool = False, **kwargs):
    """Run ``func(item, *args, **kwargs)`` per item; yield ``(index, result)`` as each finishes.

    At most twice as many tasks as the cluster has threads are in flight, so neither the
    driver nor the workers hold the whole input twice. ``scatter`` sends each item to a worker
    first (for arrays: no large task graph), and the task runs where its data lies.
    """
    distributed = require_distributed()
    window = max(2, 2 * sum(client.nthreads().values()))
    prefix = f"nichefinder-{name}-{uuid.uuid4().hex[:12]}"
    pending = iter(enumerate(items))
    # the client's own loop: a client made with set_as_default=False (connect_scheduler, the
    # command line) is no default client, and as_completed() alone would look for one
    running = distributed.as_completed(loop=client.loop)
    outstanding = {}

    def submit_next() -> None:
        for i, item in pending:
            data = client.scatter(item) if scatter else item
            future = client.submit(func, data, *args, key=f"{prefix}-{i}", pure=False, **kwargs)
            outstanding[future.key] = (i, future)
            running.add(future)
            return

    for _ in range(window):
        submit_next()
    try:
        for future in running:
            result = future.result()  # a worker's exception is raised here, as it was raised
            index, _ = outstanding.pop(future.key)
            future.release()
            yield index, result
            submit_next()
    finally:
        if outstanding:  # an error, or the caller stopped: drop what is still queued
            client.cancel([f for _, f in outstanding.values()])
