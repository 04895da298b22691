// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_join: operand front end: turns the read streams of one tile group into PEA k steps.
//
// Contract
// - Owns the operand decoders: pnc_unpack for the activation LO plane (b-byte items) and for
//   every PEA's weight LO plane (Lw-byte items, 5 with SBR, else 4); pnc_rle_dec for the
//   activation HO stream (L = 8-b) and every PEA's weight HO stream (L = 4).
// - start_i (job_start of pnc_ctrl) walks the same loop nest as the controller (pnc_loop_nest):
//   for m-tile, for ng, for mb in m-tile, with n_act = min(NumPea, NB - ng*NumPea) active PEAs.
//   The activation streams of a group arrive the same way whether they come over AXI or are
//   played by the activation buffer (pnc_abuf, in pnc_top). Every group starts
//   with one set-up cycle that clears the LO unpackers and starts the HO decoders of the active
//   streams (the unpackers are also cleared with the pop of their last item, so padding bytes
//   left after a group never stay presented as an item, e.g. across a change of item size); the
//   LO word streams are then let through up to the word marked rd_last (one request per group),
//   and the HO word streams until the group's last step, so leftover padding bytes of one
//   group never mix into the next.
// - Step k of a group is the activation pair (LO item, HO vector) broadcast to every active PEA,
//   joined per PEA with that PEA's weight pair. PEA p takes its step as soon as it is ready and
//   its weight pair is there (PEAs may be at most one step apart); the activation pair retires
//   only when every active PEA has taken it. step_last marks k = K-1.
// - Row vector (desc row_q): each group's activation LO stream starts with the m-block's 16-byte
//   row vector ({z, r} of row i at bytes 2i, 2i+1; two words, the second marked rd_last). The
//   join takes it as soon as the previous group's plane has passed (at job start for the first
//   group), waiting before the group's set-up only if it is late, and drives step_row_z_o /
//   step_row_r_o (r in AQS, else 0) from set-up to the end of the group. Without row_q every
//   lane carries desc z and r_eff_i, and the states and cycles are those of a job without rows.
// - Status: err_o = OR of the decoders' STREAM_CORRUPT flags; act_skip_o / wt_skip_o count the
//   skipped HO vectors handed to the PEAs this cycle; stall_mem_o is high in a cycle where some
//   active PEA still owes the current step and lacks operand data.
// - No abort input: on an error, top withholds the word streams (the join simply stalls) and
//   then resets the join with the datapath reset.

`include "pnc_assert.svh"

`include "pnc_types.svh"

