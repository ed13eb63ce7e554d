"""The language server: state, document lifecycle, hover, code lens, configuration.

The editor-facing process holds only pygls, tree-sitter and the analysis engine; everything
that talks to a provider runs in the worker process (`mu_lsp.worker`). Handlers here are
synchronous and short, so the event loop is free for the next keystroke.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from mu_lsp import __version__
from mu_lsp.analysis.languages import language_for_id
from mu_lsp.analysis.model import FunctionInfo, Thresholds
from mu_lsp.config import Settings
from mu_lsp.llm.privacy import ExcludeMatcher
from mu_lsp.llm.types import SummarizationRequest
from mu_lsp.server.configuration import ConfigurationLayers
from mu_lsp.server.documents import ContentChange, Document
from mu_lsp.server.render import hover_markdown, lens_title
from mu_lsp.server.scheduler import Scheduler
from mu_lsp.server.state import (
    FunctionKey,
    FunctionState,
    Policy,
    State,
    SummaryMemory,
    View,
    function_keys,
    view_of,
)
from mu_lsp.server.text import Encoding, PositionError
from mu_lsp.server.worker_client import WorkerClient
from mu_lsp.summarizing import build_request

log = logging.getLogger(__name__)

FLUSH_DELAY = 0.15  # seconds of quiet typing before a document is re-parsed in the background
COMMAND_SUMMARIZE_FUNCTION = "mu.summarizeFunction"
COMMAND_SUMMARIZE_FILE = "mu.summarizeFile"
STATUS_NOTIFICATION = "mu/status"


class MuProtocol(LanguageServerProtocol):
    """Skips pygls's own document store: its incremental update walks every line in Python,
    and mu-lsp keeps bytes, a line index and a syntax tree of its own."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


