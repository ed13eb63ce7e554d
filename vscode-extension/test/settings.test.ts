import assert from "node:assert/strict";
import { test } from "node:test";

import {
  type InspectResult,
  answerConfiguration,
  explicitValue,
  needsRestart,
  toServerConfiguration,
} from "../src/settings";

function inspector(values: Record<string, InspectResult<unknown>>) {
  return (key: string): InspectResult<unknown> | undefined => values[key];
}

// What WorkspaceConfiguration.inspect reports for a setting the user never touched.
const untouched = (defaultValue: unknown) => ({ key: "x", defaultValue }) as InspectResult<unknown>;

test("only explicitly set values are sent, in .murc.toml's snake_case shape", () => {
  const configuration = toServerConfiguration(
    inspector({
      "llm.provider": { globalValue: "anthropic" },
      "llm.model": { globalValue: "claude-haiku-4-5" },
      "llm.apiBase": { workspaceValue: "http://localhost:8000/v1" },
      "llm.concurrency": { globalValue: 3, workspaceFolderValue: 7 },
      "llm.maxSessionCostUsd": { globalValue: 0.25 },
      "complexity.cyclomatic": { workspaceValue: 12 },
      "complexity.cognitive": { workspaceValue: 20 },
      "summarize.on": { workspaceValue: ["save"] },
      "privacy.exclude": { globalValue: ["**/vault/**", "**/*.pem"] },
    }),
  );
  assert.deepEqual(configuration, {
    llm: {
      provider: "anthropic",
      model: "claude-haiku-4-5",
      api_base: "http://localhost:8000/v1",
      concurrency: 7,
      max_session_cost_usd: 0.25,
    },
    complexity: { cyclomatic: 12, cognitive: 20 },
    summarize: { on: ["save"] },
    privacy: { exclude: ["**/vault/**", "**/*.pem"] },
  });
});

test("VS Code's defaults are never sent, so .murc.toml still applies", () => {
  const configuration = toServerConfiguration(
    inspector({
      "llm.provider": untouched("auto"),
      "llm.concurrency": untouched(5),
      "summarize.on": untouched(["open", "save"]),
      "privacy.exclude": untouched(["**/.env*"]),
    }),
  );
  assert.deepEqual(configuration, {});
  assert.deepEqual(toServerConfiguration(() => undefined), {});
});

test("provider 'auto' and empty model/apiBase are omitted; zero and empty arrays are kept", () => {
  const configuration = toServerConfiguration(
    inspector({
      "llm.provider": { globalValue: "auto" },
      "llm.model": { workspaceValue: "   " },
      "llm.apiBase": { globalValue: "" },
      "llm.maxSessionCostUsd": { globalValue: 0 },
      "summarize.on": { workspaceValue: [] },
      "privacy.exclude": { globalValue: [] },
    }),
  );
  assert.deepEqual(configuration, { llm: { max_session_cost_usd: 0 }, summarize: { on: [] }, privacy: { exclude: [] } });
});

test("the most specific scope wins, and an explicit 'auto' in a folder hides a global provider", () => {
  assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2 }), 2);
  assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 }), 3);
  assert.equal(explicitValue(undefined), undefined);
  assert.deepEqual(
    toServerConfiguration(inspector({ "llm.provider": { globalValue: "openai", workspaceFolderValue: "auto" } })),
    {},
  );
});

test("an untrusted workspace cannot choose the API endpoint", () => {
  const values = inspector({
    "llm.apiBase": { globalValue: "https://mine.example/v1", workspaceValue: "https://attacker.example/v1" },
    "llm.model": { workspaceValue: "gpt-4o-mini" },
  });
  assert.deepEqual(toServerConfiguration(values, false), {
    llm: { api_base: "https://mine.example/v1", model: "gpt-4o-mini" },
  });
  assert.deepEqual(toServerConfiguration(values, true), {
    llm: { api_base: "https://attacker.example/v1", model: "gpt-4o-mini" },
  });
  assert.equal(explicitValue({ workspaceValue: "/repo/evil" }, true, false), undefined);
});

test("configuration requests for `mu` get the settings; other sections go to the default handler", async () => {
  const built: (string | undefined)[] = [];
  const build = (scopeUri: string | undefined) => {
    built.push(scopeUri);
    return { llm: { model: "m" } };
  };
  let nextCalls = 0;
  const next = () => {
    nextCalls += 1;
    return Promise.resolve([{ other: 1 }, { wrong: true }, { editor: 2 }]);
  };
  const answer = await answerConfiguration(
    [{ section: "files" }, { section: "mu", scopeUri: "file:///w" }, {}],
    build,
    next,
  );
  assert.deepEqual(answer, [{ other: 1 }, { llm: { model: "m" } }, { editor: 2 }]);
  assert.deepEqual(built, ["file:///w"]);
  assert.equal(nextCalls, 1);

  assert.deepEqual(await answerConfiguration([{ section: "mu" }], build, () => Promise.reject(new Error("unused"))), [
    { llm: { model: "m" } },
  ]);
  assert.deepEqual(await answerConfiguration([{ section: "x" }], build, () => Promise.resolve(new Error("bad"))), [null]);
});

test("only mu.interpreter and mu.trace.server restart the server", () => {
  const changed = (...sections: string[]) => (section: string) => sections.includes(section);
  assert.equal(needsRestart(changed("mu.interpreter")), true);
  assert.equal(needsRestart(changed("mu.trace.server")), true);
  assert.equal(needsRestart(changed("mu.llm.model", "mu.llm")), false);
  assert.equal(needsRestart(changed("editor.fontSize")), false);
});
