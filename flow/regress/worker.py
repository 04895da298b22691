"""One regression work item in its own process: build a configuration, or run one test+seed.

    python -m flow.regress.worker build '{"sim":..., "toplevel":..., "rtl":[...], ...}'
    python -m flow.regress.worker run   '{"sim":..., "test":..., "seed":..., ...}'

Exit status of `run`: 0 the cocotb test passed, 1 it failed, 2 anything else (build error,
simulator crash, missing results). The caller reads results.xml itself; this process only runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from filelock import FileLock

from verif.common.runner import CocotbTestFailed, build, rtl_sources, run_cocotb


def do_build(job: dict) -> int:
    info = build(
        job["sim"],
        job["toplevel"],
        rtl_sources(job["rtl"]),
        coverage=job.get("coverage", False),
        waves=job.get("waves", False),
    )
    print(f"build ready: {info.build_dir}")
    return 0


def do_run(job: dict) -> int:
    tdir = Path(job["test_dir"])
    kw = dict(
        testcase=job["test"],
        seed=job["seed"],
        waves=job.get("waves", False),
        coverage=job.get("coverage", False),
        test_dir=tdir,
        extra_env={"PNC_COV_DIR": str(tdir / "coverage"), **job.get("env", {})},
        plusargs=job.get("plusargs", []),
    )
    args = (job["sim"], job["toplevel"], job["rtl"], job["module"])
    if job.get("waves") and job["sim"] == "icarus":
        # cocotb's Icarus runner dumps to <build_dir>/<toplevel>.fst, shared by every run of the
        # build: serialize wave runs of one build and move the file into this run's directory.
        info = build(job["sim"], job["toplevel"], rtl_sources(job["rtl"]), waves=True)
        with FileLock(str(info.build_dir / "waves.lock")):
            rc = _run(args, kw)
            fst = info.build_dir / f"{job['toplevel']}.fst"
            if fst.exists():
                shutil.move(str(fst), str(tdir / "waves.fst"))
        return rc
    rc = _run(args, kw)
    if job.get("waves") and (tdir / "dump.fst").exists():
        (tdir / "dump.fst").rename(tdir / "waves.fst")
    return rc


def _run(args, kw) -> int:
    try:
        run_cocotb(*args, **kw)
    except CocotbTestFailed as exc:
        print(f"FAILED: {exc}")
        return 1
    return 0


def main() -> int:
    what, job = sys.argv[1], json.loads(sys.argv[2])
    # Under pytest, cocotb's runner names results.xml after $PYTEST_CURRENT_TEST: a regression
    # started from a test must still write <test_dir>/results.xml.
    os.environ.pop("PYTEST_CURRENT_TEST", None)
    return do_build(job) if what == "build" else do_run(job)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as exc:  # build error, simulator crash, missing results.xml
        import traceback

        traceback.print_exc()
        print(f"ERROR: {type(exc).__name__}: {exc}")
        sys.exit(2)
