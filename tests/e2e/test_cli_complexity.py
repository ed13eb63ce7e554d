"""`mu-lsp complexity`: output shapes, directory walking, skips and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mu_lsp.analysis import walk
from mu_lsp.analysis.scan import scan_paths
from mu_lsp.cli import main
from tests.support.cli import run_in_process

COMPLEX = """\
import functools


@functools.cache
@other(
    1,
)
def branchy(a, b, c, d):
    if a and b:
        for x in c:
            if x or d:
                while x:
                    x -= 1
                    if x % 3 and d:
                        break
    elif b or c:
        return 1 if a else 2
    return 0


def plain(a):
    return a
"""


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mu-lsp ARGS` in this process (the console-script test below starts a real one)."""
    return run_in_process(args, cwd, env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text(COMPLEX)
    (root / "web").mkdir()
    (root / "web" / "app.ts").write_text(
        "export function route(a: number, b: boolean) { if (a > 1 && b) { for (;;) { if (a) { break } } }"
        " else if (a < 0 || !b) { return a ? 1 : 2 }"
        " switch (a) { case 1: case 2: case 3: case 4: case 5: return 0 } }\n"
    )
    (root / "build").mkdir()
    (root / "build" / "generated.py").write_text(COMPLEX)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.py").write_text(COMPLEX)
    (root / "notes.md").write_text("# not code\n")
    (root / ".gitignore").write_text("build/\n")
    return root


def test_json_has_exactly_the_documented_keys(project: Path) -> None:
    result = run("complexity", "--json", "--all", str(project / "pkg" / "mod.py"))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [set(r) for r in rows] == [
        {"path", "language", "name", "qualified_name", "line", "end_line", "cyclomatic", "cognitive", "complex"}
    ] * 2
    branchy = rows[0]
    assert branchy["name"] == "branchy" and branchy["language"] == "python"
    assert branchy["line"] == COMPLEX.splitlines().index("def branchy(a, b, c, d):") + 1  # the def, not @
    assert branchy["end_line"] == COMPLEX.splitlines().index("    return 0") + 1
    assert branchy["complex"] is True and branchy["cyclomatic"] >= 10
    assert rows[1]["name"] == "plain" and rows[1]["complex"] is False


def test_directories_honor_gitignore_and_skip_hidden(project: Path) -> None:
    result = run("complexity", "--json", "--all", str(project))
    assert result.returncode == 0, result.stderr
    paths = {Path(r["path"]).as_posix().split("project/")[-1] for r in json.loads(result.stdout)}
    assert paths == {"pkg/mod.py", "web/app.ts"}
    assert result.stderr == ""  # files found by walking with other extensions are not "skipped"


def test_table_lists_complex_functions_by_complexity(project: Path) -> None:
    result = run("complexity", str(project))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CC", "COG", "FUNCTION", "LOCATION"]
    names = [line.split()[2] for line in lines[1:-1]]
    assert set(names) == {"branchy", "route"}
    cognitive = [int(line.split()[1]) for line in lines[1:-1]]
    assert cognitive == sorted(cognitive, reverse=True)
    assert "plain" not in result.stdout
    assert lines[-1].startswith("2 complex of 3 functions in 2 files")
    everything = run("complexity", "--all", str(project))
    assert "plain" in everything.stdout


def test_thresholds_are_configurable(project: Path) -> None:
    result = run("complexity", "--json", "--cyclomatic", "100", "--cognitive", "100", str(project))
    assert json.loads(result.stdout) == []
    (project / ".murc.toml").write_text("[complexity]\ncyclomatic = 1\ncognitive = 1\n")
    result = run("complexity", "--json", str(project), cwd=project)
    assert {r["name"] for r in json.loads(result.stdout)} == {"branchy", "plain", "route"}


def test_binary_unsupported_and_missing(project: Path) -> None:
    binary = project / "pkg" / "blob.py"
    binary.write_bytes(b"def f():\n\x00\x01\x02 pass\n")
    result = run("complexity", "--all", str(project / "pkg"), str(project / "notes.md"))
    assert result.returncode == 0
    skipped = result.stderr.strip().splitlines()
    assert any("blob.py: binary file" in line for line in skipped)
    assert any("notes.md: unsupported file type" in line for line in skipped)
    assert len(skipped) == 2
    missing = run("complexity", str(project / "nope"))
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "no such file or directory" in missing.stderr


def test_oversized_files_are_skipped(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(walk, "MAX_FILE_BYTES", 100)
    assert main(["complexity", "--all", str(project / "pkg" / "mod.py")]) == 0
    assert "larger than" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [["complexity"], ["complexity", "--bogus", "x"], ["complexity", "--cyclomatic", "0", "."], ["frobnicate"]],
)
def test_bad_options_exit_2_with_one_line(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_warm_rescan_comes_from_the_cache(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "scan-cache"
    first = scan_paths([project], cache)
    second = scan_paths([project], cache)
    assert first.cache_hits == 0 and second.cache_hits == 2
    assert [(f.name, f.cyclomatic) for f in first.functions] == [(f.name, f.cyclomatic) for f in second.functions]
    (project / "pkg" / "mod.py").write_text(COMPLEX.replace("return 0", "return 1 if d else 0"))
    third = scan_paths([project], cache)
    assert third.cache_hits == 1
    assert (
        next(f for f in third.functions if f.name == "branchy").cyclomatic
        == next(f for f in first.functions if f.name == "branchy").cyclomatic + 1
    )


def test_parallel_scan_matches_a_single_process(tmp_path: Path) -> None:
    for index in range(12):
        (tmp_path / f"m{index}.py").write_text(COMPLEX * 40)
    one = scan_paths([tmp_path], None, jobs=1)
    two = scan_paths([tmp_path], None, jobs=2)
    key = lambda f: (f.path, f.line)  # noqa: E731
    assert sorted(one.functions, key=key) == sorted(two.functions, key=key)


def test_console_script_and_module_are_the_same(project: Path) -> None:
    script = Path(sys.executable).parent / "mu-lsp"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    via_script = subprocess.run(
        [str(script), "complexity", "--json", str(project)], capture_output=True, text=True, timeout=60
    )
    assert via_script.returncode == 0
    assert json.loads(via_script.stdout) == json.loads(run("complexity", "--json", str(project)).stdout)
