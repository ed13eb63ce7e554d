"""Per-language counting rules, one object per language, built once per process."""

from __future__ import annotations

from functools import cache

from mu_lsp.analysis.engine import LanguageRules
from mu_lsp.analysis.rules.c import CppRules, CRules  # C family (issue 18)
from mu_lsp.analysis.rules.csharp import CSharpRules
from mu_lsp.analysis.rules.go import GoRules
from mu_lsp.analysis.rules.java import JavaRules
from mu_lsp.analysis.rules.javascript import JavaScriptRules
from mu_lsp.analysis.rules.kotlin import KotlinRules
from mu_lsp.analysis.rules.php import PhpRules
from mu_lsp.analysis.rules.python import PythonRules
from mu_lsp.analysis.rules.ruby import RubyRules
from mu_lsp.analysis.rules.rust import RustRules
from mu_lsp.analysis.rules.swift import SwiftRules


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
    if language == "c":  # C family (issue 18)
        return CRules(language)
    if language == "cpp":
        return CppRules(language)
    if language == "csharp":
        return CSharpRules(language)
    # PHP, Ruby, Kotlin, Swift (issue 18)
    if language == "php":
        return PhpRules(language)
    if language == "ruby":
        return RubyRules(language)
    if language == "kotlin":
        return KotlinRules(language)
    if language == "swift":
        return SwiftRules(language)
    raise KeyError(f"unsupported language: {language}")
