"""Run one command with a hard timeout; the unit of work of both the local pool and Dask.

Standard library only. On Dask the task is ``subprocess.run([python, this file, JSON])`` (a
standard-library callable, so neither the scheduler nor the workers need this repository on
their import path; the scheduler unpickles task graphs too); run as a script it calls
:func:`execute` with the JSON arguments and prints the result as one JSON line.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time


def execute(
    cmd: list[str], cwd: str, log: str, timeout_s: float, env: dict[str, str] | None = None
) -> dict:
    """Run ``cmd`` in its own process group; kill the whole group on timeout.

    Returns {"rc", "timed_out", "wall_s", "host", "worker_pid"}; output goes to ``log``. A hang
    or a crash of the simulator (a child of ``cmd``) ends here and never reaches the caller.
    """
    os.makedirs(os.path.dirname(log), exist_ok=True)
    full_env = dict(os.environ)
    full_env.update(env or {})
    t0 = time.monotonic()
    timed_out = False
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=full_env,
            start_new_session=True,
        )
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            rc = proc.wait()
            fh.write(
                f"\n[regress] TIMEOUT after {timeout_s:.0f} s: process group killed\n".encode()
            )
    # A simulator can outlive its parent (e.g. parent killed); sweep the group either way.
    _kill_group(proc, quiet=True)
    return {
        "rc": rc,
        "timed_out": timed_out,
        "wall_s": time.monotonic() - t0,
        "host": socket.gethostname(),
        "worker_pid": os.getpid(),
    }


def _kill_group(proc: subprocess.Popen, quiet: bool = False) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except PermissionError:
        if not quiet:
            raise
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main(argv: list[str]) -> int:
    """``python -m flow.regress.execute '{"cmd": [...], "cwd": ..., "log": ..., "timeout_s": ...,
    "env": {...}}'``."""
    kw = json.loads(argv[1])
    res = execute(**kw)
    res["worker_pid"] = os.getppid()  # the Dask worker process that started this script
    print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
