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
//   BAD_RQ (not INT32 and mult = 0 or shift outside 1..62), BAD_BLOCK (mt > 0 and the
//   worst-case activation streams of min(mt, MB) m-blocks do not fit the activation buffer's
//   banks of AbufBytes/2: LO align_B(K*b) (+ align_B(16) with row_q), HO align_B(8 + K*(9-b));
//   always with AbufBytes = 0). With row_q the per-row r values are the host's to keep in range.
`include "pnc_types.svh"

module pnc_desc_check #(
    parameter int AbufBytes = pnc_pkg::ABUF_BYTES  // activation buffer bytes (0: none)
) (
    input  `PNC_DESC_T       desc_i,
    output logic       [7:0] err_o
);

  localparam int AW = $clog2(pnc_pkg::AXI_DATA_W / 8);  // address bits below a bus beat
  localparam int BeatBytes = pnc_pkg::AXI_DATA_W / 8;
  localparam int RowqStride = (2 * pnc_pkg::V + BeatBytes - 1) / BeatBytes * BeatBytes;

  // Activation-buffer fit: m-blocks of an m-tile (at most MB) times each bank's worst-case unit.
  logic [9:0] mb_n, mt_eff;
  logic [23:0] lo_unit, ho_unit;
  logic [33:0] lo_need, ho_need;
  logic abuf_fits;
  assign mb_n = 10'((desc_i.m + 16'd7) >> 3);
  assign mt_eff = (desc_i.mt > 16'(mb_n)) ? mb_n : 10'(desc_i.mt);
  assign lo_unit   = ((24'(desc_i.k) * 24'(desc_i.b[2:0]) + 24'(BeatBytes - 1))
                      & ~(24'(BeatBytes - 1))) + (desc_i.row_q ? 24'(RowqStride) : 24'd0);
  assign ho_unit   = (24'd8 + 24'(desc_i.k) * 24'(4'd9 - desc_i.b) + 24'(BeatBytes - 1))
                     & ~(24'(BeatBytes - 1));
  assign lo_need = 34'(mt_eff) * 34'(lo_unit);
  assign ho_need = 34'(mt_eff) * 34'(ho_unit);
  assign abuf_fits = AbufBytes != 0 && lo_need <= 34'(AbufBytes / 2)
                     && ho_need <= 34'(AbufBytes / 2);

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
    end else if (desc_i.mt != 0 && !abuf_fits) begin
      err_o = pnc_pkg::ERR_BAD_BLOCK;
    end
  end

  // Waiver: the check reads some fields only in part (address alignment bits) or not at all.
  logic unused_desc;
  assign unused_desc = ^desc_i;

endmodule : pnc_desc_check
