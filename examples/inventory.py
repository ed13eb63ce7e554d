"""A small inventory module with one knotty function, for trying mu-lsp."""

from __future__ import annotations

import json
from pathlib import Path


def restock_plan(items, warehouse, budget, *, strict=False, log_path=None):
    """Decide what to reorder, from where, within a budget."""
    plan = []
    spent = 0.0
    for item in items:
        if item.get("discontinued"):
            continue
        level = warehouse.get(item["sku"], 0)
        if level >= item["minimum"] and not strict:
            continue
        for supplier in sorted(item["suppliers"], key=lambda s: s["price"]):
            if supplier["lead_days"] > 14 and not item.get("urgent"):
                continue
            quantity = max(item["minimum"] * 2 - level, 1)
            cost = quantity * supplier["price"]
            if spent + cost > budget:
                if strict:
                    raise ValueError(f"budget exceeded for {item['sku']}")
                quantity = int((budget - spent) // supplier["price"])
                if quantity <= 0:
                    break
                cost = quantity * supplier["price"]
            plan.append({"sku": item["sku"], "supplier": supplier["name"], "quantity": quantity})
            spent += cost
            break
        else:
            if strict or item.get("urgent"):
                plan.append({"sku": item["sku"], "supplier": None, "quantity": 0})
    if log_path:
        Path(log_path).write_text(json.dumps(plan, indent=2))
    return plan, spent


def total_value(warehouse, prices):
    return sum(count * prices.get(sku, 0) for sku, count in warehouse.items())
