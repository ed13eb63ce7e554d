"""The offline summarizer: structural bullets read off the syntax tree, for every language.

Each realistic function is checked for what its bullets must mention (conditions, callees,
mutations, returns/raises) and, where it matters, what they must not (locals are not side
effects, trivial builtins are not "calls"). Robustness: syntax errors, empty input, huge and
deeply nested functions, unknown languages; output is plain, bounded and deterministic.
"""

from __future__ import annotations

import inspect
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from mu_lsp.analysis.offline import MAX_BULLET, summarize_offline
from mu_lsp.analysis.offline.phrasing import clip
from mu_lsp.analysis.parsing import parse

PYTHON = '''\
    @retry(times=3)
    def load_config(self, name, level=0):
        """Load a config file, merging includes."""
        if not name:
            return None
        if isinstance(name, Path):
            name = str(name)
        elif level > 3:
            raise ValueError(f"include depth exceeded at {name}")
        path = os.path.join(self.root, name)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.loads(handle.read())
        except (OSError, json.JSONDecodeError) as error:
            logger.warning("cannot read %s: %s", path, error)
            raise ConfigError(path) from error
        merged = {}
        for include in data.get("include", []):
            child = self.load_config(include, level + 1)
            if child:
                merged.update(child)
        for key, value in data.items():
            if key == "include":
                continue
            merged[key] = self._coerce(key, value)
        self.cache[name] = merged
        self.loaded += 1
        self.history.append(name)
        return merged
'''

JAVASCRIPT = """\
async function syncUsers(client, users, options = {}) {
  if (!client || !client.connected) {
    throw new Error("client not connected");
  }
  const results = [];
  const batchSize = options.batchSize ?? 50;
  for (const batch of chunk(users, batchSize)) {
    const response = await fetch(`${client.baseUrl}/users`, {
      method: "POST",
      body: JSON.stringify(batch),
    });
    if (!response.ok) {
      console.error("batch failed", response.status);
      state.failures += 1;
      continue;
    }
    const body = await response.json();
    for (const user of body.users) {
      switch (user.status) {
        case "created":
          cache.set(user.id, user);
          results.push(user);
          break;
        case "conflict":
          await resolveConflict(client, user);
          break;
        default:
          logger.warn("unknown status", user.status);
      }
    }
  }
  client.lastSync = Date.now();
  return { synced: results.length, failures: state.failures };
}
"""

TYPESCRIPT_METHOD = """\
  public async resolve(request: Request, depth = 0): Promise<Route | null> {
    if (depth > this.maxDepth) {
      throw new RangeError(`too many redirects: ${depth}`);
    }
    const key = this.keyFor(request);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    let route: Route | null = null;
    for (const matcher of this.matchers) {
      if (!matcher.accepts(request.method)) {
        continue;
      }
      const match = matcher.match(request.path);
      if (match) {
        route = this.buildRoute(matcher, match);
        break;
      }
    }
    if (route?.redirect) {
      return this.resolve(this.rewrite(request, route.redirect), depth + 1);
    }
    this.cache.set(key, route);
    this.misses++;
    return route;
  }
"""

TSX = """\
export function OrderTable({ orders, onSelect, filter }: Props): JSX.Element {
  const [sortKey, setSortKey] = useState<keyof Order>("date");
  if (!orders.length) {
    return <EmptyState message="No orders yet" />;
  }
  const visible = orders.filter((order) => matches(order, filter));
  visible.sort((a, b) => compare(a[sortKey], b[sortKey]));
  switch (filter.view) {
    case "compact":
      telemetry.count("orders.compact");
      break;
    case "export":
      if (visible.length > MAX_EXPORT) {
        throw new ExportLimitError(visible.length);
      }
      break;
  }
  return (
    <table className="orders">
      <tbody>
        {visible.map((order) => (
          <Row key={order.id} order={order} onClick={() => onSelect(order.id)} />
        ))}
      </tbody>
    </table>
  );
}
"""

GO = """\
func (s *Store) Apply(ctx context.Context, batch []Op) (int, error) {
	if len(batch) == 0 {
		return 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	applied := 0
	for _, op := range batch {
		switch op.Kind {
		case OpPut:
			if err := s.validate(op); err != nil {
				return applied, fmt.Errorf("op %d: %w", applied, err)
			}
			s.data[op.Key] = op.Value
		case OpDelete:
			delete(s.data, op.Key)
		default:
			return applied, ErrUnknownOp
		}
		applied++
	}
	if err := s.wal.Append(batch); err != nil {
		log.Printf("wal append failed: %v", err)
		return applied, err
	}
	s.version++
	go s.notify(ctx, applied)
	return applied, nil
}
"""

