/**
 * VS Code settings → the server's configuration, shaped like `.murc.toml`.
 *
 * The server pulls `workspace/configuration` for section `mu` and gives it the highest
 * precedence, so only values the user set explicitly are sent: sending VS Code's defaults would
 * silently override the project's `.murc.toml`.
 */

export interface InspectResult<T> {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export type Inspector = (key: string) => InspectResult<unknown> | undefined;

export type ServerConfiguration = Record<string, Record<string, unknown>>;

/** VS Code key (under `mu.`) → [section, key] in `.murc.toml`. */
export const SETTINGS: ReadonlyArray<readonly [string, string, string]> = [
  ["llm.provider", "llm", "provider"],
  ["llm.model", "llm", "model"],
  ["llm.apiBase", "llm", "api_base"],
  ["llm.concurrency", "llm", "concurrency"],
  ["llm.maxSessionCostUsd", "llm", "max_session_cost_usd"],
  ["complexity.cyclomatic", "complexity", "cyclomatic"],
  ["complexity.cognitive", "complexity", "cognitive"],
  ["summarize.on", "summarize", "on"],
  ["privacy.exclude", "privacy", "exclude"],
];

/** The most specific value the user set, or undefined when they set none. */
export function explicitValue<T>(result: InspectResult<T> | undefined): T | undefined {
  if (!result) {
    return undefined;
  }
  return result.workspaceFolderValue ?? result.workspaceValue ?? result.globalValue;
}

export function toServerConfiguration(inspect: Inspector): ServerConfiguration {
  const configuration: ServerConfiguration = {};
  for (const [key, section, name] of SETTINGS) {
    const value = explicitValue(inspect(key));
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value === "string" && (value.trim() === "" || (key === "llm.provider" && value === "auto"))) {
      continue;
    }
    const table = configuration[section] ?? (configuration[section] = {});
    table[name] = typeof value === "string" ? value.trim() : value;
  }
  return configuration;
}

/** Settings whose change needs a new server process (the rest are re-pulled by the server). */
export const RESTART_SETTINGS = ["mu.interpreter", "mu.trace.server"];
