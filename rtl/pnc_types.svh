// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0
// The package struct types of pnc_pkg as port and signal types, for every tool.
//
// Contract:
// - `PNC_DESC_T names pnc_pkg::desc_t. Include this file before the module that uses it.
// - Icarus 11 aborts on a package-scoped type name (pnc_pkg::desc_t), so the type is imported
//   into the compilation unit; Yosys rejects that import (and an import in a module header) but
//   reads the package-scoped name, which it gets instead (`YOSYS` is predefined by Yosys).
`ifndef PNC_TYPES_SVH
`define PNC_TYPES_SVH

`ifdef YOSYS
  `define PNC_DESC_T pnc_pkg::desc_t
`else
import pnc_pkg::desc_t;
  `define PNC_DESC_T desc_t
`endif

`endif  // PNC_TYPES_SVH
