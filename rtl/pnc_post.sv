// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_post: output path: drains PEA tiles in loop order, adds bias, requantizes, formats and
// writes them through pnc_axi_wr (the write-command engine pnc_post_wr); writes the UINT8_RLE
// stream headers at the end of the job.
//
// Contract
// - start_i (job_start of pnc_ctrl) walks the loop nest for m-tile, for ng, for mb in m-tile
//   (pnc_loop_nest), for p < n_act and drains tile (mb, nb = ng*NumPea + p) from PEA p. With bias_en it first takes
//   the tile's 8 biases (32 bytes, 256/AXI_DATA_W beats) from the bias read stream (pnc_ctrl
//   requests them in the same order). The tile is popped (tile_ready) after its last write
//   command's data is sent.
// - Output formats (docs/architecture.md section 3; Np = 8*NB):
//   INT32: one 32-byte write per valid row m = 8*mb+i < M at OUT + 4*Np*m + 32*nb.
//   UINT8: one 8-byte write per valid row at OUT + Np*m + 8*nb.
//   UINT8_RLE: columns n = 8*nb+j < N are encoded one per cycle (pnc_requant on the column,
//   pnc_rle_enc with the m-block's run), then one write of the ncols*out_b LO bytes at
//   OUT + mb*align_B(N*out_b) + nb*8*out_b and, if the tile produced records, one write of the
//   record bytes at byte OUT_HO + mb*ho_stride + 8 + n_rec*(9-out_b). A state table
//   (run, n_records) per m-block carries the encoder across n-groups (ng = 0 starts from zero).
//   After the last tile, one 8-byte header {n_records, N} per m-block (ho_stride =
//   align_B(8 + N*(9-out_b)), B = AXI_DATA_W/8: every stream starts on a beat).
//   A write starts at any 8-byte (records: any byte) offset inside a beat: its command goes to
//   the beat holding the first byte and only the written bytes are strobed.
//   Only strobed bytes are written; every output byte exactly once (WR_BYTES of the model).
// - The write commands of a tile (or of the header phase) are one batch of pnc_post_wr, loaded
//   once the tile's data is ready (rows: the tile is valid; RLE: its last column is encoded;
//   headers: after the last tile); pnc_post supplies each data beat the engine asks for.
// - Write commands and their data overlap: data of a command is sent once the command has been
//   accepted; several commands of a tile may be accepted ahead of their data.
// - done_o: high from the end of the last write (data sent) until the next start_i.
// - abort_i: no new command is created; a command already presented is held until accepted; a
//   data beat already presented without ready is held unchanged (data and strobes) until it is
//   sent, and every other accepted beat not yet sent is sent with zero strobes; then idle_o
//   rises. Tiles are not popped (the PEAs are reset by the datapath reset afterwards).

`include "pnc_assert.svh"

`include "pnc_types.svh"

