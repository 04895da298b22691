// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_rle_dec against an abstract reference decoder, for K <= MaxK.
//
// The solver picks the whole stream (f_mem_i, the bytes at the stream's base and after it:
// header, records, then whatever the next stream holds) and the handshake timing. The reference
// below decodes the bytes as docs/architecture.md section 3 defines the HO stream format:
//   header: u32 n_records, u32 n_vectors; then n_records records {u8 run, L payload bytes};
//   each record places `run` skipped vectors and then one live vector with its payload;
//   positions after the last record are skipped; STREAM_CORRUPT if n_vectors != K,
//   n_records > K, a run above RUN_MAX, or a record at or beyond K.
// Asserted:
//   - exactly K vectors per stream; vector k is live with the record's payload exactly where the
//     reference places a record, skipped (live 0, payload 0) elsewhere; vec_last_o on k = K-1;
//     skipped_o marks every skipped vector transferred;
//   - good stream: err_o stays 0, and the decoder takes exactly ceil((8 + n_records*(1+L)) / 8)
//     words, never one more (the next stream's words stay on the bus);
//   - corrupt stream: err_o is 1 once the K vectors are out, and vectors before the first bad
//     record still match the reference;
//   - vec_* obeys the stream rule; plus every run-time check the RTL carries.
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   E1  one stream: start_i pulses once, in the first cycle after reset (the contract's "start_i
//       begins a stream"; restarts are the same walk from the same cleared state).
//   E2  K = k_i in 1..MaxK and L = lanes_bits_i in 3..5, both static (the contract; MaxK bounds
//       the proof, see README).
//   E3  word_* delivers the stream's 8-byte words in order (word i = bytes 8i..8i+7 of f_mem_i)
//       and obeys the stream rule (held until ready, data stable).
`include "pnc_formal.svh"

module pnc_rle_dec_props #(
    parameter  int MaxK  = 8,
    localparam int DW    = pnc_pkg::AXI_DATA_W,
    localparam int Words = (8 + MaxK * 6 + 7) / 8 + 1,  // the longest stream, plus one word
    localparam int MemW  = Words * 64
) (
    input logic          clk_i,
    input logic          rst_ni,
    input logic          start_i,
    input logic [  15:0] k_i,
    input logic [   2:0] lanes_bits_i,
    input logic          word_valid_i,
    input logic [DW-1:0] word_data_i,
    input logic          vec_ready_i,
    input logic [MemW-1:0] f_mem_i  // the bytes from the stream base on (held)
);
  `PNC_F_RESET

  localparam int RunMax = (1 << pnc_pkg::RUN_BITS) - 1;

  logic word_ready, vec_valid, vec_live, vec_last, err, skipped;
  logic [47:0] vec_payload;

  pnc_rle_dec #(
      .RUN_BITS(pnc_pkg::RUN_BITS),
      .DW      (DW)
  ) u_dut (
      .clk_i,
      .rst_ni,
      .start_i,
      .k_i,
      .lanes_bits_i,
      .word_valid_i,
      .word_ready_o (word_ready),
      .word_data_i,
      .vec_valid_o  (vec_valid),
      .vec_ready_i,
      .vec_payload_o(vec_payload),
      .vec_live_o   (vec_live),
      .vec_last_o   (vec_last),
      .err_o        (err),
      .skipped_o    (skipped)
  );

  // ---- environment
  logic [MemW-1:0] f_mem_q;
  logic [15:0] k_q;
  logic [2:0] l_q;
  always_ff @(posedge clk_i) begin
    f_mem_q <= f_mem_i;
    k_q <= k_i;
    l_q <= lanes_bits_i;
  end
  logic word_fire, vec_fire;
  logic [7:0] f_widx_q;  // words taken since start
  assign word_fire = word_valid_i && word_ready;
  assign vec_fire  = vec_valid && vec_ready_i;
  always @(*) begin
    E1_StartOnce: assume (start_i == (rst_ni && f_past_q && !f_started_q));
    E2_K: assume (k_i >= 16'd1 && k_i <= 16'(MaxK));
    E2_L: assume (lanes_bits_i >= 3'd3 && lanes_bits_i <= 3'd5);
    if (f_past_q) begin
      E2_Static: assume (k_i == k_q && lanes_bits_i == l_q);
      E3_MemHeld: assume (f_mem_i == f_mem_q);
    end
    if (word_valid_i) E3_InOrder: assume (32'(f_widx_q) < Words
                                           && word_data_i == f_mem_i[64*f_widx_q+:64]);
  end
  `PNC_F_STREAM(assume, E3_Word, word_valid_i, word_ready, word_data_i, 1'b0)

  logic f_started_q;
  logic [7:0] f_vpos_q;  // vectors transferred
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_started_q <= 1'b0;
      f_widx_q <= '0;
      f_vpos_q <= '0;
    end else begin
      if (start_i) f_started_q <= 1'b1;
      f_widx_q <= f_widx_q + 8'(word_fire);
      f_vpos_q <= f_vpos_q + 8'(vec_fire);
    end
  end

  // ---- reference decoder (combinational over the chosen bytes)
  function automatic logic [7:0] byte_at(logic [MemW-1:0] mem, int unsigned i);
    byte_at = mem[8*i+:8];
  endfunction

  logic [31:0] nrec, nvec;
  logic corrupt;
  logic [MaxK-1:0] live;
  logic [MaxK-1:0][47:0] pay;
  logic [MaxK-1:0] good_before;  // position k is decided before the first bad record
  int unsigned need_words;
  always @(*) begin
    int unsigned pos, off, len;
    logic stop;
    nrec = {byte_at(f_mem_i, 3), byte_at(f_mem_i, 2), byte_at(f_mem_i, 1), byte_at(f_mem_i, 0)};
    nvec = {byte_at(f_mem_i, 7), byte_at(f_mem_i, 6), byte_at(f_mem_i, 5), byte_at(f_mem_i, 4)};
    len = 32'(lanes_bits_i);
    corrupt = (nvec != 32'(k_i)) || (nrec > 32'(k_i));
    live = '0;
    pay = '0;
    good_before = corrupt ? '0 : '1;
    pos = 0;
    stop = corrupt;
    for (int r = 0; r < MaxK; r++) begin
      off = 8 + r * (1 + len);
      if (!stop && 32'(r) < nrec) begin
        if (32'(byte_at(f_mem_i, off)) > RunMax || pos + 32'(byte_at(f_mem_i, off)) >= 32'(k_i))
        begin
          corrupt = 1'b1;
          stop = 1'b1;
          for (int k = 0; k < MaxK; k++) if (32'(k) >= pos) good_before[k] = 1'b0;
        end else begin
          pos = pos + 32'(byte_at(f_mem_i, off));
          for (int k = 0; k < MaxK; k++) begin
            if (32'(k) == pos) begin
              live[k] = 1'b1;
              for (int b = 0; b < 5; b++) begin
                if (32'(b) < len) pay[k][8*b+:8] = byte_at(f_mem_i, off + 1 + b);
              end
            end
          end
          pos = pos + 1;
        end
      end
    end
    need_words = (8 + nrec * (1 + len) + 7) / 8;
  end

  // ---- checks
  `PNC_F_STREAM(assert, VecStream, vec_valid, vec_ready_i, {vec_payload, vec_live, vec_last}, 1'b0)
  logic [2:0] vp;
  assign vp = f_vpos_q[2:0];
  always @(*) begin
    if (rst_ni && f_started_q) begin
      KVectors: assert (32'(f_vpos_q) <= 32'(k_i) && (!vec_valid || 32'(f_vpos_q) < 32'(k_i)));
      if (vec_valid && 32'(f_vpos_q) < 32'(k_i)) begin
        LastOnK: assert (vec_last == (32'(f_vpos_q) + 1 == 32'(k_i)));
        if (good_before[vp]) begin
          LiveAsRef: assert (vec_live == live[vp]);
          PayloadAsRef: assert (vec_payload == (live[vp] ? pay[vp] : 48'd0));
        end
      end
      SkippedMarks: assert (skipped == (vec_fire && !vec_live));
      if (!corrupt) begin
        NoFalseError: assert (!err);
        WordBudget: assert (32'(f_widx_q) <= need_words);
        if (32'(f_vpos_q) == 32'(k_i)) AllWordsTaken: assert (32'(f_widx_q) == need_words);
      end else if (32'(f_vpos_q) == 32'(k_i)) begin
        ErrorRaised: assert (err);
      end
    end
  end

endmodule
