// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_wbuf: per-PEA weight buffer; stores a PEA's weight streams once per n-group and replays
// them for the later m-blocks so they are not fetched over AXI again.
//
// Contract (docs/rtl-interfaces.md "pnc_wbuf", docs/architecture.md section 3)
// - Two word streams, index 0 = LO plane, 1 = HO stream: in_* from pnc_axi_rd (data, rd_last),
//   out_* to the PEA's weight decoders. Words leave in order with their last flags.
// - Commands, one per tile group of this PEA: {mode_i (0 FILL, 1 REPLAY), fits_i} is taken on
//   start_i && start_ready_o (start_i is a valid: hold it and the fields until taken). Up to two
//   commands queue behind the one in progress; they run in order, each once both its streams
//   are complete.
//   FILL: passes the group's words from in_* to out_*; with fits_i it also stores them (LO from
//   address 0 up, HO from the top down). REPLAY: plays the words of the last FILL with fits_i
//   back on out_* and never raises in_ready_o. Legal only with fits_i after such a FILL.
// - Group end of a stream in FILL: LO at its word with in_last; HO after
//   ceil((8 + 5*n_records) / (DW/8)) words, n_records = bits [31:0] of its first word (the
//   header), which fits the controller's header + records requests and a single request alike.
//   In REPLAY: after the stored number of words.
// - Throughput: one 1-read/1-write memory, so at most one word per cycle in total is stored
//   (FILL with fits_i) or read (REPLAY), round-robin between the streams; a lone stream moves one
//   word per cycle. FILL without fits_i moves both streams in the same cycle. Latency in -> out
//   one cycle, command start -> first replayed word two cycles. in_ready_o depends on
//   out_ready_i and the other stream's in_valid_i (never the reverse); out_valid_o is registered.
// - clear_i: synchronous soft reset (abort): drops commands, queued words and stored contents.
// - WbufBytes = 0: no buffer; out_* = in_*, start_ready_o = 1, commands are ignored (REPLAY
//   illegal).

