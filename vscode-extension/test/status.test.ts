import assert from "node:assert/strict";
import { test } from "node:test";

import type { StatusBarItem } from "vscode";

import { type ServerStatus, StatusBar, formatCost, parseStatus, statusText } from "../src/status";

const idle: ServerStatus = {
  pending: 0,
  costUsd: 0.004,
  costText: "",
  spentUsd: 0.004,
  budgetUsd: 1,
  unavailable: "",
  provider: "anthropic",
  model: "claude-haiku-4-5",
  offline: false,
  lensesEnabled: true,
  ready: true,
};

const running = (status: ServerStatus) => statusText({ phase: "running", status });

test("pending summaries spin and show the cost", () => {
  const view = running({ ...idle, pending: 3 });
  assert.equal(view.text, "$(sync~spin) mu: 3 pending · $0.0040");
  assert.equal(view.command, "mu.showStats");
  assert.match(view.tooltip, /anthropic · claude-haiku-4-5/);
  assert.match(view.tooltip, /\$0\.0040 of the session's \$1\.0000 budget/);
  assert.match(view.tooltip, /3 summaries pending/);
});

test("idle shows a check and the cost", () => {
  assert.equal(running(idle).text, "$(check) mu · $0.0040");
  assert.equal(running({ ...idle, costUsd: 0 }).text, "$(check) mu · $0.0000");
  assert.equal(running({ ...idle, costUsd: 0.00002 }).text, "$(check) mu · <$0.0001");
  // the server's own text wins: the same words as in the hover, the progress and the CLI
  assert.equal(running({ ...idle, costText: "$0.0040 + 2 calls at unknown prices" }).text, "$(check) mu · $0.0040 + 2 calls at unknown prices");
});

test("the offline provider says offline", () => {
  const view = running({ ...idle, offline: true, provider: "offline", costUsd: 0 });
  assert.equal(view.text, "$(check) mu · offline");
  assert.equal(running({ ...idle, offline: true, provider: "offline", costUsd: 0, pending: 2 }).text, "$(sync~spin) mu: 2 pending · offline");
  assert.match(view.tooltip, /offline structural summaries/);
});

test("hidden lenses say so, even while summaries are pending", () => {
  const view = running({ ...idle, lensesEnabled: false, pending: 2 });
  assert.equal(view.text, "$(eye-closed) mu · lenses off");
  assert.match(view.tooltip, /Toggle Code Lenses/);
});

test("a summarizer that cannot start says so", () => {
  const view = running({ ...idle, unavailable: "ImportError: libssl.so.3" });
  assert.equal(view.text, "$(error) mu · summarizer unavailable");
  assert.match(view.tooltip, /could not start: ImportError: libssl\.so\.3/);
});

test("a spent budget is a warning", () => {
  const view = running({ ...idle, costUsd: 1.2, spentUsd: 1.2, budgetUsd: 1 });
  assert.equal(view.text, "$(warning) mu · $1.2000 budget reached");
  assert.match(view.tooltip, /automatic summaries paused/);
  assert.equal(running({ ...idle, costUsd: 3, budgetUsd: 0 }).text, "$(check) mu · $3.0000");
  // calls at unknown prices spend the budget without a known cost
  assert.equal(running({ ...idle, costUsd: 0, spentUsd: 1.5, budgetUsd: 1 }).text, "$(warning) mu · $0.0000 budget reached");
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
  assert.equal(formatCost(0), "$0.0000");
  assert.equal(formatCost(-1), "$0.0000");
  assert.equal(formatCost(0.00002), "<$0.0001");
  assert.equal(formatCost(0.0123), "$0.0123");
  assert.equal(formatCost(12.345), "$12.3450");
});

test("a malformed notification is rejected or sanitized", () => {
  assert.equal(parseStatus(null), undefined);
  assert.equal(parseStatus("x"), undefined);
  assert.equal(parseStatus([1]), undefined);
  assert.deepEqual(parseStatus({ pending: "3", costUsd: Number.NaN, budgetUsd: -1, provider: 5, lensesEnabled: "no", costText: 7, unavailable: {} }), {
    pending: 0,
    costUsd: 0,
    costText: "",
    spentUsd: 0,
    budgetUsd: 0,
    unavailable: "",
    provider: "",
    model: "",
    offline: false,
    lensesEnabled: true,
    ready: false,
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
  assert.equal(item.text, "$(sync~spin) mu: 1 pending · $0.0040");
  assert.equal(item.command, "mu.showStats");

  bar.setLensesEnabled(false);
  assert.equal(item.text, "$(eye-closed) mu · lenses off");
  bar.setLensesEnabled(true);
  assert.equal(item.text, "$(sync~spin) mu: 1 pending · $0.0040");

  bar.setPhase("stopped");
  assert.equal(item.text, "$(circle-slash) mu");
  assert.equal(item.command, "mu.restartServer");
  bar.setPhase("running");
  assert.equal(item.text, "$(check) mu", "a new server starts without the old status");
});

test("a status sent before the summarizer reported its provider shows a starting state", () => {
  // What the server sends in its first tenths of a second: the worker's defaults.
  const early = parseStatus({ pending: 1, costUsd: 0, budgetUsd: 0, provider: "", model: "", offline: false, lensesEnabled: true });
  assert.ok(early);
  assert.equal(early.ready, false);
  const view = running(early);
  assert.equal(view.text, "$(sync~spin) mu · starting");
  assert.doesNotMatch(view.text + view.tooltip, /\$\d/, "no cost or budget before the provider is known");
  assert.doesNotMatch(view.tooltip, /\?|default model/);

  // The server may also say so explicitly, even with a provider filled in.
  const notReady = parseStatus({ ...idle, ready: false });
  assert.equal(notReady?.ready, false);
  assert.equal(running(notReady).text, "$(sync~spin) mu · starting");
  assert.equal(parseStatus({ ...idle, provider: "  " })?.ready, false);

  // Once it reports, the real state shows.
  assert.equal(parseStatus({ ...idle, ready: true })?.ready, true);
  assert.equal(parseStatus({ ...idle, offline: true, provider: "offline" })?.ready, true);
  assert.equal(running({ ...idle, offline: true, provider: "offline" }).text, "$(check) mu · offline");
});

test("the status bar goes from starting to the provider's state without showing the defaults", () => {
  const item = { text: "", tooltip: "", command: "", name: "", show() {}, dispose() {} };
  const bar = new StatusBar(item as unknown as StatusBarItem);
  const seen: string[] = [];
  const record = () => seen.at(-1) === item.text || seen.push(item.text);
  bar.setPhase("starting");
  record();
  bar.setPhase("running");
  record();
  for (const params of [
    { pending: 0, costUsd: 0, budgetUsd: 0, provider: "", model: "", offline: false, lensesEnabled: true },
    { pending: 1, costUsd: 0, budgetUsd: 0, provider: "", model: "", offline: false, lensesEnabled: true },
    { pending: 1, costUsd: 0, budgetUsd: 1, provider: "offline", model: "structural", offline: true, lensesEnabled: true, ready: true },
    { pending: 0, costUsd: 0, budgetUsd: 1, provider: "offline", model: "structural", offline: true, lensesEnabled: true, ready: true },
  ]) {
    const status = parseStatus(params);
    assert.ok(status);
    bar.update(status);
    record();
  }
  assert.deepEqual(seen, [
    "$(sync~spin) mu",
    "$(check) mu",
    "$(sync~spin) mu · starting",
    "$(sync~spin) mu: 1 pending · offline",
    "$(check) mu · offline",
  ]);
});
