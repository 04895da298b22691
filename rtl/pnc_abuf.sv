// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_abuf: activation buffer; holds the activation streams of the m-blocks of one m-tile while
// every n-group passes over them, so each is fetched over AXI once (docs/architecture.md
// sections 3 and 4, descriptor mt).
//
// Contract (docs/rtl-interfaces.md "pnc_abuf")
// - Two word streams, index 0 = activation LO stream (the row vector with row_q, then the LO
//   plane), 1 = HO stream (header, then records): in_* from pnc_axi_rd, out_* to pnc_join.
//   Words leave in order with their last flags (the requests' rd_last, stored with each word).
// - Each stream has a bank of AbufBytes/2 bytes: a pnc_ram_1r1w of D = AbufBytes/(DW/4) words
//   of DW+1 bits (data and last flag; registered read, latency 1). Unit u of an m-tile (its
//   u-th m-block) sits at word u*lo_words_i (LO) / u*ho_stride_i (HO): the worst-case unit
//   sizes, so mt units fit when mt*lo_words_i and mt*ho_stride_i are at most D (the
//   descriptor check's BAD_BLOCK rule; asserted here).
// - en_i = 0 (mt = 0, static per job): a wire, out_* = in_* (the job runs cycle for cycle as
//   without the buffer); commands are accepted and ignored.
// - en_i = 1: one command per tile group, both streams take it (a 2-entry queue per stream,
//   cmd_ready_o when both have room). cmd_first_i: the group's m-block is the first of its
//   m-tile (unit 0), else the unit after the previous command's.
//   LOAD (cmd_load_i = 1; the m-tile's first n-group): the unit's words arriving on in_* are
//     passed through to out_* (through a 2-entry FIFO per stream: one cycle latency) and stored: LO lo_words_i words, HO
//     ceil((8 + n_records*ho_rec_bytes_i) / (DW/8)) words, n_records = bits [31:0] of its first
//     (header) word.
//   PLAY (cmd_load_i = 0; every later n-group): the unit is read from the bank and played on
//     out_*, one word per cycle per stream (the HO length from the stored header word).
//   Each stream runs its commands strictly in order, one at a time, so a unit is rewritten only
//   after every earlier PLAY of it has been read (the next m-tile's LOAD follows the last
//   n-group's PLAYs).
// - idle_o: no command queued or running and no word in flight.
// - Combinational paths: with en_i = 0 the wire; else in_ready_o depends on out_ready_i (the
//   FIFO takes a word in the cycle it pops one), out_valid_o and the command ready are
//   registered.

