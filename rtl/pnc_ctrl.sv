// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_ctrl: job controller: descriptor check, tile-group loop and read-request sequencing, abort.
//
// Contract
// - start_i (one-cycle pulse from pnc_regs) latches the descriptor; busy_o rises the next cycle
//   and stays up until the cycle of done_o (one-cycle pulse with err_code_o). cfg_* outputs are
//   the latched descriptor, static while busy_o (the datapath samples nothing else).
// - Descriptor check (docs/architecture.md section 5, lowest code wins: BAD_DIM, BAD_MODE,
//   BAD_LO_BITS, BAD_R, MISALIGNED, BAD_RQ): an illegal job reads and writes nothing and ends
//   two cycles after start with done_o and the code.
// - A legal job pulses job_start_o (join and post start their walks of the same tile groups)
//   and walks the tile groups `for ng: for mb` of section 4 (pnc_loop_nest). Per group it
//   requests, on its own read stream each: the activation LO plane (K*b bytes) and HO stream of
//   block mb; for every active PEA p (weight block nb = ng*NumPea + p) its weight LO plane
//   (K*Lw bytes) and HO stream; and, with bias_en, the 8 biases of every active PEA (32 bytes
//   each, in p order, on one stream).
//   An HO stream is read in two requests: its 8-byte header, then (n_records > 0) the
//   n_records*(1+L) record bytes. The second request is sized from the header beat, captured as
//   it enters the stream's receive FIFO (AXI_DATA_W = 64: the header is exactly one beat), so no
//   byte beyond the stream's length is ever read. A header with n_vectors != K or n_records > K
//   is STREAM_CORRUPT. The next group's requests are issued once every request of the current
//   group is (they queue behind it in pnc_axi_rd, which runs ahead as far as its FIFOs allow).
// - Weight buffer (WbufBytes != 0, docs/rtl-interfaces.md "Weight buffer integration"): with
//   U = max(align8(K*Lw), align8(8 + 5K)), the job fits when U <= WbufBytes/2 (wb_fits_o, static
//   per job) and uses two slots when U <= WbufBytes/4. Then the weight LO plane and HO stream of
//   each active PEA are requested once per n-group (a "unit", with a LOAD command, wb_load_o[p]
//   and its slot, to that PEA's pnc_wbuf): two slots: the first n-group's unit and then the
//   second's in the first group, and in the first group of every later n-group the unit of the
//   NEXT n-group (a prefetch into the other slot; slot = n-group parity); one slot: the
//   n-group's own unit in its first group (slot 0). Every group sends each active PEA a PLAY
//   (wb_play_o[p], slot, last = last m-block). Commands count in the group's issue. Weight
//   streams are then low priority on the read bus (req_low_o). Without a fit every group
//   requests the weight streams (no commands). Biases are fetched every group.
// - Normal end: every request issued, post_done_i (every tile and header written) and
//   wr_idle_i (every B response back) -> done_o with ERR_OK.
// - Errors (rd_err_i: AXI_RD_ERR, wr_err_i: AXI_WR_ERR, stream_err_i or a bad header:
//   STREAM_CORRUPT; the first one wins): abort_o rises and stays up while the controller stops
//   creating requests (a request already presented is held until accepted), top discards every
//   read beat, post completes any write burst it has started (zero strobes) and issues no more.
//   When no request is pending, every issued request has returned its last beat, post_idle_i
//   and wr_idle_i, dp_clear_o pulses for one cycle (soft reset of the PEAs, join and post) and
//   done_o follows with the error code. The next job starts from a clean datapath.
// - Stream indices (req_*/rd_*): 0 act LO, 1 act HO, 2+p wt LO of PEA p, 2+NumPea+p wt HO of
//   PEA p, 2+2*NumPea bias.

