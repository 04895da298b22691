"""`panacea run` end to end on Verilator: a tiny npz, every skip mode in one simulator run,
bit-exact outputs and exact counters (the command's exit status), JSON report shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_panacea_run_tiny_verilator(tmp_path):
    r = np.random.default_rng(3)
    npz = tmp_path / "tiny.npz"
    np.savez(
        npz,
        **{
            "ln.W": r.normal(size=(20, 48)),
            "ln.X": r.normal(1.5, 0.7, size=(24, 48)),
            "relu.W": r.normal(size=(8, 16)),
            "relu.X": np.maximum(r.normal(size=(8, 16)), 0),
        },
    )
    out = tmp_path / "run.json"
    panacea = str(Path(sys.executable).parent / "panacea")
    p = subprocess.run(
        [
            panacea,
            "run",
            str(npz),
            "--layer",
            "ln",
            "--rows",
            "16",
            "--sim",
            "verilator",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    doc = json.loads(out.read_text())
    (layer,) = doc["layers"]
    assert (layer["M"], layer["N"], layer["K"], layer["rows_of"]) == (16, 20, 48, 24)
    assert set(layer["modes"]) == {"DENSE", "ZERO_SKIP", "AQS"}
    for d in layer["modes"].values():
        assert d["pass"] and d["exact"] and d["counters_exact"], d["problems"]
        assert d["rtl_cycles"] >= d["lower_limit"] >= d["operator_limit"]
        assert d["limit_term"] in ("operator", "memory")
        assert d["axi_bytes"] == d["rd_bytes"] + d["wr_bytes"] >= d["compulsory_bytes"]
        assert set(d["energy_by_kind_pj"]) == {"dram", "sram", "compute"}
        assert sum(d["energy_by_kind_pj"].values()) == pytest.approx(d["energy_pj"])
    assert "PASS" in p.stdout and "[ln] 3/3 AQS" in p.stdout
