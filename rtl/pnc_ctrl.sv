// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_ctrl: job controller: latches and checks the descriptor, runs the job FSM and the abort.
// The read requests and weight-buffer commands come from the request sequencer (pnc_req_seq),
// which pnc_top instantiates beside this block and drives from cfg_o, job_start_o and seq_run_o.
//
// Contract
// - start_i (one-cycle pulse from pnc_regs) latches the descriptor; busy_o rises the next cycle
//   and stays up until the cycle of done_o (one-cycle pulse with err_code_o). cfg_o is the
//   latched descriptor (pnc_pkg::desc_t), static while busy_o (the datapath samples nothing else).
// - Descriptor check (pnc_desc_check, the model's descriptor_error): an illegal job reads and
//   writes nothing and ends two cycles after start with done_o and the code.
// - A legal job pulses job_start_o: join and post start their walk of the tile groups and the
//   request sequencer (pnc_req_seq) starts requesting the groups' operand streams; seq_run_o is
//   high while the job runs without error.
// - Normal end: every request issued (seq_end_i), post_done_i (every tile and header written) and
//   wr_idle_i (every B response back) -> done_o with ERR_OK.
// - Errors (rd_err_i: AXI_RD_ERR, wr_err_i: AXI_WR_ERR, stream_err_i or hdr_corrupt_i, a bad HO
//   header seen by the sequencer: STREAM_CORRUPT; the first one wins): abort_o rises and stays
//   up while no new request is created (a request already presented is held until accepted),
//   top discards every read beat, post completes any write burst it has started (zero strobes)
//   and issues no more. When no request is pending and every issued request has returned its
//   last beat (seq_quiet_i), post_idle_i and wr_idle_i, dp_clear_o pulses for one cycle (soft
//   reset of the PEAs, join and post) and done_o follows with the error code. The next job
//   starts from a clean datapath.

`include "pnc_assert.svh"

`include "pnc_types.svh"

module pnc_ctrl (
    input logic clk_i,
    input logic rst_ni,

    // Descriptor (plain register outputs of pnc_regs, sampled at start_i)
    input `PNC_DESC_T desc_i,

    // Job control
    input  logic       start_i,
    output logic       busy_o,
    output logic       done_o,
    output logic [7:0] err_code_o,

    // Latched job configuration for the datapath
    output `PNC_DESC_T       cfg_o,        // the descriptor as latched at start_i
    output logic             cfg_dense_o,
    output logic       [4:0] cfg_r_eff_o,  // r with AQS, else 0
    output logic       [2:0] cfg_b_o,      // b of the last legal job (reset: DEFAULT_LO_BITS)
    output logic             job_start_o,
    output logic             abort_o,
    output logic             dp_clear_o,

    // Request sequencer (pnc_req_seq, instantiated next to this block in pnc_top)
    output logic seq_run_o,  // the job runs without error: the sequencer may create requests
    input logic seq_end_i,  // every group's requests are issued
    input logic seq_quiet_i,  // no request pending, every issued one has returned its last beat
    input logic hdr_corrupt_i,  // a bad HO header arrived (STREAM_CORRUPT)

    // Error and completion sources
    input logic rd_err_i,
    input logic wr_err_i,
    input logic stream_err_i,
    input logic post_done_i,
    input logic post_idle_i,
    input logic wr_idle_i
);

  // ---- latched descriptor and its check
  `PNC_DESC_T desc_q;
  logic [7:0] desc_err;

  // Why: the descriptor registers may be rewritten by the host while a job runs.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) desc_q <= '0;
    else if (start_i && !busy_o) desc_q <= desc_i;
  end

  pnc_desc_check u_check (
      .desc_i(desc_q),
      .err_o (desc_err)
  );

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

  // A plain assign: top drives pnc_req_seq's run_i from a named wire (Icarus 11 evaluates an
  // enum comparison in a port expression wrongly).
  assign seq_run_o = state_q == StRun;

  // ---- FSM
  logic err_event;
  logic [7:0] err_event_code;
  assign err_event = rd_err_i || wr_err_i || stream_err_i || hdr_corrupt_i;
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
        end else if (seq_end_i && post_done_i && wr_idle_i) begin
          state_d = StDone;
        end
      end
      StAbort: if (seq_quiet_i && post_idle_i && wr_idle_i) state_d = StClear;
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
    else if (job_start_o) cfg_b_q <= desc_q.b[2:0];
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

  assign busy_o      = state_q != StIdle;
  assign done_o      = state_q == StDone;
  assign err_code_o  = err_q;
  assign job_start_o = state_q == StCheck && desc_err == pnc_pkg::ERR_OK;
  assign abort_o     = state_q == StAbort;
  assign dp_clear_o  = dp_clear_q;

  assign cfg_o       = desc_q;
  assign cfg_dense_o = desc_q.skip == 2'(pnc_pkg::SKIP_DENSE);
  assign cfg_r_eff_o = (desc_q.skip == 2'(pnc_pkg::SKIP_AQS)) ? desc_q.r[4:0] : 5'd0;
  assign cfg_b_o     = cfg_b_q;

  // ---- assertions
  `PNC_ASSERT(DoneNeedsBusy, !done_o || busy_o)

endmodule : pnc_ctrl
