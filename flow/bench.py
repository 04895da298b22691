"""`make bench`: the fixed performance suite on the RTL (docs/performance.md).

Five layers modelled on a transformer block and a CNN (attention QKV projection and FFN
up-projection on layer-norm outputs with outlier channels, attention output on attention
context, FFN down-projection on post-GELU activations, a CNN im2col layer on post-ReLU
activations). Each layer runs, in ONE Verilator run on the same build, DENSE, ZERO_SKIP and AQS
(DBS, ZPM, SBR on) plus three AQS ablations (ZPM off, DBS off = fixed b, SBR off), every output
checked bit-exactly and every counter exactly (flow.run). Then the simulation speed: DUT
cycles/s and MAC/s of these runs, of the bare clock-only loop and of the full pyuvm environment
(Verilator), and of one tiny layer plus the clock-only loop on Icarus.

Then real transformer layers of 384-1536 channels (``REAL_SUITE``: the same activation families
at 32 tokens, K and N in {384, 768, 1536}) in DENSE, ZERO_SKIP and AQS on the same build, checked
the same way, with the target "every run within 1.15x of the roofline" (the worst run named) and
the cycle model's tolerance on each run (``--no-real`` skips them).

Then the LLM suite (:mod:`flow.bench_llm`) on the paper build (``--llm-config``; a child
process when this one runs another configuration): LLaMA-7B layer shapes at 512 tokens through
the cycle model (cycles, roofline, AXI bytes against compulsory, energy per mode) with the
mapper's best blocking at 1 MiB beside each mode; ``--llm-rtl [TOKENS]`` also runs the first 32
(TOKENS) rows of every layer on the RTL at full N and K (Verilator, bit-exact, exact counters,
cycles against the model). ``--llm-only`` runs just that part, ``--no-llm`` skips it.

Writes build/bench/bench.json, build/bench/bench.md and build/bench/{speedup,energy,llm}.png,
and prints the ratios against the targets of docs/performance.md (PASS/MISS). Exit status 1 if a
bit-exact or counter check failed (a missed target is reported, not an error).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from panacea import arch
from panacea.analyze import plot_energy_stack
from panacea.aqs import MODE_NAMES
from panacea.config import ARCH, CONFIG_NAME
from panacea.cycles import CYCLE_SLACK, CYCLE_TOL

from flow import bench_llm
from flow.bench_llm import energy_shares, md_head, md_row, targets_markdown
from flow.run import Variant, format_layer_run, plan_layer, run_layer
from verif.common.runner import all_rtl, run_cocotb

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "build" / "bench"
LLM_CONFIG = "paper"  # LLM layers are measured on the paper's 16-PEA build, the one meant for them
DEFAULT_B = int(ARCH.DEFAULT_LO_BITS)
VARIANTS = [
    Variant("DENSE", "DENSE"),
    Variant("ZERO_SKIP", "ZERO_SKIP"),
    Variant("AQS", "AQS"),
    Variant("AQS-noZPM", "AQS", zpm=False),
    Variant(f"AQS-b{DEFAULT_B}", "AQS", lo_bits=DEFAULT_B),  # DBS off
    Variant("AQS-noSBR", "AQS", sbr=False),
]
TARGETS = {
    "aqs_vs_zero_ln": 1.5,
    "aqs_vs_dense_geomean": 2.0,
    "rtl_vs_limit": 1.10,
    "mem_vs_min": 1.10,
    "rle_saving": 0.25,
    "rle_r_share": 0.80,
    "tb_overhead": 0.5,
    "paper_energy": 1.97,
    "cycle_tol": CYCLE_TOL,
    "cycle_slack": CYCLE_SLACK,
    "real_vs_roofline": 1.15,
}


# ---------------------------------------------------------------------------------------------
# Suite: (name, M, N, K, activation family, layer-norm input?)


def _gelu(v):
    return 0.5 * v * (1.0 + np.tanh(0.7978845608 * (v + 0.044715 * v**3)))


def act_layernorm(rng, m, k):
    """LayerNorm output: unit-variance rows, per-channel gain/bias, two outlier channels."""
    h = rng.normal(0.0, 1.0, (m, k))
    h = (h - h.mean(axis=1, keepdims=True)) / h.std(axis=1, keepdims=True)
    gamma = 1.0 + 0.1 * rng.normal(size=k)
    gamma[rng.choice(k, 2, replace=False)] *= 12.0  # outlier feature channels
    return h * gamma + 0.05 * rng.normal(size=k)


def act_attention(rng, m, k):
    """Attention context: softmax-weighted averages of value rows (narrow, roughly normal)."""
    vals = rng.normal(0.0, 1.0, (64, k))
    logits = rng.normal(0.0, 2.0, (m, 64))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return p @ vals


def act_gelu(rng, m, k):
    """FFN hidden after GELU: skewed, a spike just below zero, long positive tail."""
    return _gelu(rng.normal(-0.3, 1.0, (m, k)) * (0.7 + 0.6 * rng.random(k)))


def act_relu(rng, m, k):
    """CNN im2col rows of a post-ReLU feature map (about 60 % exact zeros)."""
    return np.maximum(rng.normal(-0.25, 1.0, (m, k)) * (0.5 + rng.random(k)), 0.0)


SUITE = [
    ("attn_qkv_ln", 128, 128, 128, act_layernorm, True),
    ("attn_out", 128, 128, 128, act_attention, False),
    ("ffn_up_ln", 64, 128, 128, act_layernorm, True),
    ("ffn_down_gelu", 64, 128, 256, act_gelu, False),
    ("cnn_relu", 128, 64, 144, act_relu, False),
]


# Real transformer layers of 384-1536 channels, each run wanted within 1.15x of the roofline:
# the same activation families at 32 tokens, K and N in {384, 768, 1536}, sized so
# that the three modes of all four take about 1.6 M DUT cycles (about 70 s of Verilator idle).
REAL_SUITE = [
    ("qkv_ln_768", 32, 384, 768, act_layernorm, True),
    ("attn_out_ctx_384", 32, 384, 384, act_attention, False),
    ("ffn_up_ln_1536", 32, 1536, 384, act_layernorm, True),
    ("ffn_down_gelu_1536", 32, 384, 1536, act_gelu, False),
]
REAL_VARIANTS = VARIANTS[:3]  # DENSE, ZERO_SKIP, AQS under the default calibration
REAL_SEED = 3000


def make_layer(idx, name, m, n, k, fam, seed_base=1000):
    rng = np.random.default_rng(seed_base + idx)
    w = rng.normal(0.0, 1.0 / math.sqrt(k), (n, k)) * np.exp(0.3 * rng.normal(size=(n, 1)))
    return w, fam(rng, m, k)


# ---------------------------------------------------------------------------------------------
# Simulation speed


def _summary_rate(results: Path) -> float | None:
    """dut_cycles_per_s from the SUMMARY lines of a run's sim.log (cycle-weighted)."""
    log = (results.parent / "sim.log").read_text(errors="replace")
    pairs = re.findall(
        r"SUMMARY \S+: .*?dut_cycles=(\d+) (?:wall=([\d.]+)s )?"
        r"dut_cycles_per_s=(\d+)",
        log,
    )
    if not pairs:
        return None
    cyc = sum(int(c) for c, _, _ in pairs)
    wall = sum(int(c) / max(float(r), 1e-9) for c, _, r in pairs)
    return cyc / wall


