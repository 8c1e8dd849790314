"""Chunks of years over a Dask cluster: the same kernel as in-process, mapped by a `distributed.Client`.

`--workers K` starts a `LocalCluster` of K single-threaded worker processes; `--scheduler ADDR` joins a
running one. The book is sent to the workers once (`scatter`), each chunk is one task, and the results are
gathered and joined in chunk order, so the numbers are those of the in-process run, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from cyberins.portfolio.simulate import ChunkResult, Mapper, Prepared


def client_mapper(client: Any) -> Mapper:
    """A `Mapper` that runs each chunk as one task on `client`'s cluster."""

    def mapper(
        kernel: Callable[..., ChunkResult], prepared: Prepared, seed: int, work: list[tuple[int, int, int]]
    ) -> Iterable[ChunkResult]:
        from distributed import as_completed

        shared = client.scatter(prepared, broadcast=True)
        futures = [client.submit(kernel, shared, seed, c, start, n, pure=False) for c, start, n in work]
        for future in as_completed(futures):  # type: ignore[no-untyped-call]  # each result as it comes
            yield future.result()
            future.release()

    return mapper


@contextmanager
def dask_mapper(workers: int | None = None, scheduler: str | None = None) -> Iterator[Mapper]:
    """A mapper over a LocalCluster of `workers` single-threaded processes, or the cluster at `scheduler`."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        client = Client(scheduler)  # type: ignore[no-untyped-call]
        try:
            yield client_mapper(client)
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        yield client_mapper(client)
    finally:
        client.close()  # type: ignore[no-untyped-call]
        cluster.close()