RUST = """\
    pub fn parse_header(&mut self, line: &str) -> Result<Header, ParseError> {
        let line = line.trim_end();
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        let (name, value) = match line.split_once(':') {
            Some(pair) => pair,
            None => return Err(ParseError::MissingColon(line.to_string())),
        };
        let name = name.trim().to_ascii_lowercase();
        if name.len() > MAX_NAME {
            return Err(ParseError::TooLong(name.len()));
        }
        let value = decode_value(value.trim())?;
        let mut seen = Vec::new();
        for token in value.split(',') {
            seen.push(token.to_string());
            self.tokens.push(token.to_string());
        }
        self.count += 1;
        let header = Header::new(name, value);
        self.headers.insert(header.name.clone(), header.clone());
        Ok(header)
    }
"""

JAVA = """\
    @Override
    public Order placeOrder(Customer customer, List<Item> items) throws InventoryException {
        if (customer == null || items.isEmpty()) {
            throw new IllegalArgumentException("customer and items are required");
        }
        BigDecimal total = BigDecimal.ZERO;
        for (Item item : items) {
            int available = inventory.available(item.getSku());
            if (available < item.getQuantity()) {
                throw new InventoryException(item.getSku());
            }
            total = total.add(item.getPrice().multiply(BigDecimal.valueOf(item.getQuantity())));
        }
        switch (customer.getTier()) {
            case GOLD:
                total = total.multiply(GOLD_DISCOUNT);
                break;
            default:
                break;
        }
        Order order = new Order(customer, items, total);
        try {
            repository.save(order);
        } catch (DataAccessException e) {
            LOG.error("could not save order", e);
            return null;
        }
        this.ordersPlaced++;
        pending.add(order);
        return order;
    }
"""


def summarize(source: str, language: str, name: str = "f") -> list[str]:
    bullets = summarize_offline(source, language, name)
    assert 1 <= len(bullets) <= 3, bullets
    for bullet in bullets:
        assert bullet.strip() == bullet and "\n" not in bullet and 0 < len(bullet) <= MAX_BULLET, bullet
        assert not bullet.startswith(("-", "*", "#", ">")) and "**" not in bullet, bullet
    return bullets


def text_of(bullets: list[str]) -> str:
    return " | ".join(bullets)


# -- one realistic function per language ------------------------------------------------------


def test_python_method() -> None:
    bullets = summarize(PYTHON, "python", "Loader.load_config")
    branches, calls, outcome = bullets
    assert branches.startswith("Branches on: not name, isinstance(name, Path), level > 3")
    assert "loops over" in branches and "data.items()" in branches
    assert calls.startswith("Calls: itself (recursive)")
    assert "json.loads" in calls and "self._coerce" in calls
    assert "isinstance" not in calls and "str" not in calls.split(": ", 1)[1].split(", ")
    # `merged` is only ever a dict or None, and `self.cache[...]` is state the method changes
    assert "Returns a dict or None, early in 1 place" in outcome
    assert "raises ValueError, ConfigError" in outcome
    assert "mutates self.cache[name]" in outcome
    assert "merged" not in outcome.split("mutates", 1)[1]  # a local being filled is no side effect


def test_javascript_function() -> None:
    branches, calls, outcome = summarize(JAVASCRIPT, "javascript", "syncUsers")
    assert branches == "Branches on: !client || !client.connected, !response.ok, switch user.status"
    assert calls.startswith("Calls: chunk, JSON.stringify, resolveConflict")
    assert "Returns an object" in outcome and "throws Error" in outcome
    assert "mutates state.failures, cache, client.lastSync" in outcome
    assert "results" not in outcome  # `results` is a local array
    assert "network I/O (fetch)" in outcome


def test_typescript_method_needs_a_class_wrapper() -> None:
    assert parse(TYPESCRIPT_METHOD.encode(), "typescript").root_node.has_error
    branches, calls, outcome = summarize(TYPESCRIPT_METHOD, "typescript", "Router.resolve")
    assert branches.startswith("Branches on: depth > this.maxDepth, cached !== undefined, route?.redirect")
    assert "loops over this.matchers" in branches
    assert calls.startswith("Calls: itself (recursive), this.keyFor")
    assert "this.buildRoute" in calls
    assert "Returns early in 2 places" in outcome and "throws RangeError" in outcome
    assert "mutates this.hits, this.cache, this.misses" in outcome


