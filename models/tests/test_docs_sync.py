"""Docs that quote code must match it: the README's JSON-key list and the generated SV package."""

import subprocess
import sys
from pathlib import Path

import panacea.analyze as analyze

ROOT = Path(__file__).resolve().parents[2]


def test_readme_quotes_current_json_keys():
    readme = (ROOT / "README.md").read_text()
    assert analyze.JSON_KEYS_DOC.strip() in readme, (
        "README's `panacea analyze` JSON keys are stale: copy analyze.JSON_KEYS_DOC into it"
    )


def test_sv_package_matches_arch_toml():
    res = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_params.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
