// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// One processing-element array: an 8x8 output-stationary tile computed by the SWO (dense LL),
// the DWO (sparse HH/HL/LH, pnc_dwo) and the CS (compensation), with double-tile processing.
// The SWO and the CS are 8x8 multiplier arrays (pnc_outer) on the decoded lanes.
//
// Contract:
// - cfg (static per job): lo_bits_i = b (3..5), sbr_i (weight LO lanes 5-bit signed, else 4-bit
//   unsigned), dense_i (DWO does HH, HL, LH on every step).
// - Each activation lane i (= tile row) takes its r_eff (0 in DENSE/ZERO_SKIP) and z from
//   step_row_r_i[i*5 +: 5] and step_row_z_i[i*8 +: 8]; they come with every step and are the
//   same for all steps of a tile (a per-tensor job gives every lane the job's values).
// - step_*: one k step of the tile: activation LO/HO-payload lanes, weight LO/HO lanes, the two
//   HO live flags and step_last (k = K-1). The step is accepted (swo_fire_o) when the SWO's
//   current bank is free and, if the step needs the DWO, the DWO queue has room. step_ready_o
//   depends on step_valid's live/last flags (a step that needs no DWO work passes a full queue).
// - tile_*: Y of the tile, element (row i = activation lane, col j = weight lane) at
//   [(i*8+j)*32 +: 32], compensation included, bias not. Tiles come out in step order.
// - perf: swo_fire_o per accepted step (so SWO_BUSY = tiles * K); dwo_fire_o per DWO outer
//   product (a*w + w + a per step, 3 per step in DENSE); dwo_full_o when a valid step needing
//   the DWO is refused because the queue is full.
//
// Scheme (double-tile processing):
// - Lanes are decoded once: xl, xr = ((payload + r_eff) mod 2^(8-b)) - r_eff, wl, wh and the
//   rebuilt weight w = 16*wh + wl.
// - The SWO products xl x wl and the CS terms (2^b*r_eff - z) x w of a step are added into the
//   accumulator in the cycle the step is accepted, so the SWO runs at one step per cycle. A
//   step with a live HO vector (or any step in DENSE, or the tile's last step, which marks the
//   tile end for the DWO) is pushed into a FIFO of DWO_FIFO_DEPTH packets; the DWO drains it at
//   one product per cycle (1..3 cycles per packet, 1 cycle without product for a last-step
//   marker with nothing live).
// - One two-bank accumulator (pnc_acc_bank) takes the SWO + CS sum of each accepted step and
//   the DWO products, each into its tile's bank. The SWO toggles its bank after a tile's last
//   step, so it starts the next tile while the DWO still works on the previous one. It stalls
//   only if its next bank still holds an undrained tile (both banks in flight).
// - A tile is presented on tile_* once the SWO finished it and the DWO retired its last packet;
//   tile_acc_o = SWO + DWO + (2^b*r_eff - z) * colsum of that bank (the bank registers, stable
//   while waiting), with r_eff and z of the element's row. The drain clears the bank.
module pnc_pea (
    input  logic             clk_i,
    input  logic             rst_ni,
    // configuration
    input  logic [      2:0] lo_bits_i,
    input  logic             sbr_i,
    input  logic             dense_i,
    // k steps
    input  logic             step_valid_i,
    output logic             step_ready_o,
    input  logic [     39:0] step_act_lo_i,
    input  logic [     39:0] step_act_ho_i,
    input  logic             step_act_live_i,
    input  logic [     39:0] step_wt_lo_i,
    input  logic [     31:0] step_wt_ho_i,
    input  logic             step_wt_live_i,
    input  logic             step_last_i,
    input  logic [  8*5-1:0] step_row_r_i,
    input  logic [  8*8-1:0] step_row_z_i,
    // tile results
    output logic             tile_valid_o,
    input  logic             tile_ready_i,
    output logic [64*32-1:0] tile_acc_o,
    // performance events
    output logic             swo_fire_o,
    output logic             dwo_fire_o,
    output logic             dwo_full_o
);

  `include "pnc_assert.svh"

  localparam int PktW = 40 + 48 + 40 + 32 + 4;

  // ---- lane decode ---------------------------------------------------------------------
  logic [ 8*5-1:0] xl;  // activation LO, unsigned
  logic [ 8*6-1:0] xr;  // activation HO residual xh - r_eff, signed
  logic [ 8*5-1:0] wl;  // weight LO, signed (plain LO is 0..15)
  logic [ 8*4-1:0] wh;  // weight HO, signed
  logic [ 8*9-1:0] w9;  // rebuilt weight 16*wh + wl
  logic [8*11-1:0] coef;  // 2^b * r_eff - z per activation lane

  for (genvar i = 0; i < 8; i++) begin : gen_act_lane
    logic [4:0] r;  // r_eff of the lane
    logic [7:0] z;  // zero point of the lane
    logic [4:0] p;  // payload lane, zero-extended
    logic [4:0] sum;  // payload + r_eff (mod 32 is enough: at most 5 bits are kept)
    logic [4:0] xh;  // (payload + r_eff) mod 2^(8-b)
    assign xl[i*5 +: 5] = (lo_bits_i == 3'd3) ? {2'd0, step_act_lo_i[i*3 +: 3]} :
                          (lo_bits_i == 3'd5) ? step_act_lo_i[i*5 +: 5] :
                                                {1'd0, step_act_lo_i[i*4 +: 4]};
    assign p   = (lo_bits_i == 3'd3) ? step_act_ho_i[i*5 +: 5] :
                 (lo_bits_i == 3'd5) ? {2'd0, step_act_ho_i[i*3 +: 3]} :
                                       {1'd0, step_act_ho_i[i*4 +: 4]};
    assign r = step_row_r_i[i*5+:5];
    assign z = step_row_z_i[i*8+:8];
    assign sum = p + r;
    assign xh  = (lo_bits_i == 3'd3) ? sum[4:0] :
                 (lo_bits_i == 3'd5) ? {2'd0, sum[2:0]} : {1'd0, sum[3:0]};
    assign xr[i*6+:6] = {1'b0, xh} - {1'b0, r};
    // r << b <= 255 for legal r; 11 bits hold any 5-bit r << 5.
    assign coef[i*11+:11] = 11'({6'd0, r} << lo_bits_i) - {3'd0, z};
  end

  for (genvar j = 0; j < 8; j++) begin : gen_wt_lane
    assign wl[j*5+:5] = sbr_i ? step_wt_lo_i[j*5+:5] : {1'b0, step_wt_lo_i[j*4+:4]};
    assign wh[j*4+:4] = step_wt_ho_i[j*4+:4];
    assign w9[j*9 +: 9] = {step_wt_ho_i[j*4+3], step_wt_ho_i[j*4 +: 4], 4'd0} +
                          {{4{wl[j*5+4]}}, wl[j*5 +: 5]};
  end

  // ---- step acceptance and bank control ------------------------------------------------
  logic swo_bank_q, out_bank_q;
  logic [1:0] swo_done_q, dwo_done_q;
  logic bank_free, needs_dwo, step_fire, drain;
  logic fifo_in_ready, fifo_out_valid, fifo_out_ready;
  logic [PktW-1:0] pkt_in, pkt_out;
  logic dwo_done, dwo_done_bank;

  assign bank_free    = !swo_done_q[swo_bank_q];
  assign needs_dwo    = dense_i || step_act_live_i || step_wt_live_i || step_last_i;
  assign step_ready_o = bank_free && (!needs_dwo || fifo_in_ready);
  assign step_fire    = step_valid_i && step_ready_o;
  assign tile_valid_o = swo_done_q[out_bank_q] && dwo_done_q[out_bank_q];
  assign drain        = tile_valid_o && tile_ready_i;

  assign swo_fire_o   = step_fire;
  assign dwo_full_o   = step_valid_i && bank_free && needs_dwo && !fifo_in_ready;

  // Why: bank bookkeeping; a bank is set done by its side's last step and freed by the drain
  // (never the same bank in one cycle: the SWO only writes a free bank, the drain a done one).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      swo_bank_q <= 1'b0;
      out_bank_q <= 1'b0;
      swo_done_q <= '0;
      dwo_done_q <= '0;
    end else begin
      if (step_fire && step_last_i) begin
        swo_done_q[swo_bank_q] <= 1'b1;
        swo_bank_q             <= !swo_bank_q;
      end
      if (dwo_done) dwo_done_q[dwo_done_bank] <= 1'b1;
      if (drain) begin
        swo_done_q[out_bank_q] <= 1'b0;
        dwo_done_q[out_bank_q] <= 1'b0;
        out_bank_q             <= !out_bank_q;
      end
    end
  end

  // ---- operators ---------------------------------------------------------------------------
  logic [63:0][31:0] swo_prod, cs_comp, sta_add, dwo_prod;
  logic dwo_bank;

  // SWO: xl (unsigned, as 6-bit signed) x wl. CS: coef x w, the compensation term of the step
  // (a tile's lanes keep one coef, so the accumulated terms are coef[i] * colsum[j]).
  logic [8*6-1:0] xl6;
  for (genvar i = 0; i < 8; i++) begin : gen_xl6
    assign xl6[i*6+:6] = {1'b0, xl[i*5+:5]};
  end

  pnc_outer #(
      .RowW(6),
      .ColW(5)
  ) u_swo (
      .row_i (xl6),
      .col_i (wl),
      .prod_o(swo_prod)
  );

  pnc_outer #(
      .RowW(11),
      .ColW(9)
  ) u_cs (
      .row_i (coef),
      .col_i (w9),
      .prod_o(cs_comp)
  );

  // Why: the SWO and CS terms of a step go into the same bank in the same cycle (one function
  // assigned once: see pnc_outer).
  function automatic logic [64*32-1:0] add_lanes(input logic [64*32-1:0] a,
                                                 input logic [64*32-1:0] b);
    for (int e = 0; e < 64; e++) add_lanes[e*32+:32] = a[e*32+:32] + b[e*32+:32];
  endfunction
  assign sta_add = add_lanes(swo_prod, cs_comp);

  assign pkt_in  = {swo_bank_q, step_last_i, step_act_live_i, step_wt_live_i, wh, wl, xr, xl};

  pnc_fifo #(
      .Width(PktW),
      .Depth(pnc_pkg::DWO_FIFO_DEPTH)
  ) u_dwo_fifo (
      .clk_i,
      .rst_ni,
      .clr_i      (1'b0),
      .in_valid_i (step_valid_i && bank_free && needs_dwo),
      .in_ready_o (fifo_in_ready),
      .in_data_i  (pkt_in),
      .out_valid_o(fifo_out_valid),
      .out_ready_i(fifo_out_ready),
      .out_data_o (pkt_out),
      // Waiver: the occupancy is not needed (fullness comes from in_ready_o).
      /* verilator lint_off PINCONNECTEMPTY */
      .count_o    ()
      /* verilator lint_on PINCONNECTEMPTY */
  );

  pnc_dwo u_dwo (
      .clk_i,
      .rst_ni,
      .dense_i,
      .lo_bits_i,
      .pkt_valid_i(fifo_out_valid),
      .pkt_ready_o(fifo_out_ready),
      .pkt_xl_i   (pkt_out[0+:40]),
      .pkt_xr_i   (pkt_out[40+:48]),
      .pkt_wl_i   (pkt_out[88+:40]),
      .pkt_wh_i   (pkt_out[128+:32]),
      .pkt_w_i    (pkt_out[160]),
      .pkt_a_i    (pkt_out[161]),
      .pkt_last_i (pkt_out[162]),
      .pkt_bank_i (pkt_out[163]),
      .fire_o     (dwo_fire_o),
      .done_o     (dwo_done),
      .done_bank_o(dwo_done_bank),
      .prod_o     (dwo_prod)
  );
  assign dwo_bank = pkt_out[163];

  // ---- tile result -------------------------------------------------------------------------
  pnc_acc_bank #(
      .Lanes(64),
      .Width(32),
      .Ports(2)
  ) u_acc (
      .clk_i,
      .rst_ni,
      .en_i      ({dwo_fire_o, step_fire}),
      .bank_i    ({dwo_bank, swo_bank_q}),
      .add_i     ({dwo_prod, sta_add}),
      .clr_i     (drain),
      .clr_bank_i(out_bank_q),
      .rd_bank_i (out_bank_q),
      .acc_o     (tile_acc_o)
  );

  `PNC_ASSERT_KNOWN_IF(StepKnown_A, {step_act_lo_i, step_act_ho_i, step_act_live_i, step_wt_lo_i,
                                     step_wt_ho_i, step_wt_live_i, step_last_i}, step_valid_i)
  `PNC_ASSERT_KNOWN_IF(StepRowKnown_A, {step_row_r_i, step_row_z_i}, step_valid_i)

  logic mid_tile_q;  // the last accepted step was not its tile's last
  logic [8*13-1:0] row_prev_q;  // lane r and z of that step

  // Why: a tile's lanes keep one z and r (the accumulated CS terms rely on it).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mid_tile_q <= 1'b0;
      row_prev_q <= '0;
    end else if (step_fire) begin
      mid_tile_q <= !step_last_i;
      row_prev_q <= {step_row_r_i, step_row_z_i};
    end
  end
  `PNC_ASSERT(RowStableInTile_A,
              !(step_valid_i && mid_tile_q) || {step_row_r_i, step_row_z_i} == row_prev_q)
  `PNC_ASSERT_STREAM(TileStream_A, tile_valid_o, tile_ready_i, tile_acc_o)
  `PNC_ASSERT(DwoDoneFree_A, !(dwo_done && dwo_done_q[dwo_done_bank]))
  `PNC_ASSERT(LoBitsLegal_A, !step_valid_i || (lo_bits_i >= 3'd3 && lo_bits_i <= 3'd5))

endmodule
