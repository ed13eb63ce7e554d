import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";

import {
  type RunError,
  type Runner,
  NO_INTERPRETER,
  checkMuLsp,
  expandPath,
  installCommandLine,
  isProblem,
  resolveInterpreter,
  whichOnPath,
} from "../src/python";

const onPath =
  (...found: string[]) =>
  (command: string): string | undefined =>
    found.includes(command) ? `/usr/bin/${command}` : undefined;

test("the mu.interpreter setting wins over everything", () => {
  const found = resolveInterpreter({
    settingValue: "/opt/venv/bin/python",
    home: "/home/me",
    environment: { command: "/usr/bin/python3.12", args: [], source: "python-extension" },
    which: onPath("python3", "python"),
  });
  assert.deepEqual(found, { command: "/opt/venv/bin/python", args: [], source: "setting" });
});

test("the setting expands ${workspaceFolder} and ~", () => {
  assert.deepEqual(
    resolveInterpreter({
      settingValue: "${workspaceFolder}/.venv/bin/python",
      workspaceFolder: "/work/app",
      home: "/home/me",
      which: onPath(),
    }),
    { command: "/work/app/.venv/bin/python", args: [], source: "setting" },
  );
  assert.deepEqual(resolveInterpreter({ settingValue: " ~/envs/mu/bin/python ", home: "/home/me", which: onPath() }), {
    command: path.join("/home/me", "envs/mu/bin/python"),
    args: [],
    source: "setting",
  });
  assert.equal(expandPath("~", undefined, "/home/me"), "/home/me");
  assert.equal(expandPath("/x/~/python", undefined, "/home/me"), "/x/~/python");
});

test("${workspaceFolder} without an open folder is a clear problem", () => {
  const found = resolveInterpreter({ settingValue: "${workspaceFolder}/py", home: "/h", which: onPath("python3") });
  assert.ok(isProblem(found));
  assert.match(found.error, /no folder is open/);
});

test("then the Python (Environments) extension's interpreter, then python3, then python", () => {
  assert.deepEqual(
    resolveInterpreter({
      settingValue: "",
      home: "/h",
      environment: { command: "/opt/py/bin/python", args: [], source: "python-extension" },
      which: onPath("python3"),
    }),
    { command: "/opt/py/bin/python", args: [], source: "python-extension" },
  );
  assert.deepEqual(
    resolveInterpreter({
      settingValue: "",
      home: "/h",
      environment: { command: "/opt/conda/bin/conda", args: ["run", "-p", "/envs/x", "python"], source: "python-environments" },
      which: onPath("python3"),
    }),
    { command: "/opt/conda/bin/conda", args: ["run", "-p", "/envs/x", "python"], source: "python-environments" },
  );
  assert.deepEqual(resolveInterpreter({ settingValue: "  ", home: "/h", which: onPath("python3", "python") }), {
    command: "/usr/bin/python3",
    args: [],
    source: "path",
  });
  assert.deepEqual(resolveInterpreter({ settingValue: undefined, home: "/h", which: onPath("python") }), {
    command: "/usr/bin/python",
    args: [],
    source: "path",
  });
});

test("no interpreter anywhere says what to do", () => {
  const found = resolveInterpreter({ settingValue: "", home: "/h", which: onPath() });
  assert.deepEqual(found, { error: NO_INTERPRETER });
  assert.match(NO_INTERPRETER, /mu\.interpreter/);
  assert.match(NO_INTERPRETER, /python3/);
});

test("which searches PATH in order and skips empty entries", () => {
  const seen: string[] = [];
  const found = whichOnPath(
    "python3",
    "/a::/b:/c",
    (candidate) => {
      seen.push(candidate);
      return candidate === path.join("/b", "python3");
    },
    false,
  );
  assert.equal(found, path.join("/b", "python3"));
  assert.deepEqual(seen, [path.join("/a", "python3"), path.join("/b", "python3")]);
  assert.equal(whichOnPath("python3", undefined, () => true, false), undefined);
  assert.equal(
    whichOnPath("python", "C:\\Py", (candidate) => candidate.endsWith("python.exe"), true),
    path.join("C:\\Py", "python.exe"),
  );
});

