// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// 8x8 outer product of small signed operands: the multiplier array of the SWO, the CS and the
// DWO.
//
// Contract:
// - prod_o[i*8+j] = row i * col j, where row i = row_i[i*RowW +: RowW] and col j =
//   col_i[j*ColW +: ColW] are signed; the product is 32-bit signed (RowW + ColW <= 32: exact).
//   Combinational.
// - Built in a function and assigned once, so an event-driven simulator propagates the 2048-bit
//   result once per operand change, not once per element.
module pnc_outer #(
    parameter int RowW = 6,
    parameter int ColW = 5
) (
    input  logic [8*RowW-1:0]       row_i,
    input  logic [8*ColW-1:0]       col_i,
    output logic [      63:0][31:0] prod_o
);

  `include "pnc_assert.svh"
  `PNC_STATIC_ASSERT(WidthsLegal_A, RowW >= 2 && ColW >= 2 && RowW + ColW <= 32)

  function automatic logic [64*32-1:0] outer(input logic [8*RowW-1:0] r,
                                             input logic [8*ColW-1:0] c);
    logic signed [RowW-1:0] rs;
    logic signed [ColW-1:0] cs;
    logic signed [31:0] a, b;
    for (int i = 0; i < 8; i++) begin
      rs = r[i*RowW+:RowW];
      a  = {{(32 - RowW) {rs[RowW-1]}}, rs};
      for (int j = 0; j < 8; j++) begin
        cs = c[j*ColW+:ColW];
        b = {{(32 - ColW) {cs[ColW-1]}}, cs};
        outer[(i*8+j)*32+:32] = a * b;
      end
    end
  endfunction

  assign prod_o = outer(row_i, col_i);

endmodule
