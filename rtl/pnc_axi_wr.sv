// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_axi_wr: one write stream (commands + data words with strobes) onto AXI4 master AW/W/B.
//
// Contract
// - A command (cmd_addr aligned to AXI_DATA_W/8 bytes, cmd_beats > 0) is accepted when the
//   previous one has issued all its bursts (cmd_ready = idle splitter). It writes the next
//   cmd_beats words of the wd_* stream to cmd_addr, cmd_addr + AXI_DATA_W/8, ...
// - Commands are split into INCR bursts of at most AXI_MAX_BURST beats that never cross a 4 KiB
//   boundary; AWID = Id; AWSIZE = full data width. Up to MaxOut bursts are outstanding (AW
//   issued, B not yet received); the AW channel is registered.
// - W: the wd_* stream passes straight through to W (wvalid = wd_valid while a burst's AW has
//   been issued and its beats are not all sent; wd_ready = wready in that state); wlast is
//   generated from the burst lengths. The W data of a burst may go out in the cycle its AW does.
// - B is always accepted. err_o pulses per B response with BRESP != OKAY. bytes_valid_o pulses
//   per accepted W beat with bytes_o = popcount(wstrb) (for the WR_BYTES counter).
// - idle_o: no command being split, no AW pending, every B response back.

`include "pnc_assert.svh"
`include "pnc_axi_ports.svh"

