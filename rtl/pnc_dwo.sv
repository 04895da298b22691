// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Dynamic workload operator: the sparse HO outer products of queued k steps on one 8x8 array of
// small signed multipliers into a two-bank accumulator (pnc_acc_bank).
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
// - clr_i zeroes bank clr_bank_i; acc_o is bank rd_bank_i ((i*8+j)*32, registered state).
// - The weights 2^(b+4), 2^4, 2^b are applied by shifting the column operand (14-bit signed),
//   so each cell is a 6 x 14-bit signed multiplier (written as a 32-bit product).
module pnc_dwo (
    input  logic             clk_i,
    input  logic             rst_ni,
    input  logic             dense_i,
    input  logic [      2:0] lo_bits_i,
    input  logic             pkt_valid_i,
    output logic             pkt_ready_o,
    input  logic [  8*5-1:0] pkt_xl_i,
    input  logic [  8*6-1:0] pkt_xr_i,
    input  logic [  8*5-1:0] pkt_wl_i,
    input  logic [  8*4-1:0] pkt_wh_i,
    input  logic             pkt_a_i,
    input  logic             pkt_w_i,
    input  logic             pkt_last_i,
    input  logic             pkt_bank_i,
    output logic             fire_o,
    output logic             done_o,
    output logic             done_bank_o,
    input  logic             clr_i,
    input  logic             clr_bank_i,
    input  logic             rd_bank_i,
    output logic [64*32-1:0] acc_o
);

  `include "pnc_assert.svh"

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

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) done_q <= '0;
    else done_q <= done_d;
  end

  // Column operands, pre-shifted by the product's weight and sign-extended to 32 bits (shared
  // by the 8 cells of a column; an array, not part-selects of one bus, so that a simulator
  // propagates a change of one column to its 8 cells only).
  logic signed [31:0] bcol[8];
  for (genvar j = 0; j < 8; j++) begin : gen_colop
    logic signed [4:0] wl, wh5, b;
    logic signed [13:0] b14, bsh;
    assign wl = pkt_wl_i[j*5+:5];
    assign wh5 = {pkt_wh_i[j*4+3], pkt_wh_i[j*4+:4]};
    assign b = use_wh ? wh5 : wl;
    assign b14 = {{9{b[4]}}, b};
    assign bsh = b14 <<< shamt;
    assign bcol[j] = {{18{bsh[13]}}, bsh};
  end

  logic [63:0][31:0] prod;  // lane e = i*8+j

  for (genvar i = 0; i < 8; i++) begin : gen_row
    logic signed [ 5:0] a6;
    logic signed [31:0] a;
    assign a6 = use_xr ? pkt_xr_i[i*6+:6] : {1'b0, pkt_xl_i[i*5+:5]};
    assign a  = {{26{a6[5]}}, a6};
    for (genvar j = 0; j < 8; j++) begin : gen_col
      assign prod[i*8+j] = a * bcol[j];  // |a*b| < 2^19: exact in 32 bits
    end
  end

  pnc_acc_bank #(
      .Lanes(64),
      .Width(32)
  ) u_acc (
      .clk_i,
      .rst_ni,
      .en_i  (fire_o),
      .bank_i(pkt_bank_i),
      .add_i (prod),
      .clr_i,
      .clr_bank_i,
      .rd_bank_i,
      .acc_o
  );

  `PNC_ASSERT_KNOWN_IF(PktKnown_A, {pkt_xl_i, pkt_xr_i, pkt_wl_i, pkt_wh_i, pkt_a_i, pkt_w_i,
                                    pkt_last_i, pkt_bank_i}, pkt_valid_i)

endmodule
