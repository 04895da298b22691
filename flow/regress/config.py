"""Regression configuration: verif/regress.toml + the testplan, test discovery, consistency.

Pure Python (no cocotb import), so the consistency check is fast and runs anywhere.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIMULATORS = ("icarus", "verilator")


def _sims(test: str, v) -> list[str] | None:
    if v is None:
        return None
    if not isinstance(v, list) or not v or any(s not in SIMULATORS for s in v):
        raise SystemExit(f"tests.{test}.sims must be a non-empty list from {SIMULATORS}, got {v!r}")
    return list(v)


@dataclass
class TestSpec:
    name: str
    expect: str = "pass"  # "pass" or "fail" (negative test)
    levels: list[str] | None = None  # None: every level
    max_seeds: int | None = None
    sims: list[str] | None = None  # None: every simulator of the run
    timeout_s: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Config:
    path: Path
    module: str
    toplevel: str
    rtl: list[str]
    testplan_path: Path
    waivers_path: Path
    levels: dict
    tests: dict[str, TestSpec]
    signoff: dict
    testplan: list[dict]

    def level(self, name: str) -> dict:
        if name not in self.levels:
            raise SystemExit(f"unknown level {name!r}; {self.path} defines {sorted(self.levels)}")
        return self.levels[name]

    def level_tests(self, level: str) -> list[TestSpec]:
        lv = self.level(level)
        names = lv.get("tests", "testplan")
        if names == "testplan":
            names = testplan_tests(self.testplan)
        out = []
        for n in names:
            spec = self.tests.get(n) or TestSpec(
                n,
                timeout_s=self.tests["__default__"].timeout_s,
                env=dict(self.tests["__default__"].env),
            )
            if spec.levels is None or level in spec.levels:
                out.append(spec)
        return out


def _timeouts(value, fallback: dict[str, float]) -> dict[str, float]:
    if value is None:
        return dict(fallback)
    if isinstance(value, (int, float)):
        return {s: float(value) for s in SIMULATORS}
    return {**fallback, **{k: float(v) for k, v in value.items()}}


def all_rtl() -> list[str]:
    """Every RTL module of the design (file stems; the runner puts pnc_pkg first)."""
    return sorted(p.stem for p in (ROOT / "rtl").glob("*.sv") if p.stem != "pnc_pkg")


def load(path: Path | str | None = None) -> Config:
    path = Path(path or ROOT / "verif" / "regress.toml")
    raw = tomllib.loads(path.read_text())
    bench = raw.get("bench", {})
    base = path.parent.parent if path.parent.name == "verif" else ROOT

    def rel(p: str) -> Path:
        q = Path(p)
        return q if q.is_absolute() else (ROOT / q if (ROOT / q).exists() else base / q)

    d = raw.get("defaults", {})
    default = TestSpec(
        "__default__",
        timeout_s=_timeouts(d.get("timeout_s"), {s: 600.0 for s in SIMULATORS}),
        env={k: str(v) for k, v in d.get("env", {}).items()},
    )
    tests = {"__default__": default}
    for name, t in raw.get("tests", {}).items():
        tests[name] = TestSpec(
            name,
            expect=t.get("expect", "pass"),
            levels=t.get("levels"),
            max_seeds=t.get("max_seeds"),
            sims=_sims(name, t.get("sims")),
            timeout_s=_timeouts(t.get("timeout_s"), default.timeout_s),
            env={**default.env, **{k: str(v) for k, v in t.get("env", {}).items()}},
        )
    rtl = bench.get("rtl", "all")
    tp_path = rel(bench.get("testplan", "verif/testplan.toml"))
    testplan = tomllib.loads(tp_path.read_text()).get("testpoint", [])
    return Config(
        path=path,
        module=bench.get("module", "verif.tests.uvm.tb_pnc_uvm"),
        toplevel=bench.get("toplevel", "pnc_top"),
        rtl=all_rtl() if rtl == "all" else list(rtl),
        testplan_path=tp_path,
        waivers_path=rel(bench.get("waivers", "verif/coverage_waivers.toml")),
        levels=raw.get("levels", {}),
        tests=tests,
        signoff=raw.get("signoff", {}),
        testplan=testplan,
    )


def testplan_tests(testplan: list[dict]) -> list[str]:
    seen: list[str] = []
    for tp in testplan:
        for t in tp.get("tests", []):
            if t not in seen:
                seen.append(t)
    return seen


def module_path(module: str, base: Path | None = None) -> Path:
    """Source file of a test module: under the repository, beside the regression config
    (``base``), else wherever Python finds it."""
    rel = module.replace(".", "/") + ".py"
    p = ROOT / rel
    for cand in (p, *([base / rel] if base is not None else [])):
        if cand.exists():
            return cand
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    return Path(spec.origin) if spec and spec.origin else p


def discover_tests(module: str, base: Path | None = None) -> list[str]:
    """Names of the cocotb tests in a module, read from its source (no import, no simulator).

    A test is a class or (async) function decorated with ``pyuvm.test``/``cocotb.test`` (called
    or not) or ``cocotb.parametrize``-wrapped tests.
    """
    tree = ast.parse(module_path(module, base).read_text())
    names = []
    for node in tree.body:
        if not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            text = ast.unparse(target)
            if text in ("test", "cocotb.test", "pyuvm.test") or text.endswith(".test"):
                names.append(node.name)
                break
    return names


def consistency_errors(cfg: Config) -> list[str]:
    """Static checks: testplan tests exist, every test is in the testplan, level tests exist."""
    errors = []
    try:
        found = discover_tests(cfg.module, cfg.path.parent)
    except FileNotFoundError:
        return [
            f"test module {cfg.module} ({module_path(cfg.module, cfg.path.parent)}) does not exist"
        ]
    planned = testplan_tests(cfg.testplan)
    for t in planned:
        if t not in found:
            errors.append(f"testplan test {t} does not exist in {cfg.module}")
    for t in found:
        if t not in planned:
            errors.append(
                f"test {t} in {cfg.module} is not in the testplan {cfg.testplan_path.name}"
            )
    for lname, lv in cfg.levels.items():
        names = lv.get("tests", "testplan")
        if names != "testplan":
            for t in names:
                if t not in planned:
                    errors.append(f"level {lname}: test {t} is not in the testplan")
    for t in cfg.tests:
        if t != "__default__" and t not in planned:
            errors.append(f"{cfg.path.name}: settings for {t}, which is not in the testplan")
    return errors


def signoff_path(cfg: Config, section: str, default: str, override: str | None = None) -> Path:
    """A file named by ``[signoff.<section>] path`` (relative to the repository), or
    ``override`` (a command-line option) when given."""
    p = Path(override or cfg.signoff.get(section, {}).get("path", default))
    return p if p.is_absolute() else ROOT / p


def testpoints_of(cfg: Config, test: str) -> list[str]:
    return [tp["name"] for tp in cfg.testplan if test in tp.get("tests", [])]
