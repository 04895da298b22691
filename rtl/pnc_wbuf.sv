// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_wbuf: per-PEA weight buffer; stores a PEA's weight streams once per n-group and replays
// them for every m-block of that n-group, so they are fetched over AXI once. With two slots the
// next n-group's streams are stored (prefetched) while the current one is replayed.
//
// Contract (docs/rtl-interfaces.md "pnc_wbuf", docs/architecture.md section 3)
// - Two word streams, index 0 = LO plane, 1 = HO stream: in_* from pnc_axi_rd (data, rd_last),
//   out_* to the PEA's weight decoders. Words leave in order with their last flags.
// - Each stream has its own bank of WbufBytes/2 bytes: a pnc_ram_1r1w of D = WbufBytes/(DW/4)
//   words (1024 for 16 KiB at 64 bits) of DW+1 bits (data and last flag; registered read,
//   latency 1), split into two slots of D/2 words (slot 0 from word 0, slot 1 from word D/2);
//   a unit stored in slot 0 may use the whole bank (single buffering, the controller then uses
//   slot 0 only).
// - fits_i = 0 (the job's streams do not fit): pass-through, in_* -> out_* through a 2-entry
//   FIFO per stream (one cycle latency); commands are not used.
// - fits_i = 1: two command queues (2 entries each), taken on valid && ready:
//   LOAD (load_i, load_slot_i): the next unit on in_* (both streams: LO up to its word with
//     in_last, HO ceil((8 + 5*n_records) / (DW/8)) words, n_records = bits [31:0] of its first
//     word) is stored in the slot. A stream's LOAD starts once the slot is free (its last PLAY
//     ended), or once that last PLAY runs (the slot's unit completely stored): the new unit is
//     then written behind the reader, a word only into an address the PLAY has already read
//     (single buffering prefetches the next n-group this way). It stores one word per cycle.
//   PLAY (play_i, play_slot_i, play_last_i): one per tile group; plays the unit of the slot on
//     out_* (same words, same last flags), one word per cycle per stream, reading behind the
//     writer while the unit is still being stored. PLAY with last frees the slot at its end.
//   Commands run in order per queue; LOAD and PLAY run concurrently (streams independent).
// - clear_i: synchronous soft reset (abort): drops commands, queued words and stored contents.
// - WbufBytes = 0: no buffer; out_* = in_*, command readies 1, commands ignored.
// - Combinational paths: in_ready_o depends on out_ready_i (pass-through) only; out_valid_o and
//   the command readies are registered.

