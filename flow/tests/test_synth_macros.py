"""flow.synth's SRAM macro table: area formula, RAM modules and instances from Yosys output."""

from __future__ import annotations

import json

import pytest
from panacea import config

from flow import synth

RAM = "$paramod$43b5\\pnc_ram_1r1w"


def test_area_follows_the_documented_formula():
    s = config.SRAM
    one = synth.sram_area_mm2(8.0, 1, s)
    two = synth.sram_area_mm2(8.0, 2, s)
    assert one == pytest.approx(8 * s.MM2_PER_KIB + s.MM2_PER_PORT)
    extra = 8 * s.MM2_PER_KIB * s.EXTRA_PORT_FACTOR + s.MM2_PER_PORT
    assert two - one == pytest.approx(extra)
    assert synth.sram_area_mm2(16.0, 2, s) > two


def test_ram_modules_and_cells_from_yosys_files(tmp_path):
    bits = lambda v: format(v, "032b")  # noqa: E731 - Yosys writes parameters as bit strings
    rams = {
        "modules": {
            RAM: {
                "parameter_default_values": {"Width": bits(65), "Depth": bits(1024)},
                "cells": {
                    "a": {"type": "$memwr_v2"},
                    "b": {"type": "$memrd"},
                    "c": {"type": "$dff"},
                },
            }
        }
    }
    (tmp_path / "rams.json").write_text(json.dumps(rams))
    assert synth.ram_macros(tmp_path / "rams.json") == {
        RAM: {"width": 65, "depth": 1024, "read_ports": 1, "write_ports": 1}
    }
    (tmp_path / "elab.v").write_text(
        "module \\$paramod$77\\pnc_wbuf (clk_i, x);\n"
        f"  \\{RAM}  \\gen_buf.gen_s[0].u_bank  (\n"
        "    .clk_i(clk_i)\n  );\n"
        "  \\$paramod$99\\pnc_fifo  u_out_q (\n  );\n"
        "endmodule\n"
    )
    assert synth.ram_cells(tmp_path / "elab.v") == [
        ("$paramod$77\\pnc_wbuf", "gen_buf.gen_s[0].u_bank", RAM)
    ]


def test_ram_in_a_bank_wrapper_is_named_from_its_buffer(tmp_path):
    bank = "$paramod$43b5\\pnc_stream_bank"
    (tmp_path / "elab.v").write_text(
        f"module \\{bank} (clk_i);\n"
        f"  \\{RAM} u_ram (\n  );\n"
        "endmodule\n"
        "module \\$paramod$77\\pnc_wbuf (clk_i, x);\n"
        f"  \\{bank}  \\gen_buf.gen_s[0].u_bank  (\n  );\n"
        f"  \\{bank}  \\gen_buf.gen_s[1].u_bank  (\n  );\n"
        "  pnc_fifo u_q (\n  );\n"
        "endmodule\n"
    )
    assert synth.ram_cells(tmp_path / "elab.v") == [
        ("$paramod$77\\pnc_wbuf", "gen_buf.gen_s[0].u_bank.u_ram", RAM),
        ("$paramod$77\\pnc_wbuf", "gen_buf.gen_s[1].u_bank.u_ram", RAM),
    ]
