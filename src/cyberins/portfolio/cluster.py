"""Chunks of years over a Dask cluster: the same kernel as in-process, mapped by a `distributed.Client`.

`--workers K` starts a `LocalCluster` of K single-threaded worker processes; `--scheduler ADDR` joins a
running one. The book is sent to the workers once (`scatter`), each chunk is one task, and the results are
gathered and joined in chunk order, so the numbers are those of the in-process run, bit for bit. A few
chunks per worker are in flight at a time, so that each one starts with the latest tail threshold
(`simulate._TailYears`) and sends back only the policy years that can still count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from cyberins.portfolio.simulate import ChunkResult, Mapper, Prepared, Work

#: Chunks in flight per worker thread: one running and one waiting, so that no worker waits on the parent.
IN_FLIGHT_PER_THREAD = 2


def _local_cluster_config() -> dict[str, Any]:
    """Dask's settings for the LocalCluster of `--workers`: its processes share the machine's cores with the
    chunks, so what only a dashboard or a diagnosis reads is switched off or made rare."""
    import dask

    environ = dask.config.get("distributed.nanny.pre-spawn-environ")
    return {
        # Dask sets MALLOC_TRIM_THRESHOLD_ in its workers to give freed memory back to the OS sooner; setting
        # it also stops glibc from raising its mmap threshold, so every large array of every chunk was mapped
        # and zeroed afresh (5x the page faults, 3 s more system CPU in 16,384 years at 10,000 policies). The
        # workers allocate as the in-process run does.
        "distributed.nanny.pre-spawn-environ": {k: v for k, v in environ.items() if k != "MALLOC_TRIM_THRESHOLD_"},
        # The statistical profiler samples each worker's running task every 10 ms, the event-loop watchdog
        # ticks every 20 ms in every server and the system monitor reads psutil twice a second: idle, the
        # cluster spent 9% of a core on them, 3% without.
        "distributed.worker.profile.enabled": False,
        "distributed.admin.tick.interval": "1s",
        "distributed.admin.system-monitor.interval": "5s",
    }


def client_mapper(client: Any) -> Mapper:
    """A `Mapper` that runs each chunk as one task on `client`'s cluster, a few per worker at a time."""

    def mapper(
        kernel: Callable[..., ChunkResult], prepared: Prepared, seed: int, work: Iterable[Work]
    ) -> Iterable[ChunkResult]:
        from distributed import as_completed

        shared = client.scatter(prepared, broadcast=True)
        todo = iter(work)

        def submit(item: Work) -> Any:
            return client.submit(kernel, shared, seed, *item, pure=False)

        slots = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
        running = as_completed([submit(item) for item in islice(todo, slots)])  # type: ignore[no-untyped-call]
        for future in running:  # each result as it comes
            yield future.result()
            future.release()
            # Taken up only now, once the caller has merged that result: the next chunk gets its threshold.
            following = next(todo, None)
            if following is not None:
                running.add(submit(following))  # type: ignore[no-untyped-call]

    return mapper


@contextmanager
def dask_mapper(workers: int | None = None, scheduler: str | None = None) -> Iterator[Mapper]:
    """A mapper over a LocalCluster of `workers` single-threaded processes, or the cluster at `scheduler`."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        client = Client(scheduler)  # type: ignore[no-untyped-call]
        try:
            yield client_mapper(client)
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    with dask.config.set(_local_cluster_config()):
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # The scheduler still serves its health and metrics routes, on 8787 unless told: with another
            # cluster on the machine that port is taken and Dask warns on stderr. Any free port will do.
            scheduler_kwargs={"dashboard_address": ":0"},
        )
    client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        yield client_mapper(client)
    finally:
        client.close()  # type: ignore[no-untyped-call]
        cluster.close()
