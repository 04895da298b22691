// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_desc_check: the job descriptor check, kept one-to-one with the model's
// panacea.memimage.descriptor_error (same conditions, same codes, same priority).
//
// Contract
// - Combinational: err_o = the error code of desc_i, ERR_OK if the job is legal. When several
//   errors apply the lowest code wins: BAD_DIM (M, N or K outside 1..MAX_DIM), BAD_MODE (skip or
//   output format 3), BAD_LO_BITS (b, or out_b with UINT8_RLE, outside 3..5), BAD_R (r above
//   2^(8-b) - 1 with AQS and no row_q, or out_r above 2^(8-out_b) - 1 with UINT8_RLE),
//   MISALIGNED (a used address not aligned to a bus beat of AXI_DATA_W/8 bytes: the act/wt LO
//   and HO planes and OUT always, BIAS with bias_en, OUT_HO with UINT8_RLE, ROWQ with row_q),
//   BAD_RQ (not INT32 and mult = 0 or shift outside 1..62). With row_q the per-row r values are the host's to keep in range.
`include "pnc_types.svh"

module pnc_desc_check (
    input  `PNC_DESC_T       desc_i,
    output logic       [7:0] err_o
);

  localparam int AW = $clog2(pnc_pkg::AXI_DATA_W / 8);  // address bits below a bus beat

  logic is_rle;
  logic [8:0] r_max, out_r_max;
  assign is_rle    = desc_i.fmt == 2'(pnc_pkg::FMT_UINT8_RLE);
  assign r_max     = (9'd1 << (4'd8 - desc_i.b)) - 9'd1;
  assign out_r_max = (9'd1 << (4'd8 - desc_i.out_b)) - 9'd1;

  // Why: one priority chain so the lowest applicable error code wins, as in the model.
  always_comb begin
    err_o = pnc_pkg::ERR_OK;
    if (desc_i.m == 0 || desc_i.n == 0 || desc_i.k == 0 || desc_i.m > 16'(pnc_pkg::MAX_DIM)
        || desc_i.n > 16'(pnc_pkg::MAX_DIM) || desc_i.k > 16'(pnc_pkg::MAX_DIM)) begin
      err_o = pnc_pkg::ERR_BAD_DIM;
    end else if (desc_i.skip == 2'd3 || desc_i.fmt == 2'd3) begin
      err_o = pnc_pkg::ERR_BAD_MODE;
    end else if (desc_i.b < 4'd3 || desc_i.b > 4'd5
                 || (is_rle && (desc_i.out_b < 4'd3 || desc_i.out_b > 4'd5))) begin
      err_o = pnc_pkg::ERR_BAD_LO_BITS;
    end else if ((desc_i.skip == 2'(pnc_pkg::SKIP_AQS) && !desc_i.row_q && 9'(desc_i.r) > r_max)
                 || (is_rle && 9'(desc_i.out_r) > out_r_max)) begin
      err_o = pnc_pkg::ERR_BAD_R;
    end else if (desc_i.act_lo_addr[AW-1:0] != 0 || desc_i.act_ho_addr[AW-1:0] != 0
                 || desc_i.wt_lo_addr[AW-1:0] != 0 || desc_i.wt_ho_addr[AW-1:0] != 0
                 || desc_i.out_addr[AW-1:0] != 0
                 || (desc_i.bias_en && desc_i.bias_addr[AW-1:0] != 0)
                 || (is_rle && desc_i.out_ho_addr[AW-1:0] != 0)
                 || (desc_i.row_q && desc_i.rowq_addr[AW-1:0] != 0)) begin
      err_o = pnc_pkg::ERR_MISALIGNED;
    end else if (desc_i.fmt != 2'(pnc_pkg::FMT_INT32)
                 && (desc_i.mult == 0 || desc_i.shift == 0 || desc_i.shift > 6'd62)) begin
      err_o = pnc_pkg::ERR_BAD_RQ;
    end
  end

  // Waiver: the check reads some fields only in part (address alignment bits) or not at all.
  logic unused_desc;
  assign unused_desc = ^desc_i;

endmodule : pnc_desc_check
