import assert from "node:assert/strict";
import { test } from "node:test";

import { type InspectResult, explicitValue, toServerConfiguration } from "../src/settings";

function inspector(values: Record<string, InspectResult<unknown>>) {
  return (key: string) => values[key];
}

test("only explicitly set values are sent, in .murc.toml's shape", () => {
  const configuration = toServerConfiguration(
    inspector({
      "llm.model": { globalValue: "gpt-4.1-mini" },
      "llm.apiBase": { workspaceValue: "http://localhost:8000/v1" },
      "llm.concurrency": { globalValue: 3, workspaceFolderValue: 7 },
      "llm.maxSessionCostUsd": { globalValue: 0 },
      "complexity.cognitive": { workspaceValue: 20 },
      "summarize.on": { workspaceValue: [] },
      "privacy.exclude": { globalValue: ["**/vault/**"] },
    }),
  );
  assert.deepEqual(configuration, {
    llm: { model: "gpt-4.1-mini", api_base: "http://localhost:8000/v1", concurrency: 7, max_session_cost_usd: 0 },
    complexity: { cognitive: 20 },
    summarize: { on: [] },
    privacy: { exclude: ["**/vault/**"] },
  });
});

test("defaults, 'auto' and blank strings are not sent", () => {
  const configuration = toServerConfiguration(
    inspector({
      "llm.provider": { globalValue: "auto" },
      "llm.model": { workspaceValue: "   " },
      "llm.concurrency": {},
    }),
  );
  assert.deepEqual(configuration, {});
});

test("a chosen provider is sent", () => {
  assert.deepEqual(toServerConfiguration(inspector({ "llm.provider": { globalValue: "ollama" } })), {
    llm: { provider: "ollama" },
  });
});

test("the most specific scope wins", () => {
  assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2 }), 2);
  assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 }), 3);
  assert.equal(explicitValue(undefined), undefined);
});
