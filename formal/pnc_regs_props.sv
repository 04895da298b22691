// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Properties of pnc_regs: AXI4-Lite slave rules, register read-back, W1C and interrupt.
//
// Written against the AXI4-Lite ports, start/busy/done/err/irq and register read-back only (not
// the descriptor outputs), from the register table of docs/architecture.md section 5 and the
// contract at the top of rtl/pnc_regs.sv.
//
// Asserted:
//   AXI4-Lite: AW and W are accepted together, one write and one read in flight; BVALID/RVALID
//     exactly when a response is owed, held until READY with BRESP/RRESP/RDATA stable; every
//     response OKAY.
//   Read-back: a read of the register at f_addr (any word address, chosen by the solver) returns
//     what the register table says: RW registers their strobed, masked writes (reset values
//     included), ID/PARAMS their constants, STATUS {error, done, busy}, IRQ_STATUS the pending
//     bit, ERR_CODE the last error code, counters their count (cleared at start, saturating),
//     CTRL and unmapped offsets 0. Writes to RO registers change nothing.
//   Job and interrupt: start_o pulses exactly the cycle after a CTRL write with bit 0 while
//     idle; done_i sets STATUS.done/error, ERR_CODE and IRQ_STATUS; start clears them; a write
//     of 1 to IRQ_STATUS[0] clears it (a simultaneous done wins), a write of 0 leaves it;
//     irq_o = IRQ_EN[0] & IRQ_STATUS[0].
//   Plus every run-time check the RTL carries (formal/pnc_assert_formal.svh).
//
// ASSUMPTIONS (each needed, see formal/README.md):
//   R0  reset only in the first cycle.
//   J1  done_i pulses only while a job runs (after start_o, at most once per job), as the
//       controller's contract says.
// The AXI4-Lite master is unconstrained (VALID may drop, payload may change before READY): the
// slave samples every request in its handshake cycle, so it needs no promise from the master.
`include "pnc_formal.svh"

module pnc_regs_props #(
    parameter  int IncW = 8,
    localparam int AW   = pnc_pkg::LITE_ADDR_W
) (
    input logic clk_i, rst_ni, busy_i, done_i,
    input logic s_axil_awvalid, s_axil_wvalid, s_axil_bready, s_axil_arvalid, s_axil_rready,
    input logic [AW-1:0] s_axil_awaddr, s_axil_araddr,
    input logic [2:0] s_axil_awprot, s_axil_arprot,
    input logic [31:0] s_axil_wdata,
    input logic [3:0] s_axil_wstrb,
    input logic [7:0] err_code_i,
    input logic perf_stall_mem_i, perf_stall_dwo_i, perf_stall_out_i, perf_act_skip_i, perf_tile_i,
    input logic [IncW-1:0] perf_swo_i, perf_dwo_i, perf_wt_skip_i, perf_rd_bytes_i, perf_wr_bytes_i,
    input logic [AW-1:0] f_addr_i  // the register followed (any value, held for the whole run)
);
  `PNC_F_RESET

  logic s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid, start_o, irq_o;
  logic [1:0] s_axil_bresp, s_axil_rresp;
  logic [31:0] s_axil_rdata;
  // The job fields are read back over AXI4-Lite, which is what the properties check.
  pnc_regs #(.IncW(IncW)) u_dut (.desc_o(), .*);

  // ---- the register table (docs/architecture.md section 5), as the properties read it
  localparam int NumCnt = 11;  // CYCLES .. TILES, 4 bytes apart
  localparam logic [31:0] ParamsWord = {8'(pnc_pkg::RUN_BITS), 8'(pnc_pkg::AXI_DATA_W / 8), 8'(pnc_pkg::V), 8'(pnc_pkg::NUM_PEA)};

  // Reset value and writable bits {reset, mask} of a RW register ('0 = not a RW register), from
  // the RW table of pnc_pkg, which `make params` generates from models/panacea/arch.toml (the
  // register table's one source).
  localparam int NumRw = pnc_pkg::NUM_RW;
  function automatic logic [63:0] rw_reg(logic [7:0] a);
    rw_reg = '0;
    for (int i = 0; i < NumRw; i++) begin
      if (a == pnc_pkg::RW_ADDR[8*i+:8])
        rw_reg = {pnc_pkg::RW_RESET[32*i+:32], pnc_pkg::RW_MASK[32*i+:32]};
    end
  endfunction

  function automatic logic [31:0] rw_mask(logic [7:0] a);
    logic [63:0] r;
    r = rw_reg(a);
    rw_mask = r[31:0];
  endfunction

  function automatic logic [31:0] reset_value(logic [7:0] a);
    logic [63:0] r;
    r = rw_reg(a);
    reset_value = r[63:32];
  endfunction

  function automatic logic is_cnt(logic [7:0] a);
    is_cnt = a >= pnc_pkg::REG_CYCLES && a < pnc_pkg::REG_CYCLES + 8'(4 * NumCnt);
  endfunction

  logic [7:0] a;  // the followed register's byte address
  assign a = {f_addr_i[7:2], 2'b00};
  logic [7:0] f_addr_held_q;
  always_ff @(posedge clk_i) f_addr_held_q <= f_addr_i;
  always @(*) F_AddrHeld: assume (!f_past_q || f_addr_i == f_addr_held_q);

  // ---- handshakes
  logic wr_hs, b_hs, rd_hs, r_hs;
  logic [7:0] wa, ra;
  logic [31:0] wmask;
  assign wr_hs = s_axil_awvalid && s_axil_awready;
  assign b_hs  = s_axil_bvalid && s_axil_bready;
  assign rd_hs = s_axil_arvalid && s_axil_arready;
  assign r_hs  = s_axil_rvalid && s_axil_rready;
  assign wa    = {s_axil_awaddr[7:2], 2'b00};
  assign ra    = {s_axil_araddr[7:2], 2'b00};
  assign wmask = {{8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}}, {8{s_axil_wstrb[1]}},
                  {8{s_axil_wstrb[0]}}};

  // ---- job, status and interrupt shadow
  logic f_run_q, f_done_q, f_irq_q, f_irq_en_q, f_bpend_q, f_rpend_q, f_start_q;
  logic [7:0] f_code_q;
  logic f_err;  // STATUS.ERR: the last job ended with an error code
  assign f_err = f_code_q != pnc_pkg::ERR_OK;
  logic start_wr, w1c;
  assign start_wr = wr_hs && wa == pnc_pkg::REG_CTRL && s_axil_wstrb[0] && s_axil_wdata[0];
  assign w1c = wr_hs && wa == pnc_pkg::REG_IRQ_STATUS && s_axil_wstrb[0] && s_axil_wdata[0];

  always @(*) if (done_i) J1_DoneWhileRunning: assume (f_run_q);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {f_run_q, f_done_q, f_irq_q, f_irq_en_q, f_bpend_q, f_rpend_q, f_start_q} <= '0;
      f_code_q <= pnc_pkg::ERR_OK;
    end else begin
      f_start_q <= start_wr && !busy_i && !f_run_q && !start_o;
      // a start runs a job and clears DONE and the code; a done ends it with its code
      if (start_o) {f_run_q, f_done_q, f_code_q} <= {2'b10, pnc_pkg::ERR_OK};
      else if (done_i) {f_run_q, f_done_q, f_code_q} <= {2'b01, err_code_i};
      if (done_i) f_irq_q <= 1'b1;
      else if (w1c) f_irq_q <= 1'b0;
      if (wr_hs && wa == pnc_pkg::REG_IRQ_EN && s_axil_wstrb[0]) f_irq_en_q <= s_axil_wdata[0];
      f_bpend_q <= f_bpend_q + wr_hs - b_hs;
      f_rpend_q <= f_rpend_q + rd_hs - r_hs;
    end
  end

  // ---- the followed register: RW value or counter
  logic [31:0] f_val_q, cnt_inc;
  logic [32:0] cnt_sum;
  always @(*) begin
    case ((a - pnc_pkg::REG_CYCLES) >> 2)
      0: cnt_inc = 32'(f_run_q);
      1: cnt_inc = 32'(perf_swo_i);
      2: cnt_inc = 32'(perf_dwo_i);
      3: cnt_inc = 32'(perf_stall_mem_i);
      4: cnt_inc = 32'(perf_stall_dwo_i);
      5: cnt_inc = 32'(perf_stall_out_i);
      6: cnt_inc = 32'(perf_act_skip_i);
      7: cnt_inc = 32'(perf_wt_skip_i);
      8: cnt_inc = 32'(perf_rd_bytes_i);
      9: cnt_inc = 32'(perf_wr_bytes_i);
      10: cnt_inc = 32'(perf_tile_i);
      default: cnt_inc = '0;
    endcase
    cnt_sum = 33'(f_val_q) + 33'(cnt_inc);
  end

  // Why: a synchronous reset, since the reset value depends on the followed address (rst_ni is
  // low only in the first cycle, when no property is checked).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) f_val_q <= reset_value(a);
    else if (is_cnt(a)) f_val_q <= start_o ? '0 : (cnt_sum[32] ? '1 : cnt_sum[31:0]);
    else if (wr_hs && wa == a && rw_mask(a) != '0) begin
      f_val_q <= (f_val_q & ~(wmask & rw_mask(a))) | (s_axil_wdata & wmask & rw_mask(a));
    end
  end

  // What a read of the followed register returns now.
  logic [31:0] expect_now;
  always @(*) begin
    case (a)
      pnc_pkg::REG_ID: expect_now = pnc_pkg::ID_VALUE;
      pnc_pkg::REG_PARAMS: expect_now = ParamsWord;
      pnc_pkg::REG_STATUS: expect_now = {29'b0, f_err, f_done_q, busy_i};
      pnc_pkg::REG_IRQ_STATUS: expect_now = {31'b0, f_irq_q};
      pnc_pkg::REG_ERR_CODE: expect_now = {24'b0, f_code_q};
      default: expect_now = (rw_mask(a) != '0 || is_cnt(a)) ? f_val_q : '0;
    endcase
  end

  logic f_rchk_q;  // the read in flight is of the followed register
  logic [31:0] f_rexp_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {f_rchk_q, f_rexp_q} <= '0;
    else if (rd_hs) begin
      f_rchk_q <= ra == a;
      f_rexp_q <= expect_now;
    end
  end

  // ---- AXI4-Lite slave rules
  `PNC_F_STREAM(assert, BStream, s_axil_bvalid, s_axil_bready, s_axil_bresp, 1'b0)
  `PNC_F_STREAM(assert, RStream, s_axil_rvalid, s_axil_rready, {s_axil_rresp, s_axil_rdata}, 1'b0)
  always @(*) begin
    if (rst_ni) begin
      AwWTogether: assert (s_axil_awready == s_axil_wready && (!s_axil_awready || (s_axil_awvalid && s_axil_wvalid)));
      OneWrite: assert (s_axil_bvalid == f_bpend_q && (!s_axil_awready || !s_axil_bvalid));
      OneRead: assert (s_axil_rvalid == f_rpend_q && s_axil_arready == !s_axil_rvalid);
      RespOkay: assert (s_axil_bresp == 2'b00 && s_axil_rresp == 2'b00);
      if (s_axil_rvalid && f_rchk_q) ReadBack: assert (s_axil_rdata == f_rexp_q);
      StartPulse: assert (start_o == f_start_q);
      IrqIsEnAndPending: assert (irq_o == (f_irq_en_q && f_irq_q));
    end
  end

  // ---- induction strengthening: the DUT's registers agree with the shadow
  logic [NumRw-1:0][31:0] f_rw;  // the DUT's RW registers, in pnc_pkg::RW_ADDR order
  logic [31:0] f_rdata, f_irqen;
  logic [NumCnt-1:0][31:0] f_cnt;
  logic f_running, f_done, f_error, f_irqpend, f_bvalid, f_rvalid;
  logic [7:0] f_errcode;
  logic [31:0] dut_val;  // the DUT's storage behind the followed register
  always @(*) begin
    dut_val = is_cnt(a) ? f_cnt[(a-pnc_pkg::REG_CYCLES)>>2] : f_val_q;
    f_irqen = '0;
    for (int i = 0; i < NumRw; i++) begin
      if (a == pnc_pkg::RW_ADDR[8*i+:8]) dut_val = f_rw[i];
      if (pnc_pkg::REG_IRQ_EN == pnc_pkg::RW_ADDR[8*i+:8]) f_irqen = f_rw[i];
    end
    if (rst_ni) begin
      InvValue: assert (dut_val == f_val_q || !(rw_mask(a) != '0 || is_cnt(a)));
      InvStatus: assert (f_running == f_run_q && f_done == f_done_q && f_error == f_err
                         && f_errcode == f_code_q && f_irqpend == f_irq_q);
      InvIrqEn: assert (f_irqen == {31'b0, f_irq_en_q});
      InvResp: assert (f_bvalid == f_bpend_q && f_rvalid == f_rpend_q);
      InvStartIdle: assert (!start_o || !f_run_q);
      if (s_axil_rvalid && f_rchk_q) InvRdata: assert (f_rdata == f_rexp_q);
    end
  end

  // Waiver: protection bits are ignored by the slave.
  logic unused;
  assign unused = ^{s_axil_awprot, s_axil_arprot};

endmodule
