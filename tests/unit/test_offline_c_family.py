"""The offline summarizer for C, C++ and C# (issue 18): what a function branches on, calls,
returns, throws and mutates; parameters and locals are not side effects; bad input degrades."""

from __future__ import annotations

import pytest

from mu_lsp.analysis.offline import MAX_BULLET, summarize_offline
from tests.unit.test_offline import shallow_recursion, summarize, text_of

C = """\
static int parse_header(struct parser *p, const char *line, size_t len)
{
    int i;
    size_t n = 0;
    if (len == 0 || line == NULL)
        return -1;
    for (i = 0; i < len; i++) {
        if (line[i] == ':') {
            p->name = strndup(line, i);
            n++;
            break;
        }
    }
    switch (p->state) {
    case 1: log_warn("x"); break;
    default: break;
    }
    p->count += n;
    len = 0;
    return parse_header(p, line + i, len - i);
}
"""

CPP = """\
std::optional<Entry> Cache::lookup(const std::string& key, int flags) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        misses_++;
        return std::nullopt;
    }
    for (const auto& [k, v] : it->second.deps) {
        if (v.expired()) throw StaleError(k);
    }
    try {
        refresh(it->second);
    } catch (const std::runtime_error& e) {
        logger_.warn(e.what());
    }
    std::for_each(v.begin(), v.end(), [&](int x) { total_ += x; });
    hits_ += 1;
    return it->second;
}
"""

CSHARP = """\
public async Task<Order?> Place(Customer customer, IList<Item> items)
{
    if (customer == null || items.Count == 0)
        throw new ArgumentException("empty order");
    var order = new Order(customer);
    foreach (var item in items)
    {
        if (!await _inventory.ReserveAsync(item)) return null;
        order.Total += item.Price;
    }
    try { await _repository.SaveAsync(order); }
    catch (DbException ex) { _log.Error(ex); throw; }
    this.LastOrder = order;
    return order;
}
"""


def test_c_function() -> None:
    branches, calls, outcome = summarize(C, "c", "parse_header")
    assert branches == "Branches on: len == 0 || line == NULL, line[i] == ':', switch p->state; loops while i < len"
    assert calls == "Calls: itself (recursive), strndup, log_warn"
    assert "Returns early in 1 place (a number)" in outcome
    assert "mutates p->name, p->count" in outcome
    assert outcome.split("mutates ")[1] == "p->name, p->count"  # not `len` (a parameter), `n`, `i` (locals)


def test_cpp_method() -> None:
    branches, calls, outcome = summarize(CPP, "cpp", "Cache::lookup")
    assert branches == "Branches on: it == entries_.end(), v.expired(); loops over it->second.deps"
    assert calls.startswith("Calls: entries_.find, entries_.end, refresh, logger_.warn")
    assert "throws StaleError" in outcome and "catches std::runtime_error" in outcome
    assert "mutates misses_, total_, hits_" in outcome
    assert " it" not in outcome and "x" not in outcome.split("mutates")[1]  # locals, lambda parameters


def test_csharp_method_needs_a_class_wrapper() -> None:
    branches, calls, outcome = summarize(CSHARP, "csharp", "OrderService.Place")
    assert branches.startswith(
        "Branches on: customer == null || items.Count == 0, !await _inventory.ReserveAsync(item)"
    )
    assert branches.endswith("loops over items")
    assert calls == "Calls: Order, _inventory.ReserveAsync, _repository.SaveAsync"
    assert "throws ArgumentException" in outcome and "re-raises" in outcome
    assert "Returns early in 1 place (null)" in outcome
    assert "mutates this.LastOrder" in outcome and "order" not in outcome.split("mutates")[1]


@pytest.mark.parametrize(
    ("source", "language", "expected"),
    [
        ("int f(void) { return 42; }", "c", "Returns a constant (42)"),
        ("void f() {}", "cpp", "Does nothing (empty body)"),
        ('string F() => "x";', "csharp", 'Returns a constant ("x")'),
        ("int Get() { return _count; }", "csharp", "Returns _count"),
        ("int Get() => _count;", "csharp", "Returns _count"),
    ],
)
def test_trivial_functions_get_one_bullet(source: str, language: str, expected: str) -> None:
    assert summarize(source, language) == [expected]


@pytest.mark.parametrize(
    ("language", "source", "mentions"),
    [
        ("c", "int f(int x) { if (x > ) { persist(x); } log(", "persist"),
        ("cpp", "void f(int x) { if (x > ) { store(x); } auto y = ;", "store"),
        ("csharp", "void F(int x) { if (x > ) { Save(x) } Log(", "Save"),
    ],
)
def test_syntax_errors_degrade_gracefully(language: str, source: str, mentions: str) -> None:
    assert mentions in text_of(summarize(source, language))


@pytest.mark.parametrize("source", ["\x00\x01\x02", "int f(:\n\ud800", "}{)(][" * 50, "#" * 1000, "/* open"])
@pytest.mark.parametrize("language", ["c", "cpp", "csharp"])
def test_garbage_never_raises(source: str, language: str) -> None:
    summarize(source, language)


DEPTH = 3000
NESTED = [
    ("c", "int f(int x) { return g(" + "(" * DEPTH + "x" + ")" * DEPTH + "); }", "g"),
    ("cpp", "void f(int x) {" + "if (x > 1) {" * DEPTH + "g(x);" + "}" * DEPTH + "}", "g"),
    ("csharp", "int F(int x) { return G(" + "(" * DEPTH + "x" + ")" * DEPTH + "); }", "G"),
]


@pytest.mark.parametrize(("language", "source", "callee"), NESTED, ids=[n[0] for n in NESTED])
def test_deep_nesting_is_walked_iteratively(language: str, source: str, callee: str) -> None:
    with shallow_recursion():
        bullets = summarize_offline(source, language, "f")
    assert 1 <= len(bullets) <= 3 and all(len(b) <= MAX_BULLET for b in bullets)
    assert "could not be read" not in bullets[0]
    assert callee in text_of(bullets)
