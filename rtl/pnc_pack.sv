// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Byte-stream assembler for the write path: byte items in, bus words with byte strobes out.
//
// Contract:
// - item_*: item_bytes_i (1..8, may differ per item) bytes of item_data_i (LSB-aligned) are
//   appended to the stream.
// - word_*: a word is emitted as soon as DW/8 stream bytes are collected; word_strb_o marks the
//   bytes that belong to the stream (all ones except in the first word after a start offset and
//   in a flushed partial word). Word data is stable while stalled.
// - clear_i: empties the buffer (pending bytes are dropped) and samples start_offset_i: the next
//   item's first byte goes to byte start_offset_i of the first word (lower bytes get strobe 0).
//   No item is accepted while clear_i is high.
// - flush_i (pulse): after every item accepted before it has been emitted, the remaining partial
//   word (if it holds any stream byte) is emitted with its strobes, and the buffer restarts at
//   byte 0 of a new word. Items are held off (item_ready_o = 0) until the flush completes.
// - Buffer: 2*DW/8 + 8 bytes; an item is accepted while at most DW/8 + 8 bytes are buffered
//   (state only), so with DW = 64 the block sustains one item (of up to 8 bytes) per cycle.
module pnc_pack #(
    parameter int DW = pnc_pkg::AXI_DATA_W
) (
    input  logic            clk_i,
    input  logic            rst_ni,
    input  logic            clear_i,
    input  logic [     2:0] start_offset_i,
    input  logic            flush_i,
    input  logic            item_valid_i,
    output logic            item_ready_o,
    input  logic [    63:0] item_data_i,
    input  logic [     3:0] item_bytes_i,
    output logic            word_valid_o,
    input  logic            word_ready_i,
    output logic [  DW-1:0] word_data_o,
    output logic [DW/8-1:0] word_strb_o
);

  `include "pnc_assert.svh"
  `include "pnc_flops.svh"
  `PNC_STATIC_ASSERT(DwLegal_A, DW >= 64 && DW % 8 == 0)

  localparam int WB = DW / 8;
  localparam int Cap = 2 * WB + 8;
  localparam int CntW = $clog2(Cap + 1);
  localparam logic [CntW-1:0] WordBytes = CntW'(WB);
  localparam logic [CntW-1:0] PushLimit = CntW'(WB + 8);

  logic [Cap*8-1:0] data_q, data_d, data_pop;
  logic [Cap-1:0] strb_q, strb_d, strb_pop;
  logic [CntW-1:0] cnt_q, cnt_d, cnt_pop;
  logic flush_q, flush_d;  // flush requested, partial word not yet emitted
  logic [WB-1:0] strb_lo;  // strobes of the word at the head of the buffer
  logic full_word, part_word;
  logic push, pop;
  logic [ 7:0] item_strb;
  logic [63:0] item_mask;

  assign strb_lo      = strb_q[WB-1:0];
  assign full_word    = (cnt_q >= WordBytes);
  // A flushed partial word is emitted only if it holds a stream byte.
  assign part_word    = flush_q && !full_word && (strb_lo != '0);
  assign word_valid_o = full_word || part_word;
  assign word_data_o  = data_q[DW-1:0];
  assign word_strb_o  = strb_lo;
  assign item_ready_o = !clear_i && !flush_q && !flush_i && (cnt_q <= PushLimit);
  assign push         = item_valid_i && item_ready_o;
  assign pop          = word_valid_o && word_ready_i;

  // Why: item byte strobes and data mask from its size (8 = all bytes).
  always_comb begin
    item_strb = 8'hff;
    item_mask = '1;
    if (item_bytes_i < 4'd8) begin
      item_strb = ~(8'hff << item_bytes_i);
      item_mask = ~({64{1'b1}} << {item_bytes_i, 3'b000});
    end
  end

  // Why: pop removes one word (full, or the flushed partial one, which restarts at byte 0);
  // a pushed item lands at the end; clear restarts at the sampled offset.
  always_comb begin
    data_pop = data_q;
    strb_pop = strb_q;
    cnt_pop  = cnt_q;
    flush_d  = flush_q || flush_i;
    if (pop) begin
      data_pop = data_q >> DW;
      strb_pop = strb_q >> WB;
      cnt_pop  = full_word ? cnt_q - WordBytes : '0;
    end
    // A pending flush ends once no stream byte is left behind the emitted words.
    if (flush_q && !full_word && (pop || strb_lo == '0)) begin
      flush_d  = flush_i;
      data_pop = '0;
      strb_pop = '0;
      cnt_pop  = '0;
    end
    data_d = data_pop;
    strb_d = strb_pop;
    cnt_d  = cnt_pop;
    if (push) begin
      data_d = data_pop | ({{(Cap * 8 - 64) {1'b0}}, item_data_i & item_mask} << {cnt_pop, 3'b000});
      strb_d = strb_pop | ({{(Cap - 8) {1'b0}}, item_strb} << cnt_pop);
      cnt_d = cnt_pop + CntW'(item_bytes_i);
    end
    if (clear_i) begin
      data_d  = '0;
      strb_d  = '0;
      cnt_d   = CntW'(start_offset_i);
      flush_d = 1'b0;
    end
  end

  `PNC_FF(data_q, data_d, '0)
  `PNC_FF(strb_q, strb_d, '0)
  `PNC_FF(cnt_q, cnt_d, '0)
  `PNC_FF(flush_q, flush_d, 1'b0)

  `PNC_ASSERT_STREAM_CLR(WordStream_A, word_valid_o, word_ready_i, {word_data_o, word_strb_o},
                         clear_i)
  `PNC_ASSERT_KNOWN_IF(ItemKnown_A, item_data_i, item_valid_i)
  `PNC_ASSERT(ItemBytesLegal_A, !item_valid_i || (item_bytes_i >= 4'd1 && item_bytes_i <= 4'd8))

endmodule