def test_tsx_component() -> None:
    branches, calls, outcome = summarize(TSX, "tsx", "OrderTable")
    assert branches == "Branches on: !orders.length, switch filter.view, visible.length > MAX_EXPORT"
    assert calls.startswith("Calls: useState, matches, compare, telemetry.count")
    assert "Returns JSX, early in 1 place" in outcome and "throws ExportLimitError" in outcome
    assert "visible" not in outcome  # sorting a local copy changes nothing outside


def test_go_method() -> None:
    branches, calls, outcome = summarize(GO, "go", "Store.Apply")
    assert branches == "Branches on: len(batch) == 0, switch op.Kind, err != nil; loops over batch"  # code order
    assert calls == "Calls: mu.Lock, s.validate, wal.Append, s.notify"  # Unlock, len, Errorf are noise
    assert "Returns early in 4 places" in outcome and "returns errors in 3 places" in outcome
    assert "mutates s.data[op.Key], s.version" in outcome
    assert "applied" not in outcome  # a local counter


def test_rust_method() -> None:
    branches, calls, outcome = summarize(RUST, "rust", "Parser::parse_header")
    assert branches.startswith("Branches on: line.is_empty(), match line.split_once(':'), name.len() > MAX_NAME")
    assert calls.startswith("Calls: decode_value, Header::new")
    assert "ParseError" not in calls and "Vec::new" not in calls  # enum values and empty vectors
    assert "Returns Ok or Err, early in 3 places" in outcome
    assert "mutates self.tokens, self.count, self.headers" in outcome
    assert "seen" not in outcome


def test_java_method() -> None:
    branches, calls, outcome = summarize(JAVA, "java", "OrderService.placeOrder")
    assert branches.startswith(
        "Branches on: customer == null || items.isEmpty(), available < item.getQuantity(), switch customer.getTier()"
    )
    assert calls.startswith("Calls: inventory.available, Order, repository.save")
    assert "Returns an Order or null" in outcome
    assert "throws InventoryException" in outcome  # declared, and thrown
    assert "mutates this.ordersPlaced, pending" in outcome


def test_java_constructor_needs_a_class_wrapper() -> None:
    source = """\
    public Account(String owner, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.owner = Objects.requireNonNull(owner);
        this.limit = limit;
        registry.register(this);
    }
"""
    assert parse(source.encode(), "java").root_node.has_error  # a constructor cannot stand alone
    bullets = summarize(source, "java", "Account.Account")
    assert bullets[0] == "Branches on: limit < 0"
    assert "registry.register" in bullets[1]
    assert bullets[2] == "Throws IllegalArgumentException; mutates this.owner, this.limit"


def test_javascript_class_method_and_getter() -> None:
    method = (
        "  async refresh(force) {\n    if (force || this.stale) {\n      this.data = await this.api.load();\n    }\n  }"
    )
    assert summarize(method, "javascript", "Store.refresh") == [
        "Branches on: force || this.stale",
        "Calls: api.load",
        "Async: awaits api.load; mutates this.data",
    ]
    assert summarize("  get size() { return this.items.length; }", "javascript") == ["Returns this.items.length"]


def test_rust_method_with_attributes() -> None:
    source = (
        "    #[inline]\n    pub fn bump(&mut self, by: u32) {\n        self.total += by;\n        log::debug!();\n    }"
    )
    assert summarize(source, "rust", "Counter::bump") == ["Mutates self.total; logs (log::debug!)"]


METHOD_BODY = "        if self._closed:\n            raise ClosedError()\n        return self._probe()"


@pytest.mark.parametrize(
    "source",
    [
        # cut from its class: first line unindented, body keeps the class indentation
        "@property\n    def ready(self):\n" + METHOD_BODY,
        "    @property\n    def ready(self):\n" + METHOD_BODY,
        "def ready(self):\n" + METHOD_BODY,
    ],
)
def test_indented_python_method(source: str) -> None:
    assert summarize(source, "python", "Conn.ready") == [
        "Branches on: self._closed",
        "Calls: self._probe",
        "Raises ClosedError",
    ]


# -- smaller behaviours -------------------------------------------------------------------------