module pnc_post #(
    parameter int NumPea = pnc_pkg::NUM_PEA,
    localparam int DW    = pnc_pkg::AXI_DATA_W,
    localparam int PeaW  = $clog2(NumPea + 1)
) (
    input logic clk_i,
    input logic rst_ni,

    // Configuration: the latched descriptor (static while a job runs)
    input `PNC_DESC_T desc_i,

    input  logic start_i,
    input  logic abort_i,
    output logic done_o,
    output logic idle_o,

    // Tiles from the PEAs
    input  logic [NumPea-1:0]             tile_valid_i,
    output logic [NumPea-1:0]             tile_ready_o,
    input  logic [NumPea-1:0][8*8*32-1:0] tile_acc_i,

    // Bias read stream
    input  logic          bias_valid_i,
    output logic          bias_ready_o,
    input  logic [DW-1:0] bias_data_i,

    // Write path (pnc_axi_wr)
    output logic            cmd_valid_o,
    input  logic            cmd_ready_i,
    output logic [    31:0] cmd_addr_o,
    output logic [    15:0] cmd_beats_o,
    output logic            wd_valid_o,
    input  logic            wd_ready_i,
    output logic [  DW-1:0] wd_data_o,
    output logic [DW/8-1:0] wd_strb_o,

    // Performance
    output logic tile_done_o,
    output logic stall_out_o
);

  `PNC_STATIC_ASSERT(BusLegal, DW == 64 || DW == 128 || DW == 256)

  localparam int MaxMb = pnc_pkg::MAX_DIM / 8;
  localparam int MbW = $clog2(MaxMb);
  localparam int BiasBeats = 256 / DW;
  localparam int BB = DW / 8;  // bytes per beat
  localparam int OW = $clog2(BB);  // byte-offset bits inside a beat
  // Record buffer: a tile's records (8 x at most 6 bytes) behind an offset below BB.
  localparam int RecBufMin = (BB + 48 + BB - 1) / BB * BB;
  localparam int RecBufBytes = RecBufMin > 64 ? RecBufMin : 64;
  localparam int RecPosW = $clog2(RecBufBytes);
  localparam int LoExtBytes = (40 + BB - 1 + BB - 1) / BB * BB;  // LO bytes behind an offset

  typedef enum logic [3:0] {
    StIdle,
    StSetup,
    StBias,
    StWait,
    StEnc,
    StWrite,
    StTileEnd,
    StHdr,
    StFin,
    StFlush
  } state_e;
  typedef enum logic [1:0] {
    KindRows,
    KindRle,
    KindHdr
  } kind_e;

  // The output fields at their used widths (legal out_b: 3..5; out_r <= 2^(8-out_b) - 1).
  logic [2:0] out_b;
  logic [4:0] out_r;
  assign out_b = desc_i.out_b[2:0];
  assign out_r = desc_i.out_r[4:0];
  // Waiver: the output path reads the dimensions and the output fields only.
  logic unused_desc;
  assign unused_desc = ^desc_i;

  state_e state_q;
  kind_e  kind_q;
  logic is_rle, is_int32;
  assign is_rle   = desc_i.fmt == 2'(pnc_pkg::FMT_UINT8_RLE);
  assign is_int32 = desc_i.fmt == 2'(pnc_pkg::FMT_INT32);

  // ---- job geometry
  logic [9:0] nb_total;
  logic [2:0] out_hl;  // HO payload bytes of the output stream (8 - out_b)
  logic [23:0] lo_stride, ho_stride;
  logic [31:0] mb_step;  // address step per m-block in OUT
  logic [31:0] row_stride;  // bytes per output row (INT32 / UINT8)
  assign nb_total   = 10'((desc_i.n + 16'd7) >> 3);
  assign out_hl     = 3'(4'd8 - {1'b0, out_b});
  assign lo_stride  = (24'(desc_i.n) * 24'(out_b) + 24'(BB - 1)) & ~(24'(BB - 1));
  assign ho_stride  = (24'd8 + 24'(desc_i.n) * 24'(out_hl + 3'd1) + 24'(BB - 1)) & ~(24'(BB - 1));
  assign row_stride = is_int32 ? 32'(nb_total) << 5 : 32'(nb_total) << 3;
  assign mb_step    = is_rle ? 32'(lo_stride) : row_stride << 3;

  // ---- loop state: the group loop (pnc_loop_nest), then p < n_act within a group
  logic [9:0] mb, nb_base, mb_last;
  logic first_ng, last_mb, last_ng, last_group, group_end;
  logic [PeaW-1:0] p_q, n_act;
  logic [9:0] nb;
  logic [31:0] mb_out_ptr_q, mb_ho_ptr_q;
  logic [31:0] t0_out_ptr_q, t0_ho_ptr_q;  // the same of the m-tile's first m-block
  logic [3:0] rows, cols;

  logic hold;  // abort: the FSM moves to StFlush and nothing else changes
  assign hold      = abort_i && state_q != StIdle && state_q != StFlush;
  assign group_end = state_q == StTileEnd && p_q == n_act - PeaW'(1);

  // Named wires, not expressions, on the instance's ports: Icarus 11 evaluates an enum
  // comparison in a port expression wrongly.
  logic loop_start, loop_next;
  assign loop_start = (state_q == StIdle || state_q == StFin) && start_i && !hold;
  assign loop_next  = group_end && !hold;

  pnc_loop_nest #(
      .NumPea(NumPea)
  ) u_loop (
      .clk_i,
      .rst_ni,
      .desc_i,
      .start_i     (loop_start),
      .next_i      (loop_next),
      .mb_o        (mb),
      .last_mb_o   (last_mb),
      .nb_base_o   (nb_base),
      .n_act_o     (n_act),
      /* verilator lint_off PINCONNECTEMPTY */
      .first_mb_o  (),
      .n_act_next_o(),
      .ng_odd_o    (),
      /* verilator lint_on PINCONNECTEMPTY */
      .first_ng_o  (first_ng),
      .last_ng_o   (last_ng),
      .last_o      (last_group)
  );

  assign mb_last = 10'((desc_i.m + 16'd7) >> 3) - 10'd1;
  assign nb      = nb_base + 10'(p_q);
  assign rows    = (32'(desc_i.m) - (32'(mb) << 3) >= 32'd8) ? 4'd8 : 4'(desc_i.m - (16'(mb) << 3));
  assign cols    = (32'(desc_i.n) - (32'(nb) << 3) >= 32'd8) ? 4'd8 : 4'(desc_i.n - (16'(nb) << 3));

  // ---- current tile
  logic [8*8*32-1:0] tile;
  logic              tile_valid;
  always_comb begin
    tile       = tile_acc_i[0];
    tile_valid = tile_valid_i[0];
    for (int p = 0; p < NumPea; p++) begin
      if (p == int'(p_q)) begin
        tile       = tile_acc_i[p];
        tile_valid = tile_valid_i[p];
      end
    end
  end

  // ---- bias of the tile
  logic [255:0] bias_q;
  logic [255:0] bias_shift;  // bias_q with the arriving beat shifted in on top
  if (DW == 256) begin : gen_bias_one
    assign bias_shift = bias_data_i;
  end else begin : gen_bias_beats
    assign bias_shift = {bias_data_i, bias_q[255:DW]};
  end
  logic [$clog2(BiasBeats):0] bias_cnt_q;

  // ---- RLE encoder state
  logic [7:0] tab_run[MaxMb];
  logic [12:0] tab_nrec[MaxMb];
  logic [7:0] run_q;
  logic [12:0] nrec_q;  // records of the m-block before this tile
  logic [3:0] nnew_q;  // records produced by this tile
  logic [3:0] col_q;
  logic [5:0] lo_pos_q;  // byte write position in the LO buffer
  logic [RecPosW-1:0] rec_pos_q;  // byte write position in the record buffer
  logic [319:0] lo_buf_q;
  logic [RecBufBytes*8-1:0] rec_buf_q;
  logic [OW-1:0] rec_off_q;  // byte offset of the first record byte in its beat
  logic [31:0] rec_addr_q;

  // ---- requantizer (rows for INT32/UINT8, columns for the RLE encoder)
  logic [8*32-1:0] rq_acc, rq_bias, rq_s;
  logic [8*8-1:0] rq_q;
  logic [9:0] di;  // the write command whose data goes out (pnc_post_wr)
  logic [3:0] dbeat;  // the beat of that command

  always_comb begin
    rq_acc  = tile[di[2:0]*256+:256];
    rq_bias = bias_q;
    if (state_q == StEnc) begin
      for (int i = 0; i < 8; i++) rq_acc[i*32+:32] = tile[(i*8+int'(col_q[2:0]))*32+:32];
      rq_bias = {8{bias_q[col_q[2:0]*32+:32]}};
    end
  end

  pnc_requant u_requant (
      .acc_i    (rq_acc),
      .bias_i   (rq_bias),
      .bias_en_i(desc_i.bias_en),
      .mult_i   (desc_i.mult),
      .shift_i  (desc_i.shift),
      .zo_i     (desc_i.zo),
      .s_o      (rq_s),
      .q_o      (rq_q)
  );

  logic [39:0] enc_lo;
  logic        enc_rec_valid;
  logic [47:0] enc_rec;
  logic [ 7:0] enc_run;
  logic [ 7:0] row_valid;
  assign row_valid = 8'((9'd1 << rows) - 9'd1);

  pnc_rle_enc #(
      .RunBits(pnc_pkg::RUN_BITS)
  ) u_rle_enc (
      .y_i        (rq_q),
      .row_valid_i(row_valid),
      .lo_bits_i  (out_b),
      .r_i        (out_r),
      .run_i      (run_q),
      .lo_item_o  (enc_lo),
      .rec_valid_o(enc_rec_valid),
      .rec_o      (enc_rec),
      .run_o      (enc_run)
  );

  // ---- write commands of the current tile (or of the header phase)
  logic [5:0] lo_bytes, rec_bytes;
  logic [15:0] lo_beats, rec_beats;
  logic [OW-1:0] lo_off;  // byte offset of the tile's LO bytes in their first beat
  assign lo_bytes  = 6'(cols) * 6'(out_b);
  assign rec_bytes = 6'(nnew_q) * 6'(out_hl + 3'd1);
  assign lo_off    = OW'(32'(nb) * 32'({out_b, 3'b000}));
  assign lo_beats  = (16'(lo_off) + 16'(lo_bytes) + 16'(BB - 1)) >> OW;
  assign rec_beats = (16'(rec_off_q) + 16'(rec_bytes) + 16'(BB - 1)) >> OW;

  // Strobes of beat dbeat of an RLE write: LO bytes [lo_off, lo_off + lo_bytes), record bytes
  // [rec_off, rec_off + rec_bytes).
  logic [BB-1:0] lo_strb, rec_strb;
  always_comb begin
    for (int i = 0; i < BB; i++) begin
      logic [9:0] g;
      g = 10'(32'(dbeat) * BB + i);
      lo_strb[i] = g >= 10'(lo_off) && g < 10'(lo_off) + 10'(lo_bytes);
      rec_strb[i] = g >= 10'(rec_off_q) && g < 10'(rec_off_q) + 10'(rec_bytes);
    end
  end

  // The LO bytes behind their offset; a UINT8 row (or INT32 beat) at its offset in the beat.
  logic [LoExtBytes*8-1:0] lo_ext;
  logic [DW-1:0] row_data;
  logic [BB-1:0] row_strb;
  assign lo_ext = (LoExtBytes * 8)'(lo_buf_q) << {lo_off, 3'b000};
  if (DW == 64) begin : gen_row64
    assign row_data = is_int32 ? rq_s[dbeat[1:0]*64+:64] : rq_q;
    assign row_strb = '1;
  end else begin : gen_row_wide
    // INT32 rows are 32 bytes at a 32-byte boundary (32/B beats); UINT8 rows 8 bytes anywhere.
    logic [1:0] ibeat;
    logic [OW-1:0] row_off;  // offset of UINT8 row di in its beat (row_stride = Np bytes)
    assign ibeat = 2'(dbeat) & 2'(BiasBeats - 1);
    assign row_off = OW'((32'(nb) << 3) + 32'(di[2:0]) * row_stride);
    assign row_data = is_int32 ? DW'(rq_s >> (32'(ibeat) * DW)) : DW'(rq_q) << {row_off, 3'b000};
    assign row_strb = is_int32 ? '1 : BB'(8'hff) << row_off;
  end

  // The data of beat dbeat of command di, by the kind of batch being written. Continuous
  // assignments, not an always_comb with defaults: see the wd_* outputs of pnc_post_wr.
  logic [  DW-1:0] fmt_data;
  logic [DW/8-1:0] fmt_strb;
  assign fmt_data = (kind_q == KindRows) ? row_data
                  : (kind_q == KindRle) ? (di == '0 ? lo_ext[32'(dbeat)*DW+:DW]
                                                   : rec_buf_q[32'(dbeat)*DW+:DW])
                  : DW'({16'd0, desc_i.n, 19'd0, tab_nrec[di[MbW-1:0]]});
  assign fmt_strb = (kind_q == KindRows) ? row_strb : (kind_q == KindHdr) ? BB'(8'hff)
                  : (di == '0) ? lo_strb : rec_strb;

  // The batch of the current tile (or of the header phase), loaded when its data is ready:
  // ROWS one command of rows_beats per valid row, row_stride apart; RLE the LO write, then the
  // record write at rec_addr; HDR one 8-byte header per m-block, ho_stride apart.
  logic wr_load, wr_done, wr_flushed, wr_run, wr_flush;
  logic [15:0] wr_beats0, wr_beats;
  logic [31:0] wr_step;
  logic wr_jump;
  logic [9:0] wr_ncmd;
  logic [31:0] wr_addr;
  logic [15:0] rows_beats;
  assign rows_beats = is_int32 ? 16'(BiasBeats) : 16'd1;
  // Named wires, not expressions, on the instance's ports: Icarus 11 evaluates an enum
  // comparison in a port expression wrongly.
  assign wr_run    = state_q == StWrite;
  assign wr_flush  = state_q == StFlush;
  assign wr_beats0 = (kind_q == KindRows) ? rows_beats : (kind_q == KindRle) ? lo_beats : 16'd1;
  assign wr_beats  = (kind_q == KindRows) ? rows_beats : (kind_q == KindRle) ? rec_beats : 16'd1;
  assign wr_step   = (kind_q == KindRows) ? row_stride : 32'(ho_stride);
  assign wr_jump   = kind_q == KindRle;

  always_comb begin
    wr_load = 1'b0;
    wr_ncmd = 10'(rows);
    wr_addr = mb_out_ptr_q + (is_int32 ? 32'(nb) << 5 : 32'(nb) << 3);
    if (!hold) begin
      unique case (state_q)
        StWait:  wr_load = tile_valid && !is_rle;
        StEnc: begin
          wr_load = col_q + 4'd1 == cols;
          wr_ncmd = (enc_rec_valid || nnew_q != '0) ? 10'd2 : 10'd1;
          wr_addr = mb_out_ptr_q + 32'(nb) * 32'({out_b, 3'b000});
        end
        StHdr: begin
          wr_load = 1'b1;
          wr_ncmd = mb_last + 10'd1;
          wr_addr = desc_i.out_ho_addr;
        end
        default: ;
      endcase
    end
  end

  pnc_post_wr u_wr (
      .clk_i,
      .rst_ni,
      .load_i     (wr_load),
      .ncmd_i     (wr_ncmd),
      .addr_i     (wr_addr),
      .beats0_i   (wr_beats0),
      .beats_i    (wr_beats),
      .step_i     (wr_step),
      .jump_i     (wr_jump),
      .jump_addr_i(rec_addr_q),
      .run_i      (wr_run),
      .freeze_i   (hold),
      .flush_i    (wr_flush),
      .beat_cmd_o (di),
      .beat_idx_o (dbeat),
      .fmt_data_i (fmt_data),
      .fmt_strb_i (fmt_strb),
      .done_o     (wr_done),
      .flushed_o  (wr_flushed),
      .cmd_valid_o,
      .cmd_ready_i,
      .cmd_addr_o,
      .cmd_beats_o,
      .wd_valid_o,
      .wd_ready_i,
      .wd_data_o,
      .wd_strb_o
  );

  assign bias_ready_o = state_q == StBias;
  assign tile_done_o  = state_q == StTileEnd;
  assign done_o       = state_q == StFin;
  assign idle_o       = state_q == StIdle;
  assign stall_out_o  = (cmd_valid_o && !cmd_ready_i) || (wd_valid_o && !wd_ready_i);
  for (genvar p = 0; p < NumPea; p++) begin : gen_ready
    assign tile_ready_o[p] = state_q == StTileEnd && int'(p_q) == p;
  end

  // Why: the state table is a memory (no reset); ng = 0 reads it as zero instead.
  always_ff @(posedge clk_i) begin
    if (state_q == StTileEnd && is_rle && p_q == n_act - PeaW'(1)) begin
      tab_run[mb[MbW-1:0]]  <= run_q;
      tab_nrec[mb[MbW-1:0]] <= nrec_q + 13'(nnew_q);
    end
  end

  // Why: one FSM walks tiles (set-up, bias, wait, encode, write, pop) and the header phase.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      kind_q       <= KindRows;
      p_q          <= '0;
      mb_out_ptr_q <= '0;
      mb_ho_ptr_q  <= '0;
      t0_out_ptr_q <= '0;
      t0_ho_ptr_q  <= '0;
      bias_q       <= '0;
      bias_cnt_q   <= '0;
      run_q        <= '0;
      nrec_q       <= '0;
      nnew_q       <= '0;
      col_q        <= '0;
      lo_pos_q     <= '0;
      rec_pos_q    <= '0;
      lo_buf_q     <= '0;
      rec_buf_q    <= '0;
      rec_off_q    <= '0;
      rec_addr_q   <= '0;
    end else if (hold) begin
      state_q <= StFlush;
    end else begin
      unique case (state_q)
        StIdle, StFin: begin
          if (start_i) begin
            state_q      <= StSetup;
            p_q          <= '0;
            mb_out_ptr_q <= desc_i.out_addr;
            mb_ho_ptr_q  <= desc_i.out_ho_addr;
            t0_out_ptr_q <= desc_i.out_addr;
            t0_ho_ptr_q  <= desc_i.out_ho_addr;
          end
        end
        StSetup: begin
          if (p_q == '0) begin
            run_q  <= first_ng ? 8'd0 : tab_run[mb[MbW-1:0]];
            nrec_q <= first_ng ? 13'd0 : tab_nrec[mb[MbW-1:0]];
          end
          bias_cnt_q <= '0;
          col_q      <= '0;
          nnew_q     <= '0;
          lo_pos_q   <= '0;
          if (desc_i.bias_en) state_q <= StBias;
          else state_q <= StWait;
        end
        StBias: begin
          if (bias_valid_i) begin
            bias_q     <= bias_shift;
            bias_cnt_q <= bias_cnt_q + 1'b1;
            if (int'(bias_cnt_q) == BiasBeats - 1) state_q <= StWait;
          end
        end
        StWait: begin
          // nrec_q is final for this tile here (written back at the previous tile's end).
          rec_addr_q <= (mb_ho_ptr_q + 32'd8 + 32'(nrec_q) * 32'(out_hl + 3'd1)) & ~(32'(BB - 1));
          rec_off_q  <= OW'(32'd8 + 32'(nrec_q) * 32'(out_hl + 3'd1));
          rec_pos_q  <= RecPosW'(OW'(32'd8 + 32'(nrec_q) * 32'(out_hl + 3'd1)));
          if (tile_valid) begin
            if (is_rle) begin
              kind_q  <= KindRle;
              state_q <= StEnc;
            end else begin
              kind_q  <= KindRows;
              state_q <= StWrite;
            end
          end
        end
        StEnc: begin
          // One output column (next-layer vector) per cycle.
          lo_buf_q[lo_pos_q*8 +: 40] <= enc_lo;
          lo_pos_q <= lo_pos_q + 6'(out_b);
          run_q    <= enc_run;
          if (enc_rec_valid) begin
            rec_buf_q[rec_pos_q*8 +: 48] <= enc_rec;
            rec_pos_q <= rec_pos_q + RecPosW'(out_hl + 3'd1);
            nnew_q    <= nnew_q + 4'd1;
          end
          col_q <= col_q + 4'd1;
          if (col_q + 4'd1 == cols) state_q <= StWrite;
        end
        StWrite: begin
          if (wr_done) begin
            if (kind_q == KindHdr) state_q <= StFin;
            else state_q <= StTileEnd;
          end
        end
        StTileEnd: begin
          nrec_q  <= nrec_q + 13'(nnew_q);
          nnew_q  <= '0;
          state_q <= StSetup;
          if (!group_end) begin
            p_q <= p_q + PeaW'(1);
          end else begin
            p_q <= '0;
            if (!last_mb) begin
              mb_out_ptr_q <= mb_out_ptr_q + mb_step;
              mb_ho_ptr_q  <= mb_ho_ptr_q + 32'(ho_stride);
            end else if (!last_ng) begin  // the m-tile again, in the next n-group
              mb_out_ptr_q <= t0_out_ptr_q;
              mb_ho_ptr_q  <= t0_ho_ptr_q;
            end else if (!last_group) begin  // the next m-tile
              mb_out_ptr_q <= mb_out_ptr_q + mb_step;
              mb_ho_ptr_q  <= mb_ho_ptr_q + 32'(ho_stride);
              t0_out_ptr_q <= mb_out_ptr_q + mb_step;
              t0_ho_ptr_q  <= mb_ho_ptr_q + 32'(ho_stride);
            end else begin
              if (is_rle) state_q <= StHdr;
              else state_q <= StFin;
            end
          end
        end
        StHdr: begin
          kind_q  <= KindHdr;
          state_q <= StWrite;
        end
        StFlush: begin
          if (wr_flushed) state_q <= StIdle;
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  // ---- assertions
  // The write streams are checked in pnc_post_wr.
  `PNC_ASSERT(TileHeldWhileDrained, !(state_q == StWrite && kind_q != KindHdr) || tile_valid)

endmodule : pnc_post
