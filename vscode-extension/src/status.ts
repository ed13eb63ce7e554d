/** The status bar item's text, from the server's `mu/status` notification. */

export interface ServerStatus {
  pending: number;
  costUsd: number;
  budgetUsd: number;
  provider: string;
  model: string;
  offline: boolean;
  lensesEnabled: boolean;
}

export interface StatusView {
  text: string;
  tooltip: string;
}

export function formatCost(costUsd: number): string {
  return `$${costUsd.toFixed(costUsd < 0.01 ? 4 : 3)}`;
}

export function statusText(status: ServerStatus | undefined, running: boolean): StatusView {
  if (!running) {
    return { text: "$(circle-slash) mu", tooltip: "mu: the server is not running — click for stats, or run mu: Restart Server" };
  }
  if (!status) {
    return { text: "$(sync~spin) mu", tooltip: "mu: starting" };
  }
  const where = status.offline ? "offline structural summaries" : `${status.provider}/${status.model}`;
  const tooltip =
    `mu: ${where}\n` +
    `${status.pending} pending · ${formatCost(status.costUsd)} of ${formatCost(status.budgetUsd)} budget` +
    (status.lensesEnabled ? "" : "\nlenses hidden (mu: Toggle Code Lenses)") +
    "\nclick for stats";
  if (!status.lensesEnabled) {
    return { text: "$(eye-closed) mu · lenses off", tooltip };
  }
  if (status.pending > 0) {
    return { text: `$(sync~spin) mu: ${status.pending} pending · ${formatCost(status.costUsd)}`, tooltip };
  }
  if (status.offline) {
    return { text: "$(check) mu · offline", tooltip };
  }
  return { text: `$(check) mu · ${formatCost(status.costUsd)}`, tooltip };
}

/** Accepts only a well-formed status (the notification comes from another process). */
export function parseStatus(value: unknown): ServerStatus | undefined {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const number = (x: unknown): number => (typeof x === "number" && Number.isFinite(x) ? x : 0);
  return {
    pending: number(v.pending),
    costUsd: number(v.costUsd),
    budgetUsd: number(v.budgetUsd),
    provider: typeof v.provider === "string" ? v.provider : "",
    model: typeof v.model === "string" ? v.model : "",
    offline: v.offline === true,
    lensesEnabled: v.lensesEnabled !== false,
  };
}
