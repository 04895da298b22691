// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Two-bank accumulator array: the one accumulator of a PEA, into which the SWO, the CS and the
// DWO all add (their sum is the tile; additions mod 2^Width commute, so one bank per tile holds
// what three separate banks summed at the drain would).
//
// Contract:
// - Ports addend ports p, each with its own enable and bank: en_i[p] adds lane e of port p
//   (add_i[(p*Lanes+e)*Width +: Width]) into acc[bank_i[p]][e] for every lane e (Width-bit
//   wrap-around); several ports may add into the same bank in one cycle.
// - clr_i: zero bank clr_bank_i. The caller never clears a bank a port adds into in the same
//   cycle (checked); a clear wins over an add to the same bank.
// - acc_o: bank rd_bank_i, lane e at [e*Width +: Width]. Registered state only (no path from
//   add_i or en_i).
module pnc_acc_bank #(
    parameter int Lanes = 64,
    parameter int Width = 32,
    parameter int Ports = 2
) (
    input  logic                         clk_i,
    input  logic                         rst_ni,
    input  logic [            Ports-1:0] en_i,
    input  logic [            Ports-1:0] bank_i,
    input  logic [Ports*Lanes*Width-1:0] add_i,
    input  logic                         clr_i,
    input  logic                         clr_bank_i,
    input  logic                         rd_bank_i,
    output logic [      Lanes*Width-1:0] acc_o
);

  `include "pnc_assert.svh"
  `PNC_STATIC_ASSERT(ShapeLegal_A, Lanes >= 1 && Width >= 1 && Ports >= 1)

  // An array per bank (not part-selects of one wide net), so a simulator updates acc_o once per
  // cycle instead of once per lane.
  logic [Width-1:0] acc0_q[Lanes];
  logic [Width-1:0] acc1_q[Lanes];

  // Why: what the enabled ports add to lane e of bank b this cycle.
  function automatic logic [Width-1:0] addend(input logic b, input int e);
    addend = '0;
    for (int p = 0; p < Ports; p++) begin
      if (en_i[p] && bank_i[p] == b) addend = addend + add_i[(p*Lanes+e)*Width+:Width];
    end
  endfunction

  // Why: one adder tree per lane and bank.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int e = 0; e < Lanes; e++) begin
        acc0_q[e] <= '0;
        acc1_q[e] <= '0;
      end
    end else begin
      for (int e = 0; e < Lanes; e++) begin
        if (clr_i && !clr_bank_i) acc0_q[e] <= '0;
        else if (|(en_i & ~bank_i)) acc0_q[e] <= acc0_q[e] + addend(1'b0, e);
        if (clr_i && clr_bank_i) acc1_q[e] <= '0;
        else if (|(en_i & bank_i)) acc1_q[e] <= acc1_q[e] + addend(1'b1, e);
      end
    end
  end

  // Why: read port of the bank being drained.
  always_comb begin
    for (int e = 0; e < Lanes; e++) acc_o[e*Width+:Width] = rd_bank_i ? acc1_q[e] : acc0_q[e];
  end

  `PNC_ASSERT(NoClearWhileAccumulating_A, !(clr_i && |(en_i & ~(bank_i ^{Ports{clr_bank_i}}))))
  `PNC_ASSERT_KNOWN_IF(AddKnown_A, add_i, |en_i)

endmodule
