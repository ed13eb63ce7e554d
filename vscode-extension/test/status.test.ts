import assert from "node:assert/strict";
import { test } from "node:test";

import { type ServerStatus, parseStatus, statusText } from "../src/status";

const base: ServerStatus = {
  pending: 0,
  costUsd: 0.0042,
  budgetUsd: 1,
  provider: "anthropic",
  model: "claude-haiku-4-5",
  offline: false,
  lensesEnabled: true,
};

test("pending summaries and cost", () => {
  const view = statusText({ ...base, pending: 3 }, true);
  assert.equal(view.text, "$(sync~spin) mu: 3 pending · $0.0042");
  assert.match(view.tooltip, /anthropic\/claude-haiku-4-5/);
  assert.match(view.tooltip, /\$1\.000 budget/);
});

test("idle, offline, lenses off, not running, starting", () => {
  assert.equal(statusText({ ...base, costUsd: 0.25 }, true).text, "$(check) mu · $0.250");
  assert.equal(statusText({ ...base, offline: true }, true).text, "$(check) mu · offline");
  assert.equal(statusText({ ...base, lensesEnabled: false, pending: 2 }, true).text, "$(eye-closed) mu · lenses off");
  assert.equal(statusText(base, false).text, "$(circle-slash) mu");
  assert.equal(statusText(undefined, true).text, "$(sync~spin) mu");
});

test("a malformed notification is rejected or sanitized", () => {
  assert.equal(parseStatus(null), undefined);
  assert.equal(parseStatus("x"), undefined);
  assert.deepEqual(parseStatus({ pending: "3", costUsd: Number.NaN, provider: 5, lensesEnabled: "no" }), {
    pending: 0,
    costUsd: 0,
    budgetUsd: 0,
    provider: "",
    model: "",
    offline: false,
    lensesEnabled: true,
  });
});
