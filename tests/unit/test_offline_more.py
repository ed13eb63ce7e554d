"""The offline summarizer for PHP, Ruby, Kotlin and Swift (issue 18): what a function branches
on, calls, returns, throws and mutates, read off its syntax tree; and bad input."""

from __future__ import annotations

import pytest

from mu_lsp.analysis.offline import MAX_BULLET, summarize_offline

SAMPLES = {
    "php": (
        """public function syncUsers(Client $client, array $users, int $batch = 50): array
{
    if (!$client->isConnected()) {
        throw new ConnectionException("not connected");
    }
    $results = [];
    foreach ($users as $user) {
        try {
            $saved = $this->repository->save($user);
            $results[] = $saved;
        } catch (StorageException $e) {
            $this->logger->warning("failed", ['user' => $user->id]);
        }
    }
    $this->synced += count($results);
    return $results;
}""",
        "A.syncUsers",
    ),
    "ruby": (
        """def sync_users(client, users)
  raise ArgumentError, "not connected" unless client.connected?
  results = []
  users.each do |user|
    begin
      results << @repository.save(user)
    rescue StorageError => e
      @logger.warn("failed #{user.id}")
    end
  end
  @synced += results.size
  results
end""",
        "A.sync_users",
    ),
    "kotlin": (
        """fun syncUsers(client: Client, users: List<User>): List<User> {
    if (!client.isConnected) {
        throw IllegalStateException("not connected")
    }
    val results = mutableListOf<User>()
    for (user in users) {
        try {
            results.add(repository.save(user))
        } catch (e: StorageException) {
            logger.warn("failed ${user.id}")
        }
    }
    synced += results.size
    return results
}""",
        "A.syncUsers",
    ),
    "swift": (
        """func syncUsers(client: Client, users: [User]) throws -> [User] {
    guard client.isConnected else {
        throw SyncError.notConnected
    }
    var results: [User] = []
    for user in users {
        do {
            results.append(try repository.save(user))
        } catch let error as StorageError {
            logger.warning("failed \\(user.id)")
        }
    }
    self.synced += results.count
    return results
}""",
        "A.syncUsers",
    ),
}

# what each summary must say (the same function in four languages)
MUST = {
    "php": ["isConnected", "$users", "save", "ConnectionException", "StorageException", "$this->synced", "an array"],
    "ruby": ["connected?", "save", "ArgumentError", "StorageError", "@synced", "an array"],
    "kotlin": ["isConnected", "users", "repository.save", "IllegalStateException", "StorageException", "synced"],
    "swift": ["guard client.isConnected", "users", "repository.save", "SyncError.notConnected", "StorageError"],
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_summary_names_what_the_function_does(language: str) -> None:
    source, name = SAMPLES[language]
    text = " | ".join(summarize_offline(source, language, name))
    for needle in MUST[language]:
        assert needle in text, text
    # locals the function made itself are not side effects; Rust's `?` wording never leaks in
    assert "results" not in text.partition("utates")[2] and "Propagates" not in text, text


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("php", "function f() { return 42; }", "Returns a constant (42)"),
        ("ruby", "def f\n  42\nend", "Returns a constant (42)"),
        ("kotlin", "fun f(): Int {\n  return 42\n}", "Returns a constant (42)"),
        ("swift", "func f() -> Int {\n  return 42\n}", "Returns a constant (42)"),
    ],
)
def test_trivial_functions(language: str, source: str, expected: str) -> None:
    assert summarize_offline(source, language, "f") == [expected]


@pytest.mark.parametrize(
    ("language", "source", "word"),
    [
        ("kotlin", "constructor(s: String) : this(1) {\n  require(s.isNotEmpty())\n  store.put(s)\n}", "require"),
        ("swift", "init(x: Int) {\n  if x > 0 { store.put(x) }\n}", "x > 0"),
        ("php", "public function __construct(private Repo $repo) { $this->repo->open(); }", "open"),
    ],
)
def test_members_that_need_a_class_around_them(language: str, source: str, word: str) -> None:
    assert word in " ".join(summarize_offline(source, language, "C.init"))


@pytest.mark.parametrize("language", sorted(SAMPLES))
@pytest.mark.parametrize(
    "source", ["", "\x00\x01\x02", "def f(:\n\ud800", "}{)(][" * 50, "@" * 1000, "{" * 3000, "<?php " + "(" * 3000]
)
def test_garbage_never_raises(source: str, language: str) -> None:
    for bullet in summarize_offline(source, language, "f"):
        assert len(bullet) <= MAX_BULLET


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_deep_nesting_is_walked(language: str) -> None:
    depth = 2000
    opening, closing, call = {
        "php": ("if ($a) { ", "}", "helper($a);"),
        "ruby": ("if a\n", "end\n", "helper(a)\n"),
        "kotlin": ("if (a) {\n", "}\n", "helper(a)\n"),
        "swift": ("if a {\n", "}\n", "helper(a)\n"),
    }[language]
    head, tail = {
        "php": ("function f($a) { ", "}"),
        "ruby": ("def f(a)\n", "end\n"),
        "kotlin": ("fun f(a: Boolean) {\n", "}\n"),
        "swift": ("func f(a: Bool) {\n", "}\n"),
    }[language]
    source = head + opening * depth + call + closing * depth + tail
    assert "helper" in " ".join(summarize_offline(source, language, "f"))
