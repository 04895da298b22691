// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_axi_wr: AXI4 master write rules and burst/response accounting.
//
// Asserted (the block's promises):
//   AW/W handshake: AWVALID and WVALID held until READY, every AW and W payload field stable
//     while stalled; BREADY = 1.
//   AW legality: INCR, AWSIZE = bus width, AWID = Id, address aligned to the beat, AWLEN + 1 <=
//     AXI_MAX_BURST, no burst crosses a 4 KiB boundary.
//   Commands: the bursts of a command are presented in address order, back to back, and their
//     beats add up to cmd_beats exactly; a new command is accepted only when the previous one is
//     fully presented.
//   W: a W beat belongs to a burst whose AW has been presented (never ahead of AW); WLAST is set
//     on the last beat of every burst and only there (one burst, chosen by the solver with
//     f_pick_i, is followed beat by beat, which covers every burst).
//   Accounting: at most MaxOut bursts between AW and B; the block's outstanding count equals
//     bursts presented minus B responses (so it neither underflows nor overflows); idle_o is
//     exactly "no command, no AW pending, no B owed"; bytes_valid_o marks every W transfer.
//   Plus every run-time check the RTL carries (formal/pnc_assert_formal.svh).
//
// ASSUMPTIONS (the environment's promises; each is needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   C1  cmd_* obeys the stream rule (held until ready, payload stable).
//   C2  a command is legal: cmd_addr aligned to the beat, cmd_beats > 0.
//   D1  wd_* obeys the stream rule.
//   B1  the slave sends B only for a burst whose AW and last W beat it has accepted (AXI
//       A3.3.1), in order, with BID = Id.
`include "pnc_formal.svh"

module pnc_axi_wr_props #(
    parameter  int MaxOut = 2,
    parameter  int Id     = 1,
    localparam int IdW    = pnc_pkg::AXI_ID_W,
    localparam int DW     = pnc_pkg::AXI_DATA_W,
    localparam int BytesW = $clog2(DW / 8 + 1),
    localparam int OutW   = $clog2(MaxOut + 1),
    localparam int PtrW   = (MaxOut > 1) ? $clog2(MaxOut) : 1,
    localparam int BlenW  = $clog2(pnc_pkg::AXI_MAX_BURST + 1)
) (
    input logic clk_i, rst_ni, cmd_valid_i, wd_valid_i, m_axi_awready, m_axi_wready, m_axi_bvalid,
    input logic [31:0] cmd_addr_i,
    input logic [15:0] cmd_beats_i,
    input logic [DW-1:0] wd_data_i,
    input logic [DW/8-1:0] wd_strb_i,
    input logic [IdW-1:0] m_axi_bid,
    input logic [1:0] m_axi_bresp,
    input logic f_pick_i  // follow the burst presented on AW in this cycle
);
  `PNC_F_RESET

  localparam int BeatBytes = DW / 8;
  localparam int SizeLog2 = $clog2(BeatBytes);
  localparam int CW = 8;  // width of the shadow difference counters (bounded by MaxOut + 1)

  logic cmd_ready_o, wd_ready_o, idle_o, err_o, bytes_valid_o;
  logic [BytesW-1:0] bytes_o;
  logic [IdW-1:0] m_axi_awid;
  logic [pnc_pkg::AXI_ADDR_W-1:0] m_axi_awaddr;
  logic [7:0] m_axi_awlen;
  logic [2:0] m_axi_awsize;
  logic [1:0] m_axi_awburst;
  logic m_axi_awvalid, m_axi_wlast, m_axi_wvalid, m_axi_bready;
  logic [DW-1:0] m_axi_wdata;
  logic [DW/8-1:0] m_axi_wstrb;
  pnc_axi_wr #(.MaxOut(MaxOut), .Id(Id), .IdW(IdW)) u_dut (.*);

  // ---- probes (driven by `connect` in pnc_axi_wr.sby; used by the induction invariants)
  logic f_busy;
  logic [15:0] f_left;
  logic [31:0] f_addr;
  logic [OutW-1:0] f_out, f_wl_cnt;
  logic [PtrW-1:0] f_wl_rd, f_wl_wr;
  logic [BlenW-1:0] f_wbeat;
  logic [MaxOut-1:0][BlenW-1:0] f_wlen;

  // ---- environment
  `PNC_F_STREAM(assume, C1_Cmd, cmd_valid_i, cmd_ready_o, {cmd_addr_i, cmd_beats_i}, 1'b0)
  `PNC_F_STREAM(assume, D1_Wd, wd_valid_i, wd_ready_o, {wd_data_i, wd_strb_i}, 1'b0)
  always @(*) begin
    if (cmd_valid_i) begin
      C2_CmdAligned: assume (cmd_addr_i[SizeLog2-1:0] == '0);
      C2_CmdBeats: assume (cmd_beats_i != '0);
    end
  end

  // ---- events and shadow counters
  logic aw_stall_q, aw_new, aw_hs, w_fire, w_end, b_fire, cmd_fire;
  logic [8:0] aw_beats;
  logic [CW-1:0] f_pres_nw_q;  // bursts presented on AW whose last W beat has not gone
  logic [CW-1:0] f_pres_nb_q;  // bursts presented on AW without B
  logic [CW-1:0] f_hs_nb_q;  // AW handshakes without B
  logic [CW-1:0] f_wd_nb_q;  // bursts with their last W beat sent, without B

  assign aw_new   = m_axi_awvalid && !aw_stall_q;  // a burst shows up on AW for the first time
  assign aw_hs    = m_axi_awvalid && m_axi_awready;
  assign w_fire   = m_axi_wvalid && m_axi_wready;
  assign w_end    = w_fire && m_axi_wlast;
  assign b_fire   = m_axi_bvalid && m_axi_bready;
  assign cmd_fire = cmd_valid_i && cmd_ready_o;
  assign aw_beats = 9'(m_axi_awlen) + 9'd1;

  always @(*) begin
    if (m_axi_bvalid) begin
      B1_AfterAwAndW: assume (f_hs_nb_q != '0 && f_wd_nb_q != '0);
      B1_Id: assume (m_axi_bid == IdW'(Id));
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {aw_stall_q, f_pres_nw_q, f_pres_nb_q, f_hs_nb_q, f_wd_nb_q} <= '0;
    else begin
      aw_stall_q  <= m_axi_awvalid && !m_axi_awready;
      f_pres_nw_q <= f_pres_nw_q + CW'(aw_new) - CW'(w_end);
      f_pres_nb_q <= f_pres_nb_q + CW'(aw_new) - CW'(b_fire);
      f_hs_nb_q   <= f_hs_nb_q + CW'(aw_hs) - CW'(b_fire);
      f_wd_nb_q   <= f_wd_nb_q + CW'(w_end) - CW'(b_fire);
    end
  end

  // ---- AW and W channel rules
  `PNC_F_STREAM(assert, AwStream, m_axi_awvalid, m_axi_awready, {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst},
                1'b0)
  `PNC_F_STREAM(assert, WStream, m_axi_wvalid, m_axi_wready, {m_axi_wdata, m_axi_wstrb, m_axi_wlast}, 1'b0)

  logic [12:0] aw_end;  // one byte past the burst, relative to its 4 KiB page
  assign aw_end = 13'(m_axi_awaddr[11:0]) + 13'(aw_beats) * 13'(BeatBytes);

  always @(*) begin
    if (rst_ni) begin
      BReadyHigh: assert (m_axi_bready);
      BytesEveryW: assert (bytes_valid_o == w_fire);
      WPassThrough: assert (w_fire == (wd_valid_i && wd_ready_o) && m_axi_wdata == wd_data_i
                            && m_axi_wstrb == wd_strb_i);
      if (m_axi_awvalid) begin
        AwIncr: assert (m_axi_awburst == 2'b01);
        AwSize: assert (m_axi_awsize == 3'(SizeLog2));
        AwIdFixed: assert (m_axi_awid == IdW'(Id));
        AwAligned: assert (m_axi_awaddr[SizeLog2-1:0] == '0);
        AwLenMax: assert (aw_beats <= 9'(pnc_pkg::AXI_MAX_BURST));
        AwNo4kCross: assert (aw_end <= 13'd4096);
      end
      // W never runs ahead of AW; the outstanding window holds.
      WAfterAw: assert (!w_fire || f_pres_nw_q + CW'(aw_new) != '0);
      OutBound: assert (f_pres_nb_q + CW'(aw_new) <= CW'(MaxOut));
      OutExact: assert (CW'(f_out) == f_pres_nb_q + CW'(aw_new));
      IdleExact: assert (idle_o == (cmd_ready_o && !m_axi_awvalid && f_pres_nb_q == '0));
    end
  end

  // ---- commands become contiguous bursts that add up to cmd_beats
  logic [16:0] f_cmd_left_q;  // beats of the accepted command not yet presented on AW
  logic [31:0] f_cmd_addr_q;  // address of the command's next burst
  logic [16:0] f_left_now;
  assign f_left_now = f_cmd_left_q - (aw_new ? 17'(aw_beats) : 17'd0);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {f_cmd_left_q, f_cmd_addr_q} <= '0;
    else if (cmd_fire) begin
      f_cmd_left_q <= 17'(cmd_beats_i);
      f_cmd_addr_q <= cmd_addr_i;
    end else if (aw_new) begin
      f_cmd_left_q <= f_left_now;
      f_cmd_addr_q <= f_cmd_addr_q + 32'(aw_beats) * BeatBytes;
    end
  end
  always @(*) begin
    if (rst_ni) begin
      if (aw_new) begin
        BurstInCommand: assert (17'(aw_beats) <= f_cmd_left_q);
        BurstContiguous: assert (m_axi_awaddr == f_cmd_addr_q);
      end
      if (cmd_fire) CmdAfterLastBurst: assert (f_left_now == '0);
    end
  end

  // ---- WLAST: follow one burst from its AW to its last W beat
  logic f_pk_q;  // following a burst
  logic [8:0] f_pk_len_q, f_pk_beat_q;  // its beats, its beats already sent
  logic [CW-1:0] f_pk_ahead_q;  // bursts whose W goes before it
  logic pk_now, pk_head;
  logic [8:0] pk_len, pk_beat;
  assign pk_now  = !f_pk_q && aw_new && f_pick_i;
  assign pk_len  = pk_now ? aw_beats : f_pk_len_q;
  assign pk_beat = pk_now ? 9'd0 : f_pk_beat_q;
  assign pk_head = (f_pk_q && f_pk_ahead_q == '0) || (pk_now && f_pres_nw_q == '0);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {f_pk_q, f_pk_len_q, f_pk_beat_q, f_pk_ahead_q} <= '0;
    else if (pk_now || f_pk_q) begin
      f_pk_q     <= 1'b1;
      f_pk_len_q <= pk_len;
      if (pk_head) begin
        f_pk_ahead_q <= '0;
        if (w_end) f_pk_q <= 1'b0;
        f_pk_beat_q <= pk_beat + 9'(w_fire);
      end else begin
        f_pk_beat_q  <= '0;
        f_pk_ahead_q <= (pk_now ? f_pres_nw_q : f_pk_ahead_q) - CW'(w_end);
      end
    end
  end
  always @(*) begin
    if (rst_ni && pk_head && w_fire) WLastExact: assert (m_axi_wlast == (pk_beat + 9'd1 == pk_len));
  end

  // ---- induction strengthening: internal state agrees with the shadow
  always @(*) begin
    if (rst_ni) begin
      InvLeft: assert (17'(f_left) + (aw_new ? 17'(aw_beats) : 17'd0) == f_cmd_left_q);
      InvAddr: assert (f_addr == f_cmd_addr_q + (aw_new ? 32'(aw_beats) * BeatBytes : 32'd0));
      InvAligned: assert (f_addr[SizeLog2-1:0] == '0);
      InvBusy: assert (f_busy == (f_left != '0));
      InvWlCnt: assert (CW'(f_wl_cnt) == f_pres_nw_q + CW'(aw_new));
      InvHsNb: assert (f_pres_nb_q == f_hs_nb_q + CW'(m_axi_awvalid && !aw_new));
      InvWdNb: assert (f_wd_nb_q + f_pres_nw_q == f_pres_nb_q);
      InvNoWrap: assert (f_hs_nb_q <= f_pres_nb_q && f_wd_nb_q <= f_pres_nb_q
                         && f_pres_nw_q <= f_pres_nb_q);
      InvWlPtrs: assert (32'(f_wl_wr) == (32'(f_wl_rd) + 32'(f_wl_cnt)) % MaxOut
                         && 32'(f_wl_rd) < MaxOut && 32'(f_wl_cnt) <= MaxOut);
      InvBeat: assert (f_wl_cnt != '0 || f_wbeat == '0);
      if (f_wl_cnt != '0) InvBeatLen: assert (f_wbeat < f_wlen[f_wl_rd]);
      if (f_pk_q) begin
        InvPkAhead: assert (f_pk_ahead_q < f_pres_nw_q + CW'(aw_new));
        InvPkLen: assert (9'(f_wlen[(32'(f_wl_rd) + 32'(f_pk_ahead_q)) % MaxOut]) == f_pk_len_q);
        if (f_pk_ahead_q == '0) InvPkBeat: assert (9'(f_wbeat) == f_pk_beat_q);
        else InvPkNoBeat: assert (f_pk_beat_q == '0);
        InvPkBeatLen: assert (f_pk_beat_q < f_pk_len_q);
      end
    end
  end

  // Every queued burst length is legal, and the newest one is the burst on AW (no labels in the
  // loop: Yosys does not scope them by generate block).
  for (genvar i = 0; i < MaxOut; i++) begin : gen_wlen_inv
    always @(*) begin
      if (rst_ni && (32'(i) + MaxOut - 32'(f_wl_rd)) % MaxOut < 32'(f_wl_cnt)) begin
        assert (f_wlen[i] != '0 && f_wlen[i] <= BlenW'(pnc_pkg::AXI_MAX_BURST));
      end
    end
  end
  always @(*) begin
    if (rst_ni && m_axi_awvalid) begin
      InvWlenNewest: assert (9'(f_wlen[(32'(f_wl_wr) + MaxOut - 1) % MaxOut]) == aw_beats);
    end
  end

  // Waiver: err_o and bytes_o are plain decodes of BRESP and WSTRB.
  logic unused;
  assign unused = ^{err_o, bytes_o, m_axi_bresp};

endmodule
