"""Secret redaction: every function body passes through here before it leaves the machine.

Three detectors, from most to least specific:

1. Token formats whose shape alone gives them away (`ghp_…`, `AKIA…`, JWTs, PEM private key
   blocks, `scheme://user:password@host`, `Bearer …`; KINDS lists them all): `rules` and
   `scanners`.
2. Values assigned to secret-looking names, whatever the value looks like (`db_password = …`,
   `API_KEY=…`, `setPassword("…")`, `<password>…</password>`, …): `assignments`.
3. Long quoted strings that look random: ≥ 24 base64/base62 characters mixing upper case,
   lower case and digits, not made of English bigrams, with a Shannon entropy near that of
   random text of the same length, and not base64 of printable text: `scanners`, with the
   value checks in `heuristics`.

Only the secret is replaced, by `<redacted:KIND>`; quotes, names and operators stay, so the
model still understands the function. Overlapping findings are merged into one placeholder
named by the most specific detector, so no piece of a secret survives between two findings
(`merge`).

Deliberate choices, each pinned by a test:

* Not secrets: values shorter than 6 characters; templates (`"{password}"`, `"%s"`,
  `"${DB_PASS}"`, `"<token>"`, `"os.environ/KEY"`); masks (`"******"`, `"sk-..."`,
  `"xoxb-XXXXXXXX"`); obviously fake values (`"dummy-…"`, `"your-api-key"`, `"example"`);
  env-variable, field, header and enum names (`"GITHUB_TOKEN"`, `"access_token"`,
  `"X-Api-Key"`, `oauth2 = "oauth2"`); regexes; quoted type annotations
  (`credentials: "Credentials | None"`); messages (six words or more, or a sentence);
  paths and credential-free URLs; unquoted values that are code (`token = self.token`).
* Secrets although they may look harmless: literal default passwords (`"changeme"`,
  `"password123"`), short passphrases with spaces or hyphens (`"correct horse battery"`),
  and every URL password that is not a template, even `user:pass@`: a real credential is as
  likely as a placeholder, and the placeholder tells the model as much as the value did.
* Pure hex strings (hashes, digests, ids, colours, SHA-256 test fixtures) and UUIDs are not
  high-entropy findings: code is full of them and they are rarely credentials. Hex secrets
  are still caught by name (`secret_key = "9f86d0…"`, `HEROKU_API_KEY = "<uuid>"`) or by
  format (Twilio, DigitalOcean, Shopify).
* Random identifiers of APIs (`"toolu_01T1x…"`, `"call_wKay…"`) and embedded binary data
  are high-entropy findings: by shape they are indistinguishable from keys.
* Stripe publishable keys (`pk_live_…`) are public by design and are left alone.

Every pattern starts with a literal (so the regex engine can skip to it), uses bounded or
possessive repetitions and no nested quantifiers; PEM blocks are delimited with str.find.
Adversarial input (100 KB of `a`, `=`, BEGIN lines, …) costs about what ordinary code of the
same size does (benchmarks/bench_redact.py). If anything unexpected happens anyway, the whole
text is withheld (fail closed) rather than sent.

Modules, each importing only those before it: `findings` (the data), `heuristics` (value
checks), `rules` (the token-format table), `assignments`, `scanners` (the other detectors,
all detectors in order, KINDS), `merge` (overlaps, placeholders, failing closed).
"""

from __future__ import annotations

from mu_lsp.privacy.redact.findings import RedactionResult, SecretFinding
from mu_lsp.privacy.redact.heuristics import shannon_entropy
from mu_lsp.privacy.redact.merge import merge_candidates as _merge  # noqa: F401  (tests pin the merge rule)
from mu_lsp.privacy.redact.merge import redact
from mu_lsp.privacy.redact.scanners import KINDS, SCANNERS

__all__ = ["KINDS", "RedactionResult", "SecretFinding", "redact_secrets", "shannon_entropy"]

_SCANNERS = SCANNERS  # looked up on every call, so a test can swap in a broken detector


def redact_secrets(text: str) -> RedactionResult:
    """`text` with every secret replaced by `<redacted:KIND>`. Never raises: on an internal
    error the whole text is withheld, because sending it unredacted is the one bad outcome."""
    return redact(text, _SCANNERS)
