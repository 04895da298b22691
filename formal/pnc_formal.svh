// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Shared helpers of the property modules in formal/ (read with `read_verilog -formal -sv`).
//
// Contract:
// - The enclosing property module has inputs clk_i and rst_ni (the DUT's clock and async
//   active-low reset, driven by the solver).
// - `PNC_F_RESET: rst_ni is low in the first cycle and high ever after (ASSUMPTION R0 of every
//   target). Every flop a property depends on has an asynchronous reset, so a later reset would
//   only re-enter the initial state; excluding it keeps $past-style properties free of reset
//   bookkeeping without hiding a reachable state. f_past_q is 1 from the second cycle on.
// - `PNC_F_STREAM(Kind, Name, Valid, Ready, Data, Clr): the valid/ready rule of
//   docs/architecture.md (transfer on valid && ready; once valid is high without ready, valid
//   stays high and data stays unchanged in the next cycle, unless Clr empties the stream).
//   Kind = assume for a stream the block receives (the environment's promise), assert for a
//   stream the block sends (the block's promise).
`ifndef PNC_FORMAL_SVH
`define PNC_FORMAL_SVH

`define PNC_F_RESET                                                                                \
  logic f_init_q = 1'b1;                                                                           \
  logic f_past_q = 1'b0;                                                                           \
  always_ff @(posedge clk_i) begin                                                                 \
    f_init_q <= 1'b0;                                                                              \
    f_past_q <= 1'b1;                                                                              \
  end                                                                                              \
  always @(*) R0_ResetOnlyFirst: assume (rst_ni == !f_init_q);

`define PNC_F_STREAM(Kind, Name, Valid, Ready, Data, Clr)                                          \
  if (1) begin : Name                                                                              \
    logic                   f_stall_q = 1'b0;                                                      \
    logic [$bits(Data)-1:0] f_data_q;                                                              \
    always_ff @(posedge clk_i) begin                                                               \
      f_stall_q <= rst_ni && (Valid) && !(Ready) && !(Clr);                                        \
      f_data_q  <= (Data);                                                                         \
    end                                                                                            \
    always @(*) begin                                                                              \
      if (rst_ni && f_stall_q && !(Clr)) begin                                                     \
        Name``_ValidHeld: Kind (Valid);                                                            \
        Name``_DataStable: Kind ((Data) == f_data_q);                                              \
      end                                                                                          \
    end                                                                                            \
  end

`endif  // PNC_FORMAL_SVH
