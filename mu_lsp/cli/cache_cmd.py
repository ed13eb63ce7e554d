"""`mu-lsp cache [--clear]`: where the cache is, how big, and clearing it."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from mu_lsp.cachedir import resolve_cache_dir
from mu_lsp.config import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clear", action="store_true", help="delete every cached summary and figure")


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def run(args: argparse.Namespace) -> int:
    settings, _ = load_settings(Path.cwd())
    root = resolve_cache_dir(settings.cache.dir)
    if args.clear:
        for name in ("summaries", "complexity"):
            shutil.rmtree(root / name, ignore_errors=True)
        print(f"cleared {root}")
        return 0
    print(f"cache directory: {root}")
    for name in ("summaries", "complexity"):
        print(f"  {name}: {_size(root / name) / 1024:.0f} KiB")
    return 0
