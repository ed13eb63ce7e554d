"""Running the `mu-lsp` command inside the test process.

Starting `python -m mu_lsp` costs seconds per call (LiteLLM's import alone is ~5 s on this machine),
and most CLI tests are about what the command does, not about being a process. `run_in_process`
calls the same `main()` with the same environment, working directory, stdin and streams a
subprocess would get, and returns what `subprocess.run` would. Tests about the process itself
(the import path, proxies read by a fresh HTTP client, the console script) still use a subprocess.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import mu_lsp.llm.transport  # noqa: F401 - LiteLLM's loggers bind the real stderr, not a capture
from mu_lsp.cli import main


class _Input(io.StringIO):
    """Standard input as a pipe: not a terminal, like `subprocess.run(input=...)`."""

    def isatty(self) -> bool:
        return False


def run_in_process(
    args: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    stdin: str | None = None,
    drop: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """`main(args)` as `python -m mu_lsp ARGS` would run; `env` adds (or, with None, removes)
    variables; names ending with one of `drop` are removed first."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if drop and n.endswith(drop)]:
            patch.delenv(name)
        for name, value in (env or {}).items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        if cwd is not None:
            patch.chdir(cwd)
        patch.setattr(sys, "stdin", _Input(stdin or ""))
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as stop:  # argparse and `--help` exit
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    return subprocess.CompletedProcess(["mu-lsp", *args], code, out.getvalue(), err.getvalue())
