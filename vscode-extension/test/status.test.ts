import assert from "node:assert/strict";
import { test } from "node:test";

import type { StatusBarItem } from "vscode";

import { type ServerStatus, StatusBar, formatCost, parseStatus, statusText } from "../src/status";

const idle: ServerStatus = {
  pending: 0,
  costUsd: 0.004,
  budgetUsd: 1,
  provider: "anthropic",
  model: "claude-haiku-4-5",
  offline: false,
  lensesEnabled: true,
};

const running = (status: ServerStatus) => statusText({ phase: "running", status });

test("pending summaries spin and show the cost", () => {
  const view = running({ ...idle, pending: 3 });
  assert.equal(view.text, "$(sync~spin) mu: 3 pending · $0.004");
  assert.equal(view.command, "mu.showStats");
  assert.match(view.tooltip, /anthropic · claude-haiku-4-5/);
  assert.match(view.tooltip, /\$0\.004 of the session's \$1\.000 budget/);
  assert.match(view.tooltip, /3 summaries pending/);
});

test("idle shows a check and the cost", () => {
  assert.equal(running(idle).text, "$(check) mu · $0.004");
  assert.equal(running({ ...idle, costUsd: 0 }).text, "$(check) mu · $0.00");
  assert.equal(running({ ...idle, costUsd: 0.0002 }).text, "$(check) mu · <$0.001");
});

test("the offline provider says offline", () => {
  const view = running({ ...idle, offline: true, provider: "offline", costUsd: 0 });
  assert.equal(view.text, "$(check) mu · offline");
  assert.match(view.tooltip, /offline structural summaries/);
});

test("hidden lenses say so, even while summaries are pending", () => {
  const view = running({ ...idle, lensesEnabled: false, pending: 2 });
  assert.equal(view.text, "$(eye-closed) mu · lenses off");
  assert.match(view.tooltip, /Toggle Code Lenses/);
});

test("a spent budget is a warning", () => {
  const view = running({ ...idle, costUsd: 1.2, budgetUsd: 1 });
  assert.equal(view.text, "$(warning) mu · $1.200 budget reached");
  assert.match(view.tooltip, /automatic summaries paused/);
  assert.equal(running({ ...idle, costUsd: 3, budgetUsd: 0 }).text, "$(check) mu · $3.000");
});

test("starting, running without a status, stopped and failed", () => {
  assert.deepEqual(statusText({ phase: "starting" }), {
    text: "$(sync~spin) mu",
    tooltip: "mu: starting the server…",
    command: "mu.restartServer",
  });
  assert.equal(statusText({ phase: "running" }).text, "$(check) mu");
  assert.equal(statusText({ phase: "running" }).command, "mu.showStats");
  const stopped = statusText({ phase: "stopped" });
  assert.equal(stopped.text, "$(circle-slash) mu");
  assert.equal(stopped.command, "mu.restartServer");
  const failed = statusText({ phase: "failed", problem: "mu: the mu-lsp package is not installed for /py." });
  assert.equal(failed.text, "$(error) mu");
  assert.match(failed.tooltip, /not installed for \/py/);
});

test("costs are formatted for a status bar", () => {
  assert.equal(formatCost(0), "$0.00");
  assert.equal(formatCost(-1), "$0.00");
  assert.equal(formatCost(0.0004), "<$0.001");
  assert.equal(formatCost(0.0123), "$0.012");
  assert.equal(formatCost(12.345), "$12.35");
});

test("a malformed notification is rejected or sanitized", () => {
  assert.equal(parseStatus(null), undefined);
  assert.equal(parseStatus("x"), undefined);
  assert.equal(parseStatus([1]), undefined);
  assert.deepEqual(parseStatus({ pending: "3", costUsd: Number.NaN, budgetUsd: -1, provider: 5, lensesEnabled: "no" }), {
    pending: 0,
    costUsd: 0,
    budgetUsd: 0,
    provider: "",
    model: "",
    offline: false,
    lensesEnabled: true,
  });
  assert.deepEqual(parseStatus({ ...idle, pending: 2 }), { ...idle, pending: 2 });
});

test("the status bar item follows the phases, the notifications and the lens toggle", () => {
  const item = { text: "", tooltip: "", command: "", name: "", shown: false, show() { this.shown = true; }, dispose() {} };
  const bar = new StatusBar(item as unknown as StatusBarItem);
  assert.equal(item.name, "mu");
  assert.equal(item.shown, true);
  assert.equal(item.text, "$(circle-slash) mu");

  bar.setPhase("running");
  bar.update({ ...idle, pending: 1 });
  assert.equal(item.text, "$(sync~spin) mu: 1 pending · $0.004");
  assert.equal(item.command, "mu.showStats");

  bar.setLensesEnabled(false);
  assert.equal(item.text, "$(eye-closed) mu · lenses off");
  bar.setLensesEnabled(true);
  assert.equal(item.text, "$(sync~spin) mu: 1 pending · $0.004");

  bar.setPhase("stopped");
  assert.equal(item.text, "$(circle-slash) mu");
  assert.equal(item.command, "mu.restartServer");
  bar.setPhase("running");
  assert.equal(item.text, "$(check) mu", "a new server starts without the old status");
});
