"""On-chip reuse design study: the LLM suite's layers through :mod:`panacea.mapper`.

``python -m flow.mapper_study [--out DIR] [--bus 16 32]`` calibrates the four LLaMA-7B layers of
:mod:`flow.bench_llm` as ``make bench`` does, takes each layer in AQS and ZERO_SKIP as one GEMM
(the exact record positions of its descriptor-sized jobs, :func:`panacea.mapper.operands_from_jobs`)
and, for the paper build (16 PEAs) with a 128- and a 256-bit port:

* per total on-chip budget (256 KiB .. 4 MiB; ABUF + 16 x WBUF + PSUM, the read FIFOs not
  counted), the best blocking any split of that budget allows (least DRAM bytes, then cycles)
  and its traffic / compulsory, cycles / roofline, split and SRAM area; the Hong-Kung floor;
* the smallest budget at which a layer meets 1.25x compulsory;
* one split for all layers (a hardware build has one): for each budget, the split of a grid
  (ABUF and PSUM in steps of budget / 16, the rest WBUF) with the least worst-layer ratio, then the
  least total DRAM bytes, then the fewest cycles.

It writes ``study.json``, ``study.md`` and ``mapper_study.png`` (traffic / compulsory and
cycles / roofline against the budget) into ``--out`` (default ``build/mapper``). The figures
are a projection of a buffer hierarchy the RTL has only in part: the activation buffer and
m-tiles, not K chunks with partial sums (architecture.md, "On-chip reuse: the design study").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from panacea import mapper as mp
from panacea.energy import sram_area_mm2
from panacea.figures import save_figure

from flow import bench_llm

KIB = 1024
BUDGETS: tuple[int, ...] = tuple(
    int(k * KIB) for k in (256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096)
)
TARGET_RATIO: float = bench_llm.TARGETS["axi_vs_compulsory"]
NUM_PEA: int = 16
MODES: tuple[str, ...] = ("AQS", "ZERO_SKIP")
SPLIT_STEPS: int = 16  # ABUF and PSUM tried in steps of budget / SPLIT_STEPS


class Table:
    """Every mapping of one layer in one mode as arrays, sorted by the mapper's preference."""

    def __init__(self, maps: list[mp.Mapping]) -> None:
        maps = sorted(maps, key=lambda m: (m.dram_bytes, m.cycles, m.onchip))
        self.maps = maps
        self.need = np.array([[m.need.abuf, m.need.wbuf_pea, m.need.psum] for m in maps])
        self.onchip = np.array([m.onchip for m in maps])

    def best(self, abuf: int, wbuf_pea: int, psum: int) -> mp.Mapping | None:
        """The mapper's choice under these capacities."""
        ok = (self.need <= np.array([abuf, wbuf_pea, psum])).all(axis=1)
        return self.maps[int(ok.argmax())] if ok.any() else None

    def best_within(self, budget: int) -> mp.Mapping | None:
        """The mapper's choice among blockings needing at most ``budget`` bytes in all."""
        ok = self.onchip <= budget
        return self.maps[int(ok.argmax())] if ok.any() else None


def summary(m: mp.Mapping) -> dict[str, Any]:
    """JSON-ready figures of one mapping."""
    return {
        "blocking": m.blocking.label(),
        "ratio": m.ratio,
        "dram_bytes": m.dram_bytes,
        "compulsory_bytes": m.compulsory,
        "cycles": m.cycles,
        "roofline": m.roofline,
        "cycles_vs_roofline": m.cycles / m.roofline,
        "abuf": m.need.abuf,
        "wbuf_pea": m.need.wbuf_pea,
        "psum": m.need.psum,
        "onchip": m.onchip,
        "area_mm2": mp.sram_area_mm2(m),
        "energy_pj": m.energy_pj,
    }


