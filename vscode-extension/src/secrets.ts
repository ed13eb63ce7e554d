/**
 * API keys live in VS Code's SecretStorage, never in settings or logs, and reach the server only
 * through its process environment.
 */

import type { SecretStorage } from "vscode";

import { KEY_VARIABLES } from "./generated";

export { KEY_VARIABLES };

export type KeyVariable = (typeof KEY_VARIABLES)[number]["variable"];

const PREFIX = "mu.apiKey.";

export type Secrets = Pick<SecretStorage, "get" | "store" | "delete">;

export function isApiKeySecret(key: string): boolean {
  return KEY_VARIABLES.some(({ variable }) => PREFIX + variable === key);
}

export async function storedKeys(secrets: Secrets): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const { variable } of KEY_VARIABLES) {
    const value = await secrets.get(PREFIX + variable);
    if (value) {
      keys[variable] = value;
    }
  }
  return keys;
}

/** Stores one key; an empty value deletes it. */
export async function storeKey(secrets: Secrets, variable: KeyVariable, value: string): Promise<"stored" | "deleted"> {
  if (value.trim() === "") {
    await secrets.delete(PREFIX + variable);
    return "deleted";
  }
  await secrets.store(PREFIX + variable, value.trim());
  return "stored";
}

/**
 * The server's environment: the editor's, plus the stored keys (a stored key wins).
 *
 * `MU_LOG_STDERR=off` (unless the user set it): the output channel already shows the server's
 * `window/logMessage`, and would show each stderr copy again, tagged as an error.
 */
export function serverEnvironment(base: NodeJS.ProcessEnv, stored: Record<string, string>): Record<string, string> {
  const environment: Record<string, string> = { MU_LOG_STDERR: "off" };
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined) {
      environment[name] = value;
    }
  }
  return { ...environment, ...stored };
}

export interface KeyPrompts {
  pickProvider(items: { label: string; description: string; variable: KeyVariable }[]): Thenable<{ variable: KeyVariable } | undefined>;
  /** An input box with `password: true`. */
  askKey(variable: KeyVariable): Thenable<string | undefined>;
  /** Never given the key itself. */
  showInformation(message: string): void;
}

/** The `mu.setApiKey` flow; returns true when a key was stored or deleted (the server then restarts). */
export async function promptForApiKey(prompts: KeyPrompts, secrets: Secrets): Promise<boolean> {
  const choice = await prompts.pickProvider(
    KEY_VARIABLES.map(({ label, variable }) => ({ label, description: variable, variable })),
  );
  if (!choice) {
    return false;
  }
  const value = await prompts.askKey(choice.variable);
  if (value === undefined) {
    return false;
  }
  const outcome = await storeKey(secrets, choice.variable, value);
  prompts.showInformation(
    outcome === "stored"
      ? `mu: ${choice.variable} is stored in VS Code's secret storage; the server restarts to use it.`
      : `mu: ${choice.variable} was removed from VS Code's secret storage; the server restarts without it.`,
  );
  return true;
}
