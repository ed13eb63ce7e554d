import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";

import { expandPath, isProblem, resolveInterpreter, whichOnPath } from "../src/python";

const nothing = () => undefined;

test("the setting wins and expands ${workspaceFolder} and ~", () => {
  const found = resolveInterpreter({
    setting: "${workspaceFolder}/.venv/bin/python",
    workspaceFolder: "/work/app",
    home: "/home/me",
    pythonExtension: "/usr/bin/python3.12",
    which: () => "/usr/bin/python3",
  });
  assert.deepEqual(found, { command: "/work/app/.venv/bin/python", source: "setting" });
  assert.equal(expandPath("~/envs/x/bin/python", undefined, "/home/me"), path.join("/home/me", "envs/x/bin/python"));
});

test("then the Python extension, then python3, then python", () => {
  assert.deepEqual(
    resolveInterpreter({ setting: "", home: "/h", pythonExtension: "/opt/py/bin/python", which: () => "/usr/bin/python3" }),
    { command: "/opt/py/bin/python", source: "python-extension" },
  );
  assert.deepEqual(
    resolveInterpreter({ setting: " ", home: "/h", which: (c) => (c === "python3" ? "/usr/bin/python3" : undefined) }),
    { command: "/usr/bin/python3", source: "path" },
  );
  assert.deepEqual(
    resolveInterpreter({ setting: "", home: "/h", which: (c) => (c === "python" ? "/usr/bin/python" : undefined) }),
    { command: "/usr/bin/python", source: "path" },
  );
});

test("no interpreter anywhere is a clear problem", () => {
  const found = resolveInterpreter({ setting: "", home: "/h", which: nothing });
  assert.ok(isProblem(found));
  assert.match(found.error, /No Python interpreter found/);
  const noFolder = resolveInterpreter({ setting: "${workspaceFolder}/py", home: "/h", which: nothing });
  assert.ok(isProblem(noFolder));
  assert.match(noFolder.error, /no folder is open/);
});

test("which searches PATH in order", () => {
  const seen: string[] = [];
  const found = whichOnPath(
    "python3",
    ["/a", "/b", "/c"].join(path.delimiter),
    (candidate) => {
      seen.push(candidate);
      return candidate === path.join("/b", "python3");
    },
    false,
  );
  assert.equal(found, path.join("/b", "python3"));
  assert.deepEqual(seen, [path.join("/a", "python3"), path.join("/b", "python3")]);
  assert.equal(whichOnPath("python3", undefined, () => true, false), undefined);
});
