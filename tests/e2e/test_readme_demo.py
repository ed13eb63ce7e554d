"""The README's first set-up command: it must show real summaries with no API key."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.readme import ROOT, readme_block


def test_demo_command_installs_then_summarizes_the_included_examples() -> None:
    steps = [step.strip() for step in readme_block("demo-command", "bash").strip().split("&&")]
    assert any(step.startswith("pip install") for step in steps)
    assert steps[-1].startswith("mu-lsp summarize ")
    targets = steps[-1].split()[2:]
    assert targets and all((ROOT / target).exists() for target in targets)


def test_demo_command_prints_offline_summaries_without_a_key(tmp_path: Path) -> None:
    # The README's last step, verbatim, in a copy of the checkout's examples. Ollama is pointed at a
    # closed port so a developer's local Ollama cannot change what "no key" means here.
    command = readme_block("demo-command", "bash").strip().split("&&")[-1].split()
    for target in command[2:]:
        shutil.copytree(ROOT / target, tmp_path / target)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env["OLLAMA_HOST"] = "127.0.0.1:9"
    env["MU_CACHE_DIR"] = str(tmp_path / "cache")
    result = subprocess.run(
        [sys.executable, "-m", "mu_lsp", *command[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if re.match(r"^\S+:\d+  ", line)]
    files = {header.split(":", 1)[0] for header in headers}
    assert files == {str(Path(command[2]) / name) for name in os.listdir(ROOT / command[2])}
    assert all("[offline]" in header for header in headers)
    bullets = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert len(bullets) >= len(headers)
    assert "Traceback" not in result.stderr
