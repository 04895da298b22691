// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Two-bank accumulator array: the accumulator state of SWO, DWO and the compensator.
//
// Contract:
// - Lanes accumulators of Width bits per bank; two banks so that one tile accumulates while the
//   previous one is drained (double-tile processing).
// - en_i: acc[bank_i][e] += add_i[e] for every lane e (Width-bit wrap-around).
// - clr_i: zero bank clr_bank_i. The caller never clears the bank it accumulates into in the
//   same cycle (checked); a clear wins over an add to the same bank.
// - acc_o: bank rd_bank_i, lane e at [e*Width +: Width]. Registered state only (no path from
//   add_i or en_i).
module pnc_acc_bank #(
    parameter int Lanes = 64,
    parameter int Width = 32
) (
    input  logic                              clk_i,
    input  logic                              rst_ni,
    input  logic                              en_i,
    input  logic                              bank_i,
    input  logic [      Lanes-1:0][Width-1:0] add_i,
    input  logic                              clr_i,
    input  logic                              clr_bank_i,
    input  logic                              rd_bank_i,
    output logic [Lanes*Width-1:0]            acc_o
);

  `include "pnc_assert.svh"
  `PNC_STATIC_ASSERT(ShapeLegal_A, Lanes >= 1 && Width >= 1)

  // An array per bank (not part-selects of one wide net), so a simulator updates acc_o once per
  // cycle instead of once per lane.
  logic [Width-1:0] acc0_q[Lanes];
  logic [Width-1:0] acc1_q[Lanes];

  // Why: one adder per lane and bank.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int e = 0; e < Lanes; e++) begin
        acc0_q[e] <= '0;
        acc1_q[e] <= '0;
      end
    end else begin
      for (int e = 0; e < Lanes; e++) begin
        if (clr_i && !clr_bank_i) acc0_q[e] <= '0;
        else if (en_i && !bank_i) acc0_q[e] <= acc0_q[e] + add_i[e];
        if (clr_i && clr_bank_i) acc1_q[e] <= '0;
        else if (en_i && bank_i) acc1_q[e] <= acc1_q[e] + add_i[e];
      end
    end
  end

  // Why: read port of the bank being drained.
  always_comb begin
    for (int e = 0; e < Lanes; e++) acc_o[e*Width+:Width] = rd_bank_i ? acc1_q[e] : acc0_q[e];
  end

  `PNC_ASSERT(NoClearWhileAccumulating_A, !(clr_i && en_i && clr_bank_i == bank_i))
  `PNC_ASSERT_KNOWN_IF(AddKnown_A, add_i, en_i)

endmodule
