// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Compensator: per-column weight sums from the weight slices of each step (a two-bank
// pnc_acc_bank), and the compensation term (2^b * r_eff - z) * colsum.
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

  logic [7:0][23:0] w24;  // weights sign-extended to the sum width
  logic [8*24-1:0] sums;  // column sums of bank rd_bank_i

  for (genvar j = 0; j < 8; j++) begin : gen_w
    assign w24[j] = {{15{w_i[j*9+8]}}, w_i[j*9+:9]};
  end

  pnc_acc_bank #(
      .Lanes(8),
      .Width(24)
  ) u_acc (
      .clk_i,
      .rst_ni,
      .en_i,
      .bank_i,
      .add_i(w24),
      .clr_i,
      .clr_bank_i,
      .rd_bank_i,
      .acc_o(sums)
  );

  for (genvar j = 0; j < 8; j++) begin : gen_col
    logic signed [23:0] sum;
    logic signed [31:0] comp;  // low 32 bits of the product (wraps like the accumulators)
    assign sum = sums[j*24+:24];
    assign comp = {{21{coef_i[10]}}, coef_i} * {{8{sum[23]}}, sum};
    assign comp_o[j*32+:32] = comp;
  end

endmodule
