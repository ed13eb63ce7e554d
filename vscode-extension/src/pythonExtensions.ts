/** The installed Python extensions' APIs, through Microsoft's API packages (the only `vscode`-bound part). */

import { PythonExtension } from "@vscode/python-extension";
import { PythonEnvironments } from "@vscode/python-environments";
import * as vscode from "vscode";

import { PYTHON_ENVS_EXTENSION_ID, PYTHON_EXTENSION_ID, type PythonApis } from "./environments";

export function installedPythonApis(): PythonApis {
  return {
    environments: vscode.extensions.getExtension(PYTHON_ENVS_EXTENSION_ID) ? () => PythonEnvironments.api() : undefined,
    python: vscode.extensions.getExtension(PYTHON_EXTENSION_ID) ? () => PythonExtension.api() : undefined,
  };
}

/** "Select interpreter": the Python extension's picker when it is installed, else the mu.interpreter setting. */
export async function selectInterpreter(): Promise<void> {
  if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
    await vscode.commands.executeCommand("python.setInterpreter");
  } else {
    await vscode.commands.executeCommand("workbench.action.openSettings", "mu.interpreter");
  }
}
