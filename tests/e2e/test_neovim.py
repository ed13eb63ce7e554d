"""A real headless Neovim, configured with exactly the README's block, against the stand-in provider."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAKE_KEY
from tests.e2e.lsp_support import SAMPLE, line_of, murc
from tests.support.fake_provider import FakeProvider
from tests.support.readme import readme_block

DRIVER = Path(__file__).with_name("nvim") / "driver.lua"


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed (.ci/run installs it)")
def test_readme_configuration_in_a_real_neovim(fake: FakeProvider, tmp_path: Path, isolated_cache: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    murc(project, fake)
    source = project / "sample.py"
    source.write_text(SAMPLE)
    init = tmp_path / "init.lua"
    init.write_text(readme_block("neovim-config", "lua"))
    output = tmp_path / "result.json"
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")},
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "OPENAI_API_KEY": FAKE_KEY,
        "MU_CACHE_DIR": str(isolated_cache),
        "MU_TEST_OUTPUT": str(output),
        "MU_TEST_LINE": str(line_of(SAMPLE, "def tangled") + 1),
        "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"],  # where murc() trusted the project
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
    }
    completed = subprocess.run(
        ["nvim", "--headless", "-n", "-i", "NONE", "-u", str(init), str(source), "-c", f"luafile {DRIVER}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert output.exists(), f"Neovim wrote no result: {completed.stdout[-2000:]} {completed.stderr[-2000:]}"
    result = json.loads(output.read_text())
    assert result["ok"], result
    steps = {step["step"]: step["value"] for step in result["steps"]}
    assert steps["client"] == "mu_lsp"
    assert "- fake summary of tangled" in steps["hover"]
    assert "outdated" in steps["lens_after_edit"]
    assert steps["lens_after_save"] != steps["lens_after_open"]
    assert any("total += 7" in r.prompt for r in fake.requests)  # the saved body was summarized
