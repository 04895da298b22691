// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_top: the Panacea accelerator: AXI4-Lite registers, AXI4 master, NumPea PE arrays, irq.
//
// Contract
// - Flat ports only. s_axil_*: register slave (docs/architecture.md section 5). m_axi_*: one
//   AXI4 master for both directions in one ID space: reads use ARID = read stream index
//   (0 .. 2+2*NumPea, see pnc_req_seq), writes use AWID = 3+2*NumPea. irq_o = IRQ_EN & IRQ_STATUS.
// - Dataflow (section 4): pnc_ctrl checks the descriptor and runs the job FSM; pnc_req_seq
//   requests the operand streams of every tile group from pnc_axi_rd; pnc_join decodes them and
//   feeds the PEA step streams; pnc_post drains the tiles, formats them and writes through
//   pnc_axi_wr. Each PEA's weight streams pass through its pnc_wbuf (WbufBytes per PEA), which
//   stores an n-group's streams once and plays them for every m-block, loading the next
//   n-group's meanwhile (pnc_req_seq). The activation streams pass through pnc_abuf
//   (AbufBytes), which with desc mt != 0 stores an m-tile's streams in its first n-group and
//   plays them in the others.
// - Abort (pnc_ctrl abort_o): every read stream is drained into nothing (ready forced high,
//   consumers see no valid) until the bus is quiet; then the datapath reset (PEAs, join, post)
//   is pulsed for one cycle from a flop of pnc_ctrl, and the job ends with its error code.
// - Performance counters (section 5) are fed from: SWO_BUSY/DWO_BUSY the PEAs' fire strobes,
//   STALL_MEM pnc_join, STALL_DWO any active PEA refusing a step for a full DWO queue,
//   STALL_OUT pnc_post, ACT_SKIP/WT_SKIP the HO decoders, RD_BYTES every R beat, WR_BYTES the
//   strobed bytes of every W beat, TILES pnc_post.

`include "pnc_assert.svh"
`include "pnc_axi_ports.svh"

