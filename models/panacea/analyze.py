"""``panacea analyze``: per-layer sparsity, cycles, memory, energy and accuracy report.

Input: an ``.npz`` file holding, for every layer NAME, the float arrays ``NAME.W`` (N x K
weights) and ``NAME.X`` (M x K activations). Per layer: weights are quantized per channel,
activations calibrated min/max; DBS (``lo_bits=None``) or a fixed b; ZPM unless disabled; r is the
most frequent activation HO slice of the final quantization; AQS-GEMM runs in every skip mode
(each checks the exact identity); cycles, counters and energy come from the cycle and energy
models of an INT32-output job without bias.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .aqs import MODE_NAMES, aqs_gemm, exact_matmul
from .config import ARCH
from .cycles import choose_mt, cycle_model
from .energy import energy_from_counters
from .errors import DecompositionError
from .figures import save_figure
from .mapper import project
from .memimage import Job, align8, ceil_div
from .quant import (
    calibrate_activations,
    finite_or_none,
    gemm_sqnr_db,
    quantize_activations,
    quantize_weights,
)
from .slicing import slice_act, slice_wt, wt_lo_bits
from .zpm import ZpmResult, choose_lo_bits, choose_r, ho_share, zero_point_manipulation

JSON_KEYS_DOC: str = """\
`--json OUT.json` writes {"file": str, "layers": [LAYER, ...]}; each LAYER has:
- name (str), M, N, K (int): layer name and GEMM shape (Y = X W^T, X is M x K, W is N x K)
- b (int): activation LO width used; lo_bits_mode (str): "auto" (DBS) or "fixed"
- dbs_cycles (object or null): modelled AQS cycles per tried b ("3", "4", "5"), null when fixed
- zpm_enabled (bool); z_before, z_after (int): activation zero point before and after ZPM
- act_scale (float): activation scale; r (int): residual base (most frequent HO slice)
- ho_share_before, ho_share_after (float): share of activation HO slices equal to HO(z)
  before / after ZPM (ZPM's objective); ho_share_r (float): share equal to r
- act_sqnr_before_db, act_sqnr_after_db (float): activation quantization SQNR before / after ZPM
- act_vec_skip_share (object): share of skippable activation HO vectors per mode
- wt_vec_skip_share (float): share of skippable weight HO vectors
- sbr (bool): weight SBR slicing on
- cycles (object): modelled cycles per mode (keys DENSE, ZERO_SKIP, AQS); bound (object): the
  cycle model's limiting term per mode (swo, dwo, mem_rd, wbuf, drain)
- lower_limit (object): roofline per mode, max(operator_limit, compulsory bytes of the busier
  AXI data channel / (AXI_DATA_W/8)); operator_limit (object): max(SWO_BUSY, DWO_BUSY) / NUM_PEA;
  limit_term (object): "operator" or "memory", the term of lower_limit that binds
- compulsory_bytes (object): every compressed operand stream (LO planes, RLE HO streams) read
  once as whole AXI beats, plus the INT32 output written once; axi_bytes (object): what the
  loop nest moves (RD_BYTES + WR_BYTES, not saturated); axi_vs_compulsory (object): their ratio
- mem_bytes (object): once (each 8-bit operand read once + INT32 output written once),
  uncompressed (the loop nest without RLE), DENSE, ZERO_SKIP, AQS (RD_BYTES + WR_BYTES)
- energy_pj (object): modelled energy per mode in picojoules; energy_breakdown_pj (object): per
  mode {"dram", "sram", "compute"} in picojoules (architecture.md section 7)
- counters (object): exact counters per mode (TILES, SWO_BUSY, DWO_BUSY, ACT_SKIP, WT_SKIP,
  RD_BYTES, WR_BYTES) and the model-only WBUF_RD_BYTES (bytes played from the weight buffers),
  ABUF_RD_BYTES and ABUF_WR_BYTES (activation bytes played from / stored into the activation
  buffer)
- gemm_sqnr_db (float or null): SQNR of the dequantized integer GEMM vs the float GEMM (null = inf)
- exact (bool): the AQS-GEMM identity held in every mode
- mt (int): the m-tile the host chose for the job (descriptor BLOCK.mt,
  panacea.cycles.choose_mt: least AXI bytes, then fewest modelled cycles; 0 = no activation
  buffer); every figure above is for that mt
- mapper (object, only with --mapper): the on-chip reuse projection of the AQS job for a buffer
  hierarchy with K chunks and partial sums, which the RTL does not have
  (panacea.mapper.project): budget, chosen (blocking), ratio (DRAM bytes / compulsory),
  dram_bytes, compulsory_bytes, buffers {abuf, wbuf_pea, psum} (bytes), cycles (estimate),
  roofline, rtl_ratio (the RTL loop nest, mt = 0, in the same accounting),
  floor_ratio (Hong-Kung bound), text
"""

__doc__ = (__doc__ or "") + "\n" + JSON_KEYS_DOC


class AnalyzeInputError(ValueError):
    """The input file is malformed (one-line message for the CLI)."""


def load_layers(
    path: str | Path,
) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """Read ``{name: (W (N, K), X (M, K))}`` from an npz file; raise :class:`AnalyzeInputError`."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise AnalyzeInputError(f"{path}: cannot read as .npz ({exc})") from None
    if not arrays:
        raise AnalyzeInputError(f"{path}: no arrays; expected pairs NAME.W and NAME.X")
    bad = sorted(k for k in arrays if not re.fullmatch(r".+\.[WX]", k))
    if bad:
        raise AnalyzeInputError(
            f"{path}: unexpected array {bad[0]!r}; names must be NAME.W or NAME.X"
        )
    names = sorted({k[:-2] for k in arrays})
    layers = {}
    max_dim = int(ARCH.MAX_DIM)
    for name in names:
        for part in ("W", "X"):
            if f"{name}.{part}" not in arrays:
                raise AnalyzeInputError(f"{path}: layer {name!r} lacks {name}.{part}")
        w, x = arrays[f"{name}.W"], arrays[f"{name}.X"]
        for part, a in (("W", w), ("X", x)):
            if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
                raise AnalyzeInputError(
                    f"{path}: {name}.{part} has dtype {a.dtype}; expected a float array"
                )
            if a.ndim != 2 or a.size == 0:
                raise AnalyzeInputError(
                    f"{path}: {name}.{part} must be a non-empty 2-D array, got shape {a.shape}"
                )
            if not np.all(np.isfinite(a)):
                raise AnalyzeInputError(f"{path}: {name}.{part} contains NaN or Inf")
            if max(a.shape) > max_dim:
                raise AnalyzeInputError(
                    f"{path}: {name}.{part} shape {a.shape} exceeds MAX_DIM = {max_dim}"
                )
        if w.shape[1] != x.shape[1]:
            raise AnalyzeInputError(
                f"{path}: shape mismatch in layer {name!r}: W is {w.shape} "
                f"(N x K) but X is {x.shape} (M x K)"
            )
        layers[name] = (w.astype(np.float64), x.astype(np.float64))
    return layers


@dataclass(frozen=True)
class LayerAnalysis:
    """One layer's report (``data``, JSON-ready) plus the slices for plotting."""

    data: dict[str, Any]
    act_ho: npt.NDArray[np.int64]
    wt_ho: npt.NDArray[np.int64]


@dataclass(frozen=True)
class Calibration:
    """One layer quantized and calibrated as ``panacea analyze`` and ``panacea run`` do it:
    per-channel weights ``wq`` (scales ``w_scales``), activations ``xq`` with scale ``scale`` and
    zero point ``z`` (after ZPM ``zr``), LO width ``b`` (DBS when ``dbs_cycles`` is not None),
    residual base ``r`` and the weight slicing ``sbr``."""

    wq: npt.NDArray[np.int8]
    w_scales: npt.NDArray[np.float64]
    xq: npt.NDArray[np.uint8]
    scale: float
    z: int
    r: int
    b: int
    sbr: bool
    zr: ZpmResult
    dbs_cycles: dict[str, int] | None

    def job(self, mode: str = "aqs") -> Job:
        """The layer as one INT32-output job without bias in skip ``mode``, with the host's
        m-tile (:func:`panacea.cycles.choose_mt`), as ``panacea analyze`` models it and
        ``panacea run`` issues it."""
        job = Job(x=self.xq, w=self.wq, z=self.z, r=self.r, b=self.b, sbr=self.sbr, mode=mode)
        return dataclasses.replace(job, mt=choose_mt(job))


def calibrate_layer(
    w_float: npt.NDArray[np.float64],
    x_float: npt.NDArray[np.float64],
    lo_bits: int | None = None,
    zpm: bool = True,
    sbr: bool = True,
) -> Calibration:
    """Quantize W per channel, calibrate X (min/max), pick b by DBS (``lo_bits=None``) or use the
    fixed b, apply ZPM unless disabled, and take r as the most frequent activation HO slice."""
    wq, w_scales = quantize_weights(w_float)
    scale, z0 = calibrate_activations(x_float)
    if lo_bits is None:
        dbs = choose_lo_bits(x_float, scale, z0, wq, sbr=sbr, zpm=zpm)
        b, zr = dbs.b, dbs.chosen.zpm
        dbs_cycles: dict[str, int] | None = {str(k): c.cycles for k, c in dbs.per_b.items()}
    else:
        b, dbs_cycles = lo_bits, None
        zr = zero_point_manipulation(x_float, scale, z0, b, enabled=zpm)
    z = zr.z_after
    xq = quantize_activations(x_float, scale, z)
    r = choose_r(xq, b)
    return Calibration(
        wq=wq,
        w_scales=w_scales,
        xq=xq,
        scale=scale,
        z=z,
        r=r,
        b=b,
        sbr=sbr,
        zr=zr,
        dbs_cycles=dbs_cycles,
    )


Floats = npt.NDArray[np.float64]


def analyze_layer(
    name: str, w_float: Floats, x_float: Floats, lo_bits: int | None = None, zpm: bool = True,
    sbr: bool = True, mapper_budget: int | None = None
) -> LayerAnalysis:  # fmt: skip
    """Analyze one layer; ``lo_bits=None`` selects b by DBS; ``mapper_budget`` (bytes) adds the
    :func:`panacea.mapper.project` section (key ``mapper``)."""
    cal = calibrate_layer(w_float, x_float, lo_bits, zpm, sbr)
    wq, w_scales, xq, scale, z, r, b = (
        cal.wq,
        cal.w_scales,
        cal.xq,
        cal.scale,
        cal.z,
        cal.r,
        cal.b,
    )
    zr, dbs_cycles = cal.zr, cal.dbs_cycles

    exact = True
    results = {}
    for code, mode in MODE_NAMES.items():
        try:
            results[mode] = aqs_gemm(xq, wq, z, r, b, sbr, code)
        except DecompositionError:
            exact = False
    y = exact_matmul(xq.astype(np.int64) - z, wq.astype(np.int64))
    job = cal.job("aqs")
    report = cycle_model(job)
    m, k = xq.shape
    n = wq.shape[0]
    mb, nb = ceil_div(m, int(ARCH.V)), ceil_div(n, int(ARCH.V))
    ng = ceil_div(nb, int(ARCH.NUM_PEA))
    energy = {md: energy_from_counters(c.counts) for md, c in report.per_mode.items()}
    uncompressed = ng * mb * 8 * k + mb * nb * k * (wt_lo_bits(sbr) + 4) + m * align8(n) * 4
    data: dict[str, Any] = {
        "name": name,
        "M": m,
        "N": n,
        "K": k,
        "b": b,
        "mt": job.mt,
        "lo_bits_mode": "auto" if lo_bits is None else "fixed",
        "dbs_cycles": dbs_cycles,
        "zpm_enabled": zpm,
        "z_before": zr.z_before,
        "z_after": z,
        "act_scale": scale,
        "r": r,
        "ho_share_before": zr.share_before,
        "ho_share_after": zr.share_after,
        "ho_share_r": ho_share(xq, b, r),
        "act_sqnr_before_db": finite_or_none(zr.sqnr_before_db),
        "act_sqnr_after_db": finite_or_none(zr.sqnr_after_db),
        "act_vec_skip_share": {md: res.act_skip_share for md, res in results.items()},
        "wt_vec_skip_share": next(iter(results.values())).wt_skip_share if results else None,
        "sbr": sbr,
        "cycles": report.cycles,
        "lower_limit": report.lower_limit,
        "operator_limit": report.operator_limit,
        "limit_term": {md: c.limit_term for md, c in report.per_mode.items()},
        "bound": {md: c.bound for md, c in report.per_mode.items()},
        "compulsory_bytes": {md: c.compulsory_bytes for md, c in report.per_mode.items()},
        "axi_bytes": {md: c.axi_bytes for md, c in report.per_mode.items()},
        "axi_vs_compulsory": {md: c.axi_ratio for md, c in report.per_mode.items()},
        "mem_bytes": {
            "once": m * k + n * k + m * n * 4,
            "uncompressed": uncompressed,
            **{
                md: c.counters["RD_BYTES"] + c.counters["WR_BYTES"]
                for md, c in report.per_mode.items()
            },
        },
        "energy_pj": {md: e.total_pj for md, e in energy.items()},
        "energy_breakdown_pj": {md: e.by_kind_pj for md, e in energy.items()},
        "counters": {md: c.counters for md, c in report.per_mode.items()},
        "gemm_sqnr_db": finite_or_none(gemm_sqnr_db(x_float, w_float, y, scale, w_scales)),
        "exact": exact,
    }
    if mapper_budget is not None:
        data["mapper"] = project(job, mapper_budget)
    return LayerAnalysis(data=data, act_ho=slice_act(xq, b)[0], wt_ho=slice_wt(wq, sbr)[0])


def format_layer(d: dict[str, Any]) -> str:
    """Human-readable table of one layer's report."""

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{100.0 * v:5.1f}%"

    def db(v: float | None) -> str:
        return "inf" if v is None else f"{v:.2f} dB"

    dbs = (
        ""
        if d["dbs_cycles"] is None
        else "  DBS AQS cycles " + ", ".join(f"b={k}: {v}" for k, v in d["dbs_cycles"].items())
    )
    zpm = "ZPM" if d["zpm_enabled"] else "ZPM off"
    act = d["act_vec_skip_share"]
    lines = [
        f"layer {d['name']}: M={d['M']} N={d['N']} K={d['K']}",
        f"  b (LO bits)          {d['b']} ({d['lo_bits_mode']}){dbs}",
        f"  m-tile (BLOCK.mt)    {d['mt']} m-blocks"
        f"{' (no activation buffer)' if d['mt'] == 0 else ''}",
        f"  zero point z         {d['z_before']} -> {d['z_after']} ({zpm}), r = {d['r']}",
        f"  act HO share == r    {pct(d['ho_share_r'])} (ZPM objective {pct(d['ho_share_before'])}"
        f" -> {pct(d['ho_share_after'])}; act SQNR {db(d['act_sqnr_before_db'])} -> "
        f"{db(d['act_sqnr_after_db'])})",
        f"  skippable vectors    act {pct(act.get('AQS'))} AQS, {pct(act.get('ZERO_SKIP'))} "
        f"ZERO_SKIP; wt {pct(d['wt_vec_skip_share'])} (SBR {'on' if d['sbr'] else 'off'})",
        f"  GEMM SQNR            {db(d['gemm_sqnr_db'])}; decomposition exact: "
        f"{'yes' if d['exact'] else 'NO'}",
        f"  memory bytes         once {d['mem_bytes']['once']}, uncompressed "
        f"{d['mem_bytes']['uncompressed']}",
        f"  {'mode':<10} {'cycles':>12} {'roofline':>12} {'ratio':>6} {'term':>8} "
        f"{'operator':>12} {'bound':>7} {'AXI bytes':>13} {'compulsory':>12} {'ratio':>6} "
        f"{'energy uJ':>10} {'DRAM':>5} {'SRAM':>5} {'comp':>5}",
    ]
    for md in MODE_NAMES.values():
        cyc, lim = d["cycles"][md], d["lower_limit"][md]
        parts = d["energy_breakdown_pj"][md]
        share = [100.0 * parts[k] / d["energy_pj"][md] for k in ("dram", "sram", "compute")]
        lines.append(
            f"  {md:<10} {cyc:>12} {lim:>12.0f} {cyc / lim:>6.2f} {d['limit_term'][md]:>8} "
            f"{d['operator_limit'][md]:>12.0f} {d['bound'][md]:>7} {d['axi_bytes'][md]:>13} "
            f"{d['compulsory_bytes'][md]:>12} {d['axi_vs_compulsory'][md]:>6.2f} "
            f"{d['energy_pj'][md] / 1e6:>10.3f} " + " ".join(f"{v:>4.0f}%" for v in share)
        )
    if "mapper" in d:
        lines.append(d["mapper"]["text"])
    return "\n".join(lines)


def plot_layer(la: LayerAnalysis, out_dir: Path) -> Path:
    """Write ``out_dir/<name>_ho_hist.png``: histograms of activation and weight HO slices."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = la.data
    fig, (ax_a, ax_w) = plt.subplots(1, 2, figsize=(10, 3.5))
    nbins = 1 << (8 - d["b"])
    ax_a.bar(np.arange(nbins), np.bincount(la.act_ho.ravel(), minlength=nbins), color="tab:blue")
    ax_a.axvline(d["r"], color="tab:red", linestyle="--", label=f"r = {d['r']}")
    ax_a.set(
        title=f"{d['name']}: activation HO slices (b={d['b']}, z={d['z_after']})",
        xlabel="x >> b",
        ylabel="count",
    )
    ax_a.legend()
    vals = np.arange(-8, 8)
    ax_w.bar(vals, np.bincount(la.wt_ho.ravel() + 8, minlength=16), color="tab:green")
    ax_w.set(
        title=f"weight HO slices (SBR {'on' if d['sbr'] else 'off'})", xlabel="wh", ylabel="count"
    )
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", d["name"]) + "_ho_hist.png"
    return save_figure(fig, out_dir / name, 80)


ENERGY_KINDS: tuple[str, ...] = ("dram", "sram", "compute")
ENERGY_COLORS: dict[str, str] = {"dram": "tab:red", "sram": "tab:orange", "compute": "tab:blue"}


def plot_energy_stack(ax: Any, labels: list[str], parts: list[dict[str, float]]) -> None:
    """Stacked bars of energy (uJ) per label, one segment per kind (DRAM, SRAM, compute)."""
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    for kind in ENERGY_KINDS:
        v = np.array([p[kind] / 1e6 for p in parts])
        ax.bar(
            x,
            v,
            0.6,
            bottom=bottom,
            label=kind.upper() if kind != "compute" else kind,
            color=ENERGY_COLORS[kind],
        )
        bottom += v
    ax.set_xticks(x, labels)
    ax.set_ylabel("energy (uJ)")


def plot_energy(la: LayerAnalysis, out_dir: Path) -> Path:
    """Write ``out_dir/<name>_energy.png``: modelled energy per mode, stacked DRAM/SRAM/compute."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = la.data
    modes = list(MODE_NAMES.values())
    fig, ax = plt.subplots(figsize=(5, 3.5))
    plot_energy_stack(ax, modes, [d["energy_breakdown_pj"][md] for md in modes])
    ax.set_title(f"{d['name']}: energy per mode (M={d['M']} N={d['N']} K={d['K']})")
    ax.legend(fontsize=8)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", d["name"]) + "_energy.png"
    return save_figure(fig, out_dir / name, 80)


def analyze_file(
    path: str | Path, lo_bits: int | None = None, zpm: bool = True, sbr: bool = True,
    mapper_budget: int | None = None
) -> list[LayerAnalysis]:  # fmt: skip
    """Analyze every layer of an npz file (sorted by name)."""
    return [
        analyze_layer(name, w, x, lo_bits, zpm, sbr, mapper_budget)
        for name, (w, x) in load_layers(path).items()
    ]
