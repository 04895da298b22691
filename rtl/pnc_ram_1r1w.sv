// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_ram_1r1w: inferred simple dual-port RAM (one write port, one read port, one clock).
//
// Contract
// - Depth words of Width bits, no reset: a word reads X until it has been written.
// - Write: on a clock edge with we_i, word waddr_i takes wdata_i.
// - Read: registered, latency 1. On a clock edge with re_i, rdata_o takes word raddr_i; without
//   re_i it keeps its value. A read of the word written on the same edge returns the old word
//   (read-first); callers must not rely on it (an SRAM macro may return anything), and the
//   assertion below flags it.
// - Addresses are below Depth whenever their enable is high (Depth need not be a power of two).
// - No combinational path from any input to rdata_o.
// - Synthesis: `make synth` keeps every instance as a black box (an SRAM macro) and reports its
//   size and modelled area (flow/synth.py, models/panacea/arch.toml [sram]); simulators infer an
//   array, so Icarus and Verilator simulate it as memory, not as Depth registers.

`include "pnc_assert.svh"

module pnc_ram_1r1w #(
    parameter  int Width = 64,
    parameter  int Depth = 512,
    localparam int AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
    input logic clk_i,
    input logic rst_ni, // assertions only; the array and rdata_o have no reset

    input logic             we_i,
    input logic [AddrW-1:0] waddr_i,
    input logic [Width-1:0] wdata_i,

    input  logic             re_i,
    input  logic [AddrW-1:0] raddr_i,
    output logic [Width-1:0] rdata_o
);

  `PNC_STATIC_ASSERT(ParamsLegal_A, Width >= 1 && Depth >= 2)

  logic [Width-1:0] mem_q[Depth];

  // Why: a plain write port without reset, the shape RAM inference expects.
  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
  end

  // Why: a registered read port with enable, the shape RAM inference expects.
  always_ff @(posedge clk_i) begin
    if (re_i) rdata_o <= mem_q[raddr_i];
  end

  `PNC_ASSERT_KNOWN(WeKnown_A, we_i)
  `PNC_ASSERT_KNOWN(ReKnown_A, re_i)
  `PNC_ASSERT_KNOWN_IF(WaddrKnown_A, waddr_i, we_i)
  `PNC_ASSERT_KNOWN_IF(RaddrKnown_A, raddr_i, re_i)
  `PNC_ASSERT(WaddrInRange_A, !we_i || int'(waddr_i) < Depth)
  `PNC_ASSERT(RaddrInRange_A, !re_i || int'(raddr_i) < Depth)
  `PNC_ASSERT(NoCollision_A, !(we_i && re_i && waddr_i == raddr_i))

endmodule : pnc_ram_1r1w
