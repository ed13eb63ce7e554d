"""Agreement with radon (cyclomatic) and complexipy (cognitive) on real code.

The corpus is a fixed set of standard-library modules: real, varied, and present on every
machine. Functions that contain nested functions are compared for cyclomatic only: we
exclude nested functions from the enclosing function (as radon does) while complexipy
includes them.
"""

from __future__ import annotations

import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from mu_lsp.analysis import analyze_source

radon_complexity = pytest.importorskip("radon.complexity")
complexipy = pytest.importorskip("complexipy")

MODULES = [
    "argparse.py",
    "ast.py",
    "calendar.py",
    "configparser.py",
    "csv.py",
    "dataclasses.py",
    "difflib.py",
    "enum.py",
    "fractions.py",
    "ftplib.py",
    "gettext.py",
    "inspect.py",
    "ipaddress.py",
    "json/decoder.py",
    "json/encoder.py",
    "optparse.py",
    "pathlib.py",
    "pickletools.py",
    "shutil.py",
    "statistics.py",
    "tarfile.py",
    "textwrap.py",
    "tokenize.py",
    "zipfile.py",
]


@dataclass
class Tally:
    total: int = 0
    agreed: int = 0

    @property
    def ratio(self) -> float:
        return self.agreed / self.total if self.total else 0.0


def _sources() -> list[tuple[str, bytes]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    found = [(name, (root / name).read_bytes()) for name in MODULES if (root / name).is_file()]
    if len(found) < len(MODULES) // 2:
        pytest.skip("standard library sources are not available")
    return found


def _radon_blocks(blocks):  # type: ignore[no-untyped-def]
    for block in blocks:
        if hasattr(block, "methods"):
            yield from _radon_blocks(block.methods)
            yield from _radon_blocks(getattr(block, "inner_classes", []))
        else:
            yield block
            yield from _radon_blocks(block.closures)


def test_cyclomatic_agrees_with_radon_on_97_percent() -> None:
    tally = Tally()
    for _, source in _sources():
        ours = {(fn.name, fn.name_row + 1): fn for fn in analyze_source(source, "python")}
        for block in _radon_blocks(radon_complexity.cc_visit(source.decode("utf-8"))):
            fn = ours.get((block.name, block.lineno))
            if fn is None:
                continue
            tally.total += 1
            tally.agreed += fn.cyclomatic == block.complexity
    assert tally.total >= 300
    assert tally.ratio >= 0.97, f"{tally.agreed}/{tally.total}"


def test_cognitive_agrees_with_complexipy_on_95_percent() -> None:
    tally = Tally()
    for _, source in _sources():
        ours = analyze_source(source, "python")
        for theirs in complexipy.code_complexity(source.decode("utf-8")).functions:
            name = theirs.name.split("::")[-1]
            match = [fn for fn in ours if fn.name == name and fn.start_row + 1 <= theirs.line_start <= fn.name_row + 1]
            if not match:
                continue
            tally.total += 1
            tally.agreed += match[0].cognitive == theirs.complexity
    assert tally.total >= 300
    assert tally.ratio >= 0.95, f"{tally.agreed}/{tally.total}"
