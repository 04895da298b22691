// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Synchronous first-word-fall-through FIFO with valid/ready streams on both sides.
//
// Contract:
// - in_*: an item is written on in_valid_i && in_ready_o; in_ready_o = !full (registered state
//   only, no combinational path from out_ready_i), so a full FIFO accepts again the cycle after
//   a pop. With PopPush = 1 a full FIFO also accepts in the cycle it pops (in_ready_o then
//   depends on out_ready_i).
// - out_*: out_valid_o = !empty; out_data_o is the oldest item, stable until popped
//   (out_valid_o && out_ready_i). Latency in -> out is one cycle.
// - count_o: items stored (0..Depth). Depth >= 1, any value (not only powers of two).
// - clr_i: synchronous clear; the FIFO is empty in the next cycle (an item pushed or popped in
//   the clear cycle is dropped).
module pnc_fifo #(
    parameter int Width = 8,
    parameter int Depth = 2,
    parameter bit PopPush = 1'b0,
    localparam int CntW = $clog2(Depth + 1),
    localparam int PtrW = (Depth > 1) ? $clog2(Depth) : 1
) (
    input  logic             clk_i,
    input  logic             rst_ni,
    input  logic             clr_i,
    input  logic             in_valid_i,
    output logic             in_ready_o,
    input  logic [Width-1:0] in_data_i,
    output logic             out_valid_o,
    input  logic             out_ready_i,
    output logic [Width-1:0] out_data_o,
    output logic [ CntW-1:0] count_o
);

  `include "pnc_assert.svh"
  `PNC_STATIC_ASSERT(DepthLegal_A, Depth >= 1 && Width >= 1)

  localparam logic [PtrW-1:0] LastPtr = PtrW'(Depth - 1);
  localparam logic [CntW-1:0] Full = CntW'(Depth);

  logic [Width-1:0] mem_q[Depth];
  logic [PtrW-1:0] wptr_q, rptr_q;
  logic [CntW-1:0] cnt_q;
  logic push, pop;

  assign in_ready_o  = (cnt_q != Full) || (PopPush && out_ready_i);
  assign out_valid_o = (cnt_q != '0);
  assign out_data_o  = mem_q[rptr_q];
  assign count_o     = cnt_q;
  assign push        = in_valid_i && in_ready_o;
  assign pop         = out_valid_o && out_ready_i;

  // Why: storage is written only, never reset (data is meaningful only while counted).
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wptr_q] <= in_data_i;
  end

  // Why: pointers wrap at Depth (any depth), the count tracks occupancy.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q <= '0;
      rptr_q <= '0;
      cnt_q  <= '0;
    end else if (clr_i) begin
      wptr_q <= '0;
      rptr_q <= '0;
      cnt_q  <= '0;
    end else begin
      if (push) wptr_q <= (wptr_q == LastPtr) ? '0 : wptr_q + PtrW'(1);
      if (pop) rptr_q <= (rptr_q == LastPtr) ? '0 : rptr_q + PtrW'(1);
      if (push && !pop) cnt_q <= cnt_q + CntW'(1);
      else if (pop && !push) cnt_q <= cnt_q - CntW'(1);
    end
  end

  `PNC_ASSERT_STREAM_CLR(OutStream_A, out_valid_o, out_ready_i, out_data_o, clr_i)
  `PNC_ASSERT_KNOWN_IF(InDataKnown_A, in_data_i, in_valid_i)

endmodule