def _speed_run(sim: str, module: str, test: str, env: dict[str, str]) -> tuple[float | None, float]:
    """DUT cycles/s of one cocotb test on pnc_top (from its SUMMARY lines) and its wall time."""
    t0 = time.monotonic()
    res = run_cocotb(sim, "pnc_top", all_rtl(), module, testcase=test, seed=1, extra_env=env)
    return _summary_rate(res), time.monotonic() - t0


def clock_only(sim: str, cycles: int) -> dict:
    rate, wall = _speed_run(
        sim, "verif.tests.top.tb_clock_only", "clock_only_idle", {"PNC_CLOCK_CYCLES": str(cycles)}
    )
    return {"dut_cycles": cycles, "dut_cycles_per_s": rate, "wall_s": wall}


def uvm_env(sim: str, jobs: int) -> dict:
    rate, wall = _speed_run(
        sim, "verif.tests.uvm.tb_pnc_uvm", "RandomLegalJobs", {"PNC_JOBS": str(jobs)}
    )
    return {"test": "RandomLegalJobs", "jobs": jobs, "dut_cycles_per_s": rate, "wall_s": wall}


def speed_of(reports) -> dict:
    cyc = sum(r["dut_cycles"] for r in reports)
    wall = sum(r["jobs_wall_s"] for r in reports)
    macs = sum(r["M"] * r["N"] * r["K"] * len(r["modes"]) for r in reports)
    return {
        "dut_cycles": cyc,
        "wall_s": wall,
        "dut_cycles_per_s": cyc / wall if wall else None,
        "macs": macs,
        "macs_per_s": macs / wall if wall else None,
    }


# ---------------------------------------------------------------------------------------------
# Targets, table, plots


def geomean(v):
    v = [x for x in v if x]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None


