// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Assertion macros shared by every Panacea RTL module.
//
// Contract:
// - Every macro expects `clk_i` and `rst_ni` (async active-low reset) in the enclosing scope.
// - Run-time checks are immediate checks in a clocked always block (with the async reset in its
//   sensitivity list, so rst_ni is used only asynchronously), skipped while in reset, that
//   call $error (Verilator stops the simulation on the first $error, so cocotb sees a failure).
//   They compile to nothing under Icarus (`__ICARUS__`, no reliable assertion support) or when
//   `PNC_NO_ASSERT` is defined (synthesis, fast regressions).
// - `PNC_STATIC_ASSERT` checks parameter legality at elaboration on every tool (an initial block
//   calling $fatal; synthesis tools ignore initial blocks without assignments).
// Macros:
//   `PNC_ASSERT(Name, Cond)                 Cond holds at every clock edge out of reset.
//   `PNC_ASSERT_KNOWN(Name, Sig)            Sig has no X/Z bit out of reset.
//   `PNC_ASSERT_KNOWN_IF(Name, Sig, En)     Sig has no X/Z bit whenever En is 1.
//   `PNC_ASSERT_STREAM(Name, Valid, Ready, Data)
//       valid/ready rule: once Valid is high without Ready, Valid stays high and Data stays
//       unchanged in the next cycle; Valid and (when valid) Data carry no X.
//   `PNC_ASSERT_STREAM_CLR(Name, Valid, Ready, Data, Clr)
//       the same for a stream that a clear input Clr may legally empty (a drop or change in
//       the cycle Clr is high, or right after it, is allowed).
//   `PNC_STATIC_ASSERT(Name, Cond)          elaboration-time parameter check.
`ifndef PNC_ASSERT_SVH
`define PNC_ASSERT_SVH

`ifdef __ICARUS__
  `ifndef PNC_NO_ASSERT
    `define PNC_NO_ASSERT
  `endif
`endif

`define PNC_STATIC_ASSERT(Name, Cond)                                                              \
  initial begin : Name                                                                             \
    if (!(Cond)) $fatal(1, "[%m] static assertion %s failed", `"Name`");                           \
  end

`ifdef PNC_NO_ASSERT

`define PNC_ASSERT(Name, Cond)
`define PNC_ASSERT_KNOWN(Name, Sig)
`define PNC_ASSERT_KNOWN_IF(Name, Sig, En)
`define PNC_ASSERT_STREAM(Name, Valid, Ready, Data)
`define PNC_ASSERT_STREAM_CLR(Name, Valid, Ready, Data, Clr)

`else

`define PNC_ASSERT(Name, Cond)                                                                     \
  always_ff @(posedge clk_i or negedge rst_ni) begin : Name                                        \
    if (rst_ni && !(Cond)) $error("[%m] assertion %s failed", `"Name`");                           \
  end

`define PNC_ASSERT_KNOWN(Name, Sig)                                                                \
  always_ff @(posedge clk_i or negedge rst_ni) begin : Name                                        \
    if (rst_ni && $isunknown(Sig)) $error("[%m] %s is X/Z", `"Sig`");                              \
  end

`define PNC_ASSERT_KNOWN_IF(Name, Sig, En)                                                         \
  always_ff @(posedge clk_i or negedge rst_ni) begin : Name                                        \
    if (rst_ni && (En) && $isunknown(Sig)) $error("[%m] %s is X/Z", `"Sig`");                      \
  end

// A generate block holds the previous-cycle copies; `if (1)` keeps it legal at module level.
`define PNC_ASSERT_STREAM(Name, Valid, Ready, Data)                                                \
  `PNC_ASSERT_STREAM_CLR(Name, Valid, Ready, Data, 1'b0)

`define PNC_ASSERT_STREAM_CLR(Name, Valid, Ready, Data, Clr)                                       \
  if (1) begin : Name                                                                              \
    logic                 pnc_sa_stall_q;                                                          \
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
    always_ff @(posedge clk_i or negedge rst_ni) begin                                             \
      if (rst_ni) begin                                                                            \
        if ($isunknown(Valid)) $error("[%m] %s is X/Z", `"Valid`");                                \
        if ((Valid) && $isunknown(Data)) $error("[%m] %s is X/Z while valid", `"Data`");           \
        if (pnc_sa_stall_q && !(Clr) && !(Valid)) $error("[%m] %s dropped before ready", `"Valid`"); \
        if (pnc_sa_stall_q && !(Clr) && (Data) !== pnc_sa_data_q) $error("[%m] %s changed while stalled", `"Data`"); \
      end                                                                                          \
    end                                                                                            \
  end

`endif

`endif  // PNC_ASSERT_SVH
