// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Formal twin of rtl/pnc_assert.svh: the same macro names, so every run-time check the RTL
// carries becomes a proof obligation of the formal targets.
//
// Contract:
// - Every formal target (formal/*.sby) copies this file into its source folder under the name
//   pnc_assert.svh, so the RTL's `include "pnc_assert.svh"` reads it instead of the simulation
//   header (the RTL itself stays as it is).
// - `PNC_ASSERT` and the stream macros become immediate `assert` statements on the values of the
//   current cycle, checked in every cycle out of reset (the simulation samples the same values
//   at the clock edge). Not clocked checks: Yosys would register a clocked check's condition, a
//   flop whose value the induction step cannot relate to the design, so it would need one more
//   step (k) to close.
// - A check on an INPUT of the block (e.g. a request stream the block receives) holds only if
//   the property module assumes it: an RTL check that no assumption covers fails the proof, so
//   the assumption lists of the targets cannot silently drift from what the RTL expects.
// - The checks carry no labels: Yosys does not scope labels by generate block, so a check inside a
//   generate loop would clash with itself; a failure names the RTL file and line instead.
// - `PNC_ASSERT_KNOWN*` expand to nothing: formal models are two-valued (no X or Z), so
//   X-propagation stays the simulators' job.
// - `PNC_STATIC_ASSERT` is kept as an elaboration check ($fatal in an initial block is what
//   Yosys evaluates at elaboration too).
`ifndef PNC_ASSERT_SVH
`define PNC_ASSERT_SVH

`define PNC_STATIC_ASSERT(Name, Cond)                                                              \
  initial begin : Name                                                                             \
    if (!(Cond)) $fatal(1, "static assertion failed");                                             \
  end

`define PNC_ASSERT(Name, Cond)                                                                     \
  always @(*) begin                                                                                \
    if (rst_ni) assert (Cond);                                                                     \
  end

`define PNC_ASSERT_KNOWN(Name, Sig)
`define PNC_ASSERT_KNOWN_IF(Name, Sig, En)

`define PNC_ASSERT_STREAM(Name, Valid, Ready, Data)                                                \
  `PNC_ASSERT_STREAM_CLR(Name, Valid, Ready, Data, 1'b0)

// A stall (valid without ready, no clear) obliges valid and the same data in the next cycle.
`define PNC_ASSERT_STREAM_CLR(Name, Valid, Ready, Data, Clr)                                       \
  if (1) begin : Name                                                                              \
    logic                   pnc_sa_stall_q;                                                        \
    logic [$bits(Data)-1:0] pnc_sa_data_q;                                                         \
    always_ff @(posedge clk_i or negedge rst_ni) begin                                             \
      if (!rst_ni) begin                                                                           \
        pnc_sa_stall_q <= 1'b0;                                                                    \
        pnc_sa_data_q  <= '0;                                                                      \
      end else begin                                                                               \
        pnc_sa_stall_q <= (Valid) && !(Ready) && !(Clr);                                           \
        pnc_sa_data_q  <= (Data);                                                                  \
      end                                                                                          \
    end                                                                                            \
    always @(*) begin                                                                              \
      if (rst_ni && pnc_sa_stall_q && !(Clr)) begin                                                \
        assert (Valid);                                                                            \
        assert ((Data) == pnc_sa_data_q);                                                          \
      end                                                                                          \
    end                                                                                            \
  end

`endif  // PNC_ASSERT_SVH
