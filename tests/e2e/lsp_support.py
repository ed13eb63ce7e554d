"""Driving a real `mu-lsp` server process with pytest-lsp's client, against the stand-in provider."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import FAKE_KEY
from tests.support.fake_provider import FakeProvider, Recorded
from tests.support.trust import trust_folder

SAMPLE = """\
import os


def simple(a):
    return a + 1


def tangled(items, mode, limit):
    total = 0
    for item in items:
        if item is None:
            continue
        if mode == "fast" and item > limit:
            total += item
        elif mode == "slow" or item < 0:
            for part in range(item):
                if part % 2 and part > limit:
                    total -= part
                else:
                    total += 1
        else:
            total += 2
    return total


def also_simple():
    return os.getcwd()


def knotted(data, flags):
    out = []
    for key, value in data.items():
        if key.startswith("_"):
            continue
        try:
            if value and flags.get(key):
                out.append(key if value > 0 else -value)
            elif not value or flags.get("strict"):
                while value > 0:
                    value -= 1
                    if value == 3:
                        break
        except KeyError:
            if flags.get("raise"):
                raise
    return out
"""
COMPLEX_NAMES = ("tangled", "knotted")
# Waits are for events, not deadlines: this only turns a hang into a failure with a message,
# well inside pytest-timeout's 300 s, on a machine whose cores are both busy.
PATIENCE = 240.0


@dataclass
class Events:
    """What the server sent the client unasked; shared by every view of one server."""

    refreshes: int = 0
    statuses: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Session:
    """A client of one server process, seen from one test: its document (`uri`, `sample`)
    and, on a server shared by a module (`for_test`), only its own calls and progress."""

    client: LanguageClient
    fake: FakeProvider
    root: Path
    uri: str
    capabilities: str
    events: Events = field(default_factory=Events)
    initialize_result: types.InitializeResult | None = None
    sample: str = SAMPLE
    names: dict[str, str] = field(default_factory=dict)  # SAMPLE's function names -> this test's
    earlier_progress: frozenset[Any] = frozenset()

    @property
    def refreshes(self) -> int:
        return self.events.refreshes

    @property
    def statuses(self) -> list[dict[str, Any]]:
        return self.events.statuses

    @property
    def requests(self) -> list[Recorded]:
        """Calls the provider received for this test's functions."""
        mine = set(self.names.values())
        return [r for r in self.fake.requests if not mine or r.function in mine]

    def named(self, name: str) -> str:
        return self.names.get(name, name)

    def progress(self) -> dict[Any, list[Any]]:
        """This test's work-done progress: token -> reports."""
        reports = self.client.progress_reports
        return {token: values for token, values in reports.items() if values and token not in self.earlier_progress}

    def for_test(self, number: int) -> Session:
        """A view for one test on a shared server: its own file, with SAMPLE's complex functions
        renamed (`tangled` -> `tangled_7`) so their summaries are neither cached nor confused
        with another test's; line numbers stay those of SAMPLE."""
        names = {name: f"{name}_{number}" for name in COMPLEX_NAMES}
        sample = SAMPLE
        for old, new in names.items():
            sample = re.sub(rf"\b{old}\b", new, sample)
        uri = (self.root / f"sample_{number}.py").as_uri()
        return replace(
            self, uri=uri, sample=sample, names=names, earlier_progress=frozenset(self.client.progress_reports)
        )

    @property
    def supports_refresh(self) -> bool:
        caps = self.client.capabilities
        return bool(caps and caps.workspace and caps.workspace.code_lens and caps.workspace.code_lens.refresh_support)

    def open(self, text: str | None = None, uri: str | None = None, language: str = "python") -> str:
        uri = uri or self.uri
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=self.sample if text is None else text
                )
            )
        )
        return uri

    def change(
        self,
        start: tuple[int, int],
        end: tuple[int, int],
        text: str,
        version: int,
        uri: str | None = None,
    ) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri or self.uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(*start), types.Position(*end)), text=text
                    )
                ],
            )
        )

    def save(self, uri: str | None = None) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri or self.uri))
        )

    def close(self, uri: str | None = None) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri or self.uri))
        )

    async def lenses(self, uri: str | None = None) -> dict[int, str]:
        """Resolved lenses: line -> title."""
        found = await self.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri or self.uri))
        )
        titles: dict[int, str] = {}
        for lens in found or []:
            resolved = lens if lens.command else await self.client.code_lens_resolve_async(lens)
            assert resolved.command is not None
            titles[lens.range.start.line] = resolved.command.title
        return titles

    async def hover(self, line: int, character: int = 4, uri: str | None = None) -> str | None:
        result = await self.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri or self.uri),
                position=types.Position(line, character),
            )
        )
        if result is None:
            return None
        contents = result.contents
        assert isinstance(contents, types.MarkupContent)
        return contents.value

    async def command(self, name: str, *arguments: Any) -> Any:
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(arguments))
        )

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = PATIENCE, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    async def wait_for_lens(self, line: int, contains: str, timeout: float = PATIENCE, uri: str | None = None) -> str:
        latest: dict[int, str] = {}

        async def ready() -> bool:
            nonlocal latest
            latest = await self.lenses(uri)
            return contains in latest.get(line, "")

        try:
            await self.wait_for(ready, timeout, f"lens at line {line} to contain {contains!r}")
        except AssertionError as error:
            raise AssertionError(f"{error}; lenses: {latest}") from None
        return latest[line]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


