// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_post_wr: write-command engine of the output path: issues a batch of write commands to
// pnc_axi_wr and sends their data beats, which the formatter (pnc_post) supplies beat by beat.
//
// Contract
// - load_i: a batch of ncmd_i >= 1 commands, the first at addr_i. Command 0 has beats0_i beats,
//   every later one beats_i. After a command is accepted the next one's address is jump_addr_i
//   if jump_i, else the previous address + step_i; cmd_addr_o is that address rounded down to
//   a beat (AXI_DATA_W/8 bytes; the formatter strobes the bytes of the write inside it). The
//   batch runs while run_i is high; the
//   formatter keeps beats*, step_i, jump* stable meanwhile.
// - Commands and data overlap: the data of a command is sent once the command has been accepted;
//   several commands may be accepted ahead of their data. beat_cmd_o / beat_idx_o name the beat
//   presented on wd_* (its command, its index in the command); the formatter answers with
//   fmt_data_i / fmt_strb_i in the same cycle. done_o pulses with the batch's last beat.
// - freeze_i (an abort arriving): the batch counters hold in this cycle.
// - flush_i (after an abort): no new command; a command presented without ready in the cycle
//   before is held until accepted; a data beat presented without ready is held unchanged (data
//   and strobes) until sent, and every other beat owed to an accepted command is sent with zero
//   strobes. flushed_o: nothing is held or owed any more.
module pnc_post_wr #(
    localparam int DW = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,

    // Batch from the formatter
    input  logic            load_i,
    input  logic [     9:0] ncmd_i,
    input  logic [    31:0] addr_i,
    input  logic [    15:0] beats0_i,
    input  logic [    15:0] beats_i,
    input  logic [    31:0] step_i,
    input  logic            jump_i,
    input  logic [    31:0] jump_addr_i,
    input  logic            run_i,
    input  logic            freeze_i,
    input  logic            flush_i,
    output logic [     9:0] beat_cmd_o,
    output logic [     3:0] beat_idx_o,
    input  logic [  DW-1:0] fmt_data_i,
    input  logic [DW/8-1:0] fmt_strb_i,
    output logic            done_o,
    output logic            flushed_o,

    // Write path (pnc_axi_wr)
    output logic            cmd_valid_o,
    input  logic            cmd_ready_i,
    output logic [    31:0] cmd_addr_o,
    output logic [    15:0] cmd_beats_o,
    output logic            wd_valid_o,
    input  logic            wd_ready_i,
    output logic [  DW-1:0] wd_data_o,
    output logic [DW/8-1:0] wd_strb_o
);

  `include "pnc_assert.svh"
  `include "pnc_flops.svh"

  logic [     9:0] ci_q;  // commands accepted
  logic [     9:0] di_q;  // commands whose data is sent
  logic [     3:0] dbeat_q;  // beats of command di_q sent
  logic [     9:0] ncmd_q;
  logic [    31:0] cmd_addr_q;
  logic [    15:0] owed_q;  // beats of accepted commands not yet sent
  logic            cmd_hold_q;  // cmd_valid was up without ready in the previous cycle
  logic            wd_hold_q;  // wd_valid was up without ready in the previous cycle
  logic [  DW-1:0] wd_data_q;  // the beat presented in the previous cycle (held during a flush)
  logic [DW/8-1:0] wd_strb_q;
  logic cmd_fire, wd_fire, data_last;
  logic [15:0] d_beats;

  assign cmd_valid_o = run_i ? (ci_q < ncmd_q) : flush_i ? cmd_hold_q : 1'b0;
  // A command goes to the beat holding its first byte; the formatter strobes the bytes inside.
  assign cmd_addr_o = cmd_addr_q & ~(32'(DW / 8 - 1));
  assign cmd_beats_o = (ci_q == '0) ? beats0_i : beats_i;
  assign cmd_fire = cmd_valid_o && cmd_ready_i;
  assign d_beats = (di_q == '0) ? beats0_i : beats_i;
  assign data_last = 16'(dbeat_q) == d_beats - 16'd1;
  assign beat_cmd_o = di_q;
  assign beat_idx_o = dbeat_q;
  assign done_o = run_i && wd_fire && data_last && di_q + 10'd1 == ncmd_q;
  assign flushed_o = !cmd_hold_q && owed_q == '0;

  // Why: one continuous assignment per output, not an always_comb with defaults. Such a block
  // writes each output twice per run (default, then value) and Icarus 11 propagates both: each
  // change of fmt_data_i put a 0-then-value glitch on wd_data/wd_strb/wd_valid into the byte
  // count of pnc_axi_wr and the counter increments of pnc_regs, and from there into the blocks
  // of pnc_join, pnc_ctrl and the PEAs that re-run on any event of their vector inputs; that
  // ring of glitches never settled, so the time step never ended (Verilator is unaffected).
  assign wd_valid_o = run_i ? di_q < ci_q : flush_i && owed_q != '0;
  assign wd_data_o = run_i ? fmt_data_i : (flush_i && wd_hold_q) ? wd_data_q : '0;
  assign wd_strb_o = run_i ? fmt_strb_i : (flush_i && wd_hold_q) ? wd_strb_q : '0;
  assign wd_fire = wd_valid_o && wd_ready_i;

  // Why: the batch: commands accepted, data sent (command and beat), the next command's address.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ci_q       <= '0;
      di_q       <= '0;
      dbeat_q    <= '0;
      ncmd_q     <= '0;
      cmd_addr_q <= '0;
    end else if (load_i) begin
      ci_q       <= '0;
      di_q       <= '0;
      dbeat_q    <= '0;
      ncmd_q     <= ncmd_i;
      cmd_addr_q <= addr_i;
    end else if (run_i && !freeze_i) begin
      if (cmd_fire) begin
        ci_q       <= ci_q + 10'd1;
        cmd_addr_q <= jump_i ? jump_addr_i : cmd_addr_q + step_i;
      end
      if (wd_fire) begin
        if (data_last) begin
          dbeat_q <= '0;
          di_q    <= di_q + 10'd1;
        end else begin
          dbeat_q <= dbeat_q + 4'd1;
        end
      end
    end
  end

  // Why: accepted-but-unsent beats must be sent even on abort (AXI needs every W beat).
  `PNC_FF(owed_q, owed_q + (cmd_fire ? cmd_beats_o : 16'd0) - (wd_fire ? 16'd1 : 16'd0), '0)
  `PNC_FF(cmd_hold_q, cmd_valid_o && !cmd_ready_i, 1'b0)
  `PNC_FF(wd_hold_q, wd_valid_o && !wd_ready_i, 1'b0)

  // Why: a beat stalled when an abort arrives must stay on the bus unchanged until it is taken
  // (stream rule, AXI W); the flush replays this copy instead of a zero-strobe beat.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wd_data_q <= '0;
      wd_strb_q <= '0;
    end else if (wd_valid_o && !wd_ready_i) begin
      wd_data_q <= wd_data_o;
      wd_strb_q <= wd_strb_o;
    end
  end

  `PNC_ASSERT_STREAM(CmdStream, cmd_valid_o, cmd_ready_i, {cmd_addr_o, cmd_beats_o})
  `PNC_ASSERT_STREAM(WdStream, wd_valid_o, wd_ready_i, {wd_data_o, wd_strb_o})
  `PNC_ASSERT(CmdAligned, !cmd_valid_o || cmd_addr_o[$clog2(DW/8)-1:0] == '0)
  `PNC_ASSERT(NoOwedUnderflow, !(wd_fire && owed_q == '0 && !cmd_fire))
  `PNC_ASSERT(BatchLegal, !load_i || ncmd_i != '0)
  `PNC_ASSERT(NoLoadWhileBusy, !(load_i && run_i))
  // The batch description is held from load to done (an abort may end the batch early).
  `PNC_ASSERT_STREAM_CLR(BatchHeld, run_i, done_o, {beats0_i, beats_i, step_i, jump_i, jump_addr_i
                         }, freeze_i || flush_i)
  `PNC_ASSERT_KNOWN_IF(FmtKnown, {fmt_data_i, fmt_strb_i}, wd_valid_o && run_i)

endmodule : pnc_post_wr
