import assert from "node:assert/strict";
import { test } from "node:test";

import type { ResolvedEnvironment } from "@vscode/python-extension";
import type { DidChangeEnvironmentEventArgs, PythonEnvironment } from "@vscode/python-environments";
import type { Event, Uri } from "vscode";

import {
  type EnvironmentsApi,
  type PythonApi,
  PYTHON_ENVS_EXTENSION_ID,
  PYTHON_EXTENSION_ID,
  environmentInterpreter,
  fromEnvironmentsExtension,
  fromPythonExtension,
  watchEnvironments,
} from "../src/environments";

const folder = { fsPath: "/work/app" } as Uri;

/** A tiny event emitter in VS Code's `Event` shape. */
function emitter<T>(): { event: Event<T>; fire: (value: T) => void; listeners: () => number } {
  const listeners = new Set<(value: T) => unknown>();
  const event: Event<T> = (listener) => {
    listeners.add(listener);
    return { dispose: () => listeners.delete(listener) };
  };
  return { event, fire: (value) => { listeners.forEach((listener) => listener(value)); }, listeners: () => listeners.size };
}

function environmentsApi(environment: Partial<PythonEnvironment> | undefined, seen: unknown[] = []) {
  const changes = emitter<DidChangeEnvironmentEventArgs>();
  const api: EnvironmentsApi = {
    getEnvironment: (scope) => {
      seen.push(scope);
      return Promise.resolve(environment as PythonEnvironment | undefined);
    },
    onDidChangeEnvironment: changes.event,
  };
  return { api, changes };
}

function pythonApi(executable: string | undefined, seen: unknown[] = []) {
  const changes = emitter<Parameters<Parameters<PythonApi["environments"]["onDidChangeActiveEnvironmentPath"]>[0]>[0]>();
  const api: PythonApi = {
    environments: {
      getActiveEnvironmentPath: (resource) => {
        seen.push(resource);
        return { id: "active", path: "/envs/active" };
      },
      resolveEnvironment: (environment) => {
        seen.push(environment);
        const resolved = executable === undefined ? undefined : ({ executable: { uri: { fsPath: executable } } } as unknown as ResolvedEnvironment);
        return Promise.resolve(resolved);
      },
      onDidChangeActiveEnvironmentPath: changes.event,
    },
  };
  return { api, changes };
}

test("the extension ids are the marketplace's", () => {
  assert.equal(PYTHON_EXTENSION_ID, "ms-python.python");
  assert.equal(PYTHON_ENVS_EXTENSION_ID, "ms-python.vscode-python-envs");
});

test("Python Environments: the folder's environment, its activated run command first", async () => {
  const seen: unknown[] = [];
  const plain = environmentsApi({ execInfo: { run: { executable: "/envs/app/bin/python" } } }, seen).api;
  assert.deepEqual(await fromEnvironmentsExtension(plain, folder), { command: "/envs/app/bin/python", args: [], source: "python-environments" });
  assert.deepEqual(seen, [folder]);

  const conda = environmentsApi({
    execInfo: {
      run: { executable: "/envs/x/bin/python" },
      activatedRun: { executable: "/opt/conda/bin/conda", args: ["run", "-p", "/envs/x", "python"] },
    },
  }).api;
  assert.deepEqual(await fromEnvironmentsExtension(conda, folder), {
    command: "/opt/conda/bin/conda",
    args: ["run", "-p", "/envs/x", "python"],
    source: "python-environments",
  });

  assert.equal(await fromEnvironmentsExtension(environmentsApi(undefined).api, folder), undefined);
  assert.equal(await fromEnvironmentsExtension(environmentsApi({ execInfo: { run: { executable: "" } } }).api, folder), undefined);
  const broken: EnvironmentsApi = { ...environmentsApi(undefined).api, getEnvironment: () => Promise.reject(new Error("boom")) };
  assert.equal(await fromEnvironmentsExtension(broken, folder), undefined);
});

test("Python extension: the active environment resolves to its executable", async () => {
  const seen: unknown[] = [];
  assert.deepEqual(await fromPythonExtension(pythonApi("/envs/active/bin/python", seen).api, folder), {
    command: "/envs/active/bin/python",
    args: [],
    source: "python-extension",
  });
  assert.deepEqual(seen, [folder, { id: "active", path: "/envs/active" }]);
  assert.equal(await fromPythonExtension(pythonApi(undefined).api, folder), undefined);
  const broken = pythonApi("/x").api;
  broken.environments.resolveEnvironment = () => Promise.reject(new Error("boom"));
  assert.equal(await fromPythonExtension(broken, folder), undefined);
});

test("Python Environments is asked first; the Python extension when it has no answer; neither when not installed", async () => {
  const environments = environmentsApi({ execInfo: { run: { executable: "/from/envs" } } }).api;
  const python = pythonApi("/from/python").api;
  const loads: string[] = [];
  const loader = <T>(name: string, api: T) => () => {
    loads.push(name);
    return Promise.resolve(api);
  };

  assert.equal((await environmentInterpreter({ environments: loader("envs", environments), python: loader("python", python) }, folder))?.command, "/from/envs");
  assert.deepEqual(loads, ["envs"], "the Python extension is not even activated when Python Environments answers");

  const empty = environmentsApi(undefined).api;
  assert.equal((await environmentInterpreter({ environments: loader("envs", empty), python: loader("python", python) }, folder))?.command, "/from/python");
  assert.equal((await environmentInterpreter({ python: loader("python", python) }, folder))?.source, "python-extension");
  assert.equal(await environmentInterpreter({}, folder), undefined);

  // An extension that fails to activate is skipped, not fatal.
  const failing = () => Promise.reject(new Error("Python Environments extension is not installed or is disabled"));
  assert.equal((await environmentInterpreter({ environments: failing, python: loader("python", python) }, folder))?.command, "/from/python");
  assert.equal(await environmentInterpreter({ environments: failing, python: failing }, folder), undefined);
});

test("a change of interpreter in either extension is reported; disposing stops it", async () => {
  const environments = environmentsApi(undefined);
  const python = pythonApi(undefined);
  let changes = 0;
  const watchers = await watchEnvironments(
    { environments: () => Promise.resolve(environments.api), python: () => Promise.resolve(python.api) },
    () => {
      changes += 1;
    },
  );
  assert.equal(watchers.length, 2);
  environments.changes.fire({ uri: folder, old: undefined, new: undefined });
  python.changes.fire({ id: "x", path: "/x", resource: undefined });
  assert.equal(changes, 2);
  watchers.forEach((watcher) => {
    watcher.dispose();
  });
  assert.equal(environments.changes.listeners() + python.changes.listeners(), 0);
  assert.deepEqual(await watchEnvironments({}, () => undefined), []);
  assert.deepEqual(await watchEnvironments({ python: () => Promise.reject(new Error("no")) }, () => undefined), []);
});
