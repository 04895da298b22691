// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_fifo: order and data preserved, no overflow or underflow, count exact,
// clear empties it.
//
// Method: one item, chosen by the solver (f_pick_i, any cycle, any data), is followed through
// the FIFO: it must come out unchanged after exactly the items that were ahead of it, which for
// an arbitrary choice proves order and data integrity of every item (unless a clear drops it
// first). A shadow count checks count_o, in_ready_o and out_valid_o.
//
// ASSUMPTIONS
//   R0  reset only in the first cycle (pnc_formal.svh).
// Nothing else: the FIFO must be correct for any input sequence (in_valid_i may drop or
// in_data_i change without a transfer; out_ready_i and clr_i are free).
//
// Probes (connected by the .sby script after `flatten`, since Yosys has no bind or
// hierarchical references): f_rptr, f_wptr and the storage words f_mem (for k-induction only;
// they state where the followed item sits, so that the induction step cannot start from a
// state in which it was silently lost).
`include "pnc_formal.svh"

module pnc_fifo_props #(
    parameter int Width = 4, parameter int Depth = 3, parameter bit PopPush = 1'b0
) (
    input logic clk_i, rst_ni, clr_i, in_valid_i, out_ready_i,
    input logic [Width-1:0] in_data_i,
    input logic f_pick_i  // follow the item pushed in this cycle
);
  `PNC_F_RESET

  localparam int CntW = $clog2(Depth + 1);
  localparam int PtrW = (Depth > 1) ? $clog2(Depth) : 1;

  logic in_ready_o, out_valid_o;
  logic [Width-1:0] out_data_o;
  logic [CntW-1:0] count_o;
  pnc_fifo #(.Width(Width), .Depth(Depth), .PopPush(PopPush)) u_dut (.*);

  // ---- probes (driven by `connect` in pnc_fifo.sby)
  logic [PtrW-1:0] f_rptr, f_wptr;
  logic [Depth-1:0][Width-1:0] f_mem;

  logic push, pop;
  assign push = in_valid_i && in_ready_o;
  assign pop  = out_valid_o && out_ready_i;

  // ---- shadow occupancy
  logic [CntW:0] f_cnt_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) f_cnt_q <= '0;
    else if (clr_i) f_cnt_q <= '0;
    else f_cnt_q <= f_cnt_q + (CntW + 1)'(push) - (CntW + 1)'(pop);
  end

  always @(*) begin
    if (rst_ni) begin
      CountExact: assert ((CntW + 1)'(count_o) == f_cnt_q);
      CountBound: assert (f_cnt_q <= (CntW + 1)'(Depth));
      NoOverflow: assert (in_ready_o == (f_cnt_q != (CntW + 1)'(Depth) || (PopPush && out_ready_i)));
      NoUnderflow: assert (out_valid_o == (f_cnt_q != '0));
    end
  end

  // ---- one followed item
  logic f_track_q;
  logic [Width-1:0] f_data_q;
  logic [CntW-1:0] f_ahead_q;  // items in front of it
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {f_track_q, f_data_q, f_ahead_q} <= '0;
    else if (clr_i) begin
      f_track_q <= 1'b0;
    end else if (!f_track_q) begin
      if (push && f_pick_i) begin
        f_track_q <= 1'b1;
        f_data_q  <= in_data_i;
        f_ahead_q <= count_o - CntW'(pop);
      end
    end else if (pop) begin
      if (f_ahead_q == '0) f_track_q <= 1'b0;
      else f_ahead_q <= f_ahead_q - CntW'(1);
    end
  end

  always @(*) begin
    if (rst_ni && f_track_q && f_ahead_q == '0) begin
      OrderHead: assert (out_valid_o);
      DataIntact: assert (out_data_o == f_data_q);
    end
  end

  // The output side obeys the stream rule for any out_ready_i.
  `PNC_F_STREAM(assert, OutStream, out_valid_o, out_ready_i, out_data_o, clr_i)

  // ---- induction strengthening (internal state agrees with the shadow)
  logic [PtrW:0] f_slot;  // storage index of the followed item
  always @(*) begin
    f_slot = (PtrW + 1)'(f_rptr) + (PtrW + 1)'(f_ahead_q);
    if (f_slot >= (PtrW + 1)'(Depth)) f_slot = f_slot - (PtrW + 1)'(Depth);
    if (rst_ni) begin
      PtrsInRange: assert (32'(f_rptr) < Depth && 32'(f_wptr) < Depth);
      WptrFollows: assert ((32'(f_rptr) + 32'(f_cnt_q)) % Depth == 32'(f_wptr));
      if (f_track_q) begin
        TrackedStored: assert (f_mem[f_slot[PtrW-1:0]] == f_data_q);
        TrackedCounted: assert ((CntW + 1)'(f_ahead_q) < f_cnt_q);
      end
    end
  end

endmodule