module pnc_axi_wr #(
    parameter  int MaxOut = 8,                    // outstanding bursts (AW issued, B pending)
    parameter  int Id     = 0,                    // AWID of every burst
    parameter  int IdW    = pnc_pkg::AXI_ID_W,    // AWID/BID width
    localparam int DW     = pnc_pkg::AXI_DATA_W,
    localparam int BytesW = $clog2(DW / 8 + 1)
) (
    input logic clk_i,
    input logic rst_ni,

    // AXI4 master, write channels
    `PNC_AXI_M_AX_PORTS(aw, IdW)
    `PNC_AXI_M_W_PORTS
    `PNC_AXI_M_B_PORTS(IdW)

    // Write commands
    input  logic        cmd_valid_i,
    output logic        cmd_ready_o,
    input  logic [31:0] cmd_addr_i,
    input  logic [15:0] cmd_beats_i,

    // Write data
    input  logic            wd_valid_i,
    output logic            wd_ready_o,
    input  logic [  DW-1:0] wd_data_i,
    input  logic [DW/8-1:0] wd_strb_i,

    output logic              idle_o,
    output logic              err_o,
    output logic [BytesW-1:0] bytes_o,
    output logic              bytes_valid_o
);

  localparam int BeatBytes = DW / 8;
  localparam int SizeLog2 = $clog2(BeatBytes);
  localparam int BlenW = $clog2(pnc_pkg::AXI_MAX_BURST + 1);
  localparam int OutW = $clog2(MaxOut + 1);

  `PNC_STATIC_ASSERT(IdFits, Id >= 0 && Id < (1 << IdW))
  `PNC_STATIC_ASSERT(MaxOutLegal, MaxOut >= 1)
  `PNC_STATIC_ASSERT(BurstLegal, pnc_pkg::AXI_MAX_BURST >= 1 && pnc_pkg::AXI_MAX_BURST <= 256)
  `PNC_STATIC_ASSERT(DataWidthPow2, DW >= 16 && (1 << SizeLog2) == BeatBytes)
  `PNC_STATIC_ASSERT(BurstIn4k, pnc_pkg::AXI_MAX_BURST * BeatBytes <= 4096)

  // ---- command splitter
  logic             busy;  // the command is being split into bursts
  logic [     31:0] burst_addr;
  logic [BlenW-1:0] blen;  // beats of the next burst
  logic [ OutW-1:0] out_q;  // bursts issued whose B has not come back
  logic             aw_valid_q;
  logic [     31:0] aw_addr_q;
  logic [BlenW-1:0] aw_beats_q;
  logic aw_load, b_fire;

  pnc_burst_split #(
      .LenW(16)
  ) u_split (
      .clk_i,
      .rst_ni,
      .start_i(cmd_valid_i),
      .addr_i (cmd_addr_i),
      .beats_i(cmd_beats_i),
      .next_i (aw_load),
      .busy_o (busy),
      .addr_o (burst_addr),
      .blen_o (blen),
      // Waiver: the splitter itself ends the command after its last burst.
      /* verilator lint_off PINCONNECTEMPTY */
      .last_o ()
      /* verilator lint_on PINCONNECTEMPTY */
  );

  assign aw_load     = busy && (!aw_valid_q || m_axi_awready) && (out_q < OutW'(MaxOut));
  assign b_fire      = m_axi_bvalid;  // bready = 1
  assign cmd_ready_o = !busy;

  // Why: the AW register holds a burst until the slave takes it.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_valid_q <= 1'b0;
      aw_addr_q  <= '0;
      aw_beats_q <= '0;
    end else if (aw_load) begin
      aw_valid_q <= 1'b1;
      aw_addr_q  <= burst_addr;
      aw_beats_q <= blen;
    end else if (m_axi_awready) begin
      aw_valid_q <= 1'b0;
    end
  end

  // Why: bursts in flight between AW issue and B response bound the burst-length FIFO below.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) out_q <= '0;
    else out_q <= out_q + OutW'(aw_load) - OutW'(b_fire);
  end

  assign m_axi_awvalid = aw_valid_q;
  assign m_axi_awid    = IdW'(Id);
  assign m_axi_awaddr  = pnc_pkg::AXI_ADDR_W'(aw_addr_q);
  assign m_axi_awlen   = 8'(aw_beats_q) - 8'd1;
  assign m_axi_awsize  = 3'(SizeLog2);
  assign m_axi_awburst = 2'b01;  // INCR

  // ---- W: burst lengths queued at AW issue, consumed as the beats go out
  logic [BlenW-1:0] w_len;  // beats of the head burst
  logic [BlenW-1:0] wbeat_q;  // beats of the head burst already sent
  logic w_open, w_fire, w_end, wl_room;

  assign w_fire = m_axi_wvalid && m_axi_wready;
  assign w_end  = w_fire && m_axi_wlast;

  // Burst-length FIFO, written in AW order. It never overflows: it holds at most the bursts
  // outstanding on B, which aw_load bounds to MaxOut.
  pnc_fifo #(
      .Width(BlenW),
      .Depth(MaxOut)
  ) u_wlen (
      .clk_i,
      .rst_ni,
      .clr_i      (1'b0),
      .in_valid_i (aw_load),
      .in_ready_o (wl_room),
      .in_data_i  (blen),
      .out_valid_o(w_open),
      .out_ready_i(w_end),
      .out_data_o (w_len),
      // Waiver: the occupancy is not needed (w_open is out_valid_o).
      /* verilator lint_off PINCONNECTEMPTY */
      .count_o    ()
      /* verilator lint_on PINCONNECTEMPTY */
  );

  // Why: beat count of the head burst.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) wbeat_q <= '0;
    else if (w_end) wbeat_q <= '0;
    else if (w_fire) wbeat_q <= wbeat_q + BlenW'(1);
  end

  assign m_axi_wvalid  = wd_valid_i && w_open;
  assign m_axi_wdata   = wd_data_i;
  assign m_axi_wstrb   = wd_strb_i;
  assign m_axi_wlast   = (wbeat_q + BlenW'(1) == w_len);
  assign wd_ready_o    = m_axi_wready && w_open;

  // ---- B and status
  assign m_axi_bready  = 1'b1;
  assign err_o         = m_axi_bvalid && (m_axi_bresp != 2'b00);
  assign idle_o        = !busy && !aw_valid_q && (out_q == '0);
  assign bytes_valid_o = w_fire;

  // Why: strobed byte count of the W beat (WR_BYTES counter).
  always_comb begin
    bytes_o = '0;
    for (int i = 0; i < BeatBytes; i++) bytes_o = bytes_o + BytesW'(wd_strb_i[i]);
  end

  // Waiver: every burst uses AWID = Id, so the B ID carries no information (checked below).
  logic unused_bid;
  assign unused_bid = ^m_axi_bid;

  // ---- assertions
  // One AW beat past the burst's end, relative to its 4 KiB page: at most the page size.
  logic [12:0] aw_end;
  assign aw_end = 13'(m_axi_awaddr[11:0]) + 13'((32'(m_axi_awlen) + 1) * BeatBytes);

  `PNC_ASSERT(CmdAligned, !(cmd_valid_i && !busy) || cmd_addr_i[SizeLog2-1:0] == '0)
  `PNC_ASSERT(CmdBeatsNonZero, !(cmd_valid_i && !busy) || cmd_beats_i != '0)
  `PNC_ASSERT_STREAM(CmdStream, cmd_valid_i, cmd_ready_o, {cmd_addr_i, cmd_beats_i})
  `PNC_ASSERT_STREAM(WdStream, wd_valid_i, wd_ready_o, {wd_data_i, wd_strb_i})
  `PNC_ASSERT_STREAM(AwStream, m_axi_awvalid, m_axi_awready, {m_axi_awaddr, m_axi_awlen})
  `PNC_ASSERT_STREAM(WStream, m_axi_wvalid, m_axi_wready, {m_axi_wdata, m_axi_wstrb, m_axi_wlast})
  `PNC_ASSERT_KNOWN(BvalidKnown, m_axi_bvalid)
  `PNC_ASSERT(BidMatches, !m_axi_bvalid || m_axi_bid == IdW'(Id))
  `PNC_ASSERT(BExpected, !m_axi_bvalid || out_q != '0)
  `PNC_ASSERT(AwIn4k, !m_axi_awvalid || aw_end <= 13'd4096)
  `PNC_ASSERT(NoWlenOverflow, !aw_load || wl_room)

endmodule : pnc_axi_wr
