"""Which files a scan looks at.

Directories are walked honoring every `.gitignore` on the way down (and `.git/info/exclude`),
skipping `.git` and other dot-directories as ripgrep does. Inside directories only files with
a supported extension are candidates; a path named explicitly is always considered, and when
it cannot be analysed the user hears why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mu_lsp.analysis.languages import language_for_path

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

MAX_FILE_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path
    language: str
    size: int
    mtime_ns: int = 0
    inode: int = 0


@dataclass(frozen=True, slots=True)
class Skipped:
    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class _Ignore:
    base: Path
    spec: GitIgnoreSpec


def _load_ignore(directory: Path, name: str) -> _Ignore | None:
    try:
        lines = (directory / name).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if not lines:
        return None
    from pathspec import GitIgnoreSpec  # only trees that have ignore files pay for it

    return _Ignore(directory, GitIgnoreSpec.from_lines(lines))


def _ignored(path: Path, is_dir: bool, rules: list[_Ignore]) -> bool:
    """Later (deeper) files override earlier ones, as in git: the last decisive rule wins."""
    verdict = False
    for rule in rules:
        result = rule.spec.check_file(_relative_key(path, rule.base, is_dir))
        if result.include is not None:
            verdict = result.include
    return verdict


def _relative_key(path: Path, base: Path, is_dir: bool) -> str:
    try:
        relative = path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
    return relative + "/" if is_dir else relative


def _repository_rules(start: Path) -> list[_Ignore]:
    """Ignore files of enclosing directories up to the repository root, outermost first."""
    rules: list[_Ignore] = []
    for directory in [start, *start.parents]:
        found = _load_ignore(directory, ".gitignore")
        if found is not None:
            rules.append(found)
        if (directory / ".git").exists():
            exclude = _load_ignore(directory / ".git" / "info", "exclude")
            if exclude is not None:
                rules.append(_Ignore(directory, exclude.spec))
            break
    rules.reverse()
    return rules


def _walk(directory: Path, rules: list[_Ignore]) -> Iterator[Path]:
    own = _load_ignore(directory, ".gitignore")
    if own is not None:
        rules = [*rules, own]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file(follow_symlinks=True)
        except OSError:
            continue
        if is_dir:
            if entry.name.startswith(".") or _ignored(path, True, rules):
                continue
            yield from _walk(path, rules)
        elif is_file and language_for_path(entry.name) and not _ignored(path, False, rules):
            yield path


def discover(paths: list[Path], sniff: bool = True) -> tuple[list[Candidate], list[Skipped], list[Path]]:
    """Candidates to analyse, files skipped with a reason, and paths that do not exist.

    With `sniff` False no file is opened (a warm scan trusts its cache by stat alone); the
    caller then checks for binary content when it reads a file (see `is_binary`)."""
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    missing: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        if not given.exists():
            missing.append(given)
            continue
        if given.is_dir():
            resolved = given.resolve()
            files: Iterator[Path] = _walk(resolved, _repository_rules(resolved.parent))
            explicit = False
        else:
            files = iter([given.resolve()])
            explicit = True
        for path in files:
            if path in seen:
                continue
            seen.add(path)
            verdict = _classify(path, explicit, sniff)
            if isinstance(verdict, Candidate):
                candidates.append(verdict)
            elif verdict is not None:
                skipped.append(verdict)
    return candidates, skipped, missing


def _classify(path: Path, explicit: bool, sniff: bool) -> Candidate | Skipped | None:
    language = language_for_path(path)
    if language is None:
        return Skipped(path, "unsupported file type") if explicit else None
    try:
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES:
            return Skipped(path, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        if sniff:
            with path.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
            if is_binary(head):
                return Skipped(path, "binary file")
    except OSError as error:
        return Skipped(path, f"unreadable ({error.strerror or error.__class__.__name__})")
    return Candidate(path, language, stat.st_size, stat.st_mtime_ns, stat.st_ino)


def is_binary(data: bytes) -> bool:
    """A NUL byte near the start, as git decides."""
    return b"\0" in data[:_SNIFF_BYTES]
