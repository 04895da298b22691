// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_pea: the tile output stream's contract and the bank protocol behind it.
//
// Asserted (the block's promises):
//   tile_* obeys the stream rule (the RTL's TileStream_A check): a tile offered on tile_* stays
//     valid, every one of its 64 sums unchanged, until taken; so no step, DWO product or clear
//     touches the bank being presented.
//   Bank protocol: the DWO never retires a tile into a bank it has already finished
//     (DwoDoneFree_A); no accumulator bank is cleared while accumulated into
//     (NoClearWhileAccumulating_A of the tile accumulator); the DWO queue keeps step order:
//     a tile's packets are contiguous, its last-step packet ends them, the oldest tile's packets
//     come first.
//   Plus every run-time check the RTL carries (formal/pnc_assert_formal.svh).
//
// Method: the addends of the tile accumulator (SWO + CS terms, DWO products) are cut (free
// values in every cycle, Yosys `cutpoint`): the stream rule and the bank protocol hold for any
// value added, so the proof needs no multiplier.
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   P1  the configuration (lo_bits_i, sbr_i, dense_i) is static, with lo_bits_i in 3..5
//       (LoBitsLegal_A).
`include "pnc_formal.svh"

module pnc_pea_props (
    input logic clk_i, rst_ni, sbr_i, dense_i, tile_ready_i,
    input logic step_valid_i, step_act_live_i, step_wt_live_i, step_last_i,
    input logic [2:0] lo_bits_i,
    input logic [39:0] step_act_lo_i, step_act_ho_i, step_wt_lo_i,
    input logic [31:0] step_wt_ho_i,
    input logic [8*5-1:0] step_row_r_i,  // lane r and z: only the accumulator's addends see them
    input logic [8*8-1:0] step_row_z_i
);
  `PNC_F_RESET

  localparam int Depth = pnc_pkg::DWO_FIFO_DEPTH;
  localparam int PktW = 164;
  localparam int PW = $clog2(Depth);

  `PNC_STATIC_ASSERT(DepthPow2, (1 << PW) == Depth)

  logic step_ready_o, tile_valid_o, swo_fire_o, dwo_fire_o, dwo_full_o;
  logic [64*32-1:0] tile_acc_o;

  pnc_pea u_dut (.*);

  logic [4:0] cfg_q;
  always_ff @(posedge clk_i) cfg_q <= {lo_bits_i, sbr_i, dense_i};
  always @(*) begin
    P1_CfgLegal: assume (lo_bits_i >= 3'd3 && lo_bits_i <= 3'd5);
    if (f_past_q) P1_CfgStatic: assume ({lo_bits_i, sbr_i, dense_i} == cfg_q);
  end

  // ---- probes (driven by `connect` in pnc_pea.sby)
  logic f_swo_bank, f_out_bank;
  logic [1:0] f_swo_done, f_dwo_done;
  `PNC_F_FIFO_PTRS(df, Depth)
  logic [Depth-1:0][PktW-1:0] f_pkt;  // the DWO queue's words; [163] bank, [162] last

  // ---- induction strengthening: the bank protocol
  logic [Depth-1:0] live, bank, last;  // queue position p (0 = head): valid, its bank, last step
  always @(*) begin
    for (int p = 0; p < Depth; p++) begin
      live[p] = 32'(f_df_cnt) > p;
      bank[p] = f_pkt[PW'(f_df_rptr+PW'(p))][163];
      last[p] = f_pkt[PW'(f_df_rptr+PW'(p))][162];
    end
  end
  logic [1:0] last_queued;  // a bank's last-step packet is in the queue
  always @(*) begin
    last_queued = '0;
    for (int p = 0; p < Depth; p++) if (live[p] && last[p]) last_queued[bank[p]] = 1'b1;
  end
  always @(*) begin
    if (rst_ni) begin
      // a tile the SWO finished and the DWO did not has its last-step packet queued
      InvLastQueued: assert (last_queued == (f_swo_done & ~f_dwo_done));
      // the DWO finishes a tile after the SWO
      InvDwoAfterSwo: assert ((f_swo_done[0] || !f_dwo_done[0]) && (f_swo_done[1] || !f_dwo_done[1]));
      if (f_swo_bank != f_out_bank) begin
        InvOneAhead: assert (f_swo_done[f_out_bank] && !f_swo_done[f_swo_bank]);
      end else begin
        InvBothOrNone: assert (f_swo_done[0] == f_swo_done[1]);
        InvDwoInOrder: assert (!f_dwo_done[!f_out_bank] || f_dwo_done[f_out_bank]);
      end
    end
  end
  // the queue, position by position (no labels in the loop: Yosys does not scope them)
  for (genvar p = 0; p < Depth; p++) begin : gen_p
    always @(*) begin
      if (rst_ni && live[p]) begin
        assert (!f_dwo_done[bank[p]]);  // a finished bank gets no more packets
        if (p == 0) assert (bank[p] == f_out_bank || f_dwo_done[f_out_bank]);  // oldest first
        if (last[p]) assert (f_swo_done[bank[p]]);  // a last-step packet: the SWO is done
        else assert (p + 1 < 32'(f_df_cnt) || (bank[p] == f_swo_bank && !f_swo_done[bank[p]]));
        if (p + 1 < 32'(f_df_cnt)) begin
          assert (last[p] == (bank[p] != bank[(p+1)%Depth]));  // a tile's packets: one run
        end else if (last[p]) begin
          assert (bank[p] != f_swo_bank);  // the SWO moved on after that tile
        end
      end
    end
    // at most two tiles in flight: nothing of a tile's bank is queued behind its last packet
    for (genvar q = p + 1; q < Depth; q++) begin : gen_q
      always @(*) begin
        if (rst_ni && live[q] && last[p]) assert (bank[q] != bank[p]);
      end
    end
  end

endmodule