`include "pnc_assert.svh"

module pnc_wbuf #(
    parameter  int WbufBytes = pnc_pkg::WBUF_BYTES,  // capacity in bytes (both banks)
    localparam int DW        = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,
    input logic clear_i,

    input logic fits_i,  // the job's weight streams are buffered (static per job)

    // LOAD commands (one per n-group unit)
    input  logic load_i,
    output logic load_ready_o,
    input  logic load_slot_i,

    // PLAY commands (one per tile group)
    input  logic play_i,
    output logic play_ready_o,
    input  logic play_slot_i,
    input  logic play_last_i,

    output logic idle_o,  // no command, no word in flight

    // Word streams from pnc_axi_rd, [0] LO plane, [1] HO stream
    input  logic [1:0]         in_valid_i,
    output logic [1:0]         in_ready_o,
    input  logic [1:0][DW-1:0] in_data_i,
    input  logic [1:0]         in_last_i,

    // Word streams to the weight decoders
    output logic [1:0]         out_valid_o,
    input  logic [1:0]         out_ready_i,
    output logic [1:0][DW-1:0] out_data_o,
    output logic [1:0]         out_last_o
);

  localparam int BankDepth = WbufBytes / (DW / 4);  // words of DW bits per stream bank
  localparam int SlotDepth = BankDepth / 2;

  // Two banks of two slots, each a whole number of DW-bit words (WbufBytes % 32 == 0 at 64 bits).
  `PNC_STATIC_ASSERT(WbufBytesLegal_A,
                     WbufBytes == 0 || (WbufBytes % (DW / 2) == 0 && WbufBytes >= DW / 2))
  `PNC_STATIC_ASSERT(DwLegal_A, DW >= 64 && DW % 64 == 0)

  if (BankDepth == 0) begin : gen_none
    assign load_ready_o = 1'b1;
    assign play_ready_o = 1'b1;
    assign idle_o       = 1'b1;
    assign out_valid_o  = in_valid_i;
    assign in_ready_o   = out_ready_i;
    assign out_data_o   = in_data_i;
    assign out_last_o   = in_last_i;

    // Waiver: without a buffer the command fields are unused (the controller never sends any).
    logic unused_cmd;
    assign unused_cmd = ^{clear_i, fits_i, load_i, load_slot_i, play_i, play_slot_i, play_last_i};

  end else begin : gen_buf
    localparam int AddrW = $clog2(BankDepth);
    localparam int CntW = 24;  // words of one stream unit (HO: up to 5*2^19/8 + 2)
    localparam int BeatShift = $clog2(DW / 8);
    localparam logic [AddrW-1:0] SlotBase = AddrW'(SlotDepth);

    logic [1:0] lq_room, pq_room, s_idle;
    assign load_ready_o = &lq_room;
    assign play_ready_o = &pq_room;
    assign idle_o       = &s_idle;

    logic push_load, push_play;
    assign push_load = load_i && load_ready_o;
    assign push_play = play_i && play_ready_o;

    for (genvar s = 0; s < 2; s++) begin : gen_s
      // ---- command queues (2 entries each): heads
      logic lq_valid, lq_slot, pq_valid, pq_slot, pq_last;

      // ---- slots, writer and reader
      logic [1:0] full_q;  // slot holds (or is receiving) a unit not yet freed
      logic [1:0] done_q;  // that unit is completely stored
      logic [CntW-1:0] len0_q, len1_q;  // its words per slot (valid with done_q)
      logic [CntW-1:0] r_len;  // words of the slot being played
      logic w_act_q, w_slot_q;
      logic [CntW-1:0] w_cnt_q;
      logic r_act_q, r_slot_q, r_last_q;
      logic [CntW-1:0] r_cnt_q;
      // The last PLAY of a slot while a LOAD refills it behind the reader: the played unit's
      // length, kept apart from the slot state, which is the new unit's.
      logic r_old_q;
      logic [CntW-1:0] r_old_len_q;
      logic ovf_q;  // a unit exceeded its slot (controller bug)

      // ---- bank and output FIFO (pnc_stream_bank)
      logic credit, empty;

      // ---- writer
      logic w_start, w_acc, w_end, w_refill, w_behind;
      logic [CntW-1:0] w_cap;
      // Refill (single buffering: slot 0 with slot 1 free): the slot's last PLAY is running on
      // a completely stored unit.
      assign w_refill = r_act_q && r_last_q && !r_old_q && !r_slot_q && !lq_slot && !full_q[1]
                        && done_q[0];
      assign w_start = fits_i && !w_act_q && lq_valid && (!full_q[lq_slot] || w_refill);
      // A refilling writer stores a word only where the reader has already read.
      assign w_behind = !r_old_q || w_cnt_q < r_cnt_q;
      assign w_acc = fits_i ? (w_act_q && w_behind && in_valid_i[s]) : (in_valid_i[s] && credit);
      assign in_ready_o[s] = fits_i ? w_act_q && w_behind : credit;
      if (s == 0) begin : gen_lo_end
        assign w_end = in_last_i[s];
      end else begin : gen_ho_end
        // HO words of the unit from its header word (n_records too large: never ends by count;
        // the controller aborts on such a header).
        logic [CntW-1:0] hdr_tot, ho_tot_q;
        assign hdr_tot = (|in_data_i[s][31:19]) ? '1 :
            CntW'((CntW'(in_data_i[s][18:0]) * CntW'(5) + CntW'(8 + DW / 8 - 1)) >> BeatShift);
        assign w_end = (w_cnt_q == '0) ? (hdr_tot == CntW'(1)) : (w_cnt_q + CntW'(1) == ho_tot_q);

        // Why: the unit's word count is taken from its first (header) word.
        always_ff @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) ho_tot_q <= '0;
          else if (fits_i && w_acc && w_cnt_q == '0) ho_tot_q <= hdr_tot;
        end
      end
      assign w_cap = (w_slot_q || full_q[1]) ? CntW'(SlotDepth) : CntW'(BankDepth);

      // ---- reader
      logic r_start, r_avail, re, r_end;
      assign r_start = fits_i && !r_act_q && pq_valid;
      assign r_len = r_slot_q ? len1_q : len0_q;
      assign r_avail = r_old_q ? (r_cnt_q < r_old_len_q)
                     : done_q[r_slot_q] ? (r_cnt_q < r_len)
                     : (w_act_q && w_slot_q == r_slot_q && r_cnt_q < w_cnt_q);
      assign re = r_act_q && r_avail && credit;
      assign r_end = r_act_q && (r_old_q ? r_cnt_q == r_old_len_q
                                         : done_q[r_slot_q] && r_cnt_q == r_len);

      // ---- bank addresses
      logic we;
      logic [AddrW-1:0] waddr, raddr;
      assign we    = fits_i && w_acc && w_cnt_q < w_cap;
      assign waddr = (w_slot_q ? SlotBase : '0) + AddrW'(w_cnt_q);
      assign raddr = (r_slot_q ? SlotBase : '0) + AddrW'(r_cnt_q);

      pnc_fifo #(
          .Width(1),
          .Depth(2)
      ) u_load_q (
          .clk_i,
          .rst_ni,
          .clr_i      (clear_i),
          .in_valid_i (push_load),
          .in_ready_o (lq_room[s]),
          .in_data_i  (load_slot_i),
          .out_valid_o(lq_valid),
          .out_ready_i(w_start),
          .out_data_o (lq_slot),
          /* verilator lint_off PINCONNECTEMPTY */
          .count_o    ()
          /* verilator lint_on PINCONNECTEMPTY */
      );

      pnc_fifo #(
          .Width(2),
          .Depth(2)
      ) u_play_q (
          .clk_i,
          .rst_ni,
          .clr_i      (clear_i),
          .in_valid_i (push_play),
          .in_ready_o (pq_room[s]),
          .in_data_i  ({play_last_i, play_slot_i}),
          .out_valid_o(pq_valid),
          .out_ready_i(r_start),
          .out_data_o ({pq_last, pq_slot}),
          /* verilator lint_off PINCONNECTEMPTY */
          .count_o    ()
          /* verilator lint_on PINCONNECTEMPTY */
      );

      // Why: slot state, writer and reader progress.
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          full_q      <= '0;
          done_q      <= '0;
          len0_q      <= '0;
          len1_q      <= '0;
          w_act_q     <= 1'b0;
          w_slot_q    <= 1'b0;
          w_cnt_q     <= '0;
          r_act_q     <= 1'b0;
          r_slot_q    <= 1'b0;
          r_last_q    <= 1'b0;
          r_cnt_q     <= '0;
          r_old_q     <= 1'b0;
          r_old_len_q <= '0;
          ovf_q       <= 1'b0;
        end else if (clear_i) begin
          full_q  <= '0;
          done_q  <= '0;
          w_act_q <= 1'b0;
          r_act_q <= 1'b0;
          r_old_q <= 1'b0;
          ovf_q   <= 1'b0;
        end else begin
          // Writer
          if (w_start) begin
            if (w_refill) begin
              r_old_q     <= 1'b1;
              r_old_len_q <= r_len;
            end
            w_act_q         <= 1'b1;
            w_slot_q        <= lq_slot;
            w_cnt_q         <= '0;
            full_q[lq_slot] <= 1'b1;
            done_q[lq_slot] <= 1'b0;
          end else if (fits_i && w_acc) begin
            w_cnt_q <= w_cnt_q + CntW'(1);
            if (w_cnt_q >= w_cap) ovf_q <= 1'b1;
            if (w_end) begin
              w_act_q          <= 1'b0;
              done_q[w_slot_q] <= 1'b1;
              if (w_slot_q) len1_q <= w_cnt_q + CntW'(1);
              else len0_q <= w_cnt_q + CntW'(1);
            end
          end

          // Reader
          if (r_start) begin
            r_act_q  <= 1'b1;
            r_slot_q <= pq_slot;
            r_last_q <= pq_last;
            r_cnt_q  <= '0;
          end else if (r_end) begin
            r_act_q <= 1'b0;
            r_old_q <= 1'b0;
            // A refilled slot already holds (or receives) the next unit.
            if (r_last_q && !r_old_q && !(w_start && w_refill)) begin
              full_q[r_slot_q] <= 1'b0;
              done_q[r_slot_q] <= 1'b0;
            end
          end else if (re) begin
            r_cnt_q <= r_cnt_q + CntW'(1);
          end
        end
      end

      // The bank, and the output FIFO fed by the pass-through input (fits_i = 0) or by a PLAY's
      // bank read.
      pnc_stream_bank #(
          .Width(DW + 1),
          .Depth(BankDepth)
      ) u_bank (
          .clk_i,
          .rst_ni,
          .clr_i      (clear_i),
          .word_i     ({in_last_i[s], in_data_i[s]}),
          .we_i       (we),
          .waddr_i    (waddr),
          .re_i       (re),
          .raddr_i    (raddr),
          /* verilator lint_off PINCONNECTEMPTY */
          .rv_o       (),
          .rdata_o    (),
          /* verilator lint_on PINCONNECTEMPTY */
          .pass_i     (!fits_i && w_acc),
          .credit_o   (credit),
          .empty_o    (empty),
          .out_valid_o(out_valid_o[s]),
          .out_ready_i(out_ready_i[s]),
          .out_data_o ({out_last_o[s], out_data_o[s]})
      );

      assign s_idle[s] = !w_act_q && !r_act_q && !lq_valid && !pq_valid && empty;

      `PNC_ASSERT_STREAM_CLR(OutStream_A, out_valid_o[s], out_ready_i[s], {
                             out_last_o[s], out_data_o[s]}, clear_i)
      `PNC_ASSERT_KNOWN_IF(InKnown_A, {in_last_i[s], in_data_i[s]}, in_valid_i[s])
      // The controller sizes units to their slot (fit rule) and frees slots in order.
      `PNC_ASSERT(StoreFits_A, !(fits_i && w_acc && w_cnt_q >= w_cap))
      `PNC_ASSERT(NoOverflowSeen_A, !ovf_q)
      // Two slots only for units of at most half a bank: a LOAD into slot 1 would overwrite the
      // upper words of a longer unit stored in slot 0, or of the unit a refill plays (formal
      // assumption W3).
      `PNC_ASSERT(
          SingleSlotOnly_A,
          !(w_start && lq_slot && ((full_q[0] && done_q[0] && 32'(len0_q) > SlotDepth) || r_old_q)))
      `PNC_ASSERT(HoEndsWithLast_A, !(s == 1 && fits_i && w_acc && w_end && !in_last_i[s]))
      // A PLAY reads a slot that holds (or is receiving) a unit, or one whose LOAD is queued.
      `PNC_ASSERT(PlayHasUnit_A, !(r_start && !full_q[pq_slot] && !lq_valid))
      // A refill never overwrites a word the running PLAY has still to read.
      `PNC_ASSERT(RefillBehindReader_A, !(we && r_old_q && w_cnt_q >= r_cnt_q))
    end

    `PNC_ASSERT_KNOWN(LoadKnown_A, load_i)
    `PNC_ASSERT_KNOWN(PlayKnown_A, play_i)
    `PNC_ASSERT_KNOWN_IF(LoadSlotKnown_A, load_slot_i, load_i)
    `PNC_ASSERT_KNOWN_IF(PlayCmdKnown_A, {play_slot_i, play_last_i}, play_i)
  end

endmodule : pnc_wbuf
