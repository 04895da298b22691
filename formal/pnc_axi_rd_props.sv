// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_axi_rd: AXI4 master read rules, request splitting, credits and R routing.
//
// Asserted (the block's promises):
//   AR handshake: ARVALID held until ARREADY, ARID/ARADDR/ARLEN stable while stalled (the RTL's
//     ArStream check), ARSIZE and ARBURST constant.
//   AR legality: INCR, ARSIZE = bus width, ARID < NS, address aligned to the beat, ARLEN + 1 <=
//     AXI_MAX_BURST, no burst crosses a 4 KiB boundary.
//   Requests: the bursts of stream s's request are presented with ARID = s, in address order,
//     back to back, and their beats add up to ceil(len / beat bytes); a new request is accepted
//     only when the previous one of the stream is fully presented.
//   Credits: RREADY = 1; per stream, beats owed by the bus (presented on AR, not yet returned)
//     plus beats buffered equal the receive FIFO's depth minus the stream's credits, so no R
//     beat is ever dropped (the RTL's NoOverflow/CreditsCover checks are obligations too);
//     the block's low-priority count equals the low-priority beats owed and stays within
//     LowPrioBeats + AXI_MAX_BURST.
//   Delivery: beat_o/err_o/in_push_o/in_data_o mark every R beat and its stream, in_last_o
//     exactly the last beat of a request (the RLAST beat of its final burst, as this module
//     splits the request itself); one R beat, chosen by the solver with f_pick_i, is followed:
//     it leaves on rd_* of its stream after exactly the beats of that stream ahead of it, with
//     its data and that last flag (for an arbitrary pick this covers every beat); rd_* obeys
//     the stream rule (the RTL's RdStream check).
//   Plus every run-time check the RTL carries (formal/pnc_assert_formal.svh).
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   Q1  req_* of every stream obeys the stream rule (address and length held until ready).
//   Q2  a request is legal: address aligned to the beat, len > 0.
//   S1  the slave returns, per ARID and in AR order, exactly ARLEN + 1 beats per burst whose AR
//       handshake is done, with RLAST on the last one (AXI A3.3.1, A5.3.1 ordering per ID;
//       interleaving across IDs is free); RID names a stream with such a burst.
//   S2  the slave accepts at most SlaveOut bursts per ID before it has returned their RLAST
//       (it holds ARREADY low meanwhile, which AXI allows); bounds the proof's slave queue.
`include "pnc_formal.svh"

module pnc_axi_rd_props #(
    parameter  int NS           = 2,
    parameter  int LowPrioBeats = 4,
    parameter  int SlaveOut     = 2,  // bursts per ID the slave accepts before answering
    localparam int FifoDepth    = pnc_pkg::AXI_MAX_BURST,
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
    input logic           m_axi_rvalid,

    input logic f_pick_i  // follow the R beat accepted in this cycle
);
  `PNC_F_RESET

  localparam int BeatBytes = DW / 8;
  localparam int SizeLog2 = $clog2(BeatBytes);
  localparam int CW = 26;  // beat counters: a 24-bit byte length in beats, plus headroom
  localparam int QW = $clog2(FifoDepth);  // FIFO pointers (FifoDepth is a power of two)
  localparam int SW = 8;  // sums of owed beats (at most SlaveOut + 1 bursts per stream)
  localparam int BlenW = $clog2(pnc_pkg::AXI_MAX_BURST + 1);
  localparam int BeatsW = 25 - SizeLog2;
  localparam int CredW = $clog2(FifoDepth + 1);
  localparam int LpW = $clog2(LowPrioBeats + pnc_pkg::AXI_MAX_BURST + 1);
  localparam int SelW = (NS > 1) ? $clog2(NS) : 1;
  localparam int SqW = $clog2(SlaveOut + 1);

  `PNC_STATIC_ASSERT(DepthPow2, (1 << QW) == FifoDepth)

  // ---- the DUT, hooked up by name; m_axi_rlast comes from the slave model below
  logic [NS-1:0] req_ready_o, rd_valid_o, rd_last_o, in_push_o, in_last_o;
  logic [NS-1:0][DW-1:0] rd_data_o;
  logic [DW-1:0] in_data_o;
  logic err_o, beat_o;
  logic [IdW-1:0] m_axi_arid;
  logic [pnc_pkg::AXI_ADDR_W-1:0] m_axi_araddr;
  logic [7:0] m_axi_arlen;
  logic [2:0] m_axi_arsize;
  logic [1:0] m_axi_arburst;
  logic m_axi_arvalid, m_axi_rready, m_axi_rlast;

  pnc_axi_rd #(
      .NS          (NS),
      .FifoDepth   (FifoDepth),
      .LowPrioBeats(LowPrioBeats)
  ) u_dut (.*);

  // ---- probes (driven by `connect` in pnc_axi_rd.sby; used by the Inv* strengthening only)
  logic [NS-1:0] f_busy, f_low;
  logic [NS-1:0][31:0] f_addr;
  logic [NS-1:0][BeatsW-1:0] f_left;
  logic [NS-1:0][CredW-1:0] f_credit, f_count, f_tag_cnt;
  logic [NS-1:0][QW-1:0] f_tag_wr, f_tag_rd, f_wr, f_rd;
  logic [NS-1:0][FifoDepth-1:0][1:0] f_tagmem;  // the tag FIFO's words {low, final}
  logic [NS-1:0][FifoDepth-1:0][DW:0] f_mem;  // the receive FIFO's words {last, data}
  logic [LpW-1:0] f_lp_out;

  // ---- AR channel
  logic ar_stall_q, ar_new, ar_hs;
  logic [8:0] ar_beats;
  assign ar_new   = m_axi_arvalid && !ar_stall_q;  // a burst shows up on AR for the first time
  assign ar_hs    = m_axi_arvalid && m_axi_arready;
  assign ar_beats = 9'(m_axi_arlen) + 9'd1;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ar_stall_q <= 1'b0;
    else ar_stall_q <= m_axi_arvalid && !m_axi_arready;
  end

  logic [12:0] ar_end;  // one byte past the burst, relative to its 4 KiB page
  assign ar_end = 13'(m_axi_araddr[11:0]) + (13'(ar_beats) << SizeLog2);
  always @(*) begin
    if (rst_ni) begin
      RReadyHigh: assert (m_axi_rready);
      BeatEveryR: assert (beat_o == m_axi_rvalid && err_o == (m_axi_rvalid && m_axi_rresp != 2'b00));
      InData: assert (in_data_o == m_axi_rdata);
      if (m_axi_arvalid) begin
        ArIncr: assert (m_axi_arburst == 2'b01);
        ArSize: assert (m_axi_arsize == 3'(SizeLog2));
        ArIdInRange: assert (32'(m_axi_arid) < NS);
        ArAligned: assert (m_axi_araddr[SizeLog2-1:0] == '0);
        ArLenMax: assert (ar_beats <= 9'(pnc_pkg::AXI_MAX_BURST));
        ArNo4kCross: assert (ar_end <= 13'd4096);
      end
    end
  end
  always @(*) if (m_axi_rvalid) S1_RidIssued: assume (32'(m_axi_rid) < NS);

  // ---- per stream: environment, slave model and checks
  logic [NS-1:0] rlast_s, s2_ok;
  logic [NS-1:0][SW-1:0] lp_owed_s;  // low-priority beats owed by the bus, per stream
  logic [NS-1:0] in_last_ref;  // the R beat of stream s ends its request
  logic [NS-1:0] q1_ok, q2_ok;  // per stream; one label each (Yosys cannot label in a loop)
  always @(*) begin
    Q1_ReqStream: assume (&q1_ok);
    Q2_ReqLegal: assume (&q2_ok);
    S2_SlaveOut: assume (&s2_ok);
  end
  assign m_axi_rlast = rlast_s[SelW'(m_axi_rid)];

  for (genvar s = 0; s < NS; s++) begin : gen_s
    // Q1, Q2
    logic q_stall_q;
    logic [55:0] q_data_q;
    always_ff @(posedge clk_i) begin
      q_stall_q <= rst_ni && req_valid_i[s] && !req_ready_o[s];
      q_data_q  <= {req_addr_i[s], req_len_i[s]};
    end
    assign q1_ok[s] = !(rst_ni && q_stall_q)
                      || (req_valid_i[s] && {req_addr_i[s], req_len_i[s]} == q_data_q);
    assign q2_ok[s] = !req_valid_i[s] || (req_addr_i[s][SizeLog2-1:0] == '0 && req_len_i[s] != '0);

    logic req_fire, r_s, ar_s, ar_new_s, pend_s;
    logic [CW-1:0] req_beats;
    assign req_fire  = req_valid_i[s] && req_ready_o[s];
    assign r_s       = m_axi_rvalid && 32'(m_axi_rid) == s;
    assign ar_s      = ar_hs && 32'(m_axi_arid) == s;
    assign ar_new_s  = ar_new && 32'(m_axi_arid) == s;
    assign pend_s    = m_axi_arvalid && 32'(m_axi_arid) == s;  // a burst of s is on AR
    assign req_beats = CW'((25'(req_len_i[s]) + 25'(BeatBytes - 1)) >> SizeLog2);

    // Request splitting: bursts of the stream cover the request, contiguous and in order.
    logic [CW-1:0] f_left_q, left_now;
    logic [31:0] f_next_q;
    logic f_low_q;  // the current request is low priority
    assign left_now = f_left_q - (ar_new_s ? CW'(ar_beats) : '0);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) {f_left_q, f_next_q, f_low_q} <= '0;
      else if (req_fire) begin
        f_left_q <= req_beats;
        f_next_q <= req_addr_i[s];
        f_low_q  <= req_low_i[s];
      end else if (ar_new_s) begin
        f_left_q <= left_now;
        f_next_q <= f_next_q + (32'(ar_beats) << SizeLog2);
      end
    end

    // The burst on AR: does it end its request, is it low priority (fixed when presented).
    logic pa_fin_q, pa_low_q, pa_fin, pa_low;
    assign pa_fin = ar_new_s ? (left_now == '0) : pa_fin_q;
    assign pa_low = ar_new_s ? f_low_q : pa_low_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) {pa_fin_q, pa_low_q} <= '0;
      else if (ar_new_s) begin
        pa_fin_q <= pa_fin;
        pa_low_q <= pa_low;
      end
    end

    // S1, S2: the slave's queue of bursts with ARID s (head first), filled at the AR handshake.
    logic [SlaveOut*BlenW-1:0] sq_len_q;  // BlenW bits per entry (a flat vector: Yosys
    // cannot size a packed array declared in a generate block)
    logic [SlaveOut-1:0] sq_fin_q, sq_low_q;
    logic [SqW-1:0] sq_cnt_q;
    logic [BlenW-1:0] sq_beat_q;  // beats of the head burst already returned
    logic r_end;
    assign rlast_s[s] = (sq_beat_q + BlenW'(1) == sq_len_q[BlenW-1:0]);
    assign r_end = r_s && rlast_s[s];
    assign in_last_ref[s] = r_end && sq_fin_q[0];
    assign s2_ok[s] = (!r_s || sq_cnt_q != '0) && (!ar_s || 32'(sq_cnt_q) < SlaveOut);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) {sq_len_q, sq_fin_q, sq_low_q, sq_cnt_q, sq_beat_q} <= '0;
      else begin
        for (int j = 0; j < SlaveOut; j++) begin
          if (ar_s && j == 32'(sq_cnt_q - SqW'(r_end))) begin
            sq_len_q[BlenW*j+:BlenW] <= BlenW'(ar_beats);
            sq_fin_q[j] <= pa_fin;
            sq_low_q[j] <= pa_low;
          end else if (r_end && j + 1 < SlaveOut) begin
            sq_len_q[BlenW*j+:BlenW] <= sq_len_q[BlenW*(j+1)+:BlenW];
            sq_fin_q[j] <= sq_fin_q[j+1];
            sq_low_q[j] <= sq_low_q[j+1];
          end
        end
        if (r_s) sq_beat_q <= rlast_s[s] ? '0 : sq_beat_q + BlenW'(1);
        sq_cnt_q <= sq_cnt_q + SqW'(ar_s) - SqW'(r_end);
      end
    end

    // Beats owed by the bus: the rest of the slave's queue plus the burst on AR.
    logic [SW-1:0] owed, lp_owed;
    always @(*) begin
      owed = pend_s ? SW'(ar_beats) : '0;
      lp_owed = (pend_s && pa_low) ? SW'(ar_beats) : '0;
      for (int j = 0; j < SlaveOut; j++) begin
        if (j < 32'(sq_cnt_q)) begin
          owed = owed + SW'(sq_len_q[BlenW*j+:BlenW]);
          if (sq_low_q[j]) lp_owed = lp_owed + SW'(sq_len_q[BlenW*j+:BlenW]);
        end
      end
      owed = owed - SW'(sq_beat_q);
      if (sq_low_q[0]) lp_owed = lp_owed - SW'(sq_beat_q);
    end
    assign lp_owed_s[s] = lp_owed;

    always @(*) begin
      if (rst_ni) begin
        if (ar_new_s) begin
          assert (CW'(ar_beats) <= f_left_q);  // burst within the request
          assert (m_axi_araddr == f_next_q);  // contiguous
        end
        if (req_fire) assert (left_now == '0);  // previous request fully presented
        assert (32'(owed) + 32'(f_count[s]) <= FifoDepth);  // credits: R never overflows
        assert (in_push_o[s] == r_s);
        assert (in_last_o[s] == in_last_ref[s]);
      end
    end

    // ---- induction strengthening: internal state agrees with the shadow
    // FIFO slots, as QW-bit wires: Yosys does not wrap a sum inside a wider comparison
    logic [QW-1:0] tag_pend, tag_end, rx_end;
    assign tag_pend = f_tag_rd[s] + QW'(sq_cnt_q);  // the tag of the burst on AR
    assign tag_end  = tag_pend + QW'(pend_s);
    assign rx_end   = f_rd[s] + QW'(f_count[s]);
    always @(*) begin
      if (rst_ni) begin
        // splitter
        assert (CW'(f_left[s]) == left_now);
        assert (f_busy[s] == (f_left[s] != '0));
        assert (f_addr[s] == f_next_q + (ar_new_s ? (32'(ar_beats) << SizeLog2) : 32'd0));
        assert (f_addr[s][SizeLog2-1:0] == '0);
        assert (!f_busy[s] || f_low[s] == f_low_q);  // a bare probe bit as an if condition is lost
        // credits = FIFO slots neither filled nor owed
        assert (32'(f_credit[s]) + 32'(f_count[s]) + 32'(owed) == FifoDepth);
        // slave queue = the RTL's tag queue (written at issue, one burst ahead while on AR)
        assert (32'(sq_cnt_q) <= SlaveOut);
        assert (32'(f_tag_cnt[s]) == 32'(sq_cnt_q) + 32'(pend_s));
        assert (f_tag_wr[s] == tag_end);
        if (sq_cnt_q == '0) assert (sq_beat_q == '0);
        else assert (sq_beat_q < sq_len_q[BlenW-1:0]);
        assert (!pend_s || f_tagmem[s][tag_pend] == {pa_low, pa_fin});
        // receive FIFO pointers
        assert (32'(f_count[s]) <= FifoDepth);
        assert (f_wr[s] == rx_end);
      end
    end
    for (genvar j = 0; j < SlaveOut; j++) begin : gen_j
      logic [QW-1:0] slot;
      assign slot = f_tag_rd[s] + QW'(j);
      always @(*) begin
        if (rst_ni && j < 32'(sq_cnt_q)) begin
          assert (sq_len_q[BlenW*j+:BlenW] != '0 && sq_len_q[BlenW*j+:BlenW] <= BlenW'(pnc_pkg::AXI_MAX_BURST));
          assert (f_tagmem[s][slot] == {sq_low_q[j], sq_fin_q[j]});
        end
      end
    end
  end

  // ---- one followed R beat: it leaves its stream's FIFO intact after the beats ahead of it
  logic fb_q;  // following a beat
  logic [SelW-1:0] fb_s_q;  // its stream
  logic [DW:0] fb_ent_q;  // its {last, data}
  logic [CredW-1:0] fb_ahead_q;  // beats of its stream ahead of it
  logic fb_take, fb_out, fb_pop;
  assign fb_take = !fb_q && f_pick_i && m_axi_rvalid;
  assign fb_out  = fb_q && fb_ahead_q == '0;  // it is the head of its stream's FIFO
  assign fb_pop  = rd_valid_o[fb_s_q] && rd_ready_i[fb_s_q];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {fb_q, fb_s_q, fb_ent_q, fb_ahead_q} <= '0;
    else if (fb_take) begin
      fb_q       <= 1'b1;
      fb_s_q     <= SelW'(m_axi_rid);
      fb_ent_q   <= {in_last_ref[SelW'(m_axi_rid)], m_axi_rdata};
      fb_ahead_q <= f_count[SelW'(m_axi_rid)] - CredW'(rd_valid_o[m_axi_rid] && rd_ready_i[m_axi_rid]);
    end else if (fb_q && fb_pop) begin
      if (fb_out) fb_q <= 1'b0;
      else fb_ahead_q <= fb_ahead_q - CredW'(1);
    end
  end
  logic [QW-1:0] fb_slot;  // where it is stored
  assign fb_slot = f_rd[fb_s_q] + QW'(fb_ahead_q);
  always @(*) begin
    if (rst_ni && fb_out) begin
      FollowedValid: assert (rd_valid_o[fb_s_q]);
      FollowedBeat: assert ({rd_last_o[fb_s_q], rd_data_o[fb_s_q]} == fb_ent_q);
    end
    if (rst_ni && fb_q) begin
      InvFollowedIn: assert (fb_ahead_q < f_count[fb_s_q]);
      InvFollowedWord: assert (f_mem[fb_s_q][fb_slot] == fb_ent_q);
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
