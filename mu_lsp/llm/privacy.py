"""Files whose contents are never sent to a provider: `[privacy] exclude`.

Patterns are gitignore-style globs (pathspec's gitwildmatch), matched against the path
relative to the workspace root when the file is inside it, else against the absolute path,
so `**/secrets/**` matches `/home/me/app/secrets/db.py` either way. Backslashes are
normalized to slashes; matching is case-sensitive.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from pathspec import GitIgnoreSpec

DEFAULT_EXCLUDES: tuple[str, ...] = (
    "**/.env*",
    "**/secrets/**",
    "**/*.pem",
    "**/*.key",
    "**/id_rsa*",
    "**/id_ed25519*",
    "**/*.p12",
    "**/*.pfx",
    "**/.aws/**",
    "**/.ssh/**",
    "**/credentials*",
)


def _as_posix(path: str | os.PathLike[str]) -> str:
    text = os.fspath(path)
    if text.startswith("file:"):
        text = unquote(urlparse(text).path)
    return text.replace("\\", "/")


@dataclass(frozen=True, slots=True)
class ExcludeMatcher:
    patterns: tuple[str, ...]
    _spec: GitIgnoreSpec = field(repr=False, compare=False, default_factory=lambda: GitIgnoreSpec([]))

    @classmethod
    def from_patterns(cls, patterns: Iterable[str]) -> ExcludeMatcher:
        """Compile; an invalid pattern raises ValueError naming it."""
        kept = tuple(p for p in patterns if isinstance(p, str) and p.strip())
        for pattern in kept:
            try:
                GitIgnoreSpec.from_lines([pattern])
            except ValueError as error:  # pathspec's pattern errors are ValueErrors
                raise ValueError(f"invalid exclude pattern {pattern!r}: {error}") from None
        return cls(kept, GitIgnoreSpec.from_lines(kept))

    def is_excluded(self, path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> bool:
        if not self.patterns:
            return False
        candidate = PurePosixPath(_as_posix(path))
        if root is not None:
            try:
                relative = candidate.relative_to(PurePosixPath(_as_posix(root)))
                if self._spec.match_file(str(relative)):
                    return True
            except ValueError:
                pass
        absolute = str(candidate)
        return bool(self._spec.match_file(absolute.lstrip("/")) or self._spec.match_file(absolute))
