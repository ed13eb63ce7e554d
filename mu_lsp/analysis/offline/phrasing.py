"""Fitting facts into bullets: listings, plurals, and packing clauses into one short line."""

from __future__ import annotations

from mu_lsp.textcut import clip

__all__ = ["MAX_BULLET", "Clause", "clip", "listing", "listing_clause", "pack", "plural"]

MAX_BULLET = 110
Clause = tuple[int, str, str]  # (priority: lower is kept first, full text, short text)


def _dedupe(items: list[str], limit: int) -> tuple[list[str], int]:
    """First `limit` distinct items and how many more there were."""
    unique = list(dict.fromkeys(item for item in items if item))
    return unique[:limit], max(0, len(unique) - limit)


def listing(items: list[str], limit: int, more: bool = True) -> str:
    """ "a, b, c (+2 more)": distinct items in first-seen order, so output is deterministic."""
    shown, hidden = _dedupe(items, limit)
    return ", ".join(shown) + (f" (+{hidden} more)" if hidden and more else "")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def listing_clause(priority: int, prefix: str, items: list[str], limit: int) -> Clause:
    """A listing clause, with a one-item short form for when space runs out."""
    return (priority, prefix + listing(items, limit), prefix + listing(items, 1))


def pack(clauses: list[Clause]) -> str:
    """One bullet of at most MAX_BULLET characters, clauses shown in their original order.

    Priority tiers are filled in turn: every clause of a tier in its short form if it fits, then
    upgraded to its full form if that still fits; lower tiers get what is left.
    """
    ranked = sorted(range(len(clauses)), key=lambda i: (clauses[i][0], i))
    chosen = {ranked[0]: clip(clauses[ranked[0]][2], MAX_BULLET)}
    for level in sorted({clause[0] for clause in clauses}):
        tier = [index for index in ranked if clauses[index][0] == level]
        for upgrade in (False, True):
            for index in tier:
                text = clauses[index][1] if upgrade else clauses[index][2]
                others = sum(len(chosen[i]) + 2 for i in chosen if i != index)
                if (index in chosen or not upgrade) and others + len(text) <= MAX_BULLET:
                    chosen[index] = text
    text = "; ".join(chosen[index] for index in sorted(chosen))
    return text[:1].upper() + text[1:]
