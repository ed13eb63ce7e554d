"""`mu-lsp cache [--clear]`: where the cache is, how big, and clearing it.

Clearing empties the stores through SQLite, like `mu.clearCache` does: an editor that has the
same store open keeps writing to it afterwards (deleting the files under it would make every
later summary vanish with the deleted inode). Stores in the old pickle format are deleted
unread.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mu_lsp.cachedir import COMPLEXITY_STORE, LEGACY_STORES, SUMMARY_STORE, drop_legacy_store, resolve_cache_dir
from mu_lsp.config import load_settings
from mu_lsp.diskstore import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clear", action="store_true", help="delete every cached summary and figure")


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def _clear(directory: Path) -> None:
    for scan in directory.glob("scan-*.json"):  # complexity figures: plain files, never held open
        scan.unlink(missing_ok=True)
    if not (directory / "cache.db").is_file():
        return
    store = open_store(directory, 1 << 30)
    if store is None:
        raise OSError(f"cannot open {directory}")
    try:
        store.clear()
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    settings, _ = load_settings(Path.cwd())
    root = resolve_cache_dir(settings.cache.dir)
    if args.clear:
        for name in LEGACY_STORES:
            drop_legacy_store(root / name)
        try:
            for name in (SUMMARY_STORE, COMPLEXITY_STORE):
                _clear(root / name)
        except OSError as error:
            print(f"mu-lsp cache: {error}")
            return 1
        print(f"cleared {root}")
        return 0
    print(f"cache directory: {root}")
    for name in (SUMMARY_STORE, COMPLEXITY_STORE):
        print(f"  {name}: {_size(root / name) / 1024:.0f} KiB")
    return 0
