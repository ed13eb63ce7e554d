"""Word lists for the offline summarizer: callees that say nothing, calls that change their
receiver or may panic, and I/O by category."""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: callees too common to say anything (matched on the last name part)
TRIVIAL = _words(
    """len str int float bool list dict set tuple frozenset bytes isinstance issubclass range enumerate
    zip repr type super getattr hasattr setattr min max sorted reversed iter next map filter any all
    abs round format id hash callable vars object strip lstrip rstrip split lower upper startswith
    endswith items keys values copy encode decode replace join
    toString valueOf equals hashCode size isEmpty length trim toLowerCase toUpperCase startsWith
    endsWith includes indexOf slice concat forEach reduce some every parseInt parseFloat String
    Number Boolean Array Object Map Set Error Date RegExp Symbol isArray
    Some Ok Err Box Vec to_string to_owned clone into iter collect as_str as_ref is_empty unwrap_or
    unwrap_or_default unwrap_or_else format! vec! matches! assert! assert_eq! assert_ne! debug_assert!
    make new cap append Unlock RUnlock Sprintf Sprint ArrayList HashMap HashSet LinkedList TreeMap StringBuilder
    Integer Long Double requireNonNull fmt.Errorf errors.New
    Vec.new Vec.with_capacity String.new String.from HashMap.new HashSet.new BTreeMap.new Default.default"""
)
#: methods that change their receiver: a side effect unless the receiver is a fresh local
MUTATORS = _words(
    """append extend update pop popleft appendleft remove add discard setdefault clear insert sort
    reverse put put_nowait push unshift shift splice set delete fill retain truncate drain dedup
    push_back push_front pop_back pop_front addAll removeAll putAll putIfAbsent computeIfAbsent
    offer poll Store Delete"""
)
#: calls that mean "this may panic" in Go and Rust
PANICS = frozenset({"panic", "panic!", "unreachable!", "todo!", "unimplemented!", "unwrap", "expect"})
CATCH_ALL = frozenset({"recover"})

#: I/O by category. "x." or "x*" match a dotted segment anywhere; "=x" only exactly; "x" exactly
#: or as the last segment(s).
IO_RULES: tuple[tuple[str, str], ...] = (
    (
        "file I/O",
        """open os.remove os.unlink os.rename os.replace os.makedirs os.mkdir os.rmdir os.listdir
        os.scandir os.walk shutil. read_text write_text read_bytes write_bytes json.dump json.load
        pickle. fs. fsPromises. readFile writeFile os.Open* os.Create os.ReadFile os.WriteFile
        os.Remove* os.MkdirAll ioutil. File.open File.create OpenOptions. Files. FileReader FileWriter
        FileInputStream FileOutputStream""",
    ),
    (
        "network I/O",
        """requests. httpx. urllib. urlopen aiohttp. socket. fetch axios. http.Get http.Post
        http.NewRequest* net.Dial* reqwest. HttpClient. openConnection""",
    ),
    (
        "runs processes",
        """subprocess. os.system os.popen os.exec* exec.Command* child_process. =spawn =execSync
        =execFile Command.new ProcessBuilder""",
    ),
    (
        "logs",
        """logging. logger. log. LOG. LOGGER. console. warnings.warn info! warn! error! debug! trace!
        slog.""",
    ),
    (
        "prints",
        """=print System.out. System.err. fmt.Print* fmt.Fprint* println! eprintln! print! eprint!
        sys.stdout. sys.stderr. process.stdout.""",
    ),
)


def _category_pattern(patterns: str) -> re.Pattern[str]:
    """One regex per category: a call is checked against five patterns, not a hundred."""
    alternatives = []
    for pattern in patterns.split():
        if pattern.startswith("="):
            alternatives.append(f"^{re.escape(pattern[1:])}$")
        elif pattern.endswith((".", "*")):
            alternatives.append(rf"(?:^|\.){re.escape(pattern.rstrip('*'))}")
        else:
            alternatives.append(rf"(?:^|\.){re.escape(pattern)}$")
    return re.compile("|".join(alternatives))


_IO_PATTERNS = tuple((category, _category_pattern(patterns)) for category, patterns in IO_RULES)


@lru_cache(maxsize=4096)
def io_category(dotted: str) -> str | None:
    """The I/O category of a callee written with "." separators, if it is one."""
    for category, pattern in _IO_PATTERNS:
        if pattern.search(dotted):
            return category
    return None
