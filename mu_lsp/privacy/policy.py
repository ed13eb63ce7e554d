"""Whether a document may ever be sent to a provider, and if not, why.

* Only local files (`file:` URIs or plain paths) and unsaved buffers (`untitled:`) may be sent.
  Any other scheme (`fugitive:`, `git:`, `vscode-vfs:`, `ssh:` …) is a view of something else,
  often of a path the excludes would catch under its real name.
* The default patterns and the user's patterns are two separate lists, and matching either
  excludes: a user's `!pattern` can re-include only among their own patterns, and adding one
  glob never drops the 27 defaults. Dropping them takes `use_default_excludes = false`, which a
  workspace file can only say in a trusted folder.
* A symlink is judged by both names: the one the editor shows and the file it points to, so a
  link into `secrets/` is as excluded as the file itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mu_lsp.privacy.excludes import DEFAULT_EXCLUDES, ExcludeMatcher

SENDABLE_SCHEMES = ("file", "untitled")
EXCLUDED_BY_PATTERN = "excluded by [privacy] exclude"
_DEFAULTS = ExcludeMatcher.from_patterns(DEFAULT_EXCLUDES)


@dataclass(frozen=True, slots=True)
class PrivacyPolicy:
    user: ExcludeMatcher
    defaults: ExcludeMatcher | None = _DEFAULTS

    @classmethod
    def from_settings(cls, exclude: tuple[str, ...], use_default_excludes: bool = True) -> PrivacyPolicy:
        """Raises ValueError naming a pattern that cannot work."""
        return cls(ExcludeMatcher.from_patterns(exclude), _DEFAULTS if use_default_excludes else None)

    def refusal(self, location: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> str | None:
        """None when `location` (a path or a URI) may be sent; else the reason it may not."""
        text = os.fspath(location)
        scheme = _scheme(text)
        if scheme is not None and scheme not in SENDABLE_SCHEMES:
            return f"not a local file ({scheme}:)"
        if scheme == "untitled":
            return None
        path = unquote(urlsplit(text).path) if scheme == "file" else text
        for name, base in _names(path, root):
            if self._matches(name, base):
                return EXCLUDED_BY_PATTERN
        return None

    def is_excluded(self, location: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> bool:
        return self.refusal(location, root) is not None

    def _matches(self, path: str, root: str | None) -> bool:
        if self.defaults is not None and self.defaults.is_excluded(path, root):
            return True
        return self.user.is_excluded(path, root)


def _scheme(text: str) -> str | None:
    """The URI scheme, or None for a plain path (`C:\\x` is a drive, not a scheme)."""
    head, sep, _ = text.partition(":")
    if not sep or len(head) < 2 or not head[0].isalpha():
        return None
    if not all(char.isalnum() or char in "+-." for char in head):
        return None
    return head.lower()


def _names(path: str, root: str | os.PathLike[str] | None) -> list[tuple[str, str | None]]:
    """The path as given, and (if different) the real file it resolves to, each with the root
    to match it against."""
    base = os.fspath(root) if root is not None else None
    names: list[tuple[str, str | None]] = [(path, base)]
    if not os.path.isabs(path) and base is None:
        return names  # nothing to resolve it against
    absolute = path if os.path.isabs(path) else os.path.join(base or "", path)
    try:
        real = os.path.realpath(absolute)
        real_base = os.path.realpath(base) if base is not None else None
    except (OSError, ValueError):
        return names
    if Path(real) != Path(os.path.normpath(absolute)):
        names.append((real, real_base))
    return names
