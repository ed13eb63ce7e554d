import assert from "node:assert/strict";
import { test } from "node:test";

import {
  type KeyPrompts,
  type Secrets,
  isApiKeySecret,
  promptForApiKey,
  serverEnvironment,
  storedKeys,
} from "../src/secrets";

function memorySecrets(initial: Record<string, string> = {}): Secrets & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    get: (key) => Promise.resolve(data.get(key)),
    store: (key, value) => {
      data.set(key, value);
      return Promise.resolve();
    },
    delete: (key) => {
      data.delete(key);
      return Promise.resolve();
    },
  };
}

function prompts(provider: string | undefined, key: string | undefined): KeyPrompts & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    pickProvider: (items) => Promise.resolve(items.find((item) => item.label === provider)),
    askKey: () => Promise.resolve(key),
    showInformation: (message) => messages.push(message),
  };
}

test("stored keys reach the server's environment and win over the editor's", async () => {
  const secrets = memorySecrets({ "mu.apiKey.OPENAI_API_KEY": "sk-stored", "unrelated": "x" });
  const environment = serverEnvironment({ PATH: "/usr/bin", OPENAI_API_KEY: "from-shell", EMPTY: undefined }, await storedKeys(secrets));
  assert.deepEqual(environment, { MU_LOG_STDERR: "off", PATH: "/usr/bin", OPENAI_API_KEY: "sk-stored" });
});

test("the server logs to the output channel once: stderr off unless the user chose otherwise", () => {
  assert.equal(serverEnvironment({}, {}).MU_LOG_STDERR, "off");
  assert.equal(serverEnvironment({ MU_LOG_STDERR: "on" }, {}).MU_LOG_STDERR, "on");
});

test("mu.setApiKey stores the key under the provider's variable, without echoing it", async () => {
  const secrets = memorySecrets();
  const ui = prompts("Anthropic", "  sk-ant-123  ");
  assert.equal(await promptForApiKey(ui, secrets), true);
  assert.deepEqual(await storedKeys(secrets), { ANTHROPIC_API_KEY: "sk-ant-123" });
  assert.equal(ui.messages.length, 1);
  assert.ok(!ui.messages[0]?.includes("sk-ant-123"));
});

test("an empty key deletes it; a cancelled prompt changes nothing", async () => {
  const secrets = memorySecrets({ "mu.apiKey.OPENROUTER_API_KEY": "sk-or", "mu.apiKey.OPENAI_API_KEY": "sk-oa" });
  assert.equal(await promptForApiKey(prompts("OpenRouter", ""), secrets), true);
  assert.deepEqual([...secrets.data.keys()], ["mu.apiKey.OPENAI_API_KEY"]);
  assert.deepEqual(await storedKeys(secrets), { OPENAI_API_KEY: "sk-oa" });
  assert.equal(await promptForApiKey(prompts("OpenAI", undefined), secrets), false);
  assert.equal(await promptForApiKey(prompts(undefined, "sk-new"), secrets), false);
  assert.deepEqual(await storedKeys(secrets), { OPENAI_API_KEY: "sk-oa" });
});

test("only the extension's key entries trigger a restart", () => {
  assert.equal(isApiKeySecret("mu.apiKey.ANTHROPIC_API_KEY"), true);
  assert.equal(isApiKeySecret("mu.apiKey.PATH"), false);
  assert.equal(isApiKeySecret("other"), false);
});
