"""The offline provider's backend: the structural summarizer, run off the event loop.

It needs no key, sends nothing, costs nothing, and its bullets need no parsing.
"""

from __future__ import annotations

import asyncio

from mu_lsp.analysis.offline import summarize_offline
from mu_lsp.llm.completion import Call, Completion


class StructuralBackend:
    remote = False

    async def complete(self, call: Call) -> Completion:
        request = call.request
        bullets = await asyncio.to_thread(
            summarize_offline, request.body_source, request.language, request.function_name
        )
        return Completion("", 0, 0, tuple(bullets))
