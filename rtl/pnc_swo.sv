// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Static workload operator: the dense LL outer product of one k step, two accumulator banks.
//
// Contract:
// - en_i: accumulate xl (8 rows, 5-bit unsigned lanes) x wl (8 columns, 5-bit signed lanes)
//   into bank bank_i: acc[bank][i][j] += xl[i] * wl[j] (32-bit wrap-around, never reached for
//   legal K).
// - clr_i: zero bank clr_bank_i (the caller never clears the bank it accumulates into).
// - acc_o: bank rd_bank_i, element (row i, col j) at [(i*8+j)*32 +: 32]. Registered state only.
module pnc_swo (
    input  logic             clk_i,
    input  logic             rst_ni,
    input  logic             en_i,
    input  logic             bank_i,
    input  logic             clr_i,
    input  logic             clr_bank_i,
    input  logic [  8*5-1:0] xl_i,
    input  logic [  8*5-1:0] wl_i,
    input  logic             rd_bank_i,
    output logic [64*32-1:0] acc_o
);

  `include "pnc_assert.svh"

  // Accumulators and products are arrays indexed by e = i*8+j (not per-cell part-selects of
  // one wide net), so a simulator updates acc_o once per cycle instead of once per cell.
  logic [31:0] prod  [64];
  logic [31:0] acc0_q[64];
  logic [31:0] acc1_q[64];

  for (genvar i = 0; i < 8; i++) begin : gen_row
    logic signed [31:0] a;  // xl as a signed operand
    assign a = {27'd0, xl_i[i*5+:5]};
    for (genvar j = 0; j < 8; j++) begin : gen_col
      logic signed [31:0] b;  // wl
      assign b = {{27{wl_i[j*5+4]}}, wl_i[j*5+:5]};
      assign prod[i*8+j] = a * b;
    end
  end

  // Why: one accumulator per PE cell and bank (double-tile processing).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int e = 0; e < 64; e++) begin
        acc0_q[e] <= '0;
        acc1_q[e] <= '0;
      end
    end else begin
      for (int e = 0; e < 64; e++) begin
        if (clr_i && !clr_bank_i) acc0_q[e] <= '0;
        else if (en_i && !bank_i) acc0_q[e] <= acc0_q[e] + prod[e];
        if (clr_i && clr_bank_i) acc1_q[e] <= '0;
        else if (en_i && bank_i) acc1_q[e] <= acc1_q[e] + prod[e];
      end
    end
  end

  // Why: read port of the bank being drained.
  always_comb begin
    for (int e = 0; e < 64; e++) acc_o[e*32+:32] = rd_bank_i ? acc1_q[e] : acc0_q[e];
  end

  `PNC_ASSERT(NoClearWhileAccumulating_A, !(clr_i && en_i && clr_bank_i == bank_i))

endmodule
