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
// - `PNC_F_FIFO_PTRS(Name, Depth), `PNC_F_FOLLOW_BYTE(...): see below.
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

// Probes of one pnc_fifo instance (connected by the .sby script to its rptr_q, wptr_q and cnt_q)
// and the invariant that ties them: count within the depth, write pointer = read pointer + count
// (mod Depth). Every induction over a block with a pnc_fifo inside needs it: without it the
// solver may start from a FIFO whose write pointer sits on its head item.
`define PNC_F_FIFO_PTRS(Name, Depth)                                                               \
  logic [((Depth) > 1 ? $clog2(Depth) : 1)-1:0] f_``Name``_rptr, f_``Name``_wptr;                  \
  logic [$clog2((Depth) + 1)-1:0] f_``Name``_cnt;                                                  \
  always @(*) begin                                                                                \
    if (rst_ni) begin                                                                              \
      assert (32'(f_``Name``_cnt) <= (Depth));                                                     \
      assert (32'(f_``Name``_wptr) == ((32'(f_``Name``_rptr) + 32'(f_``Name``_cnt) >= (Depth))     \
          ? 32'(f_``Name``_rptr) + 32'(f_``Name``_cnt) - (Depth)                                   \
          : 32'(f_``Name``_rptr) + 32'(f_``Name``_cnt)));                                          \
    end                                                                                            \
  end

// One followed byte of a byte queue (pnc_unpack): fb_q (following), fb_pos_q (its
// distance from the head of the queue, 6 bits), fb_byte_q (its value). Take starts following
// the byte Byte, placed at Pos; a pop of PopBytes bytes from the head releases it if it was among
// them and moves it forward otherwise; Clr drops it.
`define PNC_F_FOLLOW_BYTE(Clr, Take, Pos, Byte, Pop, PopBytes)                                     \
  logic fb_q;                                                                                      \
  logic [5:0] fb_pos_q;                                                                            \
  logic [7:0] fb_byte_q;                                                                           \
  always_ff @(posedge clk_i or negedge rst_ni) begin                                               \
    if (!rst_ni) {fb_q, fb_pos_q, fb_byte_q} <= '0;                                                \
    else if (Clr) fb_q <= 1'b0;                                                                    \
    else if (fb_q) begin                                                                           \
      if (Pop) begin                                                                               \
        if (fb_pos_q < 6'(PopBytes)) fb_q <= 1'b0;                                                 \
        else fb_pos_q <= fb_pos_q - 6'(PopBytes);                                                  \
      end                                                                                          \
    end else if (Take) begin                                                                       \
      fb_q      <= 1'b1;                                                                           \
      fb_pos_q  <= (Pos);                                                                          \
      fb_byte_q <= (Byte);                                                                         \
    end                                                                                            \
  end

`endif  // PNC_FORMAL_SVH
