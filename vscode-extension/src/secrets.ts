/**
 * API keys live in VS Code's SecretStorage, never in settings, and reach the server only
 * through its process environment.
 */

import type { SecretStorage } from "vscode";

export const KEY_VARIABLES = [
  { label: "Anthropic", variable: "ANTHROPIC_API_KEY" },
  { label: "OpenAI", variable: "OPENAI_API_KEY" },
  { label: "OpenRouter", variable: "OPENROUTER_API_KEY" },
] as const;

const PREFIX = "mu.apiKey.";

export async function storedKeys(secrets: SecretStorage): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const { variable } of KEY_VARIABLES) {
    const value = await secrets.get(PREFIX + variable);
    if (value) {
      keys[variable] = value;
    }
  }
  return keys;
}

/** Stores (or, for an empty value, deletes) one key. */
export async function storeKey(secrets: SecretStorage, variable: string, value: string): Promise<void> {
  if (value.trim() === "") {
    await secrets.delete(PREFIX + variable);
  } else {
    await secrets.store(PREFIX + variable, value.trim());
  }
}

/** The server's environment: the editor's, plus stored keys (a stored key wins). */
export function serverEnvironment(
  base: Record<string, string | undefined>,
  stored: Record<string, string>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined) {
      environment[name] = value;
    }
  }
  return { ...environment, ...stored };
}
