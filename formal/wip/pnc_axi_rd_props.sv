// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_axi_rd: AXI4 master read rules, request splitting, credits and R routing.
//
// Asserted (the block's promises):
//   AR handshake: ARVALID held until ARREADY, every AR payload field stable while stalled.
//   AR legality: INCR, ARSIZE = bus width, ARID < NS, address aligned to the beat, ARLEN + 1 <=
//     AXI_MAX_BURST, no burst crosses a 4 KiB boundary.
//   Requests: the bursts of stream s's request are presented with ARID = s, in address order,
//     back to back, and their beats add up to ceil(len / beat bytes); a new request is accepted
//     only when the previous one of the stream is fully presented.
//   Credits: RREADY = 1; per stream, beats owed by the bus (presented on AR, not yet returned)
//     plus beats buffered never exceed the receive FIFO, so no R beat is ever dropped (the
//     RTL's NoOverflow/CreditsCover checks are obligations too); low-priority beats owed never
//     exceed LowPrioBeats + AXI_MAX_BURST.
//   Delivery: beat_o/err_o/in_push_o/in_data_o mark every R beat and its stream; the beats of
//     stream s (RID = s) leave on rd_* of stream s, in arrival order, unchanged (a reference
//     queue per stream), and rd_last is set exactly on the last beat of each request (the last
//     beat of the request's final burst, as this module splits the request itself); rd_* obeys
//     the stream rule.
//   Plus every run-time check the RTL carries (formal/pnc_assert_formal.svh).
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   Q1  req_* of each stream obeys the stream rule (held until ready, payload stable).
//   Q2  a request is legal: address aligned to the beat, len > 0.
//   S1  the slave returns, per ARID and in AR order, exactly ARLEN + 1 beats per burst whose AR
//       handshake is done, with RLAST on the last one (AXI A3.3.1, A5.3.1 ordering per ID;
//       interleaving across IDs is free); RID names an issued ID.
//   S2  the slave accepts at most SlaveOut (2) bursts per ID before it has returned their
//       RLAST (it holds ARREADY low meanwhile, which AXI allows); bounds the proof's slave queue.
`include "pnc_formal.svh"

module pnc_axi_rd_props #(
    parameter  int NS           = 2,
    parameter  int FifoDepth    = pnc_pkg::AXI_MAX_BURST,
    parameter  int LowPrioBeats = 4,
    parameter  bit CheckData    = 1,  // 0: the reference queue keeps rd_last only
    parameter  int SlaveOut     = 2,  // bursts per ID the slave accepts before answering
    localparam int IdW          = pnc_pkg::AXI_ID_W,
    localparam int DW           = pnc_pkg::AXI_DATA_W
) (
    input logic clk_i,
    input logic rst_ni,

    input logic [NS-1:0]       req_valid_i,
    input logic [NS-1:0][31:0] req_addr_i,
    input logic [NS-1:0][23:0] req_len_i,
    input logic [NS-1:0]       req_low_i,
    input logic [NS-1:0]       rd_ready_i,

    input logic           m_axi_arready,
    input logic [IdW-1:0] m_axi_rid,
    input logic [ DW-1:0] m_axi_rdata,
    input logic [    1:0] m_axi_rresp,
    input logic           m_axi_rvalid
);
  `PNC_F_RESET

  localparam int BeatBytes = DW / 8;
  localparam int SizeLog2 = $clog2(BeatBytes);
  localparam int CW = 26;  // beat counters: a 24-bit byte length in beats, plus headroom
  localparam int QW = (FifoDepth > 1) ? $clog2(FifoDepth) : 1;  // queue pointers
  localparam int NW = $clog2(FifoDepth + 1);  // queue counts
  localparam int SW = 12;  // sums of owed beats (at most NS * (FifoDepth + AXI_MAX_BURST))
  localparam int BlenW = $clog2(pnc_pkg::AXI_MAX_BURST + 1);
  localparam int BeatsW = 25 - SizeLog2;
  localparam int CredW = $clog2(FifoDepth + 1);
  localparam int LpW = $clog2(LowPrioBeats + pnc_pkg::AXI_MAX_BURST + 1);
  localparam int RW = CheckData ? DW + 1 : 1;  // reference entry: {last, data} or {last}

  logic [NS-1:0] req_ready, rd_valid, rd_last, in_push, in_last;
  logic [NS-1:0][DW-1:0] rd_data;
  logic [DW-1:0] in_data;
  logic err, beat;
  logic [IdW-1:0] arid;
  logic [pnc_pkg::AXI_ADDR_W-1:0] araddr;
  logic [7:0] arlen;
  logic [2:0] arsize;
  logic [1:0] arburst;
  logic arvalid, rready, rlast;

  pnc_axi_rd #(
      .NS          (NS),
      .FifoDepth   (FifoDepth),
      .IdW         (IdW),
      .LowPrioBeats(LowPrioBeats)
  ) u_dut (
      .clk_i,
      .rst_ni,
      .req_valid_i,
      .req_ready_o  (req_ready),
      .req_addr_i,
      .req_len_i,
      .req_low_i,
      .rd_valid_o   (rd_valid),
      .rd_ready_i,
      .rd_data_o    (rd_data),
      .rd_last_o    (rd_last),
      .err_o        (err),
      .beat_o       (beat),
      .in_push_o    (in_push),
      .in_last_o    (in_last),
      .in_data_o    (in_data),
      .m_axi_arid   (arid),
      .m_axi_araddr (araddr),
      .m_axi_arlen  (arlen),
      .m_axi_arsize (arsize),
      .m_axi_arburst(arburst),
      .m_axi_arvalid(arvalid),
      .m_axi_arready,
      .m_axi_rid,
      .m_axi_rdata,
      .m_axi_rresp,
      .m_axi_rlast  (rlast),
      .m_axi_rvalid,
      .m_axi_rready (rready)
  );

  // ---- probes (driven by `connect` in pnc_axi_rd.sby; used by the induction invariants)
  logic [NS-1:0] f_busy, f_low;
  logic [NS-1:0][31:0] f_addr;
  logic [NS-1:0][BeatsW-1:0] f_left;
  logic [NS-1:0][CredW-1:0] f_credit, f_count;
  logic [NS-1:0][FifoDepth-1:0] f_tag, f_ltag;
  logic [NS-1:0][QW-1:0] f_tag_wr, f_tag_rd, f_wr, f_rd;
  logic [NS-1:0][FifoDepth-1:0][DW:0] f_mem;
  logic [LpW-1:0] f_lp_out;
  // the RTL's own stream checks (pnc_assert_formal.svh): stall flag and data copy
  logic f_sa_ar_stall;
  logic [IdW+pnc_pkg::AXI_ADDR_W+8-1:0] f_sa_ar_data;
  logic [NS-1:0] f_sa_req_stall, f_sa_rd_stall;
  logic [NS-1:0][55:0] f_sa_req_data;
  logic [NS-1:0][DW:0] f_sa_rd_data;

  // RLAST is an input of the block; the slave model below drives it.
  logic f_rlast;
  assign rlast = f_rlast;

  logic ar_stall_q, ar_new, ar_hs;
  logic [8:0] ar_beats;
  assign ar_new   = arvalid && !ar_stall_q;  // a burst shows up on AR for the first time
  assign ar_hs    = arvalid && m_axi_arready;
  assign ar_beats = 9'(arlen) + 9'd1;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ar_stall_q <= 1'b0;
    else ar_stall_q <= arvalid && !m_axi_arready;
  end

  // ---- AR channel rules (the stream rule written out: its registers are invariants' operands)
  logic [IdW+pnc_pkg::AXI_ADDR_W+8+3+2-1:0] ar_pay, ar_pay_q;
  assign ar_pay = {arid, araddr, arlen, arsize, arburst};
  always_ff @(posedge clk_i) ar_pay_q <= ar_pay;
  always @(*) begin
    if (rst_ni && ar_stall_q) begin
      ArStream_ValidHeld: assert (arvalid);
      ArStream_DataStable: assert (ar_pay == ar_pay_q);
    end
    if (rst_ni) begin
      InvArCheck: assert (f_sa_ar_stall == ar_stall_q
                          && (!ar_stall_q || f_sa_ar_data == ar_pay_q[IdW+pnc_pkg::AXI_ADDR_W+8+4:5]));
    end
  end
  logic [12:0] ar_end;  // one byte past the burst, relative to its 4 KiB page
  assign ar_end = 13'(araddr[11:0]) + 13'(ar_beats) * 13'(BeatBytes);
  always @(*) begin
    if (rst_ni) begin
      RReadyHigh: assert (rready);
      BeatEveryR: assert (beat == m_axi_rvalid && err == (m_axi_rvalid && m_axi_rresp != 2'b00));
      InData: assert (in_data == m_axi_rdata);
      if (arvalid) begin
        ArIncr: assert (arburst == 2'b01);
        ArSize: assert (arsize == 3'(SizeLog2));
        ArIdInRange: assert (32'(arid) < NS);
        ArAligned: assert (araddr[SizeLog2-1:0] == '0);
        ArLenMax: assert (ar_beats <= 9'(pnc_pkg::AXI_MAX_BURST));
        ArNo4kCross: assert (ar_end <= 13'd4096);
      end
    end
  end
  always @(*) if (m_axi_rvalid) S1_RidIssued: assume (32'(m_axi_rid) < NS);

  // ---- per stream: environment, slave model, reference queue and checks
  logic [NS-1:0] f_rlast_s, s2_ok;
  always @(*) S2_SlaveOut: assume (&s2_ok);
  logic [NS-1:0][SW-1:0] lp_owed_s;  // low-priority beats owed by the bus, per stream
  always @(*) begin
    f_rlast = 1'b0;
    for (int s = 0; s < NS; s++) if (32'(m_axi_rid) == s) f_rlast = f_rlast_s[s];
  end

  for (genvar s = 0; s < NS; s++) begin : gen_s
    // Q1, Q2 (no labels inside the loop: Yosys does not scope them by generate block)
    logic q_stall_q;
    logic [55:0] q_data_q;
    always_ff @(posedge clk_i) begin
      q_stall_q <= rst_ni && req_valid_i[s] && !req_ready[s];
      q_data_q  <= {req_addr_i[s], req_len_i[s]};
    end
    always @(*) begin
      if (rst_ni && q_stall_q) assume (req_valid_i[s] && {req_addr_i[s], req_len_i[s]} == q_data_q);
      if (rst_ni) begin  // the RTL's ReqStream check sees the same history
        assert (f_sa_req_stall[s] == q_stall_q && (!q_stall_q || f_sa_req_data[s] == q_data_q));
      end
      if (req_valid_i[s]) assume (req_addr_i[s][SizeLog2-1:0] == '0 && req_len_i[s] != '0);
    end

    logic req_fire, r_s, pop, ar_s, ar_new_s, pend_s;
    logic [CW-1:0] req_beats;
    assign req_fire  = req_valid_i[s] && req_ready[s];
    assign r_s       = m_axi_rvalid && 32'(m_axi_rid) == s;
    assign pop       = rd_valid[s] && rd_ready_i[s];
    assign ar_s      = ar_hs && 32'(arid) == s;
    assign ar_new_s  = ar_new && 32'(arid) == s;
    assign pend_s    = arvalid && 32'(arid) == s;  // a burst of s is on AR, not yet taken
    assign req_beats = CW'((25'(req_len_i[s]) + 25'(BeatBytes - 1)) >> SizeLog2);

    // Request splitting: bursts of the stream cover the request, contiguous and in order.
    logic [CW-1:0] f_left_q, left_now;
    logic [31:0] f_next_q;
    logic f_low_q;  // the current request is low priority
    assign left_now = f_left_q - (ar_new_s ? CW'(ar_beats) : '0);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        f_left_q <= '0;
        f_next_q <= '0;
        f_low_q  <= 1'b0;
      end else if (req_fire) begin
        f_left_q <= req_beats;
        f_next_q <= req_addr_i[s];
        f_low_q  <= req_low_i[s];
      end else if (ar_new_s) begin
        f_left_q <= left_now;
        f_next_q <= f_next_q + 32'(ar_beats) * BeatBytes;
      end
    end

    // The burst on AR: does it end its request, is it low priority (fixed when presented).
    logic pa_fin_q, pa_low_q, pa_fin, pa_low;
    assign pa_fin = ar_new_s ? (left_now == '0) : pa_fin_q;
    assign pa_low = ar_new_s ? f_low_q : pa_low_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        pa_fin_q <= 1'b0;
        pa_low_q <= 1'b0;
      end else if (ar_new_s) begin
        pa_fin_q <= pa_fin;
        pa_low_q <= pa_low;
      end
    end

    // S1: the slave's queue of bursts with ARID s, filled at the AR handshake.
    logic [FifoDepth*BlenW-1:0] sq_len_q;  // BlenW bits per entry
    logic [FifoDepth-1:0] sq_fin_q, sq_low_q;
    logic [NW-1:0] sq_cnt_q;
    logic [QW-1:0] sq_rd_q, sq_wr_q;
    logic [BlenW-1:0] sq_beat_q;  // beats of the head burst already returned
    logic r_end;
    assign f_rlast_s[s] = (sq_beat_q + BlenW'(1) == sq_len_q[BlenW*sq_rd_q+:BlenW]);
    assign r_end = r_s && f_rlast_s[s];
    always @(*) if (r_s) assume (sq_cnt_q != '0);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        sq_len_q  <= '0;
        sq_fin_q  <= '0;
        sq_low_q  <= '0;
        sq_cnt_q  <= '0;
        sq_rd_q   <= '0;
        sq_wr_q   <= '0;
        sq_beat_q <= '0;
      end else begin
        if (ar_s) begin
          sq_len_q[BlenW*sq_wr_q+:BlenW] <= BlenW'(ar_beats);
          sq_fin_q[sq_wr_q] <= pa_fin;
          sq_low_q[sq_wr_q] <= pa_low;
          sq_wr_q <= (32'(sq_wr_q) == FifoDepth - 1) ? '0 : sq_wr_q + QW'(1);
        end
        if (r_s) begin
          if (f_rlast_s[s]) begin
            sq_beat_q <= '0;
            sq_rd_q   <= (32'(sq_rd_q) == FifoDepth - 1) ? '0 : sq_rd_q + QW'(1);
          end else begin
            sq_beat_q <= sq_beat_q + BlenW'(1);
          end
        end
        sq_cnt_q <= sq_cnt_q + NW'(ar_s) - NW'(r_end);
      end
    end

    // S2: at most SlaveOut bursts of this ID between AR handshake and RLAST.
    assign s2_ok[s] = !ar_s || 32'(sq_cnt_q) < SlaveOut;

    // Beats owed by the bus: the rest of the slave's queue plus the burst on AR.
    logic [SW-1:0] owed, lp_owed;
    always @(*) begin
      owed = pend_s ? SW'(ar_beats) : '0;
      lp_owed = (pend_s && pa_low) ? SW'(ar_beats) : '0;
      for (int j = 0; j < SlaveOut; j++) begin
        if (j < 32'(sq_cnt_q)) begin
          owed = owed + SW'(sq_len_q[BlenW*((32'(sq_rd_q)+j)%FifoDepth)+:BlenW]);
          if (sq_low_q[(32'(sq_rd_q)+j)%FifoDepth]) begin
            lp_owed = lp_owed + SW'(sq_len_q[BlenW*((32'(sq_rd_q)+j)%FifoDepth)+:BlenW]);
          end
        end
      end
      owed = owed - SW'(sq_beat_q);
      if (sq_cnt_q != '0 && sq_low_q[sq_rd_q]) lp_owed = lp_owed - SW'(sq_beat_q);
    end
    assign lp_owed_s[s] = lp_owed;

    // Reference receive queue: {last of request, data} per beat of stream s, in R order.
    logic [FifoDepth*RW-1:0] rf_q;  // RW bits per entry
    logic [DW:0] in_ent, rd_ent;
    assign in_ent = {r_end && sq_fin_q[sq_rd_q], m_axi_rdata};
    assign rd_ent = {rd_last[s], rd_data[s]};
    logic [NW-1:0] rf_cnt_q;
    logic [QW-1:0] rf_rd_q, rf_wr_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rf_q     <= '0;
        rf_cnt_q <= '0;
        rf_rd_q  <= '0;
        rf_wr_q  <= '0;
      end else begin
        if (r_s) begin
          rf_q[RW*rf_wr_q+:RW] <= in_ent[DW-:RW];
          rf_wr_q <= (32'(rf_wr_q) == FifoDepth - 1) ? '0 : rf_wr_q + QW'(1);
        end
        if (pop) rf_rd_q <= (32'(rf_rd_q) == FifoDepth - 1) ? '0 : rf_rd_q + QW'(1);
        rf_cnt_q <= rf_cnt_q + NW'(r_s) - NW'(pop);
      end
    end

    always @(*) begin
      if (rst_ni) begin
        if (ar_new_s) begin
          assert (CW'(ar_beats) <= f_left_q);  // burst within the request
          assert (araddr == f_next_q);  // contiguous
        end
        if (req_fire) assert (left_now == '0);  // previous request fully presented
        assert (32'(owed) + 32'(rf_cnt_q) <= FifoDepth);  // credits: R never overflows
        assert (in_push[s] == r_s);
        assert (in_last[s] == (r_end && sq_fin_q[sq_rd_q]));
        assert (rd_valid[s] == (rf_cnt_q != '0));
        if (rd_valid[s]) assert (rd_ent[DW-:RW] == rf_q[RW*rf_rd_q+:RW]);
      end
    end

    // rd_* stream rule (written out: the macro's labels would clash across the loop)
    logic rd_stall_q;
    logic [DW:0] rd_q;
    always_ff @(posedge clk_i) begin
      rd_stall_q <= rst_ni && rd_valid[s] && !rd_ready_i[s];
      rd_q <= {rd_last[s], rd_data[s]};
    end
    always @(*) begin
      if (rst_ni && rd_stall_q) assert (rd_valid[s] && {rd_last[s], rd_data[s]} == rd_q);
      if (rst_ni) begin  // the RTL's RdStream check sees the same history
        assert (f_sa_rd_stall[s] == rd_stall_q && (!rd_stall_q || f_sa_rd_data[s] == rd_q));
      end
    end

    // ---- induction strengthening: internal state agrees with the shadow
    always @(*) begin
      if (rst_ni) begin
        // splitter
        assert (CW'(f_left[s]) == left_now);
        assert (f_busy[s] == (f_left[s] != '0));
        assert (f_addr[s] == f_next_q + (ar_new_s ? 32'(ar_beats) * BeatBytes : 32'd0));
        assert (f_addr[s][SizeLog2-1:0] == '0);
        assert (!f_busy[s] || f_low[s] == f_low_q);  // a bare probe bit as an if condition is lost
        // credits = FIFO slots neither filled nor owed
        assert (32'(f_credit[s]) + 32'(f_count[s]) + 32'(owed) == FifoDepth);
        // slave queue and the RTL's tag queue (written at issue, one burst ahead while on AR)
        assert (32'(sq_cnt_q) <= SlaveOut);
        assert (32'(sq_wr_q) == (32'(sq_rd_q) + 32'(sq_cnt_q)) % FifoDepth);
        assert (f_tag_rd[s] == sq_rd_q);
        assert (32'(f_tag_wr[s]) == (32'(sq_wr_q) + 32'(pend_s)) % FifoDepth);
        if (sq_cnt_q == '0) assert (sq_beat_q == '0);
        else assert (sq_beat_q < sq_len_q[BlenW*sq_rd_q+:BlenW]);
        if (pend_s) assert (f_tag[s][sq_wr_q] == pa_fin && f_ltag[s][sq_wr_q] == pa_low);
        // receive FIFO = reference queue
        assert (f_count[s] == CredW'(rf_cnt_q) && 32'(rf_cnt_q) <= FifoDepth);
        assert (f_wr[s] == rf_wr_q && f_rd[s] == rf_rd_q);
        assert (32'(rf_wr_q) == (32'(rf_rd_q) + 32'(rf_cnt_q)) % FifoDepth);
      end
    end
    for (genvar i = 0; i < FifoDepth; i++) begin : gen_i
      always @(*) begin
        if (rst_ni && (i + FifoDepth - 32'(sq_rd_q)) % FifoDepth < 32'(sq_cnt_q)) begin
          assert (sq_len_q[BlenW*i+:BlenW] != '0
                  && sq_len_q[BlenW*i+:BlenW] <= BlenW'(pnc_pkg::AXI_MAX_BURST));
          assert (f_tag[s][i] == sq_fin_q[i] && f_ltag[s][i] == sq_low_q[i]);
        end
        if (rst_ni && (i + FifoDepth - 32'(rf_rd_q)) % FifoDepth < 32'(rf_cnt_q)) begin
          assert (f_mem[s][i][DW-:RW] == rf_q[RW*i+:RW]);
        end
      end
    end
  end

  // ---- low priority: the RTL's count is the low-priority beats owed, within its bound
  logic [SW-1:0] lp_owed_all;
  always @(*) begin
    lp_owed_all = '0;
    for (int s = 0; s < NS; s++) lp_owed_all = lp_owed_all + lp_owed_s[s];
  end
  always @(*) begin
    if (rst_ni) begin
      LowPrioBound: assert (32'(lp_owed_all) <= LowPrioBeats + pnc_pkg::AXI_MAX_BURST);
      InvLowPrio: assert (SW'(f_lp_out) == lp_owed_all);
    end
  end

endmodule
