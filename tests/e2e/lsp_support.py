"""Driving a real `mu-lsp` server process with pytest-lsp's client, against the stand-in provider."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import FAKE_KEY
from tests.support.fake_provider import FakeProvider

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


@dataclass
class Session:
    client: LanguageClient
    fake: FakeProvider
    root: Path
    uri: str
    capabilities: str
    refreshes: int = 0
    statuses: list[dict[str, Any]] = field(default_factory=list)
    initialize_result: types.InitializeResult | None = None

    @property
    def supports_refresh(self) -> bool:
        caps = self.client.capabilities
        return bool(caps and caps.workspace and caps.workspace.code_lens and caps.workspace.code_lens.refresh_support)

    def open(self, text: str = SAMPLE, uri: str | None = None, language: str = "python") -> str:
        uri = uri or self.uri
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
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

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    async def wait_for_lens(self, line: int, contains: str, timeout: float = 30.0, uri: str | None = None) -> str:
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


def murc(root: Path, fake: FakeProvider, **llm: Any) -> None:
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
    env: dict[str, str] | None = None,
) -> Session:
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
    config = ClientServerConfig(server_command=[sys.executable, "-m", "mu_lsp"], server_env=server_env)
    client = await config.start()
    assert isinstance(client, LanguageClient)
    session = Session(client, fake, root, (root / "sample.py").as_uri(), capabilities)
    if client_settings is not None:
        client.set_configuration(client_settings, section="mu")

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_refresh(_: Any, params: None = None) -> None:
        session.refreshes += 1

    @client.feature("mu/status")
    def on_status(_: Any, params: Any) -> None:
        session.statuses.append(params if isinstance(params, dict) else client.protocol._converter.unstructure(params))

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
