// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_stream_bank: one word stream's storage and output stage in a stream buffer (pnc_wbuf,
// pnc_abuf): the bank, its read register and a 2-word output FIFO that takes either the
// incoming word (pass-through) or the word read from the bank one cycle earlier.
//
// Contract
// - Bank: a pnc_ram_1r1w of Depth words of Width bits (registered read, latency 1). we_i writes
//   word_i at waddr_i; re_i reads raddr_i, and the word read enters the FIFO in the next cycle
//   (rv_o high, rdata_o the word).
// - pass_i: word_i enters the FIFO in this cycle. A passed word and a bank word never enter in
//   the same cycle, and a word only enters with credit (both asserted).
// - credit_o: a word may start towards the FIFO in this cycle (a pass or a read): the FIFO still
//   has room once it arrives, counting the bank word in flight, or it pops now.
// - out_*: the FIFO head; a full FIFO takes a word in the cycle it pops one (PopPush), so
//   credit_o and in the pass-through case the owner's in_ready depend on out_ready_i.
// - empty_o: no word in the FIFO and none in flight from the bank.
// - clr_i: synchronous clear of the FIFO and of the read in flight (not of the bank).

`include "pnc_assert.svh"

module pnc_stream_bank #(
    parameter  int Width = 65,
    parameter  int Depth = 512,
    localparam int AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
    input logic clk_i,
    input logic rst_ni,
    input logic clr_i,

    input  logic [Width-1:0] word_i,    // the incoming word: stored with we_i, passed with pass_i
    input  logic             we_i,
    input  logic [AddrW-1:0] waddr_i,
    input  logic             re_i,
    input  logic [AddrW-1:0] raddr_i,
    output logic             rv_o,      // a bank word read in the previous cycle enters the FIFO
    output logic [Width-1:0] rdata_o,   // that word (valid with rv_o)
    input  logic             pass_i,
    output logic             credit_o,
    output logic             empty_o,

    output logic             out_valid_o,
    input  logic             out_ready_i,
    output logic [Width-1:0] out_data_o
);

  logic rv_q, push, room, pop;
  logic [1:0] occ;

  pnc_ram_1r1w #(
      .Width(Width),
      .Depth(Depth)
  ) u_ram (
      .clk_i,
      .rst_ni,
      .we_i   (we_i),
      .waddr_i(waddr_i),
      .wdata_i(word_i),
      .re_i   (re_i),
      .raddr_i(raddr_i),
      .rdata_o(rdata_o)
  );

  // Why: the bank's read latency; the word read enters the FIFO one cycle after re_i.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) rv_q <= 1'b0;
    else if (clr_i) rv_q <= 1'b0;
    else rv_q <= re_i;
  end

  assign pop      = out_valid_o && out_ready_i;
  assign credit_o = (occ + 2'(rv_q) < 2'd2) || pop;
  assign push     = pass_i || rv_q;

  pnc_fifo #(
      .Width  (Width),
      .Depth  (2),
      .PopPush(1'b1)
  ) u_out_q (
      .clk_i,
      .rst_ni,
      .clr_i      (clr_i),
      .in_valid_i (push),
      .in_ready_o (room),
      .in_data_i  (rv_q ? rdata_o : word_i),
      .out_valid_o(out_valid_o),
      .out_ready_i(out_ready_i),
      .out_data_o (out_data_o),
      .count_o    (occ)
  );

  assign rv_o    = rv_q;
  assign empty_o = occ == 2'd0 && !rv_q;

  `PNC_ASSERT(NoOverflow_A, !push || room)
  `PNC_ASSERT(OnePushSource_A, !(pass_i && rv_q))
  `PNC_ASSERT(EnterWithCredit_A, !(re_i || pass_i) || credit_o)

endmodule : pnc_stream_bank
