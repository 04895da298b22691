"""``panacea analyze``: happy path, JSON keys, plots, malformed files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from panacea.analyze import JSON_KEYS_DOC
from panacea.cli import main

LAYER_KEYS = {
    "name",
    "M",
    "N",
    "K",
    "b",
    "mt",
    "lo_bits_mode",
    "dbs_cycles",
    "zpm_enabled",
    "z_before",
    "z_after",
    "act_scale",
    "r",
    "ho_share_before",
    "ho_share_after",
    "ho_share_r",
    "act_sqnr_before_db",
    "act_sqnr_after_db",
    "act_vec_skip_share",
    "wt_vec_skip_share",
    "sbr",
    "cycles",
    "lower_limit",
    "operator_limit",
    "limit_term",
    "bound",
    "compulsory_bytes",
    "axi_bytes",
    "axi_vs_compulsory",
    "mem_bytes",
    "energy_pj",
    "energy_breakdown_pj",
    "counters",
    "gemm_sqnr_db",
    "exact",
}
MODES = {"DENSE", "ZERO_SKIP", "AQS"}


def make_npz(path: Path, **arrays: np.ndarray) -> Path:
    np.savez(path, **arrays)
    return path


def good_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(0.3, 1.0, (20, 24))
    return {
        "fc1.W": rng.normal(0, 0.05, (12, 24)),
        "fc1.X": np.where(x > 0, x, 0.05 * x),
        "fc2.W": rng.normal(0, 0.05, (9, 12)),
        "fc2.X": rng.random((5, 12)).astype(np.float32),
    }


def test_happy_path_json_and_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    npz = make_npz(tmp_path / "t.npz", **good_arrays())
    out = tmp_path / "o.json"
    plots = tmp_path / "plots"
    assert main(["analyze", str(npz), "--json", str(out), "--plot", str(plots)]) == 0
    text = capsys.readouterr().out
    for needle in ("layer fc1", "layer fc2", "DENSE", "ZERO_SKIP", "AQS", "exact: yes", "roofline"):
        assert needle in text
    doc = json.loads(out.read_text())
    assert [la["name"] for la in doc["layers"]] == ["fc1", "fc2"]
    for la in doc["layers"]:
        assert set(la) == LAYER_KEYS
        assert la["exact"] is True and la["lo_bits_mode"] == "auto"
        for key in ("cycles", "lower_limit", "energy_pj", "counters", "act_vec_skip_share"):
            assert set(la[key]) == MODES
        assert set(la["mem_bytes"]) == MODES | {"once", "uncompressed"}
        for md in MODES:
            assert la["operator_limit"][md] <= la["lower_limit"][md] <= la["cycles"][md]
            assert la["limit_term"][md] in ("operator", "memory")
            assert la["axi_bytes"][md] == la["mem_bytes"][md] >= la["compulsory_bytes"][md]
            assert la["axi_vs_compulsory"][md] >= 1.0
            parts = la["energy_breakdown_pj"][md]
            assert set(parts) == {"dram", "sram", "compute"} and min(parts.values()) > 0
            assert sum(parts.values()) == pytest.approx(la["energy_pj"][md])
        assert la["ho_share_after"] >= la["ho_share_before"]
    for key in LAYER_KEYS:
        assert key in JSON_KEYS_DOC
    pngs = sorted(p.name for p in plots.iterdir())
    assert pngs == ["fc1_energy.png", "fc1_ho_hist.png", "fc2_energy.png", "fc2_ho_hist.png"]
    assert all((plots / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_fixed_bits_no_zpm_no_sbr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    npz = make_npz(tmp_path / "t.npz", **good_arrays())
    out = tmp_path / "o.json"
    assert (
        main(["analyze", str(npz), "--lo-bits", "3", "--no-zpm", "--no-sbr", "--json", str(out)])
        == 0
    )
    for la in json.loads(out.read_text())["layers"]:
        assert la["b"] == 3 and la["dbs_cycles"] is None and la["sbr"] is False
        assert la["z_before"] == la["z_after"] and not la["zpm_enabled"]


@pytest.mark.parametrize(
    ("arrays", "needle"),
    [
        ({"fc1.W": np.ones((3, 4))}, "lacks fc1.X"),
        ({"fc1.W": np.ones((3, 4)), "fc1.X": np.ones((2, 5))}, "shape mismatch"),
        ({"fc1.W": np.ones((3, 4)), "fc1.X": np.array([[1.0, np.nan, 0, 0]])}, "NaN"),
        ({"fc1.W": np.ones(4), "fc1.X": np.ones((2, 4))}, "2-D"),
        ({"fc1.W": np.ones((3, 4)), "fc1.X": np.ones((2, 4)), "junk": np.ones(2)}, "junk"),
        ({"fc1.W": np.array([["a"]]), "fc1.X": np.ones((2, 1))}, "dtype"),
        ({}, "no arrays"),
    ],
)
def test_malformed_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arrays: dict, needle: str
) -> None:
    npz = make_npz(tmp_path / "bad.npz", **arrays)
    assert main(["analyze", str(npz)]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("panacea analyze: error")


def test_not_an_npz_subprocess(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_text("not a zip file\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(
        [sys.executable, "-m", "panacea", "analyze", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
