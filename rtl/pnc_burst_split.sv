// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_burst_split: walks one transfer (start address, beats) as AXI4 INCR bursts, for the
// address channels of pnc_axi_rd (one per read stream) and pnc_axi_wr.
//
// Contract:
// - start_i, taken only while !busy_o: a transfer of beats_i > 0 beats of AXI_DATA_W/8 bytes
//   from addr_i (aligned to AXI_DATA_W/8 bytes); busy_o is high from the next cycle.
// - While busy_o: the current burst starts at addr_o and is blen_o beats long, as many as the
//   transfer has left, at most AXI_MAX_BURST and never across a 4 KiB boundary; last_o: it is
//   the transfer's last burst. next_i (only while busy_o) moves on to the next burst, or ends
//   the transfer (busy_o low the next cycle) after the last one. blen_o, last_o and addr_o are
//   combinational from the registered state only.
module pnc_burst_split #(
    parameter  int LenW  = 16,                                 // width of beats_i
    localparam int BlenW = $clog2(pnc_pkg::AXI_MAX_BURST + 1)
) (
    input  logic             clk_i,
    input  logic             rst_ni,
    input  logic             start_i,
    input  logic [     31:0] addr_i,
    input  logic [ LenW-1:0] beats_i,
    input  logic             next_i,
    output logic             busy_o,
    output logic [     31:0] addr_o,
    output logic [BlenW-1:0] blen_o,
    output logic             last_o
);

  `include "pnc_assert.svh"

  localparam int BeatBytes = pnc_pkg::AXI_DATA_W / 8;
  localparam int SizeLog2 = $clog2(BeatBytes);
  localparam int PageBeats = 4096 / BeatBytes;
  localparam int PageW = $clog2(PageBeats + 1);

  `PNC_STATIC_ASSERT(LenLegal, LenW >= BlenW && LenW <= 32)

  logic             busy_q;
  logic [     31:0] addr_q;
  logic [ LenW-1:0] left_q;  // beats of the transfer not yet issued
  logic [PageW-1:0] to_page;  // beats up to the next 4 KiB boundary
  logic [ LenW-1:0] blen;

  assign to_page = PageW'(PageBeats) - PageW'(addr_q[11:SizeLog2]);

  // Why: the next burst is as long as allowed by the transfer, AXI_MAX_BURST and the 4 KiB page.
  always_comb begin
    blen = left_q;
    if (blen > LenW'(pnc_pkg::AXI_MAX_BURST)) blen = LenW'(pnc_pkg::AXI_MAX_BURST);
    if (blen > LenW'(to_page)) blen = LenW'(to_page);
  end

  assign busy_o = busy_q;
  assign addr_o = addr_q;
  assign blen_o = BlenW'(blen);
  assign last_o = (left_q == blen);

  // Why: take a transfer when idle, then walk it burst by burst as bursts are issued.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      addr_q <= '0;
      left_q <= '0;
    end else if (!busy_q) begin
      if (start_i) begin
        busy_q <= 1'b1;
        addr_q <= addr_i;
        left_q <= beats_i;
      end
    end else if (next_i) begin
      busy_q <= !last_o;
      addr_q <= addr_q + (32'(blen) << SizeLog2);
      left_q <= left_q - blen;
    end
  end

endmodule
