// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_loop_nest: the tile-group loop of a job, `for m-tile: for ng: for mb in m-tile`
// (docs/architecture.md section 4), walked alike by pnc_req_seq (requests), pnc_join (operands)
// and pnc_post (drain).
//
// Contract
// - M-tiles: blocks of T = min(mt, MB) consecutive m-blocks (the last one may be shorter;
//   MB = ceil(M/8)); desc mt = 0 is one m-tile of all MB m-blocks, i.e. `for ng: for mb`.
// - Group (ng, mb): m-block mb of the current m-tile in n-group ng, whose weight blocks are
//   nb = ng*NumPea + p for the n_act_o = min(NumPea, NB - ng*NumPea) active PEAs p
//   (NB = ceil(N/8)). desc_i (m, n, mt) is static while a job runs.
// - start_i: the next cycle presents the first group (m-tile 0, ng 0, mb 0).
// - next_i: the next cycle presents the following group: mb + 1 inside the m-tile; after the
//   m-tile's last m-block the tile's first m-block in the next n-group; after the last n-group
//   the next m-tile's first m-block in n-group 0. next_i in the last group (last_o) changes
//   nothing; the caller ends its walk there. start_i wins over next_i.
// - Outputs are registered state and functions of it: mb_o, first_mb_o / last_mb_o (mb is the
//   first / last m-block of its m-tile), nb_base_o (ng*NumPea), n_act_o, n_act_next_o (active
//   PEAs of the next n-group of the same m-tile, 0 in the tile's last one: weight prefetch
//   does not cross m-tiles), first_ng_o / last_ng_o (ng = 0 / the last n-group), ng_odd_o (the
//   parity of the n-groups walked so far, across m-tiles: the weight buffer slot of the
//   n-group with two slots, so consecutive n-groups always alternate), last_o (the job's last
//   group).

`include "pnc_types.svh"

module pnc_loop_nest #(
    parameter  int NumPea = pnc_pkg::NUM_PEA,
    localparam int PeaW   = $clog2(NumPea + 1)
) (
    input  logic                  clk_i,
    input  logic                  rst_ni,
    input  `PNC_DESC_T            desc_i,
    input  logic                  start_i,
    input  logic                  next_i,
    output logic       [     9:0] mb_o,
    output logic                  first_mb_o,
    output logic                  last_mb_o,
    output logic       [     9:0] nb_base_o,
    output logic       [PeaW-1:0] n_act_o,
    output logic       [PeaW-1:0] n_act_next_o,
    output logic                  first_ng_o,
    output logic                  last_ng_o,
    output logic                  ng_odd_o,
    output logic                  last_o
);

  `include "pnc_assert.svh"
  `PNC_STATIC_ASSERT(NumPeaLegal_A, NumPea >= 1 && NumPea <= 16)

  logic [9:0] mb_q, t0_q, t_last_q, rem_nb_q, nb_base_q;  // rem_nb: NB - ng*NumPea
  logic first_ng_q, ng_odd_q;
  logic [9:0] mb_last, tile_n;
  logic [10:0] t_next_end;  // one past the next m-tile's last m-block, before the MB clamp
  logic last_ng, last_tile;

  assign mb_last = 10'((desc_i.m + 16'd7) >> 3) - 10'd1;
  assign tile_n = (desc_i.mt == '0 || desc_i.mt > 16'(mb_last)) ? mb_last + 10'd1 : 10'(desc_i.mt);
  assign t_next_end = 11'(t_last_q) + 11'd1 + 11'(tile_n);
  assign last_ng = rem_nb_q <= 10'(NumPea);
  assign last_tile = t_last_q == mb_last;

  // Why: the loop counters; the last group holds them (the caller stops walking).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mb_q       <= '0;
      t0_q       <= '0;
      t_last_q   <= '0;
      rem_nb_q   <= '0;
      nb_base_q  <= '0;
      first_ng_q <= 1'b0;
      ng_odd_q   <= 1'b0;
    end else if (start_i) begin
      mb_q       <= '0;
      t0_q       <= '0;
      t_last_q   <= tile_n - 10'd1;
      rem_nb_q   <= 10'((desc_i.n + 16'd7) >> 3);
      nb_base_q  <= '0;
      first_ng_q <= 1'b1;
      ng_odd_q   <= 1'b0;
    end else if (next_i) begin
      if (mb_q != t_last_q) begin
        mb_q <= mb_q + 10'd1;
      end else if (!last_ng) begin
        mb_q       <= t0_q;
        rem_nb_q   <= rem_nb_q - 10'(NumPea);
        nb_base_q  <= nb_base_q + 10'(NumPea);
        first_ng_q <= 1'b0;
        ng_odd_q   <= !ng_odd_q;
      end else if (!last_tile) begin
        mb_q       <= t_last_q + 10'd1;
        t0_q       <= t_last_q + 10'd1;
        t_last_q   <= (t_next_end > 11'(mb_last) + 11'd1) ? mb_last : 10'(t_next_end - 11'd1);
        rem_nb_q   <= 10'((desc_i.n + 16'd7) >> 3);
        nb_base_q  <= '0;
        first_ng_q <= 1'b1;
        ng_odd_q   <= !ng_odd_q;
      end
    end
  end

  assign mb_o = mb_q;
  assign first_mb_o = mb_q == t0_q;
  assign last_mb_o = mb_q == t_last_q;
  assign nb_base_o = nb_base_q;
  assign n_act_o = (rem_nb_q >= 10'(NumPea)) ? PeaW'(NumPea) : PeaW'(rem_nb_q);
  assign n_act_next_o = last_ng ? '0 : (rem_nb_q >= 10'(2 * NumPea)) ? PeaW'(NumPea)
                      : PeaW'(rem_nb_q - 10'(NumPea));
  assign first_ng_o = first_ng_q;
  assign last_ng_o = last_ng;
  assign ng_odd_o = ng_odd_q;
  assign last_o = last_mb_o && last_ng && last_tile;

  // Waiver: the loop needs the dimensions and the m-tile only.
  logic unused_desc;
  assign unused_desc = ^desc_i;

  `PNC_ASSERT_KNOWN(CtrlKnown_A, {start_i, next_i})
  `PNC_ASSERT(InTile_A, t0_q <= mb_q && mb_q <= t_last_q)

endmodule : pnc_loop_nest
