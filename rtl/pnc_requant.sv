// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Eight-lane bias-add and requantization to UINT8 (docs/architecture.md section 1, steps 2-4).
//
// Contract (purely combinational, no state):
// - s_o lane i = bias_en_i ? sat32(acc_i[i] + bias_i[i]) : acc_i[i]   (saturate to int32 range)
// - q_o lane i = clamp(((s * mult_i + 2^(shift_i-1)) >>> shift_i) + zo_i, 0, 255), with the
//   product exact in 64 bits (|s * mult| < 2^62, so adding the rounding constant cannot wrap)
//   and an arithmetic shift, i.e. round half up. Legal shift_i is 1..62 (checked by the
//   register block); shift_i = 0 uses a rounding constant of 0 so the output is still defined.
// Lane i occupies bits [i*32 +: 32] of acc_i/bias_i/s_o and [i*8 +: 8] of q_o.
module pnc_requant (
    input  logic [8*32-1:0] acc_i,
    input  logic [8*32-1:0] bias_i,
    input  logic            bias_en_i,
    input  logic [    30:0] mult_i,
    input  logic [     5:0] shift_i,
    input  logic [     7:0] zo_i,
    output logic [8*32-1:0] s_o,
    output logic [ 8*8-1:0] q_o
);

  localparam int Lanes = 8;

  // Rounding constant 2^(shift-1), shared by all lanes.
  logic signed [63:0] rnd;
  always_comb begin
    rnd = '0;
    if (shift_i != 6'd0) rnd[shift_i-6'd1] = 1'b1;
  end

  for (genvar i = 0; i < Lanes; i++) begin : gen_lane
    logic signed [31:0] acc;
    logic signed [31:0] bias;
    logic signed [32:0] sum;  // acc + bias, one bit wider than int32
    logic signed [31:0] s;
    logic signed [63:0] prod;  // s * mult, exact
    logic signed [63:0] q;  // rounded, shifted
    logic signed [63:0] y;  // q + zo before the clamp

    logic        [ 7:0] q8;

    // Lane slices as plain wires (Icarus 11 dislikes constant part-selects inside always_*).
    assign acc = acc_i[i*32+:32];
    assign bias = bias_i[i*32+:32];
    assign sum = {acc[31], acc} + {bias[31], bias};

    // Why: bias add with saturation to the int32 range (sat32 of the model).
    assign s = !bias_en_i          ? acc :
               (sum[32] == sum[31]) ? sum[31:0] :
               sum[32]              ? 32'sh8000_0000 : 32'sh7fff_ffff;

    // Why: exact 64-bit product, half-up rounding, arithmetic shift, zero point and clamp.
    assign prod = {{32{s[31]}}, s} * $signed({33'd0, mult_i});
    assign q = (prod + rnd) >>> shift_i;
    assign y = q + $signed({56'd0, zo_i});
    assign q8 = y[63] ? 8'd0 : (y > 64'sd255) ? 8'd255 : y[7:0];

    assign s_o[i*32+:32] = s;
    assign q_o[i*8+:8] = q8;
  end

endmodule