def test_generators_async_and_helpers() -> None:
    generator = "def pairs(items):\n    for a, b in zip(items, items[1:]):\n        yield a, b\n"
    assert summarize(generator, "python") == ["Loops over zip(items, items[1:])", "Yields values"]
    decorator = textwrap.dedent(
        """\
        def timed(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                start = time.monotonic()
                try:
                    return fn(*args, **kwargs)
                finally:
                    metrics.observe(time.monotonic() - start)
            return wrapper
        """
    )
    bullets = summarize(decorator, "python", "timed")
    assert "metrics.observe" in bullets[0]
    assert "Returns the nested wrapper" in bullets and "Defines helper: wrapper" in bullets
    fetcher = "async def get(url):\n    async with session() as s:\n        return await s.get_json(url)\n"
    assert "Async: awaits s.get_json" in text_of(summarize(fetcher, "python"))


def test_globals_parameters_and_locals() -> None:
    assert summarize("def bump():\n    global COUNTER\n    COUNTER += 1\n", "python") == ["Mutates global COUNTER"]
    # filling a parameter is a side effect; filling a local is not
    source = (
        "def fill(target, n):\n    out = []\n    for i in range(n):\n        out.append(i)\n        target.add(i)\n"
    )
    bullets = summarize(source, "python")
    assert "Mutates target" in bullets[-1] and "out" not in bullets[-1]


def test_io_categories() -> None:
    source = textwrap.dedent(
        """\
        def deploy(path):
            subprocess.run(["make", "build"], check=True)
            shutil.copy(path, DEST)
            requests.post(HOOK, json={"path": path})
            print("done")
        """
    )
    bullets = summarize(source, "python")
    assert bullets == [
        "Runs processes (subprocess.run); file I/O (shutil.copy); network I/O (requests.post); prints (print)"
    ]


def test_go_panics_and_rust_propagation() -> None:
    go = "func must(v string) int {\n\tn, err := strconv.Atoi(v)\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\treturn n\n}"
    assert summarize(go, "go") == ["Branches on: err != nil", "Calls: strconv.Atoi", "May panic: panic"]
    rust = "fn load(p: &Path) -> io::Result<Config> {\n    let text = fs::read_to_string(p)?;\n    Ok(parse(&text)?)\n}"
    assert summarize(rust, "rust") == [
        "Straight-line code: calls parse",
        "Returns Ok; propagates errors with ? in 2 places",
        "File I/O (fs::read_to_string)",
    ]


@pytest.mark.parametrize(
    ("source", "language", "expected"),
    [
        ("def f():\n    pass\n", "python", "Does nothing (empty body)"),
        ('def f():\n    """Docs only."""\n', "python", "Does nothing (empty body)"),
        ("def f():\n    return 42\n", "python", "Returns a constant (42)"),
        ("fn f() -> bool { true }", "rust", "Returns a constant (true)"),
        ('func f() string { return "x" }', "go", 'Returns a constant ("x")'),
        ("def f(self):\n    return self._name\n", "python", "Returns self._name"),
        ("x => x * 2", "javascript", "Returns x * 2"),
        ("function f() {}", "javascript", "Does nothing (empty body)"),
        ("void f() { int x = 1; }", "java", "Straight-line code: int x = 1"),
    ],
)
def test_trivial_functions_get_one_bullet(source: str, language: str, expected: str) -> None:
    assert summarize(source, language) == [expected]


# -- robustness ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "source", "mentions"),
    [
        ("python", "def broken(x:\n    if x >\n        foo(\n    return bar(x)\n", "bar"),
        ("javascript", "function f(a) { if (a { g(); } return h(a", "g"),
        ("typescript", "function f(a: number { load(a); if (a > ) { save(a) } }", "load"),
        ("tsx", "function C() { return <div>{items.map(x => <b>{render(x)</b>)}</div> }", "render"),
        ("go", "func f(x int) {\n\tif x > {\n\t\tpersist(x)\n\t}\n", "persist"),
        ("rust", "fn f(x: u32) { if x > { store(x); } let y = ;", "store"),
        ("java", "void f(int x) { if (x > ) { save(x) } log(", "save"),
    ],
)
def test_syntax_errors_degrade_gracefully(language: str, source: str, mentions: str) -> None:
    assert mentions in text_of(summarize(source, language))


@pytest.mark.parametrize("source", ["", "   ", "\n\t\n"])
def test_empty_source(source: str) -> None:
    assert summarize(source, "python") == ["Empty source: nothing to summarize"]


@pytest.mark.parametrize("source", ["\x00\x01\x02", "def f(:\n\ud800", "}{)(][" * 50, "@" * 1000])
@pytest.mark.parametrize("language", ["python", "javascript", "typescript", "tsx", "go", "rust", "java"])
def test_garbage_never_raises(source: str, language: str) -> None:
    summarize(source, language)