`include "pnc_assert.svh"

module pnc_wbuf #(
    parameter  int WbufBytes = pnc_pkg::WBUF_BYTES,  // capacity in bytes, WbufBytes/8 words
    localparam int DW        = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,
    input logic clear_i,

    // Commands (one per tile group)
    input  logic start_i,
    output logic start_ready_o,
    input  logic mode_i,         // 0 FILL, 1 REPLAY
    input  logic fits_i,         // the job's weight streams fit (store them in FILL)
    output logic idle_o,         // no command, no word in flight

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

  localparam int Depth = WbufBytes / 8;  // words of DW bits (enough for any DW >= 64)

  `PNC_STATIC_ASSERT(WbufBytesLegal_A, WbufBytes == 0 || (WbufBytes % 8 == 0 && Depth >= 2))
  `PNC_STATIC_ASSERT(DwLegal_A, DW >= 64 && DW % 64 == 0)

  if (Depth == 0) begin : gen_none
    assign start_ready_o = 1'b1;
    assign idle_o        = 1'b1;
    assign out_valid_o   = in_valid_i;
    assign in_ready_o    = out_ready_i;
    assign out_data_o    = in_data_i;
    assign out_last_o    = in_last_i;

    // Waiver: without a buffer the command fields are only checked by the assertion.
    logic unused_cmd;
    assign unused_cmd = ^{clear_i, fits_i};
    `PNC_ASSERT(NoReplayWithoutBuffer_A, !(start_i && mode_i))

  end else begin : gen_buf
    localparam int AddrW = (Depth > 1) ? $clog2(Depth) : 1;
    localparam int CntW = 24;  // words of one stream in one group (HO: up to 5*2^19/8 + 2)
    localparam int BeatShift = $clog2(DW / 8);
    localparam logic [CntW-1:0] DepthW = CntW'(Depth);
    localparam logic [AddrW-1:0] TopAddr = AddrW'(Depth - 1);

    // ---- command queue (2 entries) and the command in progress
    logic [1:0] cq_mode_q, cq_fits_q;  // [0] = head
    logic [1:0] cq_cnt_q;
    logic cur_q, cur_replay_q, cur_store_q;
    logic [1:0] sdone_q;  // stream complete for the command in progress
    logic stored_q;  // the memory holds a complete stored group
    logic ovf_q;  // a store exceeded the capacity (controller bug; replay would be wrong)

    // ---- per-stream counters: words accepted (FILL) or read (REPLAY) in this command
    logic [CntW-1:0] cnt_lo_q, cnt_ho_q;
    logic [CntW-1:0] n_lo_q, n_ho_q;  // stored words per stream
    logic [CntW-1:0] ho_tot_q;  // HO words of this group (from the header)

    // ---- memory read pipeline
    logic rv_q;  // a read issued last cycle lands in rdata_q now
    logic rtag_q;  // its stream
    logic [DW:0] rdata_q;

    logic push_cmd, cmd_end, load;
    assign push_cmd = start_i && start_ready_o;
    assign cmd_end  = cur_q && (&sdone_q) && !rv_q;
    assign load     = (!cur_q || cmd_end) && cq_cnt_q != 2'd0;

    // ---- output FIFO state (2 entries of {last, data} per stream, in gen_ob)
    logic [3:0] ob_cnt;  // {HO, LO} FIFO occupancy
    logic [1:0] pop, credit, infl;
    logic rr_q;  // round-robin: 1 = the HO stream wins the next tie

    for (genvar s = 0; s < 2; s++) begin : gen_credit
      assign pop[s]    = out_valid_o[s] && out_ready_i[s];
      assign infl[s]   = rv_q && (rtag_q == 1'(s));
      // A word may start towards FIFO s when it still has room once it arrives.
      assign credit[s] = (ob_cnt[2*s+:2] + 2'(infl[s]) < 2'd2) || pop[s];
    end

    // ---- FILL: accept words (one per cycle while storing, round-robin)
    logic fill_on;
    logic [1:0] f_elig, f_ok, f_acc;
    assign fill_on = cur_q && !cur_replay_q;
    assign f_elig  = {2{fill_on}} & ~sdone_q & credit & in_valid_i;
    always_comb begin
      f_ok = 2'b11;
      if (cur_store_q && f_elig == 2'b11) f_ok = rr_q ? 2'b10 : 2'b01;
    end
    assign in_ready_o = {2{fill_on}} & ~sdone_q & credit & f_ok;
    assign f_acc      = in_valid_i & in_ready_o;

    // HO words of the group from its header word (n_records too large: never ends by count;
    // the controller aborts on such a header).
    logic [CntW-1:0] hdr_tot;
    logic [1:0] f_end;
    assign hdr_tot = (|in_data_i[1][31:19]) ? '1 :
        CntW'((CntW'(in_data_i[1][18:0]) * CntW'(5) + CntW'(8 + DW / 8 - 1)) >> BeatShift);
    assign f_end[0] = in_last_i[0];
    assign f_end[1] = (cnt_ho_q == '0) ? (hdr_tot == CntW'(1)) : (cnt_ho_q + CntW'(1) == ho_tot_q);

    // ---- REPLAY: read one stored word per cycle (round-robin)
    logic [1:0] r_elig, r_gnt;
    logic r_sel;  // stream of this cycle's read
    assign r_elig = {2{cur_q && cur_replay_q}} & ~sdone_q & credit;
    assign r_sel  = (r_elig == 2'b11) ? rr_q : r_elig[1];
    assign r_gnt  = (r_elig == '0) ? 2'b00 : (r_sel ? 2'b10 : 2'b01);

    // ---- memory ports
    logic we, re, w_sel;
    logic [AddrW-1:0] waddr, raddr;
    logic [CntW-1:0] used;
    assign used  = cnt_lo_q + cnt_ho_q;
    assign w_sel = f_acc[1] && !f_acc[0];
    assign we    = cur_store_q && (|f_acc) && used < DepthW;
    assign waddr = w_sel ? TopAddr - AddrW'(cnt_ho_q) : AddrW'(cnt_lo_q);
    assign re    = |r_gnt;
    assign raddr = r_sel ? TopAddr - AddrW'(cnt_ho_q) : AddrW'(cnt_lo_q);

    logic [DW:0] mem_q[Depth];

    // Why: plain 1-write port (no reset) so synthesis infers a RAM.
    always_ff @(posedge clk_i) begin
      if (we) mem_q[waddr] <= {in_last_i[w_sel], in_data_i[w_sel]};
    end

    // Why: registered 1-read port with enable, the shape RAM inference expects.
    always_ff @(posedge clk_i) begin
      if (re) rdata_q <= mem_q[raddr];
    end

    // Why: command queue, command in progress, stream progress and stored counts.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        cq_mode_q    <= '0;
        cq_fits_q    <= '0;
        cq_cnt_q     <= '0;
        cur_q        <= 1'b0;
        cur_replay_q <= 1'b0;
        cur_store_q  <= 1'b0;
        sdone_q      <= '0;
        stored_q     <= 1'b0;
        ovf_q        <= 1'b0;
        cnt_lo_q     <= '0;
        cnt_ho_q     <= '0;
        n_lo_q       <= '0;
        n_ho_q       <= '0;
        ho_tot_q     <= '0;
        rv_q         <= 1'b0;
        rtag_q       <= 1'b0;
        rr_q         <= 1'b0;
      end else if (clear_i) begin
        cq_cnt_q <= '0;
        cur_q    <= 1'b0;
        sdone_q  <= '0;
        stored_q <= 1'b0;
        ovf_q    <= 1'b0;
        cnt_lo_q <= '0;
        cnt_ho_q <= '0;
        rv_q     <= 1'b0;
      end else begin
        // Queue: pop the head on load, append on push (the head moves up first).
        if (load) begin
          cq_mode_q[0] <= cq_mode_q[1];
          cq_fits_q[0] <= cq_fits_q[1];
        end
        if (push_cmd) begin
          if (cq_cnt_q - 2'(load) == 2'd0) begin
            cq_mode_q[0] <= mode_i;
            cq_fits_q[0] <= fits_i;
          end else begin
            cq_mode_q[1] <= mode_i;
            cq_fits_q[1] <= fits_i;
          end
        end
        cq_cnt_q <= cq_cnt_q + 2'(push_cmd) - 2'(load);

        if (cmd_end && cur_store_q) stored_q <= !ovf_q;
        if (cmd_end && !load) cur_q <= 1'b0;
        if (load) begin
          cur_q        <= 1'b1;
          cur_replay_q <= cq_mode_q[0];
          cur_store_q  <= !cq_mode_q[0] && cq_fits_q[0];
          cnt_lo_q     <= '0;
          cnt_ho_q     <= '0;
          if (cq_mode_q[0]) begin
            sdone_q <= {n_ho_q == '0, n_lo_q == '0};
          end else begin
            sdone_q <= '0;
            if (cq_fits_q[0]) begin
              n_lo_q   <= '0;
              n_ho_q   <= '0;
              stored_q <= 1'b0;
              ovf_q    <= 1'b0;
            end
          end
        end else begin
          // One command is either FILL (f_acc) or REPLAY (r_gnt), never both.
          if (f_acc[0] || r_gnt[0]) cnt_lo_q <= cnt_lo_q + CntW'(1);
          if (f_acc[1] || r_gnt[1]) cnt_ho_q <= cnt_ho_q + CntW'(1);
          if (f_acc[0] && cur_store_q) n_lo_q <= cnt_lo_q + CntW'(1);
          if (f_acc[1] && cur_store_q) n_ho_q <= cnt_ho_q + CntW'(1);
          if ((f_acc[0] && f_end[0]) || (r_gnt[0] && cnt_lo_q + CntW'(1) == n_lo_q)) begin
            sdone_q[0] <= 1'b1;
          end
          if ((f_acc[1] && f_end[1]) || (r_gnt[1] && cnt_ho_q + CntW'(1) == n_ho_q)) begin
            sdone_q[1] <= 1'b1;
          end
          if (f_acc[1] && cnt_ho_q == '0) ho_tot_q <= hdr_tot;
          if (cur_store_q && (|f_acc) && used >= DepthW) ovf_q <= 1'b1;
        end
        if (f_acc == 2'b01 || r_gnt == 2'b01) rr_q <= 1'b1;
        if (f_acc == 2'b10 || r_gnt == 2'b10) rr_q <= 1'b0;
        rv_q   <= re;
        rtag_q <= r_sel;
      end
    end

    // Why: per stream a 2-entry FIFO fed by the FILL input (same cycle) or by the memory read
    // register (REPLAY, one cycle after the read); the credit check keeps it from overflowing.
    for (genvar s = 0; s < 2; s++) begin : gen_ob
      logic [DW:0] q0_q, q1_q;
      logic [1:0] occ_q;
      logic wp_q, rp_q, push;
      logic [DW:0] push_word, head;
      assign push           = f_acc[s] || infl[s];
      assign push_word      = f_acc[s] ? {in_last_i[s], in_data_i[s]} : rdata_q;
      assign ob_cnt[2*s+:2] = occ_q;
      assign out_valid_o[s] = occ_q != 2'd0;
      assign head           = rp_q ? q1_q : q0_q;
      assign out_data_o[s]  = head[DW-1:0];
      assign out_last_o[s]  = head[DW];

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          q0_q  <= '0;
          q1_q  <= '0;
          occ_q <= '0;
          wp_q  <= 1'b0;
          rp_q  <= 1'b0;
        end else if (clear_i) begin
          occ_q <= '0;
          wp_q  <= 1'b0;
          rp_q  <= 1'b0;
        end else begin
          if (push) begin
            if (wp_q) q1_q <= push_word;
            else q0_q <= push_word;
            wp_q <= !wp_q;
          end
          if (pop[s]) rp_q <= !rp_q;
          occ_q <= occ_q + 2'(push) - 2'(pop[s]);
        end
      end

      `PNC_ASSERT_STREAM_CLR(OutStream_A, out_valid_o[s], out_ready_i[s], {
                             out_last_o[s], out_data_o[s]}, clear_i)
      `PNC_ASSERT(ObNoOverflow_A, !(push && occ_q == 2'd2 && !pop[s]))
      `PNC_ASSERT(OnePushSource_A, !(f_acc[s] && infl[s]))
      `PNC_ASSERT_KNOWN_IF(InKnown_A, {in_last_i[s], in_data_i[s]}, in_valid_i[s])
    end

    assign start_ready_o = cq_cnt_q != 2'd2;
    assign idle_o = !cur_q && cq_cnt_q == 2'd0 && ob_cnt == '0 && !rv_q;

    // ---- assertions
    `PNC_ASSERT_KNOWN(StartKnown_A, start_i)
    `PNC_ASSERT_KNOWN_IF(CmdKnown_A, {mode_i, fits_i}, start_i)
    // REPLAY needs fits and a complete stored group (the controller's fit rule guarantees it).
    `PNC_ASSERT(ReplayFits_A, !(push_cmd && mode_i && !fits_i))
    `PNC_ASSERT(ReplayHasContent_A,
                !(load && cq_mode_q[0]) || (cmd_end && cur_store_q && !ovf_q) || stored_q)
    `PNC_ASSERT(StoreFits_A, !(cur_store_q && (|f_acc) && used >= DepthW))
    `PNC_ASSERT(OneWritePerCycle_A, !(cur_store_q && f_acc == 2'b11))
    `PNC_ASSERT(HoEndsWithLast_A, !(f_acc[1] && f_end[1] && !in_last_i[1]))
    `PNC_ASSERT(ReplayAcceptsNothing_A, !(cur_q && cur_replay_q && (|in_ready_o)))
  end

endmodule : pnc_wbuf
