// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// pnc_post: output path: drains PEA tiles in loop order, adds bias, requantizes, formats and
// writes them through pnc_axi_wr; writes the UINT8_RLE stream headers at the end of the job.
//
// Contract
// - start_i (job_start of pnc_ctrl) walks the loop nest for ng, for mb, for p < n_act and drains
//   tile (mb, nb = ng*NumPea + p) from PEA p. With bias_en it first takes the tile's 8 biases
//   (32 bytes, 256/AXI_DATA_W beats) from the bias read stream (pnc_ctrl requests them in the
//   same order). The tile is popped (tile_ready) after its last write command's data is sent.
// - Output formats (docs/architecture.md section 3; Np = 8*NB):
//   INT32: one 32-byte write per valid row m = 8*mb+i < M at OUT + 4*Np*m + 32*nb.
//   UINT8: one 8-byte write per valid row at OUT + Np*m + 8*nb.
//   UINT8_RLE: columns n = 8*nb+j < N are encoded one per cycle (pnc_requant on the column,
//   pnc_rle_enc with the m-block's run), then one write of the ncols*out_b LO bytes at
//   OUT + mb*align8(N*out_b) + nb*8*out_b and, if the tile produced records, one write of the
//   record bytes at byte OUT_HO + mb*ho_stride + 8 + n_rec*(9-out_b) (strobed, any byte offset).
//   A state table (run, n_records) per m-block carries the encoder across n-groups (ng = 0
//   starts from zero). After the last tile, one 8-byte header {n_records, N} per m-block.
//   Only strobed bytes are written; every output byte exactly once (WR_BYTES of the model).
// - Write commands and their data overlap: data of a command is sent once the command has been
//   accepted; several commands of a tile may be accepted ahead of their data.
// - done_o: high from the end of the last write (data sent) until the next start_i.
// - abort_i: no new command is created; a command already presented is held until accepted; a
//   data beat already presented without ready is held unchanged (data and strobes) until it is
//   sent, and every other accepted beat not yet sent is sent with zero strobes; then idle_o
//   rises. Tiles are not popped (the PEAs are reset by the datapath reset afterwards).

