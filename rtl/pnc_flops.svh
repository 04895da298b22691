// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Register macros shared by Panacea RTL modules (the lowRISC prim_flop_macros idiom), so a plain
// register is one line instead of a reset template.
//
// Contract:
// - Every macro expects `clk_i` and `rst_ni` (async active-low reset) in the enclosing scope.
// Macros:
//   `PNC_FF(Q, D, RstVal)        Q <= D at every clock edge; Q = RstVal while rst_ni is low.
`ifndef PNC_FLOPS_SVH
`define PNC_FLOPS_SVH

`define PNC_FF(Q, D, RstVal)                                                                       \
  always_ff @(posedge clk_i or negedge rst_ni) begin                                               \
    if (!rst_ni) Q <= (RstVal);                                                                    \
    else Q <= (D);                                                                                 \
  end

`endif  // PNC_FLOPS_SVH