@pytest.mark.parametrize("language", ["cobol", "", "c++", "<b>bold</b>"])
def test_unknown_language_gets_a_generic_bullet(language: str) -> None:
    (bullet,) = summarize("fun f() {\n  return 1\n}", language)
    assert bullet.startswith("A 3-line function;") and "not analysed offline" in bullet
    assert "<" not in bullet


def _long_python(lines: int) -> str:
    block = [
        "    if not name:",
        "        return None",
        "    for item in data.get('items', []):",
        "        value = self.convert(item, level)",
        "        if value:",
        "            self.store[item] = value",
        "    logger.debug('step %s', name)",
    ]
    body = (block * (lines // len(block) + 1))[:lines]
    return "def big(self, name, data, level):\n" + "\n".join(body) + "\n    return self.store\n"


def test_a_long_function_is_summarized_whole() -> None:
    # timing is measured in benchmarks/bench_offline.py
    bullets = summarize(_long_python(2000), "python", "big")
    assert "self.convert" in bullets[1] and "mutates self.store[item]" in bullets[2]


@contextmanager
def shallow_recursion(headroom: int = 80) -> Iterator[None]:
    """Leave only `headroom` Python frames: a recursive walk of a deep tree would fail."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + headroom)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


DEPTH = 3000
NESTED = [
    ("python", "def f(x):\n    return g(" + "(" * DEPTH + "x" + ")" * DEPTH + ")\n", "g"),
    ("python", "def f(x):\n    v = " + "[" * DEPTH + "]" * DEPTH + "\n    return g(v)\n", "g"),
    ("javascript", "function f(x) {" + "{" * DEPTH + "g(x);" + "}" * DEPTH + "}", "g"),
    ("typescript", "function f(x: T) { return g(" + "(" * DEPTH + "x" + ")" * DEPTH + "); }", "g"),
    ("tsx", "function f() { return g(" + "[" * DEPTH + "]" * DEPTH + "); }", "g"),
    ("go", "func f(x int) int {\n\treturn g(" + "(" * DEPTH + "x" + ")" * DEPTH + ")\n}", "g"),
    ("rust", "fn f(x: u32) -> u32 {" + "if x > 1 {" * DEPTH + "g(x)" + "}" * DEPTH + "}", "g"),
    ("java", "int f(int x) { return g(" + "(" * DEPTH + "x" + ")" * DEPTH + "); }", "g"),
]


@pytest.mark.parametrize(("language", "source", "callee"), NESTED, ids=[f"{n[0]}-{i}" for i, n in enumerate(NESTED)])
def test_deep_nesting_is_walked_iteratively(language: str, source: str, callee: str) -> None:
    with shallow_recursion():
        bullets = summarize_offline(source, language, "f")
    assert 1 <= len(bullets) <= 3 and all(len(b) <= MAX_BULLET for b in bullets)
    assert "could not be read" not in bullets[0]  # no RecursionError swallowed by the safety net
    assert callee in text_of(bullets)


def test_deterministic() -> None:
    cases = [(PYTHON, "python"), (JAVASCRIPT, "javascript"), (GO, "go"), (RUST, "rust"), (JAVA, "java")]
    first = [summarize_offline(source, language, "f") for source, language in cases]
    interleaved = [summarize_offline(source, language, "f") for source, language in reversed(cases)][::-1]
    assert first == interleaved
    assert first == [summarize_offline(source, language, "f") for source, language in cases]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("route.method !== method && route.pattern.test(path)", 30, "route.method !== method && …"),
        ("job.Priority > 5 || len(job.Deps) == 0", 24, "job.Priority > 5 || …"),
        ("level >= item['minimum'] > 3", 20, "level >= item…"),
        ("item['minimum'].threshold.value", 20, "item['minimum']…"),
        ("short enough", 20, "short enough"),
    ],
)
def test_shortened_conditions_end_between_tokens(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected and len(expected) <= limit


def test_branches_are_listed_in_code_order_and_never_cut_inside_a_word() -> None:
    source = (
        "def route(request, table):\n"
        "    if request.method_name_that_is_long == 'POST' and request.headers_are_present_too:\n"
        "        return 1\n"
        "    for row in table:\n"
        "        if row.wanted:\n"
        "            return 2\n"
        "    if table is None:\n"
        "        return 3\n"
        "    return 0\n"
    )
    branches = summarize(source, "python", "route")[0]
    assert branches.startswith("Branches on: request.method_name_that_is_long == …, row.wanted, table is None"), (
        branches
    )
