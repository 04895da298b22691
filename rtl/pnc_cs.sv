// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Compensator: per-column weight sums from the weight slices of each step (a two-bank
// pnc_acc_bank), and the compensation term coef * colsum, one coefficient per job or one per
// activation lane.
//
// Contract:
// - en_i: colsum[bank_i][j] += w_i[j], where w_i lane j (9-bit signed, [j*9 +: 9]) is the
//   weight 16*wh + wl rebuilt from its slices (no extra memory traffic). Sums are 24-bit signed
//   (exact for K < 2^16).
// - clr_i: zero bank clr_bank_i.
// - coef_i lane i ([i*11 +: 11], 11-bit signed) = 2^b * r_eff - z of activation lane i.
//   RowQ = 0 (one z, r per job): only lane 0 is used, static per job; comp_o lane j
//   ([j*32 +: 32]) = coef_i[0] * colsum[rd_bank_i][j].
//   RowQ = 1 (z, r per activation row): coef_i is taken into bank bank_i with every en_i (the
//   same for all steps of a tile); comp_o element (i, j) ([(i*8+j)*32 +: 32]) =
//   coef[rd_bank_i][i] * colsum[rd_bank_i][j].
//   Products are the low 32 bits (they wrap like the accumulators); comp_o is combinational
//   from state.
module pnc_cs #(
    parameter  bit RowQ  = 1'b0,
    localparam int CompN = RowQ ? 64 : 8
) (
    input  logic                clk_i,
    input  logic                rst_ni,
    input  logic                en_i,
    input  logic                bank_i,
    input  logic                clr_i,
    input  logic                clr_bank_i,
    input  logic [     8*9-1:0] w_i,
    input  logic [    8*11-1:0] coef_i,
    input  logic                rd_bank_i,
    output logic [CompN*32-1:0] comp_o
);

  logic [7:0][23:0] w24;  // weights sign-extended to the sum width
  logic [8*24-1:0] sum;  // column sums of the read bank

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
      .acc_o(sum)
  );

  // Why: low 32 bits of the signed product of an 11-bit coefficient and a 24-bit sum (the low
  // bits of a product of sign-extended operands do not depend on their signedness).
  function automatic logic [31:0] mul(input logic [10:0] c, input logic [23:0] s);
    mul = {{21{c[10]}}, c} * {{8{s[23]}}, s};
  endfunction

  if (RowQ) begin : gen_row
    logic [8*11-1:0] coef0_q, coef1_q, coef;

    // Why: a tile's lane coefficients live in its bank until the drain, like its sums.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        coef0_q <= '0;
        coef1_q <= '0;
      end else begin
        if (en_i && !bank_i) coef0_q <= coef_i;
        if (en_i && bank_i) coef1_q <= coef_i;
      end
    end

    assign coef = rd_bank_i ? coef1_q : coef0_q;
    for (genvar e = 0; e < 64; e++) begin : gen_elem
      assign comp_o[e*32+:32] = mul(coef[(e/8)*11+:11], sum[(e%8)*24+:24]);
    end
  end else begin : gen_job
    logic [7*11-1:0] unused_coef;  // lanes 1..7 carry the same job coefficient
    assign unused_coef = coef_i[8*11-1:11];
    for (genvar j = 0; j < 8; j++) begin : gen_lane
      assign comp_o[j*32+:32] = mul(coef_i[10:0], sum[j*24+:24]);
    end
  end


endmodule
