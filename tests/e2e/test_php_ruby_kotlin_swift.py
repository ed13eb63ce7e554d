"""PHP, Ruby, Kotlin and Swift through the real server (issue 18): a complex function gets its
lens and hover, an edit inside it is re-parsed incrementally and re-scored, a save summarizes
it again; hostile documents in each language never crash the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.lsp_support import Session, line_of, murc, start_session, stop_session
from tests.support.fake_provider import FakeProvider

PHP = """<?php
function tangled($items, $mode, $limit) {
    $total = 0;
    foreach ($items as $item) {
        if ($item > $limit && $mode === 'strict') {
            $total += 2;
        } elseif ($item < 0 || $mode === 'loose') {
            $total -= 1;
        } else {
            while ($total > 100) {
                $total = $total - 10;
            }
        }
    }
    return $total > 0 ? $total : ($limit ?? 0);
}
"""
RUBY = """def tangled(items, mode, limit)
  total = 0
  items.each do |item|
    if item > limit && mode == :strict
      total += 2
    elsif item < 0 || mode == :loose
      total -= 1
    else
      total -= 10 while total > 100
    end
  end
  return 0 unless limit
  total > 0 ? total : limit
end
"""
KOTLIN = """fun tangled(items: List<Int>, mode: String, limit: Int?): Int {
    var total = 0
    for (item in items) {
        if (item > (limit ?: 0) && mode == "strict") {
            total += 2
        } else if (item < 0 || mode == "loose") {
            total -= 1
        } else {
            while (total > 100) {
                total -= 10
            }
        }
    }
    return when (total) { 0 -> 1; 1 -> 2; else -> total }
}
"""
SWIFT = """func tangled(items: [Int], mode: String, limit: Int?) -> Int {
    var total = 0
    for item in items {
        if item > (limit ?? 0) && mode == "strict" {
            total += 2
        } else if item < 0 || mode == "loose" {
            total -= 1
        } else {
            while total > 100 {
                total -= 10
            }
        }
    }
    guard total > 0 else { return 0 }
    return total
}
"""

# language id, file name, text, (cyclomatic, cognitive), the line to edit and what to add to it
DOCUMENTS = [
    ("php", "a.php", PHP, (9, 12), "$total += 2;", " if ($mode) { $total++; }"),
    ("ruby", "a.rb", RUBY, (8, 11), "total += 2", " if mode"),
    ("kotlin", "A.kt", KOTLIN, (10, 12), "total += 2", '; if (mode == "x") { total++ }'),
    ("swift", "A.swift", SWIFT, (9, 12), "total += 2", '; if mode == "x" { total += 1 }'),
]


async def _session(fake: FakeProvider, root: Path, cache: Path) -> Session:
    murc(root, fake)
    with (root / ".murc.toml").open("a") as handle:
        handle.write("[complexity]\ncyclomatic = 5\ncognitive = 100\n")
    return await start_session("visual_studio_code", fake, root, cache)


@pytest.mark.parametrize(
    ("language", "name", "text", "figures", "anchor", "addition"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS]
)
async def test_lens_hover_incremental_edit_and_save(
    fake: FakeProvider,
    tmp_path: Path,
    isolated_cache: Path,
    language: str,
    name: str,
    text: str,
    figures: tuple[int, int],
    anchor: str,
    addition: str,
) -> None:
    session = await _session(fake, tmp_path, isolated_cache)
    try:
        uri = session.open(text, uri=(tmp_path / name).as_uri(), language=language)
        line = line_of(text, "tangled")
        title = await session.wait_for_lens(line, "fake summary of tangled", uri=uri)
        assert title.startswith(f"CC {figures[0]} · cog {figures[1]}"), title
        hover = await session.hover(line, uri=uri)
        assert hover is not None and "**`tangled`**" in hover and "fake summary of tangled" in hover
        request = session.fake.requests[-1]
        assert request.function == "tangled" and anchor in request.prompt
        edit_line = line_of(text, anchor)
        column = text.split("\n")[edit_line].index(anchor) + len(anchor)
        session.change((edit_line, column), (edit_line, column), addition, 2, uri=uri)
        title = await session.wait_for_lens(line, f"CC {figures[0] + 1} ", uri=uri)
        assert "outdated" in title
        before = len(session.fake.requests)
        session.save(uri)
        await session.wait_for(lambda: len(session.fake.requests) == before + 1, what="one new call")
        assert addition.strip() in session.fake.requests[-1].prompt
    finally:
        await stop_session(session)


def _hostile() -> list[tuple[str, str, str]]:
    deep = 2000
    noise = "\ufffd\x00\x7f" * 3000
    return [
        ("deep.php", "php", "<?php function f($a) {" + "if ($a) {" * deep + "}" * deep + "}"),
        ("open.php", "php", '<?php function f($a) { if ($a) { $s = "unterminated ' + "(" * 3000),
        ("big.php", "php", "<?php $x = '" + "x" * 1_000_000 + "';\nfunction f() { return 1; }\n"),
        ("deep.rb", "ruby", "def f(a)\n" + "if a\n" * deep + "end\n" * deep + "end\n"),
        ("open.rb", "ruby", "def f(a)\n  x = <<~EOS\n  never closed\n" + "do |x|\n" * 2000),
        ("noise.rb", "ruby", noise),
        ("deep.kt", "kotlin", "fun f(a: Boolean) {\n" + "if (a) {\n" * deep + "}\n" * deep + "}\n"),
        ("open.kt", "kotlin", 'fun f() {\n  val s = """never closed\n' + "{" * 3000),
        ("noise.kt", "kotlin", noise),
        ("deep.swift", "swift", "func f(a: Bool) {\n" + "if a {\n" * deep + "}\n" * deep + "}\n"),
        ("open.swift", "swift", "func f() {\n  /* never closed\n" + "x" * 100_000),
        ("big.swift", "swift", "let s = [" + "1, " * 200_000 + "]\nfunc f() {}\n"),
    ]


async def test_hostile_documents_never_crash_the_server(
    fake: FakeProvider, tmp_path: Path, isolated_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    session = await _session(fake, tmp_path, isolated_cache)
    try:
        for name, language, text in _hostile():
            uri = (tmp_path / name).as_uri()
            session.open(text, uri=uri, language=language)
            await session.hover(0, 0, uri=uri)
            await session.lenses(uri=uri)
            session.change((0, 0), (0, 0), "// edit\n" if language != "ruby" else "# edit\n", 2, uri=uri)
            await session.lenses(uri=uri)
            session.close(uri)
        deep = (tmp_path / "deep.php").as_uri()  # the server still answers, and right
        session.open("<?php function f($a) {" + "if ($a) {" * 50 + "}" * 50 + "}", uri=deep, language="php")
        await session.wait_for_lens(0, "CC 51 ", uri=deep)
    finally:
        await stop_session(session)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
