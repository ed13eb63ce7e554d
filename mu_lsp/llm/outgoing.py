"""The exact messages that leave the machine for one request, redacted as a whole.

Every field a prompt carries (name, path, context, signature, hot spots, body, and any field
added later) is redacted, by redacting the assembled messages rather than chosen fields. The
body is also redacted on its own first, before truncation can cut a secret in half. The pool,
the cost estimate and `--dry-run` all use this one function, so what is shown is what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from mu_lsp.llm.prompts import build_messages
from mu_lsp.llm.types import SummarizationRequest
from mu_lsp.privacy.redact import redact_secrets


@dataclass(frozen=True, slots=True)
class OutgoingRequest:
    messages: list[dict[str, str]]
    redactions: int  # secrets replaced by placeholders, over all fields


def outgoing_request(request: SummarizationRequest) -> OutgoingRequest:
    body = redact_secrets(request.body_source)
    count = len(body.findings)
    messages = []
    for message in build_messages(request, body.text):
        redacted = redact_secrets(message["content"])
        count += len(redacted.findings)
        messages.append({**message, "content": redacted.text})
    return OutgoingRequest(messages, count)
