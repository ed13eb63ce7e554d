"""From a model's answer (untrusted text) to 1-3 summary lines.

The prompt asks for `Does:` / `Uses:` / `Effects:` lines, but answers come in every shape:
bullets of any marker (`-`, `*`, `+`, `•`, `1.`), labels as headings with sub-bullets,
wrapped lines, one paragraph, code fences, a preamble. What is kept:

* the `Does:` label is dropped (its text reads as a sentence, and the lens shows it);
  `Uses:` and `Effects:` stay, because their text is a fragment ("none", "writes the plan
  to log_path") whose meaning depends on the label;
* synonyms map onto the three slots ("Side effects:", "Raises:" join `Effects:`;
  "Returns:" joins `Does:`), so an answer with more labels still gives 3 lines;
* with more than 3 unlabelled items, the first is kept and then those naming effects
  (raises, writes, mutates ...): models put these last, and a plain cut lost them;
* inline code is left alone (`__init__` stays `__init__`); only `**bold**` and `*italic*`
  markers outside backticks are removed.

`UnparseableAnswer` means "ask again": the pool retries once with `stricter()` messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_BULLETS = 3
MAX_BULLET_CHARS = 220


class UnparseableAnswer(ValueError):
    """The model's answer holds nothing usable as a summary; worth one stricter retry."""


DOES, USES, EFFECTS = "does", "uses", "effects"
# label (lowercase, spaces collapsed) -> (slot, prefix kept when merged into that slot)
_LABELS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("does", "what it does", "purpose", "summary", "description", "overview", "behavior", "behaviour"),
        (DOES, ""),
    ),
    **dict.fromkeys(("function", "what", "action", "it does"), (DOES, "")),
    "returns": (DOES, "returns "),
    "return value": (DOES, "returns "),
    "output": (DOES, "returns "),
    **dict.fromkeys(
        ("uses", "dependencies", "key dependencies", "depends on", "relies on", "calls", "key calls"),
        (USES, ""),
    ),
    **dict.fromkeys(("effects", "side effects", "side effect", "effect", "mutates"), (EFFECTS, "")),
    **dict.fromkeys(("raises", "throws", "errors", "exceptions", "panics", "error handling"), (EFFECTS, "raises ")),
    "writes": (EFFECTS, "writes "),
}
# Labels that, alone on a line, head a list of ordinary items rather than one slot.
_HEADINGS = frozenset(("summary", "overview", "description"))
_SLOT_PREFIX = {DOES: "", USES: "Uses: ", EFFECTS: "Effects: "}
_SLOT_ORDER = {DOES: 0, USES: 1, EFFECTS: 2}

_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+•‣▪◦–—]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_LABEL = re.compile(r"^[*_]{0,2}(?P<label>[A-Za-z][A-Za-z' -]{1,30}?)[*_]{0,2}\s*:[*_]{0,2}\s*(?P<rest>.*)$")
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_PREAMBLE = re.compile(r"^(sure|certainly|of course|okay|ok|here(?:'s| is| are)|below is|the following)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`])")
_EFFECT_WORDS = re.compile(
    r"\b(rais|throw|error|exception|panic|writ|delet|remov|modif|mutat|updat|append|insert|log|print|"
    r"send|sets?\b|store|save|commit|rollback|close|lock|increment|decrement|rename|unlink)",
    re.I,
)
_NONE = re.compile(r"^\s*(none|n/a|nothing)\W*$", re.I)
_PROSE_FENCES = frozenset(("", "markdown", "md", "text", "txt", "plaintext"))


@dataclass(slots=True)
class _Item:
    text: str
    indent: int
    slot: str | None = None  # the label's slot, if the item is labelled
    header: bool = False  # a label with nothing after it: its text follows on the next lines
    children: list[str] = field(default_factory=list)


def parse_summary(answer: str | None) -> list[str]:
    """1-3 lines from a model's answer; raises `UnparseableAnswer` when nothing usable is there."""
    if answer is None or not answer.strip():
        raise UnparseableAnswer("the model returned an empty answer")
    outside, prose_fenced = _split_fences(_THINK.sub("", answer.replace("\r\n", "\n").replace("\r", "\n")))
    items = _items(outside, allow_paragraphs=True) or _items(prose_fenced, allow_paragraphs=False)
    lines = _select(_merge(items))
    if not lines:
        raise UnparseableAnswer("the model's answer had no bullet points or labelled lines")
    return lines


def _split_fences(text: str) -> tuple[list[str], list[str]]:
    """Lines outside code fences, and lines inside fences that hold prose (untagged or markdown)."""
    outside: list[str] = []
    prose: list[str] = []
    fence = ""
    info = ""
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence:
            if match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence):
                fence = ""
                outside.append("")  # a fence ends an item
            elif info in _PROSE_FENCES:
                prose.append(line)
            continue
        if match:
            fence, info = match.group("fence"), match.group("info").lower()
            outside.append("")
            continue
        outside.append(line)
    return outside, prose


def _items(lines: list[str], *, allow_paragraphs: bool) -> list[_Item]:
    """List items (with wrapped continuation lines) and labelled lines; else paragraph sentences."""
    items: list[_Item] = []
    paragraphs: list[list[str]] = [[]]
    current: _Item | None = None
    blank_before = False
    for line in lines:
        if not line.strip():
            blank_before = True
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        heading = _HEADING.match(line)
        if heading or _RULE.match(line):
            current, blank_before = None, True
            titled = _labelled(line[heading.end() :], 0) if heading else None
            if titled is not None and titled.slot is not None and titled.header:  # "## Effects"
                current, blank_before = titled, False
                items.append(current)
            continue
        indent = len(line) - len(line.lstrip())
        match = _ITEM.match(line)
        labelled = _labelled(match.group("text") if match else line.strip(), indent)
        if match is not None or labelled.slot is not None or labelled.header:
            current = labelled
            items.append(current)
        elif current is not None and (not blank_before or indent > current.indent or _awaits_text(current)):
            if current.header and not current.children:
                current.children.append(line.strip())
            elif current.header:
                current.children[-1] += " " + line.strip()
            else:
                current.text += " " + line.strip()
        else:
            current = None
            paragraphs[-1].append(line.strip())
        blank_before = False
    items = _nest(items)
    if items or not allow_paragraphs:
        return items
    sentences = [s for p in paragraphs if p for s in _SENTENCE_END.split(" ".join(p))]
    return [_Item(s, 0) for s in sentences if not _PREAMBLE.match(s) and not s.rstrip().endswith(":")]