class MuServer(LanguageServer):
    def __init__(self, worker_command: list[str] | None = None) -> None:
        super().__init__("mu-lsp", __version__, protocol_cls=MuProtocol)
        self.documents: dict[str, Document] = {}
        self.states: dict[str, dict[FunctionKey, FunctionState]] = {}
        self.memory = SummaryMemory()
        self.layers = ConfigurationLayers()
        self.settings = Settings()
        self.thresholds = Thresholds()
        self.excludes = ExcludeMatcher.from_patterns(self.settings.privacy.exclude)
        self.lenses_enabled = True
        self.root: Path | None = None
        self.worker = WorkerClient(command=worker_command)
        self.scheduler = Scheduler(self)
        # Documents may open before the editor's settings are pulled; they wait for this.
        self.settings_ready = asyncio.Event()
        self._deferred: set[asyncio.Task[None]] = set()
        self._flush_timers: dict[str, asyncio.TimerHandle] = {}
        # The lens list only changes with the text or the thresholds: built once per version.
        self.lens_cache: dict[str, tuple[tuple[int, int, Thresholds], list[types.CodeLens]]] = {}

    # -- capabilities ------------------------------------------------------------------------

    @property
    def encoding(self) -> Encoding:
        try:
            value = str(self.workspace.position_encoding or "utf-16")
        except RuntimeError:
            return "utf-16"
        return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"  # type: ignore[return-value]

    def supports_lens_refresh(self) -> bool:
        workspace = self.client_capabilities.workspace if self.client_capabilities else None
        code_lens = workspace.code_lens if workspace else None
        return bool(code_lens and code_lens.refresh_support)

    def supports_configuration(self) -> bool:
        workspace = self.client_capabilities.workspace if self.client_capabilities else None
        return bool(workspace and workspace.configuration)

    # -- settings ----------------------------------------------------------------------------

    def apply_settings(self) -> bool:
        """Rebuild settings from the layers; True when the worker needs reconfiguring."""
        settings, problems = self.layers.build()
        for problem in problems:
            log.log(logging.WARNING if problem.severity == "warning" else logging.ERROR, "%s", problem)
        for problem in self.layers.new_problems(problems):
            kind = types.MessageType.Warning if problem.severity == "warning" else types.MessageType.Error
            self.window_show_message(types.ShowMessageParams(type=kind, message=f"mu-lsp: {problem}"))
        previous = self.settings
        self.settings = settings
        self.thresholds = Thresholds(settings.complexity.cyclomatic, settings.complexity.cognitive)
        try:
            self.excludes = ExcludeMatcher.from_patterns(settings.privacy.exclude)
        except ValueError as error:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"mu-lsp: privacy.exclude: {error}")
            )
        self.scheduler.changed()
        return previous.llm != settings.llm or previous.privacy != settings.privacy or previous.cache != settings.cache

    async def configure_worker(self) -> None:
        await self.worker.configure(self.layers.merged_layer(), str(self.root) if self.root else None)
        if await self.worker.wait_ready():
            self.send_status()

    async def pull_configuration(self) -> None:
        if not self.supports_configuration():
            return
        try:
            result = await asyncio.wait_for(
                self.workspace_configuration_async(
                    types.ConfigurationParams(
                        items=[
                            types.ConfigurationItem(section="mu", scope_uri=self.root.as_uri() if self.root else None)
                        ]
                    )
                ),
                10.0,
            )
        except Exception as error:  # a client that cannot answer keeps the other layers
            log.warning("could not read the editor's mu settings: %r", error)
            return
        self.layers.set_client_settings(result[0] if result else None)

    # -- documents ---------------------------------------------------------------------------

    def document(self, uri: str) -> Document | None:
        """An open document, brought up to date (re-parsed if edits are pending)."""
        document = self.documents.get(uri)
        if document is not None and document.pending:
            self.flush_document(uri)
        return document

    def edited(self, uri: str) -> None:
        """Re-parse when typing pauses, not on every key."""
        timer = self._flush_timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._flush_timers[uri] = asyncio.get_running_loop().call_later(FLUSH_DELAY, self.flush_document, uri)

    def flush_document(self, uri: str) -> None:
        timer = self._flush_timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        document = self.documents.get(uri)
        if document is None:
            return
        touched = document.take_touched()
        if touched and self.scheduler.pending:
            cancel_outdated_requests(self, document, touched)

    def state_for(self, uri: str, key: FunctionKey) -> FunctionState:
        return self.states.setdefault(uri, {}).setdefault(key, FunctionState())

    def policy_for(self, document: Document) -> Policy:
        path = uri_to_path(document.uri)
        excluded = path is not None and self.excludes.is_excluded(path, self.root)
        too_large = len(document.source) > self.settings.summarize.max_file_bytes
        return Policy("save" in self.settings.summarize.on, too_large, excluded)

    def complex_functions(self, document: Document) -> list[tuple[FunctionKey, FunctionInfo]]:
        keys = function_keys(document.functions)
        return [(k, f) for k, f in zip(keys, document.functions, strict=True) if f.is_complex(self.thresholds)]

    def view(
        self,
        document: Document,
        key: FunctionKey,
        function: FunctionInfo,
        policy: Policy | None = None,
    ) -> View:
        return view_of(
            function,
            document.function_hash(function),
            self.state_for(document.uri, key),
            self.memory,
            policy or self.policy_for(document),
        )

    def request_for(self, document: Document, function: FunctionInfo, body_hash: str) -> SummarizationRequest:
        path = uri_to_path(document.uri)
        shown = document.uri
        if path is not None:
            shown = str(path)
            if self.root is not None:
                with contextlib.suppress(ValueError):
                    shown = str(path.relative_to(self.root))
        return build_request(
            function,
            document.source,
            document.tree,
            path,
            shown,
            document.buffer.line_starts,
            body_hash,
        )

    def summarizable(self, document: Document) -> bool:
        policy = self.policy_for(document)
        return not (policy.excluded or policy.too_large)

    async def initial_settings(self, timeout: float = 5.0) -> None:
        """Wait (bounded) until the editor's settings have been pulled once."""
        if not self.settings_ready.is_set():
            try:
                await asyncio.wait_for(self.settings_ready.wait(), timeout)
            except TimeoutError:
                log.warning("answering before the editor's settings arrived")

    def when_settings_ready(self, uri: str, trigger: str) -> None:
        """Schedule `uri` for `trigger` once the final settings are known."""

        async def run() -> None:
            await self.settings_ready.wait()
            document = self.documents.get(uri)
            if document is not None and trigger in self.settings.summarize.on:
                self.schedule_document(document, trigger)

        task = asyncio.ensure_future(run())
        self._deferred.add(task)
        task.add_done_callback(self._deferred.discard)

    def schedule_document(self, document: Document, title: str) -> int:
        self.flush_document(document.uri)
        if not self.summarizable(document):
            return 0
        return self.scheduler.submit(document.uri, self.complex_functions(document), title)

    # -- notifications to the client ---------------------------------------------------------

    def refresh_lenses(self) -> None:
        if self.supports_lens_refresh():
            try:
                self.workspace_code_lens_refresh(None)
            except Exception as error:
                log.debug("codeLens refresh failed: %s", error)

    def send_status(self) -> None:
        status = self.worker.status
        self.protocol.notify(
            STATUS_NOTIFICATION,
            {
                "pending": self.scheduler.pending,
                "costUsd": round(status.cost_usd, 6),
                "budgetUsd": status.budget_usd,
                "provider": status.provider,
                "model": status.model,
                "offline": status.offline,
                "lensesEnabled": self.lenses_enabled,
            },
        )


def create_server(worker_command: list[str] | None = None) -> MuServer:
    server = MuServer(worker_command)
    _register_lifecycle(server)
    _register_documents(server)
    _register_views(server)
    from mu_lsp.server.commands import register_commands

    register_commands(server)
    return server


