"""Secrets known by the name they are assigned to, whatever the value looks like.

`db_password = "…"`, `API_KEY=…`, `"client_secret": "…"`, `setPassword("…")`,
`<password>…</password>`: a name that ENDS in password/passwd/pwd/secret/token/auth/
credential(s)/api_key/access_key/… followed by `=`, `:`, `:=`, `=>` (Python, JS/TS, Go, Rust,
Java, YAML, JSON, TOML, PHP), a setter call, an XML element, or `=` in .env, shell,
.properties, query-string and command-line-flag syntax. This is the detector with the most
syntax to know and the most code to leave alone (`token = self.token`, `password: str`), so
it has its own module; the value checks it shares with the others are in `heuristics`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mu_lsp.privacy.redact.findings import ASSIGNMENT, Candidate
from mu_lsp.privacy.redact.heuristics import is_placeholder, looks_like_type, looks_random

# Assignments to secret-looking names. The name must END with one of the words, so that
# `db_password`, `API_KEY` and `authToken` count and `token_type` or `password_prompt` do not.
# The roots are found with str.find on the lowercased text; the name around each is then
# checked, and the assignment after it matched in place.
_ROOTS = ("pass", "pwd", "secret", "token", "auth", "cred", "key")
_SECRET_NAME = re.compile(
    r"(?:password|passwd|passphrase|pwd|secret|token|auth|credentials?"
    r"|(?:api|access|private|secret|signing|encryption|master|session|client|app|license)"
    r"[_\-]?key)\d*$"  # ending the name: searched with `endpos` at the name's end
)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
_ASSIGNMENT_TAIL = re.compile(
    r"(?P<close>[\"'`\]]{0,3})"  # closing quote or bracket of a key: "password": / cfg["token"] =
    r"(?:\s*:\s*(?!=)[\w.\[\], |&']{1,40}?(?=\s*=)"  # annotation: `password: str = `
    r"|[ \t]+(?:string|\[\]byte)(?=\s*=))?"  # Go: `var token string = `
    r"[ \t]*(?P<sep>(?<![=!<>])=(?![=>~])|:=|:(?![:=])|=>|\((?=[ \t]*[rRbBuU]{0,2}[\"'`]))[ \t]*"
    r"(?:"
    r"(?:[rRbBuU]{1,2})?"
    r"(?:\"\"\"(?P<tdq>[^\"\\]{1,300})\"\"\"|'''(?P<tsq>[^'\\]{1,300})'''"  # Python's triple quotes
    r"|\"(?P<dq>(?:[^\"\\\n]|\\.){1,300})\"|'(?P<sq>(?:[^'\\\n]|\\.){1,300})'|`(?P<bt>[^`\\\n]{1,300})`)"
    # A bare value must end its line (YAML, .env, a query string), bar closing punctuation
    # and a comment; otherwise it is the start of an expression or of a sentence.
    r"|(?P<bare>[^\s\"'`,;(){}\[\]<>\\|&]{6,200}+)"
    r"(?=[ \t]*(?:[,;)}\]\"'`&][ \t]*)*(?:(?:#|//)[^\n]*)?(?:\r?\n|$)|&|[ \t]+--?[A-Za-z])"
    r")"
)
_PASSWORD_WORDS = ("password", "passwd", "passphrase", "pwd")
_CODE = re.compile(
    r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*[?!]?"  # names: self.token, Config::KEY
    r"|[-+]?(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?)[jJlLuUfFnN]{0,3}"
)


def assignments(text: str, lowered: str) -> Iterator[Candidate]:
    seen: set[int] = set()
    size = len(text)
    for root in _ROOTS:
        index = lowered.find(root)
        while index != -1:
            end = index + len(root)
            while end < size and lowered[end] in _NAME_CHARS:
                end += 1
            index = lowered.find(root, end)
            if end in seen:
                continue
            seen.add(end)
            word = _SECRET_NAME.search(lowered, max(0, end - 24), end)
            if word is None:
                continue
            match = _ASSIGNMENT_TAIL.match(text, end)
            if match is not None:
                yield from _assigned_value(text, match, word.start(), word.group())


def _assigned_value(text: str, match: re.Match[str], word_start: int, word: str) -> Iterator[Candidate]:
    kind = "password_assignment" if word.startswith(_PASSWORD_WORDS) else "secret_assignment"
    name = _name_before(text, word_start) + word
    if match.group("sep") == "(" and not name.startswith(("set", "with")):
        return  # setPassword("…") and withToken("…") set a secret; get_token("name") does not
    group = next((g for g in ("tdq", "tsq", "dq", "sq", "bt") if match.group(g) is not None), "bt")
    quoted = match.group(group)
    if quoted is not None:
        if is_placeholder(quoted, word) or _names_itself(quoted, name):
            return
        if match.group("sep") == ":" and not match.group("close") and looks_like_type(quoted):
            return  # `credentials: "Credentials | None"`, a quoted annotation
        yield kind, match.start(group), match.end(group), ASSIGNMENT
        return
    bare = match.group("bare")
    if is_placeholder(bare, word) or _names_itself(bare, name):
        return
    if not _value_context(text, match, word_start):
        if match.group("sep") == ":" and text[match.start("bare") - 1] not in " \t":
            return  # YAML wants a space after the colon; "urn:ietf:params:oauth:token-type"
        if "." in bare and _CODE.fullmatch(bare):
            return  # `auth = httpx.USE_CLIENT_DEFAULT`
        if not looks_random(bare) and (_CODE.fullmatch(bare) or not any(c.islower() for c in bare)):
            return  # `password = read_password`, `AUTH=PLAIN`: a name or a keyword, not a value
    yield kind, match.start("bare"), match.end("bare"), ASSIGNMENT


def _name_before(text: str, word_start: int) -> str:
    start = word_start
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
        start -= 1
    return text[start:word_start].lower()


def _names_itself(value: str, name: str) -> bool:
    """Enum members and constants named after their value: `oauth2 = "oauth2"`,
    `NO_AUTH = "no-auth"`, `USERNAME_PASSWORD = "profile-username-password"`."""
    value = value.lower().replace("-", "_")
    name = name.replace("-", "_").strip("_")
    return value == name or ("_" in name and value.endswith("_" + name))


def _value_context(text: str, match: re.Match[str], word_start: int) -> bool:
    """Where a bare word glued to `=` is a value, not a variable (code formatters put spaces
    around `=`, except in keyword arguments): a query string (`?access_key=Q9xL2m&…`), a
    command-line flag (`--password=hunter22`), a shell or .env line (`DB_PASSWORD=hunter22`),
    a .properties or .ini line (`spring.datasource.password=hunter22`, unindented, alone)."""
    equals = match.start("bare") - 1
    if text[equals] != "=" or text[equals - 1] in " \t":
        return False
    start = word_start
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
        start -= 1
    name = text[start:equals]
    if name.startswith("-") or (start > 0 and text[start - 1] in "?&"):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    if indent.strip() not in ("", "export", "set", "#"):
        return False
    if name.isupper():
        return True
    line_end = text.find("\n", equals)
    rest = text[match.end("bare") : len(text) if line_end == -1 else line_end]
    return not indent and not rest.strip()


# <password>hunter22</password> in Maven settings, web.config, Spring XML; on the lowered text.
_XML_ELEMENT = re.compile(
    r"<((?:[a-z0-9]+[_\-.:])?(?:password|passwd|secret|token|apikey|api[_\-]key|access[_\-]?key"
    r"|client[_\-]?secret|secret[_\-]?key))>([^<\n]{6,300})</\1>"
)


def xml_elements(text: str, lowered: str) -> Iterator[Candidate]:
    if "</" not in text:
        return
    for match in _XML_ELEMENT.finditer(lowered):
        value = text[match.start(2) : match.end(2)]
        name = match.group(1)
        if not is_placeholder(value, name):
            kind = "password_assignment" if "pass" in name else "secret_assignment"
            yield kind, match.start(2), match.end(2), ASSIGNMENT