def targets(reports, speed) -> list[dict]:
    t = TARGETS
    aqs = {r["name"]: r["modes"]["AQS"] for r in reports}
    ln = [s[0] for s in SUITE if s[5]]
    out = []

    def add(name, value, ok, target, detail):
        out.append(
            {
                "target": name,
                "value": value,
                "target_value": target,
                "status": "PASS" if ok else "MISS",
                "detail": detail,
            }
        )

    v = {n: aqs[n]["speedup_vs_zero"] for n in ln}
    add(
        "AQS vs ZERO_SKIP cycles on layer-norm layers",
        min(v.values()),
        all(x >= t["aqs_vs_zero_ln"] for x in v.values()),
        f">= {t['aqs_vs_zero_ln']}x each",
        ", ".join(f"{k} {x:.2f}x" for k, x in v.items()),
    )
    g = geomean([a["speedup_vs_dense"] for a in aqs.values()])
    add(
        "AQS vs DENSE cycles, geometric mean of the suite",
        g,
        g >= t["aqs_vs_dense_geomean"],
        f">= {t['aqs_vs_dense_geomean']}x",
        ", ".join(f"{k} {a['speedup_vs_dense']:.2f}x" for k, a in aqs.items()),
    )
    worst = max(aqs.items(), key=lambda kv: kv[1]["rtl_operator_ratio"])
    add(
        "AQS RTL cycles / operator-bound limit, worst layer",
        worst[1]["rtl_operator_ratio"],
        worst[1]["rtl_operator_ratio"] <= t["rtl_vs_limit"],
        f"<= {t['rtl_vs_limit']} every layer",
        ", ".join(
            f"{k} {a['rtl_operator_ratio']:.2f} ({a['bound']}-bound in the model; "
            f"{a['rtl_limit_ratio']:.2f} of the {a['limit_term']} roofline)"
            for k, a in aqs.items()
        ),
    )
    allm = [(r["name"], lab, d) for r in reports for lab, d in r["modes"].items()]
    worst_all = max(d["rtl_operator_ratio"] for _, _, d in allm)
    add(
        "RTL cycles / operator-bound limit, worst run of any variant",
        worst_all,
        worst_all <= t["rtl_vs_limit"],
        f"<= {t['rtl_vs_limit']}",
        "all modes and ablations",
    )
    mem = {k: (a["rd_bytes"] + a["wr_bytes"]) / (a["rd_min"] + a["wr_min"]) for k, a in aqs.items()}
    add(
        "AQS AXI bytes / minimum for the configured buffers, worst layer",
        max(mem.values()),
        max(mem.values()) <= t["mem_vs_min"],
        f"<= {t['mem_vs_min']}",
        ", ".join(
            f"{k} {x:.3f} (x{(aqs[k]['rd_bytes'] + aqs[k]['wr_bytes']) / (aqs[k]['rd_once'] + aqs[k]['wr_once']):.2f} of once)"  # noqa: E501
            for k, x in mem.items()
        ),
    )
    hi = {k: a for k, a in aqs.items() if a["ho_share_r"] > t["rle_r_share"]}
    if hi:
        low = min(a["act_rle_saving"] for a in hi.values())
        add(
            f"AQS activation RLE saving where r share > {t['rle_r_share']:.0%}",
            low,
            low >= t["rle_saving"],
            f">= {t['rle_saving']:.0%}",
            ", ".join(
                f"{k} {a['act_rle_saving']:.1%} (r share {a['ho_share_r']:.1%})"
                for k, a in hi.items()
            ),
        )
    else:
        add(
            f"AQS activation RLE saving where r share > {t['rle_r_share']:.0%}",
            None,
            False,
            f">= {t['rle_saving']:.0%}",
            "no layer with r share above the threshold",
        )
    full, bare = speed.get("verilator_uvm", {}), speed.get("verilator_clock_only", {})
    if full.get("dut_cycles_per_s") and bare.get("dut_cycles_per_s"):
        ratio = full["dut_cycles_per_s"] / bare["dut_cycles_per_s"]
        run = speed["verilator_run"]["dut_cycles_per_s"] / bare["dut_cycles_per_s"]
        add(
            "Testbench overhead: full pyuvm env / clock-only DUT cycles/s (Verilator)",
            ratio,
            ratio >= t["tb_overhead"],
            f">= {t['tb_overhead']}",
            f"uvm {full['dut_cycles_per_s']:.0f}, panacea-run tb {speed['verilator_run']['dut_cycles_per_s']:.0f} ({run:.3f} of bare), "  # noqa: E501
            f"clock-only {bare['dut_cycles_per_s']:.0f} cycles/s",
        )
    e = {
        k: r["modes"]["ZERO_SKIP"]["energy_pj"] / r["modes"]["AQS"]["energy_pj"]
        for k, r in ((r["name"], r) for r in reports)
    }
    ge = geomean(list(e.values()))
    add(
        "Energy efficiency AQS over ZERO_SKIP (geomean) vs paper's 1.97x over Sibia",
        ge,
        ge >= t["paper_energy"],
        f">= {t['paper_energy']}x (comparison)",
        ", ".join(f"{k} {x:.2f}x" for k, x in e.items()),
    )
    tol = [(r["name"], lab, d["model_ratio"]) for r in reports for lab, d in r["modes"].items()]
    bad = [
        x
        for x in tol
        if not reports[[r["name"] for r in reports].index(x[0])]["modes"][x[1]]["model_within_tol"]
    ]
    worst_m = max(tol, key=lambda x: abs(x[2] - 1))
    add(
        f"RTL cycles within the cycle-model tolerance ({t['cycle_tol']} x model + "
        f"{t['cycle_slack']}) on every run",
        worst_m[2],
        not bad,
        "every run",
        f"worst RTL/model {worst_m[2]:.2f} ({worst_m[0]} "
        f"{worst_m[1]}); {len(bad)} of {len(tol)} outside",
    )
    return out


