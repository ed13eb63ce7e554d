"""What a workspace `.murc.toml` may decide, which files are read at all, and trusting folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mu_lsp.config import load_settings, read_file_layers
from mu_lsp.config.files import find_workspace_file, read_config_file, search_dirs
from mu_lsp.server.configuration import ConfigurationLayers, editor_trusts_workspace
from tests.support.trust import trust_folder, user_config_file, write_user_config

HOSTILE = """\
[llm]
provider = "openai"
api_base = "http://attacker.example:8080/v1"
model = "gpt-4o-mini"
[llm.ollama]
base_url = "http://attacker.example:11434"
[cache]
dir = ".mu"
[privacy]
use_default_excludes = false
exclude = ["extra/**"]
[complexity]
cognitive = 7
[trust]
folders = ["/"]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "cloned"
    root.mkdir()
    (root / ".murc.toml").write_text(HOSTILE)
    return root


def test_an_untrusted_workspace_cannot_choose_where_code_keys_or_caches_go(repo: Path) -> None:
    settings, problems = load_settings(repo)
    assert settings.llm.api_base is None
    assert settings.llm.ollama_base_url == "http://localhost:11434"
    assert settings.cache.dir is None
    assert settings.privacy.use_default_excludes is True
    # what may be tuned still applies
    assert settings.llm.provider == "openai" and settings.complexity.cognitive == 7
    assert settings.privacy.exclude == ("extra/**",)
    messages = [str(p) for p in problems]
    for key in ("[llm] api_base", "[llm.ollama] base_url", "[cache] dir", "[privacy] use_default_excludes"):
        [message] = [m for m in messages if key in m]
        assert "not trusted" in message and "[trust] folders" in message and str(user_config_file()) in message
    assert any("[trust] ignored" in m for m in messages)


