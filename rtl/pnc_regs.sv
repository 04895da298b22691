// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_regs: AXI4-Lite slave with the Panacea register file and performance-counter bank.
//
// Contract
// - Register map: docs/architecture.md section 5, generated with pnc_pkg from arch.toml: offsets
//   REG_<R>, field positions <R>_<FIELD>_LSB/_W, constant registers' values REG_<R>_RESET,
//   write-1-to-clear bits REG_<R>_W1C_MASK, start pulse REG_CTRL_WO_MASK, and the RW registers
//   as a table (RW_ADDR, RW_RESET, RW_MASK: every RW register is stored, reset, written and read
//   back from it) with the place of each descriptor field in them (DESC_*).
// - AXI4-Lite: one write and one read in flight. AW and W are accepted together in the cycle both
//   are valid (and no B response is pending); B follows one cycle later. AR is accepted when no R
//   response is pending; R follows one cycle later with the registered read data. Every response
//   is OKAY. Unmapped addresses read as 0; writes to unmapped or read-only registers are ignored.
//   WSTRB is honoured byte by byte; address bits [1:0] are ignored.
// - desc_o: the job descriptor (pnc_pkg::desc_t), each field wired from its generated place in
//   the RW registers.
// - start_o: one-cycle pulse, registered, the cycle after a write of CTRL with bit 0 set while
//   the block is idle (!busy_i, no job started but not yet done, no start pulse in flight).
//   The controller must raise busy_i no later than the cycle after start_o and keep it up until
//   done_i; desc_o is a plain register output (the controller samples them
//   at start_o).
// - done_i: one-cycle pulse with err_code_i. Sets STATUS.done, STATUS.error (err_code_i != 0),
//   ERR_CODE and IRQ_STATUS[0]. start_o clears STATUS.done/error, ERR_CODE and every counter.
// - Counters: CYCLES counts the cycles from start_o to done_i (done cycle included, start cycle
//   not); every other counter adds its increment input each cycle. All saturate at 2^32-1.
// - irq_o = IRQ_EN[0] & IRQ_STATUS[0] (registered sources, no combinational path from AXI).

`include "pnc_assert.svh"
`include "pnc_axi_ports.svh"