def real_targets(reports) -> list[dict]:
    """Targets of the real transformer layers: every run within ``real_vs_roofline`` of the
    roofline (the worst run named), and every run within the cycle-model tolerance."""
    runs = [(r["name"], lab, d) for r in reports for lab, d in r["modes"].items()]
    if not runs:
        return []
    lim = TARGETS["real_vs_roofline"]
    name, lab, d = max(runs, key=lambda x: x[2]["rtl_limit_ratio"] or math.inf)
    ratio = d["rtl_limit_ratio"]
    over = [f"{n} {m} {x['rtl_limit_ratio']:.2f}" for n, m, x in runs
            if not x["rtl_limit_ratio"] or x["rtl_limit_ratio"] > lim]  # fmt: skip
    out = [
        {
            "target": "Real transformer layers 384-1536 channels: every run within "
            f"{lim}x of the roofline",
            "value": ratio,
            "target_value": f"<= {lim} every run",
            "status": "PASS" if not over else "MISS",
            "detail": f"worst {name} {lab} {ratio:.2f} ({d['limit_term']} roofline, "
            f"{d['bound']}-bound in the model); {len(over)} of {len(runs)} above"
            + (f": {', '.join(over)}" if over else ""),
        }
    ]
    bad = [(n, m) for n, m, x in runs if not x["model_within_tol"]]
    n_w, m_w, d_w = max(runs, key=lambda x: abs((x[2]["model_ratio"] or 0) - 1))
    out.append(
        {
            "target": "Real transformer layers: RTL cycles within the cycle-model tolerance",
            "value": d_w["model_ratio"],
            "target_value": "every run",
            "status": "PASS" if not bad else "MISS",
            "detail": f"worst RTL/model {d_w['model_ratio']:.3f} ({n_w} {m_w}); "
            f"{len(bad)} of {len(runs)} outside",
        }
    )
    return out


