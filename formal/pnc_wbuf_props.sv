// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_wbuf: the output streams' contract and the output FIFO's credit scheme.
//
// Asserted (the block's promises), for both streams, buffered (fits_i = 1) and pass-through:
//   out_* obeys the stream rule with clear (the RTL's OutStream_A check): a word offered on
//     out_* stays, unchanged with its last flag, until taken or cleared.
//   The output FIFO never overflows (ObNoOverflow_A): a word read from the bank is started only
//     with room reserved for it (FIFO count + read in flight <= 2), and one source at a time
//     feeds it (OnePushSource_A); no unit overflows its slot (NoOverflowSeen_A).
//   The command queues' and output FIFO's own stream checks (pnc_fifo OutStream_A).
//   Plus every run-time check the RTL carries (formal/pnc_assert_formal.svh).
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   W1  fits_i is static (constant out of reset: one job's setting).
//   W2  the controller keeps its side of the buffer contract, as the RTL's own checks state it:
//       a unit fits its slot (StoreFits_A), an HO unit's last word by count carries in_last
//       (HoEndsWithLast_A), a PLAY names a slot that holds a unit or has a LOAD queued
//       (PlayHasUnit_A). These are promises of pnc_ctrl and the unit format, not of this block.
//   W3  single buffering uses slot 0 only (the contract): a LOAD into slot 1 does not start
//       while slot 0 holds a unit longer than a slot (it would overwrite that unit's upper
//       words; pnc_req_seq uses two slots only for units of at most half a bank), nor while
//       slot 0 is refilled behind its last PLAY. The RTL checks it in simulation
//       (SingleSlotOnly_A in pnc_wbuf.sv).
//
// Induction strengthening (the writer/reader state, per stream): a slot done is full; a slot
// full but not done is the writer's; the writer count within w_cap; a stored unit's length
// within its slot (slot 0 within the bank only while slot 1 is free); the reader count within
// the stored unit, behind the writer on a unit being stored, 0 on a unit not yet started; during
// a refill (single buffering) the writer at or behind the reader of the old unit.
// Together they keep the bank's read and write addresses apart (pnc_ram_1r1w NoCollision_A).
`include "pnc_formal.svh"

module pnc_wbuf_props #(
    parameter  int WbufBytes = 64,  // 4 words per bank, 2 per slot
    localparam int DW        = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,
    input logic clear_i,
    input logic fits_i,

    input logic load_i,
    input logic load_slot_i,
    input logic play_i,
    input logic play_slot_i,
    input logic play_last_i,

    input logic [1:0]         in_valid_i,
    input logic [1:0][DW-1:0] in_data_i,
    input logic [1:0]         in_last_i,
    input logic [1:0]         out_ready_i
);
  `PNC_F_RESET

  localparam int BankDepth = WbufBytes / (DW / 4);  // words per stream bank
  localparam int SlotDepth = BankDepth / 2;

  logic load_ready_o, play_ready_o, idle_o;
  logic [1:0] in_ready_o, out_valid_o, out_last_o;
  logic [1:0][DW-1:0] out_data_o;

  pnc_wbuf #(.WbufBytes(WbufBytes)) u_dut (.*);

  logic fits_q;
  always_ff @(posedge clk_i) fits_q <= fits_i;
  always @(*) if (f_past_q) W1_FitsStatic: assume (fits_i == fits_q);

  logic [1:0] w2_ok;  // per stream; one label (Yosys cannot label in a generate loop)
  always @(*) W2_CtrlContract: assume (&w2_ok);
  logic [1:0] w3_ok;
  always @(*) W3_SingleSlot: assume (&w3_ok);

  for (genvar s = 0; s < 2; s++) begin : gen_w
    // ---- probes (driven by `connect` in pnc_wbuf.sby)
    `PNC_F_FIFO_PTRS(lq, 2)
    `PNC_F_FIFO_PTRS(pq, 2)
    `PNC_F_FIFO_PTRS(ob, 2)
    logic f_w_acc, f_w_end, f_r_start, f_lq_valid, f_pq_slot, f_w_act, f_r_act, f_rv, f_ovf;
    logic [1:0] f_full;
    logic [23:0] f_w_cnt, f_w_cap;
    logic f_w_slot, f_r_slot, f_w_start, f_lq_slot;
    logic [1:0] f_done;
    logic [23:0] f_len0, f_len1, f_r_cnt;
    logic f_r_old;  // the reader plays a slot's last PLAY while a LOAD refills it
    logic [23:0] f_r_old_len;

    // W2: StoreFits_A, HoEndsWithLast_A, PlayHasUnit_A
    assign w2_ok[s] = !(fits_i && f_w_acc && f_w_cnt >= f_w_cap)
                      && !(s == 1 && fits_i && f_w_acc && f_w_end && !in_last_i[s])
                      && !(f_r_start && !f_full[f_pq_slot] && !f_lq_valid);
    // W3: single buffering (a unit longer than a slot in slot 0) uses slot 0 only
    assign w3_ok[s] = !(f_w_start && f_lq_slot && ((f_full[0] && f_done[0]
                        && 32'(f_len0) > SlotDepth) || f_r_old));

    // ---- induction strengthening
    always @(*) begin
      if (rst_ni) begin
        assert (!f_ovf);
        assert (32'(f_ob_cnt) + 32'(f_rv) <= 2);  // the read credit
        if (f_past_q) assert (fits_i || !(f_w_act || f_r_act || f_rv));  // no buffer use
        // Slots: a stored unit is one not yet freed; a slot is receiving iff the writer is on it.
        assert (!f_done[0] || f_full[0]);
        assert (!f_done[1] || f_full[1]);
        assert ((f_full[0] && !f_done[0]) == (f_w_act && !f_w_slot));
        assert ((f_full[1] && !f_done[1]) == (f_w_act && f_w_slot));
        // Writer within its slot; a stored unit within its slot, slot 0 within the bank only
        // while slot 1 is free.
        assert (!f_w_act || f_w_cnt <= f_w_cap);
        assert (!f_done[0] || 32'(f_len0) <= (f_full[1] ? SlotDepth : BankDepth));
        assert (!f_done[1] || 32'(f_len1) <= SlotDepth);
        // Reader behind the unit it plays: within a stored unit, behind the writer of a unit
        // being stored, at its start while its unit has not started.
        assert (!f_r_act || f_r_old || (f_done[f_r_slot] ? f_r_cnt <= (f_r_slot ? f_len1 : f_len0)
            : (f_w_act && f_w_slot == f_r_slot) ? f_r_cnt <= f_w_cnt : f_r_cnt == '0));
        // A refill: slot 0 in single buffering, the reader within the old unit (at most the
        // bank), the writer on slot 0 at or behind it.
        assert (!f_r_old || (f_r_act && !f_r_slot && !f_full[1] && f_full[0]
                             && f_r_cnt <= f_r_old_len && 32'(f_r_old_len) <= BankDepth
                             && (!f_w_act || (!f_w_slot && f_w_cnt <= f_r_cnt))));
      end
    end
  end

endmodule
