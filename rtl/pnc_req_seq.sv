// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_req_seq: the read-request sequencer of pnc_ctrl: walks the tile groups (pnc_loop_nest) and
// issues every group's read requests and weight-buffer commands.
//
// Contract
// - start_i (job start of a legal job) starts the walk; run_i is high while the job runs
//   without error. desc_i is the latched descriptor (static while the job runs).
// - Per group, on its own read stream each: the activation LO plane (K*b bytes) and HO stream
//   of block mb; for every active PEA p (weight block nb = ng*NumPea + p) its weight LO plane
//   (K*Lw bytes) and HO stream; with bias_en, the 8 biases of every active PEA (32 bytes each,
//   in p order, on one stream). Every stream starts on a beat (strides rounded up to B =
//   AXI_DATA_W/8 bytes). An HO stream is read in two requests: its first beat (the 8-byte
//   header, and at B > 8 the first B-8 record bytes), then the rest of its
//   8 + n_records*(1+L) bytes from the second beat on, if any, sized from the header captured
//   as the first beat enters the stream's receive FIFO (in_*), so no beat beyond the stream's
//   length is ever read. With row_q the activation LO stream first gets the m-block's row
//   vector (16 bytes at ROWQ_ADDR + align_B(16)*mb), then the plane. The next
//   group's requests are issued once every request of the current group is (see below for
//   buffered weights).
// - Loop nest (pnc_loop_nest): `for m-tile: for ng: for mb in m-tile`, m-tiles of desc mt
//   m-blocks (mt = 0: one m-tile of all MB, i.e. `for ng: for mb`).
// - Activation buffer (pnc_abuf, docs/rtl-interfaces.md "Activation buffer integration"):
//   ab_en_o = desc mt != 0 (the descriptor check guarantees the fit). Every group then sends one
//   command: LOAD in the m-tile's first n-group (the activation streams are requested as above
//   and stored), PLAY in the others (no activation request: the buffer plays the stored unit);
//   ab_cmd_first_o marks the m-tile's first m-block. ab_lo_words_o / ab_ho_stride_o are the
//   worst-case unit sizes in words (row vector and LO plane; HO stream with K records).
// - Weight buffer (docs/rtl-interfaces.md "Weight buffer integration"): wb_fits_o when
//   U = max(align_B(K*Lw), align_B(8 + 5K)) <= WbufBytes/2, two slots when U <= WbufBytes/4; the
//   weight streams are then requested once per n-group of every m-tile with a LOAD (the next
//   n-group's of the same m-tile as a low-priority prefetch, req_low_o: with two slots in the
//   current n-group's first group, the slot alternating with every n-group walked; with one
//   slot in its last group, the buffer refilling slot 0 behind that group's PLAY), and every
//   group sends each active PEA a PLAY.
// - hdr_corrupt_o: a header with n_vectors != K or n_records > K arrived while running
//   (STREAM_CORRUPT). Without run_i (or with hdr_corrupt_o) no request or command is created;
//   one already presented is held until accepted.
// - end_o: every group's requests are issued. quiet_o: no request presented and every accepted
//   request has delivered its last beat (rd_*, after top's discard override).
// - Stream indices (req_*/rd_*): 0 act LO, 1 act HO, 2+p wt LO of PEA p, 2+NumPea+p wt HO of
//   PEA p, 2+2*NumPea bias.

`include "pnc_assert.svh"

`include "pnc_types.svh"

