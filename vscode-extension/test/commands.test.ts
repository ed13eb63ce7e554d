import assert from "node:assert/strict";
import { test } from "node:test";

import { fillArguments } from "../src/commands";

const editor = { uri: "file:///w/a.py", line: 41 };

test("a lens click keeps its arguments", () => {
  assert.deepEqual(fillArguments("mu.summarizeFunction", ["file:///w/b.py", 7], editor), { args: ["file:///w/b.py", 7] });
  assert.deepEqual(fillArguments("mu.summarizeFile", ["file:///w/b.py"], editor), { args: ["file:///w/b.py"] });
});

test("the palette gets the active editor's file and line", () => {
  assert.deepEqual(fillArguments("mu.summarizeFunction", [], editor), { args: ["file:///w/a.py", 41] });
  assert.deepEqual(fillArguments("mu.summarizeFile", [], editor), { args: ["file:///w/a.py"] });
});

test("no editor is a clear message, not a bad request", () => {
  const result = fillArguments("mu.summarizeFunction", [], {});
  assert.ok("error" in result);
  assert.match(result.error, /open a file/);
  assert.ok("error" in fillArguments("mu.summarizeFile", [], {}));
});

test("other commands pass through", () => {
  assert.deepEqual(fillArguments("mu.showStats", [], {}), { args: [] });
});
