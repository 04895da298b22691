"""Where work items run: a local process pool (threads that each wait on one subprocess) or a
Dask distributed cluster. Both run :func:`execute.execute`; only submission differs."""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import subprocess
import sys
from collections.abc import Iterator

from .execute import execute


class LocalPool:
    """JOBS concurrent subprocesses on this machine."""

    kind = "local"

    def __init__(self, jobs: int):
        self.jobs = max(1, int(jobs))
        self._ex = cf.ThreadPoolExecutor(self.jobs)

    def submit(self, *args, **kw):
        return self._ex.submit(execute, *args, **kw)

    @staticmethod
    def result(fut) -> dict:
        """The :func:`execute` result of a finished future (raises what the item raised)."""
        return fut.result()

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

    Each item is submitted as ``subprocess.run([python, -m, flow.regress.execute, JSON])``:
    only standard-library objects travel through the scheduler (which unpickles task graphs),
    so neither it nor the worker processes import anything of ours. Workers need the
    repository at the same path (shared file system) and its .venv (the submitter's Python,
    where the packages are installed editable).
    """

    kind = "dask"

    def __init__(self, scheduler: str):
        from distributed import Client

        self.address = scheduler
        self.client = Client(scheduler, timeout="30s")
        self.jobs = sum(self.client.nthreads().values()) or 1

    def submit(
        self,
        cmd: list[str],
        cwd: str,
        log: str,
        timeout_s: float,
        env: dict[str, str] | None = None,
    ):
        payload = json.dumps(
            {"cmd": cmd, "cwd": cwd, "log": log, "timeout_s": timeout_s, "env": env}
        )
        # pure=False: two identical commands (e.g. a rerun) are separate tasks; retries=0: a
        # failing or timed-out item is a result, not something for Dask to repeat.
        return self.client.submit(
            subprocess.run,
            [sys.executable, "-m", "flow.regress.execute", payload],
            capture_output=True,
            text=True,
            pure=False,
            retries=0,
        )

    @staticmethod
    def result(fut) -> dict:
        """Decode the worker's JSON line; a worker-side failure becomes a RuntimeError."""
        cp = fut.result()
        lines = cp.stdout.strip().splitlines()
        if cp.returncode != 0 or not lines:
            raise RuntimeError(
                f"dask worker could not run the item (rc {cp.returncode}): "
                f"{(cp.stderr or cp.stdout).strip()[-500:]}"
            )
        return json.loads(lines[-1])

    def as_completed(self, futures) -> Iterator:
        from distributed import as_completed

        return as_completed(futures)

    def wait_first(self, futures) -> tuple[set, set]:
        from distributed import wait

        done, rest = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def describe(self) -> str:
        workers = self.client.scheduler_info().get("workers", {})
        return f"dask scheduler {self.address}: {len(workers)} workers, {self.jobs} threads"

    def close(self) -> None:
        self.client.close()


def result_or_error(pool, fut) -> dict | BaseException:
    """The item's result from ``pool``, or the exception that lost it (a lost worker is recorded
    as that run's error and the campaign goes on)."""
    try:
        return pool.result(fut)
    except BaseException as exc:  # noqa: BLE001
        return exc


def start_local_cluster(n_workers: int):
    """A LocalCluster of ``n_workers`` single-threaded worker *processes* on loopback."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )


def add_pool_options(ap: argparse.ArgumentParser, jobs: int) -> None:
    """``--jobs``, ``--scheduler`` and ``--local-cluster``: where runs go (:func:`open_pool`)."""
    ap.add_argument("--jobs", type=int, default=jobs, help="parallel runs on this machine")
    ap.add_argument("--scheduler", default=None, help="Dask scheduler address, tcp://host:port")
    ap.add_argument(
        "--local-cluster",
        type=int,
        default=0,
        metavar="N",
        help="start a Dask LocalCluster of N worker processes on 127.0.0.1 and use it",
    )


def open_pool(
    jobs: int, scheduler: str | None, local_cluster: int
) -> tuple[LocalPool | DaskPool, object | None]:
    """The pool of :func:`add_pool_options` and the LocalCluster it started (None if none).

    The caller closes both: ``pool.close()`` then ``cluster.close()``.
    """
    cluster = start_local_cluster(local_cluster) if local_cluster else None
    if cluster is not None:
        scheduler = cluster.scheduler_address
    return (DaskPool(scheduler) if scheduler else LocalPool(jobs)), cluster
