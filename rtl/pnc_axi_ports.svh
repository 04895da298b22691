// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// Port-list macros for the AXI buses, written once for pnc_top and the blocks behind its ports.
//
// Contract:
// - Each macro expands to flat port declarations with the AMBA signal names cocotbext-axi binds
//   by prefix (m_axi_* for the AXI4 master, s_axil_* for the AXI4-Lite slave), on pnc_top and
//   on the unit-tested bus blocks alike (pnc_axi_rd, pnc_axi_wr, pnc_regs).
// - Every expansion ends with a comma: a macro is followed by at least one more port (Verible
//   parses a macro call in a port list only when nothing but a port follows it).
// - Data width pnc_pkg::AXI_DATA_W, address width pnc_pkg::AXI_ADDR_W; the ID width is an
//   argument (pnc_top's AxiIdW, the blocks' IdW).
// Macros:
//   `PNC_AXI_M_AX_PORTS(ch, IdW)  AXI4 master address channel ch (ar or aw).
//   `PNC_AXI_M_W_PORTS            AXI4 master write data channel.
//   `PNC_AXI_M_B_PORTS(IdW)       AXI4 master write response channel.
//   `PNC_AXI_M_R_PORTS(IdW)       AXI4 master read data channel.
//   `PNC_AXIL_S_PORTS             AXI4-Lite slave, all five channels.
`ifndef PNC_AXI_PORTS_SVH
`define PNC_AXI_PORTS_SVH

`define PNC_AXI_M_AX_PORTS(ch, IdW) \
    output logic [                IdW-1:0] m_axi_``ch``id,    \
    output logic [pnc_pkg::AXI_ADDR_W-1:0] m_axi_``ch``addr,  \
    output logic [                    7:0] m_axi_``ch``len,   \
    output logic [                    2:0] m_axi_``ch``size,  \
    output logic [                    1:0] m_axi_``ch``burst, \
    output logic                           m_axi_``ch``valid, \
    input  logic                           m_axi_``ch``ready,

`define PNC_AXI_M_W_PORTS \
    output logic [  pnc_pkg::AXI_DATA_W-1:0] m_axi_wdata,  \
    output logic [pnc_pkg::AXI_DATA_W/8-1:0] m_axi_wstrb,  \
    output logic                             m_axi_wlast,  \
    output logic                             m_axi_wvalid, \
    input  logic                             m_axi_wready,

`define PNC_AXI_M_B_PORTS(IdW) \
    input  logic [IdW-1:0] m_axi_bid,    \
    input  logic [    1:0] m_axi_bresp,  \
    input  logic           m_axi_bvalid, \
    output logic           m_axi_bready,

`define PNC_AXI_M_R_PORTS(IdW) \
    input  logic [                IdW-1:0] m_axi_rid,    \
    input  logic [pnc_pkg::AXI_DATA_W-1:0] m_axi_rdata,  \
    input  logic [                    1:0] m_axi_rresp,  \
    input  logic                           m_axi_rlast,  \
    input  logic                           m_axi_rvalid, \
    output logic                           m_axi_rready,

`define PNC_AXIL_S_AX_PORTS(ch) \
    input  logic [pnc_pkg::LITE_ADDR_W-1:0] s_axil_``ch``addr,  \
    input  logic [                     2:0] s_axil_``ch``prot,  \
    input  logic                            s_axil_``ch``valid, \
    output logic                            s_axil_``ch``ready,

`define PNC_AXIL_S_PORTS \
    `PNC_AXIL_S_AX_PORTS(aw) \
    input  logic [31:0] s_axil_wdata,  \
    input  logic [ 3:0] s_axil_wstrb,  \
    input  logic        s_axil_wvalid, \
    output logic        s_axil_wready, \
    output logic [ 1:0] s_axil_bresp,  \
    output logic        s_axil_bvalid, \
    input  logic        s_axil_bready, \
    `PNC_AXIL_S_AX_PORTS(ar) \
    output logic [31:0] s_axil_rdata,  \
    output logic [ 1:0] s_axil_rresp,  \
    output logic        s_axil_rvalid, \
    input  logic        s_axil_rready,

`endif  // PNC_AXI_PORTS_SVH