def layer_operands(idx: int, cache: Path) -> dict[str, mp.Operands]:
    """Suite layer ``idx`` calibrated as ``make bench`` does, as one GEMM per mode (kept in
    ``cache/<layer>.npz``: the calibration takes minutes)."""
    name, n, k, fam, _ = bench_llm.SUITE[idx]
    path = cache / f"{name}.npz"
    if path.exists():
        with np.load(path) as z:
            meta = {key: int(z[key]) for key in ("M", "N", "K", "b", "lw", "out_bytes", "fmt")}
            return {
                md: mp.Operands(
                    **meta,
                    mode=int(z[f"{md}_mode"]),
                    act_live=z[f"{md}_act"],
                    wt_live=z[f"{md}_wt"],
                    name=name,
                )  # fmt: skip
                for md in MODES
            }
    w, x = bench_llm.make_layer(idx, n, k, fam)
    cal = bench_llm.calibrate(w, x)
    del w, x
    ops = {md: mp.operands_from_jobs(bench_llm.layer_jobs(cal, md.lower()), name) for md in MODES}
    o = ops[MODES[0]]
    arrays = {f"{md}_{part}": getattr(op, f"{part}_live") for md, op in ops.items()
              for part in ("act", "wt")}  # fmt: skip
    modes = {f"{md}_mode": op.mode for md, op in ops.items()}
    np.savez_compressed(path, M=o.M, N=o.N, K=o.K, b=o.b, lw=o.lw, out_bytes=o.out_bytes,
                        fmt=o.fmt, **arrays, **modes)  # fmt: skip
    return ops


def layer_tables(bus_widths: Sequence[int], cache: Path, log: Any = print) -> list[dict]:
    """Every suite layer's mapping tables per mode and bus width."""
    out = []
    for idx, (name, n, k, _, rms) in enumerate(bench_llm.SUITE):
        t0 = time.monotonic()
        ops_of = layer_operands(idx, cache)
        b = ops_of[MODES[0]].b
        entry: dict[str, Any] = {"name": name, "N": n, "K": k, "rms": rms, "b": b, "t": {}}
        for md in MODES:
            ops = ops_of[md]
            for bus in bus_widths:
                mpr = mp.Mapper(ops, num_pea=NUM_PEA, bus_bytes=bus)
                entry["t"][(md, bus)] = (mpr, Table(mpr.mappings()))
        log(f"  {name}: b={b}, {time.monotonic() - t0:.0f} s")
        out.append(entry)
    return out


def study(layers: list[dict[str, Any]], bus_widths: Sequence[int]) -> dict[str, Any]:
    """Per-layer budget sweep, smallest budget meeting the target, and the shared split."""
    res: dict[str, Any] = {"budgets": list(BUDGETS), "num_pea": NUM_PEA, "per_layer": [],
                           "split": {}}  # fmt: skip
    for lay in layers:
        for (md, bus), (mpr, tab) in lay["t"].items():
            rtl = mpr.evaluate(mp.rtl_blocking(mpr.ops, NUM_PEA))
            meet = [m for m in tab.maps if m.ratio <= TARGET_RATIO]
            smallest = min(meet, key=lambda m: (m.onchip, m.dram_bytes, m.cycles))
            res["per_layer"].append({
                "layer": lay["name"], "mode": md, "bus_bytes": bus, "rms": lay["rms"],
                "rtl_loop_nest": summary(rtl),
                "sweep": [summary(b) if (b := tab.best_within(bud)) else None for bud in BUDGETS],
                "floor": [mp.traffic_floor(mpr.ops, bud, bus) for bud in BUDGETS],
                "smallest_meeting_target": summary(smallest),
            })  # fmt: skip
    for bus in bus_widths:
        per_budget = []
        for bud in BUDGETS:
            best: tuple | None = None
            step = bud // SPLIT_STEPS
            for abuf in range(0, bud + 1, step):
                for psum in range(0, bud - abuf + 1, step):
                    wpea = (bud - abuf - psum) // NUM_PEA // KIB * KIB
                    picks = []
                    for lay in layers:
                        for md in MODES:
                            picks.append(lay["t"][(md, bus)][1].best(abuf, wpea, psum))
                    if any(p is None for p in picks):
                        continue
                    key = (
                        max(p.ratio for p in picks),
                        sum(p.dram_bytes for p in picks),
                        sum(p.cycles for p in picks),
                    )
                    if best is None or key < best[0]:
                        best = (key, abuf, wpea, psum, picks)
            if best is None:
                per_budget.append(None)
                continue
            key, abuf, wpea, psum, picks = best
            per_budget.append({
                "budget": bud, "abuf": abuf, "wbuf_pea": wpea, "psum": psum,
                "worst_ratio": key[0],
                "area_mm2": sum(sram_area_mm2(kib / KIB, 2) * c for kib, c in
                                ((abuf, 1), (wpea, NUM_PEA), (psum, 1)) if kib),
                "layers": [
                    {"layer": lay["name"], "mode": md, **summary(p)}
                    for (lay, md), p in zip(
                        [(lay, md) for lay in layers for md in MODES], picks, strict=True)
                ],
            })  # fmt: skip
        res["split"][str(bus)] = per_budget
    return res


