// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Dynamic workload operator: the sparse HO outer products of queued k steps on one 8x8 array of
// small signed multipliers (the PEA adds them into its accumulator, pnc_acc_bank).
//
// Contract:
// - pkt_*: one queued k step (from the PEA's DWO FIFO): xl (8 x 5-bit unsigned), xr = xh - r_eff
//   (8 x 6-bit signed), wl (8 x 5-bit signed), wh (8 x 4-bit signed), the live flags a (act HO)
//   and w (wt HO), last (final step of its tile) and bank (the tile's accumulator bank).
// - Products of a packet, one per cycle in the order HH, HL, LH, each an 8x8 outer product:
//   HH = xr x wh weighted 2^(b+4) if a & w, HL = xl x wh weighted 2^4 if w, LH = xr x wl weighted
//   2^b if a; all three if dense_i. fire_o is high in every cycle that does a product, so
//   the number of fire_o cycles is exactly a*w + w + a per packet (3 in DENSE).
// - The packet is popped (pkt_ready_o) in the cycle of its last product, or at once if it needs
//   none (a last-step marker with nothing live). Popping a last packet pulses done_o with
//   done_bank_o = its bank.
// - prod_o[i*8+j]: the current product (weighted as below), to be added into bank pkt_bank_i
//   in every fire_o cycle. Combinational.
// - The weights 2^(b+4), 2^4, 2^b are applied by shifting the column operand (14-bit signed),
//   so each cell is a 6 x 14-bit signed multiplier (pnc_outer).
module pnc_dwo (
    input  logic                 clk_i,
    input  logic                 rst_ni,
    input  logic                 dense_i,
    input  logic [    2:0]       lo_bits_i,
    input  logic                 pkt_valid_i,
    output logic                 pkt_ready_o,
    input  logic [8*5-1:0]       pkt_xl_i,
    input  logic [8*6-1:0]       pkt_xr_i,
    input  logic [8*5-1:0]       pkt_wl_i,
    input  logic [8*4-1:0]       pkt_wh_i,
    input  logic                 pkt_a_i,
    input  logic                 pkt_w_i,
    input  logic                 pkt_last_i,
    input  logic                 pkt_bank_i,
    output logic                 fire_o,
    output logic                 done_o,
    output logic                 done_bank_o,
    output logic [   63:0][31:0] prod_o
);

  `include "pnc_assert.svh"
  `include "pnc_flops.svh"

  // Product kinds, one-hot: bit 0 HH, bit 1 HL, bit 2 LH.
  logic [2:0] need, rem, cur, done_q, done_d;
  logic [3:0] shamt;
  logic       use_xr;  // row operand: xr (HH, LH) or xl (HL)
  logic       use_wh;  // column operand: wh (HH, HL) or wl (LH)

  assign need        = dense_i ? 3'b111 : {pkt_a_i, pkt_w_i, pkt_a_i & pkt_w_i};
  assign rem         = need & ~done_q;
  assign cur         = rem & (~rem + 3'd1);  // lowest remaining kind
  assign fire_o      = pkt_valid_i && (rem != '0);
  assign pkt_ready_o = pkt_valid_i && ((rem & ~cur) == '0);
  assign done_o      = pkt_ready_o && pkt_last_i;
  assign done_bank_o = pkt_bank_i;
  assign use_xr      = !cur[1];
  assign use_wh      = !cur[2];
  assign shamt       = cur[0] ? {1'b0, lo_bits_i} + 4'd4 : cur[1] ? 4'd4 : {1'b0, lo_bits_i};

  // Why: remember which products of the head packet are done; restart on each new packet.
  always_comb begin
    done_d = done_q;
    if (pkt_ready_o) done_d = '0;
    else if (fire_o) done_d = done_q | cur;
  end

  `PNC_FF(done_q, done_d, '0)

  // Operands: rows xr or xl (6-bit signed), columns wh or wl pre-shifted by the product's
  // weight (14-bit signed); |a*b| < 2^19.
  logic [ 8*6-1:0] arow;
  logic [8*14-1:0] bcol;
  for (genvar i = 0; i < 8; i++) begin : gen_rowop
    assign arow[i*6+:6] = use_xr ? pkt_xr_i[i*6+:6] : {1'b0, pkt_xl_i[i*5+:5]};
  end
  for (genvar j = 0; j < 8; j++) begin : gen_colop
    logic signed [4:0] wl, wh5, b;
    logic signed [13:0] b14;
    assign wl = pkt_wl_i[j*5+:5];
    assign wh5 = {pkt_wh_i[j*4+3], pkt_wh_i[j*4+:4]};
    assign b = use_wh ? wh5 : wl;
    assign b14 = {{9{b[4]}}, b};
    assign bcol[j*14+:14] = b14 <<< shamt;
  end

  pnc_outer #(
      .RowW(6),
      .ColW(14)
  ) u_mul (
      .row_i(arow),
      .col_i(bcol),
      .prod_o
  );

  `PNC_ASSERT_KNOWN_IF(PktKnown_A, {pkt_xl_i, pkt_xr_i, pkt_wl_i, pkt_wh_i, pkt_a_i, pkt_w_i,
                                    pkt_last_i, pkt_bank_i}, pkt_valid_i)

endmodule