`include "pnc_assert.svh"

module pnc_ctrl #(
    parameter  int NumPea    = pnc_pkg::NUM_PEA,
    parameter  int WbufBytes = pnc_pkg::WBUF_BYTES,  // weight buffer bytes per PEA (0: none)
    localparam int NS        = 3 + 2 * NumPea,
    localparam int NH        = 1 + NumPea,           // HO streams: activation + one per PEA
    localparam int DW        = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,

    // Descriptor (plain register outputs of pnc_regs, sampled at start_i)
    input logic [15:0] m_i,
    input logic [15:0] n_i,
    input logic [15:0] k_i,
    input logic [ 1:0] skip_i,
    input logic        sbr_i,
    input logic        bias_en_i,
    input logic [ 1:0] out_fmt_i,
    input logic [ 7:0] z_i,
    input logic [ 7:0] r_i,
    input logic [ 3:0] b_i,
    input logic [ 7:0] zo_i,
    input logic [ 7:0] out_r_i,
    input logic [ 3:0] out_b_i,
    input logic [30:0] mult_i,
    input logic [ 5:0] shift_i,
    input logic [31:0] act_lo_addr_i,
    input logic [31:0] act_ho_addr_i,
    input logic [31:0] wt_lo_addr_i,
    input logic [31:0] wt_ho_addr_i,
    input logic [31:0] bias_addr_i,
    input logic [31:0] out_addr_i,
    input logic [31:0] out_ho_addr_i,

    // Job control
    input  logic       start_i,
    output logic       busy_o,
    output logic       done_o,
    output logic [7:0] err_code_o,

    // Latched job configuration for the datapath
    output logic [15:0] cfg_m_o,
    output logic [15:0] cfg_n_o,
    output logic [15:0] cfg_k_o,
    output logic        cfg_dense_o,
    output logic        cfg_sbr_o,
    output logic        cfg_bias_en_o,
    output logic [ 1:0] cfg_out_fmt_o,
    output logic [ 7:0] cfg_z_o,
    output logic [ 4:0] cfg_r_eff_o,
    output logic [ 2:0] cfg_b_o,
    output logic [ 7:0] cfg_zo_o,
    output logic [ 4:0] cfg_out_r_o,
    output logic [ 2:0] cfg_out_b_o,
    output logic [30:0] cfg_mult_o,
    output logic [ 5:0] cfg_shift_o,
    output logic [31:0] cfg_out_addr_o,
    output logic [31:0] cfg_out_ho_addr_o,
    output logic        job_start_o,
    output logic        abort_o,
    output logic        dp_clear_o,

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


    // Read data as seen between pnc_axi_rd and its consumers (after top's discard override)
    input logic [NS-1:0] rd_valid_i,
    input logic [NS-1:0] rd_ready_i,
    input logic [NS-1:0] rd_last_i,
    // R beats as they enter pnc_axi_rd's receive FIFOs (header capture)
    input logic [NS-1:0] in_push_i,
    input logic [NS-1:0] in_last_i,
    input logic [DW-1:0] in_data_i,

    // Error and completion sources
    input logic rd_err_i,
    input logic wr_err_i,
    input logic stream_err_i,
    input logic post_done_i,
    input logic post_idle_i,
    input logic wr_idle_i
);

  `PNC_STATIC_ASSERT(BusIs64, DW == 64)
  `PNC_STATIC_ASSERT(NumPeaLegal, NumPea >= 1 && NumPea <= 16)

  localparam int SActLo = 0;
  localparam int SActHo = 1;
  localparam int SWtLo = 2;
  localparam int SWtHo = 2 + NumPea;
  localparam int SBias = 2 + 2 * NumPea;
  localparam int PeaW = $clog2(NumPea + 1);
  localparam int CntW = 8;  // outstanding-request counters (a few requests per stream)

  // ---- latched descriptor
  logic [15:0] m_q, n_q, k_q;
  logic [1:0] skip_q, fmt_q;
  logic sbr_q, bias_en_q;
  logic [7:0] z_q, r_q, zo_q, out_r_q;
  logic [3:0] b_q, out_b_q;
  logic [30:0] mult_q;
  logic [ 5:0] shift_q;
  logic [31:0] act_lo_q, act_ho_q, wt_lo_q, wt_ho_q, bias_q, out_q, out_ho_q;

  // Why: the descriptor registers may be rewritten by the host while a job runs.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      m_q <= '0;
      n_q <= '0;
      k_q <= '0;
      skip_q <= '0;
      fmt_q <= '0;
      sbr_q <= 1'b0;
      bias_en_q <= 1'b0;
      z_q <= '0;
      r_q <= '0;
      zo_q <= '0;
      out_r_q <= '0;
      b_q <= '0;
      out_b_q <= '0;
      mult_q <= '0;
      shift_q <= '0;
      act_lo_q <= '0;
      act_ho_q <= '0;
      wt_lo_q <= '0;
      wt_ho_q <= '0;
      bias_q <= '0;
      out_q <= '0;
      out_ho_q <= '0;
    end else if (start_i && !busy_o) begin
      m_q <= m_i;
      n_q <= n_i;
      k_q <= k_i;
      skip_q <= skip_i;
      fmt_q <= out_fmt_i;
      sbr_q <= sbr_i;
      bias_en_q <= bias_en_i;
      z_q <= z_i;
      r_q <= r_i;
      zo_q <= zo_i;
      out_r_q <= out_r_i;
      b_q <= b_i;
      out_b_q <= out_b_i;
      mult_q <= mult_i;
      shift_q <= shift_i;
      act_lo_q <= act_lo_addr_i;
      act_ho_q <= act_ho_addr_i;
      wt_lo_q <= wt_lo_addr_i;
      wt_ho_q <= wt_ho_addr_i;
      bias_q <= bias_addr_i;
      out_q <= out_addr_i;
      out_ho_q <= out_ho_addr_i;
    end
  end

  // ---- descriptor check (combinational on the latched fields)
  logic       is_rle;
  logic [7:0] desc_err;
  logic [8:0] r_max, out_r_max;
  assign is_rle    = fmt_q == 2'(pnc_pkg::FMT_UINT8_RLE);
  assign r_max     = (9'd1 << (4'd8 - b_q)) - 9'd1;
  assign out_r_max = (9'd1 << (4'd8 - out_b_q)) - 9'd1;

  // Why: one priority chain so the lowest applicable error code wins, as in the model.
  always_comb begin
    desc_err = pnc_pkg::ERR_OK;
    if (m_q == 0 || n_q == 0 || k_q == 0 || m_q > 16'(pnc_pkg::MAX_DIM)
        || n_q > 16'(pnc_pkg::MAX_DIM) || k_q > 16'(pnc_pkg::MAX_DIM)) begin
      desc_err = pnc_pkg::ERR_BAD_DIM;
    end else if (skip_q == 2'd3 || fmt_q == 2'd3) begin
      desc_err = pnc_pkg::ERR_BAD_MODE;
    end else if (b_q < 4'd3 || b_q > 4'd5 || (is_rle && (out_b_q < 4'd3 || out_b_q > 4'd5))) begin
      desc_err = pnc_pkg::ERR_BAD_LO_BITS;
    end else if ((skip_q == 2'(pnc_pkg::SKIP_AQS) && 9'(r_q) > r_max)
                 || (is_rle && 9'(out_r_q) > out_r_max)) begin
      desc_err = pnc_pkg::ERR_BAD_R;
    end else if (act_lo_q[2:0] != 0 || act_ho_q[2:0] != 0 || wt_lo_q[2:0] != 0
                 || wt_ho_q[2:0] != 0 || out_q[2:0] != 0 || (bias_en_q && bias_q[2:0] != 0)
                 || (is_rle && out_ho_q[2:0] != 0)) begin
      desc_err = pnc_pkg::ERR_MISALIGNED;
    end else if (fmt_q != 2'(pnc_pkg::FMT_INT32)
                 && (mult_q == 0 || shift_q == 0 || shift_q > 6'd62)) begin
      desc_err = pnc_pkg::ERR_BAD_RQ;
    end
  end

  // ---- derived job geometry (valid once the descriptor passed the check)
  logic [2:0] lw;  // weight LO bytes per vector
  logic [2:0] act_hl;  // activation HO payload bytes per vector (8 - b)
  logic [23:0] act_lo_len, wt_lo_len;
  logic [23:0] act_lo_stride, act_ho_stride, wt_lo_stride, wt_ho_stride;

  function automatic logic [23:0] align8(logic [23:0] v);
    align8 = (v + 24'd7) & ~24'd7;
  endfunction

  assign lw            = sbr_q ? 3'd5 : 3'd4;
  assign act_hl        = 3'(4'd8 - b_q);
  assign act_lo_len    = 24'(k_q) * 24'(b_q[2:0]);
  assign wt_lo_len     = 24'(k_q) * 24'(lw);
  assign act_lo_stride = align8(act_lo_len);
  assign act_ho_stride = align8(24'd8 + 24'(k_q) * 24'(act_hl + 3'd1));
  assign wt_lo_stride  = align8(wt_lo_len);
  assign wt_ho_stride  = align8(24'd8 + 24'(k_q) * 24'd5);

  // Weight buffer fit (section 3 rule; only latched fields, so static while a job runs): each
  // stream has a bank of WbufBytes/2; a unit (one n-group's stream) fits a bank (wfit), or half
  // of one (wdbl: two slots, the next n-group is loaded while the current one plays).
  logic wfit, wdbl;
  logic [23:0] wt_unit_max;
  assign wt_unit_max = (wt_lo_stride > wt_ho_stride) ? wt_lo_stride : wt_ho_stride;
  assign wfit = (WbufBytes != 0) && (32'(wt_unit_max) <= 32'(WbufBytes / 2));
  assign wdbl = wfit && (32'(wt_unit_max) <= 32'(WbufBytes / 4));

  // ---- main FSM
  typedef enum logic [2:0] {
    StIdle,
    StCheck,
    StRun,
    StAbort,
    StClear,
    StDone
  } state_e;
  state_e state_q, state_d;
  logic [7:0] err_q, err_d;

  // ---- group sequencer state
  logic            seq_load_q;  // load the request flags of the current group
  logic            seq_busy_q;  // a group's requests are being issued
  logic            seq_end_q;  // every group's requests issued
  logic [     9:0] mb;
  logic            last_mb;  // the group is the last m-block of its n-group
  logic            last_group;  // the group is the job's last
  logic [PeaW-1:0] n_act;  // active PEAs of the current group
  logic [PeaW-1:0] n_act_next;  // active PEAs of the next n-group (0: none)
  logic            ng_odd;  // parity of the current n-group (its weight buffer slot)
  logic            ng_first;  // the current n-group is the first
  logic seq_start, seq_next;
  logic [31:0] act_lo_ptr_q, act_ho_ptr_q, wt_lo_ng_q, wt_ho_ng_q, bias_ng_q;

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
      .m_i         (m_q),
      .n_i         (n_q),
      .start_i     (seq_start),
      .next_i      (seq_next),
      .mb_o        (mb),
      .last_mb_o   (last_mb),
      /* verilator lint_off PINCONNECTEMPTY */
      .nb_base_o   (),
      /* verilator lint_on PINCONNECTEMPTY */
      .n_act_o     (n_act),
      .n_act_next_o(n_act_next),
      .first_ng_o  (ng_first),
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
  logic [NH-1:0][23:0] hdr_rest;
  for (genvar h = 0; h < NH; h++) begin : gen_peek
    localparam int S = (h == 0) ? SActHo : SWtHo + h - 1;
    logic [31:0] n_rec, n_vec;
    logic [2:0] rec_bytes_m1;  // L: record bytes - 1
    assign n_rec        = in_data_i[31:0];
    assign n_vec        = in_data_i[63:32];
    assign rec_bytes_m1 = (h == 0) ? act_hl : 3'd4;
    assign hdr_seen[h]  = wait_hdr_q[h] && in_push_i[S] && (in_retired_q[h] == hdr_idx_q[h]);
    assign hdr_bad[h]   = (n_vec != 32'(k_q)) || (n_rec > 32'(k_q));
    assign hdr_rest[h]  = 24'(n_rec[15:0]) * 24'(rec_bytes_m1 + 3'd1);
  end

  logic hdr_corrupt;
  assign hdr_corrupt = state_q == StRun && |(hdr_seen & hdr_bad);

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
      req_addr_o[ho_sidx(h)]  = pend_rest_q[h] ? ho_addr[h] + 32'd8 : ho_addr[h];
      req_len_o[ho_sidx(h)]   = pend_rest_q[h] ? rest_len_q[h] : 24'd8;
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
    group_issued = bias_left_q == '0 && wp_pend_q == '0 && !pend_lo_q[0] && !pend_hdr_q[0]
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
  assign allow_new = state_q == StRun && !hdr_corrupt;
  // The group loop starts with the job and advances when the group's requests are issued.
  assign seq_start = state_q == StCheck && desc_err == pnc_pkg::ERR_OK;
  assign seq_next  = !seq_start && !seq_load_q && seq_busy_q && group_issued && allow_new;

  // Why: per stream flags walk each request through pending -> accepted (-> header seen ->
  // rest pending -> accepted); the group advances when all its streams are through.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      seq_load_q   <= 1'b0;
      seq_busy_q   <= 1'b0;
      seq_end_q    <= 1'b0;
      act_lo_ptr_q <= '0;
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
        if (req_fire[lo_sidx(h)]) pend_lo_q[h] <= 1'b0;
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
      // Second unit of a stream (first n-group, two slots): the next n-group's streams follow
      // once the first unit's requests and LOAD are out.
      for (int h = 1; h < NH; h++) begin
        if (!allow_new) begin
          more_q[h] <= 1'b0;
        end else if (more_q[h] && !pend_lo_q[h] && !pend_hdr_q[h] && !wait_hdr_q[h]
                     && !pend_rest_q[h] && !wl_pend_q[h-1]) begin
          more_q[h]      <= 1'b0;
          uoff_q[h]      <= 1'b1;
          pend_lo_q[h]   <= 1'b1;
          pend_hdr_q[h]  <= 1'b1;
          wl_pend_q[h-1] <= 1'b1;
          wl_slot_q[h-1] <= !ng_odd;
        end
      end
      if (req_fire[SBias]) begin
        bias_left_q <= allow_new ? bias_left_q - PeaW'(1) : '0;
        bias_ptr_q  <= bias_ptr_q + 32'd32;
      end

      if (seq_start) begin
        seq_load_q   <= 1'b1;
        seq_busy_q   <= 1'b0;
        seq_end_q    <= 1'b0;
        act_lo_ptr_q <= act_lo_q;
        act_ho_ptr_q <= act_ho_q;
        wt_lo_ng_q   <= wt_lo_q;
        wt_ho_ng_q   <= wt_ho_q;
        bias_ng_q    <= bias_q;
      end else if (seq_load_q) begin
        seq_load_q <= 1'b0;
        if (allow_new) begin
          seq_busy_q    <= 1'b1;
          pend_lo_q[0]  <= 1'b1;
          pend_hdr_q[0] <= 1'b1;
          // Weight units: every group without the buffer; with it, the n-group's own unit in
          // its first group (the first n-group, or single slot), plus the next n-group's unit
          // (two slots: requested in the current n-group's first group, a prefetch).
          for (int h = 1; h < NH; h++) begin
            if (!wfit) begin
              if (h <= int'(n_act)) begin
                pend_lo_q[h]  <= 1'b1;
                pend_hdr_q[h] <= 1'b1;
                uoff_q[h]     <= 1'b0;
              end
            end else if (mb == '0) begin
              if (!wdbl || ng_first) begin
                if (h <= int'(n_act)) begin
                  pend_lo_q[h]   <= 1'b1;
                  pend_hdr_q[h]  <= 1'b1;
                  uoff_q[h]      <= 1'b0;
                  wl_pend_q[h-1] <= 1'b1;
                  wl_slot_q[h-1] <= wdbl && ng_odd;
                  more_q[h]      <= wdbl && h <= int'(n_act_next);
                end
              end else if (h <= int'(n_act_next)) begin
                pend_lo_q[h]   <= 1'b1;
                pend_hdr_q[h]  <= 1'b1;
                uoff_q[h]      <= 1'b1;
                wl_pend_q[h-1] <= 1'b1;
                wl_slot_q[h-1] <= !ng_odd;
              end
            end
          end
          for (int p = 0; p < NumPea; p++) wp_pend_q[p] <= wfit && p < int'(n_act);
          wp_slot_q   <= wdbl && ng_odd;
          wp_last_q   <= last_mb;
          bias_left_q <= bias_en_q ? n_act : '0;
          bias_ptr_q  <= bias_ng_q;
        end
      end else if (seq_next) begin
        seq_busy_q <= 1'b0;
        if (last_mb) begin
          act_lo_ptr_q <= act_lo_q;
          act_ho_ptr_q <= act_ho_q;
          wt_lo_ng_q   <= wt_lo_ng_q + 32'(NumPea) * 32'(wt_lo_stride);
          wt_ho_ng_q   <= wt_ho_ng_q + 32'(NumPea) * 32'(wt_ho_stride);
          bias_ng_q    <= bias_ng_q + 32'(NumPea * 32);
          if (last_group) seq_end_q <= 1'b1;
          else seq_load_q <= 1'b1;
        end else begin
          act_lo_ptr_q <= act_lo_ptr_q + 32'(act_lo_stride);
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

  // ---- FSM
  logic err_event;
  logic [7:0] err_event_code;
  assign err_event = rd_err_i || wr_err_i || stream_err_i || hdr_corrupt;
  assign err_event_code = rd_err_i ? pnc_pkg::ERR_AXI_RD_ERR
                        : wr_err_i ? pnc_pkg::ERR_AXI_WR_ERR : pnc_pkg::ERR_STREAM_CORRUPT;

  // Why: IDLE -> CHECK -> (RUN -> [ABORT -> CLEAR] ->) DONE; the first error code sticks.
  always_comb begin
    state_d = state_q;
    err_d   = err_q;
    unique case (state_q)
      StIdle:  if (start_i) state_d = StCheck;
      StCheck: begin
        err_d = desc_err;
        if (desc_err == pnc_pkg::ERR_OK) state_d = StRun;
        else state_d = StDone;
      end
      StRun: begin
        if (err_event) begin
          err_d   = err_event_code;
          state_d = StAbort;
        end else if (seq_end_q && post_done_i && wr_idle_i) begin
          state_d = StDone;
        end
      end
      StAbort: if (reads_quiet && post_idle_i && wr_idle_i) state_d = StClear;
      StClear: state_d = StDone;
      StDone:  state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  // Why: the PEAs check b at every cycle, so their b only ever takes values of legal jobs
  // (reset: DEFAULT_LO_BITS); an illegal descriptor never reaches it.
  logic [2:0] cfg_b_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cfg_b_q <= 3'(pnc_pkg::DEFAULT_LO_BITS);
    else if (job_start_o) cfg_b_q <= b_q[2:0];
  end

  // Why: dp_clear_q is a plain flop (high exactly in StClear) because top derives the
  // datapath's reset from it, which must not glitch.
  logic dp_clear_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      err_q      <= pnc_pkg::ERR_OK;
      dp_clear_q <= 1'b0;
    end else begin
      state_q    <= state_d;
      err_q      <= err_d;
      dp_clear_q <= state_d == StClear;
    end
  end

  assign busy_o            = state_q != StIdle;
  assign done_o            = state_q == StDone;
  assign err_code_o        = err_q;
  assign job_start_o       = state_q == StCheck && desc_err == pnc_pkg::ERR_OK;
  assign abort_o           = state_q == StAbort;
  assign dp_clear_o        = dp_clear_q;
  assign wb_fits_o         = wfit;
  assign wb_load_o         = wl_pend_q;
  assign wb_load_slot_o    = wl_slot_q;
  assign wb_play_o         = wp_pend_q;
  assign wb_play_slot_o    = wp_slot_q;
  assign wb_play_last_o    = wp_last_q;

  assign cfg_m_o           = m_q;
  assign cfg_n_o           = n_q;
  assign cfg_k_o           = k_q;
  assign cfg_dense_o       = skip_q == 2'(pnc_pkg::SKIP_DENSE);
  assign cfg_sbr_o         = sbr_q;
  assign cfg_bias_en_o     = bias_en_q;
  assign cfg_out_fmt_o     = fmt_q;
  assign cfg_z_o           = z_q;
  assign cfg_r_eff_o       = (skip_q == 2'(pnc_pkg::SKIP_AQS)) ? r_q[4:0] : 5'd0;
  assign cfg_b_o           = cfg_b_q;
  assign cfg_zo_o          = zo_q;
  assign cfg_out_r_o       = out_r_q[4:0];
  assign cfg_out_b_o       = out_b_q[2:0];
  assign cfg_mult_o        = mult_q;
  assign cfg_shift_o       = shift_q;
  assign cfg_out_addr_o    = out_q;
  assign cfg_out_ho_addr_o = out_ho_q;

  // Waiver: r/out_r bits above the 5-bit residual range are rejected by the check (BAD_R) or
  // unused (r outside AQS); the unused-bits sink keeps lint quiet.
  logic unused_bits;
  assign unused_bits = ^{r_q[7:5], out_r_q[7:5], b_q[3], out_b_q[3]};

  // ---- assertions
  for (genvar s = 0; s < NS; s++) begin : gen_req_assert
    `PNC_ASSERT_STREAM(ReqStream, req_valid_o[s], req_ready_i[s], {req_addr_o[s], req_len_o[s]})
  end
  `PNC_ASSERT(DoneNeedsBusy, !done_o || busy_o)
  for (genvar p = 0; p < NumPea; p++) begin : gen_wb_assert
    `PNC_ASSERT_STREAM_CLR(WbLoadStream, wb_load_o[p], wb_load_ready_i[p], wb_load_slot_o[p],
                           !allow_new)
    `PNC_ASSERT_STREAM_CLR(WbPlayStream, wb_play_o[p], wb_play_ready_i[p], {
                           wb_play_slot_o, wb_play_last_o}, !allow_new)
    `PNC_ASSERT(WbCmdsOnlyBuffered, !(wb_load_o[p] || wb_play_o[p]) || wfit)
  end
  for (genvar s = 0; s < NS; s++) begin : gen_align_assert
    `PNC_ASSERT(ReqAligned, !req_valid_o[s] || (req_addr_o[s][2:0] == 3'd0 && req_len_o[s] != 0))
  end

endmodule : pnc_ctrl
