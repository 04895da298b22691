"""Host side of ``tb_run_layer``: run a list of model jobs back to back in ONE simulator run of
``pnc_top`` and get what the DUT did for each (:class:`~verif.agents.job.Observed`).

:func:`simulate` writes the jobs to a file (:func:`write_jobs`: arrays in an .npz, scalar fields
as JSON inside it), starts the cocotb test ``verif.tests.top.tb_run_layer`` through the
build-once runner with PNC_RUN_JOBS (that file), PNC_RUN_OUT (a JSON-lines file the test appends
one ``Observed`` to per job) and PNC_RUN_MEM (AXI RAM bytes), and reads the records back as they
arrive. ``panacea run``/``make bench`` (:mod:`flow.run`) and the AXI-model tests use it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from panacea.memimage import Job, region_layout

from verif.agents.job import Observed
from verif.common.runner import ROOT, all_rtl, run_cocotb

TB_MODULE = "verif.tests.top.tb_run_layer"
TOPLEVEL = "pnc_top"
_ARRAY_FIELDS = ("x", "w", "bias")


def write_jobs(path: Path, jobs: Sequence[Job]) -> None:
    """Save jobs for the cocotb side: arrays in an .npz (x, w, bias, and z, r when given per
    row), scalar fields as JSON inside it."""
    arrays: dict[str, Any] = {}
    meta = []
    for i, job in enumerate(jobs):
        d = {}
        for f in dataclasses.fields(job):
            v = getattr(job, f.name)
            if f.name in _ARRAY_FIELDS or isinstance(v, np.ndarray):
                if v is not None:
                    arrays[f"{f.name}_{i}"] = v
            else:
                d[f.name] = v if not isinstance(v, np.generic) else v.item()
        meta.append(d)
    arrays["meta"] = np.array(json.dumps(meta))
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def read_jobs(path: str | Path) -> list[Job]:
    """Inverse of :func:`write_jobs`."""
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        jobs = []
        for i, d in enumerate(meta):
            arrs = {f: npz[f"{f}_{i}"] if f"{f}_{i}" in npz.files else None for f in _ARRAY_FIELDS}
            per_row = {f: npz[f"{f}_{i}"] for f in ("z", "r") if f"{f}_{i}" in npz.files}
            jobs.append(Job(**arrs, **d, **per_row))
    return jobs


def mem_size(jobs: Sequence[Job]) -> int:
    """AXI RAM size (power of two, >= 64 KiB) that holds every job's regions."""
    end = max(a + s for job in jobs for a, s in region_layout(job).values())
    return max(1 << 16, 1 << (end - 1).bit_length())


def simulate(
    jobs: Sequence[Job],
    sim: str,
    tag: str = "run",
    progress: Callable[[Observed], None] | None = None,
) -> list[Observed]:
    """Run ``jobs`` back to back in one simulator run of ``pnc_top``; return one
    :class:`Observed` per job (``progress`` is called with each as it arrives)."""
    work = ROOT / "build" / "run"
    work.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{tag}-", suffix=".npz", dir=work)
    os.close(fd)
    job_file = Path(tmp)
    out_file = job_file.with_suffix(".jsonl")
    write_jobs(job_file, jobs)
    out_file.write_text("")
    records: list[Observed] = []
    stop = threading.Event()

    def poll() -> None:
        seen = 0
        while True:
            done = stop.is_set()
            try:
                lines = out_file.read_text().splitlines()
            except OSError:
                lines = []
            for line in lines[seen:]:
                if line.endswith("}"):
                    rec = Observed.from_json(line)
                    records.append(rec)
                    seen += 1
                    if progress is not None:
                        progress(rec)
            if done:
                return
            stop.wait(0.5)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    try:
        run_cocotb(
            sim,
            TOPLEVEL,
            all_rtl(),
            TB_MODULE,
            testcase="run_jobs",
            seed=1,
            extra_env={
                "PNC_RUN_JOBS": str(job_file),
                "PNC_RUN_OUT": str(out_file),
                "PNC_RUN_MEM": str(mem_size(jobs)),
            },
        )
    finally:
        stop.set()
        th.join()
        job_file.unlink(missing_ok=True)
        out_file.unlink(missing_ok=True)
    if len(records) != len(jobs):
        raise RuntimeError(f"simulation returned {len(records)} of {len(jobs)} job results")
    return records
