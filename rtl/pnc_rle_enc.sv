// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// One step of the next-layer activation encoder: LO plane item and HO stream record of a vector.
//
// Contract (purely combinational; the caller keeps the run state per m-block):
// - Lane i of the vector is y_i[i*8 +: 8], replaced by out_r << out_b when row_valid_i[i] = 0
//   (padded row). b = lo_bits_i (3..5), L = 8 - b.
// - lo_item_o: the b-byte LO plane item, lane i (y & (2^b-1)) at bits [i*b +: b], upper bits 0.
// - payload lane i = ((y >> b) - r_i) mod 2^L; the vector is skipped iff all payload lanes are 0.
// - Not skipped: rec_valid_o = 1, rec_o = {payload (L bytes), run_i}, run_o = 0.
//   Skipped and run_i == RUN_MAX (2^RunBits - 1): a filler record {payload 0, run RUN_MAX},
//   rec_valid_o = 1, run_o = 0. Otherwise skipped: rec_valid_o = 0, run_o = run_i + 1.
//   rec_o byte 0 is the run, bytes 1..L the payload (1 + L bytes, upper bytes 0).
// - Fillers are eager (docs/architecture.md section 3): this step is causal and emits the filler
//   of a long gap as soon as the gap reaches RUN_MAX + 1 vectors, trailing gaps included, exactly
//   as panacea.rle.encode_stream does; every emitted record belongs to the stream.
module pnc_rle_enc #(
    parameter int RunBits = pnc_pkg::RUN_BITS
) (
    input  logic [63:0] y_i,
    input  logic [ 7:0] row_valid_i,
    input  logic [ 2:0] lo_bits_i,
    input  logic [ 4:0] r_i,
    input  logic [ 7:0] run_i,
    output logic [39:0] lo_item_o,
    output logic        rec_valid_o,
    output logic [47:0] rec_o,
    output logic [ 7:0] run_o
);

  `include "pnc_assert.svh"
  `PNC_STATIC_ASSERT(RunBitsLegal_A, RunBits >= 1 && RunBits <= 8)

  localparam int Lanes = 8;
  localparam logic [7:0] RunMax = 8'((1 << RunBits) - 1);

  logic [ 7:0] pad_val;
  // Candidate packings for b = 3, 4, 5 (LO lanes b bits, payload lanes 8-b bits).
  logic [23:0] lo3;
  logic [31:0] lo4;
  logic [39:0] lo5;
  logic [39:0] pl3;  // 8 x 5 bits
  logic [31:0] pl4;  // 8 x 4 bits
  logic [23:0] pl5;  // 8 x 3 bits
  logic [39:0] payload;
  logic        skipped;

  // Why: padded rows hold out_r << out_b (residual 0, LO 0), exactly like the model's padding.
  assign pad_val = 8'({3'd0, r_i} << lo_bits_i);

  for (genvar i = 0; i < Lanes; i++) begin : gen_lane
    logic [7:0] y;
    logic [4:0] res;  // (y >> b) - r, reduced mod 2^L by the width of the packing below
    assign y = row_valid_i[i] ? y_i[i*8+:8] : pad_val;
    assign res = 5'((y >> lo_bits_i) - {3'd0, r_i});
    assign lo3[i*3+:3] = y[2:0];
    assign lo4[i*4+:4] = y[3:0];
    assign lo5[i*5+:5] = y[4:0];
    assign pl3[i*5+:5] = res[4:0];
    assign pl4[i*4+:4] = res[3:0];
    assign pl5[i*3+:3] = res[2:0];
  end

  // Why: select the packing of the configured LO width (b = 4 for any illegal value).
  always_comb begin
    case (lo_bits_i)
      3'd3: begin
        lo_item_o = {16'd0, lo3};
        payload   = pl3;
      end
      3'd5: begin
        lo_item_o = lo5;
        payload   = {16'd0, pl5};
      end
      default: begin
        lo_item_o = {8'd0, lo4};
        payload   = {8'd0, pl4};
      end
    endcase
  end

  assign skipped = (payload == '0);
  assign rec_o   = {payload, run_i};

  // Why: the run/record decision of the stream format (docs/architecture.md section 3).
  always_comb begin
    if (!skipped) begin
      rec_valid_o = 1'b1;
      run_o       = 8'd0;
    end else if (run_i >= RunMax) begin
      rec_valid_o = 1'b1;
      run_o       = 8'd0;
    end else begin
      rec_valid_o = 1'b0;
      run_o       = run_i + 8'd1;
    end
  end

endmodule