`include "pnc_types.svh"

module pnc_top #(
    parameter  int NumPea    = pnc_pkg::NUM_PEA,
    parameter  int WbufBytes = pnc_pkg::WBUF_BYTES,  // weight buffer bytes per PEA (0: none)
    parameter  int AbufBytes = pnc_pkg::ABUF_BYTES,  // activation buffer bytes (0: none)
    parameter  int AxiIdW    = pnc_pkg::AXI_ID_W,    // AXI ID width (4 + 2*NumPea IDs are used)
    localparam int DW        = pnc_pkg::AXI_DATA_W,
    localparam int NS        = 3 + 2 * NumPea
) (
    input logic clk_i,
    input logic rst_ni,

    // AXI4-Lite slave (registers)
    `PNC_AXIL_S_PORTS

    // AXI4 master (memory)
    `PNC_AXI_M_AX_PORTS(aw, AxiIdW)
    `PNC_AXI_M_W_PORTS
    `PNC_AXI_M_B_PORTS(AxiIdW)
    `PNC_AXI_M_AX_PORTS(ar, AxiIdW)
    `PNC_AXI_M_R_PORTS(AxiIdW)

    output logic irq_o
);

  `PNC_STATIC_ASSERT(IdSpace, NS + 1 <= (1 << AxiIdW))

  localparam int SActLo = 0;
  localparam int SActHo = 1;
  localparam int SWtLo = 2;
  localparam int SWtHo = 2 + NumPea;
  localparam int SBias = 2 + 2 * NumPea;
  localparam int IncW = 8;
  localparam int PeaW = $clog2(NumPea + 1);
  localparam int BytesW = $clog2(DW / 8 + 1);

  // ---- registers <-> controller
  `PNC_DESC_T reg_desc;  // the descriptor registers
  logic start, busy, done;
  logic [7:0] err_code;

  // ---- performance strobes
  logic [NumPea-1:0] swo_fire, dwo_fire, dwo_full;
  logic stall_mem, stall_out, act_skip, tile_done, rd_beat, wr_bytes_valid;
  logic [  PeaW-1:0] wt_skip;
  logic [BytesW-1:0] wr_bytes;
  logic [IncW-1:0] swo_sum, dwo_sum;

  always_comb begin
    swo_sum = '0;
    dwo_sum = '0;
    for (int p = 0; p < NumPea; p++) begin
      swo_sum = swo_sum + IncW'(swo_fire[p]);
      dwo_sum = dwo_sum + IncW'(dwo_fire[p]);
    end
  end

  pnc_regs #(
      .IncW(IncW)
  ) u_regs (
      .clk_i,
      .rst_ni,
      .s_axil_awaddr,
      .s_axil_awprot,
      .s_axil_awvalid,
      .s_axil_awready,
      .s_axil_wdata,
      .s_axil_wstrb,
      .s_axil_wvalid,
      .s_axil_wready,
      .s_axil_bresp,
      .s_axil_bvalid,
      .s_axil_bready,
      .s_axil_araddr,
      .s_axil_arprot,
      .s_axil_arvalid,
      .s_axil_arready,
      .s_axil_rdata,
      .s_axil_rresp,
      .s_axil_rvalid,
      .s_axil_rready,
      .desc_o          (reg_desc),
      .start_o         (start),
      .busy_i          (busy),
      .done_i          (done),
      .err_code_i      (err_code),
      .irq_o,
      .perf_swo_i      (swo_sum),
      .perf_dwo_i      (dwo_sum),
      .perf_stall_mem_i(stall_mem),
      .perf_stall_dwo_i(|dwo_full),
      .perf_stall_out_i(stall_out),
      .perf_act_skip_i (act_skip),
      .perf_wt_skip_i  (IncW'(wt_skip)),
      .perf_rd_bytes_i (rd_beat ? IncW'(DW / 8) : '0),
      .perf_wr_bytes_i (wr_bytes_valid ? IncW'(wr_bytes) : '0),
      .perf_tile_i     (tile_done)
  );

  // ---- controller
  `PNC_DESC_T cfg;  // the descriptor latched at start, static while the job runs
  logic cfg_dense;
  logic [4:0] cfg_r_eff;
  logic [2:0] cfg_b;
  logic job_start, abort, dp_clear, dp_rst_n;

  logic [NS-1:0] req_valid, req_ready, rd_valid, rd_ready, rd_last, use_ready;
  logic [NS-1:0][  31:0] req_addr;
  logic [NS-1:0][  23:0] req_len;
  logic [NS-1:0][DW-1:0] rd_data;
  logic [NS-1:0] rd_in_push, rd_in_last;
  logic [DW-1:0] rd_in_data;
  logic rd_err, wr_err, wr_idle, stream_err, post_done, post_idle;

  logic [NumPea-1:0] wb_load, wb_load_ready, wb_load_slot, wb_play, wb_play_ready;
  logic wb_fits, wb_play_slot, wb_play_last;
  logic ab_en, ab_cmd_valid, ab_cmd_ready, ab_cmd_load, ab_cmd_first;
  logic [15:0] ab_lo_words, ab_ho_stride;
  logic [3:0] ab_rec_bytes;
  logic [NS-1:0] req_low;

  logic seq_run, seq_end, seq_quiet, hdr_corrupt;

  pnc_ctrl u_ctrl (
      .clk_i,
      .rst_ni,
      .desc_i(reg_desc),
      .start_i(start),
      .busy_o(busy),
      .done_o(done),
      .err_code_o(err_code),
      .cfg_o(cfg),
      .cfg_dense_o(cfg_dense),
      .cfg_r_eff_o(cfg_r_eff),
      .cfg_b_o(cfg_b),
      .job_start_o(job_start),
      .abort_o(abort),
      .dp_clear_o(dp_clear),
      .seq_run_o(seq_run),
      .seq_end_i(seq_end),
      .seq_quiet_i(seq_quiet),
      .hdr_corrupt_i(hdr_corrupt),
      .rd_err_i(rd_err),
      .wr_err_i(wr_err),
      .stream_err_i(stream_err),
      .post_done_i(post_done),
      .post_idle_i(post_idle),
      .wr_idle_i(wr_idle)
  );

  pnc_req_seq #(
      .NumPea   (NumPea),
      .WbufBytes(WbufBytes)
  ) u_seq (
      .clk_i,
      .rst_ni,
      .desc_i(cfg),
      .start_i(job_start),
      .run_i(seq_run),
      .hdr_corrupt_o(hdr_corrupt),
      .end_o(seq_end),
      .quiet_o(seq_quiet),
      .req_valid_o(req_valid),
      .req_ready_i(req_ready),
      .req_addr_o(req_addr),
      .req_len_o(req_len),
      .req_low_o(req_low),
      .wb_fits_o(wb_fits),
      .wb_load_o(wb_load),
      .wb_load_ready_i(wb_load_ready),
      .wb_load_slot_o(wb_load_slot),
      .wb_play_o(wb_play),
      .wb_play_ready_i(wb_play_ready),
      .wb_play_slot_o(wb_play_slot),
      .wb_play_last_o(wb_play_last),
      .ab_en_o(ab_en),
      .ab_lo_words_o(ab_lo_words),
      .ab_ho_stride_o(ab_ho_stride),
      .ab_rec_bytes_o(ab_rec_bytes),
      .ab_cmd_valid_o(ab_cmd_valid),
      .ab_cmd_ready_i(ab_cmd_ready),
      .ab_cmd_load_o(ab_cmd_load),
      .ab_cmd_first_o(ab_cmd_first),
      .rd_valid_i(rd_valid),
      .rd_ready_i(rd_ready),
      .rd_last_i(rd_last),
      .in_push_i(rd_in_push),
      .in_last_i(rd_in_last),
      .in_data_i(rd_in_data)
  );

  // Datapath reset: power-on reset or the controller's one-cycle clear after an abort. dp_clear
  // comes straight from a flop, so the derived reset does not glitch.
  assign dp_rst_n = rst_ni && !dp_clear;

  // ---- read path: while aborting, every beat is taken and dropped
  logic [NS-1:0] use_valid;
  assign use_valid = abort ? '0 : rd_valid;
  assign rd_ready  = abort ? '1 : use_ready;

  pnc_axi_rd #(
      .NS (NS),
      .IdW(AxiIdW)
  ) u_axi_rd (
      .clk_i,
      .rst_ni,
      .req_valid_i(req_valid),
      .req_ready_o(req_ready),
      .req_addr_i(req_addr),
      .req_len_i(req_len),
      .req_low_i(req_low),
      .rd_valid_o(rd_valid),
      .rd_ready_i(rd_ready),
      .rd_data_o(rd_data),
      .rd_last_o(rd_last),
      .err_o(rd_err),
      .beat_o(rd_beat),
      .in_push_o(rd_in_push),
      .in_last_o(rd_in_last),
      .in_data_o(rd_in_data),
      .m_axi_arid,
      .m_axi_araddr,
      .m_axi_arlen,
      .m_axi_arsize,
      .m_axi_arburst,
      .m_axi_arvalid,
      .m_axi_arready,
      .m_axi_rid,
      .m_axi_rdata,
      .m_axi_rresp,
      .m_axi_rlast,
      .m_axi_rvalid,
      .m_axi_rready
  );

  // ---- operand front end and PEAs
  logic [NumPea-1:0] step_valid, step_ready, step_wt_live, tile_valid, tile_ready;
  logic [39:0] step_act_lo, step_act_ho;
  logic step_act_live, step_last;
  logic [NumPea-1:0][  39:0] step_wt_lo;
  logic [NumPea-1:0][  31:0] step_wt_ho;
  logic [NumPea-1:0][2047:0] tile_acc;
  logic [NumPea-1:0] wt_lo_valid, wt_lo_ready, wt_lo_last, wt_ho_valid, wt_ho_ready;
  logic [NumPea-1:0][DW-1:0] wt_lo_data, wt_ho_data;
  logic [8*5-1:0] step_row_r;  // per-lane r_eff and z (pnc_join)
  logic [8*8-1:0] step_row_z;

  // Why: per PEA, the weight buffer sits between pnc_axi_rd (after the abort override) and the
  // join; the datapath reset after an abort empties it, so clear_i is not used.
  for (genvar p = 0; p < NumPea; p++) begin : gen_wt_streams
    logic [1:0] wb_out_valid, wb_out_last;
    logic [2*DW-1:0] wb_out_data;  // {HO, LO} (flat: Yosys cannot index packed 2-D here)
    logic wb_idle, unused_wb;

    pnc_wbuf #(
        .WbufBytes(WbufBytes)
    ) u_wbuf (
        .clk_i,
        .rst_ni      (dp_rst_n),
        .clear_i     (1'b0),
        .fits_i      (wb_fits),
        .load_i      (wb_load[p]),
        .load_ready_o(wb_load_ready[p]),
        .load_slot_i (wb_load_slot[p]),
        .play_i      (wb_play[p]),
        .play_ready_o(wb_play_ready[p]),
        .play_slot_i (wb_play_slot),
        .play_last_i (wb_play_last),
        .idle_o      (wb_idle),
        .in_valid_i  ({use_valid[SWtHo+p], use_valid[SWtLo+p]}),
        .in_ready_o  ({use_ready[SWtHo+p], use_ready[SWtLo+p]}),
        .in_data_i   ({rd_data[SWtHo+p], rd_data[SWtLo+p]}),
        .in_last_i   ({rd_last[SWtHo+p], rd_last[SWtLo+p]}),
        .out_valid_o (wb_out_valid),
        .out_ready_i ({wt_ho_ready[p], wt_lo_ready[p]}),
        .out_data_o  (wb_out_data),
        .out_last_o  (wb_out_last)
    );

    assign wt_lo_valid[p] = wb_out_valid[0];
    assign wt_lo_data[p] = wb_out_data[DW-1:0];
    assign wt_lo_last[p] = wb_out_last[0];
    assign wt_ho_valid[p] = wb_out_valid[1];
    assign wt_ho_data[p] = wb_out_data[2*DW-1:DW];
    // Waiver: the join ends an HO stream by its records, not by a last flag; idle_o is only for
    // benches (the controller's group accounting already knows when the buffer is busy).
    assign unused_wb = ^{wb_out_last[1], wb_idle};
  end

  // Why: the activation buffer sits between pnc_axi_rd (after the abort override) and the join;
  // the datapath reset after an abort empties it.
  logic [1:0] ab_out_valid, ab_out_last, ab_out_ready;
  logic [2*DW-1:0] ab_out_data;  // {HO, LO}
  logic ab_idle, unused_ab;

  pnc_abuf #(
      .AbufBytes(AbufBytes)
  ) u_abuf (
      .clk_i,
      .rst_ni        (dp_rst_n),
      .en_i          (ab_en),
      .lo_words_i    (ab_lo_words),
      .ho_stride_i   (ab_ho_stride),
      .ho_rec_bytes_i(ab_rec_bytes),
      .cmd_valid_i   (ab_cmd_valid),
      .cmd_ready_o   (ab_cmd_ready),
      .cmd_load_i    (ab_cmd_load),
      .cmd_first_i   (ab_cmd_first),
      .idle_o        (ab_idle),
      .in_valid_i    ({use_valid[SActHo], use_valid[SActLo]}),
      .in_ready_o    ({use_ready[SActHo], use_ready[SActLo]}),
      .in_data_i     ({rd_data[SActHo], rd_data[SActLo]}),
      .in_last_i     ({rd_last[SActHo], rd_last[SActLo]}),
      .out_valid_o   (ab_out_valid),
      .out_ready_i   (ab_out_ready),
      .out_data_o    (ab_out_data),
      .out_last_o    (ab_out_last)
  );
  // Waiver: the join ends an HO stream by its records, not by a last flag; idle_o is only for
  // benches.
  assign unused_ab = ^{ab_out_last[1], ab_idle};

  pnc_join #(
      .NumPea(NumPea)
  ) u_join (
      .clk_i,
      .rst_ni(dp_rst_n),
      .desc_i(cfg),
      .b_i(cfg_b),
      .r_eff_i(cfg_r_eff),
      .start_i(job_start),
      .act_lo_valid_i(ab_out_valid[0]),
      .act_lo_ready_o(ab_out_ready[0]),
      .act_lo_data_i(ab_out_data[DW-1:0]),
      .act_lo_last_i(ab_out_last[0]),
      .act_ho_valid_i(ab_out_valid[1]),
      .act_ho_ready_o(ab_out_ready[1]),
      .act_ho_data_i(ab_out_data[2*DW-1:DW]),
      .wt_lo_valid_i(wt_lo_valid),
      .wt_lo_ready_o(wt_lo_ready),
      .wt_lo_data_i(wt_lo_data),
      .wt_lo_last_i(wt_lo_last),
      .wt_ho_valid_i(wt_ho_valid),
      .wt_ho_ready_o(wt_ho_ready),
      .wt_ho_data_i(wt_ho_data),
      .step_valid_o(step_valid),
      .step_ready_i(step_ready),
      .step_act_lo_o(step_act_lo),
      .step_act_ho_o(step_act_ho),
      .step_act_live_o(step_act_live),
      .step_wt_lo_o(step_wt_lo),
      .step_wt_ho_o(step_wt_ho),
      .step_wt_live_o(step_wt_live),
      .step_last_o(step_last),
      .step_row_r_o(step_row_r),
      .step_row_z_o(step_row_z),
      .err_o(stream_err),
      .act_skip_o(act_skip),
      .wt_skip_o(wt_skip),
      .stall_mem_o(stall_mem)
  );

  for (genvar p = 0; p < NumPea; p++) begin : gen_pea
    pnc_pea u_pea (
        .clk_i,
        .rst_ni         (dp_rst_n),
        .lo_bits_i      (cfg_b),
        .sbr_i          (cfg.sbr),
        .dense_i        (cfg_dense),
        .step_valid_i   (step_valid[p]),
        .step_ready_o   (step_ready[p]),
        .step_act_lo_i  (step_act_lo),
        .step_act_ho_i  (step_act_ho),
        .step_act_live_i(step_act_live),
        .step_wt_lo_i   (step_wt_lo[p]),
        .step_wt_ho_i   (step_wt_ho[p]),
        .step_wt_live_i (step_wt_live[p]),
        .step_last_i    (step_last),
        .step_row_r_i   (step_row_r),
        .step_row_z_i   (step_row_z),
        .tile_valid_o   (tile_valid[p]),
        .tile_ready_i   (tile_ready[p]),
        .tile_acc_o     (tile_acc[p]),
        .swo_fire_o     (swo_fire[p]),
        .dwo_fire_o     (dwo_fire[p]),
        .dwo_full_o     (dwo_full[p])
    );
  end

  // ---- output path
  logic cmd_valid, cmd_ready, wd_valid, wd_ready;
  logic [    31:0] cmd_addr;
  logic [    15:0] cmd_beats;
  logic [  DW-1:0] wd_data;
  logic [DW/8-1:0] wd_strb;

  pnc_post #(
      .NumPea(NumPea)
  ) u_post (
      .clk_i,
      .rst_ni(dp_rst_n),
      .desc_i(cfg),
      .start_i(job_start),
      .abort_i(abort),
      .done_o(post_done),
      .idle_o(post_idle),
      .tile_valid_i(tile_valid),
      .tile_ready_o(tile_ready),
      .tile_acc_i(tile_acc),
      .bias_valid_i(use_valid[SBias]),
      .bias_ready_o(use_ready[SBias]),
      .bias_data_i(rd_data[SBias]),
      .cmd_valid_o(cmd_valid),
      .cmd_ready_i(cmd_ready),
      .cmd_addr_o(cmd_addr),
      .cmd_beats_o(cmd_beats),
      .wd_valid_o(wd_valid),
      .wd_ready_i(wd_ready),
      .wd_data_o(wd_data),
      .wd_strb_o(wd_strb),
      .tile_done_o(tile_done),
      .stall_out_o(stall_out)
  );

  pnc_axi_wr #(
      .Id (NS),
      .IdW(AxiIdW)
  ) u_axi_wr (
      .clk_i,
      .rst_ni,
      .cmd_valid_i(cmd_valid),
      .cmd_ready_o(cmd_ready),
      .cmd_addr_i(cmd_addr),
      .cmd_beats_i(cmd_beats),
      .wd_valid_i(wd_valid),
      .wd_ready_o(wd_ready),
      .wd_data_i(wd_data),
      .wd_strb_i(wd_strb),
      .idle_o(wr_idle),
      .err_o(wr_err),
      .bytes_o(wr_bytes),
      .bytes_valid_o(wr_bytes_valid),
      .m_axi_awid,
      .m_axi_awaddr,
      .m_axi_awlen,
      .m_axi_awsize,
      .m_axi_awburst,
      .m_axi_awvalid,
      .m_axi_awready,
      .m_axi_wdata,
      .m_axi_wstrb,
      .m_axi_wlast,
      .m_axi_wvalid,
      .m_axi_wready,
      .m_axi_bid,
      .m_axi_bresp,
      .m_axi_bvalid,
      .m_axi_bready
  );

endmodule : pnc_top
