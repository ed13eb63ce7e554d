"""The scan cache: stat-based skipping, one plain-JSON file, and distrust of its contents."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mu_lsp.analysis.scan import scan_paths
from mu_lsp.analysis.scancache import ENGINE_VERSION, FORMAT

BRANCHY = "def branchy(a, b):\n    if a:\n        return 1\n    if b:\n        return 2\n    return 0\n"


def _figures(result) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return sorted((f.name, f.cyclomatic, f.cognitive) for f in result.functions)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text(BRANCHY)
    (root / "main.go").write_text("package p\nfunc g(a bool) { if a { } }\n")
    return root


def _cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("scan-*.json"))


def test_one_private_json_file_per_scan(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    scan_paths([tree], cache)
    files = _cache_files(cache)
    assert len(files) == 1
    document = json.loads(files[0].read_bytes())
    assert document["format"] == FORMAT and document["version"] == ENGINE_VERSION
    assert len(document["files"]) == 2
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert sorted(p.name for p in cache.iterdir()) == [files[0].name]  # no temporary left behind


def test_an_unchanged_stamp_is_trusted_without_reading_the_file(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = scan_paths([tree], cache)
    module = tree / "pkg" / "mod.py"
    before = module.stat()
    # Same size, same inode, same mtime, other content: only a scan that reads would notice.
    with module.open("r+b") as handle:
        handle.write(b"#" * before.st_size)
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = scan_paths([tree], cache)
    assert second.cache_hits == 2
    assert _figures(second) == _figures(first)


def test_a_touched_file_with_the_same_content_is_a_hit(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    scan_paths([tree], cache)
    module = tree / "pkg" / "mod.py"
    stamp = module.stat()
    os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    assert scan_paths([tree], cache).cache_hits == 2


def test_a_changed_file_is_analysed_again(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    scan_paths([tree], cache)
    (tree / "pkg" / "mod.py").write_text(BRANCHY.replace("return 0", "return 3 if a and b else 0"))
    again = scan_paths([tree], cache)
    assert again.cache_hits == 1
    assert ("branchy", 5, 4) in _figures(again)


def test_the_scanned_tree_gets_no_cache_file(tree: Path, tmp_path: Path) -> None:
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    scan_paths([tree], tmp_path / "cache")
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before


MALFORMED = [
    b"",
    b"\x80\x04\x95 not json at all",  # a pickle header: never unpickled, just not JSON
    b"[1, 2, 3]",
    b'{"format": "mu-lsp-complexity-scan", "version": 1, "files": {}}',
    b'{"format": "something-else", "version": 2, "files": {}}',
    b"[" * 100_000 + b"]" * 100_000,  # deeper than json's recursion limit
]


@pytest.mark.parametrize("content", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_cache_file_is_a_miss(tree: Path, tmp_path: Path, content: bytes) -> None:
    cache = tmp_path / "cache"
    clean = scan_paths([tree], None)
    scan_paths([tree], cache)
    _cache_files(cache)[0].write_bytes(content)
    result = scan_paths([tree], cache)
    assert result.cache_hits == 0
    assert _figures(result) == _figures(clean)


def test_entries_with_wrong_types_are_misses(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    clean = scan_paths([tree], None)
    scan_paths([tree], cache)
    path = _cache_files(cache)[0]
    document = json.loads(path.read_bytes())
    for index, key in enumerate(sorted(document["files"])):
        entry = document["files"][key]
        if index == 0:
            entry[5][0][4] = "10"  # cyclomatic as a string
        else:
            entry[5] = {"rows": True}
    path.write_text(json.dumps(document))
    result = scan_paths([tree], cache)
    assert result.cache_hits == 0
    assert _figures(result) == _figures(clean)


def test_a_forged_entry_for_an_unchanged_stamp_is_believed_only_as_data(tree: Path, tmp_path: Path) -> None:
    """Whoever can write the cache can change figures (it is private to its owner), but the
    content is only ever numbers and names: a hostile name is printed, not executed."""
    cache = tmp_path / "cache"
    scan_paths([tree], cache)
    path = _cache_files(cache)[0]
    document = json.loads(path.read_bytes())
    key = next(k for k in document["files"] if k.endswith("mod.py"))
    document["files"][key][5] = [["__import__('os').system('false')", "x", 0, 5, 99, 99]]
    path.write_text(json.dumps(document))
    result = scan_paths([tree], cache)
    assert ("__import__('os').system('false')", 99, 99) in _figures(result)


def test_scanning_imports_neither_pickle_stores_nor_tree_sitter_when_warm(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    scan_paths([tree], cache)
    probe = (
        "import sys; from pathlib import Path; from mu_lsp.analysis.scan import scan_paths; "
        f"r = scan_paths([Path({str(tree)!r})], Path({str(cache)!r})); "
        "print(r.cache_hits, 'mu_lsp.diskstore' in sys.modules, 'diskcache' in sys.modules, "
        "'tree_sitter' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["2", "False", "False", "False"]
