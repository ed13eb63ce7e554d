"""From gathered facts to candidate bullets: what the function decides on, calls, hands back
or raises, and changes; in that order, each as clauses that `pack` fits into one line."""

from __future__ import annotations

from mu_lsp.analysis.offline.phrasing import Clause, clip, listing, listing_clause, plural
from mu_lsp.analysis.offline.walk import NULLISH, Walk


def bullets(walk: Walk) -> list[list[Clause]]:
    """Clauses of the candidate bullets, in the order of the brief; empty ones dropped."""
    decisions: list[Clause] = []
    if walk.conditions:
        decisions.append((0, "branches on: " + _conditions(walk, 3), "branches on: " + _conditions(walk, 2)))
    if walk.loops:
        decisions.append(_loop_clause(walk))
    calls = [name for name in sorted(walk.calls, key=walk.calls.__getitem__) if name not in walk.raises]
    if walk.recursive:
        calls.insert(0, "itself (recursive)")
    called = [listing_clause(0, "calls: " if decisions else "straight-line code: calls ", calls, 4)] if calls else []
    # `s.data[k]` already says `s.data` changes
    mutations = [m for m in walk.mutations if not any(o.startswith(m + "[") for o in walk.mutations)]
    effects = [listing_clause(1, "mutates ", mutations, 3)] if mutations else []
    for category, names in walk.io.items():
        priority = 5 if category in ("logs", "prints") else 2
        effects.append((priority, f"{category} ({listing(names, 2)})", f"{category} ({listing(names, 1)})"))
    effects += [(4, extra, extra) for extra in dict.fromkeys(walk.extras)]
    helpers = [listing_clause(5, f"defines helper{'s' if len(set(walk.helpers)) > 1 else ''}: ", walk.helpers, 3)]
    candidates = [decisions, called, _exit_clauses(walk), effects, helpers if walk.helpers else []]
    return [clauses for clauses in candidates if clauses]


def _conditions(walk: Walk, count: int) -> str:
    """The `count` outermost conditions, whole ones before shortened ones ("fewer whole items
    rather than more broken ones"), listed in the order they appear in the code."""
    distinct = {text: (depth, order) for depth, order, text in sorted(walk.conditions, reverse=True)}
    kept = sorted(distinct, key=lambda text: (text.endswith("…"), distinct[text]))[:count]
    return listing(sorted(kept, key=lambda text: distinct[text][1]), count, more=False)


def _loop_clause(walk: Walk) -> Clause:
    groups: dict[str, list[str]] = {}
    for _, _, style, text in sorted(walk.loops)[:2]:
        groups.setdefault(style, []).append(text)
    words = {"over": "over ", "while": "while ", "forever": "until break"}
    parts = [words[style] + (listing(texts, 2) if style != "forever" else "") for style, texts in groups.items()]
    text = "loops " + " and ".join(parts)
    style, texts = next(iter(groups.items()))  # short form: the first loop alone, whole if it fits
    return (2, text, clip("loops " + words[style] + (texts[0] if style != "forever" else ""), 40))


def _exit_clauses(walk: Walk) -> list[Clause]:
    clauses: list[Clause] = []
    verb = walk.table.raise_verb
    kinds = _kinds_phrase(walk.kinds) if walk.valued else ""  # "returns None" says nothing
    if walk.yields:
        clauses.append((1, "yields values", "yields values"))
    else:
        early = len(walk.early_kinds)
        clause = f"returns {kinds}" if kinds else ""
        if early:
            early_kinds = "" if kinds or not walk.valued else _kinds_phrase(walk.early_kinds, ", ")
            where = f"early in {plural(early, 'place')}" + (f" ({early_kinds})" if early_kinds else "")
            clause = f"{clause}, {where}" if clause else f"returns {where}"
        elif walk.returns >= 3:
            clause = f"{clause or 'returns'} from {walk.returns} places"
        if clause:
            clauses.append((1, clause, f"returns {kinds}" if kinds else clause))
    if walk.error_returns and "Err" not in kinds:
        clauses.append((2, f"returns errors in {plural(walk.error_returns, 'place')}", "returns errors"))
    if walk.propagates:
        text = f"propagates errors with ? in {plural(walk.propagates, 'place')}"
        clauses.append((3, text, "propagates errors with ?"))
    if walk.raises:
        clauses.append(listing_clause(1, "may panic: " if verb == "panics" else f"{verb} ", walk.raises, 3))
    if walk.reraises:
        clauses.append((4, "re-raises", "re-raises"))
    if walk.catches:
        clauses.append(listing_clause(4, "catches ", walk.catches, 3))
    if walk.awaits:
        clauses.append(listing_clause(3, "async: awaits ", walk.awaits, 3))
    return clauses


def _kinds_phrase(kinds: list[str | None], joiner: str = " or ") -> str:
    if not kinds or any(kind is None for kind in kinds):
        return ""
    distinct = sorted(dict.fromkeys(k for k in kinds if k), key=lambda k: k in NULLISH or k == "Err")
    return joiner.join(distinct) if 0 < len(distinct) <= 2 else ""