def real_markdown(real) -> list[str]:
    """The real transformer layers' table (RTL against model and roofline, per run)."""
    lines = [
        "",
        "## Real transformer layers, 384-1536 channels (RTL, this build)",
        "",
        *md_head(
            "layer", "M", "N", "K", "mode", "b", "mt", "RTL cycles", "model", "RTL/model",
            "roofline", "term", "RTL/roofline", "bound", "STALL_MEM", "read beats / cycle",
            "AXI/compulsory", "xZERO", "check",
        ),
    ]  # fmt: skip
    for r in real["layers"]:
        for lab, d in r["modes"].items():
            c = d["counters"]
            cyc = d["rtl_cycles"] or 0
            beats = (d["rd_bytes"] or 0) / (int(ARCH.AXI_DATA_W) // 8)
            lines.append(
                md_row(
                    r["name"], r["M"], r["N"], r["K"], lab, d["b"], d["mt"], cyc,
                    d["model_cycles"], f"{d['model_ratio'] or 0:.3f}", f"{d['lower_limit']:.0f}",
                    d["limit_term"], f"{d['rtl_limit_ratio'] or 0:.2f}", d["bound"],
                    c.get("STALL_MEM", "n/a"), f"{beats / cyc if cyc else 0:.2f}",
                    f"{d['axi_vs_compulsory']:.2f}", f"{d['speedup_vs_zero'] or 0:.2f}",
                    "PASS" if d["pass"] else "FAIL",
                )
            )  # fmt: skip
    lines += targets_markdown("### Targets of the real transformer layers", real["targets"])
    return lines


def markdown(doc) -> str:
    lines = [
        f"# Panacea bench ({doc['meta']['date']}, NUM_PEA={doc['meta']['num_pea']}, "
        f"WBUF_BYTES={doc['meta']['wbuf_bytes']}, rtl {doc['meta']['git']})",
        "",
        *md_head(
            "layer", "M", "N", "K", "variant", "b", "r share", "RTL cycles", "model",
            "operator limit", "RTL/operator", "roofline", "term", "RTL/roofline", "xDENSE",
            "xZERO", "SWO util", "DWO util", "rd/min", "rd/once", "AXI/compulsory",
            "act RLE saving", "energy uJ", "DRAM", "SRAM", "compute", "E/E_ZERO", "SQNR dB",
            "check",
        ),
    ]  # fmt: skip

    def f(v, p):
        return "n/a" if v is None else format(v, p)

    for r in doc["layers"]:
        ez = r["modes"]["ZERO_SKIP"]["energy_pj"]
        for lab, d in r["modes"].items():
            lines.append(
                md_row(
                    r["name"], r["M"], r["N"], r["K"], lab, d["b"], f"{d['ho_share_r']:.0%}",
                    d["rtl_cycles"], d["model_cycles"], f"{d['operator_limit']:.0f}",
                    f(d["rtl_operator_ratio"], ".2f"), f"{d['lower_limit']:.0f}",
                    d["limit_term"], f(d["rtl_limit_ratio"], ".2f"),
                    f(d["speedup_vs_dense"], ".2f"), f(d["speedup_vs_zero"], ".2f"),
                    f(d["util_swo"], ".0%"), f(d["util_dwo"], ".0%"),
                    f"{d['rd_bytes'] / d['rd_min']:.2f}", f"{d['rd_bytes'] / d['rd_once']:.2f}",
                    f"{d['axi_vs_compulsory']:.2f}", f"{d['act_rle_saving']:.0%}",
                    f"{d['energy_pj'] / 1e6:.2f}", *energy_shares(d),
                    f"{d['energy_pj'] / ez:.2f}", f(d["sqnr_db"], ".1f"),
                    "PASS" if d["pass"] else "FAIL",
                )
            )  # fmt: skip
    lines += targets_markdown("## Targets (docs/performance.md)", doc["targets"])
    if doc.get("real"):
        lines += real_markdown(doc["real"])
    lines += [
        "",
        "## Simulation speed",
        "",
        *md_head("run", "DUT cycles/s", "MAC/s", "wall s"),
    ]
    for k, s in doc["speed"].items():
        lines.append(
            md_row(
                k,
                f(s.get("dut_cycles_per_s"), ".0f"),
                f(s.get("macs_per_s"), ".3g"),
                f(s.get("wall_s"), ".1f"),
            )
        )
    if doc.get("llm"):
        lines += ["", bench_llm.markdown(doc["llm"]).rstrip("\n")]
    return "\n".join(lines) + "\n"


def plots(doc) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    layers = doc["layers"]
    labels = [v.label for v in VARIANTS]
    paths = []
    if layers:
        x = np.arange(len(layers))
        wd = 0.8 / len(labels)
        fig, ax = plt.subplots(figsize=(11, 4))
        for i, lab in enumerate(labels):
            ax.bar(
                x + (i - len(labels) / 2 + 0.5) * wd,
                [r["modes"][lab]["speedup_vs_dense"] or 0 for r in layers],
                wd,
                label=lab,
            )
        ax.set_xticks(x, [r["name"] for r in layers])
        ax.set(title="RTL speedup over DENSE (cycles)", ylabel="speedup")
        ax.axhline(1.0, color="k", linewidth=0.6)
        ax.legend(ncol=3, fontsize=8)
        fig.tight_layout()
        paths.append(_save(fig, "speedup.png"))
        fig, axes = plt.subplots(1, len(layers), figsize=(3.2 * len(layers), 4), squeeze=False)
        for ax, r in zip(axes[0], layers, strict=True):
            plot_energy_stack(ax, labels, [r["modes"][lab]["energy_by_kind_pj"] for lab in labels])
            ax.set_title(r["name"], fontsize=9)
            ax.tick_params(axis="x", labelrotation=60, labelsize=7)
        axes[0][0].legend(fontsize=7)
        fig.suptitle("Modelled energy from RTL counters: DRAM / SRAM / compute (uJ)")
        fig.tight_layout()
        paths.append(_save(fig, "energy.png"))
    llm = doc.get("llm")
    if llm:
        modes = list(llm["layers"][0]["modes"])
        fig, axes = plt.subplots(
            1, len(llm["layers"]) + 1, figsize=(3.2 * (len(llm["layers"]) + 1), 4)
        )
        for ax, r in zip(axes[:-1], llm["layers"], strict=True):
            parts = [
                {k: v / 1e3 for k, v in r["modes"][md]["energy_by_kind_pj"].items()} for md in modes
            ]
            plot_energy_stack(ax, modes, parts)  # pJ / 1e3 plotted as uJ -> mJ
            ax.set_ylabel("energy (mJ)")
            ax.set_title(r["name"], fontsize=9)
            ax.tick_params(axis="x", labelsize=7)
        axes[0].legend(fontsize=7)
        ax = axes[-1]
        x = np.arange(len(llm["layers"]))
        wd = 0.8 / len(modes)
        for i, md in enumerate(modes):
            ax.bar(
                x + (i - len(modes) / 2 + 0.5) * wd,
                [r["modes"][md]["cycles_vs_roofline"] for r in llm["layers"]],
                wd,
                label=md,
            )
        ax.axhline(
            bench_llm.TARGETS["aqs_vs_roofline"],
            color="k",
            linewidth=0.6,
            linestyle="--",
            label="target (AQS)",
        )
        ax.set_xticks(x, [r["name"] for r in llm["layers"]], rotation=30, fontsize=7)
        ax.set(title="cycles / roofline", ylabel="ratio")
        ax.legend(fontsize=7)
        fig.suptitle(
            f"LLM suite (cycle model, M = {llm['meta']['m_tokens']}): energy "
            "DRAM / SRAM / compute, and cycles over the roofline"
        )
        fig.tight_layout()
        paths.append(_save(fig, "llm.png"))
    return paths


def _save(fig, name: str) -> Path:
    import matplotlib.pyplot as plt

    p = OUT / name
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return p


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--short", "rtl", "models/panacea/arch.toml"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return head + ("+dirty-rtl" if dirty else "")
    except OSError:
        return "unknown"


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    ap.add_argument("--no-icarus", action="store_true", help="skip the Icarus speed sample")
    ap.add_argument("--uvm-jobs", type=int, default=6, help="jobs of the pyuvm speed sample")
    ap.add_argument("--only", help="comma-separated layer names (default: the whole suite)")
    part = ap.add_mutually_exclusive_group()
    part.add_argument(
        "--llm-only", action="store_true", help="run only the LLM suite (cycle model, no simulator)"
    )
    part.add_argument("--no-llm", action="store_true", help="skip the LLM suite")
    ap.add_argument(
        "--no-real",
        action="store_true",
        help="skip the real transformer layers of 384-1536 channels (RTL, about 1.6 M cycles)",
    )
    ap.add_argument(
        "--llm-wbuf",
        type=int,
        metavar="BYTES",
        help="model the LLM suite with this per-PEA weight buffer instead of arch.toml's "
        "WBUF_BYTES (a what-if of the cycle model, no RTL build)",
    )
    part.add_argument(
        "--llm-rows",
        action="store_true",
        help="only compare one z, r per tensor, per block of 8 rows and per row on the LLM "
        "suite (cycle model) -> build/bench/llm_rows.{json,md}",
    )
    ap.add_argument(
        "--llm-config",
        default=LLM_CONFIG,
        choices=arch.names(),
        help=f"named configuration the LLM suite models and simulates (default {LLM_CONFIG}; "
        "run in a child process when it is not this process's)",
    )
    ap.add_argument(
        "--llm-rtl",
        nargs="?",
        type=int,
        const=bench_llm.RTL_TOKENS,
        metavar="TOKENS",
        help=f"also run the first TOKENS (default {bench_llm.RTL_TOKENS}) rows of every LLM layer "
        "on the RTL at full N and K (Verilator, one run per layer; hours at 16 PEAs)",
    )
    ap.add_argument(
        "--llm-rtl-modes",
        default=",".join(bench_llm.RTL_MODES),
        help="comma-separated skip modes of --llm-rtl (DENSE, ZERO_SKIP, AQS; default "
        f"{','.join(bench_llm.RTL_MODES)})",
    )
    ap.add_argument(
        "--llm-rtl-layers",
        help="comma-separated LLM layers of --llm-rtl (default: all four)",
    )
    ap.add_argument("--llm-json", type=Path, help=argparse.SUPPRESS)  # child: LLM suite -> file
    args = ap.parse_args(argv)
    modes = [m.strip().upper() for m in args.llm_rtl_modes.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODE_NAMES.values()]
    if bad or not modes:
        ap.error(f"--llm-rtl-modes: unknown mode(s) {', '.join(bad) or '(none)'}")
    args.llm_rtl_modes = modes
    names = [s[0] for s in bench_llm.SUITE]
    if args.llm_rtl_layers is not None:
        args.llm_rtl_layers = [n.strip() for n in args.llm_rtl_layers.split(",") if n.strip()]
        bad = [n for n in args.llm_rtl_layers if n not in names]
        if bad or not args.llm_rtl_layers:
            ap.error(f"--llm-rtl-layers: unknown layer(s) {', '.join(bad) or '(none)'}; "
                     f"layers: {', '.join(names)}")  # fmt: skip
    if args.llm_rtl is not None and args.llm_rtl < 1:
        ap.error(f"--llm-rtl: TOKENS must be >= 1, got {args.llm_rtl}")
    if args.llm_json is not None:
        args.llm_json.write_text(json.dumps(llm_suite(args)) + "\n")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    if args.llm_rows:
        rows = bench_llm.run_rows_suite(lambda s: print(s, flush=True), args.llm_wbuf)
        md = bench_llm.rows_markdown(rows["layers"])
        (OUT / "llm_rows.json").write_text(json.dumps(rows, indent=2) + "\n")
        (OUT / "llm_rows.md").write_text(md)
        print(md + f"wrote {OUT / 'llm_rows.json'}, {OUT / 'llm_rows.md'}")
        return 0
    t0 = time.monotonic()
    suite = (
        [] if args.llm_only else [s for s in SUITE if not args.only or s[0] in args.only.split(",")]
    )
    reports = []
    failed = False
    for i, (name, m, n, k, fam, _) in enumerate(suite):
        print(f"[{i + 1}/{len(suite)}] {name} ({fam.__doc__.splitlines()[0]})", flush=True)
        w, xf = make_layer(SUITE.index((name, m, n, k, fam, _)), name, m, n, k, fam)
        plan = plan_layer(name, w, xf, VARIANTS)
        rep = run_layer(plan, "verilator", log=lambda s: print(s, flush=True))
        print(format_layer_run(rep), flush=True)
        reports.append(rep)
    real_suite = (
        []
        if args.llm_only or args.no_real
        else [s for s in REAL_SUITE if not args.only or s[0] in args.only.split(",")]
    )
    real_reports = []
    for i, (name, m, n, k, fam, _) in enumerate(real_suite):
        print(
            f"[real {i + 1}/{len(real_suite)}] {name} ({fam.__doc__.splitlines()[0]})", flush=True
        )
        idx = [s[0] for s in REAL_SUITE].index(name)
        w, xf = make_layer(idx, name, m, n, k, fam, seed_base=REAL_SEED)
        rep = run_layer(
            plan_layer(name, w, xf, REAL_VARIANTS), "verilator", log=lambda s: print(s, flush=True)
        )
        print(format_layer_run(rep), flush=True)
        real_reports.append(rep)
    speed = {} if args.llm_only else simulation_speed(reports, args)
    failed = bool(speed.pop("failed", False))
    for k, s in speed.items():
        print(
            f"  {k:<28} {s.get('dut_cycles_per_s') or 0:>10.0f} DUT cycles/s"
            + (f"  {s['macs_per_s']:.3g} MAC/s" if s.get("macs_per_s") else "")
        )
    llm = None if args.no_llm else llm_suite(args)
    doc = {
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "git": git_state(),
            "num_pea": int(ARCH.NUM_PEA),
            "wbuf_bytes": int(ARCH.WBUF_BYTES),
            "wall_s": round(time.monotonic() - t0, 1),
            "targets": TARGETS,
        },
        "layers": reports,
        "real": {"layers": real_reports, "targets": real_targets(real_reports)}
        if real_reports
        else None,
        "speed": speed,
        "llm": llm,
    }
    doc["targets"] = targets(reports, speed) if len(reports) == len(SUITE) else []
    (OUT / "bench.json").write_text(json.dumps(doc, indent=2) + "\n")
    (OUT / "bench.md").write_text(markdown(doc))
    pngs = plots(doc)
    print("\nTargets (docs/performance.md):")
    real_t = doc["real"]["targets"] if doc["real"] else []
    for t in doc["targets"] + real_t + (llm["targets"] if llm else []):
        v = "n/a" if t["value"] is None else f"{t['value']:.3g}"
        print(f"  {t['status']:<4}  {t['target']}: {v} (wanted {t['target_value']}); {t['detail']}")
    llm_rtl = [r["rtl"] for r in (llm or {}).get("layers", []) if r.get("rtl")]
    ok = all(r["pass"] for r in reports + real_reports + llm_rtl) and not failed
    verdict = (
        "CHECK FAILURES (see table)"
        if not ok
        else "all runs bit-exact with exact counters"
        if reports or real_reports or llm_rtl
        else "no RTL runs"
    )
    print(
        f"\n{verdict}"
        f"; wrote {OUT / 'bench.json'}, {OUT / 'bench.md'}, "
        f"{', '.join(p.name for p in pngs)} in {time.monotonic() - t0:.0f} s"
    )
    return 0 if ok else 1


