// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// RLE decoder of one HO stream (header + records) into one slice vector per position k < K.
//
// Contract:
// - start_i (pulse) begins a stream: the byte buffer is cleared, the error flag too.
//   k_i (K) and lanes_bits_i (L, 3..5) are static while the stream is decoded.
// - word_*: the stream's bytes from its 8-aligned base. Before the header is parsed only the
//   first word is taken; afterwards exactly ceil((8 + n_records*(1+L)) / (DW/8)) words are taken
//   in total, so the next stream's words are never consumed.
// - vec_*: exactly K vectors (k = 0..K-1, vec_last_o at K-1), one per cycle when the words keep
//   up. vec_payload_o holds the record's L payload bytes (8 lanes x L bits, as in memory,
//   upper bits 0) and vec_live_o = 1 for a record position (fillers included); skipped vectors
//   have payload 0, live 0, and pulse skipped_o when transferred.
// - err_o (sticky until start_i) flags STREAM_CORRUPT: header n_vectors != K or n_records > K,
//   a run above RUN_MAX, a record at or beyond K. On an error the decoder stops taking words and
//   emits the remaining positions up to K as skipped vectors, so the tile still completes; the
//   controller must end the job and discard the stream's remaining words.
// - The block parses the stream through pnc_unpack (header item 8 bytes, record items 1+L bytes).
module pnc_rle_dec #(
    parameter int RunBits = pnc_pkg::RUN_BITS,
    parameter int DW      = pnc_pkg::AXI_DATA_W
) (
    input  logic          clk_i,
    input  logic          rst_ni,
    input  logic          start_i,
    input  logic [  15:0] k_i,
    input  logic [   2:0] lanes_bits_i,
    input  logic          word_valid_i,
    output logic          word_ready_o,
    input  logic [DW-1:0] word_data_i,
    output logic          vec_valid_o,
    input  logic          vec_ready_i,
    output logic [  47:0] vec_payload_o,
    output logic          vec_live_o,
    output logic          vec_last_o,
    output logic          err_o,
    output logic          skipped_o
);

  `include "pnc_assert.svh"
  `include "pnc_flops.svh"
  `PNC_STATIC_ASSERT(RunBitsLegal_A, RunBits >= 1 && RunBits <= 8)
  `PNC_STATIC_ASSERT(DwPow2_A, DW >= 64 && (DW & (DW - 1)) == 0)

  localparam int WB = DW / 8;
  localparam int WBLog = $clog2(WB);

  typedef enum logic [2:0] {
    StIdle,
    StHdr,
    StRec,
    StTail,
    StDone
  } state_e;

  state_e state_q, state_d;
  logic [15:0] pos_q, pos_d;  // position of the next vector
  logic [15:0] rec_left_q, rec_left_d;
  logic [7:0] skip_q, skip_d;  // skipped vectors already emitted for the current record
  logic [16:0] words_q, words_d;  // words taken since start_i
  logic [16:0] need_q, need_d;  // words of the whole stream (valid after the header)
  logic err_q, err_d;

  logic budget_ok;
  logic item_valid, item_ready;
  logic [63:0] item;
  logic [ 3:0] item_bytes;
  logic vec_fire, pos_is_last;
  logic [7:0] run;
  logic [31:0] hdr_nrec, hdr_nvec;
  logic [16:0] rec_end;  // pos + run, one bit wider than K
  logic [23:0] stream_bytes;
  logic [15:0] nrec16;
  logic [47:0] rec_payload;
  logic        run_bad;  // run field above RUN_MAX

  assign run         = item[7:0];
  assign hdr_nrec    = item[31:0];
  assign hdr_nvec    = item[63:32];
  assign nrec16      = hdr_nrec[15:0];
  assign rec_payload = {8'd0, item[47:8]};
  assign rec_end     = {1'b0, pos_q} + {9'd0, run};
  if (RunBits < 8) begin : gen_run_chk
    assign run_bad = |run[7:RunBits];
  end else begin : gen_run_full
    assign run_bad = 1'b0;
  end
  // Records are 1+L bytes; 8 otherwise. After an error the size is kept so that an unread
  // record stays a stable (never consumed) item until start_i clears the buffer.
  assign item_bytes = (state_q == StRec || (state_q != StHdr && err_q)) ?
                      {1'b0, lanes_bits_i} + 4'd1 : 4'd8;
  assign stream_bytes = 24'd8 + 24'(nrec16) * (24'(lanes_bits_i) + 24'd1);

  // Why: never take a word the stream does not own (the next stream may follow on the bus).
  always_comb begin
    case (state_q)
      StHdr:   budget_ok = (words_q == '0);
      StRec:   budget_ok = (words_q < need_q);
      default: budget_ok = 1'b0;
    endcase
  end

  logic unpack_word_ready;
  assign word_ready_o = unpack_word_ready && budget_ok;

  pnc_unpack #(
      .DW(DW)
  ) u_unpack (
      .clk_i,
      .rst_ni,
      .clear_i     (start_i),
      .item_bytes_i(item_bytes),
      .word_valid_i(word_valid_i && budget_ok),
      .word_ready_o(unpack_word_ready),
      .word_data_i,
      .word_last_i (1'b0),
      .item_valid_o(item_valid),
      .item_ready_i(item_ready),
      .item_data_o (item)
  );

  assign pos_is_last = ({1'b0, pos_q} + 17'd1 == {1'b0, k_i});
  assign vec_last_o  = pos_is_last;
  assign vec_fire    = vec_valid_o && vec_ready_i;
  assign skipped_o   = vec_fire && !vec_live_o;
  assign err_o       = err_q;

  // Why: the decoder walk: header, then per record `run` skipped vectors and one live vector,
  // then skipped vectors up to K.
  always_comb begin
    state_d       = state_q;
    pos_d         = pos_q;
    rec_left_d    = rec_left_q;
    skip_d        = skip_q;
    words_d       = words_q + 17'(word_valid_i && word_ready_o);
    need_d        = need_q;
    err_d         = err_q;
    item_ready    = 1'b0;
    vec_valid_o   = 1'b0;
    vec_live_o    = 1'b0;
    vec_payload_o = '0;
    case (state_q)
      StHdr: begin
        item_ready = 1'b1;
        if (item_valid) begin
          rec_left_d = nrec16;
          need_d     = 17'((stream_bytes + 24'(WB - 1)) >> WBLog);
          if (hdr_nvec != {16'd0, k_i} || hdr_nrec > {16'd0, k_i}) begin
            err_d   = 1'b1;
            state_d = StTail;
          end else begin
            if (hdr_nrec == '0) state_d = StTail;
            else state_d = StRec;
          end
        end
      end
      StRec: begin
        if (item_valid && skip_q == '0 && (run_bad || rec_end >= {1'b0, k_i})) begin
          err_d   = 1'b1;
          state_d = StTail;
        end else if (item_valid && skip_q != run) begin
          vec_valid_o = 1'b1;
          if (vec_ready_i) begin
            skip_d = skip_q + 8'd1;
            pos_d  = pos_q + 16'd1;
          end
        end else if (item_valid) begin
          vec_valid_o   = 1'b1;
          vec_live_o    = 1'b1;
          vec_payload_o = rec_payload;
          item_ready    = vec_ready_i;
          if (vec_ready_i) begin
            skip_d     = '0;
            pos_d      = pos_q + 16'd1;
            rec_left_d = rec_left_q - 16'd1;
            if (rec_left_q == 16'd1) begin
              if (pos_is_last) state_d = StDone;
              else state_d = StTail;
            end else if (pos_is_last) begin
              err_d   = 1'b1;  // records left but no position for them
              state_d = StDone;
            end
          end
        end
      end
      StTail: begin
        if ({1'b0, pos_q} < {1'b0, k_i}) begin
          vec_valid_o = 1'b1;
          if (vec_ready_i) begin
            pos_d = pos_q + 16'd1;
            if (pos_is_last) state_d = StDone;
          end
        end else begin
          state_d = StDone;
        end
      end
      default: ;
    endcase
    if (start_i) begin
      state_d    = StHdr;
      pos_d      = '0;
      rec_left_d = '0;
      skip_d     = '0;
      words_d    = '0;
      need_d     = '0;
      err_d      = 1'b0;
    end
  end

  `PNC_FF(state_q, state_d, StIdle)
  `PNC_FF(pos_q, pos_d, '0)
  `PNC_FF(rec_left_q, rec_left_d, '0)
  `PNC_FF(skip_q, skip_d, '0)
  `PNC_FF(words_q, words_d, '0)
  `PNC_FF(need_q, need_d, '0)
  `PNC_FF(err_q, err_d, 1'b0)

  `PNC_ASSERT_STREAM_CLR(VecStream_A, vec_valid_o, vec_ready_i, {vec_payload_o, vec_live_o,
                                                                 vec_last_o}, start_i)
  `PNC_ASSERT(WordBudget_A, !(word_valid_i && word_ready_o) || state_q == StHdr || words_q < need_q)

endmodule
