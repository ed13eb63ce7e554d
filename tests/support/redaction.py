"""Inputs for the redaction tests and benchmark: adversarial texts and ordinary code of a size.

The adversarial texts are built to make a careless pattern quadratic (long runs of a pattern's
first characters, thousands of BEGIN lines, a URL that never closes). tests/unit/test_redact.py
checks what redaction returns for them; benchmarks/bench_redact.py times them against ordinary
code of the same size.
"""

from __future__ import annotations

import inspect
import string
import sysconfig
from pathlib import Path


def adversarial(scale: float = 1.0) -> dict[str, str]:
    """About 100 KB each at scale 1; the benchmark also times scale 0.5 to check linearity."""

    def n(count: int) -> int:
        return int(count * scale)

    return {
        "a": "a" * n(100_000),
        "equals": "=" * n(100_000),
        "quotes": '"' * n(100_000),
        "quote-a": '"' + "a" * n(100_000),
        "A": "A" * n(100_000),
        "M": "M" * n(100_000),
        "digits": "9" * n(100_000),
        "dots": "." * n(100_000),
        "spaces": " " * n(100_000),
        "begin": "-----BEGIN RSA PRIVATE KEY-----\n" * n(3_000),
        "begin-body": "-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD\n" * n(20_000),
        "end": "-----END RSA PRIVATE KEY-----" * n(3_000),
        "password": "password = " * n(10_000),
        "password-colon": "password:" * n(10_000),
        "password-word": "password" * n(12_000),
        "tokens": "token_token-" * n(8_000),
        "url": "a://b:" * n(15_000) + "@",
        "url-at": "://" + "a:" * n(40_000) + "@",
        "bearer": "bearer " * n(14_000),
        "basic": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== " * n(3_000),
        "jwt": "eyJ" * n(33_000),
        "jwt-dots": ("eyJ" + "a" * 20 + ".") * n(4_000),
        "ghp": "ghp_" * n(25_000),
        "sk": "sk-" * n(33_000),
        "telegram": "1234567890:AA" * n(7_000),
        "discord": ".abcdef." * n(12_000),
        "literal": ('"' + "aB3" * 10 + '" ') * n(3_000),
        "mixed": (string.printable * 1_000)[: n(100_000)],
    }


ADVERSARIAL = adversarial()


def typical_body() -> str:
    """10 KB of real code: the start of the standard library's `inspect` module."""
    return Path(inspect.__file__).read_text(encoding="utf-8")[:10_240]


def ordinary_code(size: int) -> str:
    """`size` characters of real code: standard-library modules, in a fixed order, joined."""
    root = Path(sysconfig.get_paths()["stdlib"])
    parts: list[str] = []
    length = 0
    for name in ("inspect.py", "typing.py", "argparse.py", "tarfile.py", "pathlib.py", "subprocess.py"):
        path = root / name
        if path.exists() and length < size:
            text = path.read_text(encoding="utf-8")
            parts.append(text)
            length += len(text)
    return "".join(parts)[:size]
