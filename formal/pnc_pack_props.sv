// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_pack: byte placement and strobes of the words, and the word stream contract.
//
// Asserted (the block's promises):
//   Data: every item byte comes out in the right byte of the right word with its strobe set
//     (one byte, chosen by the solver with f_pick_i/f_lane_i when its item is accepted, is
//     followed to its word, which covers every byte), at stream position start offset + bytes
//     before it, also across a flush (the next item starts a new word at byte 0).
//   Flow: the block buffers at most 2*DW/8 + 8 bytes; item_ready_o = no clear, no flush pending
//     and at most DW/8 + 8 bytes buffered.
//   Plus every run-time check the RTL carries (WordStream_A: word held and stable while
//     stalled, unless clear_i; ItemBytesLegal_A).
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   P1  item_bytes_i is 1..8 while item_valid_i (the contract and ItemBytesLegal_A).
`include "pnc_formal.svh"

module pnc_pack_props #(
    parameter int DW = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i, rst_ni, clear_i, flush_i, item_valid_i, word_ready_i,
    input logic [2:0] start_offset_i,
    input logic [63:0] item_data_i,
    input logic [3:0] item_bytes_i,
    input logic f_pick_i,  // follow a byte of the item accepted now
    input logic [2:0] f_lane_i  // ... this byte of it
);
  `PNC_F_RESET

  localparam int WB = DW / 8, Cap = 2 * WB + 8, CntW = $clog2(Cap + 1);

  logic item_ready_o, word_valid_o;
  logic [DW-1:0] word_data_o;
  logic [WB-1:0] word_strb_o;
  pnc_pack #(.DW(DW)) u_dut (.*);

  // ---- probes (driven by `connect` in pnc_pack.sby; used by the induction invariants)
  logic [Cap*8-1:0] f_data;
  logic [Cap-1:0] f_strb;
  logic [CntW-1:0] f_cnt;
  logic f_flush;

  // ---- environment
  always @(*) begin
    if (item_valid_i) P1_ItemBytes: assume (item_bytes_i >= 4'd1 && item_bytes_i <= 4'd8);
  end

  // ---- one followed byte: its distance from the head of the buffer
  logic push, pop, full_word;
  assign push = item_valid_i && item_ready_o;
  assign pop = word_valid_o && word_ready_i;
  assign full_word = 32'(f_cnt) >= WB;

  // Where the accepted item's bytes land: after this cycle's pop (a flushed partial word
  // restarts the buffer at 0).
  logic [5:0] cnt_pop;
  logic fb_now;
  assign cnt_pop = !pop ? 6'(f_cnt) : full_word ? 6'(f_cnt) - 6'(WB) : 6'd0;
  assign fb_now = push && f_pick_i && 4'(f_lane_i) < item_bytes_i;
  `PNC_F_FOLLOW_BYTE(clear_i, fb_now, cnt_pop + 6'(f_lane_i), item_data_i[8*f_lane_i+:8], pop,
                     WB)

  always @(*) begin
    if (rst_ni) begin
      ItemReady: assert (item_ready_o == (!clear_i && !f_flush && !flush_i && 32'(f_cnt) <= WB + 8));
      if (fb_q && pop && 32'(fb_pos_q) < WB) begin
        ByteInPlace: assert (word_data_o[8*fb_pos_q+:8] == fb_byte_q && word_strb_o[fb_pos_q[2:0]]);
      end
      // induction strengthening
      CntBound: assert (32'(f_cnt) <= Cap);
      InvZeroAbove: assert ((f_data >> (8 * f_cnt)) == '0 && (f_strb >> f_cnt) == '0);
      if (fb_q) begin
        InvFollowed: assert (fb_pos_q < 6'(f_cnt) && f_data[8*fb_pos_q+:8] == fb_byte_q
                             && f_strb[fb_pos_q]);
      end
    end
  end

endmodule