module pnc_join #(
    parameter int NumPea = pnc_pkg::NUM_PEA,
    localparam int DW    = pnc_pkg::AXI_DATA_W,
    localparam int PeaW  = $clog2(NumPea + 1)
) (
    input logic clk_i,
    input logic rst_ni,

    // Configuration (static while a job runs)
    input `PNC_DESC_T       desc_i,   // the latched descriptor (m, n, k, sbr, skip, z, row_q)
    input logic       [2:0] b_i,      // b of the job (pnc_ctrl's cfg_b)
    input logic       [4:0] r_eff_i,  // r_eff of a per-tensor job (pnc_ctrl's cfg_r_eff)
    input logic             start_i,

    // Read word streams from pnc_axi_rd
    input  logic                      act_lo_valid_i,
    output logic                      act_lo_ready_o,
    input  logic [    DW-1:0]         act_lo_data_i,
    input  logic                      act_lo_last_i,
    input  logic                      act_ho_valid_i,
    output logic                      act_ho_ready_o,
    input  logic [    DW-1:0]         act_ho_data_i,
    input  logic [NumPea-1:0]         wt_lo_valid_i,
    output logic [NumPea-1:0]         wt_lo_ready_o,
    input  logic [NumPea-1:0][DW-1:0] wt_lo_data_i,
    input  logic [NumPea-1:0]         wt_lo_last_i,
    input  logic [NumPea-1:0]         wt_ho_valid_i,
    output logic [NumPea-1:0]         wt_ho_ready_o,
    input  logic [NumPea-1:0][DW-1:0] wt_ho_data_i,

    // PEA step streams (activation fields broadcast)
    output logic [NumPea-1:0]       step_valid_o,
    input  logic [NumPea-1:0]       step_ready_i,
    output logic [      39:0]       step_act_lo_o,
    output logic [      39:0]       step_act_ho_o,
    output logic                    step_act_live_o,
    output logic [NumPea-1:0][39:0] step_wt_lo_o,
    output logic [NumPea-1:0][31:0] step_wt_ho_o,
    output logic [NumPea-1:0]       step_wt_live_o,
    output logic                    step_last_o,
    output logic [   8*5-1:0]       step_row_r_o,     // r_eff of lane (row) i at [i*5 +: 5]
    output logic [   8*8-1:0]       step_row_z_o,     // z of lane (row) i at [i*8 +: 8]

    // Status
    output logic            err_o,
    output logic            act_skip_o,
    output logic [PeaW-1:0] wt_skip_o,
    output logic            stall_mem_o
);

  `PNC_STATIC_ASSERT(NumPeaLegal, NumPea >= 1 && NumPea <= 16)

  // Waiver: the join needs the dimensions and the weight LO width only.
  logic unused_desc;
  assign unused_desc = ^desc_i;

  // ---- group loop
  typedef enum logic [1:0] {
    StIdle,
    StRow,    // row_q: waiting for the group's row vector
    StSetup,
    StRun
  } state_e;
  state_e            state_q;
  logic   [    15:0] k_q;
  logic   [PeaW-1:0] n_act;
  logic group_end, last_group;
  logic [NumPea-1:0] act_mask, taken_q;
  logic lo_open_q;  // activation LO words may pass
  logic ho_open_q;  // activation HO words may pass
  logic [NumPea-1:0] wlo_open_q, who_open_q;  // weight words of PEA p may pass

  // Named wires, not expressions, on the instance's ports: Icarus 11 evaluates an enum
  // comparison in a port expression wrongly.
  logic loop_start;
  assign loop_start = state_q == StIdle && start_i;
  assign group_end  = state_q == StRun && retire && last_step;

  pnc_loop_nest #(
      .NumPea(NumPea)
  ) u_loop (
      .clk_i,
      .rst_ni,
      .desc_i,
      .start_i     (loop_start),
      .next_i      (group_end),
      /* verilator lint_off PINCONNECTEMPTY */
      .mb_o        (),
      .first_mb_o  (),
      .last_mb_o   (),
      .nb_base_o   (),
      .n_act_o     (n_act),
      .n_act_next_o(),
      .first_ng_o  (),
      .last_ng_o   (),
      .ng_odd_o    (),
      /* verilator lint_on PINCONNECTEMPTY */
      .last_o      (last_group)
  );
  for (genvar p = 0; p < NumPea; p++) begin : gen_mask
    assign act_mask[p] = p < int'(n_act);
  end

  // ---- row vector (row_q): the beats ahead of each group's activation LO plane (two at 64 bits,
  // else one whose low 16 bytes hold it). They are
  // taken as soon as the previous group's plane has passed (the gate is closed behind its last
  // word), so the next group's row is usually there before the current group ends.
  localparam int RowqBytes = 2 * pnc_pkg::V;
  logic row_open, row_take, row_cnt_q, row_have_q, row_avail;
  logic [RowqBytes*8-1:0] row_next_q, row_cur_q;  // {z, r} of row i at byte 2i, 2i+1

  assign row_open  = desc_i.row_q && (state_q == StRun || state_q == StRow) && !lo_open_q
                     && !row_have_q;
  assign row_take = row_open && act_lo_valid_i;
  assign row_avail = row_have_q || (row_take && row_last);

  localparam int RowBeats = (RowqBytes * 8 + DW - 1) / DW;
  logic row_last;  // the beat taken completes the vector
  logic [RowqBytes*8-1:0] row_next_d;
  assign row_last = (RowBeats == 1) || row_cnt_q;
  if (RowBeats == 2) begin : gen_row_two
    assign row_next_d = row_cnt_q ? {act_lo_data_i, row_next_q[DW-1:0]}
                                  : {row_next_q[RowqBytes*8-1:DW], act_lo_data_i};
  end else begin : gen_row_one
    assign row_next_d = act_lo_data_i[RowqBytes*8-1:0];
  end

  // Why: collects the next group's row vector; set-up hands it to the PEAs (row_cur_q).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      row_cnt_q  <= 1'b0;
      row_have_q <= 1'b0;
      row_next_q <= '0;
      row_cur_q  <= '0;
    end else begin
      if (row_take) begin
        row_cnt_q  <= (RowBeats == 2) && !row_cnt_q;
        row_next_q <= row_next_d;
        if (row_last) row_have_q <= 1'b1;
      end
      if (state_q == StSetup && desc_i.row_q) begin
        row_cur_q  <= row_next_q;
        row_have_q <= 1'b0;
      end
    end
  end

  logic aqs;
  assign aqs = desc_i.skip == 2'(pnc_pkg::SKIP_AQS);
  for (genvar i = 0; i < pnc_pkg::V; i++) begin : gen_row
    logic [7:0] row_z, row_r;
    assign row_z = row_cur_q[16*i+:8];
    assign row_r = row_cur_q[16*i+8+:8];
    assign step_row_z_o[i*8+:8] = desc_i.row_q ? row_z : desc_i.z;
    assign step_row_r_o[i*5+:5] = !desc_i.row_q ? r_eff_i : aqs ? row_r[4:0] : 5'd0;
    // Waiver: r of a row is at most 2^(8-b) - 1 <= 31 (the host's rule); bits above are unused.
    logic unused_r;
    assign unused_r = ^row_r[7:5];
  end

  // ---- decoders
  logic act_valid, retire, last_step;
  logic [NumPea-1:0] wt_valid, fire, owe;
  logic alo_wvalid, alo_wready, alo_ivalid, alo_iready;
  logic [63:0] alo_item;
  logic aho_wvalid, aho_wready, aho_vvalid, aho_vready, aho_live, aho_last, aho_err;
  logic [47:0] aho_payload;
  logic        setup;

  assign setup          = state_q == StSetup;

  assign alo_wvalid     = act_lo_valid_i && lo_open_q;
  assign act_lo_ready_o = (alo_wready && lo_open_q) || row_open;

  pnc_unpack #(
      .DW(DW)
  ) u_act_lo (
      .clk_i,
      .rst_ni,
      .clear_i     (setup || (retire && last_step)),
      .item_bytes_i({1'b0, b_i}),
      .word_valid_i(alo_wvalid),
      .word_ready_o(alo_wready),
      .word_data_i (act_lo_data_i),
      .word_last_i (act_lo_last_i),
      .item_valid_o(alo_ivalid),
      .item_ready_i(alo_iready),
      .item_data_o (alo_item)
  );

  assign aho_wvalid     = act_ho_valid_i && ho_open_q;
  assign act_ho_ready_o = aho_wready && ho_open_q;

  pnc_rle_dec #(
      .RunBits(pnc_pkg::RUN_BITS),
      .DW(DW)
  ) u_act_ho (
      .clk_i,
      .rst_ni,
      .start_i      (setup),
      .k_i          (desc_i.k),
      .lanes_bits_i (3'(4'd8 - {1'b0, b_i})),
      .word_valid_i (aho_wvalid),
      .word_ready_o (aho_wready),
      .word_data_i  (act_ho_data_i),
      .vec_valid_o  (aho_vvalid),
      .vec_ready_i  (aho_vready),
      .vec_payload_o(aho_payload),
      .vec_live_o   (aho_live),
      .vec_last_o   (aho_last),
      .err_o        (aho_err),
      .skipped_o    (act_skip_o)
  );

  logic [NumPea-1:0] wlo_ivalid, wlo_iready, who_vvalid, who_live, who_err, who_skip;
  logic [NumPea-1:0][63:0] wlo_item;
  logic [NumPea-1:0][47:0] who_payload;

  for (genvar p = 0; p < NumPea; p++) begin : gen_wt
    logic wlo_wvalid, wlo_wready, who_wvalid, who_wready, who_last;
    logic pea_setup;

    assign pea_setup        = setup && act_mask[p];
    assign wlo_wvalid       = wt_lo_valid_i[p] && wlo_open_q[p];
    assign wt_lo_ready_o[p] = wlo_wready && wlo_open_q[p];
    assign who_wvalid       = wt_ho_valid_i[p] && who_open_q[p];
    assign wt_ho_ready_o[p] = who_wready && who_open_q[p];

    pnc_unpack #(
        .DW(DW)
    ) u_wt_lo (
        .clk_i,
        .rst_ni,
        .clear_i     (pea_setup || (fire[p] && last_step)),
        .item_bytes_i(desc_i.sbr ? 4'd5 : 4'd4),
        .word_valid_i(wlo_wvalid),
        .word_ready_o(wlo_wready),
        .word_data_i (wt_lo_data_i[p]),
        .word_last_i (wt_lo_last_i[p]),
        .item_valid_o(wlo_ivalid[p]),
        .item_ready_i(wlo_iready[p]),
        .item_data_o (wlo_item[p])
    );

    pnc_rle_dec #(
        .RunBits(pnc_pkg::RUN_BITS),
        .DW(DW)
    ) u_wt_ho (
        .clk_i,
        .rst_ni,
        .start_i      (pea_setup),
        .k_i          (desc_i.k),
        .lanes_bits_i (3'd4),
        .word_valid_i (who_wvalid),
        .word_ready_o (who_wready),
        .word_data_i  (wt_ho_data_i[p]),
        .vec_valid_o  (who_vvalid[p]),
        .vec_ready_i  (wlo_iready[p]),
        .vec_payload_o(who_payload[p]),
        .vec_live_o   (who_live[p]),
        .vec_last_o   (who_last),
        .err_o        (who_err[p]),
        .skipped_o    (who_skip[p])
    );

    // Waiver: the join counts k itself; the decoder's last flag is checked by an assertion.
    logic unused_last;
    assign unused_last = who_last;
  end

  // ---- the join

  assign act_valid       = alo_ivalid && aho_vvalid;
  assign wt_valid        = wlo_ivalid & who_vvalid;
  assign owe             = (state_q == StRun) ? (act_mask & ~taken_q) : '0;
  assign step_valid_o    = owe & wt_valid & {NumPea{act_valid}};
  assign fire            = step_valid_o & step_ready_i;
  assign retire          = act_valid && (state_q == StRun) && ((owe & ~fire) == '0);
  assign last_step       = k_q == desc_i.k - 16'd1;

  assign alo_iready      = retire;
  assign aho_vready      = retire;
  assign wlo_iready      = fire;  // the weight LO item and HO vector of PEA p leave together

  assign step_act_lo_o   = alo_item[39:0];
  assign step_act_ho_o   = aho_payload[39:0];
  assign step_act_live_o = aho_live;
  assign step_last_o     = last_step;
  for (genvar p = 0; p < NumPea; p++) begin : gen_step
    assign step_wt_lo_o[p]   = wlo_item[p][39:0];
    assign step_wt_ho_o[p]   = who_payload[p][31:0];
    assign step_wt_live_o[p] = who_live[p];
  end

  // Waiver: items and payloads are at most 5 bytes here (b, Lw <= 5; L <= 5); the decoders'
  // wider buses carry zeros above.
  logic unused_wide;
  assign unused_wide = ^{alo_item[63:40], aho_payload[47:40], wlo_item, who_payload};

  // Why: group counters, per-PEA "took this step" flags and the word gates of every stream.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      k_q        <= '0;
      taken_q    <= '0;
      lo_open_q  <= 1'b0;
      ho_open_q  <= 1'b0;
      wlo_open_q <= '0;
      who_open_q <= '0;
    end else begin
      // LO planes are one request per group: close the gate behind its last word.
      if (act_lo_valid_i && act_lo_ready_o && act_lo_last_i) lo_open_q <= 1'b0;
      for (int p = 0; p < NumPea; p++) begin
        if (wt_lo_valid_i[p] && wt_lo_ready_o[p] && wt_lo_last_i[p]) wlo_open_q[p] <= 1'b0;
      end
      unique case (state_q)
        StIdle: begin
          if (start_i) state_q <= desc_i.row_q ? StRow : StSetup;
        end
        StRow: begin
          if (row_avail) state_q <= StSetup;
        end
        StSetup: begin
          state_q    <= StRun;
          k_q        <= '0;
          taken_q    <= '0;
          lo_open_q  <= 1'b1;
          ho_open_q  <= 1'b1;
          wlo_open_q <= act_mask;
          who_open_q <= act_mask;
        end
        StRun: begin
          if (retire) begin
            taken_q <= '0;
            k_q     <= k_q + 16'd1;
            if (last_step) begin
              ho_open_q  <= 1'b0;
              who_open_q <= '0;
              if (last_group) state_q <= StIdle;
              else if (desc_i.row_q && !row_avail) state_q <= StRow;
              else state_q <= StSetup;
            end
          end else begin
            taken_q <= taken_q | fire;
          end
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  // ---- status
  always_comb begin
    wt_skip_o = '0;
    for (int p = 0; p < NumPea; p++) wt_skip_o = wt_skip_o + PeaW'(who_skip[p]);
  end
  assign err_o       = aho_err || |who_err;
  assign stall_mem_o = |(owe & ~(wt_valid &{NumPea{act_valid}}));

  // ---- assertions
  `PNC_ASSERT(ActLastAgrees, !(retire && aho_vvalid) || aho_last == last_step)
  `PNC_ASSERT(NoStepOutsideRun, state_q == StRun || step_valid_o == '0)
  `PNC_ASSERT(RowLastBeat, !row_take || act_lo_last_i == row_last)
  for (genvar p = 0; p < NumPea; p++) begin : gen_assert
    `PNC_ASSERT_STREAM(StepStream, step_valid_o[p], step_ready_i[p], {
                       step_act_lo_o,
                       step_act_ho_o,
                       step_act_live_o,
                       step_wt_lo_o[p],
                       step_wt_ho_o[p],
                       step_wt_live_o[p],
                       step_last_o
                       })
  end

endmodule : pnc_join
