// Smoke test of the bundled extension against the real server, without a VS Code binary.
//
//   npm run compile && MU_PYTHON=../.venv/bin/python npm run smoke
//
// `vscode` is replaced by a stub: every API not modelled below is a no-op proxy. Registering a
// command id twice throws, as in VS Code, so a restart that re-registers the server's commands
// without disposing the old client fails here. Not part of `npm test` (needs Python + mu_lsp).
"use strict";

const Module = require("node:module");
const path = require("node:path");

const python = process.env.MU_PYTHON || path.join(__dirname, "..", "..", ".venv", "bin", "python");
const commands = new Map();
const messages = [];
const statusTexts = [];
const contextKeys = {};
const logLines = [];
let configurationChanged;

function stub(name) {
  return new Proxy(function () {}, {
    get(_target, prop) {
      if (prop === "then") {
        return undefined;
      }
      const known = override(name, prop);
      return known ? known.value : stub(`${name}.${String(prop)}`);
    },
    apply(_target, _this, args) {
      return call(name, args) ?? stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

function override(name, prop) {
  const values = {
    "vscode.version": "1.91.0",
    "vscode.env.appName": "Visual Studio Code",
    "vscode.env.language": "en",
    "vscode.env.shell": "/bin/bash",
    "vscode.workspace.isTrusted": true,
    "vscode.workspace.textDocuments": [],
    "vscode.window.visibleTextEditors": [],
    "vscode.workspace.workspaceFolders": undefined,
    "vscode.window.activeTextEditor": undefined,
  };
  const key = `${name}.${String(prop)}`;
  return key in values ? { value: values[key] } : undefined;
}

const settings = {
  interpreter: { globalValue: python },
  "llm.provider": { globalValue: "offline" },
  "complexity.cyclomatic": { workspaceValue: 3 },
  "llm.concurrency": {}, // untouched: must not be sent
};

function call(name, args) {
  const last = name.slice(name.lastIndexOf(".") + 1);
  switch (last) {
    case "getConfiguration":
      return {
        get: (key, fallback) => fallback,
        inspect: (key) => (args[0] === "mu" ? settings[key] : undefined),
        has: () => false,
        update: () => Promise.resolve(),
      };
    case "createOutputChannel":
      return {
        name: args[0],
        ...Object.fromEntries(
          ["trace", "debug", "info", "warn", "error"].map((level) => [
            level,
            (line) => {
              logLines.push(line);
              if (process.env.MU_SMOKE_VERBOSE) {
                console.log(`[${args[0]}] ${level}: ${line}`);
              }
            },
          ]),
        ),
        logLevel: 2,
        onDidChangeLogLevel: () => ({ dispose: () => undefined }),
        appendLine: (line) => {
          logLines.push(line);
          if (process.env.MU_SMOKE_VERBOSE) {
            console.log(`[${args[0]}] ${line}`);
          }
        },
        append: () => undefined,
        show: () => undefined,
        clear: () => undefined,
        replace: () => undefined,
        dispose: () => undefined,
      };
    case "createStatusBarItem":
      return new Proxy(
        { show: () => undefined, dispose: () => undefined },
        {
          set(target, prop, value) {
            if (prop === "text") {
              statusTexts.push(value);
            }
            target[prop] = value;
            return true;
          },
        },
      );
    case "registerCommand":
      if (commands.has(args[0])) {
        throw new Error(`command '${args[0]}' already exists`);
      }
      commands.set(args[0], args[1]);
      return { dispose: () => commands.delete(args[0]) };
    case "executeCommand":
      if (args[0] === "setContext") {
        contextKeys[args[1]] = args[2];
        return Promise.resolve();
      }
      return commands.has(args[0]) ? Promise.resolve(commands.get(args[0])(...args.slice(1))) : Promise.resolve();
    case "showErrorMessage":
    case "showWarningMessage":
    case "showInformationMessage":
      messages.push(`${last.replace(/^show|Message$/g, "")}: ${args[0]}`);
      return Promise.resolve(undefined);
    case "onDidChangeConfiguration":
      if (name === "vscode.workspace.onDidChangeConfiguration") {
        configurationChanged = configurationChanged ?? args[0];
      }
      return { dispose: () => undefined };
    default:
      return undefined;
  }
}

const VSCODE_TYPES = require("node:fs").readFileSync(require.resolve("@types/vscode/index.d.ts"), "utf8");
const VSCODE_EXPORTS = [
  ...new Set([
    ...[...VSCODE_TYPES.matchAll(/^\t?(?: {4})?export (?:class|enum|namespace|const|let|function) (\w+)/gm)].map(
      (match) => match[1],
    ),
    "version",
  ]),
];
const inner = stub("vscode");
const vscode = new Proxy(
  {},
  {
    get: (_target, prop) => (prop === "__esModule" ? undefined : inner[prop]),
    // esbuild's and tsc's namespace-import helpers copy own keys: offer every name the real
    // module exports (read from @types/vscode), since vscode-languageclient extends its classes.
    ownKeys: () => VSCODE_EXPORTS,
    getOwnPropertyDescriptor: (_target, prop) => ({ configurable: true, enumerable: true, writable: true, value: inner[prop] }),
  },
);
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? vscode : load.call(this, request, ...rest);
};

const failures = [];
function expect(condition, what) {
  console.log(`${condition ? "ok  " : "FAIL"} ${what}`);
  if (!condition) {
    failures.push(what);
  }
}

async function waitFor(predicate, what, ms = 20000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) {
      expect(false, `${what} (timed out)`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(true, what);
}

async function main() {
  const extension = require(path.join(__dirname, "..", "dist", "extension.js"));
  const secrets = { get: () => Promise.resolve(undefined), onDidChange: () => ({ dispose: () => undefined }) };
  const context = { subscriptions: [], secrets };
  extension.activate(context);
  expect(commands.has("mu.restartServer") && commands.has("mu.setApiKey"), "the extension registers mu.restartServer and mu.setApiKey");

  await waitFor(() => contextKeys["mu.serverRunning"] === true, "the server starts (mu.serverRunning)");
  await waitFor(() => commands.has("mu.showStats"), "vscode-languageclient registers the server's commands");
  await waitFor(() => statusTexts.includes("$(check) mu · offline"), "mu/status reaches the status bar");

  await commands.get("mu.showStats")();
  expect(messages.some((m) => m.startsWith("Information: ") && /request|cache|cost/i.test(m)), "mu.showStats shows the server's text");

  await commands.get("mu.toggleLenses")();
  expect(statusTexts.at(-1) === "$(eye-closed) mu · lenses off", "mu.toggleLenses reaches the status bar");

  await commands.get("mu.summarizeFunction")();
  expect(messages.includes("Error: mu: open a file (and put the cursor in a function) first."), "palette without an editor: a clear error");

  await commands.get("mu.summarizeFunction")("file:///nowhere/x.py", 3);
  expect(messages.some((m) => m.startsWith("Error: mu.summarizeFunction:") && m.includes("not open")), "a server error ({ok: false}) is shown");

  await commands.get("mu.restartServer")();
  expect(contextKeys["mu.serverRunning"] === true && commands.has("mu.showStats"), "a restart registers the server's commands again without a conflict");

  const starts = () => logLines.filter((line) => line.includes("-m mu_lsp (interpreter from setting)")).length;
  const before = starts();
  for (let i = 0; i < 5; i += 1) {
    configurationChanged({ affectsConfiguration: (section) => section === "mu.interpreter" });
  }
  await waitFor(() => starts() > before, "a burst of mu.interpreter changes restarts the server");
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await waitFor(() => contextKeys["mu.serverRunning"] === true, "…and it runs again");
  expect(starts() === before + 1, "…once, not five times");

  await extension.deactivate();
  expect(contextKeys["mu.serverRunning"] === false && !commands.has("mu.showStats"), "deactivate stops the server");
  console.log(failures.length === 0 ? "smoke: all passed" : `smoke: ${failures.length} failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
