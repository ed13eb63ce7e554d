"""The server's document model: position encodings, edits, and the incremental function index."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

import pytest

from mu_lsp.analysis import analyze_source
from mu_lsp.server.documents import ContentChange, Document
from mu_lsp.server.text import PositionError, TextBuffer


def snapshot(functions):  # type: ignore[no-untyped-def]
    return [
        (
            f.qualified_name,
            f.start_byte,
            f.end_byte,
            f.start_row,
            f.end_row,
            f.name_row,
            f.signature_end_row,
            f.cyclomatic,
            f.cognitive,
            f.hot_spot_rows(),
        )
        for f in functions
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_positions_round_trip_with_emoji_tabs_and_crlf(encoding: str) -> None:
    text = "a\tb\r\nx = '😀é'\r\n\tdef f():\n"
    buffer = TextBuffer(text.encode())
    for offset, char in enumerate(text):
        byte = len(text[:offset].encode())
        line, character = buffer.position_of(byte, encoding)  # type: ignore[arg-type]
        assert buffer.offset_of(line, character, encoding) == byte, (offset, char)  # type: ignore[arg-type]
    # the emoji is 2 UTF-16 units, 1 UTF-32 unit, 4 UTF-8 bytes
    after_emoji = {"utf-8": 9, "utf-16": 7, "utf-32": 6}[encoding]
    assert buffer.offset_of(1, after_emoji, encoding) == len("a\tb\r\nx = '😀".encode())  # type: ignore[arg-type]


def test_out_of_range_positions() -> None:
    buffer = TextBuffer(b"abc\ndef")
    assert buffer.offset_of(1, 99, "utf-16") == len(b"abc\ndef")  # clamps to the line end
    with pytest.raises(PositionError):
        buffer.offset_of(7, 0, "utf-16", strict=True)
    with pytest.raises(PositionError):
        buffer.offset_of(-1, 0, "utf-16", strict=True)


def _random_edit(rng: random.Random, document: Document) -> ContentChange:
    data = document.source
    start = rng.randrange(len(data) + 1)
    end = min(len(data), start + rng.choice([0, 0, 1, 3, 12, 80]))
    # keep edits on UTF-8 boundaries
    while start > 0 and (data[start] & 0xC0) == 0x80 if start < len(data) else False:
        start -= 1
    while end < len(data) and (data[end] & 0xC0) == 0x80:
        end += 1
    snippets = [
        "x",
        "\n",
        "    ",
        "if a:\n        pass\n",
        "def g(y):\n    return y or 1\n",
        ")",
        "(",
        "é",
        "'",
        "#",
        "\n\n",
        "and b",
    ]
    text = rng.choice(snippets)
    start_line, start_char = document.buffer.position_of(start, "utf-8")
    end_line, end_char = document.buffer.position_of(end, "utf-8")
    return ContentChange(text, (start_line, start_char, end_line, end_char))


def _corpus() -> bytes:
    path = Path(sysconfig.get_paths()["stdlib"]) / "textwrap.py"
    if not path.exists():
        pytest.skip("stdlib sources unavailable")
    return path.read_bytes()


def test_incremental_index_matches_full_analysis_under_random_edits() -> None:
    rng = random.Random(7)
    document = Document.open("file:///t.py", "python", 1, _corpus().decode())
    for step in range(300):
        changes = [_random_edit(rng, document)]
        document.apply(changes, step + 2, "utf-8")
        for _ in range(rng.choice([0, 0, 1, 3])):  # several edits before one re-parse
            change = _random_edit(rng, document)
            document.apply([change], step + 2, "utf-8")
            changes.append(change)
        expected = analyze_source(document.source, "python")
        assert snapshot(document.functions) == snapshot(expected), f"step {step}: {changes}"


@pytest.mark.parametrize(
    ("language", "code"),
    [
        (
            "javascript",
            "class A {\n  m(a) { if (a) { return 1 } }\n}\nconst f = (x) => x ? 1 : 2;\nfunction g() { return h() }\n",
        ),
        (
            "go",
            "package p\nfunc A(a int) int {\n  if a > 0 { return 1 }\n  return 0\n}\nfunc (r *R) B() {}\n",
        ),
        (
            "rust",
            "#[inline]\nfn a(x: i32) -> i32 { if x > 0 { 1 } else { 2 } }\nimpl R { fn b(&self) {} }\n",
        ),
        ("java", "class A {\n  int m(int a) { if (a > 0) { return 1; } return 0; }\n  A() {}\n}\n"),
    ],
)
def test_incremental_index_other_languages(language: str, code: str) -> None:
    rng = random.Random(11)
    document = Document.open("file:///t", language, 1, code * 5)
    for step in range(150):
        document.apply([_random_edit(rng, document)], step + 2, "utf-8")
        assert snapshot(document.functions) == snapshot(analyze_source(document.source, language)), step


def test_edit_inside_function_touches_only_it() -> None:
    code = "def a():\n    return 1\n\ndef b(x):\n    return x\n"
    document = Document.open("file:///t.py", "python", 1, code)
    a, _b = document.functions
    document.apply([ContentChange(" if x else 0", (4, 12, 4, 12))], 2, "utf-16")
    assert document.pending  # nothing re-parsed yet: a keystroke only records the edit
    touched = document.take_touched()
    assert document.functions[0] is a  # untouched: same object, same hash entry
    assert document.functions[1].key in touched and document.functions[1].cyclomatic == 2
    # an insertion between functions moves what follows, re-analyses nothing
    b_hash = document.function_hash(document.functions[1])
    document.apply([ContentChange("# hi\n\n", (2, 0, 2, 0))], 3, "utf-16")
    assert document.take_touched() == set()
    assert [f.name_row for f in document.functions] == [0, 5]
    assert document.function_hash(document.functions[1]) == b_hash


def test_insertion_at_a_function_start_keeps_its_hash() -> None:
    document = Document.open("file:///t.py", "python", 1, "def a(x):\n    return x or 1\n")
    before = document.function_hash(document.functions[0])
    document.apply([ContentChange("# note\n", (0, 0, 0, 0))], 2, "utf-16")
    (function,) = document.functions
    assert function.name_row == 1
    assert document.function_hash(function) == before


def test_whole_document_change_and_bad_ranges() -> None:
    document = Document.open("file:///t.py", "python", 1, "def a():\n    pass\n")
    document.apply([ContentChange("def z(q):\n    return q or 2\n")], 2, "utf-16")
    assert [(f.name, f.cyclomatic) for f in document.functions] == [("z", 2)]
    before = document.source
    with pytest.raises(PositionError):
        document.apply([ContentChange("x", (40, 0, 41, 0))], 3, "utf-16")
    with pytest.raises(PositionError):
        document.apply([ContentChange("x", (1, 2, 0, 0))], 3, "utf-16")
    assert document.source == before
