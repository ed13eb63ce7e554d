"""Per-language counting rules, one object per language, built once per process."""

from __future__ import annotations

from functools import cache

from mu_lsp.analysis.engine import LanguageRules
from mu_lsp.analysis.rules.go import GoRules
from mu_lsp.analysis.rules.java import JavaRules
from mu_lsp.analysis.rules.javascript import JavaScriptRules
from mu_lsp.analysis.rules.python import PythonRules
from mu_lsp.analysis.rules.rust import RustRules


@cache
def rules_for(language: str) -> LanguageRules:
    if language == "python":
        return PythonRules()
    if language in ("javascript", "typescript", "tsx"):
        return JavaScriptRules(language)
    if language == "go":
        return GoRules(language)
    if language == "rust":
        return RustRules(language)
    if language == "java":
        return JavaRules(language)
    raise KeyError(f"unsupported language: {language}")
