// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_rle_dec against a reference decoder, for K <= MaxK and one L per task.
//
// The solver picks the whole stream (f_mem_i, the bytes at the stream's base and after it:
// header, records, then whatever the next stream holds), K and the handshake timing. The
// reference below walks the bytes as docs/architecture.md section 3 defines the HO stream:
//   header: u32 n_records, u32 n_vectors; then n_records records {u8 run, L payload bytes};
//   each record places `run` skipped vectors and then one live vector with its payload;
//   positions after the last record are skipped. STREAM_CORRUPT: n_vectors != K,
//   n_records > K, a run above RUN_MAX, or a record at or beyond K; from the first bad record
//   on (from position 0 for a bad header) every position is a skipped vector.
// The reference is sequential (one position per transferred vector, reading the record it has
// reached), so each step carries a few multiplexers instead of a whole decode; the `Inv*`
// assertions tie the decoder's state and pnc_unpack's buffer to it (k-induction).
// Asserted:
//   - exactly K vectors per stream; vector k equals the reference's: live with the record's
//     payload (L bytes, upper bytes 0) where a record lands, skipped (live 0, payload 0)
//     elsewhere; vec_last_o on k = K-1; skipped_o marks every skipped vector transferred;
//   - err_o: never set for a good stream; set for a corrupt one once the K vectors are out;
//     once set, no word is taken;
//   - words: a good stream takes at most ceil((8 + n_records*(1+L)) / 8) words and exactly
//     that many by the end (the next stream's words stay on the bus); a bad header stops the
//     decoder after the first word;
//   - vec_* obeys the stream rule; plus every run-time check the RTL carries.
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   E1  one stream: start_i pulses once, in the first cycle after reset (the contract's "start_i
//       begins a stream"; restarts are the same walk from the same cleared state).
//   E2  K = k_i in 1..MaxK, static (the contract; MaxK bounds the proof, see README);
//       lanes_bits_i is the task's L (3..5), tied to the constant.
//   E3  word_* delivers the stream's 8-byte words in order (word i = bytes 8i..8i+7 of f_mem_i)
//       and obeys the stream rule (held until ready, data stable).
`include "pnc_formal.svh"

module pnc_rle_dec_props #(
    parameter  int MaxK  = 8,
    parameter  int L     = 4,
    localparam int DW    = pnc_pkg::AXI_DATA_W,
    localparam int Words = (8 + MaxK * (1 + L) + 7) / 8 + 1,  // the longest stream, plus one
    localparam int MemW  = Words * 64
) (
    input logic clk_i, rst_ni, start_i, word_valid_i, vec_ready_i,
    input logic [15:0] k_i,
    input logic [DW-1:0] word_data_i,
    input logic [MemW-1:0] f_mem_i  // the bytes from the stream base on (held)
);
  `PNC_F_RESET

  localparam int RunMax = (1 << pnc_pkg::RUN_BITS) - 1;
  localparam int RecB = 1 + L;  // record bytes

  logic word_ready_o, vec_valid_o, vec_live_o, vec_last_o, err_o, skipped_o;
  logic [47:0] vec_payload_o;
  logic [2:0] lanes_bits_i;
  assign lanes_bits_i = 3'(L);  // a constant: the multiplier by 1 + L folds away
  pnc_rle_dec #(.RunBits(pnc_pkg::RUN_BITS), .DW(DW)) u_dut (.*);

  // ---- probes (driven by `connect` in pnc_rle_dec.sby; used by the induction invariants)
  logic [2:0] f_state;  // StIdle, StHdr, StRec, StTail, StDone = 0..4
  logic [15:0] f_pos, f_rec_left;
  logic [7:0] f_skip;
  logic [16:0] f_words, f_need;
  logic f_err;
  logic [191:0] f_buf;  // pnc_unpack's buffer (2 * 8 + 8 bytes) and fill level
  logic [4:0] f_cnt;

  // ---- environment
  logic [MemW-1:0] f_mem_q;
  logic [15:0] k_q;
  always_ff @(posedge clk_i) begin
    f_mem_q <= f_mem_i;
    k_q <= k_i;
  end
  logic word_fire, vec_fire, f_started_q;
  logic [7:0] f_widx_q;  // words taken since start
  logic [7:0] f_vpos_q;  // vectors transferred
  assign word_fire = word_valid_i && word_ready_o;
  assign vec_fire  = vec_valid_o && vec_ready_i;
  always @(*) begin
    E1_StartOnce: assume (start_i == (rst_ni && f_past_q && !f_started_q));
    E2_K: assume (k_i >= 16'd1 && k_i <= 16'(MaxK));
    if (f_past_q) begin
      E2_Static: assume (k_i == k_q);
      E3_MemHeld: assume (f_mem_i == f_mem_q);
    end
    if (word_valid_i) begin
      E3_InOrder: assume (32'(f_widx_q) < Words && word_data_i == f_mem_i[64*f_widx_q+:64]);
    end
  end
  `PNC_F_STREAM(assume, E3_Word, word_valid_i, word_ready_o, word_data_i, 1'b0)

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {f_started_q, f_widx_q, f_vpos_q} <= '0;
    else begin
      if (start_i) f_started_q <= 1'b1;
      f_widx_q <= f_widx_q + 8'(word_fire);
      f_vpos_q <= f_vpos_q + 8'(vec_fire);
    end
  end

  // ---- reference decoder: header (fixed offsets), then one record at a time
  logic [31:0] nrec, nvec;
  logic hdr_bad;
  logic [31:0] need_words;
  assign nrec = f_mem_i[31:0];
  assign nvec = f_mem_i[63:32];
  assign hdr_bad = (nvec != 32'(k_i)) || (nrec > 32'(k_i));
  assign need_words = (32'd8 + nrec * 32'(RecB) + 32'd7) / 32'd8;

  logic [3:0] r_q;  // records placed
  logic [7:0] skip_q;  // skipped vectors placed for the current record
  logic bad_q;  // a bad record was met: every later position is skipped
  logic [7:0] run;
  logic [47:0] pay;
  logic rec_here, rec_bad, exp_live;
  // The record r_q (the solver's bytes at its fixed place; beyond MaxK records the header is bad).
  always @(*) begin
    run = '0;
    pay = '0;
    for (int r = 0; r < MaxK; r++) begin
      if (32'(r_q) == r) begin
        run = f_mem_i[8*(8+r*RecB)+:8];
        pay = 48'(f_mem_i[8*(8+r*RecB+1)+:8*L]);
      end
    end
  end
  assign rec_here = !hdr_bad && !bad_q && 32'(r_q) < nrec;
  assign rec_bad  = rec_here && skip_q == '0
                    && (32'(run) > RunMax || 32'(f_vpos_q) + 32'(run) >= 32'(k_i));
  assign exp_live = rec_here && !rec_bad && skip_q == run;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {r_q, skip_q, bad_q} <= '0;
    else if (vec_fire) begin
      if (rec_bad) bad_q <= 1'b1;
      if (exp_live) begin
        r_q    <= r_q + 4'd1;
        skip_q <= '0;
      end else if (rec_here && !rec_bad) begin
        skip_q <= skip_q + 8'd1;
      end
    end
  end
  // Corrupt: bad header, a bad record met, or records left over once K positions are placed.
  logic corrupt_end;
  assign corrupt_end = hdr_bad || bad_q || 32'(r_q) < nrec;

  // ---- checks
  `PNC_F_STREAM(assert, VecStream, vec_valid_o, vec_ready_i, {vec_payload_o, vec_live_o, vec_last_o}, 1'b0)
  logic done;
  assign done = 32'(f_vpos_q) == 32'(k_i);
  always @(*) begin
    if (rst_ni && f_started_q) begin
      KVectors: assert (32'(f_vpos_q) <= 32'(k_i) && !(vec_valid_o && done));
      if (vec_valid_o) begin
        LastOnK: assert (vec_last_o == (32'(f_vpos_q) + 1 == 32'(k_i)));
        LiveAsRef: assert (vec_live_o == exp_live);
        PayloadAsRef: assert (vec_payload_o == (exp_live ? pay : 48'd0));
      end
      SkippedMarks: assert (skipped_o == (vec_fire && !vec_live_o));
      if (err_o) NoWordAfterError: assert (!word_fire);
      if (hdr_bad) BadHeaderOneWord: assert (f_widx_q <= 8'd1);
      else WordBudget: assert (32'(f_widx_q) <= need_words);
      if (!hdr_bad && !bad_q && !rec_bad) NoFalseError: assert (!err_o);
      if (done) begin
        ErrorAsRef: assert (err_o == corrupt_end);
        if (!corrupt_end) AllWordsTaken: assert (32'(f_widx_q) == need_words);
      end
    end
  end

  // ---- induction strengthening: the decoder's state is the reference's
  localparam logic [2:0] StIdle = 3'd0, StHdr = 3'd1, StRec = 3'd2, StTail = 3'd3, StDone = 3'd4;
  logic [31:0] taken;  // stream bytes handed out as items
  logic [MemW-1:0] ahead;  // the stream from the first byte not yet handed out
  assign taken = 32'(f_widx_q) * 8 - 32'(f_cnt);
  assign ahead = f_mem_i >> {taken[6:0], 3'b000};  // a stream is at most 8 + 8 * 6 bytes
  always @(*) begin
    if (rst_ni) begin
      InvWords: assert (f_words == 17'(f_widx_q) && f_pos == 16'(f_vpos_q));
      InvBuf: assert (f_cnt <= 5'd24 && 32'(f_widx_q) * 8 >= 32'(f_cnt) && taken < 32'd128
                      && f_buf == (192'(ahead) & ~({192{1'b1}} << (8 * f_cnt))));
      InvState: assert (f_state <= StDone && (f_started_q == (f_state != StIdle)));
      if (!f_started_q) begin
        InvIdle: assert (f_widx_q == '0 && f_vpos_q == '0 && f_cnt == '0 && !f_err
                         && r_q == '0 && skip_q == '0 && !bad_q);
      end
      // the reference: a record's skipped vectors stay within its run and in front of K
      if (rec_here) begin
        InvRefSkip: assert (skip_q <= run && 32'(skip_q) <= 32'(f_vpos_q) && (skip_q == '0
                            || 32'(f_vpos_q) - 32'(skip_q) + 32'(run) < 32'(k_i)));
      end else begin
        InvRefNoSkip: assert (skip_q == '0);
      end
      if (f_state == StHdr) begin
        InvHdr: assert (f_vpos_q == '0 && r_q == '0 && skip_q == '0 && f_skip == '0 && !bad_q
                        && !f_err && taken == '0 && f_widx_q <= 8'd1);
      end
      if (f_state == StRec) begin
        InvRec: assert (!hdr_bad && !bad_q && !f_err && 32'(r_q) < nrec
                        && 32'(f_rec_left) == nrec - 32'(r_q) && f_skip == skip_q
                        && 32'(f_need) == need_words && taken == 32'd8 + 32'(r_q) * RecB
                        && 32'(f_vpos_q) < 32'(k_i));
      end
      if (f_state == StTail || f_state == StDone) begin
        InvTailErr: assert (f_err == (hdr_bad || bad_q || rec_bad || (f_state == StDone
                                                                     && 32'(r_q) < nrec)));
        if (!f_err) begin
          InvTailGood: assert (!hdr_bad && 32'(r_q) == nrec && taken == 32'd8 + nrec * RecB
                               && 32'(f_need) == need_words);
        end
      end
      if (f_state == StTail) InvTailPos: assert (32'(f_vpos_q) <= 32'(k_i));
      if (f_state == StDone) InvDonePos: assert (32'(f_vpos_q) == 32'(k_i));
      if (f_state != StHdr && f_state != StIdle && !hdr_bad) begin
        InvNeed: assert (32'(f_need) == need_words);
      end
    end
  end

endmodule
