"""[privacy] exclude: which files are never sent to a provider."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from mu_lsp.privacy.excludes import DEFAULT_EXCLUDES, ExcludeMatcher

ROOT = "/home/ada/project"
DEFAULTS = ExcludeMatcher.from_patterns(DEFAULT_EXCLUDES)


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.local",
        ".envrc",
        "config/.env.production",
        "secrets/db.py",
        "a/b/secrets/c/d.go",
        "server.pem",
        "deploy/tls/server.key",
        "id_rsa",
        "home/.ssh/id_ed25519.pub",
        "certs/client.p12",
        "certs/client.pfx",
        "android/release.keystore",
        "credentials.json",
        "src/credentials.py",
        "secrets.toml",
        ".streamlit/secrets.toml",
        "app/secrets.py",
        ".aws/config",
        "infra/prod.tfstate",
        "infra/prod.tfvars",
        ".npmrc",
    ],
)
def test_defaults_exclude_secret_files(path: str) -> None:
    assert DEFAULTS.is_excluded(path)
    assert DEFAULTS.is_excluded(f"{ROOT}/{path}", ROOT)
    assert DEFAULTS.is_excluded(f"{ROOT}/{path}")  # no root: the absolute path is matched


@pytest.mark.parametrize(
    "path",
    [
        "environment.py",
        "src/env.py",
        "src/secretsmanager.py",
        "my_secrets.py",  # `**/secrets/**` is a directory rule; only files named secrets.* go
        "src/secret_santa.py",
        "keys.py",
        "src/keyboard.go",
        "monkey.py",
        "docs/how_credentials_work.md",
        "tokenizer/lexer.rs",
        "main.py",
        "src/venv_helper.py",
    ],
)
def test_defaults_keep_ordinary_files(path: str) -> None:
    assert not DEFAULTS.is_excluded(path)
    assert not DEFAULTS.is_excluded(f"{ROOT}/{path}", ROOT)


def test_the_root_itself_does_not_count() -> None:
    """A workspace that lives in a folder called `secrets` is not excluded as a whole: inside
    the root, only the path relative to it is matched."""
    root = "/home/ada/secrets/project"
    assert not DEFAULTS.is_excluded(f"{root}/src/main.py", root)
    assert DEFAULTS.is_excluded(f"{root}/src/main.py")  # without the root, it is


def test_paths_outside_the_root_are_matched_as_absolute_paths() -> None:
    assert DEFAULTS.is_excluded("/home/ada/other/secrets/db.py", ROOT)
    assert DEFAULTS.is_excluded("/etc/app/.env", ROOT)
    assert not DEFAULTS.is_excluded("/home/ada/other/src/db.py", ROOT)
    anchored = ExcludeMatcher.from_patterns(["/config/*.py"])
    assert anchored.is_excluded(f"{ROOT}/config/settings.py", ROOT)
    assert not anchored.is_excluded(f"{ROOT}/src/config/settings.py", ROOT)
    assert not anchored.is_excluded("/elsewhere/config/settings.py", ROOT)


def test_relative_paths_are_relative_to_the_root() -> None:
    matcher = ExcludeMatcher.from_patterns(["/generated/"])
    assert matcher.is_excluded("generated/api.py", ROOT)
    assert matcher.is_excluded("./generated/api.py", ROOT)
    assert not matcher.is_excluded("src/generated/api.py", ROOT)
    assert DEFAULTS.is_excluded("../sibling/secrets/x.py", ROOT)  # resolves outside the root
    assert DEFAULTS.is_excluded("src/../secrets/x.py", ROOT)


@pytest.mark.parametrize(
    ("uri", "root"),
    [
        ("file:///home/ada/project/secrets/db.py", None),
        ("file:///home/ada/project/secrets/db.py", "file:///home/ada/project"),
        ("file:///home/ada/my%20project/.env.local", "file:///home/ada/my%20project"),
        ("file:///home/ada/my%20project/.env.local", "/home/ada/my project"),
        ("file:///home/ada/project/sec%72ets/db.py", ROOT),  # any percent-encoded character
        ("file://localhost/home/ada/project/.env", ROOT),
        ("file:///C:/Users/ada/project/secrets/db.py", "C:\\Users\\ada\\project"),
        ("FILE:///home/ada/project/.env", ROOT),
    ],
)
def test_file_uris_are_accepted(uri: str, root: str | None) -> None:
    assert DEFAULTS.is_excluded(uri, root)


def test_uri_with_spaces_is_decoded_before_matching() -> None:
    matcher = ExcludeMatcher.from_patterns(["my notes/**"])
    assert matcher.is_excluded("file:///home/ada/project/my%20notes/todo.py", ROOT)
    assert not matcher.is_excluded("file:///home/ada/project/my%2520notes/todo.py", ROOT)


def test_path_objects_are_accepted() -> None:
    assert DEFAULTS.is_excluded(Path(ROOT) / "secrets" / "db.py", Path(ROOT))
    assert DEFAULTS.is_excluded(PurePosixPath("config/.env.production"))


def test_windows_paths_are_normalized() -> None:
    matcher = ExcludeMatcher.from_patterns(DEFAULT_EXCLUDES, case_sensitive=True)
    assert matcher.is_excluded("C:\\Users\\ada\\project\\secrets\\db.py", "C:\\Users\\ada\\project")
    assert matcher.is_excluded("C:\\Users\\ada\\project\\.env", "C:\\Users\\ada\\project")
    assert matcher.is_excluded("config\\.env.production")
    assert not matcher.is_excluded("C:\\Users\\ada\\project\\src\\main.py", "C:\\Users\\ada\\project")
    # drive-letter file systems ignore case, and so does the matcher on them
    assert matcher.is_excluded("C:\\Users\\Ada\\Project\\Secrets\\DB.py", "c:/users/ada/project")
    assert matcher.is_excluded("\\\\server\\share\\proj\\secrets\\a.py")  # UNC


def test_matching_is_case_sensitive_on_posix_paths() -> None:
    matcher = ExcludeMatcher.from_patterns(DEFAULT_EXCLUDES, case_sensitive=True)
    assert matcher.is_excluded(f"{ROOT}/secrets/db.py", ROOT)
    assert not matcher.is_excluded(f"{ROOT}/Secrets/db.py", ROOT)
    assert not matcher.is_excluded(f"{ROOT}/.ENV", ROOT)


def test_case_insensitive_matching_when_asked() -> None:
    matcher = ExcludeMatcher.from_patterns(DEFAULT_EXCLUDES, case_sensitive=False)
    assert matcher.is_excluded(f"{ROOT}/Secrets/db.py", ROOT)
    assert matcher.is_excluded(f"{ROOT}/.ENV", ROOT)
    assert matcher.is_excluded(f"{ROOT}/Server.PEM", ROOT)


def test_default_case_sensitivity_follows_the_platform() -> None:
    assert DEFAULTS.case_sensitive is (os.name != "nt")


def test_user_patterns() -> None:
    matcher = ExcludeMatcher.from_patterns(["internal/**", "*.secret.py", "vendor/", "!vendor/keep.py"])
    assert matcher.is_excluded("internal/billing/rates.py")
    assert matcher.is_excluded("src/db.secret.py")
    assert matcher.is_excluded("vendor/lib.py")
    assert not matcher.is_excluded("vendor/keep.py")  # `!` re-includes, as in a .gitignore
    assert not matcher.is_excluded("src/internal.py")
    assert not matcher.is_excluded(".env")  # user patterns replace the defaults


def test_a_single_string_is_one_pattern() -> None:
    matcher = ExcludeMatcher.from_patterns("**/*.pem")
    assert matcher.patterns == ("**/*.pem",)
    assert matcher.is_excluded("a/b.pem")


def test_no_patterns_exclude_nothing() -> None:
    matcher = ExcludeMatcher.from_patterns([])
    assert not matcher.is_excluded(".env")
    assert not matcher.is_excluded("")


def test_comments_and_blank_lines_are_allowed() -> None:
    matcher = ExcludeMatcher.from_patterns(["# generated code", "", "   ", "gen/**"])
    assert matcher.is_excluded("gen/x.py")
    assert not matcher.is_excluded("src/x.py")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("!", "Invalid"),
        ("foo\\", "Invalid"),
        ("**/[z-a].py", "bad character range"),
        ("**/*.[ch", "never match"),
        ("/", "never match"),
    ],
)
def test_invalid_patterns_are_errors_that_name_the_pattern(pattern: str, reason: str) -> None:
    with pytest.raises(ValueError, match="invalid exclude pattern") as error:
        ExcludeMatcher.from_patterns(["**/.env*", pattern])
    assert repr(pattern) in str(error.value)
    assert reason.lower() in str(error.value).lower()


def test_non_string_patterns_are_errors() -> None:
    with pytest.raises(ValueError, match="not a string"):
        ExcludeMatcher.from_patterns(["ok/**", 42])  # type: ignore[list-item]


def test_direct_construction_validates_and_compiles() -> None:
    assert ExcludeMatcher(("**/*.pem",)).is_excluded("x/y.pem")
    with pytest.raises(ValueError, match="invalid exclude pattern"):
        ExcludeMatcher(("!",))


def test_matchers_compare_and_hash_by_patterns() -> None:
    first = ExcludeMatcher.from_patterns(["a/**", "b/**"])
    second = ExcludeMatcher.from_patterns(("a/**", "b/**"))
    assert first == second
    assert hash(first) == hash(second)
    assert first != ExcludeMatcher.from_patterns(["a/**"])
    assert "spec" not in repr(first)


def test_default_list_is_well_formed() -> None:
    assert len(set(DEFAULT_EXCLUDES)) == len(DEFAULT_EXCLUDES)
    assert {"**/.env*", "**/secrets/**", "**/*.pem", "**/*.key", "**/id_rsa*"} <= set(DEFAULT_EXCLUDES)
    ExcludeMatcher.from_patterns(DEFAULT_EXCLUDES)  # every default compiles


# -- the policy: defaults plus user globs, symlinks, only local files ------------------------

from mu_lsp.privacy.policy import EXCLUDED_BY_PATTERN, PrivacyPolicy  # noqa: E402


def test_a_user_glob_adds_to_the_defaults() -> None:
    policy = PrivacyPolicy.from_settings(("generated/**",))
    assert policy.is_excluded("/w/generated/x.py", "/w")
    assert policy.is_excluded("/w/.env", "/w") and policy.is_excluded("/w/secrets/db.py", "/w")
    assert not policy.is_excluded("/w/app.py", "/w")


def test_a_user_negation_cannot_re_include_a_default() -> None:
    policy = PrivacyPolicy.from_settings(("!**/.env*", "!secrets/**", "!**/secrets/**"))
    assert policy.is_excluded("/w/.env", "/w") and policy.is_excluded("/w/secrets/db.py", "/w")


def test_dropping_the_defaults_takes_an_explicit_setting() -> None:
    policy = PrivacyPolicy.from_settings(("generated/**",), use_default_excludes=False)
    assert not policy.is_excluded("/w/.env", "/w")
    assert policy.is_excluded("/w/generated/x.py", "/w")


def test_a_symlink_into_an_excluded_folder_is_excluded(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "db.py").write_text("PASSWORD = 'x'\n")
    (tmp_path / "src").mkdir()
    link = tmp_path / "src" / "settings.py"
    link.symlink_to(tmp_path / "secrets" / "db.py")
    policy = PrivacyPolicy.from_settings(())
    assert policy.refusal(link, tmp_path) == EXCLUDED_BY_PATTERN
    assert policy.refusal(link.as_uri(), tmp_path) == EXCLUDED_BY_PATTERN
    (tmp_path / "src" / "plain.py").write_text("x = 1\n")
    assert policy.refusal(tmp_path / "src" / "plain.py", tmp_path) is None


def test_a_symlinked_folder_is_resolved_too(tmp_path: Path) -> None:
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "helper.py").write_text("x = 1\n")
    (tmp_path / "tools").symlink_to(tmp_path / ".ssh")
    policy = PrivacyPolicy.from_settings(())
    assert policy.is_excluded(tmp_path / "tools" / "helper.py", tmp_path)


@pytest.mark.parametrize(
    "uri",
    [
        "fugitive:///w/.git//0/secrets/db.py",
        "fugitive:///w/.git//0/app.py",
        "git:/w/app.py?%7B%22ref%22%3A%22HEAD%22%7D",
        "vscode-vfs://github/org/repo/app.py",
        "ssh://host/w/app.py",
        "http://example.com/app.py",
    ],
)
def test_only_local_files_and_unsaved_buffers_may_be_sent(uri: str) -> None:
    policy = PrivacyPolicy.from_settings(())
    reason = policy.refusal(uri, "/w")
    assert reason is not None and reason.startswith("not a local file")


@pytest.mark.parametrize("location", ["file:///w/app.py", "untitled:Untitled-1", "/w/app.py", "C:\\w\\app.py"])
def test_local_files_and_untitled_are_sendable(location: str) -> None:
    assert PrivacyPolicy.from_settings(()).refusal(location, "/w") is None