`include "pnc_types.svh"

module pnc_regs #(
    // Width of the multi-event counter increment inputs (sums over PEAs, byte counts per beat).
    parameter int IncW = 8
) (
    input logic clk_i,
    input logic rst_ni,

    // AXI4-Lite slave
    `PNC_AXIL_S_PORTS

    // Job descriptor: every field as the RW registers hold it
    output `PNC_DESC_T desc_o,

    // Job control and status
    output logic       start_o,
    input  logic       busy_i,
    input  logic       done_i,
    input  logic [7:0] err_code_i,
    output logic       irq_o,

    // Performance-counter increments (added every cycle; see the contract above)
    input logic [IncW-1:0] perf_swo_i,        // SWO products this cycle, summed over PEAs
    input logic [IncW-1:0] perf_dwo_i,        // DWO products this cycle, summed over PEAs
    input logic            perf_stall_mem_i,  // front end waiting for operand data
    input logic            perf_stall_dwo_i,  // front end waiting for a full DWO queue
    input logic            perf_stall_out_i,  // drain waiting for the write path
    input logic            perf_act_skip_i,   // one skipped activation HO vector decoded
    input logic [IncW-1:0] perf_wt_skip_i,    // skipped weight HO vectors, summed over PEAs
    input logic [IncW-1:0] perf_rd_bytes_i,   // bytes of the accepted AXI R beat(s)
    input logic [IncW-1:0] perf_wr_bytes_i,   // strobed bytes of the accepted AXI W beat(s)
    input logic            perf_tile_i        // one 8x8 output tile completed
);

  // ---- parameter legality
  `PNC_STATIC_ASSERT(LiteAddrIs8, pnc_pkg::LITE_ADDR_W == 8)  // the register map is an 8-bit space
  `PNC_STATIC_ASSERT(IncWLegal, IncW >= 1 && IncW <= 31)
  // The datapath (pnc_pea lanes, pnc_unpack items, the INT32 output path) is written
  // for 8-lane slice vectors and 32-bit accumulators; this block is in every build of pnc_top.
  `PNC_STATIC_ASSERT(VIs8, pnc_pkg::V == 8 && pnc_pkg::TM == 8 && pnc_pkg::TN == 8)
  `PNC_STATIC_ASSERT(AccWIs32, pnc_pkg::ACC_W == 32)

  localparam logic [1:0] RespOkay = 2'b00;

  // Counter bank: index i lives at byte offset REG_CYCLES + 4*i.
  localparam int NumCnt = pnc_pkg::NUM_COUNTERS;
  typedef enum int {
    CntCycles   = 0,
    CntSwoBusy  = 1,
    CntDwoBusy  = 2,
    CntStallMem = 3,
    CntStallDwo = 4,
    CntStallOut = 5,
    CntActSkip  = 6,
    CntWtSkip   = 7,
    CntRdBytes  = 8,
    CntWrBytes  = 9,
    CntTiles    = 10
  } cnt_idx_e;

  // The read mux finds counter i at REG_COUNTERS_FIRST + 4*i; the enum names every counter.
  `PNC_STATIC_ASSERT(CntAll, NumCnt == int'(CntTiles) + 1)
  `PNC_STATIC_ASSERT(CntFirst, pnc_pkg::REG_COUNTERS_FIRST == pnc_pkg::REG_CYCLES)
  `PNC_STATIC_ASSERT(CntContiguous, pnc_pkg::REG_TILES == pnc_pkg::REG_CYCLES + 8'(4 * CntTiles))

  // ---- register storage
  localparam int NumRw = pnc_pkg::NUM_RW;
  logic [NumRw-1:0][31:0] rw_q;  // RW register i (byte offset pnc_pkg::RW_ADDR[8*i +: 8])
  logic done_q, error_q, irq_pend_q, running_q, start_q;
  logic [7:0] err_code_q;
  logic [NumCnt-1:0][31:0] cnt_q;

  // ---- AXI4-Lite handshakes
  logic bvalid_q, rvalid_q;
  logic [31:0] rdata_q, rdata_d;
  logic wr_fire, rd_fire;
  logic [7:0] wr_addr, rd_addr;

  assign wr_fire        = s_axil_awvalid && s_axil_wvalid && !bvalid_q;
  assign s_axil_awready = wr_fire;
  assign s_axil_wready  = wr_fire;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_bresp   = RespOkay;
  assign rd_fire        = s_axil_arvalid && !rvalid_q;
  assign s_axil_arready = !rvalid_q;
  assign s_axil_rvalid  = rvalid_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = RespOkay;
  assign wr_addr        = {s_axil_awaddr[7:2], 2'b00};
  assign rd_addr        = {s_axil_araddr[7:2], 2'b00};

  // Waiver: protection bits carry no meaning here; address bits [1:0] are ignored by design.
  logic unused_axil;
  assign unused_axil = ^{s_axil_awprot, s_axil_arprot, s_axil_awaddr[1:0], s_axil_araddr[1:0]};

  // Why: each response stays valid until its ready; a new request is accepted only after that.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bvalid_q <= 1'b0;
      rvalid_q <= 1'b0;
      rdata_q  <= '0;
    end else begin
      if (wr_fire) bvalid_q <= 1'b1;
      else if (s_axil_bready) bvalid_q <= 1'b0;
      if (rd_fire) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rdata_d;
      end else if (s_axil_rready) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  logic [31:0] wmask;  // byte-enable mask of the write in flight
  assign wmask = {
    {8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}}, {8{s_axil_wstrb[1]}}, {8{s_axil_wstrb[0]}}
  };

  // New value of a register written now: strobed bytes replaced, restricted to its writable bits.
  function automatic logic [31:0] wmerge(logic [31:0] old, logic [31:0] writable);
    wmerge = (old & ~(wmask & writable)) | (s_axil_wdata & wmask & writable);
  endfunction

  // ---- job control
  logic start_req, start_ok, w1c_irq;
  assign start_req = wr_fire && wr_addr == pnc_pkg::REG_CTRL
                     && |(s_axil_wdata & wmask & pnc_pkg::REG_CTRL_WO_MASK);
  assign start_ok = start_req && !busy_i && !running_q && !start_q;
  assign w1c_irq = wr_fire && wr_addr == pnc_pkg::REG_IRQ_STATUS
                   && |(s_axil_wdata & wmask & pnc_pkg::REG_IRQ_STATUS_W1C_MASK);

  // Why: the RW registers change only on an AXI write to their own offset.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rw_q <= pnc_pkg::RW_RESET;
    end else if (wr_fire) begin
      for (int i = 0; i < NumRw; i++) begin
        if (wr_addr == pnc_pkg::RW_ADDR[8*i+:8]) begin
          rw_q[i] <= wmerge(rw_q[i], pnc_pkg::RW_MASK[32*i+:32]);
        end
      end
    end
  end

  // The stored value of the RW register at byte offset a (0 where there is none).
  function automatic logic [31:0] rw_value(logic [NumRw-1:0][31:0] rw, logic [7:0] a);
    rw_value = '0;
    for (int i = 0; i < NumRw; i++) begin
      if (a == pnc_pkg::RW_ADDR[8*i+:8]) rw_value = rw[i];
    end
  endfunction

  // Why: start, done and the interrupt form the job's status; start clears what done sets.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      start_q    <= 1'b0;
      running_q  <= 1'b0;
      done_q     <= 1'b0;
      error_q    <= 1'b0;
      err_code_q <= pnc_pkg::ERR_OK;
      irq_pend_q <= 1'b0;
    end else begin
      start_q <= start_ok;
      if (start_q) begin
        running_q  <= 1'b1;
        done_q     <= 1'b0;
        error_q    <= 1'b0;
        err_code_q <= pnc_pkg::ERR_OK;
      end else if (done_i) begin
        running_q  <= 1'b0;
        done_q     <= 1'b1;
        error_q    <= err_code_i != pnc_pkg::ERR_OK;
        err_code_q <= err_code_i;
      end
      // A new done wins over a simultaneous clear.
      if (done_i) irq_pend_q <= 1'b1;
      else if (w1c_irq) irq_pend_q <= 1'b0;
    end
  end

  // ---- performance counters
  logic [NumCnt-1:0][31:0] cnt_inc;
  always_comb begin
    cnt_inc              = '0;
    cnt_inc[CntCycles]   = 32'(running_q);
    cnt_inc[CntSwoBusy]  = 32'(perf_swo_i);
    cnt_inc[CntDwoBusy]  = 32'(perf_dwo_i);
    cnt_inc[CntStallMem] = 32'(perf_stall_mem_i);
    cnt_inc[CntStallDwo] = 32'(perf_stall_dwo_i);
    cnt_inc[CntStallOut] = 32'(perf_stall_out_i);
    cnt_inc[CntActSkip]  = 32'(perf_act_skip_i);
    cnt_inc[CntWtSkip]   = 32'(perf_wt_skip_i);
    cnt_inc[CntRdBytes]  = 32'(perf_rd_bytes_i);
    cnt_inc[CntWrBytes]  = 32'(perf_wr_bytes_i);
    cnt_inc[CntTiles]    = 32'(perf_tile_i);
  end

  // Each counter adds its increment and sticks at all-ones instead of wrapping.
  function automatic logic [31:0] sat_add(logic [31:0] a, logic [31:0] b);
    logic [32:0] sum;
    sum = {1'b0, a} + {1'b0, b};
    sat_add = sum[32] ? '1 : sum[31:0];
  endfunction

  logic [NumCnt-1:0][31:0] cnt_d;
  for (genvar i = 0; i < NumCnt; i++) begin : gen_cnt
    assign cnt_d[i] = sat_add(cnt_q[i], cnt_inc[i]);
  end

  // Why: the counter bank restarts at every job.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cnt_q <= '0;
    else if (start_q) cnt_q <= '0;
    else cnt_q <= cnt_d;
  end

  // ---- read mux
  always_comb begin
    rdata_d = '0;
    case (rd_addr)
      pnc_pkg::REG_ID: rdata_d = pnc_pkg::REG_ID_RESET;
      pnc_pkg::REG_PARAMS: rdata_d = pnc_pkg::REG_PARAMS_RESET;
      pnc_pkg::REG_STATUS: begin
        rdata_d[pnc_pkg::STATUS_BUSY_LSB]  = busy_i;
        rdata_d[pnc_pkg::STATUS_DONE_LSB]  = done_q;
        rdata_d[pnc_pkg::STATUS_ERROR_LSB] = error_q;
      end
      pnc_pkg::REG_IRQ_STATUS: rdata_d[pnc_pkg::IRQ_STATUS_DONE_LSB] = irq_pend_q;
      pnc_pkg::REG_ERR_CODE:
      rdata_d[pnc_pkg::ERR_CODE_CODE_LSB+:pnc_pkg::ERR_CODE_CODE_W] = err_code_q;
      default: begin
        rdata_d = rw_value(rw_q, rd_addr);
        for (int i = 0; i < NumCnt; i++) begin
          if (rd_addr == pnc_pkg::REG_COUNTERS_FIRST + 8'(4 * i)) rdata_d = cnt_q[i];
        end
      end
    endcase
  end

  // ---- outputs: each descriptor field from its generated place in the RW registers
  // The generated fields tile desc_t: the last one ends at its top bit.
  localparam int DescTop = int'(pnc_pkg::DESC_POS[16*(pnc_pkg::NUM_DESC-1)+:16])
                         + int'(pnc_pkg::DESC_W[8*(pnc_pkg::NUM_DESC-1)+:8]);
  `PNC_STATIC_ASSERT(DescCovered, DescTop == $bits(desc_o))
  for (genvar j = 0; j < pnc_pkg::NUM_DESC; j++) begin : gen_desc
    localparam int Pos = int'(pnc_pkg::DESC_POS[16*j+:16]);
    localparam int W = int'(pnc_pkg::DESC_W[8*j+:8]);
    localparam int Rw = int'(pnc_pkg::DESC_RW[8*j+:8]);
    localparam int Lsb = int'(pnc_pkg::DESC_LSB[8*j+:8]);
    assign desc_o[Pos+:W] = rw_q[Rw][Lsb+:W];
  end

  assign start_o = start_q;

  logic irq_en_done;  // IRQ_EN.done
  logic [31:0] irq_en;
  assign irq_en      = rw_value(rw_q, pnc_pkg::REG_IRQ_EN);
  assign irq_en_done = irq_en[pnc_pkg::IRQ_EN_DONE_LSB];
  assign irq_o       = irq_en_done & irq_pend_q;

  // ---- assertions
  `PNC_ASSERT_STREAM(BStream, s_axil_bvalid, s_axil_bready, s_axil_bresp)
  `PNC_ASSERT_STREAM(RStream, s_axil_rvalid, s_axil_rready, s_axil_rdata)
  `PNC_ASSERT_KNOWN(CtrlInKnown, {busy_i, done_i, s_axil_awvalid, s_axil_wvalid, s_axil_arvalid})
  `PNC_ASSERT(StartOnlyIdle, !start_o || !running_q)
  `PNC_ASSERT(DoneOnlyRunning, !done_i || running_q)

endmodule : pnc_regs
