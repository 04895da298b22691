// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Static workload operator: the dense LL outer product of one k step into a two-bank
// accumulator (pnc_acc_bank).
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

  logic [63:0][31:0] prod;  // lane e = i*8+j

  for (genvar i = 0; i < 8; i++) begin : gen_row
    logic signed [31:0] a;  // xl as a signed operand
    assign a = {27'd0, xl_i[i*5+:5]};
    for (genvar j = 0; j < 8; j++) begin : gen_col
      logic signed [31:0] b;  // wl
      assign b = {{27{wl_i[j*5+4]}}, wl_i[j*5+:5]};
      assign prod[i*8+j] = a * b;
    end
  end

  pnc_acc_bank #(
      .Lanes(64),
      .Width(32)
  ) u_acc (
      .clk_i,
      .rst_ni,
      .en_i,
      .bank_i,
      .add_i(prod),
      .clr_i,
      .clr_bank_i,
      .rd_bank_i,
      .acc_o
  );

endmodule
