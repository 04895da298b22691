"""Named configurations of arch.toml (panacea.arch): overlay, selection, errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from panacea import arch, config, svpkg


def test_names_default_first_and_paper_present():
    names = arch.names()
    assert names[0] == arch.DEFAULT and "paper" in names


def test_paper_overlays_only_its_keys():
    raw = arch.load_raw()
    paper = arch.resolve(raw, "paper")["arch"]
    assert paper["NUM_PEA"] == 16 and paper["AXI_ID_W"] >= 6
    assert paper["WBUF_BYTES"] > raw["arch"]["WBUF_BYTES"]
    # IDs of 3 + 2*NUM_PEA read streams and one write stream fit the ID width
    assert 4 + 2 * paper["NUM_PEA"] <= 1 << paper["AXI_ID_W"]
    changed = {k for k in raw["arch"] if paper[k] != raw["arch"][k]}
    assert changed == set(raw["config"]["paper"])
    assert raw["arch"]["NUM_PEA"] == 4, "resolve must not modify its input"
    assert arch.resolve(raw, arch.DEFAULT)["arch"] == raw["arch"]


def test_unknown_name_and_unknown_key_are_one_line_errors():
    raw = arch.load_raw()
    with pytest.raises(arch.ConfigError, match="unknown configuration 'nope'.*default, paper"):
        arch.resolve(raw, "nope")
    raw["config"]["bad"] = {"NUM_PEAS": 8}
    with pytest.raises(arch.ConfigError, match=r"\[config.bad\] sets \['NUM_PEAS'\]"):
        arch.resolve(raw, "bad")


def test_package_paths():
    assert arch.package_relpath(arch.DEFAULT) == "rtl/pnc_pkg.sv"
    assert arch.package_relpath("paper") == "build/config/paper/pnc_pkg.sv"


def test_package_is_generated_on_demand(tmp_path, monkeypatch):
    """A non-default package is a build product: written from arch.toml, equal to the render of
    that configuration, rewritten when it differs (edited or stale), left alone when equal."""
    monkeypatch.setattr(svpkg, "ROOT", tmp_path)
    path = svpkg.package("paper")
    cfg = arch.resolve(arch.load_raw(), "paper")
    assert path == tmp_path / "build/config/paper/pnc_pkg.sv"
    assert path.read_text() == svpkg.render(cfg, name="paper")
    assert f"localparam int NUM_PEA = {cfg['arch']['NUM_PEA']};" in path.read_text()
    os.utime(path, (1, 1))
    assert svpkg.package("paper").stat().st_mtime == 1  # unchanged: not rewritten
    path.write_text("stale")
    assert svpkg.package("paper").read_text() == svpkg.render(cfg, name="paper")
    with pytest.raises(FileNotFoundError, match="rtl/pnc_pkg.sv does not exist"):
        svpkg.package(arch.DEFAULT)  # the default one is committed, never generated
    with pytest.raises(arch.ConfigError, match="unknown configuration"):
        svpkg.package("nosuch")


def test_this_process_is_the_default_unless_selected():
    assert config.CONFIG_NAME == arch.selected()
    assert config.ARCH.NUM_PEA == arch.load()["arch"]["NUM_PEA"]


def test_environment_selects_the_model_configuration():
    code = (
        "from panacea import config, regmap, memimage;"
        "r = regmap.REGISTERS['PARAMS'];"
        "f = {x.name: x for x in r.fields}['num_pea'];"
        "print(config.CONFIG_NAME, config.ARCH.NUM_PEA, config.ARCH.WBUF_BYTES,"
        " (r.reset >> f.lsb) & ((1 << f.width) - 1))"
    )
    env = {**os.environ, arch.CONFIG_ENV: "paper"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    paper = arch.resolve(arch.load_raw(), "paper")["arch"]
    assert out == ["paper", "16", str(paper["WBUF_BYTES"]), "16"]
    bad = subprocess.run(
        [sys.executable, "-c", "import panacea.config"],
        env={**os.environ, arch.CONFIG_ENV: "nope"},
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "unknown configuration 'nope'" in bad.stderr
