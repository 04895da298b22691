"""The repository-specific lint rules of flow/lint.py."""

from flow import lint


def test_unary_operator_on_size_cast_is_flagged(tmp_path):
    sv = tmp_path / "x.sv"
    sv.write_text(
        "assign a = (v + 24'(B - 1)) & ~24'(B - 1);\n"  # read by Yosys as (~24)'(B - 1)
        "assign b = -8'(x);\n"
        "assign c = !PeaW'(x);\n"
        "assign d = (v + 24'(B - 1)) & ~(24'(B - 1));\n"  # parenthesised: fine
        "assign e = x - 10'(N);  // binary minus: fine\n"
        "// a comment with ~24'(x) is not code\n"
        "    + int'(y);  // a binary plus continuing the line above: fine\n"
    )
    hits = lint.unary_casts([str(sv)])
    assert [h.split(":")[1] for h in hits] == ["1", "2", "3"]


def test_rtl_has_no_unary_operator_on_size_cast():
    assert lint.unary_casts(lint.rtl_files()) == []