// -- is mu_lsp importable? ---------------------------------------------------------------------

function runner(error: RunError | null, stderr = ""): { run: Runner; calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    run: (file, args, options, callback) => {
      calls.push([file, args, options]);
      callback(error, "", stderr);
    },
  };
}

function failure(fields: Partial<RunError>): RunError {
  return Object.assign(new Error("Command failed"), fields);
}

test("the import check runs `<python> -P -c \"import mu_lsp\"` (the workspace never importable) with a timeout and the server's environment", async () => {
  const { run, calls } = runner(null);
  const venv = { command: "/venv/bin/python", args: [] };
  assert.deepEqual(await checkMuLsp(venv, { PATH: "/bin", OPENAI_API_KEY: "k" }, run, 5000), { ok: true });
  assert.deepEqual(calls, [["/venv/bin/python", ["-P", "-c", "import mu_lsp"], { timeout: 5000, env: { PATH: "/bin", OPENAI_API_KEY: "k" } }]]);
  // An environment's run command keeps its own arguments first.
  const conda = { command: "/opt/conda/bin/conda", args: ["run", "-p", "/envs/x", "python"] };
  await checkMuLsp(conda, {}, run, 5000);
  assert.deepEqual(calls[1]?.slice(0, 2), ["/opt/conda/bin/conda", ["run", "-p", "/envs/x", "python", "-P", "-c", "import mu_lsp"]]);
});

test("the import check tells a missing package from a missing interpreter, a timeout and a crash", async () => {
  const missing = await checkMuLsp({ command: "/py", args: [] }, {}, runner(failure({ code: 1 }), "ModuleNotFoundError: No module named 'mu_lsp'\n").run);
  assert.deepEqual(missing, { ok: false, reason: "missing", message: "mu: the mu-lsp package is not installed for /py." });

  const notFound = await checkMuLsp({ command: "/nope", args: [] }, {}, runner(failure({ code: "ENOENT" })).run);
  assert.equal(notFound.ok ? "ok" : notFound.reason, "not-found");

  const slow = await checkMuLsp({ command: "/py", args: [] }, {}, runner(failure({ killed: true, code: null })).run, 2000);
  assert.equal(!slow.ok && slow.message, "mu: /py took more than 2 s to import mu_lsp.");

  const crash = await checkMuLsp({ command: "/py", args: [] }, {}, runner(failure({ code: 1 }), "Traceback\nImportError: libfoo.so\n").run);
  assert.deepEqual(crash, { ok: false, reason: "failed", message: "mu: /py could not import mu_lsp: ImportError: libfoo.so" });
});

test("the install line quotes the interpreter for the terminal's shell", () => {
  const python = (command: string, ...args: string[]) => ({ command, args });
  assert.equal(installCommandLine(python("/home/me/my env/bin/python"), "/bin/bash"), "'/home/me/my env/bin/python' -m pip install mu-lsp");
  assert.equal(installCommandLine(python("/it's/python"), "/usr/bin/zsh"), "'/it'\\''s/python' -m pip install mu-lsp");
  assert.equal(
    installCommandLine(python("C:\\Py 3\\python.exe"), "C:\\Program Files\\PowerShell\\7\\pwsh.exe"),
    "& 'C:\\Py 3\\python.exe' -m pip install mu-lsp",
  );
  assert.equal(installCommandLine(python("C:\\Py\\python.exe"), "C:\\Windows\\System32\\cmd.exe"), '"C:\\Py\\python.exe" -m pip install mu-lsp');
  assert.equal(
    installCommandLine(python("/opt/conda/bin/conda", "run", "-p", "/envs/my env", "python"), "/bin/bash"),
    "'/opt/conda/bin/conda' 'run' '-p' '/envs/my env' 'python' -m pip install mu-lsp",
  );
});
