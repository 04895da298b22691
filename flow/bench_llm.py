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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from panacea.aqs import MODE_NAMES
from panacea.config import ARCH
from panacea.cycles import compulsory_bytes, mode_cycles_from_stats
from panacea.energy import RD_FIFO_BYTES, energy_from_counters
from panacea.memimage import BUS_BYTES, Job, job_stats, wbuf_capacity
from panacea.quant import calibrate_activations, quantize_activations, quantize_weights
from panacea.rowquant import act_skip_share, calibrate_rows, center_rows, quantize_rows
from panacea.zpm import choose_r, ho_share, zero_point_manipulation

M_TOKENS: int = 512
LO_BITS: tuple[int, ...] = (3, 4, 5)
TARGETS: dict[str, float] = {
    "axi_vs_compulsory": 1.25,  # AQS and ZERO_SKIP, with at most ONCHIP_MAX bytes on chip
    "onchip_max": 1 << 20,
    "aqs_vs_roofline": 1.15,
    "aqs_vs_zero_rms": 1.8,
    "energy_aqs_vs_zero_rms": 1.5,
}

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


def layer_jobs(cal: LayerCalibration, mode: str, max_dim: int | None = None) -> list[list[Job]]:
    """The layer's jobs in one skip mode, ``[k chunk][n chunk]``, each dimension in chunks of
    at most ``max_dim`` (default MAX_DIM)."""
    return [
        [
            Job(x=cal.xq[:, ks], w=cal.wq[ns, ks], z=cal.z, r=cal.r, b=cal.b, sbr=True, mode=mode)
            for ns in chunks(cal.wq.shape[0], max_dim)
        ]
        for ks in chunks(cal.xq.shape[1], max_dim)
    ]


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
        jobs = [j for row in layer_jobs(cal, "aqs") for j in row]
        cyc = sum(mode_cycles_from_stats(job_stats(j, wbuf_bytes)).cycles for j in jobs)
        per_b[b] = (cyc, cal)
    best = min(per_b, key=lambda b: (per_b[b][0], b != default, b))
    c = per_b[best][1]
    return LayerCalibration(
        xq=c.xq, wq=wq, z=c.z, r=c.r, b=c.b, dbs_cycles={str(b): v[0] for b, v in per_b.items()}
    )


def run_layer(
    idx: int, log: Callable[[str], None] = print, wbuf_bytes: int | None = None
) -> dict[str, Any]:
    """Generate, calibrate and model suite layer ``idx`` in every skip mode (``wbuf_bytes``
    overrides the per-PEA weight buffer of arch.toml)."""
    name, n, k, fam, rms = SUITE[idx]
    t0 = time.monotonic()
    w, x = make_layer(idx, n, k, fam)
    cal = calibrate(w, x, wbuf_bytes)
    del w, x
    modes = {
        md: layer_figures(layer_jobs(cal, md.lower()), wbuf_bytes) for md in MODE_NAMES.values()
    }
    for d in modes.values():
        d["speedup_vs_dense"] = modes["DENSE"]["cycles"] / d["cycles"]
        d["speedup_vs_zero"] = modes["ZERO_SKIP"]["cycles"] / d["cycles"]
        d["energy_vs_zero"] = modes["ZERO_SKIP"]["energy_pj"] / d["energy_pj"]
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
            lambda md: layer_jobs(cal, md), cal.xq, cal.b, cal.r, wbuf_bytes
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
            cyc = layer_figures(layer_jobs(rc, "aqs"), wbuf_bytes)["cycles"]
            if best is None or cyc < best[0]:
                best = (cyc, rc)
        assert best is not None
        rc = best[1]
        out[gname] = granularity_figures(
            lambda md, rc=rc: layer_jobs(rc, md), rc.xq, rc.b, rc.r, wbuf_bytes
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

    chip = onchip_bytes(wbuf_bytes)
    ratios = {
        (r["name"], md): r["modes"][md]["axi_vs_compulsory"]
        for r in layers
        for md in ("AQS", "ZERO_SKIP")
    }
    worst = max(ratios.values())
    add(
        "LLM suite AQS and ZERO_SKIP: AXI bytes / compulsory, on-chip buffers <= 1 MiB",
        worst,
        worst <= t["axi_vs_compulsory"] and chip <= t["onchip_max"],
        f"<= {t['axi_vs_compulsory']}x with <= {t['onchip_max'] // 1024} KiB on chip",
        f"on chip {chip / 1024:.1f} KiB; "
        + ", ".join(f"{n} {md} {v:.1f}x" for (n, md), v in ratios.items()),
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
    return out


def run_suite(log: Callable[[str], None] = print, wbuf_bytes: int | None = None) -> dict[str, Any]:
    """The whole LLM suite: layers, targets and meta, JSON-ready (``wbuf_bytes`` overrides the
    per-PEA weight buffer of arch.toml: a what-if of the model, not a build)."""
    t0 = time.monotonic()
    layers = []
    for i, (name, n, k, fam, _) in enumerate(SUITE):
        log(
            f"[llm {i + 1}/{len(SUITE)}] {name}: M={M_TOKENS} N={n} K={k} "
            f"({(fam.__doc__ or '').split(':')[0]})"
        )
        layers.append(run_layer(i, log, wbuf_bytes))
    return {
        "meta": {
            "m_tokens": M_TOKENS,
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
    lines = [
        f"## LLM suite (cycle model, M = {m['m_tokens']} tokens, NUM_PEA={m['num_pea']}, "
        f"WBUF_BYTES={m['wbuf_bytes']}, AXI {m['axi_data_w']} bits, on chip "
        f"{m['onchip_bytes'] / 1024:.1f} KiB)",
        "",
        *md_head(
            "layer", "M", "N", "K", "jobs", "mode", "b", "r share", "cycles", "roofline", "term",
            "cycles/roofline", "operator limit", "model bound", "AXI MB", "compulsory MB",
            "AXI/compulsory", "xDENSE", "xZERO", "energy mJ", "DRAM", "SRAM", "compute",
        ),
    ]  # fmt: skip
    for r in llm["layers"]:
        for md, d in r["modes"].items():
            lines.append(
                md_row(
                    r["name"], r["M"], r["N"], r["K"], d["jobs"], md, r["b"],
                    f"{r['ho_share_r']:.0%}", d["cycles"], f"{d['lower_limit']:.0f}",
                    d["limit_term"], f"{d['cycles_vs_roofline']:.2f}",
                    f"{d['operator_limit']:.0f}", d["bound"], f"{d['axi_bytes'] / 1e6:.1f}",
                    f"{d['compulsory_bytes'] / 1e6:.1f}", f"{d['axi_vs_compulsory']:.2f}",
                    f"{d['speedup_vs_dense']:.2f}", f"{d['speedup_vs_zero']:.2f}",
                    f"{d['energy_pj'] / 1e9:.2f}", *energy_shares(d),
                )
            )  # fmt: skip
    lines += targets_markdown("### LLM targets", llm["targets"])
    return "\n".join(lines) + "\n"
