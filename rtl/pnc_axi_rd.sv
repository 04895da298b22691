// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_axi_rd: NS independent read streams sharing one AXI4 master read channel (AR/R).
//
// Contract
// - Per stream s: a request (req_addr 8-aligned, req_len bytes > 0) is accepted when the stream
//   is idle (req_ready = the previous request has issued all its bursts). It reads
//   ceil(req_len / 8) beats of AXI_DATA_W bits starting at req_addr (for AXI_DATA_W = 64; in
//   general ceil(req_len / (AXI_DATA_W/8)) beats from an (AXI_DATA_W/8)-aligned address).
// - The request is split into INCR bursts of at most AXI_MAX_BURST beats that never cross a
//   4 KiB boundary; ARID = s; ARSIZE = full data width.
// - Every stream owns a receive FIFO of FifoDepth beats. A burst is issued only when the stream
//   holds credits (free FIFO slots not yet promised to an outstanding burst) for all its beats,
//   so R is always accepted (RREADY = 1) and a slow consumer never blocks another stream.
//   Any number of bursts may be outstanding (bounded by the credits). Round-robin across streams
//   with at most one AR per cycle; the AR channel is registered. The bursts of a request made
//   with req_low_i (low priority, a prefetch) are granted only in cycles where no other stream
//   can issue a burst, and only while at most LowPrioBeats of their beats are still owed by the
//   bus (a slave serving bursts in order then makes another burst wait behind at most
//   AXI_MAX_BURST + LowPrioBeats low-priority beats, while low-priority bursts still follow
//   each other back to back).
// - R beats may come back interleaved across IDs (AXI ordering is only per ID). Beats of stream s
//   leave on rd_* in order; rd_last marks the last beat of each request.
// - err_o pulses for every R beat with RRESP != OKAY (the beat is still delivered); beat_o pulses
//   for every accepted R beat (one AXI_DATA_W/8-byte beat, for the RD_BYTES counter).
// - Latency: request accepted at t, first AR valid at t+2 at the earliest; an R beat is visible
//   on rd_* the cycle after it is accepted.

`include "pnc_assert.svh"
`include "pnc_axi_ports.svh"