def _register_lifecycle(server: MuServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: MuServer, params: types.InitializeParams) -> None:
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        if root is None and params.root_path:
            ls.root = Path(params.root_path)
        elif root is not None:
            ls.root = uri_to_path(root)
        ls.layers.root = ls.root or Path(os.getcwd())
        ls.layers.set_init_options(params.initialization_options)
        ls.layers.load_file()
        ls.apply_settings()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: MuServer, params: types.InitializedParams) -> None:
        try:
            await ls.pull_configuration()
            ls.apply_settings()
        finally:
            ls.settings_ready.set()
        await ls.configure_worker()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: MuServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and "mu" in settings and not ls.supports_configuration():
            ls.layers.set_client_settings(settings["mu"])
        ls.layers.load_file()
        await ls.pull_configuration()
        if ls.apply_settings():
            await ls.configure_worker()

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: MuServer, params: Any) -> None:
        ls.scheduler.cancel_all()
        await ls.worker.stop()


def _register_documents(server: MuServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MuServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        language = language_for_id(item.language_id, uri_to_path(item.uri))
        if language is None:
            log.info("not analysing %s: unsupported language %r", item.uri, item.language_id)
            return
        document = Document.open(item.uri, language, item.version, item.text)
        ls.documents[item.uri] = document
        ls.states[item.uri] = {}
        if not ls.summarizable(document):
            policy = ls.policy_for(document)
            reason = "excluded by [privacy] exclude" if policy.excluded else "larger than [summarize] max_file_bytes"
            log.info("%s: analysed, not summarized (%s)", item.uri, reason)
        else:
            ls.when_settings_ready(item.uri, "open")

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MuServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.documents.get(uri)
        if document is None:
            return
        changes = [
            ContentChange(
                change.text,
                (
                    change.range.start.line,
                    change.range.start.character,
                    change.range.end.line,
                    change.range.end.character,
                )
                if isinstance(change, types.TextDocumentContentChangePartial)
                else None,
            )
            for change in params.content_changes
        ]
        try:
            document.apply(changes, params.text_document.version, ls.encoding)
        except PositionError as error:
            log.warning("ignored an edit of %s: %s", uri, error)
            return
        ls.edited(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: MuServer, params: types.DidSaveTextDocumentParams) -> None:
        document = ls.document(params.text_document.uri)
        if document is not None and "save" in ls.settings.summarize.on:
            ls.schedule_document(document, "save")

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MuServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.scheduler.cancel_document(uri)
        timer = ls._flush_timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        ls.documents.pop(uri, None)
        ls.states.pop(uri, None)
        ls.lens_cache.pop(uri, None)


def cancel_outdated_requests(ls: MuServer, document: Document, touched: set[int]) -> None:
    """A request whose function changed body (or vanished) is no longer wanted."""
    by_key = dict(zip(function_keys(document.functions), document.functions, strict=True))
    for (uri, key), (body_hash, task) in list(ls.scheduler.tasks.items()):
        if uri != document.uri:
            continue
        function = by_key.get(key)
        if function is None or (id(function) in touched and document.function_hash(function) != body_hash):
            task.cancel()


def _register_views(server: MuServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: MuServer, params: types.HoverParams) -> types.Hover | None:
        await ls.initial_settings()
        document = ls.document(params.text_document.uri)
        if document is None:
            return None
        function = document.function_at_header(params.position.line)
        if function is None:
            return None
        keys = function_keys(document.functions)
        key = keys[next(i for i, f in enumerate(document.functions) if f is function)]
        complex_function = function.is_complex(ls.thresholds)
        view = ls.view(document, key, function) if complex_function else View(function, State.READY, None, None)
        markdown = hover_markdown(view, complex_function, "save" in ls.settings.summarize.on)
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown))

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
    async def code_lens(ls: MuServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        await ls.initial_settings()
        document = ls.document(params.text_document.uri)
        if document is None or not ls.lenses_enabled:
            return []
        stamp = (id(document), document.version, ls.thresholds)
        cached = ls.lens_cache.get(document.uri)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        lenses = []
        for key, function in ls.complex_functions(document):
            position = types.Position(line=function.name_row, character=0)
            lenses.append(
                types.CodeLens(
                    range=types.Range(start=position, end=position),
                    data={
                        "uri": document.uri,
                        "name": key[0],
                        "index": key[1],
                        "line": function.name_row,
                    },
                )
            )
        ls.lens_cache[document.uri] = (stamp, lenses)
        return lenses

    @server.feature(types.CODE_LENS_RESOLVE)
    def code_lens_resolve(ls: MuServer, lens: types.CodeLens) -> types.CodeLens:
        data = lens.data if isinstance(lens.data, dict) else {}
        document = ls.document(str(data.get("uri", "")))
        found = None
        if document is not None:
            key = (str(data.get("name", "")), int(data.get("index", 0) or 0))
            for candidate_key, function in zip(function_keys(document.functions), document.functions, strict=True):
                if candidate_key == key:
                    found = (candidate_key, function)
                    break
        if document is None or found is None:
            lens.command = types.Command(title="mu: out of date, re-open the file", command="")
            return lens
        key, function = found
        view = ls.view(document, key, function)
        title = lens_title(view, "save" in ls.settings.summarize.on)
        lens.command = types.Command(
            title=title,
            command=COMMAND_SUMMARIZE_FUNCTION,
            arguments=[document.uri, function.name_row],
        )
        return lens