def llm_suite(args) -> dict:
    """The LLM suite on ``args.llm_config``: in this process when it runs that configuration,
    else in a child ``python -m flow.bench --llm-only`` with $PANACEA_CONFIG set, so that model,
    RTL build and testbench agree (its progress lines pass through)."""
    log = lambda s: print(s, flush=True)  # noqa: E731
    if args.llm_config == CONFIG_NAME:
        return bench_llm.run_suite(
            log,
            wbuf_bytes=args.llm_wbuf,
            rtl_tokens=args.llm_rtl,
            rtl_modes=args.llm_rtl_modes,
            rtl_layers=args.llm_rtl_layers,
        )
    log(f"LLM suite on configuration {args.llm_config} (child process; this one is {CONFIG_NAME})")
    OUT.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="llm-", suffix=".json", dir=OUT)
    os.close(fd)
    cmd = [
        sys.executable,
        "-m",
        "flow.bench",
        "--llm-only",
        "--llm-json",
        tmp,
        "--llm-config",
        args.llm_config,
        "--llm-rtl-modes",
        ",".join(args.llm_rtl_modes),
    ]
    cmd += ["--llm-wbuf", str(args.llm_wbuf)] if args.llm_wbuf is not None else []
    cmd += ["--llm-rtl", str(args.llm_rtl)] if args.llm_rtl is not None else []
    cmd += ["--llm-rtl-layers", ",".join(args.llm_rtl_layers)] if args.llm_rtl_layers else []
    env = {**os.environ, arch.CONFIG_ENV: args.llm_config}
    try:
        rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode  # fmt: skip
        if rc != 0:
            raise RuntimeError(f"the LLM suite on {args.llm_config} failed (exit status {rc})")
        return json.loads(Path(tmp).read_text())
    finally:
        Path(tmp).unlink(missing_ok=True)