module pnc_axi_rd #(
    parameter int NS = 2,  // number of read streams
    parameter int FifoDepth = 2 * pnc_pkg::AXI_MAX_BURST,  // receive FIFO depth per stream (beats)
    parameter int IdW = pnc_pkg::AXI_ID_W,  // ARID/RID width
    parameter int LowPrioBeats = 4,  // low-priority beats owed when another may be granted
    localparam int DW = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,

    // AXI4 master, read channels
    `PNC_AXI_M_AX_PORTS(ar, IdW)
    `PNC_AXI_M_R_PORTS(IdW)

    // Read requests, one per stream
    input  logic [NS-1:0]       req_valid_i,
    output logic [NS-1:0]       req_ready_o,
    input  logic [NS-1:0][31:0] req_addr_i,
    input  logic [NS-1:0][23:0] req_len_i,
    input  logic [NS-1:0]       req_low_i,    // the request is low priority (with req_valid)

    // Read data, one stream per requester
    output logic [NS-1:0]         rd_valid_o,
    input  logic [NS-1:0]         rd_ready_i,
    output logic [NS-1:0][DW-1:0] rd_data_o,
    output logic [NS-1:0]         rd_last_o,

    output logic err_o,
    output logic beat_o,

    // R beats as they arrive (before the receive FIFOs): stream s takes a beat, and it is the
    // last beat of its request; the data is m_axi_rdata (in_data_o)
    output logic [NS-1:0] in_push_o,
    output logic [NS-1:0] in_last_o,
    output logic [DW-1:0] in_data_o
);

  localparam int BeatBytes = DW / 8;
  localparam int SizeLog2 = $clog2(BeatBytes);
  localparam int BeatsW = 25 - SizeLog2;  // beats of a 24-bit byte length, + 1
  localparam int BlenW = $clog2(pnc_pkg::AXI_MAX_BURST + 1);
  localparam int CredW = $clog2(FifoDepth + 1);
  localparam int SelW = (NS > 1) ? $clog2(NS) : 1;

  `PNC_STATIC_ASSERT(NsFitsArid, NS >= 1 && NS <= (1 << IdW))
  `PNC_STATIC_ASSERT(FifoHoldsBurst, FifoDepth >= pnc_pkg::AXI_MAX_BURST)
  `PNC_STATIC_ASSERT(BurstLegal, pnc_pkg::AXI_MAX_BURST >= 1 && pnc_pkg::AXI_MAX_BURST <= 256)
  `PNC_STATIC_ASSERT(DataWidthPow2, DW >= 16 && (1 << SizeLog2) == BeatBytes)
  `PNC_STATIC_ASSERT(BurstIn4k, pnc_pkg::AXI_MAX_BURST * BeatBytes <= 4096)

  // ---- per-stream issue state, visible to the arbiter
  logic [NS-1:0] can_issue;  // request pending and credits for its next burst
  logic [NS-1:0][BlenW-1:0] burst_beats;  // beats of the stream's next burst
  logic [NS-1:0] burst_final;  // that burst ends the request
  logic [NS-1:0][31:0] burst_addr;

  // ---- AR channel: round-robin arbiter feeding one output register
  logic ar_valid_q;
  logic [SelW-1:0] ar_sel_q;
  logic [31:0] ar_addr_q;
  logic [BlenW-1:0] ar_beats_q;
  logic [SelW-1:0] rr_q;  // highest priority stream this cycle
  logic [SelW-1:0] grant;
  logic grant_any;
  logic ar_load;  // move the granted stream's next burst into the AR register

  // Why: round-robin, starting at rr_q, over the streams that can issue a whole burst now (the
  // low-priority ones only when no other can).
  localparam int LpW = $clog2(LowPrioBeats + pnc_pkg::AXI_MAX_BURST + 1);
  logic [NS-1:0] elig, can_hi, can_lo, low_prio, lp_beat;
  logic [LpW-1:0] lp_out_q;  // beats of low-priority bursts granted and not yet received
  logic lp_issue, lp_done;
  assign can_hi = can_issue & ~low_prio;
  assign can_lo = (lp_out_q <= LpW'(LowPrioBeats)) ? (can_issue & low_prio) : '0;
  assign elig = (|can_hi) ? can_hi : can_lo;
  assign lp_issue = ar_load && low_prio[grant];
  assign lp_done = |lp_beat;

  // Why: counts low-priority bursts from AR grant to their RLAST beat.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) lp_out_q <= '0;
    else lp_out_q <= lp_out_q + (lp_issue ? LpW'(burst_beats[grant]) : '0) - LpW'(lp_done);
  end
  `PNC_ASSERT(LowPrioCount, !(lp_done && lp_out_q == '0 && !lp_issue))
  always_comb begin
    grant     = '0;
    grant_any = 1'b0;
    for (int i = 0; i < NS; i++) begin
      int idx;
      idx = int'(rr_q) + i;
      if (idx >= NS) idx -= NS;
      if (!grant_any && elig[idx]) begin
        grant     = SelW'(idx);
        grant_any = 1'b1;
      end
    end
  end

  assign ar_load = grant_any && (!ar_valid_q || m_axi_arready);

  // Why: the AR register holds a burst until the slave takes it; the pointer moves past a winner.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ar_valid_q <= 1'b0;
      ar_sel_q   <= '0;
      ar_addr_q  <= '0;
      ar_beats_q <= '0;
      rr_q       <= '0;
    end else if (ar_load) begin
      ar_valid_q <= 1'b1;
      ar_sel_q   <= grant;
      ar_addr_q  <= burst_addr[grant];
      ar_beats_q <= burst_beats[grant];
      rr_q       <= (int'(grant) == NS - 1) ? '0 : grant + SelW'(1);
    end else if (m_axi_arready) begin
      ar_valid_q <= 1'b0;
    end
  end

  assign m_axi_arvalid = ar_valid_q;
  assign m_axi_arid    = IdW'(ar_sel_q);
  assign m_axi_araddr  = pnc_pkg::AXI_ADDR_W'(ar_addr_q);
  assign m_axi_arlen   = 8'(ar_beats_q - BlenW'(1));
  assign m_axi_arsize  = 3'(SizeLog2);
  assign m_axi_arburst = 2'b01;  // INCR

  // ---- R channel: always accepted (space is reserved by credits), routed by RID
  assign m_axi_rready  = 1'b1;
  assign beat_o        = m_axi_rvalid;
  assign err_o         = m_axi_rvalid && (m_axi_rresp != 2'b00);
  assign in_data_o     = m_axi_rdata;

  for (genvar s = 0; s < NS; s++) begin : gen_stream
    logic             busy;  // the request is being split into bursts
    logic             low_q;  // the request is low priority
    logic [CredW-1:0] credit_q;  // FIFO slots neither filled nor promised to a burst
    logic issue, push, pop, tag_room;

    pnc_burst_split #(
        .LenW(BeatsW)
    ) u_split (
        .clk_i,
        .rst_ni,
        .start_i(req_valid_i[s]),
        .addr_i (req_addr_i[s]),
        .beats_i(BeatsW'((25'(req_len_i[s]) + 25'(BeatBytes - 1)) >> SizeLog2)),
        .next_i (issue),
        .busy_o (busy),
        .addr_o (burst_addr[s]),
        .blen_o (burst_beats[s]),
        .last_o (burst_final[s])
    );

    assign low_prio[s]    = low_q;
    assign can_issue[s]   = busy && (CredW'(burst_beats[s]) <= credit_q);
    assign req_ready_o[s] = !busy;
    assign issue          = ar_load && (int'(grant) == s);
    assign push           = m_axi_rvalid && (int'(m_axi_rid) == s);
    assign pop            = rd_valid_o[s] && rd_ready_i[s];

    // Why: a request's priority holds until its last burst is issued.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        low_q <= 1'b0;
      end else if (!busy && req_valid_i[s]) begin
        low_q <= req_low_i[s];
      end
    end

    // Why: a burst takes its beats' credits when issued; each beat popped returns one.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        credit_q <= CredW'(FifoDepth);
      end else begin
        credit_q <= credit_q - (issue ? CredW'(burst_beats[s]) : '0) + CredW'(pop);
      end
    end

    // Outstanding-burst tags, written in AR order and read in R order (which AXI keeps equal per
    // ID): does the burst end its request (then its RLAST beat is rd_last), is it low priority?
    // At most FifoDepth bursts are outstanding since each holds at least one credit.
    logic tag_final, tag_low;

    pnc_fifo #(
        .Width(2),
        .Depth(FifoDepth)
    ) u_tags (
        .clk_i,
        .rst_ni,
        .clr_i(1'b0),
        .in_valid_i(issue),
        .in_ready_o(tag_room),  // always 1: the credits bound the outstanding bursts
        .in_data_i({low_q, burst_final[s]}),
        // Waiver: an R beat comes only for an outstanding burst (checked by RidInRange and the
        // receive FIFO's credits), so the head tag is valid whenever it is read.
        /* verilator lint_off PINCONNECTEMPTY */
        .out_valid_o(),
        /* verilator lint_on PINCONNECTEMPTY */
        .out_ready_i(push && m_axi_rlast),
        .out_data_o({tag_low, tag_final}),
        /* verilator lint_off PINCONNECTEMPTY */
        .count_o()
        /* verilator lint_on PINCONNECTEMPTY */
    );

    assign in_push_o[s] = push;
    assign lp_beat[s]   = push && tag_low;
    assign in_last_o[s] = push && m_axi_rlast && tag_final;

    // Receive FIFO: {last, data} per beat. R is always accepted: the credits reserve its room.
    logic [CredW-1:0] count;
    logic rx_room;

    pnc_fifo #(
        .Width(DW + 1),
        .Depth(FifoDepth)
    ) u_rx (
        .clk_i,
        .rst_ni,
        .clr_i      (1'b0),
        .in_valid_i (push),
        .in_ready_o (rx_room),
        .in_data_i  ({m_axi_rlast && tag_final, m_axi_rdata}),
        .out_valid_o(rd_valid_o[s]),
        .out_ready_i(rd_ready_i[s]),
        .out_data_o ({rd_last_o[s], rd_data_o[s]}),
        .count_o    (count)
    );

    `PNC_ASSERT(ReqAligned, !(req_valid_i[s] && !busy) || req_addr_i[s][SizeLog2-1:0] == '0)
    `PNC_ASSERT(ReqLenNonZero, !(req_valid_i[s] && !busy) || req_len_i[s] != '0)
    `PNC_ASSERT_STREAM(ReqStream, req_valid_i[s], req_ready_o[s], {req_addr_i[s], req_len_i[s]})
    `PNC_ASSERT_STREAM(RdStream, rd_valid_o[s], rd_ready_i[s], {rd_last_o[s], rd_data_o[s]})
    `PNC_ASSERT(NoOverflow, !push || rx_room)
    `PNC_ASSERT(TagsNoOverflow, !issue || tag_room)
    `PNC_ASSERT(CreditsCover, count <= CredW'(FifoDepth) - credit_q)
  end

  `PNC_ASSERT_KNOWN(RvalidKnown, m_axi_rvalid)
  `PNC_ASSERT(RidInRange, !m_axi_rvalid || int'(m_axi_rid) < NS)
  // One AR beat past the burst's end, relative to its 4 KiB page: at most the page size.
  logic [12:0] ar_end;
  assign ar_end = 13'(m_axi_araddr[11:0]) + 13'((32'(m_axi_arlen) + 1) * BeatBytes);
  logic [IdW+pnc_pkg::AXI_ADDR_W+8-1:0] ar_payload;
  assign ar_payload = {m_axi_arid, m_axi_araddr, m_axi_arlen};
  `PNC_ASSERT_STREAM(ArStream, m_axi_arvalid, m_axi_arready, ar_payload)
  `PNC_ASSERT(ArIn4k, !m_axi_arvalid || ar_end <= 13'd4096)

endmodule : pnc_axi_rd
