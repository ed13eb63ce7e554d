/** The status bar item, driven by the server's `mu/status` notification. */

import type { StatusBarItem } from "vscode";

export const STATUS_NOTIFICATION = "mu/status";

export interface ServerStatus {
  pending: number;
  costUsd: number;
  /** The session's spend as the server writes it everywhere ("$0.0123 + 2 calls at unknown prices"). */
  costText: string;
  /** What the budget has counted (calls at unknown prices count at an expensive rate). */
  spentUsd: number;
  budgetUsd: number;
  /** Why the summarizer process cannot start, if it cannot. */
  unavailable: string;
  provider: string;
  model: string;
  offline: boolean;
  lensesEnabled: boolean;
  /**
   * Whether the summarizer has reported which provider it uses. Until then the figures are the
   * worker's defaults (no provider, no budget), so offline would briefly look like a paid provider.
   */
  ready: boolean;
}

export type Phase = "starting" | "running" | "stopped" | "failed";

export interface StatusState {
  phase: Phase;
  status?: ServerStatus;
  /** Why the server is not running (phase "failed"). */
  problem?: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** What a click runs: stats while the server runs, else a restart. */
  command: string;
}

/** The server's one money format (mu_lsp/llm/money.py): four decimals, "<$0.0001" for dust. */
export function formatCost(usd: number): string {
  if (usd > 0 && usd < 0.00005) {
    return "<$0.0001";
  }
  return `$${Math.max(usd, 0).toFixed(4)}`;
}

export function statusText(state: StatusState): StatusView {
  if (state.phase === "failed" || state.phase === "stopped") {
    const why = state.problem ?? "mu: the server is not running.";
    return {
      text: state.phase === "failed" ? "$(error) mu" : "$(circle-slash) mu",
      tooltip: `${why}\nClick to restart the server.`,
      command: "mu.restartServer",
    };
  }
  const status = state.status;
  if (state.phase === "starting") {
    return { text: "$(sync~spin) mu", tooltip: "mu: starting the server…", command: "mu.restartServer" };
  }
  if (status && !status.ready) {
    return {
      text: "$(sync~spin) mu · starting",
      tooltip: "mu: the server is running; waiting for the summarizer to report its provider…\nClick for stats",
      command: "mu.showStats",
    };
  }
  if (!status) {
    return { text: "$(check) mu", tooltip: "mu: the server is running.\nClick for stats", command: "mu.showStats" };
  }
  const budgetReached = status.budgetUsd > 0 && Math.max(status.spentUsd, status.costUsd) >= status.budgetUsd;
  const cost = status.costText || formatCost(status.costUsd);
  const lines = [
    status.offline ? "mu: offline structural summaries (no LLM)" : `mu: ${status.provider || "?"} · ${status.model || "default model"}`,
    `Spent ${cost} of the session's ${formatCost(status.budgetUsd)} budget` +
      (budgetReached ? " — automatic summaries paused; a lens click still summarizes" : ""),
  ];
  if (status.unavailable) {
    lines.unshift(`mu: the summarizer could not start: ${status.unavailable}`);
  }
  if (status.pending > 0) {
    lines.push(`${status.pending} summaries pending`);
  }
  if (!status.lensesEnabled) {
    lines.push("Code lenses are hidden (mu: Toggle Code Lenses)");
  }
  lines.push("Click for stats");
  const view = (text: string): StatusView => ({ text, tooltip: lines.join("\n"), command: "mu.showStats" });

  if (status.unavailable) {
    return view("$(error) mu · summarizer unavailable");
  }
  if (!status.lensesEnabled) {
    return view("$(eye-closed) mu · lenses off");
  }
  if (status.pending > 0) {
    // Offline costs nothing: "$0.00" there would read as a paid provider.
    return view(`$(sync~spin) mu: ${status.pending} pending · ${status.offline ? "offline" : cost}`);
  }
  if (status.offline) {
    return view("$(check) mu · offline");
  }
  if (budgetReached) {
    return view(`$(warning) mu · ${cost} budget reached`);
  }
  return view(`$(check) mu · ${cost}`);
}

/**
 * Accepts only an object (the notification comes from another process); bad fields get safe values.
 * A status with `ready: false`, or without a provider, is one sent before the summarizer reported.
 */
export function parseStatus(value: unknown): ServerStatus | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const number = (x: unknown): number => (typeof x === "number" && Number.isFinite(x) && x >= 0 ? x : 0);
  const provider = typeof v.provider === "string" ? v.provider : "";
  return {
    pending: number(v.pending),
    costUsd: number(v.costUsd),
    costText: typeof v.costText === "string" ? v.costText : "",
    spentUsd: number(v.spentUsd),
    budgetUsd: number(v.budgetUsd),
    unavailable: typeof v.unavailable === "string" ? v.unavailable : "",
    provider,
    model: typeof v.model === "string" ? v.model : "",
    offline: v.offline === true,
    lensesEnabled: v.lensesEnabled !== false,
    ready: v.ready !== false && provider.trim() !== "",
  };
}

/** Owns the item; the item is passed in so this runs under plain node in tests. */
export class StatusBar {
  private state: StatusState = { phase: "stopped" };

  constructor(private readonly item: StatusBarItem) {
    item.name = "mu";
    this.render();
    item.show();
  }

  setPhase(phase: Phase, problem?: string): void {
    this.state = { phase, problem, status: phase === "running" ? this.state.status : undefined };
    this.render();
  }

  update(status: ServerStatus): void {
    this.state = { ...this.state, status };
    this.render();
  }

  setLensesEnabled(enabled: boolean): void {
    if (this.state.status) {
      this.update({ ...this.state.status, lensesEnabled: enabled });
    }
  }

  get view(): StatusView {
    return statusText(this.state);
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const view = this.view;
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command;
  }
}
