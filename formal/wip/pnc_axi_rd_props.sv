// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_axi_rd: AXI4 master read rules, request splitting and R routing.
//
// Asserted (the block's promises):
//   AR handshake: ARVALID held until ARREADY, every AR payload field stable while stalled.
//   AR legality: INCR, ARSIZE = bus width, ARID < NS, address aligned to the beat, ARLEN + 1 <=
//     AXI_MAX_BURST, no burst crosses a 4 KiB boundary.
//   Requests: the bursts of stream s's request are presented with ARID = s, in address order,
//     back to back, and their beats add up to ceil(len / beat bytes); a new request is accepted
//     only when the previous one of the stream is fully presented.
//   Accounting: RREADY = 1; per stream, beats owed by the bus plus beats buffered never exceed
//     the receive FIFO (so no R beat is ever dropped; the RTL's NoOverflow/CreditsCover checks
//     are obligations too); beat_o/err_o/in_push_o mark every R beat.
//   Delivery (per stream, followed items chosen by the solver): an R beat of stream s leaves on
//     rd_* of stream s unchanged, after exactly the beats that arrived before it; rd_last is set
//     on the last beat of every request and only there; rd_* obeys the stream rule.
//   Plus every run-time check the RTL carries (formal/pnc_assert_formal.svh).
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   Q1  req_* of each stream obeys the stream rule (held until ready, payload stable).
//   Q2  a request is legal: address aligned to the beat, len > 0.
//   S1  the slave returns, per ARID and in AR order, exactly ARLEN + 1 beats per accepted burst
//       with RLAST on the last one (AXI A5.3.1 ordering per ID; interleaving across IDs free).
`include "pnc_formal.svh"

module pnc_axi_rd_props #(
    parameter  int NS        = 2,
    parameter  int FifoDepth = pnc_pkg::AXI_MAX_BURST,
    localparam int IdW       = pnc_pkg::AXI_ID_W,
    localparam int DW        = pnc_pkg::AXI_DATA_W
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

    input logic [NS-1:0] f_pick_req_i,  // follow the request of stream s accepted now
    input logic [NS-1:0] f_pick_beat_i  // follow the R beat of stream s arriving now
);
  `PNC_F_RESET

  localparam int BeatBytes = DW / 8;
  localparam int SizeLog2 = $clog2(BeatBytes);
  localparam int CW = 26;  // beat counters: a 24-bit byte length in beats, plus headroom
  localparam int QW = (FifoDepth > 1) ? $clog2(FifoDepth) : 1;

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
      .NS       (NS),
      .FifoDepth(FifoDepth),
      .IdW      (IdW)
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

  // RLAST is an input of the block; the slave model below drives it.
  assign rlast = f_rlast;

  logic ar_stall_q, ar_new, ar_hs;
  logic [8:0] ar_beats;
  assign ar_new   = arvalid && !ar_stall_q;
  assign ar_hs    = arvalid && m_axi_arready;
  assign ar_beats = 9'(arlen) + 9'd1;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ar_stall_q <= 1'b0;
    else ar_stall_q <= arvalid && !m_axi_arready;
  end

  // ---- AR channel rules
  `PNC_F_STREAM(assert, ArStream, arvalid, m_axi_arready, {arid, araddr, arlen, arsize, arburst},
                1'b0)
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

  // ---- per stream: environment, slave model, request and delivery checks
  logic f_rlast;
  logic [NS-1:0] f_rlast_s;
  always @(*) begin
    f_rlast = 1'b0;
    for (int s = 0; s < NS; s++) if (32'(m_axi_rid) == s) f_rlast = f_rlast_s[s];
  end
  always @(*) if (m_axi_rvalid) S1_RidIssued: assume (32'(m_axi_rid) < NS);

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
      if (req_valid_i[s]) assume (req_addr_i[s][SizeLog2-1:0] == '0 && req_len_i[s] != '0);
    end

    logic req_fire, r_s, pop;
    logic [CW-1:0] req_beats;
    assign req_fire  = req_valid_i[s] && req_ready[s];
    assign r_s       = m_axi_rvalid && 32'(m_axi_rid) == s;
    assign pop       = rd_valid[s] && rd_ready_i[s];
    assign req_beats = CW'((25'(req_len_i[s]) + 25'(BeatBytes - 1)) >> SizeLog2);

    // S1: the slave's queue of burst lengths for ARID s, filled at AR handshake.
    logic [8:0] sq_len_q[FifoDepth];
    logic [QW:0] sq_cnt_q;
    logic [QW-1:0] sq_rd_q, sq_wr_q;
    logic [8:0] sq_beat_q;  // beats of the head burst already returned
    logic ar_s;
    assign ar_s = ar_hs && 32'(arid) == s;
    assign f_rlast_s[s] = (sq_beat_q + 9'd1 == sq_len_q[sq_rd_q]);
    always @(*) if (r_s) assume (sq_cnt_q != '0);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        sq_cnt_q  <= '0;
        sq_rd_q   <= '0;
        sq_wr_q   <= '0;
        sq_beat_q <= '0;
      end else begin
        if (ar_s) begin
          sq_len_q[sq_wr_q] <= ar_beats;
          sq_wr_q <= (32'(sq_wr_q) == FifoDepth - 1) ? '0 : sq_wr_q + QW'(1);
        end
        if (r_s) begin
          if (f_rlast_s[s]) begin
            sq_beat_q <= '0;
            sq_rd_q   <= (32'(sq_rd_q) == FifoDepth - 1) ? '0 : sq_rd_q + QW'(1);
          end else begin
            sq_beat_q <= sq_beat_q + 9'd1;
          end
        end
        sq_cnt_q <= sq_cnt_q + (QW + 1)'(ar_s) - (QW + 1)'(r_s && f_rlast_s[s]);
      end
    end

    // Request splitting: bursts of the stream cover the request, contiguous and in order.
    logic [CW-1:0] f_left_q, left_now;
    logic [31:0] f_next_q;
    logic ar_new_s;
    assign ar_new_s = ar_new && 32'(arid) == s;
    assign left_now = f_left_q - (ar_new_s ? CW'(ar_beats) : '0);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        f_left_q <= '0;
        f_next_q <= '0;
      end else if (req_fire) begin
        f_left_q <= req_beats;
        f_next_q <= req_addr_i[s];
      end else if (ar_new_s) begin
        f_left_q <= left_now;
        f_next_q <= f_next_q + 32'(ar_beats) * BeatBytes;
      end
    end

    // Beats owed by the bus (presented on AR, not yet returned) and buffered (returned, not
    // yet popped): together never more than the receive FIFO.
    logic [CW-1:0] f_owed_q, f_buf_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        f_owed_q <= '0;
        f_buf_q  <= '0;
      end else begin
        f_owed_q <= f_owed_q + (ar_new_s ? CW'(ar_beats) : '0) - CW'(r_s);
        f_buf_q  <= f_buf_q + CW'(r_s) - CW'(pop);
      end
    end

    always @(*) begin
      if (rst_ni) begin
        if (ar_new_s) begin
          assert (CW'(ar_beats) <= f_left_q);  // burst within the request
          assert (araddr == f_next_q);  // contiguous
        end
        if (req_fire) assert (left_now == '0);  // previous request fully presented
        assert (f_owed_q + f_buf_q + (ar_new_s ? CW'(ar_beats) : '0) <= CW'(FifoDepth));
        assert (rd_valid[s] == (f_buf_q != '0));
        assert (in_push[s] == r_s);
      end
    end

    // rd_* stream rule (written out: the macro's labels would clash across the loop)
    logic rd_stall_q;
    logic [DW:0] rd_q;
    always_ff @(posedge clk_i) begin
      rd_stall_q <= rst_ni && rd_valid[s] && !rd_ready_i[s];
      rd_q <= {rd_last[s], rd_data[s]};
    end
    always @(*) if (rst_ni && rd_stall_q) assert (rd_valid[s] && {rd_last[s], rd_data[s]} == rd_q);

`ifndef F_NO_BEAT
    // One followed R beat: leaves unchanged after exactly the beats before it.
    logic fb_q;
    logic [DW-1:0] fb_data_q;
    logic [CW-1:0] fb_ahead_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fb_q <= 1'b0;
        fb_data_q <= '0;
        fb_ahead_q <= '0;
      end else if (!fb_q) begin
        if (r_s && f_pick_beat_i[s]) begin
          fb_q <= 1'b1;
          fb_data_q <= m_axi_rdata;
          fb_ahead_q <= f_buf_q - CW'(pop);
        end
      end else if (pop) begin
        if (fb_ahead_q == '0) fb_q <= 1'b0;
        else fb_ahead_q <= fb_ahead_q - CW'(1);
      end
    end
    always @(*) begin
      if (rst_ni && fb_q && fb_ahead_q == '0) assert (rd_valid[s] && rd_data[s] == fb_data_q);
    end

`endif
`ifndef F_NO_REQ
    // One followed request: rd_last on its last delivered beat and nowhere else in it.
    logic [CW-1:0] f_pend_q;  // beats of accepted requests not yet delivered
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) f_pend_q <= '0;
      else f_pend_q <= f_pend_q + (req_fire ? req_beats : '0) - CW'(pop);
    end
    logic fr_q;
    logic [CW-1:0] fr_len_q, fr_beat_q, fr_ahead_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fr_q <= 1'b0;
        fr_len_q <= '0;
        fr_beat_q <= '0;
        fr_ahead_q <= '0;
      end else if (!fr_q) begin
        if (req_fire && f_pick_req_i[s]) begin
          fr_q <= 1'b1;
          fr_len_q <= req_beats;
          fr_beat_q <= '0;
          fr_ahead_q <= f_pend_q - CW'(pop);
        end
      end else if (pop) begin
        if (fr_ahead_q != '0) fr_ahead_q <= fr_ahead_q - CW'(1);
        else if (fr_beat_q + CW'(1) == fr_len_q) fr_q <= 1'b0;
        else fr_beat_q <= fr_beat_q + CW'(1);
      end
    end
    always @(*) begin
      if (rst_ni && fr_q && fr_ahead_q == '0 && pop) assert (rd_last[s] == (fr_beat_q + CW'(1) == fr_len_q));
    end
`endif
  end

  // Waiver: in_last_o is the same flag as rd_last before the FIFO.
  logic unused;
  assign unused = ^in_last;

endmodule
