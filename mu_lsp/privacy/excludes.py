"""Files whose contents never leave the machine: `[privacy] exclude`.

Patterns are gitignore globs (pathspec's GitIgnoreSpec, git's own wildmatch rules, `!` to
re-include). A path inside the workspace root is matched relative to the root, so anchored
patterns (`/config/*.py`, `build/secrets.py`) mean what they mean in a .gitignore; a path
outside it is matched as an absolute path, so `**/secrets/**` still catches
`/home/me/other/secrets/db.py`.

Paths may be plain paths or `file://` URIs (percent-decoded, as editors send them).
Backslashes are turned into slashes first, so Windows paths (`C:\\proj\\.env`) match the same
patterns; the price is that a literal backslash in a POSIX file name cannot be matched.
Matching is case-sensitive, except on Windows (`os.name == "nt"`) and for drive-letter paths,
whose file systems ignore case: there `Secrets/DB.py` is excluded like `secrets/db.py`.

An exclude list is a privacy promise, so a pattern that cannot work is an error rather than a
no-op: `ValueError` names it (git itself silently ignores such lines).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from pathspec import GitIgnoreSpec

__all__ = ["DEFAULT_EXCLUDES", "ExcludeMatcher"]

DEFAULT_EXCLUDES: tuple[str, ...] = (
    # environment files and secret stores: .env, .env.local, .envrc, config/.env.production
    "**/.env*",
    "**/secrets/**",  # a directory rule: secrets/db.py, not my_secrets.py or secretsmanager.py
    "**/secrets.*",  # secrets.py, secrets.toml (Streamlit), secrets.json (.NET), secrets.yaml
    "**/credentials*",  # ~/.aws/credentials, credentials.json (Google), credentials.py
    # keys and certificates
    "**/*.pem",
    "**/*.key",
    "**/*.p12",
    "**/*.pfx",
    "**/*.jks",
    "**/*.keystore",
    "**/id_rsa*",
    "**/id_dsa*",
    "**/id_ecdsa*",
    "**/id_ed25519*",
    # per-user credential directories and files
    "**/.ssh/**",
    "**/.aws/**",
    "**/.gnupg/**",
    "**/.kube/**",
    "**/.docker/config.json",
    "**/.git-credentials",
    "**/.netrc",
    "**/.pgpass",
    "**/.pypirc",
    "**/.npmrc",
    # Terraform state and variables hold provider credentials in clear text
    "**/*.tfstate",
    "**/*.tfstate.backup",
    "**/*.tfvars",
)

_DRIVE = re.compile(r"[A-Za-z]:(?:/|$)")


def _normalize(path: str | os.PathLike[str]) -> str:
    """A POSIX-style path: URIs decoded, backslashes turned into slashes, `.`/`..` resolved
    lexically (symlinks are not followed: the editor's path is what the user sees)."""
    text = os.fspath(path)
    if text[:5].lower() == "file:":
        parts = urlsplit(text)
        text = unquote(parts.path)
        if parts.netloc and parts.netloc.lower() != "localhost":
            text = f"//{unquote(parts.netloc)}{text}"  # a UNC path: file://server/share/x
        if text.startswith("/") and _DRIVE.match(text, 1):
            text = text[1:]  # file:///C:/proj/x.py
    text = text.replace("\\", "/")
    if not text:
        return text
    normalized = posixpath.normpath(text)
    return "" if normalized == "." else normalized


def _is_absolute(path: str) -> bool:
    return path.startswith("/") or _DRIVE.match(path) is not None


def _has_drive(path: str) -> bool:
    return _DRIVE.match(path) is not None


@dataclass(frozen=True, slots=True)
class ExcludeMatcher:
    patterns: tuple[str, ...]
    case_sensitive: bool = os.name != "nt"
    _spec: GitIgnoreSpec = field(init=False, repr=False, compare=False)
    _folded_spec: GitIgnoreSpec = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = tuple(self.patterns)
        for pattern in patterns:
            _check(pattern)
        object.__setattr__(self, "patterns", patterns)
        object.__setattr__(self, "_spec", GitIgnoreSpec.from_lines(patterns))
        object.__setattr__(self, "_folded_spec", GitIgnoreSpec.from_lines([_folded(p) for p in patterns]))

    @classmethod
    def from_patterns(cls, patterns: Iterable[str] | str, case_sensitive: bool | None = None) -> ExcludeMatcher:
        """Compile `patterns`; a single string is one pattern. Raises ValueError naming the
        first pattern that is not a string or cannot match anything."""
        listed = (patterns,) if isinstance(patterns, str) else tuple(patterns)
        return cls(listed) if case_sensitive is None else cls(listed, case_sensitive)

    def is_excluded(self, path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> bool:
        """Whether `path` (a path or a `file://` URI) matches; `root` is the workspace root."""
        if not self.patterns:
            return False
        candidate = _normalize(path)
        base = _normalize(root) if root is not None else ""
        fold = not self.case_sensitive or _has_drive(candidate) or _has_drive(base)
        if fold:
            candidate, base = candidate.lower(), base.lower()
        if base and not _is_absolute(candidate):
            candidate = posixpath.normpath(posixpath.join(base, candidate))
        if base and (candidate == base or candidate.startswith(base.rstrip("/") + "/")):
            candidate = candidate[len(base.rstrip("/")) + 1 :]
        else:
            while candidate.startswith("../"):
                candidate = candidate[3:]  # outside every root we know of: match what is left
            candidate = candidate.lstrip("/")
        if not candidate:
            return False
        return bool((self._folded_spec if fold else self._spec).match_file(candidate))


def _folded(pattern: str) -> str:
    """The pattern for case-insensitive matching; unchanged if lower-casing breaks it
    (`[Z-a]` becomes the invalid range `[z-a]`)."""
    try:
        GitIgnoreSpec.from_lines([pattern.lower()])
    except (ValueError, re.error):
        return pattern
    return pattern.lower()


def _check(pattern: object) -> None:
    if not isinstance(pattern, str):
        raise ValueError(f"invalid exclude pattern {pattern!r}: not a string")
    if not pattern.strip() or pattern.lstrip().startswith("#"):
        return  # blank lines and comments, as in a .gitignore
    try:
        spec = GitIgnoreSpec.from_lines([pattern])
    except (ValueError, re.error) as error:
        raise ValueError(f"invalid exclude pattern {pattern!r}: {error}") from None
    if all(getattr(compiled, "regex", None) is None for compiled in spec.patterns):
        raise ValueError(f"invalid exclude pattern {pattern!r}: it can never match (an unclosed '[' or a lone '/'?)")
