"""Generated files of complex functions in the C family (issue 18), for the server benchmark.

Each function is the same shape as `tests/support/sources.complex_function` (above both
default thresholds); `salt` changes its body so no two hash alike.
"""

from __future__ import annotations

_BODY = """\
    int total = {salt};
    for (int i = 0; i < count; i++) {{
        int item = items[i];
        if (item < 0 || item == 7) {{
            continue;
        }}
        if (mode == 1 && item > limit) {{
            for (int part = 0; part < item; part++) {{
                if (part % 2 && part > limit) {{
                    total -= part;
                }} else if (part || mode) {{
                    total += 1;
                }}
            }}
        }} else if (mode == 2) {{
            total += 2;
        }}
    }}
    return total;
}}

"""

HEADERS = {
    "c": "int {name}(const int *items, int count, int mode, int limit)\n{{\n",
    "cpp": "int Handlers::{name}(const int *items, int count, int mode, int limit)\n{{\n",
    "csharp": "public int {name}(int[] items, int count, int mode, int limit)\n{{\n",
}
EXTENSIONS = {"c": "c", "cpp": "cpp", "csharp": "cs"}


def family_file(language: str, lines_target: int) -> tuple[str, list[int]]:
    """(text, rows of the function names) of a file of about `lines_target` lines."""
    parts: list[str] = ["class Handlers\n{\n"] if language == "csharp" else []
    rows: list[int] = []
    row = sum(p.count("\n") for p in parts)
    index = 0
    while row < lines_target:
        header = HEADERS[language].format(name=f"handler_{index}")
        body = _BODY.format(salt=index)
        rows.append(row)
        parts.append(header + body)
        row += header.count("\n") + body.count("\n")
        index += 1
    if language == "csharp":
        parts.append("}\n")
    return "".join(parts), rows