def test_a_trusted_folder_may_choose_them_and_relative_dirs_mean_relative_to_the_file(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust_folder(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # an editor's working directory is not the file's folder
    settings, problems = load_settings(repo)
    assert settings.llm.api_base == "http://attacker.example:8080/v1"
    assert settings.llm.ollama_base_url == "http://attacker.example:11434"
    assert settings.cache.dir == str(repo / ".mu")
    assert settings.privacy.use_default_excludes is False
    assert not [p for p in problems if "not trusted" in str(p)]


def test_trust_covers_subfolders_but_not_parents(repo: Path, tmp_path: Path) -> None:
    trust_folder(tmp_path)
    assert read_file_layers(repo).workspace_trusted
    trust_folder(repo / "sub")
    assert not read_file_layers(repo).workspace_trusted


def test_the_editor_vouches_only_for_the_workspace_folder_itself(repo: Path) -> None:
    assert read_file_layers(repo, editor_trusts_workspace=True).workspace_trusted
    nested = repo / "pkg"
    nested.mkdir()
    # the file found is in a parent of the workspace folder: not covered by the editor's trust
    assert not read_file_layers(nested, editor_trusts_workspace=True).workspace_trusted


@pytest.mark.parametrize(
    ("options", "trusted"),
    [
        ({"workspaceTrusted": True}, True),
        ({"mu": {}, "workspaceTrusted": True}, True),
        ({"workspaceTrusted": "true"}, False),
        ({"workspaceTrusted": 1}, False),
        ({}, False),
        (None, False),
        ("yes", False),
    ],
)
def test_only_a_literal_true_from_the_editor_counts(options: object, trusted: bool) -> None:
    assert editor_trusts_workspace(options) is trusted


def test_the_trust_option_is_not_a_setting(repo: Path) -> None:
    layers = ConfigurationLayers(root=repo)
    layers.set_init_options({"workspaceTrusted": True, "complexity": {"cognitive": 9}})
    layers.load_file()
    settings, problems = layers.build()
    assert settings.llm.api_base == "http://attacker.example:8080/v1"
    assert settings.complexity.cognitive == 9
    assert not [p for p in problems if "workspace" in p.key.lower()]


def test_the_users_own_file_is_trusted_and_below_the_workspace(tmp_path: Path) -> None:
    write_user_config('[llm]\napi_base = "http://127.0.0.1:8000/v1"\n[cache]\ndir = "cache"\n')
    project = tmp_path / "project"
    project.mkdir()
    settings, problems = load_settings(project)
    assert problems == []
    assert settings.llm.api_base == "http://127.0.0.1:8000/v1"
    assert settings.cache.dir == str(user_config_file().parent / "cache")
    (project / ".murc.toml").write_text("[llm]\ntimeout_seconds = 9\n")
    settings, _ = load_settings(project)
    assert settings.llm.timeout_seconds == 9 and settings.llm.api_base == "http://127.0.0.1:8000/v1"


def test_files_are_read_up_to_home_and_never_above(tmp_path: Path) -> None:
    home = tmp_path / "home"
    project = home / "src" / "project"
    project.mkdir(parents=True)
    (tmp_path / ".murc.toml").write_text("[complexity]\ncognitive = 3\n")  # above home
    assert find_workspace_file(project, home) is None
    (home / ".murc.toml").write_text("[complexity]\ncognitive = 4\n")
    assert find_workspace_file(project, home) == home / ".murc.toml"
    assert search_dirs(project, home) == [project, home / "src", home]


def test_outside_home_only_the_folder_itself_is_looked_at(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shared = tmp_path / "shared"
    project = shared / "project"
    project.mkdir(parents=True)
    (shared / ".murc.toml").write_text("[complexity]\ncognitive = 3\n")  # a planted /tmp/.murc.toml
    assert search_dirs(project, home) == [project]
    assert find_workspace_file(project, home) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root")
def test_a_file_owned_by_another_user_is_ignored(repo: Path) -> None:
    os.chown(repo / ".murc.toml", 65534, 65534)
    data, problems = read_config_file(repo / ".murc.toml")
    assert data is None and "owned by another user" in problems[0].message
    settings, _ = load_settings(repo)
    assert settings.complexity.cognitive == 15


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
def test_a_file_others_can_write_is_ignored(repo: Path, mode: int) -> None:
    (repo / ".murc.toml").chmod(mode)
    data, problems = read_config_file(repo / ".murc.toml")
    assert data is None and "writable by other users" in problems[0].message


def test_a_symlink_is_judged_by_its_target(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "planted.toml"
    target.write_text("[complexity]\ncognitive = 2\n")
    target.chmod(0o666)
    link = repo / "sub" / ".murc.toml"
    link.parent.mkdir()
    link.symlink_to(target)
    data, problems = read_config_file(link)
    assert data is None and "writable by other users" in problems[0].message


def test_an_unsafe_user_config_is_ignored_too(tmp_path: Path) -> None:
    path = trust_folder(tmp_path)
    path.chmod(0o666)
    files = read_file_layers(tmp_path)
    assert files.user is None and not files.trusted_folders.folders
    assert any("writable by other users" in str(p) for p in files.problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[trust]\nfolders = "~/src"\n', "must be a list"),
        ('[trust]\nfolders = ["relative/path"]\n', "not an absolute path"),
    ],
)
def test_bad_trust_entries_are_errors_not_trust(tmp_path: Path, text: str, message: str) -> None:
    write_user_config(text)
    files = read_file_layers(tmp_path)
    assert not files.trusted_folders.folders
    assert any(message in str(p) for p in files.problems)


def test_a_relative_cache_dir_from_an_editor_is_refused(tmp_path: Path) -> None:
    layers = ConfigurationLayers(root=tmp_path)
    layers.set_init_options({"cache": {"dir": "relative"}})
    layers.load_file()
    settings, problems = layers.build()
    assert settings.cache.dir is None
    assert any("absolute path" in str(p) for p in problems)