def murc(root: Path, fake: FakeProvider, trusted: bool = True, **llm: Any) -> None:
    """A `.murc.toml` pointing at the stand-in provider; the folder is trusted (so its
    `api_base` applies) unless `trusted=False`."""
    if trusted:
        trust_folder(root)
    settings = {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "api_base": fake.openai_base,
        "max_retries": 0,
        **llm,
    }
    lines = ["[llm]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    (root / ".murc.toml").write_text("\n".join(lines) + "\n")


async def start_session(
    capabilities: str,
    fake: FakeProvider,
    root: Path,
    cache: Path,
    init_options: dict[str, Any] | None = None,
    client_settings: dict[str, Any] | None = None,
    env: dict[str, str | None] | None = None,
    cwd: Path | None = None,
    command: list[str] | None = None,
) -> Session:
    """A server process (`command`, default `python -m mu_lsp`) started in `cwd`, initialized
    with `root` as its workspace folder."""
    server_env = {
        "MU_CACHE_DIR": str(cache),
        "OPENAI_API_KEY": FAKE_KEY,
        "MU_LOG_LEVEL": "debug",
        **(env or {}),
    }
    import os

    server_env = {
        **{k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "OPENROUTER_API_KEY")},
        **server_env,
    }
    for name in [k for k, v in server_env.items() if v is None]:
        del server_env[name]  # env={"NAME": None} removes a variable
    config = ClientServerConfig(server_command=command or [sys.executable, "-m", "mu_lsp"], server_env=server_env)
    client = config.client_factory()
    assert isinstance(client, LanguageClient)
    await client.start_io(*config.server_command, env=server_env, cwd=cwd)
    session = Session(client, fake, root, (root / "sample.py").as_uri(), capabilities)
    if client_settings is not None:
        client.set_configuration(client_settings, section="mu")

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_refresh(ls: Any, params: None = None) -> None:
        session.events.refreshes += 1

    @client.feature("mu/status")
    def on_status(ls: Any, params: Any) -> None:  # `ls` first: pygls passes the client
        session.events.statuses.append(params if isinstance(params, dict) else params._asdict())

    session.initialize_result = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(capabilities),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="root")],
            initialization_options=init_options,
        )
    )
    return session


async def stop_session(session: Session) -> None:
    try:
        await asyncio.wait_for(session.client.shutdown_session(), 15)
    finally:
        await session.client.stop()


@contextlib.asynccontextmanager
async def shared_session(capabilities: str, base: Path, **llm: Any) -> AsyncIterator[Session]:
    """One server for a whole test module (each test takes `for_test(n)` of it), with its own
    home, trusted workspace, cache and stand-in provider under `base`: starting a server and
    its worker costs seconds (LiteLLM's import), a test's own work a fraction of that."""
    home, root, cache = base / "home", base / "workspace", base / "cache"
    root.mkdir(parents=True)
    config = home / ".config" / "mu-lsp" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[trust]\nfolders = [{json.dumps(str(root))}]\n")
    with FakeProvider() as fake:
        # Many tests' calls add up on one server (a "huge" answer alone is ~$1.6): a budget
        # that only a runaway would reach, so no test is stopped by another's spending.
        murc(root, fake, trusted=False, **{"max_session_cost_usd": 1000.0, **llm})
        env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
        session = await start_session(capabilities, fake, root, cache, env=env)
        try:
            yield session
        finally:
            await stop_session(session)


async def finish_test(view: Session) -> None:
    """Leave a shared server as the next test expects it: this test's document closed, nothing
    pending, the provider answering normally."""
    view.close()

    async def drained() -> bool:
        return (await view.command("mu.showStats"))["pending"] == 0

    await view.wait_for(drained, what="the closed document's work to be dropped")
    view.fake.reset()
