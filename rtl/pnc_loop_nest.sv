// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_loop_nest: the tile-group loop of a job, `for ng: for mb` (docs/architecture.md section
// 4), walked alike by pnc_ctrl (requests) and pnc_join (operands).
//
// Contract
// - Group (ng, mb): m-block mb < MB = ceil(M/8) of n-group ng, whose weight blocks are
//   nb = ng*NumPea + p for the n_act_o = min(NumPea, NB - ng*NumPea) active PEAs p
//   (NB = ceil(N/8)). m_i and n_i are static while a job runs.
// - start_i: the next cycle presents the first group (ng 0, mb 0; first_ng_o = 1).
// - next_i: the next cycle presents the following group: mb + 1, or mb 0 of the next n-group
//   after the last m-block. next_i in the last group (last_o) changes nothing; the caller ends
//   its walk there. start_i wins over next_i.
// - Outputs are registered state and functions of it: mb_o, last_mb_o (mb = MB - 1), nb_base_o
//   (ng*NumPea), n_act_o, n_act_next_o (active PEAs of the next n-group, 0 in the last one),
//   first_ng_o (ng = 0), ng_odd_o (ng odd: the weight buffer slot of the n-group with two
//   slots), last_o (the last group of the job).
module pnc_loop_nest #(
    parameter  int NumPea = pnc_pkg::NUM_PEA,
    localparam int PeaW   = $clog2(NumPea + 1)
) (
    input  logic            clk_i,
    input  logic            rst_ni,
    input  logic [    15:0] m_i,
    input  logic [    15:0] n_i,
    input  logic            start_i,
    input  logic            next_i,
    output logic [     9:0] mb_o,
    output logic            last_mb_o,
    output logic [     9:0] nb_base_o,
    output logic [PeaW-1:0] n_act_o,
    output logic [PeaW-1:0] n_act_next_o,
    output logic            first_ng_o,
    output logic            ng_odd_o,
    output logic            last_o
);

  `include "pnc_assert.svh"
  `PNC_STATIC_ASSERT(NumPeaLegal_A, NumPea >= 1 && NumPea <= 16)

  logic [9:0] mb_q, rem_nb_q, nb_base_q;  // rem_nb: NB - ng*NumPea
  logic first_ng_q, ng_odd_q;
  logic [9:0] mb_last;
  logic last_ng;

  assign mb_last = 10'((m_i + 16'd7) >> 3) - 10'd1;
  assign last_ng = rem_nb_q <= 10'(NumPea);

  // Why: the loop counters; the last group holds them (the caller stops walking).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mb_q       <= '0;
      rem_nb_q   <= '0;
      nb_base_q  <= '0;
      first_ng_q <= 1'b0;
      ng_odd_q   <= 1'b0;
    end else if (start_i) begin
      mb_q       <= '0;
      rem_nb_q   <= 10'((n_i + 16'd7) >> 3);
      nb_base_q  <= '0;
      first_ng_q <= 1'b1;
      ng_odd_q   <= 1'b0;
    end else if (next_i) begin
      if (mb_q != mb_last) begin
        mb_q <= mb_q + 10'd1;
      end else if (!last_ng) begin
        mb_q       <= '0;
        rem_nb_q   <= rem_nb_q - 10'(NumPea);
        nb_base_q  <= nb_base_q + 10'(NumPea);
        first_ng_q <= 1'b0;
        ng_odd_q   <= !ng_odd_q;
      end
    end
  end

  assign mb_o = mb_q;
  assign last_mb_o = mb_q == mb_last;
  assign nb_base_o = nb_base_q;
  assign n_act_o = (rem_nb_q >= 10'(NumPea)) ? PeaW'(NumPea) : PeaW'(rem_nb_q);
  assign n_act_next_o = last_ng ? '0 : (rem_nb_q >= 10'(2 * NumPea)) ? PeaW'(NumPea)
                      : PeaW'(rem_nb_q - 10'(NumPea));
  assign first_ng_o = first_ng_q;
  assign ng_odd_o = ng_odd_q;
  assign last_o = last_mb_o && last_ng;

  `PNC_ASSERT_KNOWN(CtrlKnown_A, {start_i, next_i})

endmodule : pnc_loop_nest
