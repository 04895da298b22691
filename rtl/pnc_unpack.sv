// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Byte-stream disassembler: little-endian bus words in, fixed-size byte items out.
//
// Contract:
// - word_*: bytes of word_data_i are stream bytes in little-endian order (byte 0 first).
//   word_last_i is not used (item boundaries do not depend on bursts).
// - item_*: each item is the next item_bytes_i (1..8) stream bytes, LSB-aligned in
//   item_data_o, upper bytes 0. item_bytes_i may change between items (it is read when the
//   item is presented; change it only while no item is pending or together with a pop).
// - Buffer: 2*DW/8 + 8 bytes; a word is accepted while at most DW/8 + 8 bytes are buffered, so
//   word_ready_o depends on state and clear_i only. With DW = 64 and items of up to 8 bytes the
//   block sustains one item per cycle (and one word per cycle for 8-byte items).
// - clear_i: drops every buffered byte this cycle (an item popped in the same cycle is still
//   delivered; no word is accepted while clear_i is high). Pulse it between streams.
module pnc_unpack #(
    parameter int DW = pnc_pkg::AXI_DATA_W
) (
    input  logic          clk_i,
    input  logic          rst_ni,
    input  logic          clear_i,
    input  logic [   3:0] item_bytes_i,
    input  logic          word_valid_i,
    output logic          word_ready_o,
    input  logic [DW-1:0] word_data_i,
    // Waiver: word_last_i is part of the stream interface; item framing ignores bursts.
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic          word_last_i,
    /* verilator lint_on UNUSEDSIGNAL */
    output logic          item_valid_o,
    input  logic          item_ready_i,
    output logic [  63:0] item_data_o
);

  `include "pnc_assert.svh"
  `include "pnc_flops.svh"
  `PNC_STATIC_ASSERT(DwLegal_A, DW >= 8 && DW % 8 == 0)

  localparam int WB = DW / 8;  // bytes per word
  localparam int Cap = 2 * WB + 8;  // buffer bytes
  localparam int CntW = $clog2(Cap + 1);
  localparam logic [CntW-1:0] WordBytes = CntW'(WB);
  localparam logic [CntW-1:0] PushLimit = CntW'(WB + 8);

  logic [Cap*8-1:0] buf_q, buf_d, buf_pop;
  logic [CntW-1:0] cnt_q, cnt_d, cnt_pop;
  logic [CntW-1:0] ib;
  logic push, pop;
  logic [63:0] mask;

  assign ib           = CntW'(item_bytes_i);
  assign word_ready_o = !clear_i && (cnt_q <= PushLimit);
  assign item_valid_o = (ib != '0) && (cnt_q >= ib);
  assign push         = word_valid_i && word_ready_o;
  assign pop          = item_valid_o && item_ready_i;

  // Why: the item is the oldest item_bytes_i bytes; bytes at and above cnt_q are always zero.
  always_comb begin
    mask = '1;
    if (item_bytes_i < 4'd8) mask = ~({64{1'b1}} << {item_bytes_i, 3'b000});
  end
  assign item_data_o = buf_q[63:0] & mask;

  // Why: pop shifts the buffer down by the item size, then a pushed word lands at the new end.
  always_comb begin
    buf_pop = pop ? (buf_q >> {ib, 3'b000}) : buf_q;
    cnt_pop = pop ? (cnt_q - ib) : cnt_q;
    buf_d   = buf_pop;
    cnt_d   = cnt_pop;
    if (push) begin
      buf_d = buf_pop | ({{(Cap * 8 - DW) {1'b0}}, word_data_i} << {cnt_pop, 3'b000});
      cnt_d = cnt_pop + WordBytes;
    end
    if (clear_i) begin
      buf_d = '0;
      cnt_d = '0;
    end
  end

  `PNC_FF(buf_q, buf_d, '0)
  `PNC_FF(cnt_q, cnt_d, '0)

  `PNC_ASSERT_STREAM_CLR(ItemStream_A, item_valid_o, item_ready_i, item_data_o, clear_i)
  `PNC_ASSERT_KNOWN_IF(WordKnown_A, word_data_i, word_valid_i)
  `PNC_ASSERT(ItemBytesLegal_A, !item_valid_o || (item_bytes_i >= 4'd1 && item_bytes_i <= 4'd8))

endmodule