def simulation_speed(reports, args) -> dict:
    """Speed samples: the suite's runs, clock-only and pyuvm on Verilator, Icarus unless
    ``--no-icarus`` (``failed`` set when the Icarus layer's check failed), and the clock-only
    loop of the LLM suite's build when it is another one (``<config>_<sim>_clock_only``)."""
    speed = {"verilator_run": speed_of(reports)}
    print("speed: Verilator clock-only loop", flush=True)
    speed["verilator_clock_only"] = clock_only("verilator", 200_000)
    print(
        f"speed: Verilator full pyuvm environment (RandomLegalJobs, {args.uvm_jobs} jobs)",
        flush=True,
    )
    try:
        speed["verilator_uvm"] = uvm_env("verilator", args.uvm_jobs)
    except AssertionError as exc:
        print(f"  pyuvm run failed: {exc}", flush=True)
        speed["verilator_uvm"] = {"error": str(exc)}
    if not args.no_icarus:
        print("speed: Icarus, one tiny layer (all modes) and the clock-only loop", flush=True)
        w, xf = make_layer(0, "tiny_ln", 16, 16, 32, act_layernorm)
        tiny = run_layer(
            plan_layer("tiny_ln", w, xf, VARIANTS[:3]), "icarus", log=lambda s: print(s, flush=True)
        )
        print(format_layer_run(tiny), flush=True)
        speed["icarus_run_tiny"] = speed_of([tiny])
        speed["icarus_clock_only"] = clock_only("icarus", 3000)
        if not tiny["pass"]:
            speed["failed"] = True
    if args.llm_config != CONFIG_NAME:  # the clock-only loop of the LLM suite's build too
        env = os.environ.get(arch.CONFIG_ENV)
        os.environ[arch.CONFIG_ENV] = args.llm_config  # the runner builds its package
        try:
            print(f"speed: {args.llm_config} build, clock-only loop", flush=True)
            cfg = args.llm_config
            speed[f"{cfg}_verilator_clock_only"] = clock_only("verilator", 50_000)
            if not args.no_icarus:
                speed[f"{cfg}_icarus_clock_only"] = clock_only("icarus", 1000)
        finally:
            if env is None:
                os.environ.pop(arch.CONFIG_ENV)
            else:
                os.environ[arch.CONFIG_ENV] = env
    return speed


if __name__ == "__main__":
    sys.exit(main())
