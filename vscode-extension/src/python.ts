/**
 * Which Python runs the server: `mu.interpreter`, else the Python extension's active
 * interpreter, else `python3` (then `python`) on PATH.
 */

import * as path from "path";

export interface InterpreterInputs {
  /** The `mu.interpreter` setting (may contain `${workspaceFolder}` and `~`). */
  setting: string;
  workspaceFolder?: string;
  home: string;
  /** The Python extension's active interpreter, when it is installed and has one. */
  pythonExtension?: string;
  /** Finds an executable on PATH. */
  which: (command: string) => string | undefined;
}

export type InterpreterSource = "setting" | "python-extension" | "path";

export interface Interpreter {
  command: string;
  source: InterpreterSource;
}

export interface InterpreterProblem {
  error: string;
}

export function expandPath(value: string, workspaceFolder: string | undefined, home: string): string {
  let expanded = value.trim();
  if (workspaceFolder !== undefined) {
    expanded = expanded.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (expanded === "~" || expanded.startsWith("~/")) {
    expanded = path.join(home, expanded.slice(1));
  }
  return expanded;
}

export function resolveInterpreter(inputs: InterpreterInputs): Interpreter | InterpreterProblem {
  if (inputs.setting.trim() !== "") {
    if (inputs.setting.includes("${workspaceFolder}") && inputs.workspaceFolder === undefined) {
      return { error: "mu.interpreter uses ${workspaceFolder} but no folder is open" };
    }
    return { command: expandPath(inputs.setting, inputs.workspaceFolder, inputs.home), source: "setting" };
  }
  if (inputs.pythonExtension) {
    return { command: inputs.pythonExtension, source: "python-extension" };
  }
  for (const candidate of ["python3", "python"]) {
    const found = inputs.which(candidate);
    if (found) {
      return { command: found, source: "path" };
    }
  }
  return {
    error: "No Python interpreter found: set mu.interpreter, install the Python extension, or put python3 on PATH",
  };
}

export function isProblem(value: Interpreter | InterpreterProblem): value is InterpreterProblem {
  return (value as InterpreterProblem).error !== undefined;
}

/** A `which` for the real PATH (injected in tests). */
export function whichOnPath(
  command: string,
  envPath: string | undefined,
  exists: (candidate: string) => boolean,
  windows = process.platform === "win32",
): string | undefined {
  const extensions = windows ? [".exe", ".cmd", ""] : [""];
  for (const directory of (envPath ?? "").split(path.delimiter)) {
    if (!directory) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = path.join(directory, command + extension);
      if (exists(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}