def _awaits_text(item: _Item) -> bool:
    """A label heading with nothing under it yet takes the next paragraph, even after a blank line."""
    return item.header and item.slot is not None and not item.children


def _labelled(text: str, indent: int) -> _Item:
    text = _strip_emphasis(text).strip()
    match = _LABEL.match(text)
    if match is None and text.lower().strip(" *_#") in _LABELS:  # a bare "Effects" or "**Uses**"
        match = _LABEL.match(text.strip(" *_#") + ":")
    if match is None:
        return _Item(text, indent)
    label = " ".join(match.group("label").lower().replace("-", " ").split())
    known = _LABELS.get(label) or _LABELS.get(label.removeprefix("key "))
    rest = match.group("rest").strip()
    if known is None or (not rest and label in _HEADINGS):
        # An unknown short label: a heading ("Key points:") when nothing follows, else plain text.
        return _Item(text, indent, header=not rest)
    slot, prefix = known
    if prefix and _NONE.match(rest):  # "Raises: none" adds nothing; "Returns: none" neither
        return _Item("none" if slot == EFFECTS else "", indent, slot=slot)
    return _Item(prefix + rest if rest else prefix.strip(), indent, slot=slot, header=not rest)


def _nest(items: list[_Item]) -> list[_Item]:
    """Deeper items belong to the item above: joined into a label header, dropped under plain items."""
    kept: list[_Item] = []
    for item in items:
        parent = kept[-1] if kept else None
        if parent is not None and item.indent > parent.indent:
            if parent.header:
                parent.children.append(item.text)
            continue
        if parent is not None and parent.header and parent.slot is not None and item.slot is None and not item.header:
            parent.children.append(item.text)  # "Effects:" then its items at the same level
            continue
        kept.append(item)
    result: list[_Item] = []
    for item in kept:
        if item.header and item.slot is None:
            result.extend(_Item(child, item.indent) for child in item.children)  # drop the heading
        elif item.header:
            joined = "; ".join(c.rstrip(".;") for c in item.children if c)
            if joined or item.text:
                result.append(_Item(f"{item.text} {joined}".strip() if item.text else joined, item.indent, item.slot))
        else:
            result.append(item)
    return result


def _merge(items: list[_Item]) -> list[_Item]:
    """One line per labelled slot (in slot order), unlabelled items after them."""
    slots: dict[str, _Item] = {}
    plain: list[_Item] = []
    for item in items:
        if not item.text:
            continue
        if item.slot is None:
            plain.append(item)
        elif item.slot in slots:
            kept = slots[item.slot]
            if _NONE.match(kept.text):
                kept.text = item.text
            elif not _NONE.match(item.text):
                kept.text = f"{kept.text.rstrip('.;')}; {item.text}"
        else:
            slots[item.slot] = _Item(item.text, item.indent, item.slot)
    labelled = sorted(slots.values(), key=lambda i: _SLOT_ORDER[i.slot or DOES])
    if labelled and plain and DOES not in slots:
        plain[0].slot = DOES  # an unlabelled opening sentence is the "Does" line
        return [plain[0], *labelled, *plain[1:]]
    return [*labelled, *plain]


def _select(items: list[_Item]) -> list[str]:
    if len(items) > MAX_BULLETS:
        first, rest = items[0], items[1:]
        ranked = sorted(
            range(len(rest)),
            key=lambda i: (rest[i].slot is None, not _EFFECT_WORDS.search(rest[i].text), i),
        )
        chosen = sorted(ranked[: MAX_BULLETS - 1])
        items = [first, *(rest[i] for i in chosen)]
    lines = []
    for item in items:
        text = _finish(item.text)
        if not text:
            continue
        prefix = _SLOT_PREFIX[item.slot] if item.slot else ""
        # Only text whose label was removed ("Does: parses") is capitalized; the model's own is kept.
        lines.append(_clip(prefix + (_capitalize(text) if item.slot == DOES else text)))
    return lines


def _strip_emphasis(text: str) -> str:
    """Remove `**`/`*` markers outside code spans; code spans (and so dunders) are kept verbatim."""
    parts = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(_ITALIC.sub(r"\1", _BOLD.sub(r"\1", text[last : span.start()])))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_ITALIC.sub(r"\1", _BOLD.sub(r"\1", text[last:])))
    return "".join(parts)


def _finish(text: str) -> str:
    return " ".join(_strip_emphasis(text).split()).strip(" ;")


def _capitalize(text: str) -> str:
    """A sentence starts upper-case, but an identifier (`parseLongArg`, `os.replace`) keeps its case."""
    return text[0].upper() + text[1:] if re.match(r"[a-z]+(?=$|[\s,;:!?])", text) else text


def _clip(text: str) -> str:
    """At most MAX_BULLET_CHARS, cut at a word boundary."""
    if len(text) <= MAX_BULLET_CHARS:
        return text
    cut = text[: MAX_BULLET_CHARS - 1]
    space = cut.rfind(" ")
    if space > MAX_BULLET_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
