"""Where work items run: a local process pool (threads that each wait on one subprocess) or a
Dask distributed cluster. Both run :func:`execute.execute`; only submission differs."""
from __future__ import annotations

import concurrent.futures as cf
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from regresslib import execute as _execute_mod  # noqa: E402
from regresslib.execute import execute  # noqa: E402


class LocalPool:
    """JOBS concurrent subprocesses on this machine."""

    kind = "local"

    def __init__(self, jobs: int):
        self.jobs = max(1, int(jobs))
        self._ex = cf.ThreadPoolExecutor(self.jobs)

    def submit(self, *args, **kw):
        return self._ex.submit(execute, *args, **kw)

    def as_completed(self, futures) -> Iterator:
        return cf.as_completed(futures)

    def wait_first(self, futures) -> tuple[set, set]:
        done, rest = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
        return set(done), set(rest)

    def describe(self) -> str:
        return f"local pool of {self.jobs} processes"

    def close(self) -> None:
        self._ex.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    """A Dask distributed scheduler (``tcp://host:port``); each worker thread runs one item.

    The function is shipped by value (cloudpickle), so workers need no import path set up; they
    need the repository at the same path (shared file system) and its .venv.
    """

    kind = "dask"

    def __init__(self, scheduler: str):
        import cloudpickle
        from distributed import Client
        cloudpickle.register_pickle_by_value(_execute_mod)
        self.address = scheduler
        self.client = Client(scheduler, timeout="30s")
        self.jobs = sum(self.client.nthreads().values()) or 1

    def submit(self, *args, **kw):
        # pure=False: two identical commands (e.g. a rerun) are separate tasks; retries=0: a
        # failing or timed-out item is a result, not something for Dask to repeat.
        return self.client.submit(execute, *args, pure=False, retries=0, **kw)

    def as_completed(self, futures) -> Iterator:
        from distributed import as_completed
        return as_completed(futures)

    def wait_first(self, futures) -> tuple[set, set]:
        from distributed import wait
        done, rest = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def describe(self) -> str:
        workers = self.client.scheduler_info().get("workers", {})
        return (f"dask scheduler {self.address}: {len(workers)} workers, "
                f"{self.jobs} threads")

    def close(self) -> None:
        self.client.close()


def start_local_cluster(n_workers: int):
    """A LocalCluster of ``n_workers`` single-threaded worker *processes* on loopback."""
    from distributed import LocalCluster
    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None)
