"""The LLM suite of `make bench`: LLaMA-7B layer shapes through the cycle model (no RTL).

Four layers of a LLaMA-7B decoder block at M = 512 tokens: an attention projection (4096 x 4096)
on RMSNorm outputs, the attention output projection (4096 x 4096) on attention context, the FFN
up projection (4096 -> 11008) on RMSNorm outputs and the FFN down projection (11008 -> 4096) on
SwiGLU outputs. Activations are synthetic and reproducible (fixed seeds, the families below);
weights are normal with per-channel log-normal scales like the RTL suite's.

Each layer is calibrated as ``panacea analyze`` does (per-channel weights, min/max activations,
ZPM, DBS over b = 3, 4, 5 on the layer's modelled AQS cycles, r = most frequent HO slice) and
modelled in DENSE, ZERO_SKIP and AQS with :mod:`panacea.cycles` and :mod:`panacea.energy`.

A descriptor holds M, N, K <= MAX_DIM (4096), so a larger layer runs as several jobs back to
back, as a host would issue them: N in chunks of at most MAX_DIM output channels (independent
columns: each chunk reads the activations again) and K in chunks of at most MAX_DIM with INT32
partial outputs the host adds (each chunk writes its partial output; the host's adds are not
counted). The layer's figures are the sums over its jobs; its compulsory bytes are those of the
layer: each chunk's activation streams once (not once per N chunk), every weight stream once,
the output once.

Beside each layer and mode, the mapper's projection (:mod:`panacea.mapper`, architecture.md
section 8): its best blocking within the on-chip budget of the targets (1 MiB), for a buffer
hierarchy the RTL has only in part (ABUF and m-tiles, not K chunks with partial sums). With
``rtl_tokens`` the first rows of each layer also run on
the RTL (Verilator, the selected build) at full N and K, every job bit-exact with exact counters
against the model and its cycles against the cycle model's tolerance.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from panacea import mapper as mp
from panacea.aqs import MODE_NAMES
from panacea.config import ARCH, CONFIG_NAME
from panacea.cycles import (
    choose_mt,
    compulsory_bytes,
    mode_cycles_from_stats,
    within_tolerance,
)
from panacea.energy import RD_FIFO_BYTES, energy_from_counters
from panacea.memimage import BUS_BYTES, Job, job_stats, wbuf_capacity
from panacea.quant import calibrate_activations, quantize_activations, quantize_weights
from panacea.rowquant import act_skip_share, calibrate_rows, center_rows, quantize_rows
from panacea.zpm import choose_r, ho_share, zero_point_manipulation

M_TOKENS: int = 512
RTL_TOKENS: int = 32  # rows of the RTL run: enough tokens for several m-blocks at full N and K
RTL_MODES: tuple[str, ...] = ("AQS",)  # default skip modes of the RTL run
LO_BITS: tuple[int, ...] = (3, 4, 5)
TARGETS: dict[str, float] = {
    "axi_vs_compulsory": 1.25,  # AXI_MODES, with at most "onchip_max" bytes on chip
    "onchip_max": 1 << 20,
    "aqs_vs_roofline": 1.15,
    "aqs_vs_zero_rms": 1.8,
    "energy_aqs_vs_zero_rms": 1.5,
}

AXI_MODES: tuple[str, ...] = ("AQS", "ZERO_SKIP")  # the skip modes the AXI-traffic targets hold

Floats = npt.NDArray[np.float64]


# ---------------------------------------------------------------------------------------------
# Activation families of decoder LLMs (rows = tokens, columns = channels)


def act_rmsnorm(rng: np.random.Generator, m: int, k: int) -> Floats:
    """RMSNorm output: residual-stream rows with six massive outlier channels (fixed sign,
    ~20x), divided by their RMS and scaled by a per-channel gain (3x on those channels)."""
    h = rng.normal(0.0, 1.0, (m, k)) * np.exp(0.3 * rng.normal(size=k))
    outl = rng.choice(k, 6, replace=False)
    h[:, outl] = rng.choice([-1.0, 1.0], 6) * rng.normal(20.0, 3.0, (m, 6))
    h /= np.sqrt(np.mean(h * h, axis=1, keepdims=True) + 1e-6)
    gain = np.abs(rng.normal(0.45, 0.12, k))
    gain[outl] *= 3.0  # the norm's gain is large on the outlier channels too
    return h * gain


def act_attn_context(rng: np.random.Generator, m: int, k: int, heads: int = 32) -> Floats:
    """Attention context: per head, causal softmax-weighted averages of the value rows."""
    d = k // heads
    v = rng.normal(0.0, 1.0, (m, heads, d)) * np.exp(0.2 * rng.normal(size=(heads, d)))
    logits = rng.normal(0.0, 2.0, (heads, m, m))
    logits[:, np.triu(np.ones((m, m), bool), 1)] = -np.inf
    p = np.exp(logits - logits.max(axis=2, keepdims=True))
    p /= p.sum(axis=2, keepdims=True)
    return np.einsum("hij,jhd->ihd", p, v).reshape(m, heads * d)


def act_swiglu(rng: np.random.Generator, m: int, k: int) -> Floats:
    """SwiGLU output silu(gate) * up: centred near zero, heavy tails, and a few massive values
    at two tokens (the outliers known from LLaMA's down-projection input)."""
    g = rng.normal(-0.2, 1.0, (m, k)) * np.exp(0.25 * rng.normal(size=k))
    u = rng.normal(0.0, 1.0, (m, k)) * np.exp(0.25 * rng.normal(size=k))
    y = g / (1.0 + np.exp(-g)) * u
    rows, cols = rng.choice(m, 2, replace=False), rng.choice(k, 3, replace=False)
    y[np.ix_(rows, cols)] = rng.normal(60.0, 10.0, (2, 3))
    return y


# (name, N, K, activation family, RMSNorm input?)
SUITE: list[tuple[str, int, int, Callable[..., Floats], bool]] = [
    ("attn_qkv_rms", 4096, 4096, act_rmsnorm, True),
    ("attn_o_ctx", 4096, 4096, act_attn_context, False),
    ("ffn_up_rms", 11008, 4096, act_rmsnorm, True),
    ("ffn_down_swiglu", 4096, 11008, act_swiglu, False),
]


def make_layer(idx: int, n: int, k: int, fam: Callable[..., Floats]) -> tuple[Floats, Floats]:
    """Reproducible float weights (N, K) and activations (M_TOKENS, K) of suite layer ``idx``."""
    rng = np.random.default_rng(2000 + idx)
    w = rng.normal(0.0, 1.0 / math.sqrt(k), (n, k)) * np.exp(0.3 * rng.normal(size=(n, 1)))
    return w, fam(rng, M_TOKENS, k)


# ---------------------------------------------------------------------------------------------
# A layer as descriptor-sized jobs


def chunks(n: int, step: int | None = None) -> list[slice]:
    """``range(n)`` in slices of at most ``step`` (default MAX_DIM)."""
    step = int(ARCH.MAX_DIM) if step is None else step
    return [slice(i, min(n, i + step)) for i in range(0, n, step)]


@dataclass(frozen=True)
class LayerCalibration:
    """Quantized operands and the DBS/ZPM choice of one layer."""

    xq: npt.NDArray[np.uint8]
    wq: npt.NDArray[np.int8]
    z: int | npt.NDArray[np.int64]  # one per tensor, or one per row (run_layer_rows)
    r: int | npt.NDArray[np.int64]
    b: int
    dbs_cycles: dict[str, int]


def layer_jobs(
    cal: LayerCalibration,
    mode: str,
    max_dim: int | None = None,
    wbuf_bytes: int | None = None,
    host_mt: bool = True,
) -> list[list[Job]]:
    """The layer's jobs in one skip mode, ``[k chunk][n chunk]``, each dimension in chunks of
    at most ``max_dim`` (default MAX_DIM). With ``host_mt`` each job carries the host's m-tile
    (:func:`panacea.cycles.choose_mt` for ``wbuf_bytes``), as ``panacea analyze`` and
    ``panacea run`` issue it; without, mt = 0 (no activation buffer: DBS's cost, as in
    ``panacea analyze``)."""
    jobs = [
        [
            Job(x=cal.xq[:, ks], w=cal.wq[ns, ks], z=cal.z, r=cal.r, b=cal.b, sbr=True, mode=mode)
            for ns in chunks(cal.wq.shape[0], max_dim)
        ]
        for ks in chunks(cal.xq.shape[1], max_dim)
    ]
    if not host_mt:
        return jobs
    return [[dataclasses.replace(j, mt=choose_mt(j, wbuf_bytes)) for j in row] for row in jobs]


def layer_figures(jobs: list[list[Job]], wbuf_bytes: int | None = None) -> dict[str, Any]:
    """Cycles, limits, bytes and energy of a layer run as ``jobs`` (see the module docstring);
    ``wbuf_bytes`` overrides the per-PEA weight buffer of arch.toml."""
    cycles = 0
    op_limit = 0.0
    axi = 0
    need_act = need_wt = need_out = 0
    kinds = {"dram": 0.0, "sram": 0.0, "compute": 0.0}
    bounds: dict[str, int] = {}
    for kc, row in enumerate(jobs):
        for nc, job in enumerate(row):
            st = job_stats(job, wbuf_bytes)
            mc = mode_cycles_from_stats(st)
            cycles += mc.cycles
            op_limit += mc.operator_limit
            axi += mc.axi_bytes
            bounds[mc.bound] = bounds.get(mc.bound, 0) + mc.cycles
            for kind, pj in energy_from_counters(mc.counts, wbuf_bytes).by_kind_pj.items():
                kinds[kind] += pj
            need_rd, need_wr = compulsory_bytes(st)
            act = BUS_BYTES * int(st.act_beats.sum())
            need_wt += need_rd - act
            if nc == 0:
                need_act += act
            if kc == 0:
                need_out += need_wr
    need_rd = need_act + need_wt
    mem_limit = max(need_rd, need_out) / BUS_BYTES
    roof = max(op_limit, mem_limit)
    energy = sum(kinds.values())
    return {
        "jobs": sum(len(r) for r in jobs),
        "cycles": cycles,
        "operator_limit": op_limit,
        "memory_limit": mem_limit,
        "lower_limit": roof,
        "limit_term": "memory" if mem_limit > op_limit else "operator",
        "cycles_vs_roofline": cycles / roof,
        "bound": max(bounds, key=lambda b: bounds[b]),
        "compulsory_bytes": need_rd + need_out,
        "axi_bytes": axi,
        "axi_vs_compulsory": axi / (need_rd + need_out),
        "energy_pj": energy,
        "energy_by_kind_pj": kinds,
    }


def calibrate(w: Floats, x: Floats, wbuf_bytes: int | None = None) -> LayerCalibration:
    """Per-channel weights, min/max activations, then for each b ZPM and r; DBS keeps the b
    with the fewest modelled AQS cycles of the whole layer (ties: the default b)."""
    wq, _ = quantize_weights(w)
    scale, z0 = calibrate_activations(x)
    default = int(ARCH.DEFAULT_LO_BITS)
    per_b = {}
    for b in LO_BITS:
        z = zero_point_manipulation(x, scale, z0, b).z_after
        xq = quantize_activations(x, scale, z)
        r = choose_r(xq, b)
        cal = LayerCalibration(xq=xq, wq=wq, z=z, r=r, b=b, dbs_cycles={})
        jobs = [j for row in layer_jobs(cal, "aqs", host_mt=False) for j in row]
        cyc = sum(mode_cycles_from_stats(job_stats(j, wbuf_bytes)).cycles for j in jobs)
        per_b[b] = (cyc, cal)
    best = min(per_b, key=lambda b: (per_b[b][0], b != default, b))
    c = per_b[best][1]
    return LayerCalibration(
        xq=c.xq, wq=wq, z=c.z, r=c.r, b=c.b, dbs_cycles={str(b): v[0] for b, v in per_b.items()}
    )


def mapper_figures(jobs: list[list[Job]], name: str, budget: int) -> dict[str, Any] | None:
    """The mapper's best blocking of the layer run as ``jobs`` (one GEMM, the build's PEAs and
    port) within ``budget`` on-chip bytes, and the RTL's loop nest in the same accounting (with
    a weight buffer that fits); None when nothing fits the budget."""
    from flow.mapper_study import summary  # the study's JSON form of a mapping

    mpr = mp.Mapper(mp.operands_from_jobs(jobs, name))
    best = mp.best_within(mpr.mappings(), budget)
    if best is None:
        return None
    return {
        "budget": budget,
        **summary(best),
        "rtl_nest_fitting_wbuf": summary(mpr.evaluate(mp.rtl_blocking(mpr.ops, mpr.num_pea))),
    }


def run_rtl(
    name: str,
    cal: LayerCalibration,
    modes: Sequence[str],
    tokens: int,
    log: Callable[[str], None] = print,
    sim: str = "verilator",
) -> dict[str, Any]:
    """The first ``tokens`` rows of a calibrated layer on the RTL at full N and K, every job of
    every mode in ONE simulator run: each job checked bit-exactly with exact counters
    (:func:`flow.run.check_job`), its CYCLES against the cycle model; per mode the sums, the
    roofline and the compulsory bytes of the ``tokens``-row layer (:func:`layer_figures`)."""
    from flow.run import check_job
    from verif.tests.top.job_runner import simulate

    sub = dataclasses.replace(cal, xq=cal.xq[:tokens])
    jobs: list[Job] = []
    where: list[tuple[str, int, int]] = []
    for md in modes:
        for kc, row in enumerate(layer_jobs(sub, md.lower())):
            for nc, job in enumerate(row):
                jobs.append(job)
                where.append((md, kc, nc))
    t0 = time.monotonic()
    model = [mode_cycles_from_stats(job_stats(j)).cycles for j in jobs]
    log(
        f"  [llm rtl {name}] {len(jobs)} job(s) of M={sub.xq.shape[0]} at full N, K on {sim}, "
        f"config {CONFIG_NAME} ({ARCH.NUM_PEA} PEAs, AXI {ARCH.AXI_DATA_W} bits), one run; "
        f"the model predicts {sum(model) / 1e6:.2f} M cycles in all"
    )

    def progress(obs: Any) -> None:
        md, kc, nc = where[obs.idx]
        j = jobs[obs.idx]
        rate = obs.dut_cycles / obs.wall_s if obs.wall_s else 0.0
        log(
            f"  [llm rtl {name}] {obs.idx + 1}/{len(jobs)} {md} k chunk {kc} n chunk {nc} "
            f"(M{j.M} N{j.N} K{j.K}): {'HANG' if obs.timed_out else obs.cycles} cycles "
            f"(model {model[obs.idx]}), "
            f"{obs.wall_s:.0f} s, {rate:.0f} DUT cycles/s, {time.monotonic() - t0:.0f} s so far"
        )

    recs = simulate(jobs, sim, tag=f"llm-{name}", progress=progress)
    out: dict[str, Any] = {}
    for md in modes:
        fig = layer_figures(layer_jobs(sub, md.lower()))
        per_job = []
        for job, obs, pred, (m, kc, nc) in zip(jobs, recs, model, where, strict=True):
            if m != md:
                continue
            problems, exact, counters_exact = check_job(job, obs)
            per_job.append({
                "k_chunk": kc, "n_chunk": nc, "N": job.N, "K": job.K,
                "rtl_cycles": obs.cycles, "model_cycles": pred,
                "model_ratio": obs.cycles / pred if obs.cycles else None,
                "model_within_tol": within_tolerance(obs.cycles, pred),
                "rd_bytes": obs.counters.get("RD_BYTES"), "wr_bytes": obs.counters.get("WR_BYTES"),
                "exact": exact, "counters_exact": counters_exact, "problems": problems,
                "wall_s": obs.wall_s, "dut_cycles": obs.dut_cycles,
            })  # fmt: skip
        rtl_cycles = sum(j["rtl_cycles"] for j in per_job)
        axi = sum((j["rd_bytes"] or 0) + (j["wr_bytes"] or 0) for j in per_job)
        wall = sum(j["wall_s"] for j in per_job)
        out[md] = {
            "rtl_cycles": rtl_cycles,
            "model_cycles": fig["cycles"],
            "model_ratio": rtl_cycles / fig["cycles"],
            "worst_job_model_error": max(
                abs(j["rtl_cycles"] - j["model_cycles"]) / j["model_cycles"] for j in per_job
            ),
            "lower_limit": fig["lower_limit"],
            "limit_term": fig["limit_term"],
            "rtl_vs_roofline": rtl_cycles / fig["lower_limit"],
            "axi_bytes": axi,
            "compulsory_bytes": fig["compulsory_bytes"],
            "axi_vs_compulsory": axi / fig["compulsory_bytes"],
            "exact": all(j["exact"] for j in per_job),
            "counters_exact": all(j["counters_exact"] for j in per_job),
            "within_tol": all(j["model_within_tol"] for j in per_job),
            "pass": all(not j["problems"] for j in per_job),
            "wall_s": wall,
            "dut_cycles_per_s": sum(j["dut_cycles"] for j in per_job) / wall if wall else None,
            "jobs": per_job,
        }
    return {
        "tokens": int(sub.xq.shape[0]),
        "sim": sim,
        "config": CONFIG_NAME,
        "wall_s": round(time.monotonic() - t0, 1),
        "modes": out,
        "pass": all(d["pass"] for d in out.values()),
    }


def run_layer(
    idx: int,
    log: Callable[[str], None] = print,
    wbuf_bytes: int | None = None,
    rtl_tokens: int | None = None,
    rtl_modes: Sequence[str] = RTL_MODES,
    mapper_budget: int | None = TARGETS["onchip_max"],
) -> dict[str, Any]:
    """Generate, calibrate and model suite layer ``idx`` in every skip mode (``wbuf_bytes``
    overrides the per-PEA weight buffer of arch.toml), with the mapper's best blocking within
    ``mapper_budget`` bytes (None: no projection) and, with ``rtl_tokens``, the first rows on
    the RTL in ``rtl_modes``."""
    name, n, k, fam, rms = SUITE[idx]
    t0 = time.monotonic()
    w, x = make_layer(idx, n, k, fam)
    cal = calibrate(w, x, wbuf_bytes)
    del w, x
    modes = {}
    for md in MODE_NAMES.values():
        jobs = layer_jobs(cal, md.lower(), wbuf_bytes=wbuf_bytes)
        modes[md] = layer_figures(jobs, wbuf_bytes)
        if mapper_budget is not None:
            modes[md]["mapper"] = mapper_figures(jobs, name, int(mapper_budget))
    for d in modes.values():
        d["speedup_vs_dense"] = modes["DENSE"]["cycles"] / d["cycles"]
        d["speedup_vs_zero"] = modes["ZERO_SKIP"]["cycles"] / d["cycles"]
        d["energy_vs_zero"] = modes["ZERO_SKIP"]["energy_pj"] / d["energy_pj"]
    model_s = round(time.monotonic() - t0, 1)
    rtl = run_rtl(name, cal, rtl_modes, rtl_tokens, log) if rtl_tokens else None
    rep = {
        "name": name,
        "M": M_TOKENS,
        "N": n,
        "K": k,
        "family": (fam.__doc__ or "").split(":")[0],
        "rmsnorm_input": rms,
        "b": cal.b,
        "z": cal.z,
        "r": cal.r,
        "ho_share_r": ho_share(cal.xq, cal.b, cal.r),
        "dbs_cycles": cal.dbs_cycles,
        "modes": modes,
        "rtl": rtl,
        "model_wall_s": model_s,
        "wall_s": round(time.monotonic() - t0, 1),
    }
    log(format_layer(rep))
    return rep


GRANULARITIES: dict[str, int] = {"block8": int(ARCH.V), "row": 1}  # rows sharing one z, r


def granularity_figures(
    jobs_of: Callable[[str], list[list[Job]]],
    xq: npt.NDArray[np.uint8],
    b: int,
    r: int | npt.NDArray[np.int64],
    wbuf_bytes: int | None = None,
) -> dict[str, Any]:
    """Skippable activation vectors and modelled cycles of a layer in AQS and ZERO_SKIP."""
    aqs, zero = (layer_figures(jobs_of(md), wbuf_bytes) for md in ("aqs", "zero"))
    return {
        "b": b,
        "act_skip_aqs": act_skip_share(xq, b, r),
        "act_skip_zero": act_skip_share(xq, b, 0),
        "aqs_cycles": aqs["cycles"],
        "zero_cycles": zero["cycles"],
        "zero_over_aqs": zero["cycles"] / aqs["cycles"],
        "aqs_axi_bytes": aqs["axi_bytes"],
    }


def run_layer_rows(
    idx: int, log: Callable[[str], None] = print, wbuf_bytes: int | None = None
) -> dict[str, Any]:
    """Suite layer ``idx`` with one z and r per tensor (as :func:`run_layer`), per block of 8
    rows and per row (``panacea.rowquant``: min/max range of the rows, z centred in its HO bin,
    r = z >> b, DBS over b on the modelled AQS cycles): skip shares and cycles of each."""
    name, n, k, fam, _ = SUITE[idx]
    t0 = time.monotonic()
    w, x = make_layer(idx, n, k, fam)
    cal = calibrate(w, x, wbuf_bytes)
    out = {
        "tensor": granularity_figures(
            lambda md: layer_jobs(cal, md, wbuf_bytes=wbuf_bytes), cal.xq, cal.b, cal.r, wbuf_bytes
        )
    }
    for gname, group in GRANULARITIES.items():
        best: tuple[int, Any] | None = None
        for b in LO_BITS:
            scale, z = calibrate_rows(x, group)
            scale, z = center_rows(x, scale, z, b, group)
            rc = LayerCalibration(
                xq=quantize_rows(x, scale, z), wq=cal.wq, z=z, r=z >> b, b=b, dbs_cycles={}
            )
            cyc = layer_figures(layer_jobs(rc, "aqs", host_mt=False), wbuf_bytes)["cycles"]
            if best is None or cyc < best[0]:
                best = (cyc, rc)
        assert best is not None
        rc = best[1]
        out[gname] = granularity_figures(
            lambda md, rc=rc: layer_jobs(rc, md, wbuf_bytes=wbuf_bytes),
            rc.xq,
            rc.b,
            rc.r,
            wbuf_bytes,
        )
    rep = {"name": name, "M": M_TOKENS, "N": n, "K": k, "granularity": out,
           "wall_s": round(time.monotonic() - t0, 1)}  # fmt: skip
    log(
        f"  {name}: "
        + "; ".join(
            f"{g} b={d['b']} skip {d['act_skip_aqs']:.1%} AQS {d['aqs_cycles']} "
            f"({d['zero_over_aqs']:.2f}x fewer than ZERO_SKIP)"
            for g, d in out.items()
        )
    )
    return rep


def rows_markdown(layers: list[dict[str, Any]]) -> str:
    """Per-tensor against per-block and per-row z, r on the LLM suite, as Markdown."""
    lines = [
        "| layer | granularity | b | skippable act. vectors AQS | ZERO_SKIP | AQS Mcycles | "
        "ZERO_SKIP Mcycles | ZERO/AQS | AQS cycles vs per tensor |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    tot: dict[str, list[int]] = {}
    for lay in layers:
        base = lay["granularity"]["tensor"]["aqs_cycles"]
        for g, d in lay["granularity"].items():
            t = tot.setdefault(g, [0, 0])
            t[0] += d["aqs_cycles"]
            t[1] += d["zero_cycles"]
            lines.append(
                f"| {lay['name']} | {g} | {d['b']} | {d['act_skip_aqs']:.1%} | "
                f"{d['act_skip_zero']:.1%} | {d['aqs_cycles'] / 1e6:.2f} | "
                f"{d['zero_cycles'] / 1e6:.2f} | {d['zero_over_aqs']:.2f}x | "
                f"{d['aqs_cycles'] / base:.2f} |"
            )
    for g, (a, zc) in tot.items():
        lines.append(
            f"| suite total | {g} | | | | {a / 1e6:.2f} | {zc / 1e6:.2f} | {zc / a:.2f}x | "
            f"{a / tot['tensor'][0]:.2f} |"
        )
    return "\n".join(lines) + "\n"


def run_rows_suite(
    log: Callable[[str], None] = print, wbuf_bytes: int | None = None
) -> dict[str, Any]:
    """:func:`run_layer_rows` over the whole suite, JSON-ready."""
    layers = []
    for i, (name, n, k, _, _) in enumerate(SUITE):
        log(f"[llm rows {i + 1}/{len(SUITE)}] {name}: M={M_TOKENS} N={n} K={k}")
        layers.append(run_layer_rows(i, log, wbuf_bytes))
    return {"m_tokens": M_TOKENS, "wbuf_bytes": wbuf_capacity(wbuf_bytes), "layers": layers}


def onchip_bytes(wbuf_bytes: int | None = None) -> int:
    """On-chip buffer bytes of the build: the weight buffers and the read streams' FIFOs."""
    streams = 3 + 2 * int(ARCH.NUM_PEA)  # act LO, act HO, bias + a weight LO and HO per PEA
    return int(ARCH.NUM_PEA) * wbuf_capacity(wbuf_bytes) + streams * RD_FIFO_BYTES


def format_layer(rep: dict[str, Any]) -> str:
    """One layer's table."""
    lines = [
        f"llm {rep['name']}: M={rep['M']} N={rep['N']} K={rep['K']} ({rep['family']}), "
        f"b={rep['b']} z={rep['z']} r={rep['r']} (HO share == r {100 * rep['ho_share_r']:.1f}%), "
        f"{rep['modes']['AQS']['jobs']} job(s), {rep['wall_s']} s",
        f"  {'mode':<10} {'cycles':>12} {'roofline':>12} {'term':>8} {'cyc/roof':>8} "
        f"{'operator':>12} {'bound':>7} {'AXI MB':>9} {'compul. MB':>10} {'AXI/cmp':>7} "
        f"{'xDENSE':>6} {'xZERO':>6} {'E mJ':>7} {'DRAM':>5} {'SRAM':>5} {'comp':>5}",
    ]
    for md, d in rep["modes"].items():
        share = [
            100 * d["energy_by_kind_pj"][k] / d["energy_pj"] for k in ("dram", "sram", "compute")
        ]
        lines.append(
            f"  {md:<10} {d['cycles']:>12} {d['lower_limit']:>12.0f} {d['limit_term']:>8} "
            f"{d['cycles_vs_roofline']:>8.2f} {d['operator_limit']:>12.0f} {d['bound']:>7} "
            f"{d['axi_bytes'] / 1e6:>9.1f} {d['compulsory_bytes'] / 1e6:>10.1f} "
            f"{d['axi_vs_compulsory']:>7.2f} {d['speedup_vs_dense']:>6.2f} "
            f"{d['speedup_vs_zero']:>6.2f} {d['energy_pj'] / 1e9:>7.2f} "
            + " ".join(f"{v:>4.0f}%" for v in share)
        )
    for md, d in rep["modes"].items():
        mpg = d.get("mapper")
        if mpg:
            lines.append(
                f"  mapper {md:<10} at {mpg['budget'] // 1024} KiB: {mpg['ratio']:.2f}x "
                f"compulsory, {mpg['cycles_vs_roofline']:.2f}x roofline: {mpg['blocking']} "
                f"(ABUF {mpg['abuf'] / 1024:.1f} KiB, WBUF {mpg['wbuf_pea'] / 1024:.1f} KiB/PEA, "
                f"PSUM {mpg['psum'] / 1024:.1f} KiB; RTL nest with a fitting WBUF "
                f"{mpg['rtl_nest_fitting_wbuf']['ratio']:.2f}x)"
            )
    rtl = rep.get("rtl")
    for md, d in (rtl or {}).get("modes", {}).items():
        lines.append(
            f"  RTL {md:<10} M={rtl['tokens']}: {d['rtl_cycles']} cycles (model "
            f"{d['model_cycles']}, x{d['model_ratio']:.3f}, worst job "
            f"{d['worst_job_model_error']:.1%}), {d['rtl_vs_roofline']:.2f}x roofline, AXI "
            f"{d['axi_vs_compulsory']:.2f}x compulsory, {len(d['jobs'])} job(s) "
            f"{'bit-exact, counters exact' if d['pass'] else 'FAILED'}"
            f"{'' if d['within_tol'] else ', OUTSIDE the cycle tolerance'}, {d['wall_s']:.0f} s "
            f"({d['dut_cycles_per_s'] or 0:.0f} DUT cycles/s)"
        )
    return "\n".join(lines)


def targets(
    layers: Sequence[dict[str, Any]], wbuf_bytes: int | None = None
) -> list[dict[str, Any]]:
    """The LLM suite's targets (on-chip reuse, roofline), measured (PASS/MISS)."""
    t = TARGETS
    out: list[dict[str, Any]] = []

    def add(name: str, value: float, ok: bool, wanted: str, detail: str) -> None:
        out.append(
            {
                "target": name,
                "value": value,
                "target_value": wanted,
                "status": "PASS" if ok else "MISS",
                "detail": detail,
            }
        )

    def axi_target(
        name: str,
        ratios: dict[tuple[str, str], float],
        digits: int,
        ok: bool = True,
        note: str = "",
    ) -> None:
        """The AXI bytes / compulsory target over ``ratios`` ((layer, mode) -> ratio), also
        held to ``ok``; ``note`` leads the detail."""
        worst = max(ratios.values())
        add(
            name,
            worst,
            worst <= t["axi_vs_compulsory"] and ok,
            f"<= {t['axi_vs_compulsory']}x with <= {t['onchip_max'] // 1024} KiB on chip",
            note + ", ".join(f"{n} {md} {v:.{digits}f}x" for (n, md), v in ratios.items()),
        )

    chip = onchip_bytes(wbuf_bytes)
    axi_target(
        "LLM suite AQS and ZERO_SKIP: AXI bytes / compulsory, on-chip buffers <= 1 MiB",
        {(r["name"], md): r["modes"][md]["axi_vs_compulsory"] for r in layers for md in AXI_MODES},
        1,
        chip <= t["onchip_max"],
        f"on chip {chip / 1024:.1f} KiB; ",
    )
    maps = {(r["name"], md): r["modes"][md].get("mapper") for r in layers for md in AXI_MODES}
    if all(maps.values()):
        axi_target(
            "the same, mapper's best blocking (projection: K chunks and PSUM the RTL lacks)",
            {key: m["ratio"] for key, m in maps.items()},
            2,
        )
    roof = {r["name"]: r["modes"]["AQS"] for r in layers}
    worst = max(d["cycles_vs_roofline"] for d in roof.values())
    add(
        "LLM suite: AQS cycles / roofline",
        worst,
        worst <= t["aqs_vs_roofline"],
        f"<= {t['aqs_vs_roofline']} every layer",
        ", ".join(
            f"{n} {d['cycles_vs_roofline']:.2f} ({d['limit_term']} roofline, model "
            f"{d['bound']}-bound)"
            for n, d in roof.items()
        ),
    )
    rms = [r for r in layers if r["rmsnorm_input"]]
    at_roof = {
        r["name"]: r["modes"]["ZERO_SKIP"]["lower_limit"] / r["modes"]["AQS"]["lower_limit"]
        for r in rms
    }
    for title, field, key, note in (
        ("AQS vs ZERO_SKIP cycles", "speedup_vs_zero", "aqs_vs_zero_rms", " (rooflines {:.2f}x)"),
        ("energy ZERO_SKIP / AQS", "energy_vs_zero", "energy_aqs_vs_zero_rms", ""),
    ):
        per = {r["name"]: r["modes"]["AQS"][field] for r in rms}
        add(
            f"LLM suite: {title} on RMSNorm-output layers",
            min(per.values()),
            min(per.values()) >= t[key],
            f">= {t[key]}x each",
            ", ".join(f"{n} {v:.2f}x" + note.format(at_roof[n]) for n, v in per.items()),
        )
    runs = [
        (r["name"], md, d) for r in layers if r.get("rtl") for md, d in r["rtl"]["modes"].items()
    ]
    if runs:
        jobs = [j for _, _, d in runs for j in d["jobs"]]
        worst_err = max(d["worst_job_model_error"] for _, _, d in runs)
        bad = sum(not j["model_within_tol"] for j in jobs)
        tokens = next(r["rtl"]["tokens"] for r in layers if r.get("rtl"))
        add(
            "LLM suite on the RTL (full N and K): bit-exact, exact counters",
            sum(not j["problems"] for j in jobs) / len(jobs),
            all(not j["problems"] for j in jobs),
            "every job",
            f"{len(jobs)} job(s) of {tokens} tokens: "
            + ", ".join(f"{n} {md} {'PASS' if d['pass'] else 'FAIL'}" for n, md, d in runs),
        )
        add(
            "LLM suite on the RTL: cycles within the cycle-model tolerance",
            worst_err,
            bad == 0,
            "every job",
            f"worst job abs(RTL - model) / model {worst_err:.1%}; {bad} of {len(jobs)} outside; "
            + ", ".join(
                f"{n} {md} RTL/model {d['model_ratio']:.3f}, RTL/roofline "
                f"{d['rtl_vs_roofline']:.2f}, AXI/compulsory {d['axi_vs_compulsory']:.1f}x"
                for n, md, d in runs
            ),
        )
    return out


def run_suite(
    log: Callable[[str], None] = print,
    wbuf_bytes: int | None = None,
    rtl_tokens: int | None = None,
    rtl_modes: Sequence[str] = RTL_MODES,
    rtl_layers: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The whole LLM suite: layers, targets and meta, JSON-ready (``wbuf_bytes`` overrides the
    per-PEA weight buffer of arch.toml: a what-if of the model, not a build). With
    ``rtl_tokens`` the layers named in ``rtl_layers`` (default: all) also run on the RTL."""
    t0 = time.monotonic()
    layers = []
    for i, (name, n, k, fam, _) in enumerate(SUITE):
        log(
            f"[llm {i + 1}/{len(SUITE)}] {name}: M={M_TOKENS} N={n} K={k} "
            f"({(fam.__doc__ or '').split(':')[0]})"
        )
        on_rtl = rtl_tokens if rtl_layers is None or name in rtl_layers else None
        layers.append(run_layer(i, log, wbuf_bytes, on_rtl, rtl_modes))
    return {
        "meta": {
            "config": CONFIG_NAME,
            "m_tokens": M_TOKENS,
            "rtl_tokens": rtl_tokens,
            "rtl_modes": list(rtl_modes) if rtl_tokens else [],
            "num_pea": int(ARCH.NUM_PEA),
            "wbuf_bytes": wbuf_capacity(wbuf_bytes),
            "axi_data_w": int(ARCH.AXI_DATA_W),
            "onchip_bytes": onchip_bytes(wbuf_bytes),
            "max_dim": int(ARCH.MAX_DIM),
            "wall_s": round(time.monotonic() - t0, 1),
            "targets": TARGETS,
        },
        "layers": layers,
        "targets": targets(layers, wbuf_bytes),
    }


def md_row(*cells: object) -> str:
    """One row of a Markdown table."""
    return "| " + " | ".join(str(c) for c in cells) + " |"


def md_head(*names: str) -> list[str]:
    """The header row and separator of a Markdown table (left-aligned columns)."""
    return [md_row(*names), "|" + "---|" * len(names)]


def energy_shares(d: dict[str, Any]) -> list[str]:
    """DRAM, SRAM and compute shares of a mode's energy (``energy_by_kind_pj``/``energy_pj``)."""
    e = d["energy_by_kind_pj"]
    return [f"{e[kind] / d['energy_pj']:.0%}" for kind in ("dram", "sram", "compute")]


def targets_markdown(heading: str, targets: list[dict[str, Any]]) -> list[str]:
    """The targets table of bench.md under ``heading`` (a measured value may be None)."""
    lines = ["", heading, "", *md_head("target", "measured", "wanted", "status", "detail")]
    for t in targets:
        v = "n/a" if t["value"] is None else f"{t['value']:.3g}"
        lines.append(md_row(t["target"], v, t["target_value"], t["status"], t["detail"]))
    return lines


def markdown(llm: dict[str, Any]) -> str:
    """The LLM section of bench.md."""
    m = llm["meta"]
    budget = int(m["targets"]["onchip_max"]) // 1024
    lines = [
        f"## LLM suite (cycle model, M = {m['m_tokens']} tokens, config {m.get('config')}: "
        f"NUM_PEA={m['num_pea']}, WBUF_BYTES={m['wbuf_bytes']}, AXI {m['axi_data_w']} bits, on "
        f"chip {m['onchip_bytes'] / 1024:.1f} KiB)",
        "",
        f"Mapper columns: `panacea.mapper`'s best blocking within {budget} KiB of on-chip buffers "
        "(ABUF + PEAs x WBUF + PSUM) on the same build's PEAs and port, a projection of a buffer "
        "hierarchy the RTL has only in part: ABUF and m-tiles, not K chunks with partial sums "
        "(docs/architecture.md section 8).",
        "",
        *md_head(
            "layer", "M", "N", "K", "jobs", "mode", "b", "r share", "cycles", "roofline", "term",
            "cycles/roofline", "operator limit", "model bound", "AXI MB", "compulsory MB",
            "AXI/compulsory", "xDENSE", "xZERO", "energy mJ", "DRAM", "SRAM", "compute",
            f"mapper AXI/compulsory @{budget} KiB", "mapper cycles/roofline", "mapper blocking",
            "mapper ABUF / WBUF per PEA / PSUM KiB",
        ),
    ]  # fmt: skip
    for r in llm["layers"]:
        for md, d in r["modes"].items():
            mpg = d.get("mapper")
            mcols = ["n/a"] * 4
            if mpg:
                kib = " / ".join(f"{mpg[b] / 1024:.1f}" for b in ("abuf", "wbuf_pea", "psum"))
                mcols = [f"{mpg['ratio']:.2f}", f"{mpg['cycles_vs_roofline']:.2f}",
                         mpg["blocking"], kib]  # fmt: skip
            lines.append(
                md_row(
                    r["name"], r["M"], r["N"], r["K"], d["jobs"], md, r["b"],
                    f"{r['ho_share_r']:.0%}", d["cycles"], f"{d['lower_limit']:.0f}",
                    d["limit_term"], f"{d['cycles_vs_roofline']:.2f}",
                    f"{d['operator_limit']:.0f}", d["bound"], f"{d['axi_bytes'] / 1e6:.1f}",
                    f"{d['compulsory_bytes'] / 1e6:.1f}", f"{d['axi_vs_compulsory']:.2f}",
                    f"{d['speedup_vs_dense']:.2f}", f"{d['speedup_vs_zero']:.2f}",
                    f"{d['energy_pj'] / 1e9:.2f}", *energy_shares(d), *mcols,
                )
            )  # fmt: skip
    runs = [r for r in llm["layers"] if r.get("rtl")]
    if runs:
        lines += [
            "",
            f"### LLM layers on the RTL ({runs[0]['rtl']['sim']}, config "
            f"{runs[0]['rtl']['config']}, first {runs[0]['rtl']['tokens']} tokens, full N and K)",
            "",
            *md_head(
                "layer", "mode", "jobs", "RTL cycles", "model", "RTL/model",
                "worst job error", "roofline", "RTL/roofline", "AXI MB",
                "AXI/compulsory", "check", "wall s", "DUT cycles/s",
            ),
        ]  # fmt: skip
        for r in runs:
            for md, d in r["rtl"]["modes"].items():
                lines.append(
                    md_row(
                        r["name"], md, len(d["jobs"]), d["rtl_cycles"], d["model_cycles"],
                        f"{d['model_ratio']:.3f}", f"{d['worst_job_model_error']:.1%}",
                        f"{d['lower_limit']:.0f}", f"{d['rtl_vs_roofline']:.2f}",
                        f"{d['axi_bytes'] / 1e6:.1f}", f"{d['axi_vs_compulsory']:.2f}",
                        ("PASS" if d["pass"] else "FAIL")
                        + ("" if d["within_tol"] else " (cycles outside tolerance)"),
                        f"{d['wall_s']:.0f}", f"{d['dut_cycles_per_s'] or 0:.0f}",
                    )
                )  # fmt: skip
    lines += targets_markdown("### LLM targets", llm["targets"])
    return "\n".join(lines) + "\n"
