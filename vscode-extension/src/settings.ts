/**
 * VS Code settings → the server's configuration, shaped like `.murc.toml`.
 *
 * The server gives `workspace/configuration` (section `mu`) the highest precedence, so only
 * values the user set explicitly are sent: sending VS Code's defaults would silently override
 * the project's `.murc.toml`.
 */

import { SETTINGS as DECLARED_SETTINGS, TRUSTED_ONLY } from "./generated";

export interface InspectResult<T> {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export type Inspector = (key: string) => InspectResult<unknown> | undefined;

export type ServerConfiguration = Record<string, Record<string, unknown>>;

/** VS Code key (under `mu.`) → [table, key] in `.murc.toml` (declared by the server: generated.ts). */
export const SETTINGS: ReadonlyArray<readonly [string, string, string]> = DECLARED_SETTINGS;

/**
 * Settings a workspace may not choose until it is trusted (`restrictedConfigurations` in
 * package.json): which program runs, and where code and API keys are sent.
 */
export const RESTRICTED_SETTINGS: ReadonlySet<string> = new Set(["interpreter", ...TRUSTED_ONLY]);

/** Settings whose change needs a new server process; the server re-pulls the others. */
export const RESTART_SETTINGS = ["mu.interpreter", "mu.trace.server"] as const;

export function needsRestart(affectsConfiguration: (section: string) => boolean): boolean {
  return RESTART_SETTINGS.some((section) => affectsConfiguration(section));
}

/** The most specific value the user set (undefined when none); untrusted workspaces can't set restricted keys. */
export function explicitValue<T>(result: InspectResult<T> | undefined, restricted = false, trusted = true): T | undefined {
  if (!result) {
    return undefined;
  }
  if (restricted && !trusted) {
    return result.globalValue;
  }
  return result.workspaceFolderValue ?? result.workspaceValue ?? result.globalValue;
}

export function toServerConfiguration(inspect: Inspector, trusted = true): ServerConfiguration {
  const configuration: ServerConfiguration = {};
  for (const [key, table, name] of SETTINGS) {
    let value = explicitValue(inspect(key), RESTRICTED_SETTINGS.has(key), trusted);
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value === "string") {
      value = value.trim();
      if (value === "" || (key === "llm.provider" && value === "auto")) {
        continue;
      }
    }
    (configuration[table] ??= {})[name] = value;
  }
  return configuration;
}

export interface ConfigurationItem {
  section?: string;
  scopeUri?: string;
}

/**
 * Answers a `workspace/configuration` request: items for section `mu` get the explicit
 * settings; any other item is left to the default handler (`next`).
 */
export async function answerConfiguration(
  items: readonly ConfigurationItem[],
  build: (scopeUri: string | undefined) => ServerConfiguration,
  next: () => Promise<unknown>,
): Promise<unknown[]> {
  const others = items.some((item) => item.section !== "mu");
  const answered = others ? await next() : undefined;
  return items.map((item, index) => {
    if (item.section === "mu") {
      return build(item.scopeUri);
    }
    return Array.isArray(answered) ? (answered[index] as unknown) : null;
  });
}
