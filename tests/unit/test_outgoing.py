"""What leaves the machine: every field redacted, and no cache entry shared across endpoints."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mu_lsp.llm.cost import prompt_tokens
from mu_lsp.llm.outgoing import outgoing_request
from mu_lsp.llm.types import SummarizationRequest
from mu_lsp.privacy.scrub import scrub
from tests.support.fake_provider import FakeProvider
from tests.unit.test_pool import make_pool, request

GITHUB = "ghp_" + "R8x2LqPzT4vB7nK1mW9cY3dF6hJ0sA5eU2gQ"
OPENAI = "sk-proj-" + "Xy7Qp2Lm9Rt4Vb8Nc3Kd6Hs1Fg5Jw0Ze2Ua7Ti4"
PASSWORD = "Tr0ub4dor&3-horse"

SIGNATURES = {
    "python": f'def connect(host, token="{GITHUB}", password="{PASSWORD}"):',
    "javascript": f'function connect(host, apiKey = "{OPENAI}", password = "{PASSWORD}") {{',
    "typescript": f'function connect(host: string, apiKey: string = "{OPENAI}", token = "{GITHUB}"): void {{',
}
BODIES = {
    "python": "    if host and token:\n        return host\n    return None\n",
    "javascript": "  if (host && apiKey) { return host; }\n  return null;\n}\n",
    "typescript": "  if (host && apiKey) { return; }\n}\n",
}


def _sent_text(messages: list[dict[str, str]]) -> str:
    return "\n".join(m["content"] for m in messages)


@pytest.mark.parametrize("language", sorted(SIGNATURES))
def test_a_secret_in_the_signature_is_redacted(language: str) -> None:
    signature = SIGNATURES[language]
    body = signature + "\n" + BODIES[language]
    outgoing = outgoing_request(
        SummarizationRequest("connect", body, language, signature=signature, context="src/app.py")
    )
    text = _sent_text(outgoing.messages)
    for secret in (GITHUB, OPENAI, PASSWORD):
        assert secret not in text
    assert "<redacted:" in text and outgoing.redactions >= 2


@pytest.mark.parametrize(
    "field",
    ["function_name", "context", "signature", "hot_spots", "body_source"],
)
def test_a_secret_in_any_field_is_redacted(field: str) -> None:
    values: dict[str, object] = {
        "function_name": "connect",
        "body_source": "def connect():\n    return 1\n",
        "language": "python",
        "context": "src/app.py",
        "signature": "def connect():",
        "hot_spots": ("line 2 (+1): return 1",),
    }
    secret = f"token={GITHUB}"
    values[field] = (f"line 9 (+3): {secret}",) if field == "hot_spots" else f"{values[field]} {secret}"
    outgoing = outgoing_request(SummarizationRequest(**values))  # type: ignore[arg-type]
    assert GITHUB not in _sent_text(outgoing.messages)
    if field in ("function_name", "context", "body_source"):  # the prompt carries these
        assert outgoing.redactions >= 1


def test_redaction_is_idempotent_and_leaves_the_prompt_alone() -> None:
    plain = SummarizationRequest("pkg.Parser.parse", "def parse(self):\n    return self.tokens\n", "python")
    outgoing = outgoing_request(plain)
    assert outgoing.redactions == 0 and "<redacted" not in _sent_text(outgoing.messages)
    assert prompt_tokens(plain) > 0


def test_the_provider_receives_no_secret_from_any_field(fake: FakeProvider, isolated_cache: Path) -> None:
    pool = make_pool(fake, isolated_cache)
    signature = SIGNATURES["python"]
    result = asyncio.run(
        pool.summarize(
            request(
                "connect",
                body=signature + "\n" + BODIES["python"],
                signature=signature,
                hot_spots=(f"line 2 (+1): if host and token == '{GITHUB}':",),
            )
        )
    )
    pool.close()
    assert result.ok and result.redactions >= 2
    assert not fake.saw(GITHUB) and not fake.saw(PASSWORD)


def test_summaries_from_another_endpoint_are_never_used(isolated_cache: Path) -> None:
    # A repository's own server answered for this body; the user's real provider must not
    # be shown that answer as "cached" (same provider and model names, other endpoint).
    with FakeProvider() as attacker, FakeProvider() as real:
        attacker.always("ok", content="- safe to approve without review")
        poisoned = make_pool(attacker, isolated_cache)
        assert asyncio.run(poisoned.summarize(request())).summary == ("safe to approve without review",)
        poisoned.close()
        honest = make_pool(real, isolated_cache)
        result = asyncio.run(honest.summarize(request()))
        honest.close()
        assert not result.cached and len(real.requests) == 1
        assert "safe to approve" not in " ".join(result.summary)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("could not connect to openai at http://h:1/v1?api-key=S3cr3tValue99 (after 3 attempts)", "S3cr3tValue99"),
        ("GET http://h/v1/chat?key=S3cr3tValue99&x=1 failed", "S3cr3tValue99"),
        ("llm.timeout_seconds must be a positive number, got 'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12'", "Ab12Cd34Ef56"),
        ("api_key=S3cr3tValue99 and more text after it", "S3cr3tValue99"),
        ("https://user:hunter2hunter2@proxy.example:8080 refused", "hunter2hunter2"),
    ],
)
def test_the_scrubber_catches_secrets_followed_by_more_text(text: str, secret: str) -> None:
    assert secret not in scrub(text)


def test_the_scrubber_removes_configured_keys_anywhere() -> None:
    key = "plainlookingbutconfigured"
    assert key not in scrub(f"x{key}y", {"OPENAI_API_KEY": key})


def test_prompts_name_a_path_relative_to_its_root_or_by_its_name_alone(tmp_path: Path) -> None:
    from mu_lsp.summarizing import prompt_path

    root = tmp_path / "project"
    assert prompt_path(root / "pkg" / "mod.py", [tmp_path / "other", root]) == "pkg/mod.py"
    assert prompt_path(tmp_path / "outside" / "x.py", [root]) == "x.py"  # never an absolute path
    assert prompt_path(root / "x.py", []) == "x.py"
