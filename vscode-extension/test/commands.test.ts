import assert from "node:assert/strict";
import { test } from "node:test";

import { type CommandUi, type EditorContext, NOTHING_TO_SUMMARIZE, executeCommandMiddleware, fillArguments } from "../src/commands";

const editor: EditorContext = { uri: "file:///w/a.py", scheme: "file", languageId: "python", line: 41 };

test("a lens click keeps its arguments", () => {
  assert.deepEqual(fillArguments("mu.summarizeFunction", ["file:///w/b.py", 7], editor), { args: ["file:///w/b.py", 7] });
  assert.deepEqual(fillArguments("mu.summarizeFunction", ["file:///w/b.py", 0], undefined), { args: ["file:///w/b.py", 0] });
  assert.deepEqual(fillArguments("mu.summarizeFile", ["file:///w/b.py"], editor), { args: ["file:///w/b.py"] });
});

test("the palette gets the active editor's URI and 0-based cursor line", () => {
  assert.deepEqual(fillArguments("mu.summarizeFunction", [], editor), { args: ["file:///w/a.py", 41] });
  assert.deepEqual(fillArguments("mu.summarizeFile", [], editor), { args: ["file:///w/a.py"] });
  // Only the URI of the active document: its cursor line completes it.
  assert.deepEqual(fillArguments("mu.summarizeFunction", ["file:///w/a.py"], editor), { args: ["file:///w/a.py", 41] });
});

test("no active editor is a clear error, not a bad request", () => {
  const fn = fillArguments("mu.summarizeFunction", [], undefined);
  assert.deepEqual(fn, { error: "mu: open a file (and put the cursor in a function) first." });
  assert.deepEqual(fillArguments("mu.summarizeFile", [], undefined), fn);
});

test("an unsupported editor or half the arguments is an error", () => {
  const output: EditorContext = { uri: "output:mu", scheme: "output", languageId: "Log", line: 3 };
  const notFile = fillArguments("mu.summarizeFile", [], output);
  assert.ok("error" in notFile);
  assert.match(notFile.error, /not a saved python\/javascript/);
  const markdown: EditorContext = { ...editor, languageId: "markdown" };
  assert.ok("error" in fillArguments("mu.summarizeFunction", [], markdown));
  assert.deepEqual(fillArguments("mu.summarizeFunction", ["file:///w/other.py"], editor), {
    error: "mu.summarizeFunction needs a document URI and a 0-based line.",
  });
  assert.ok("error" in fillArguments("mu.summarizeFunction", [42], editor));
});

test("other commands pass through untouched", () => {
  assert.deepEqual(fillArguments("mu.showStats", [], undefined), { args: [] });
  assert.deepEqual(fillArguments("mu.clearCache", [], editor), { args: [] });
});

function recordingUi(active: EditorContext | undefined) {
  const shown: string[] = [];
  const toggled: boolean[] = [];
  const ui: CommandUi = {
    activeEditor: () => active,
    showInformation: (message) => shown.push(`info: ${message}`),
    showError: (message) => shown.push(`error: ${message}`),
    lensesToggled: (enabled) => toggled.push(enabled),
  };
  return { ui, shown, toggled };
}

test("the middleware sends filled arguments to the server", async () => {
  const { ui, shown } = recordingUi(editor);
  const sent: unknown[] = [];
  const result = await executeCommandMiddleware(ui)("mu.summarizeFunction", [], (command, args) => {
    sent.push(command, args);
    return Promise.resolve({ ok: true, state: "summarizing" });
  });
  assert.deepEqual(sent, ["mu.summarizeFunction", ["file:///w/a.py", 41]]);
  assert.deepEqual(result, { ok: true, state: "summarizing" });
  assert.deepEqual(shown, []);
});

test("the middleware does not call the server without an editor", async () => {
  const { ui, shown } = recordingUi(undefined);
  let called = false;
  const result = await executeCommandMiddleware(ui)("mu.summarizeFile", [], () => {
    called = true;
  });
  assert.equal(called, false);
  assert.equal(result, undefined);
  assert.deepEqual(shown, ["error: mu: open a file (and put the cursor in a function) first."]);
});

test("stats are shown, the lens toggle reaches the status bar, server errors are shown", async () => {
  const { ui, shown, toggled } = recordingUi(editor);
  const middleware = executeCommandMiddleware(ui);
  const stats = { text: "12 requests, 3 cache hits, $0.004", requests: 12, cacheHits: 3, inputTokens: 1, outputTokens: 2, costUsd: 0.004 };
  assert.deepEqual(await middleware("mu.showStats", [], () => stats), stats);
  await middleware("mu.toggleLenses", [], () => Promise.resolve({ enabled: false }));
  await middleware("mu.summarizeFunction", ["file:///w/a.py", 3], () => ({ ok: false, error: "mu.summarizeFunction: no function at line 4" }));
  await middleware("mu.clearCache", [], () => null);
  assert.deepEqual(shown, ["info: 12 requests, 3 cache hits, $0.004", "error: mu.summarizeFunction: no function at line 4"]);
  assert.deepEqual(toggled, [false]);
});

test("Summarize File says so when every complex function is already summarized", async () => {
  const { ui, shown } = recordingUi(editor);
  const middleware = executeCommandMiddleware(ui);
  assert.deepEqual(await middleware("mu.summarizeFile", [], () => ({ ok: true, scheduled: 0 })), { ok: true, scheduled: 0 });
  assert.deepEqual(shown, [`info: ${NOTHING_TO_SUMMARIZE}`]);
  assert.equal(NOTHING_TO_SUMMARIZE, "mu: every complex function in this file is already summarized");

  // Work scheduled shows as progress and lenses, not as a message; failures stay errors.
  shown.length = 0;
  await middleware("mu.summarizeFile", [], () => ({ ok: true, scheduled: 2 }));
  await middleware("mu.summarizeFile", [], () => ({ ok: true }));
  await middleware("mu.summarizeFile", [], () => ({ ok: false, error: "mu.summarizeFile: this file is excluded or too large to summarize" }));
  await middleware("mu.summarizeFunction", [], () => ({ ok: true, scheduled: 0 }));
  assert.deepEqual(shown, ["error: mu.summarizeFile: this file is excluded or too large to summarize"]);
});
