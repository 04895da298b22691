"""Passive AXI4-Lite monitor: every register access the bus completes, from the pins.

Samples ``<prefix>_*`` at rising clock edges only while an access is in flight (it sleeps until
AWVALID, WVALID or ARVALID rises), so an idle bus costs no Python. A write is reported when
both its AW and W handshakes have happened, a read at its R handshake (paired with the oldest
AR address), each as a :class:`RegAccess` to every listener. It never drives a signal.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import cocotb
from cocotb.triggers import First, RisingEdge


@dataclass(frozen=True)
class RegAccess:
    """One completed AXI4-Lite access: ``write`` or read, byte ``addr``, 32-bit ``data``."""

    write: bool
    addr: int
    data: int


class AxilMonitor:
    """Watch the AXI4-Lite slave port ``<prefix>_*`` of ``dut`` (clock ``clk_i``)."""

    def __init__(self, dut, prefix: str = "s_axil") -> None:
        self.clock = dut.clk_i
        self.sig = {
            n: getattr(dut, f"{prefix}_{n}")
            for n in (
                "awaddr",
                "awvalid",
                "awready",
                "wdata",
                "wvalid",
                "wready",
                "araddr",
                "arvalid",
                "arready",
                "rdata",
                "rvalid",
                "rready",
            )
        }
        self.listeners: list[Callable[[RegAccess], None]] = []
        self._task = cocotb.start_soon(self._run())

    def _hs(self, ch: str) -> bool:
        s = self.sig
        return str(s[f"{ch}valid"].value) == "1" and str(s[f"{ch}ready"].value) == "1"

    async def _run(self) -> None:
        s = self.sig
        edge = RisingEdge(self.clock)
        aw: deque[int] = deque()
        w: deque[int] = deque()
        ar: deque[int] = deque()
        while True:
            if not (
                aw
                or w
                or ar
                or any(str(s[f"{c}valid"].value) == "1" for c in ("aw", "w", "ar", "r"))
            ):
                await First(
                    RisingEdge(s["awvalid"]), RisingEdge(s["wvalid"]), RisingEdge(s["arvalid"])
                )
            await edge
            if self._hs("aw"):
                aw.append(int(s["awaddr"].value))
            if self._hs("w"):
                w.append(int(s["wdata"].value))
            while aw and w:
                self._emit(RegAccess(True, aw.popleft(), w.popleft()))
            if self._hs("r") and ar:
                self._emit(RegAccess(False, ar.popleft(), int(s["rdata"].value)))
            if self._hs("ar"):
                ar.append(int(s["araddr"].value))

    def _emit(self, acc: RegAccess) -> None:
        for fn in self.listeners:
            fn(acc)
