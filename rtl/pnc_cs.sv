// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Compensator: per-column weight sums from the weight slices of each step, two banks, and the
// compensation term (2^b * r_eff - z) * colsum.
//
// Contract:
// - en_i: colsum[bank_i][j] += w_i[j], where w_i lane j (9-bit signed, [j*9 +: 9]) is the
//   weight 16*wh + wl rebuilt from its slices (no extra memory traffic). Sums are 24-bit signed
//   (exact for K < 2^16).
// - clr_i: zero bank clr_bank_i.
// - comp_o lane j ([j*32 +: 32]) = coef_i * colsum[rd_bank_i][j] (low 32 bits), with
//   coef_i = 2^b * r_eff - z (11-bit signed) static per job. Combinational from state.
module pnc_cs (
    input  logic                   clk_i,
    input  logic                   rst_ni,
    input  logic                   en_i,
    input  logic                   bank_i,
    input  logic                   clr_i,
    input  logic                   clr_bank_i,
    input  logic        [ 8*9-1:0] w_i,
    input  logic signed [    10:0] coef_i,
    input  logic                   rd_bank_i,
    output logic        [8*32-1:0] comp_o
);

  `include "pnc_assert.svh"

  for (genvar j = 0; j < 8; j++) begin : gen_col
    logic signed [8:0] w;
    logic signed [23:0] sum0_q, sum1_q, sum;
    logic signed [31:0] comp;  // low 32 bits of the product (wraps like the accumulators)

    assign w = w_i[j*9+:9];

    // Why: one column-sum adder per column and bank.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        sum0_q <= '0;
        sum1_q <= '0;
      end else begin
        if (clr_i && !clr_bank_i) sum0_q <= '0;
        else if (en_i && !bank_i) sum0_q <= sum0_q + {{15{w[8]}}, w};
        if (clr_i && clr_bank_i) sum1_q <= '0;
        else if (en_i && bank_i) sum1_q <= sum1_q + {{15{w[8]}}, w};
      end
    end

    assign sum = rd_bank_i ? sum1_q : sum0_q;
    assign comp = {{21{coef_i[10]}}, coef_i} * {{8{sum[23]}}, sum};
    assign comp_o[j*32+:32] = comp;
  end

  `PNC_ASSERT(NoClearWhileAccumulating_A, !(clr_i && en_i && clr_bank_i == bank_i))

endmodule
