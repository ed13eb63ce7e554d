"""What never leaves the machine: excluded documents (`policy`, `excludes`) and secrets (`redact`)."""

from mu_lsp.privacy.excludes import DEFAULT_EXCLUDES, ExcludeMatcher
from mu_lsp.privacy.policy import PrivacyPolicy
from mu_lsp.privacy.redact import redact_secrets

__all__ = ["DEFAULT_EXCLUDES", "ExcludeMatcher", "PrivacyPolicy", "redact_secrets"]