`include "pnc_assert.svh"

module pnc_post #(
    parameter int NumPea = pnc_pkg::NUM_PEA,
    localparam int DW    = pnc_pkg::AXI_DATA_W,
    localparam int PeaW  = $clog2(NumPea + 1)
) (
    input logic clk_i,
    input logic rst_ni,

    // Configuration (static while a job runs)
    input logic [15:0] m_i,
    input logic [15:0] n_i,
    input logic        bias_en_i,
    input logic [ 1:0] out_fmt_i,
    input logic [ 7:0] zo_i,
    input logic [ 4:0] out_r_i,
    input logic [ 2:0] out_b_i,
    input logic [30:0] mult_i,
    input logic [ 5:0] shift_i,
    input logic [31:0] out_addr_i,
    input logic [31:0] out_ho_addr_i,

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

  `PNC_STATIC_ASSERT(BusIs64, DW == 64)

  localparam int MaxMb = pnc_pkg::MAX_DIM / 8;
  localparam int MbW = $clog2(MaxMb);
  localparam int BiasBeats = 256 / DW;

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

  state_e state_q;
  kind_e  kind_q;
  logic is_rle, is_int32;
  assign is_rle   = out_fmt_i == 2'(pnc_pkg::FMT_UINT8_RLE);
  assign is_int32 = out_fmt_i == 2'(pnc_pkg::FMT_INT32);

  // ---- job geometry
  logic [9:0] mb_last, nb_total;
  logic [2:0] out_hl;  // HO payload bytes of the output stream (8 - out_b)
  logic [23:0] lo_stride, ho_stride;
  logic [31:0] mb_step;  // address step per m-block in OUT
  logic [31:0] row_stride;  // bytes per output row (INT32 / UINT8)
  assign mb_last    = 10'((m_i + 16'd7) >> 3) - 10'd1;
  assign nb_total   = 10'((n_i + 16'd7) >> 3);
  assign out_hl     = 3'(4'd8 - {1'b0, out_b_i});
  assign lo_stride  = (24'(n_i) * 24'(out_b_i) + 24'd7) & ~24'd7;
  assign ho_stride  = (24'd8 + 24'(n_i) * 24'(out_hl + 3'd1) + 24'd7) & ~24'd7;
  assign row_stride = is_int32 ? 32'(nb_total) << 5 : 32'(nb_total) << 3;
  assign mb_step    = is_rle ? 32'(lo_stride) : row_stride << 3;

  // ---- loop state
  logic [9:0] mb_q, rem_nb_q, nb_base_q;
  logic first_ng_q;
  logic [PeaW-1:0] p_q, n_act;
  logic [9:0] nb;
  logic [31:0] mb_out_ptr_q, mb_ho_ptr_q;
  logic [3:0] rows, cols;
  assign n_act = (rem_nb_q >= 10'(NumPea)) ? PeaW'(NumPea) : PeaW'(rem_nb_q);
  assign nb    = nb_base_q + 10'(p_q);
  assign rows  = (32'(m_i) - (32'(mb_q) << 3) >= 32'd8) ? 4'd8 : 4'(m_i - (16'(mb_q) << 3));
  assign cols  = (32'(n_i) - (32'(nb) << 3) >= 32'd8) ? 4'd8 : 4'(n_i - (16'(nb) << 3));

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
  logic [              255:0] bias_q;
  logic [$clog2(BiasBeats):0] bias_cnt_q;

  // ---- RLE encoder state
  logic [                7:0] tab_run                                            [MaxMb];
  logic [               12:0] tab_nrec                                           [MaxMb];
  logic [                7:0] run_q;
  logic [               12:0] nrec_q;  // records of the m-block before this tile
  logic [                3:0] nnew_q;  // records produced by this tile
  logic [                3:0] col_q;
  logic [5:0] lo_pos_q, rec_pos_q;  // byte write positions in the buffers
  logic [319:0] lo_buf_q;
  logic [511:0] rec_buf_q;
  logic [  2:0] rec_off_q;  // byte offset of the first record byte in its word
  logic [31:0] lo_addr_q, rec_addr_q;

  // ---- requantizer (rows for INT32/UINT8, columns for the RLE encoder)
  logic [8*32-1:0] rq_acc, rq_bias, rq_s;
  logic [8*8-1:0] rq_q;
  logic [9:0] di_q, ci_q, ncmd_q;
  logic [3:0] dbeat_q;

  always_comb begin
    rq_acc  = tile[di_q[2:0]*256+:256];
    rq_bias = bias_q;
    if (state_q == StEnc) begin
      for (int i = 0; i < 8; i++) rq_acc[i*32+:32] = tile[(i*8+int'(col_q[2:0]))*32+:32];
      rq_bias = {8{bias_q[col_q[2:0]*32+:32]}};
    end
  end

  pnc_requant u_requant (
      .acc_i    (rq_acc),
      .bias_i   (rq_bias),
      .bias_en_i(bias_en_i),
      .mult_i   (mult_i),
      .shift_i  (shift_i),
      .zo_i     (zo_i),
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
      .lo_bits_i  (out_b_i),
      .r_i        (out_r_i),
      .run_i      (run_q),
      .lo_item_o  (enc_lo),
      .rec_valid_o(enc_rec_valid),
      .rec_o      (enc_rec),
      .run_o      (enc_run)
  );

  // ---- write commands of the current tile (or of the header phase)
  logic [5:0] lo_bytes, rec_bytes;
  logic [15:0] lo_beats, rec_beats;
  assign lo_bytes  = 6'(cols) * 6'(out_b_i);
  assign rec_bytes = 6'(nnew_q) * 6'(out_hl + 3'd1);
  assign lo_beats  = (16'(lo_bytes) + 16'd7) >> 3;
  assign rec_beats = (16'(rec_off_q) + 16'(rec_bytes) + 16'd7) >> 3;

  function automatic logic [15:0] beats_of(kind_e kind, logic [9:0] idx, logic int32,
                                           logic [15:0] lo_b, logic [15:0] rec_b);
    unique case (kind)
      KindRows: beats_of = int32 ? 16'd4 : 16'd1;
      KindRle:  beats_of = (idx == '0) ? lo_b : rec_b;
      default:  beats_of = 16'd1;
    endcase
  endfunction

  logic [    31:0] cmd_addr_q;
  logic [    15:0] owed_q;  // beats of accepted commands not yet sent
  logic            cmd_hold_q;  // cmd_valid was up without ready in the previous cycle
  logic            wd_hold_q;  // wd_valid was up without ready in the previous cycle
  logic [  DW-1:0] wd_data_q;  // the beat presented in the previous cycle (held during a flush)
  logic [DW/8-1:0] wd_strb_q;
  logic cmd_fire, wd_fire, data_last;
  logic [15:0] d_beats;

  assign cmd_valid_o = (state_q == StWrite) ? (ci_q < ncmd_q)
                     : (state_q == StFlush) ? cmd_hold_q : 1'b0;
  assign cmd_addr_o = cmd_addr_q;
  assign cmd_beats_o = beats_of(kind_q, ci_q, is_int32, lo_beats, rec_beats);
  assign cmd_fire = cmd_valid_o && cmd_ready_i;
  assign d_beats = beats_of(kind_q, di_q, is_int32, lo_beats, rec_beats);
  assign data_last = 16'(dbeat_q) == d_beats - 16'd1;

  // Strobes of beat dbeat of an RLE write: LO bytes [0, lo_bytes), record bytes
  // [rec_off, rec_off + rec_bytes).
  logic [7:0] lo_strb, rec_strb;
  always_comb begin
    for (int i = 0; i < 8; i++) begin
      logic [6:0] g;
      g = 7'({dbeat_q, 3'(i)});
      lo_strb[i] = g < 7'(lo_bytes);
      rec_strb[i] = g >= 7'(rec_off_q) && g < 7'(rec_off_q) + 7'(rec_bytes);
    end
  end

  always_comb begin
    wd_valid_o = 1'b0;
    wd_data_o  = '0;
    wd_strb_o  = '0;
    if (state_q == StWrite) begin
      wd_valid_o = di_q < ci_q;
      wd_strb_o  = '1;
      unique case (kind_q)
        KindRows: wd_data_o = is_int32 ? rq_s[dbeat_q[1:0]*64+:64] : rq_q;
        KindRle: begin
          if (di_q == '0) begin
            wd_data_o = lo_buf_q[dbeat_q[2:0]*64+:64];
            wd_strb_o = lo_strb;
          end else begin
            wd_data_o = rec_buf_q[dbeat_q[2:0]*64+:64];
            wd_strb_o = rec_strb;
          end
        end
        default:  wd_data_o = {16'd0, n_i, 19'd0, tab_nrec[di_q[MbW-1:0]]};
      endcase
    end else if (state_q == StFlush) begin
      wd_valid_o = owed_q != '0;
      if (wd_hold_q) begin
        wd_data_o = wd_data_q;
        wd_strb_o = wd_strb_q;
      end
    end
  end
  assign wd_fire      = wd_valid_o && wd_ready_i;

  assign bias_ready_o = state_q == StBias;
  assign tile_done_o  = state_q == StTileEnd;
  assign done_o       = state_q == StFin;
  assign idle_o       = state_q == StIdle;
  assign stall_out_o  = (cmd_valid_o && !cmd_ready_i) || (wd_valid_o && !wd_ready_i);
  for (genvar p = 0; p < NumPea; p++) begin : gen_ready
    assign tile_ready_o[p] = state_q == StTileEnd && int'(p_q) == p;
  end

  // Why: accepted-but-unsent beats must be sent even on abort (AXI needs every W beat).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      owed_q     <= '0;
      cmd_hold_q <= 1'b0;
      wd_hold_q  <= 1'b0;
    end else begin
      owed_q     <= owed_q + (cmd_fire ? cmd_beats_o : 16'd0) - (wd_fire ? 16'd1 : 16'd0);
      cmd_hold_q <= cmd_valid_o && !cmd_ready_i;
      wd_hold_q  <= wd_valid_o && !wd_ready_i;
    end
  end

  // Why: a beat stalled when abort_i arrives must stay on the bus unchanged until it is taken
  // (stream rule, AXI W); StFlush replays this copy instead of a zero-strobe beat.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wd_data_q <= '0;
      wd_strb_q <= '0;
    end else if (wd_valid_o && !wd_ready_i) begin
      wd_data_q <= wd_data_o;
      wd_strb_q <= wd_strb_o;
    end
  end

  // Why: the state table is a memory (no reset); ng = 0 reads it as zero instead.
  always_ff @(posedge clk_i) begin
    if (state_q == StTileEnd && is_rle && p_q == n_act - PeaW'(1)) begin
      tab_run[mb_q[MbW-1:0]]  <= run_q;
      tab_nrec[mb_q[MbW-1:0]] <= nrec_q + 13'(nnew_q);
    end
  end

  // Why: one FSM walks tiles (set-up, bias, wait, encode, write, pop) and the header phase.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      kind_q       <= KindRows;
      mb_q         <= '0;
      rem_nb_q     <= '0;
      nb_base_q    <= '0;
      first_ng_q   <= 1'b0;
      p_q          <= '0;
      mb_out_ptr_q <= '0;
      mb_ho_ptr_q  <= '0;
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
      lo_addr_q    <= '0;
      rec_addr_q   <= '0;
      cmd_addr_q   <= '0;
      ci_q         <= '0;
      di_q         <= '0;
      ncmd_q       <= '0;
      dbeat_q      <= '0;
    end else if (abort_i && state_q != StIdle && state_q != StFlush) begin
      state_q <= StFlush;
    end else begin
      // Command and data counters of the write phase.
      if (cmd_fire && state_q == StWrite) begin
        ci_q <= ci_q + 10'd1;
        unique case (kind_q)
          KindRows: cmd_addr_q <= cmd_addr_q + row_stride;
          KindRle:  cmd_addr_q <= rec_addr_q;
          default:  cmd_addr_q <= cmd_addr_q + 32'(ho_stride);
        endcase
      end
      if (wd_fire && state_q == StWrite) begin
        if (data_last) begin
          dbeat_q <= '0;
          di_q    <= di_q + 10'd1;
        end else begin
          dbeat_q <= dbeat_q + 4'd1;
        end
      end

      unique case (state_q)
        StIdle, StFin: begin
          if (start_i) begin
            state_q      <= StSetup;
            mb_q         <= '0;
            rem_nb_q     <= nb_total;
            nb_base_q    <= '0;
            first_ng_q   <= 1'b1;
            p_q          <= '0;
            mb_out_ptr_q <= out_addr_i;
            mb_ho_ptr_q  <= out_ho_addr_i;
          end
        end
        StSetup: begin
          if (p_q == '0) begin
            run_q  <= first_ng_q ? 8'd0 : tab_run[mb_q[MbW-1:0]];
            nrec_q <= first_ng_q ? 13'd0 : tab_nrec[mb_q[MbW-1:0]];
          end
          cmd_addr_q <= mb_out_ptr_q + (is_int32 ? 32'(nb) << 5 : 32'(nb) << 3);
          lo_addr_q  <= mb_out_ptr_q + 32'(nb) * 32'({out_b_i, 3'b000});
          bias_cnt_q <= '0;
          col_q      <= '0;
          nnew_q     <= '0;
          lo_pos_q   <= '0;
          if (bias_en_i) state_q <= StBias;
          else state_q <= StWait;
        end
        StBias: begin
          if (bias_valid_i) begin
            bias_q     <= {bias_data_i, bias_q[255:DW]};
            bias_cnt_q <= bias_cnt_q + 1'b1;
            if (int'(bias_cnt_q) == BiasBeats - 1) state_q <= StWait;
          end
        end
        StWait: begin
          // nrec_q is final for this tile here (written back at the previous tile's end).
          rec_addr_q <= (mb_ho_ptr_q + 32'd8 + 32'(nrec_q) * 32'(out_hl + 3'd1)) & ~32'd7;
          rec_off_q  <= 3'(32'(nrec_q) * 32'(out_hl + 3'd1));
          rec_pos_q  <= 6'(3'(32'(nrec_q) * 32'(out_hl + 3'd1)));
          if (tile_valid) begin
            ci_q    <= '0;
            di_q    <= '0;
            dbeat_q <= '0;
            if (is_rle) begin
              kind_q  <= KindRle;
              state_q <= StEnc;
            end else begin
              kind_q  <= KindRows;
              ncmd_q  <= 10'(rows);
              state_q <= StWrite;
            end
          end
        end
        StEnc: begin
          // One output column (next-layer vector) per cycle.
          lo_buf_q[lo_pos_q*8 +: 40] <= enc_lo;
          lo_pos_q <= lo_pos_q + 6'(out_b_i);
          run_q    <= enc_run;
          if (enc_rec_valid) begin
            rec_buf_q[rec_pos_q*8 +: 48] <= enc_rec;
            rec_pos_q <= rec_pos_q + 6'(out_hl + 3'd1);
            nnew_q    <= nnew_q + 4'd1;
          end
          col_q <= col_q + 4'd1;
          if (col_q + 4'd1 == cols) begin
            cmd_addr_q <= lo_addr_q;
            ncmd_q     <= (enc_rec_valid || nnew_q != '0) ? 10'd2 : 10'd1;
            state_q    <= StWrite;
          end
        end
        StWrite: begin
          if (wd_fire && data_last && di_q + 10'd1 == ncmd_q) begin
            if (kind_q == KindHdr) state_q <= StFin;
            else state_q <= StTileEnd;
          end
        end
        StTileEnd: begin
          nrec_q  <= nrec_q + 13'(nnew_q);
          nnew_q  <= '0;
          state_q <= StSetup;
          if (p_q != n_act - PeaW'(1)) begin
            p_q <= p_q + PeaW'(1);
          end else begin
            p_q <= '0;
            if (mb_q != mb_last) begin
              mb_q         <= mb_q + 10'd1;
              mb_out_ptr_q <= mb_out_ptr_q + mb_step;
              mb_ho_ptr_q  <= mb_ho_ptr_q + 32'(ho_stride);
            end else if (rem_nb_q > 10'(NumPea)) begin
              mb_q         <= '0;
              rem_nb_q     <= rem_nb_q - 10'(NumPea);
              nb_base_q    <= nb_base_q + 10'(NumPea);
              first_ng_q   <= 1'b0;
              mb_out_ptr_q <= out_addr_i;
              mb_ho_ptr_q  <= out_ho_addr_i;
            end else begin
              if (is_rle) state_q <= StHdr;
              else state_q <= StFin;
            end
          end
        end
        StHdr: begin
          kind_q     <= KindHdr;
          ci_q       <= '0;
          di_q       <= '0;
          dbeat_q    <= '0;
          ncmd_q     <= mb_last + 10'd1;
          cmd_addr_q <= out_ho_addr_i;
          state_q    <= StWrite;
        end
        StFlush: begin
          if (!cmd_hold_q && owed_q == '0) state_q <= StIdle;
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  // ---- assertions
  `PNC_ASSERT_STREAM(CmdStream, cmd_valid_o, cmd_ready_i, {cmd_addr_o, cmd_beats_o})
  `PNC_ASSERT_STREAM(WdStream, wd_valid_o, wd_ready_i, {wd_data_o, wd_strb_o})
  `PNC_ASSERT(CmdAligned, !cmd_valid_o || cmd_addr_o[2:0] == 3'd0)
  `PNC_ASSERT(NoOwedUnderflow, !(wd_fire && owed_q == '0 && !cmd_fire))
  `PNC_ASSERT(TileHeldWhileDrained, !(state_q == StWrite && kind_q != KindHdr) || tile_valid)

endmodule : pnc_post
