"""The register map (panacea.regmap) and the rules panacea.regspec enforces on arch.toml."""

import copy
import importlib.util
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from panacea import regmap
from panacea.config import COUNTERS, REGS
from panacea.memimage import (
    ADDR_REGS,
    DESCRIPTOR_FIELDS,
    DESCRIPTOR_REGS,
    decode_descriptor,
    encode_descriptor,
)
from panacea.rle import HEADER_BYTES, pack_header, unpack_header

ROOT = Path(__file__).resolve().parents[2]


def _gen():
    spec = importlib.util.spec_from_file_location("gen_params", ROOT / "scripts" / "gen_params.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _cfg() -> dict:
    with (ROOT / "models" / "panacea" / "arch.toml").open("rb") as f:
        return tomllib.load(f)


def test_every_register_has_fields_at_its_offset():
    assert list(regmap.REGISTERS) == sorted(REGS, key=REGS.get)
    for name, reg in regmap.REGISTERS.items():
        assert reg.offset == REGS[name]
        assert reg.fields, name
        assert reg.mask() == sum(f.mask for f in reg.fields), f"{name}: fields overlap"


def test_counters_and_descriptor_registers():
    assert COUNTERS == regmap.COUNTERS
    assert COUNTERS[0] == "CYCLES" and COUNTERS[-1] == "TILES" and len(COUNTERS) == 11
    assert DESCRIPTOR_REGS == (
        "M",
        "N",
        "K",
        "MODE",
        "ACT_Q",
        "OUT_Q",
        "RQ_MULT",
        "RQ_SHIFT",
        *ADDR_REGS.values(),
        "BLOCK",
    )
    assert ADDR_REGS["out_ho"] == "OUT_HO_ADDR" and len(ADDR_REGS) == 8
    assert ADDR_REGS["rowq"] == "ROWQ_ADDR" and DESCRIPTOR_FIELDS["row_q"] == ("MODE", 6, 1)
    assert DESCRIPTOR_FIELDS["fmt"] == ("MODE", 4, 2)
    assert DESCRIPTOR_FIELDS["b"] == ("ACT_Q", 16, 4)


def test_descriptor_round_trip_masks_to_field_width():
    rng = np.random.default_rng(3)
    fields = {n: int(rng.integers(0, 1 << w)) for n, (_, _, w) in DESCRIPTOR_FIELDS.items()}
    regs = encode_descriptor(fields)
    assert decode_descriptor(regs) == fields
    regs = encode_descriptor({"skip": 7})  # 3 bits into a 2-bit field
    assert decode_descriptor(regs)["skip"] == 3 and regs["MODE"] == 3


def test_reset_values():
    assert regmap.REGISTERS["MODE"].reset == 0x4
    assert regmap.REGISTERS["ACT_Q"].field("b").reset == 4
    assert regmap.REGISTERS["ID"].reset == 0x504E4341


def test_header_layout_is_two_little_endian_u32():
    assert HEADER_BYTES == 8
    buf = pack_header(0x01020304, 0xA0B0C0D0)
    assert buf == np.array([0x01020304, 0xA0B0C0D0], "<u4").tobytes()
    assert unpack_header(buf + b"\xff") == (0x01020304, 0xA0B0C0D0)


def test_generated_files_parse_the_committed_source():
    gen = _gen()
    model = gen.build_model(_cfg())
    assert [r.name for r in model.regs] == list(regmap.REGISTERS)


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            lambda c: c["reg_fields"]["MODE"].append(dict(c["reg_fields"]["MODE"][0])),
            "share a name|overlaps",
        ),
        (lambda c: c["reg_fields"]["M"][0].update(lsb=20), "leave the 32-bit"),
        (lambda c: c["reg_fields"]["M"][0].update(reset=1 << 16), "does not fit"),
        (lambda c: c["reg_fields"]["M"][0].update(access="RX"), "not one of"),
        (lambda c: c["reg_fields"]["ACT_Q"][2].update(reset="NO_SUCH"), "neither a number"),
        (lambda c: c["reg_fields"].pop("TILES"), "name different registers"),
        (lambda c: c["descriptor"].update(M="M.nope"), "names no register field"),
        (lambda c: c["descriptor"].update(M="STATUS.busy"), "must be RW"),
        (lambda c: c["ho_header"].update(bytes=9), "cover 64 bits"),
    ],
)
def test_source_errors_are_one_line(edit, message):
    gen = _gen()
    cfg = copy.deepcopy(_cfg())
    edit(cfg)
    with pytest.raises(gen.SourceError, match=message):
        gen.build_model(cfg)
