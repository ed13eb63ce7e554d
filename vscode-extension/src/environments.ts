/**
 * The interpreter the Python extensions chose for a folder.
 *
 * Two extensions can know it: the newer Python Environments extension
 * (`ms-python.vscode-python-envs`, API from `@vscode/python-environments`), which is asked first
 * when installed, and the Python extension (`ms-python.python`, API from
 * `@vscode/python-extension`, as microsoft/vscode-python-tools-extension-template uses it).
 * Their types come from Microsoft's own packages, so a change of API fails the type check instead
 * of failing at run time. Nothing here imports `vscode` at run time: `pythonExtensions.ts` hands in
 * the APIs, so the tests run under plain node with fakes of the real types.
 */

import type { PythonExtension } from "@vscode/python-extension";
import type { PythonEnvironmentApi } from "@vscode/python-environments";
import type { Disposable, Uri } from "vscode";

export const PYTHON_EXTENSION_ID = "ms-python.python";
export const PYTHON_ENVS_EXTENSION_ID = "ms-python.vscode-python-envs";

/** The parts of the Python Environments API used here. */
export type EnvironmentsApi = Pick<PythonEnvironmentApi, "getEnvironment" | "onDidChangeEnvironment">;
/** The parts of the Python extension's API used here. */
export type PythonApi = { environments: Pick<PythonExtension["environments"], "getActiveEnvironmentPath" | "resolveEnvironment" | "onDidChangeActiveEnvironmentPath"> };

/** Loaders for the installed extensions' APIs (undefined: not installed). Loading activates them. */
export interface PythonApis {
  environments?: () => Promise<EnvironmentsApi>;
  python?: () => Promise<PythonApi>;
}

export interface EnvironmentInterpreter {
  command: string;
  /** Arguments the environment needs before ours (e.g. `conda run -p <prefix> python`). */
  args: string[];
  source: "python-environments" | "python-extension";
}

async function load<T>(loader: (() => Promise<T>) | undefined): Promise<T | undefined> {
  try {
    return loader ? await loader() : undefined;
  } catch {
    return undefined; // not installed, disabled, or failed to activate: fall through to the next source
  }
}

/** The Python Environments extension's environment for `resource`: its (activated) run command. */
export async function fromEnvironmentsExtension(api: EnvironmentsApi, resource: Uri | undefined): Promise<EnvironmentInterpreter | undefined> {
  try {
    const environment = await api.getEnvironment(resource);
    const run = environment?.execInfo.activatedRun ?? environment?.execInfo.run;
    if (!run?.executable) {
      return undefined;
    }
    return { command: run.executable, args: [...(run.args ?? [])], source: "python-environments" };
  } catch {
    return undefined;
  }
}

/** The Python extension's active interpreter for `resource`, resolved to its executable. */
export async function fromPythonExtension(api: PythonApi, resource: Uri | undefined): Promise<EnvironmentInterpreter | undefined> {
  try {
    const resolved = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
    const executable = resolved?.executable.uri?.fsPath;
    return executable ? { command: executable, args: [], source: "python-extension" } : undefined;
  } catch {
    return undefined;
  }
}

/** The interpreter the installed Python extensions chose: Python Environments first, then Python. */
export async function environmentInterpreter(apis: PythonApis, resource: Uri | undefined): Promise<EnvironmentInterpreter | undefined> {
  const environments = await load(apis.environments);
  const found = environments ? await fromEnvironmentsExtension(environments, resource) : undefined;
  if (found) {
    return found;
  }
  const python = await load(apis.python);
  return python ? fromPythonExtension(python, resource) : undefined;
}

/** Calls `changed` when either extension's selected interpreter changes. */
export async function watchEnvironments(apis: PythonApis, changed: () => void): Promise<Disposable[]> {
  const watchers: Disposable[] = [];
  const environments = await load(apis.environments);
  if (environments) {
    watchers.push(environments.onDidChangeEnvironment(() => {
      changed();
    }));
  }
  const python = await load(apis.python);
  if (python) {
    watchers.push(python.environments.onDidChangeActiveEnvironmentPath(() => {
      changed();
    }));
  }
  return watchers;
}
