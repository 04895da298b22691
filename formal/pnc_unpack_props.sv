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
    parameter  int DW  = pnc_pkg::AXI_DATA_W,
    localparam int WB  = DW / 8,
    localparam int Cap = 2 * WB + 8
) (
    input logic          clk_i,
    input logic          rst_ni,
    input logic          clear_i,
    input logic [   3:0] item_bytes_i,
    input logic          word_valid_i,
    input logic [DW-1:0] word_data_i,
    input logic          word_last_i,
    input logic          item_ready_i,
    input logic          f_pick_i,       // follow a byte of the word accepted now
    input logic [   7:0] f_lane_i        // ... this byte of it
);
  `PNC_F_RESET

  localparam int CntW = $clog2(Cap + 1);

  logic word_ready, item_valid;
  logic [63:0] item_data;

  pnc_unpack #(
      .DW(DW)
  ) u_dut (
      .clk_i,
      .rst_ni,
      .clear_i,
      .item_bytes_i,
      .word_valid_i,
      .word_ready_o(word_ready),
      .word_data_i,
      .word_last_i,
      .item_valid_o(item_valid),
      .item_ready_i,
      .item_data_o (item_data)
  );

  // ---- probes (driven by `connect` in pnc_unpack.sby; used by the induction invariants)
  logic [Cap*8-1:0] f_buf;
  logic [CntW-1:0] f_cnt;

  // ---- environment
  logic stall_q;
  logic [3:0] ib_q;
  always_ff @(posedge clk_i) begin
    stall_q <= rst_ni && item_valid && !item_ready_i && !clear_i;
    ib_q <= item_bytes_i;
  end
  always @(*) begin
    U1_ItemBytes: assume (item_bytes_i <= 4'd8);
    if (rst_ni && stall_q && !clear_i) U2_ItemBytesHeld: assume (item_bytes_i == ib_q);
  end

  // ---- shadow fill level and one followed byte (its distance from the head of the buffer)
  logic push, pop;
  logic [5:0] fill_q, fill_pop;  // bytes buffered
  assign push = word_valid_i && word_ready;
  assign pop = item_valid && item_ready_i;
  assign fill_pop = fill_q - (pop ? 6'(item_bytes_i) : 6'd0);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) fill_q <= '0;
    else if (clear_i) fill_q <= '0;
    else fill_q <= fill_pop + (push ? 6'(WB) : 6'd0);
  end

  logic fb_q;
  logic [5:0] fb_pos_q;
  logic [7:0] fb_byte_q;
  logic fb_now;
  assign fb_now = push && f_pick_i && 32'(f_lane_i) < WB;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fb_q      <= 1'b0;
      fb_pos_q  <= '0;
      fb_byte_q <= '0;
    end else if (clear_i) begin
      fb_q <= 1'b0;
    end else if (fb_q) begin
      if (pop) begin
        if (fb_pos_q < 6'(item_bytes_i)) fb_q <= 1'b0;
        else fb_pos_q <= fb_pos_q - 6'(item_bytes_i);
      end
    end else if (fb_now) begin
      fb_q      <= 1'b1;
      fb_pos_q  <= fill_pop + 6'(f_lane_i);
      fb_byte_q <= word_data_i[8*f_lane_i+:8];
    end
  end

  always @(*) begin
    if (rst_ni) begin
      FillBound: assert (32'(fill_q) <= Cap);
      WordReady: assert (word_ready == (!clear_i && 32'(fill_q) <= WB + 8));
      ItemValid: assert (item_valid == (item_bytes_i != '0 && 6'(item_bytes_i) <= fill_q));
      if (item_bytes_i < 4'd8) UpperBytesZero: assert ((item_data >> (8 * item_bytes_i)) == '0);
      if (fb_q && pop && fb_pos_q < 6'(item_bytes_i)) begin
        ByteInPlace: assert (item_data[8*fb_pos_q+:8] == fb_byte_q);
      end
      // induction strengthening: the buffer is the shadow (bytes above the fill level are 0)
      InvCnt: assert (6'(f_cnt) == fill_q);
      InvZeroAbove: assert ((f_buf >> (8 * f_cnt)) == '0);
      if (fb_q) InvFollowed: assert (fb_pos_q < fill_q && f_buf[8*fb_pos_q+:8] == fb_byte_q);
    end
  end

endmodule
