"""A cheap pre-check for direct recursion, before asking the tree."""

from __future__ import annotations

import re
from functools import lru_cache


def _is_identifier_byte(byte: int) -> bool:
    return byte == 95 or 48 <= byte <= 57 or 65 <= byte <= 90 or 97 <= byte <= 122 or byte >= 128


_MANY = 64  # past this many occurrences of the name (an `f` in every `if`), one regex search


@lru_cache(maxsize=256)
def _pattern(needle: bytes, openers: bytes, allow_attribute: bool) -> re.Pattern[bytes]:
    before = rb"(?<![A-Za-z0-9_\x80-\xff])" if allow_attribute else rb"(?<![A-Za-z0-9_.\x80-\xff])"
    return re.compile(before + re.escape(needle) + rb"[ \t]*[" + re.escape(openers) + rb"]")


def mentions_call(
    source: bytes,
    name: str,
    start: int,
    end: int,
    openers: bytes = b"(",
    allow_attribute: bool = True,
) -> bool:
    """Whether `name` followed by one of `openers` (after optional spaces) occurs in the range.

    A plain `bytes.find` loop: compiling one regex per function thrashed `re`'s cache and
    cost more than the whole analysis.
    """
    needle = name.encode()
    if not needle:
        return False
    if source.count(needle, start, end) > _MANY:
        return _pattern(needle, openers, allow_attribute).search(source, start, end) is not None
    index = source.find(needle, start, end)
    while index != -1:
        before = source[index - 1] if index > 0 else 32
        after = index + len(needle)
        while after < end and source[after] in b" \t":
            after += 1
        attribute = before == 46  # "."
        if (
            not _is_identifier_byte(before)
            and (allow_attribute or not attribute)
            and after < end
            and source[after] in openers
        ):
            return True
        index = source.find(needle, index + 1, end)
    return False
