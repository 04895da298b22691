"""Run one command with a hard timeout; the unit of work of both the local pool and Dask.

Standard library only: the regression ships this function to Dask workers by value, so a worker
needs nothing but access to the repository (same path, shared file system) and its .venv.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time


def execute(cmd: list[str], cwd: str, log: str, timeout_s: float,
            env: dict[str, str] | None = None) -> dict:
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
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=full_env, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            rc = proc.wait()
            fh.write(f"\n[regress] TIMEOUT after {timeout_s:.0f} s: process group killed\n"
                     .encode())
    # A simulator can outlive its parent (e.g. parent killed); sweep the group either way.
    _kill_group(proc, quiet=True)
    return {"rc": rc, "timed_out": timed_out, "wall_s": time.monotonic() - t0,
            "host": socket.gethostname(), "worker_pid": os.getpid()}


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
