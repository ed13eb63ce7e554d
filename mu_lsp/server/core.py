"""`MuServer`: the language server object and the collaborators it owns.

Each kind of state has one owner: settings (`ServerConfiguration`), open documents with their
function states, timers and lens caches (`OpenDocuments`), finished summaries
(`SummaryMemory`), requests in flight (`Scheduler`), the worker process (`WorkerClient`),
and what the status bar shows (`StatusReporter`). The LSP features (`features/`) are thin
handlers over these. The editor-facing process holds only pygls, tree-sitter and the engine;
everything that talks to a provider runs in the worker.
"""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from mu_lsp import __version__
from mu_lsp.analysis.model import FunctionInfo
from mu_lsp.llm.types import SummarizationRequest
from mu_lsp.privacy.scrub import scrub
from mu_lsp.server.configuration import ServerConfiguration
from mu_lsp.server.progress import BatchProgress
from mu_lsp.server.protocol import MuProtocol
from mu_lsp.server.scheduler import Scheduler
from mu_lsp.server.state import FunctionState, Policy, SummaryMemory, View, view_of
from mu_lsp.server.status import StatusReporter
from mu_lsp.server.text import Encoding
from mu_lsp.server.worker_client import WorkerClient
from mu_lsp.server.workspace import OpenDocument, OpenDocuments
from mu_lsp.summarizing import build_request, prompt_path
from mu_lsp.worker.protocol import WaitingParams

log = logging.getLogger(__name__)


class MuServer(LanguageServer):
    def __init__(self, worker_command: list[str] | None = None) -> None:
        super().__init__("mu-lsp", __version__, protocol_cls=MuProtocol)
        self.config = ServerConfiguration()
        self.documents = OpenDocuments()
        self.memory = SummaryMemory()
        self.lenses_enabled = True
        self.worker = WorkerClient(worker_command, on_unavailable=self._unavailable, on_waiting=self._waiting)
        self.status = StatusReporter(
            self, self.worker.status, lambda: self.scheduler.pending, lambda: self.lenses_enabled
        )
        self.scheduler = Scheduler(
            self.documents,
            self.memory,
            self.worker.summarize,
            self.build_request,
            self.status.changed,
            lambda total, cancel: BatchProgress(self, "mu", total, cancel),
            self.status.cost_text,
        )
        self.documents.on_reanalysed = self.scheduler.reanalysed

    @property
    def encoding(self) -> Encoding:
        try:
            value = str(self.workspace.position_encoding or "utf-16")
        except RuntimeError:
            return "utf-16"
        return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"  # type: ignore[return-value]

    def supports_configuration(self) -> bool:
        workspace = self.client_capabilities.workspace if self.client_capabilities else None
        return bool(workspace and workspace.configuration)

    def show_message(self, kind: types.MessageType, text: str) -> None:
        """`window/showMessage`, through the one scrubber: a key pasted into the wrong setting
        must not pop up on screen."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=scrub(text)))

    # -- what a function looks like ----------------------------------------------------------

    def policy(self, opened: OpenDocument) -> Policy:
        settings = self.config.settings
        too_large = len(opened.document.source) > settings.summarize.max_file_bytes
        return Policy("save" in settings.summarize.on, too_large, opened.refusal)

    def view(self, opened: OpenDocument, function: FunctionInfo) -> View:
        state = opened.states.get(function.key)
        return view_of(
            function,
            opened.document.function_hash(function),
            state if state is not None else FunctionState(),
            self.memory,
            self.policy(opened),
        )

    def summarizable(self, opened: OpenDocument) -> bool:
        policy = self.policy(opened)
        return not (policy.excluded or policy.too_large)

    def complex_functions(self, opened: OpenDocument) -> list[FunctionInfo]:
        thresholds = self.config.thresholds
        return [f for f in opened.document.functions if f.is_complex(thresholds)]

    def build_request(self, opened: OpenDocument, function: FunctionInfo) -> SummarizationRequest:
        document = opened.document
        path = to_fs_path(document.uri) if document.uri.startswith("file:") else None
        root = self.config.root
        shown = prompt_path(path, [root] if root is not None else []) if path is not None else document.uri
        return build_request(
            function,
            document.source,
            document.tree,
            path,
            shown,
            document.buffer.line_starts,
            document.function_hash(function),
        )

    def schedule(self, opened: OpenDocument, asked: bool = False, override_budget: bool = False) -> int:
        """Summarize every complex function of a document that may be sent."""
        if not self.summarizable(opened):
            return 0
        return self.scheduler.submit(opened.uri, self.complex_functions(opened), override_budget, asked=asked)

    # -- worker events -----------------------------------------------------------------------

    def _unavailable(self, reason: str) -> None:
        self.show_message(types.MessageType.Error, f"mu-lsp: the summarizer could not start: {reason}")
        self.status.changed()

    def _waiting(self, params: WaitingParams) -> None:
        if self.scheduler.waiting(str(params.body_hash), float(params.until)):
            self.status.changed()