module pnc_req_seq #(
    parameter  int NumPea    = pnc_pkg::NUM_PEA,
    parameter  int WbufBytes = pnc_pkg::WBUF_BYTES,  // weight buffer bytes per PEA (0: none)
    localparam int NS        = 3 + 2 * NumPea,
    localparam int NH        = 1 + NumPea,           // HO streams: activation + one per PEA
    localparam int DW        = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,

    input `PNC_DESC_T desc_i,
    input logic start_i,
    input logic run_i,
    output logic hdr_corrupt_o,
    output logic end_o,
    output logic quiet_o,

    // Read requests to pnc_axi_rd
    output logic [NS-1:0]       req_valid_o,
    input  logic [NS-1:0]       req_ready_i,
    output logic [NS-1:0][31:0] req_addr_o,
    output logic [NS-1:0][23:0] req_len_o,
    output logic [NS-1:0]       req_low_o,    // low priority: a prefetch of the next n-group

    // Weight buffer commands (one pnc_wbuf per PEA)
    output logic              wb_fits_o,        // the job's weight streams are buffered
    output logic [NumPea-1:0] wb_load_o,        // LOAD of the next unit, per PEA
    input  logic [NumPea-1:0] wb_load_ready_i,
    output logic [NumPea-1:0] wb_load_slot_o,
    output logic [NumPea-1:0] wb_play_o,        // PLAY of the current group, per PEA
    input  logic [NumPea-1:0] wb_play_ready_i,
    output logic              wb_play_slot_o,
    output logic              wb_play_last_o,

    // Activation buffer (pnc_abuf)
    output logic        ab_en_o,         // the job holds m-tiles in the buffer (mt != 0)
    output logic [15:0] ab_lo_words_o,   // words of one LO unit (row vector and LO plane)
    output logic [15:0] ab_ho_stride_o,  // words of the worst-case HO unit
    output logic [ 3:0] ab_rec_bytes_o,  // bytes of one activation HO record (9 - b)
    output logic        ab_cmd_valid_o,  // the group's LOAD or PLAY
    input  logic        ab_cmd_ready_i,
    output logic        ab_cmd_load_o,
    output logic        ab_cmd_first_o,

    // Read data as seen between pnc_axi_rd and its consumers (after top's discard override)
    input logic [NS-1:0] rd_valid_i,
    input logic [NS-1:0] rd_ready_i,
    input logic [NS-1:0] rd_last_i,
    // R beats as they enter pnc_axi_rd's receive FIFOs (header capture)
    input logic [NS-1:0] in_push_i,
    input logic [NS-1:0] in_last_i,
    input logic [DW-1:0] in_data_i
);

  `PNC_STATIC_ASSERT(BusLegal, DW == 64 || DW == 128 || DW == 256)
  `PNC_STATIC_ASSERT(NumPeaLegal, NumPea >= 1 && NumPea <= 16)

  localparam int SActLo = 0;
  localparam int SActHo = 1;
  localparam int SWtLo = 2;
  localparam int SWtHo = 2 + NumPea;
  localparam int SBias = 2 + 2 * NumPea;
  localparam int PeaW = $clog2(NumPea + 1);
  localparam int CntW = 8;  // outstanding-request counters (a few requests per stream)
  localparam int RowqBytes = 2 * pnc_pkg::V;  // row vector of one m-block: {z, r} per row
  localparam int BeatBytes = DW / 8;
  localparam int BeatW = $clog2(BeatBytes);
  localparam int RowqStride = (RowqBytes + BeatBytes - 1) / BeatBytes * BeatBytes;

  // ---- derived job geometry (valid once the descriptor passed the check)
  logic [2:0] lw;  // weight LO bytes per vector
  logic [2:0] act_hl;  // activation HO payload bytes per vector (8 - b)
  logic [23:0] act_lo_len, wt_lo_len;
  logic [23:0] act_lo_stride, act_ho_stride, wt_lo_stride, wt_ho_stride;

  // Stream strides: whole beats, so every stream starts on one.
  function automatic logic [23:0] align_beat(logic [23:0] v);
    align_beat = (v + 24'(BeatBytes - 1)) & ~(24'(BeatBytes - 1));
  endfunction

  assign lw            = desc_i.sbr ? 3'd5 : 3'd4;
  assign act_hl        = 3'(4'd8 - desc_i.b);
  assign act_lo_len    = 24'(desc_i.k) * 24'(desc_i.b[2:0]);
  assign wt_lo_len     = 24'(desc_i.k) * 24'(lw);
  assign act_lo_stride = align_beat(act_lo_len);
  assign act_ho_stride = align_beat(24'd8 + 24'(desc_i.k) * 24'(act_hl + 3'd1));
  assign wt_lo_stride  = align_beat(wt_lo_len);
  assign wt_ho_stride  = align_beat(24'd8 + 24'(desc_i.k) * 24'd5);

  // Weight buffer fit (section 3 rule; only latched fields, so static while a job runs): each
  // stream has a bank of WbufBytes/2; a unit (one n-group's stream) fits a bank (wfit), or half
  // of one (wdbl: two slots, the next n-group is loaded while the current one plays).
  logic wfit, wdbl;
  logic ab_en;  // activation buffer in use (descriptor mt != 0)
  assign ab_en = desc_i.mt != '0;
  logic [23:0] wt_unit_max;
  assign wt_unit_max = (wt_lo_stride > wt_ho_stride) ? wt_lo_stride : wt_ho_stride;
  assign wfit = (WbufBytes != 0) && (32'(wt_unit_max) <= 32'(WbufBytes / 2));
  assign wdbl = wfit && (32'(wt_unit_max) <= 32'(WbufBytes / 4));

  // ---- group sequencer state
  logic            seq_load_q;  // load the request flags of the current group
  logic            seq_busy_q;  // a group's requests are being issued
  logic            seq_end_q;  // every group's requests issued
  logic            first_mb;  // the group is the first m-block of its m-tile
  logic            last_mb;  // the group is the last m-block of its m-tile (and n-group)
  logic            last_ng;  // the group's n-group is the m-tile's last
  logic            last_group;  // the group is the job's last
  logic [PeaW-1:0] n_act;  // active PEAs of the current group
  logic [PeaW-1:0] n_act_next;  // active PEAs of the next n-group (0: none)
  logic            ng_odd;  // parity of the current n-group (its weight buffer slot)
  logic            ng_first;  // the current n-group is the first
  logic seq_start, seq_next;
  logic [31:0] act_lo_ptr_q, act_ho_ptr_q, wt_lo_ng_q, wt_ho_ng_q, bias_ng_q;
  logic [31:0] rowq_ptr_q;  // row vector of m-block mb (row_q)
  logic [31:0] act_lo_t0_q, act_ho_t0_q, rowq_t0_q;  // the same of the m-tile's first m-block
  logic ab_pend_q, ab_load_q, ab_first_q;  // activation buffer command of the group
  logic pend_row_q;  // row vector request pending, ahead of the activation LO plane

  logic pend_lo_q[NH];  // LO plane request pending (index 0 act, 1+p PEA p)
  logic pend_hdr_q[NH];
  logic wait_hdr_q[NH];
  logic pend_rest_q[NH];
  logic [23:0] rest_len_q[NH];
  logic [CntW-1:0] hdr_idx_q[NH];
  logic [31:0] ho_addr[NH];
  logic [31:0] lo_addr[NH];
  logic [PeaW-1:0] bias_left_q;
  logic [31:0] bias_ptr_q;
  logic uoff_q[NH];  // the stream's current weight unit is the next n-group's (prefetch)
  logic more_q[NH];  // a second weight unit (the next n-group's) follows on the stream
  logic [NumPea-1:0] wl_pend_q, wl_slot_q;  // LOAD command pending, per PEA, and its slot
  logic [NumPea-1:0] wp_pend_q;  // PLAY command of the group pending, per PEA
  logic wp_slot_q, wp_last_q;

  logic [NS-1:0][CntW-1:0] issued_q, retired_q;
  logic [NS-1:0] req_fire, last_fire;

  assign req_fire  = req_valid_o & req_ready_i;
  assign last_fire = rd_valid_i & rd_ready_i & rd_last_i;

  pnc_loop_nest #(
      .NumPea(NumPea)
  ) u_loop (
      .clk_i,
      .rst_ni,
      .desc_i,
      .start_i     (seq_start),
      .next_i      (seq_next),
      .first_mb_o  (first_mb),
      .last_mb_o   (last_mb),
      /* verilator lint_off PINCONNECTEMPTY */
      .mb_o        (),
      .nb_base_o   (),
      /* verilator lint_on PINCONNECTEMPTY */
      .n_act_o     (n_act),
      .n_act_next_o(n_act_next),
      .first_ng_o  (ng_first),
      .last_ng_o   (last_ng),
      .ng_odd_o    (ng_odd),
      .last_o      (last_group)
  );

  // Stream index of LO/HO stream h (0 = activation, 1+p = PEA p).
  function automatic int lo_sidx(int h);
    lo_sidx = (h == 0) ? SActLo : SWtLo + h - 1;
  endfunction
  function automatic int ho_sidx(int h);
    ho_sidx = (h == 0) ? SActHo : SWtHo + h - 1;
  endfunction

  for (genvar h = 0; h < NH; h++) begin : gen_addr
    if (h == 0) begin : gen_act
      assign lo_addr[h] = act_lo_ptr_q;
      assign ho_addr[h] = act_ho_ptr_q;
    end else begin : gen_wt
      assign lo_addr[h] = wt_lo_ng_q + 32'(h - 1 + (uoff_q[h] ? NumPea : 0)) * 32'(wt_lo_stride);
      assign ho_addr[h] = wt_ho_ng_q + 32'(h - 1 + (uoff_q[h] ? NumPea : 0)) * 32'(wt_ho_stride);
    end
  end

  // ---- header capture: the beat of HO stream h arriving from the bus is its header when every
  // earlier request of the stream has delivered its last beat to the receive FIFO (the header
  // request is the next one and is one beat long), so the records are requested while the
  // stream's earlier data is still queued.
  logic [CntW-1:0] in_retired_q[NH];
  // Why: per HO stream, requests whose last beat entered the receive FIFO.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int h = 0; h < NH; h++) in_retired_q[h] <= '0;
    end else begin
      for (int h = 0; h < NH; h++) begin
        if (in_last_i[ho_sidx(h)]) in_retired_q[h] <= in_retired_q[h] + CntW'(1);
      end
    end
  end

  logic [NH-1:0] hdr_seen, hdr_bad;
  logic [NH-1:0][23:0] hdr_rest, hdr_len;
  for (genvar h = 0; h < NH; h++) begin : gen_peek
    localparam int S = (h == 0) ? SActHo : SWtHo + h - 1;
    logic [pnc_pkg::HO_HDR_N_RECORDS_W-1:0] n_rec;
    logic [pnc_pkg::HO_HDR_N_VECTORS_W-1:0] n_vec;
    logic [2:0] rec_bytes_m1;  // L: record bytes - 1
    assign n_rec        = in_data_i[pnc_pkg::HO_HDR_N_RECORDS_LSB+:pnc_pkg::HO_HDR_N_RECORDS_W];
    assign n_vec        = in_data_i[pnc_pkg::HO_HDR_N_VECTORS_LSB+:pnc_pkg::HO_HDR_N_VECTORS_W];
    assign rec_bytes_m1 = (h == 0) ? act_hl : 3'd4;
    assign hdr_seen[h]  = wait_hdr_q[h] && in_push_i[S] && (in_retired_q[h] == hdr_idx_q[h]);
    assign hdr_bad[h]   = (n_vec != 32'(desc_i.k)) || (n_rec > 32'(desc_i.k));
    // Bytes after the first beat (at B = 8 exactly the record bytes).
    assign hdr_rest[h]  = (hdr_len[h] > 24'(BeatBytes)) ? hdr_len[h] - 24'(BeatBytes) : '0;
    assign hdr_len[h]   = 24'd8 + 24'(n_rec[15:0]) * 24'(rec_bytes_m1 + 3'd1);
  end

  logic hdr_corrupt;
  assign hdr_corrupt = run_i && |(hdr_seen & hdr_bad);

  // ---- request outputs
  always_comb begin
    req_valid_o = '0;
    req_addr_o  = '0;
    req_len_o   = '0;
    req_low_o   = '0;
    for (int h = 0; h < NH; h++) begin
      req_low_o[lo_sidx(h)]   = uoff_q[h];
      req_low_o[ho_sidx(h)]   = uoff_q[h];
      req_valid_o[lo_sidx(h)] = pend_lo_q[h];
      req_addr_o[lo_sidx(h)]  = lo_addr[h];
      req_len_o[lo_sidx(h)]   = (h == 0) ? act_lo_len : wt_lo_len;
      req_valid_o[ho_sidx(h)] = pend_hdr_q[h] || pend_rest_q[h];
      req_addr_o[ho_sidx(h)]  = pend_rest_q[h] ? ho_addr[h] + 32'(BeatBytes) : ho_addr[h];
      req_len_o[ho_sidx(h)]   = pend_rest_q[h] ? rest_len_q[h] : 24'd8;
    end
    // The row vector goes first on the activation LO stream (the join takes it before the plane).
    if (pend_row_q) begin
      req_valid_o[SActLo] = 1'b1;
      req_addr_o[SActLo]  = rowq_ptr_q;
      req_len_o[SActLo]   = 24'(RowqBytes);
    end
    req_valid_o[SBias] = bias_left_q != '0;
    req_addr_o[SBias]  = bias_ptr_q;
    req_len_o[SBias]   = 24'd32;
  end

  // The sequencer moves to the next group once the current group's activation and bias
  // requests and PLAY commands are out, and its weight units too unless the next group
  // requests none (buffered job, next group not the first of an n-group): a prefetch unit's
  // header and records then go out while the next groups are issued.
  logic group_issued, wt_issued, next_arms_wt;
  always_comb begin
    group_issued = bias_left_q == '0 && wp_pend_q == '0 && !ab_pend_q && !pend_row_q
                   && !pend_lo_q[0]
                   && !pend_hdr_q[0]
                   && !wait_hdr_q[0] && !pend_rest_q[0];
    wt_issued = wl_pend_q == '0;
    for (int h = 1; h < NH; h++) begin
      if (pend_lo_q[h] || pend_hdr_q[h] || wait_hdr_q[h] || pend_rest_q[h] || more_q[h]) begin
        wt_issued = 1'b0;
      end
    end
    next_arms_wt = !wfit || last_mb;
    if (next_arms_wt && !wt_issued) group_issued = 1'b0;
  end

  logic allow_new;  // new requests may be created (not after an error)
  assign allow_new = run_i && !hdr_corrupt;
  // The group loop starts with the job and advances when the group's requests are issued.
  assign seq_start = start_i;
  assign seq_next  = !seq_start && !seq_load_q && seq_busy_q && group_issued && allow_new;

  // ---- weight unit fetches: the unit of weight stream h starts with both its requests at unit
  // offset u_off (0: the n-group's own unit, 1: the next n-group's, a low-priority prefetch) and,
  // with the buffer, its LOAD into slot u_slot. A group's load starts the n-group's own units
  // (every group without the buffer; with it, the m-tile's first group), or with two slots the
  // next n-group's units in the n-group's first group; a prefetch through more_q (the next
  // n-group's units) follows once the stream's earlier requests and LOAD are out.
  logic grp_load, grp_own;
  logic [PeaW-1:0] grp_units;  // the weight units the group's load starts (streams 1..)
  logic [NH-1:1] more_go, u_go, u_off, u_slot;
  assign grp_load  = !seq_start && seq_load_q && allow_new
                     && (!wfit || (first_mb && (ng_first || wdbl)));
  assign grp_own = !wfit || !wdbl || ng_first;
  assign grp_units = grp_own ? n_act : n_act_next;
  for (genvar h = 1; h < NH; h++) begin : gen_unit
    logic grp_go;  // the group's load starts this unit (the own one with grp_own)
    assign grp_go = grp_load && h <= int'(grp_units);
    assign more_go[h] = allow_new && more_q[h] && !pend_lo_q[h] && !pend_hdr_q[h]
                        && !wait_hdr_q[h] && !pend_rest_q[h] && !wl_pend_q[h-1];
    assign u_go[h] = grp_go || more_go[h];
    assign u_off[h] = !(grp_go && grp_own);
    assign u_slot[h] = wdbl && ((grp_go && grp_own) ? ng_odd : !ng_odd);
  end

  // Why: per stream flags walk each request through pending -> accepted (-> header seen ->
  // rest pending -> accepted); the group advances when all its streams are through.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      seq_load_q   <= 1'b0;
      seq_busy_q   <= 1'b0;
      seq_end_q    <= 1'b0;
      act_lo_ptr_q <= '0;
      rowq_ptr_q   <= '0;
      act_lo_t0_q  <= '0;
      act_ho_t0_q  <= '0;
      rowq_t0_q    <= '0;
      ab_pend_q    <= 1'b0;
      ab_load_q    <= 1'b0;
      ab_first_q   <= 1'b0;
      pend_row_q   <= 1'b0;
      act_ho_ptr_q <= '0;
      wt_lo_ng_q   <= '0;
      wt_ho_ng_q   <= '0;
      bias_ng_q    <= '0;
      bias_left_q  <= '0;
      bias_ptr_q   <= '0;
      wl_pend_q    <= '0;
      wl_slot_q    <= '0;
      wp_pend_q    <= '0;
      wp_slot_q    <= 1'b0;
      wp_last_q    <= 1'b0;
      for (int h = 0; h < NH; h++) begin
        uoff_q[h]      <= 1'b0;
        more_q[h]      <= 1'b0;
        pend_lo_q[h]   <= 1'b0;
        pend_hdr_q[h]  <= 1'b0;
        wait_hdr_q[h]  <= 1'b0;
        pend_rest_q[h] <= 1'b0;
        rest_len_q[h]  <= '0;
        hdr_idx_q[h]   <= '0;
      end
    end else begin
      // Handshakes retire pending requests in every state (a presented request is held).
      for (int h = 0; h < NH; h++) begin
        if (req_fire[lo_sidx(h)] && !(h == 0 && pend_row_q)) pend_lo_q[h] <= 1'b0;
        if (req_fire[ho_sidx(h)]) begin
          if (pend_hdr_q[h]) begin
            pend_hdr_q[h] <= 1'b0;
            wait_hdr_q[h] <= allow_new;
            hdr_idx_q[h]  <= issued_q[ho_sidx(h)];
          end else begin
            pend_rest_q[h] <= 1'b0;
          end
        end
        if (hdr_seen[h] && !hdr_bad[h] && allow_new) begin
          wait_hdr_q[h]  <= 1'b0;
          pend_rest_q[h] <= hdr_rest[h] != '0;
          rest_len_q[h]  <= hdr_rest[h];
        end
        if (!allow_new) wait_hdr_q[h] <= 1'b0;
      end
      wl_pend_q <= allow_new ? wl_pend_q & ~wb_load_ready_i : '0;
      wp_pend_q <= allow_new ? wp_pend_q & ~wb_play_ready_i : '0;
      ab_pend_q <= allow_new && ab_pend_q && !ab_cmd_ready_i;
      for (int h = 1; h < NH; h++) begin
        if (!allow_new || more_go[h]) more_q[h] <= 1'b0;
        if (u_go[h]) begin
          uoff_q[h]     <= u_off[h];
          pend_lo_q[h]  <= 1'b1;
          pend_hdr_q[h] <= 1'b1;
          if (wfit) begin
            wl_pend_q[h-1] <= 1'b1;
            wl_slot_q[h-1] <= u_slot[h];
          end
        end
      end
      if (req_fire[SActLo]) pend_row_q <= 1'b0;
      if (req_fire[SBias]) begin
        bias_left_q <= allow_new ? bias_left_q - PeaW'(1) : '0;
        bias_ptr_q  <= bias_ptr_q + 32'd32;
      end

      if (seq_start) begin
        seq_load_q   <= 1'b1;
        seq_busy_q   <= 1'b0;
        seq_end_q    <= 1'b0;
        act_lo_ptr_q <= desc_i.act_lo_addr;
        act_ho_ptr_q <= desc_i.act_ho_addr;
        rowq_ptr_q   <= desc_i.rowq_addr;
        act_lo_t0_q  <= desc_i.act_lo_addr;
        act_ho_t0_q  <= desc_i.act_ho_addr;
        rowq_t0_q    <= desc_i.rowq_addr;
        wt_lo_ng_q   <= desc_i.wt_lo_addr;
        wt_ho_ng_q   <= desc_i.wt_ho_addr;
        bias_ng_q    <= desc_i.bias_addr;
      end else if (seq_load_q) begin
        seq_load_q <= 1'b0;
        if (allow_new) begin
          seq_busy_q    <= 1'b1;
          // Activation streams over AXI: every group without the activation buffer, else the
          // m-tile's first n-group (LOAD); the other n-groups PLAY them from the buffer.
          pend_row_q    <= desc_i.row_q && (!ab_en || ng_first);
          pend_lo_q[0]  <= !ab_en || ng_first;
          pend_hdr_q[0] <= !ab_en || ng_first;
          ab_pend_q     <= ab_en;
          ab_load_q     <= ng_first;
          ab_first_q    <= first_mb;
          // Weight units start in u_go (above). The next n-group's units follow as a prefetch
          // (more_q): with two slots after the first n-group's own units; with one slot in an
          // n-group's last group (the buffer refills the slot behind that group's PLAY).
          for (int h = 1; h < NH; h++) begin
            if (wfit && u_go[h] && !u_off[h]) begin
              more_q[h] <= (wdbl || last_mb) && h <= int'(n_act_next);
            end else if (wfit && !wdbl && last_mb && !(first_mb && ng_first)
                         && h <= int'(n_act_next)) begin
              more_q[h] <= 1'b1;
            end
          end
          for (int p = 0; p < NumPea; p++) wp_pend_q[p] <= wfit && p < int'(n_act);
          wp_slot_q   <= wdbl && ng_odd;
          wp_last_q   <= last_mb;
          bias_left_q <= desc_i.bias_en ? n_act : '0;
          bias_ptr_q  <= bias_ng_q;
        end
      end else if (seq_next) begin
        seq_busy_q <= 1'b0;
        if (last_mb && !last_ng) begin  // the m-tile again, in the next n-group
          act_lo_ptr_q <= act_lo_t0_q;
          act_ho_ptr_q <= act_ho_t0_q;
          rowq_ptr_q   <= rowq_t0_q;
          wt_lo_ng_q   <= wt_lo_ng_q + 32'(NumPea) * 32'(wt_lo_stride);
          wt_ho_ng_q   <= wt_ho_ng_q + 32'(NumPea) * 32'(wt_ho_stride);
          bias_ng_q    <= bias_ng_q + 32'(NumPea * 32);
          seq_load_q   <= 1'b1;
        end else if (last_mb) begin  // the next m-tile from n-group 0, or the end
          act_lo_ptr_q <= act_lo_ptr_q + 32'(act_lo_stride);
          rowq_ptr_q   <= rowq_ptr_q + 32'(RowqStride);
          act_ho_ptr_q <= act_ho_ptr_q + 32'(act_ho_stride);
          act_lo_t0_q  <= act_lo_ptr_q + 32'(act_lo_stride);
          rowq_t0_q    <= rowq_ptr_q + 32'(RowqStride);
          act_ho_t0_q  <= act_ho_ptr_q + 32'(act_ho_stride);
          wt_lo_ng_q   <= desc_i.wt_lo_addr;
          wt_ho_ng_q   <= desc_i.wt_ho_addr;
          bias_ng_q    <= desc_i.bias_addr;
          if (last_group) seq_end_q <= 1'b1;
          else seq_load_q <= 1'b1;
        end else begin
          act_lo_ptr_q <= act_lo_ptr_q + 32'(act_lo_stride);
          rowq_ptr_q   <= rowq_ptr_q + 32'(RowqStride);
          act_ho_ptr_q <= act_ho_ptr_q + 32'(act_ho_stride);
          seq_load_q   <= 1'b1;
        end
      end
    end
  end

  // Why: per stream, requests accepted minus requests whose last beat left pnc_axi_rd is the
  // number still owed by the bus; an abort waits for all of them.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      issued_q  <= '0;
      retired_q <= '0;
    end else begin
      for (int s = 0; s < NS; s++) begin
        if (req_fire[s]) issued_q[s] <= issued_q[s] + CntW'(1);
        if (last_fire[s]) retired_q[s] <= retired_q[s] + CntW'(1);
      end
    end
  end

  logic reads_quiet;
  always_comb begin
    reads_quiet = req_valid_o == '0;
    for (int s = 0; s < NS; s++) begin
      if (issued_q[s] != retired_q[s]) reads_quiet = 1'b0;
    end
  end


  assign hdr_corrupt_o  = hdr_corrupt;
  assign end_o          = seq_end_q;
  assign quiet_o        = reads_quiet;
  assign wb_fits_o      = wfit;
  assign wb_load_o      = wl_pend_q;
  assign wb_load_slot_o = wl_slot_q;
  assign wb_play_o      = wp_pend_q;
  assign wb_play_slot_o = wp_slot_q;
  assign wb_play_last_o = wp_last_q;
  assign ab_en_o        = ab_en;
  assign ab_lo_words_o  = 16'((act_lo_stride + (desc_i.row_q ? 24'(RowqStride) : '0)) >> BeatW);
  assign ab_ho_stride_o = 16'(act_ho_stride >> BeatW);
  assign ab_rec_bytes_o = 4'(act_hl) + 4'd1;
  assign ab_cmd_valid_o = ab_pend_q;
  assign ab_cmd_load_o  = ab_load_q;
  assign ab_cmd_first_o = ab_first_q;

  // Waiver: the sequencer reads the operand fields of the descriptor only.
  logic unused_desc;
  assign unused_desc = ^desc_i;
  // Waiver: the header is the first 8 bytes of a beat; the rest of a wider beat is records.
  if (DW > 64) begin : gen_unused_hi
    logic unused_in_hi;
    assign unused_in_hi = ^in_data_i[DW-1:64];
  end

  // ---- assertions
  for (genvar s = 0; s < NS; s++) begin : gen_req_assert
    `PNC_ASSERT_STREAM(ReqStream, req_valid_o[s], req_ready_i[s], {req_addr_o[s], req_len_o[s]})
    `PNC_ASSERT(ReqAligned,
                !req_valid_o[s] || (req_addr_o[s][BeatW-1:0] == '0 && req_len_o[s] != 0))
  end
  for (genvar p = 0; p < NumPea; p++) begin : gen_wb_assert
    `PNC_ASSERT_STREAM_CLR(WbLoadStream, wb_load_o[p], wb_load_ready_i[p], wb_load_slot_o[p],
                           !allow_new)
    `PNC_ASSERT_STREAM_CLR(WbPlayStream, wb_play_o[p], wb_play_ready_i[p], {
                           wb_play_slot_o, wb_play_last_o}, !allow_new)
    `PNC_ASSERT(WbCmdsOnlyBuffered, !(wb_load_o[p] || wb_play_o[p]) || wfit)
  end
  `PNC_ASSERT_STREAM_CLR(AbCmdStream, ab_cmd_valid_o, ab_cmd_ready_i, {
                         ab_cmd_load_o, ab_cmd_first_o}, !allow_new)
  `PNC_ASSERT(AbCmdOnlyBuffered, !ab_cmd_valid_o || ab_en)

endmodule : pnc_req_seq
