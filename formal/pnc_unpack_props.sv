// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_unpack: byte order of the items and the item stream contract.
//
// Asserted (the block's promises):
//   Data: every stream byte comes out in the right byte of the right item (one byte, chosen by
//     the solver with f_pick_i/f_lane_i when its word is accepted, is followed to the item that
//     holds it, which covers every byte); item bytes above item_bytes_i are 0.
//   Flow: the block buffers at most 2*DW/8 + 8 bytes; word_ready_o = !clear_i && at most
//     DW/8 + 8 bytes buffered; item_valid_o = item_bytes_i bytes are buffered; clear_i empties it.
//   Plus every run-time check the RTL carries (ItemStream_A: item held and stable while stalled;
//     ItemBytesLegal_A).
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   U1  item_bytes_i is 1..8 (the contract; 0 is also allowed: it presents no item).
//   U2  item_bytes_i does not change while an item is stalled (valid, not ready, no clear): the
//       contract's "change it only while no item is pending or together with a pop".
`include "pnc_formal.svh"

module pnc_unpack_props #(
    parameter int DW = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i, rst_ni, clear_i, word_valid_i, word_last_i, item_ready_i,
    input logic [3:0] item_bytes_i,
    input logic [DW-1:0] word_data_i,
    input logic f_pick_i,  // follow a byte of the word accepted now
    input logic [7:0] f_lane_i  // ... this byte of it
);
  `PNC_F_RESET

  localparam int WB = DW / 8, Cap = 2 * WB + 8, CntW = $clog2(Cap + 1);

  logic word_ready_o, item_valid_o;
  logic [63:0] item_data_o;
  pnc_unpack #(.DW(DW)) u_dut (.*);

  // ---- probes (driven by `connect` in pnc_unpack.sby; used by the induction invariants)
  logic [Cap*8-1:0] f_buf;
  logic [CntW-1:0] f_cnt;

  // ---- environment
  logic stall_q;
  logic [3:0] ib_q;
  always_ff @(posedge clk_i) begin
    stall_q <= rst_ni && item_valid_o && !item_ready_i && !clear_i;
    ib_q <= item_bytes_i;
  end
  always @(*) begin
    U1_ItemBytes: assume (item_bytes_i <= 4'd8);
    if (rst_ni && stall_q && !clear_i) U2_ItemBytesHeld: assume (item_bytes_i == ib_q);
  end

  // ---- shadow fill level and one followed byte (its distance from the head of the buffer)
  logic push, pop;
  logic [5:0] fill_q, fill_pop;  // bytes buffered
  assign push = word_valid_i && word_ready_o;
  assign pop = item_valid_o && item_ready_i;
  assign fill_pop = fill_q - (pop ? 6'(item_bytes_i) : 6'd0);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) fill_q <= '0;
    else if (clear_i) fill_q <= '0;
    else fill_q <= fill_pop + (push ? 6'(WB) : 6'd0);
  end

  logic fb_now;
  assign fb_now = push && f_pick_i && 32'(f_lane_i) < WB;
  `PNC_F_FOLLOW_BYTE(clear_i, fb_now, fill_pop + 6'(f_lane_i), word_data_i[8*f_lane_i+:8], pop,
                     item_bytes_i)

  always @(*) begin
    if (rst_ni) begin
      FillBound: assert (32'(fill_q) <= Cap);
      WordReady: assert (word_ready_o == (!clear_i && 32'(fill_q) <= WB + 8));
      ItemValid: assert (item_valid_o == (item_bytes_i != '0 && 6'(item_bytes_i) <= fill_q));
      if (item_bytes_i < 4'd8) UpperBytesZero: assert ((item_data_o >> (8 * item_bytes_i)) == '0);
      if (fb_q && pop && fb_pos_q < 6'(item_bytes_i)) begin
        ByteInPlace: assert (item_data_o[8*fb_pos_q+:8] == fb_byte_q);
      end
      // induction strengthening: the buffer is the shadow (bytes above the fill level are 0)
      InvCnt: assert (6'(f_cnt) == fill_q);
      InvZeroAbove: assert ((f_buf >> (8 * f_cnt)) == '0);
      if (fb_q) InvFollowed: assert (fb_pos_q < fill_q && f_buf[8*fb_pos_q+:8] == fb_byte_q);
    end
  end

endmodule