`include "pnc_assert.svh"

module pnc_abuf #(
    parameter  int AbufBytes = pnc_pkg::ABUF_BYTES,  // capacity in bytes (both banks)
    localparam int DW        = pnc_pkg::AXI_DATA_W,
    localparam int CntW      = 16                    // words of one unit, and unit offsets
) (
    input logic clk_i,
    input logic rst_ni,

    input logic            en_i,           // the job uses the buffer (mt > 0; static per job)
    input logic [CntW-1:0] lo_words_i,     // words of one LO unit (row vector and plane)
    input logic [CntW-1:0] ho_stride_i,    // words of the worst-case HO unit (K records)
    input logic [     3:0] ho_rec_bytes_i, // bytes of one HO record (1 + L = 9 - b)

    // Commands (one per tile group)
    input  logic cmd_valid_i,
    output logic cmd_ready_o,
    input  logic cmd_load_i,
    input  logic cmd_first_i,

    output logic idle_o,

    // Word streams from pnc_axi_rd, [0] LO, [1] HO
    input  logic [1:0]         in_valid_i,
    output logic [1:0]         in_ready_o,
    input  logic [1:0][DW-1:0] in_data_i,
    input  logic [1:0]         in_last_i,

    // Word streams to pnc_join
    output logic [1:0]         out_valid_o,
    input  logic [1:0]         out_ready_i,
    output logic [1:0][DW-1:0] out_data_o,
    output logic [1:0]         out_last_o
);

  localparam int BankDepth = AbufBytes / (DW / 4);  // words of DW bits per stream bank

  `PNC_STATIC_ASSERT(AbufBytesLegal_A,
                     AbufBytes == 0 || (AbufBytes % (DW / 2) == 0 && AbufBytes >= DW / 2))
  `PNC_STATIC_ASSERT(DwLegal_A, DW >= 64 && DW % 64 == 0)

  if (BankDepth == 0) begin : gen_none
    assign cmd_ready_o = 1'b1;
    assign idle_o      = 1'b1;
    assign out_valid_o = in_valid_i;
    assign in_ready_o  = out_ready_i;
    assign out_data_o  = in_data_i;
    assign out_last_o  = in_last_i;

    // Waiver: without a buffer the controller never enables it (BAD_BLOCK for mt > 0).
    logic unused_cmd;
    assign unused_cmd = ^{en_i, lo_words_i, ho_stride_i, ho_rec_bytes_i, cmd_valid_i,
                          cmd_load_i, cmd_first_i};

  end else begin : gen_buf
    localparam int AddrW = $clog2(BankDepth);
    localparam int BeatShift = $clog2(DW / 8);
    localparam int NRecLsb = pnc_pkg::HO_HDR_N_RECORDS_LSB;

    logic [1:0] cq_room, s_idle;
    assign cmd_ready_o = &cq_room;
    assign idle_o      = &s_idle;

    logic push_cmd;
    assign push_cmd = cmd_valid_i && cmd_ready_o && en_i;

    for (genvar s = 0; s < 2; s++) begin : gen_s
      logic [CntW-1:0] stride;
      assign stride = (s == 0) ? lo_words_i : ho_stride_i;

      // ---- command queue (2 entries): {load, first}
      logic cq_valid, cq_load, cq_first;

      // ---- the running command
      logic act_q, load_q;
      logic [CntW-1:0] base_q, cnt_q, tot_q;  // unit offset, words moved, unit words
      logic tot_known_q;  // tot_q holds the unit's words (LO always; HO after its header)
      logic hdr_wait_q;  // PLAY of an HO unit: its header word is being read

      // ---- bank and output FIFO (pnc_stream_bank)
      logic rv, credit, empty;
      // Waiver: of the bank word read in the previous cycle (valid with rv) only a header's
      // n_records is read here; the word itself reaches out_* inside pnc_stream_bank.
      /* verilator lint_off UNUSEDSIGNAL */
      logic [DW:0] rdata;
      /* verilator lint_on UNUSEDSIGNAL */
      logic ob_valid, ob_last;  // the output FIFO's head
      logic [DW-1:0] ob_data;

      // ---- unit length from a header word (HO); an absurd n_records never ends by count (the
      // controller aborts on such a header and the datapath reset clears the buffer)
      function automatic logic [CntW-1:0] hdr_words(logic [31:0] n_rec, logic [3:0] rec);
        if (|n_rec[31:13]) hdr_words = '1;
        else hdr_words = CntW'((32'(n_rec[12:0]) * 32'(rec) + 32'(8 + DW / 8 - 1)) >> BeatShift);
      endfunction

      // ---- LOAD: pass through and store
      logic start, pass, w_acc, w_end;
      logic [CntW-1:0] in_tot;  // unit words, known at the word being stored
      assign start = en_i && !act_q && cq_valid;
      assign pass = act_q && load_q;
      // A LOAD waits for the last PLAY word in flight, so words keep their order in the FIFO.
      assign in_ready_o[s] = en_i ? pass && credit && !rv : out_ready_i[s];
      assign w_acc = en_i && in_valid_i[s] && in_ready_o[s];
      assign in_tot = (s == 1 && cnt_q == '0) ? hdr_words(
          in_data_i[s][NRecLsb+:32], ho_rec_bytes_i
      ) : tot_q;
      assign w_end = w_acc && cnt_q + CntW'(1) == in_tot;

      // ---- PLAY: read the bank
      logic re, r_end;
      logic [CntW-1:0] r_tot;  // unit words (HO: from the header word read last cycle)
      assign r_tot = hdr_wait_q ? hdr_words(rdata[NRecLsb+:32], ho_rec_bytes_i) : tot_q;
      assign re = act_q && !load_q && credit
                  && (cnt_q == '0 || ((tot_known_q || hdr_wait_q) && cnt_q < r_tot));
      assign r_end = act_q && !load_q && (tot_known_q || hdr_wait_q) && cnt_q == r_tot;

      // ---- bank addresses
      logic we;
      logic [CntW-1:0] waddr_full, raddr_full;
      logic [AddrW-1:0] waddr, raddr;
      assign we = w_acc && cnt_q < stride;
      assign waddr_full = base_q + cnt_q;
      assign raddr_full = base_q + cnt_q;
      assign waddr = AddrW'(waddr_full);
      assign raddr = AddrW'(raddr_full);

      pnc_fifo #(
          .Width(2),
          .Depth(2)
      ) u_cmd_q (
          .clk_i,
          .rst_ni,
          .clr_i      (1'b0),
          .in_valid_i (push_cmd),
          .in_ready_o (cq_room[s]),
          .in_data_i  ({cmd_load_i, cmd_first_i}),
          .out_valid_o(cq_valid),
          .out_ready_i(start),
          .out_data_o ({cq_load, cq_first}),
          /* verilator lint_off PINCONNECTEMPTY */
          .count_o    ()
          /* verilator lint_on PINCONNECTEMPTY */
      );

      // Why: the running command's progress; units of an m-tile follow each other in the bank.
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          act_q       <= 1'b0;
          load_q      <= 1'b0;
          base_q      <= '0;
          cnt_q       <= '0;
          tot_q       <= '0;
          tot_known_q <= 1'b0;
          hdr_wait_q  <= 1'b0;
        end else begin
          hdr_wait_q <= re && s == 1 && cnt_q == '0;
          if (hdr_wait_q) begin
            tot_q       <= r_tot;
            tot_known_q <= 1'b1;
          end
          if (start) begin
            act_q       <= 1'b1;
            load_q      <= cq_load;
            base_q      <= cq_first ? '0 : base_q + stride;
            cnt_q       <= '0;
            tot_q       <= lo_words_i;
            tot_known_q <= s == 0;
          end else if (act_q && load_q) begin
            if (w_acc) begin
              cnt_q <= cnt_q + CntW'(1);
              tot_q <= in_tot;
              if (w_end) act_q <= 1'b0;
            end
          end else if (act_q) begin
            if (r_end) act_q <= 1'b0;
            else if (re) cnt_q <= cnt_q + CntW'(1);
          end
        end
      end

      // The bank, and the output FIFO fed by the passed-through word of a LOAD or by a PLAY's
      // bank read.
      pnc_stream_bank #(
          .Width(DW + 1),
          .Depth(BankDepth)
      ) u_bank (
          .clk_i,
          .rst_ni,
          .clr_i      (1'b0),
          .word_i     ({in_last_i[s], in_data_i[s]}),
          .we_i       (we),
          .waddr_i    (waddr),
          .re_i       (re),
          .raddr_i    (raddr),
          .rv_o       (rv),
          .rdata_o    (rdata),
          .pass_i     (w_acc),
          .credit_o   (credit),
          .empty_o    (empty),
          .out_valid_o(ob_valid),
          .out_ready_i(out_ready_i[s] && en_i),
          .out_data_o ({ob_last, ob_data})
      );

      assign out_valid_o[s] = en_i ? ob_valid : in_valid_i[s];
      assign out_data_o[s] = en_i ? ob_data : in_data_i[s];
      assign out_last_o[s] = en_i ? ob_last : in_last_i[s];

      assign s_idle[s] = !act_q && !cq_valid && empty;

      // The buffer's own output (with en_i = 0 the wire carries pnc_axi_rd's stream, which top
      // withdraws on an abort).
      `PNC_ASSERT_STREAM_CLR(OutStream_A, out_valid_o[s], out_ready_i[s], {
                             out_last_o[s], out_data_o[s]}, !en_i)
      `PNC_ASSERT_KNOWN_IF(InKnown_A, {in_last_i[s], in_data_i[s]}, in_valid_i[s])
      // The controller sizes m-tiles to the banks (BAD_BLOCK rule) and words to their unit.
      `PNC_ASSERT(StoreFits_A, !we || 32'(waddr_full) < BankDepth)
      `PNC_ASSERT(UnitFits_A, !w_acc || cnt_q < stride)
      `PNC_ASSERT(NoBufferedWordWhenOff_A, en_i || empty)
      `PNC_ASSERT(ReadInBank_A, !re || 32'(raddr_full) < BankDepth)
      // A unit ends with the last word of a read request (LO plane, HO records or header).
      `PNC_ASSERT(UnitEndsWithLast_A, !w_end || in_last_i[s])
    end

    `PNC_ASSERT_KNOWN(CmdKnown_A, cmd_valid_i)
    `PNC_ASSERT_KNOWN_IF(CmdFieldsKnown_A, {cmd_load_i, cmd_first_i}, cmd_valid_i)
    `PNC_ASSERT_KNOWN(EnKnown_A, en_i)
  end

endmodule : pnc_abuf