def markdown(res: dict[str, Any]) -> str:
    """The study's tables."""
    kib = [b // KIB for b in res["budgets"]]
    lines = ["## Best blocking per layer and total budget (any split)", ""]
    lines.append("| layer | mode | port | RTL loop nest | " + " | ".join(
        f"{k} KiB" for k in kib) + " | smallest budget for 1.25x |")  # fmt: skip
    lines.append("|---|---|---|---|" + "---|" * len(kib) + "---|")
    for r in res["per_layer"]:
        cells = []
        for s, f in zip(r["sweep"], r["floor"], strict=True):
            cells.append("-" if s is None else
                         f"{s['ratio']:.2f}x / {s['cycles_vs_roofline']:.2f}"
                         + (f" (floor {f:.2f})" if f > 1.0 else ""))  # fmt: skip
        sm = r["smallest_meeting_target"]
        rtl = r["rtl_loop_nest"]
        lines.append(
            f"| {r['layer']} | {r['mode']} | {8 * r['bus_bytes']} b | {rtl['ratio']:.1f}x | "
            + " | ".join(cells)
            + f" | {sm['onchip'] / KIB:.0f} KiB ({sm['ratio']:.2f}x: {sm['blocking']}) |"
        )
    lines += ["", "Cells: DRAM bytes / compulsory, estimated cycles / roofline.", ""]
    for bus, rows in res["split"].items():
        lines += [
            f"## One split for every layer, {8 * int(bus)}-bit port",
            "",
            "| budget KiB | ABUF KiB | WBUF/PEA KiB | PSUM KiB | area mm^2 | worst ratio | "
            "per layer (AQS ratio / cycles/roofline) |",
            "|---|---|---|---|---|---|---|",
        ]
        for s in rows:
            if s is None:
                continue
            per = ", ".join(f"{x['layer']} {x['ratio']:.2f}x/{x['cycles_vs_roofline']:.2f}"
                            for x in s["layers"] if x["mode"] == "AQS")  # fmt: skip
            lines.append(
                f"| {s['budget'] // KIB} | {s['abuf'] // KIB} | {s['wbuf_pea'] // KIB} | "
                f"{s['psum'] // KIB} | {s['area_mm2']:.2f} | {s['worst_ratio']:.2f} | {per} |"
            )
        lines.append("")
    return "\n".join(lines)


def plot(res: dict[str, Any], path: Path) -> Path:
    """Traffic / compulsory and cycles / roofline against the budget, per port width."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    buses = sorted({r["bus_bytes"] for r in res["per_layer"]})
    fig, axes = plt.subplots(2, len(buses), figsize=(5.5 * len(buses), 7), squeeze=False)
    kib = np.array(res["budgets"]) / KIB
    for col, bus in enumerate(buses):
        for r in res["per_layer"]:
            if r["bus_bytes"] != bus:
                continue
            style = "-" if r["mode"] == "AQS" else "--"
            lab = f"{r['layer']} {r['mode']}"
            ratio = [s["ratio"] if s else np.nan for s in r["sweep"]]
            cyc = [s["cycles_vs_roofline"] if s else np.nan for s in r["sweep"]]
            (ln,) = axes[0][col].plot(kib, ratio, style, marker="o", ms=3, label=lab)
            axes[1][col].plot(kib, cyc, style, marker="o", ms=3, color=ln.get_color(), label=lab)
        for row, (yl, target) in enumerate(
            (("DRAM bytes / compulsory", TARGET_RATIO), ("cycles / roofline", 1.15))
        ):
            ax = axes[row][col]
            ax.axhline(target, color="k", lw=0.8, ls=":")
            ax.axvline(1024, color="grey", lw=0.8, ls=":")
            ax.set_xscale("log", base=2)
            ax.set_xlabel("on-chip budget (KiB): ABUF + 16 x WBUF + PSUM")
            ax.set_ylabel(yl)
            ax.set_title(f"paper build, {8 * bus}-bit port: {yl}", fontsize=9)
        axes[0][col].legend(fontsize=6)
    return save_figure(fig, path, 100)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the study; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m flow.mapper_study", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("--out", type=Path, default=Path("build/mapper"))
    ap.add_argument("--bus", type=int, nargs="+", default=[16, 32], help="port bytes per beat")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    layers = layer_tables(args.bus, args.out)
    res = study(layers, args.bus)
    (args.out / "study.json").write_text(json.dumps(res, indent=1) + "\n")
    md = markdown(res)
    (args.out / "study.md").write_text(md)
    plot(res, args.out / "mapper_study.png")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
