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
  input  logic [8*5-1:0]   xl_i,
  input  logic [8*5-1:0]   wl_i,
  input  logic             rd_bank_i,
  output logic [64*32-1:0] acc_o
);

  `include "pnc_assert.svh"

  for (genvar i = 0; i < 8; i++) begin : gen_row
    for (genvar j = 0; j < 8; j++) begin : gen_col
      logic signed [5:0]  a;      // xl as a signed operand
      logic signed [4:0]  b;      // wl
      logic signed [10:0] prod;
      logic [31:0] acc0_q, acc1_q;

      assign a    = {1'b0, xl_i[i*5 +: 5]};
      assign b    = wl_i[j*5 +: 5];
      assign prod = a * b;

      // Why: one PE cell with a bank per tile in flight (double-tile processing).
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          acc0_q <= '0;
          acc1_q <= '0;
        end else begin
          if (clr_i && !clr_bank_i)          acc0_q <= '0;
          else if (en_i && !bank_i)          acc0_q <= acc0_q + {{21{prod[10]}}, prod};
          if (clr_i && clr_bank_i)           acc1_q <= '0;
          else if (en_i && bank_i)           acc1_q <= acc1_q + {{21{prod[10]}}, prod};
        end
      end

      assign acc_o[(i*8+j)*32 +: 32] = rd_bank_i ? acc1_q : acc0_q;
    end
  end

  `PNC_ASSERT(NoClearWhileAccumulating_A, !(clr_i && en_i && clr_bank_i == bank_i))

endmodule
