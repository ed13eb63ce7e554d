/**
 * Which Python runs the server, and whether `mu_lsp` is importable there.
 *
 * Order: the `mu.interpreter` setting, else the interpreter the Python Environments or Python
 * extension chose (`environments.ts`), else `python3` (then `python`) on PATH. Nothing here
 * imports `vscode`: callers pass in what the editor knows, so the tests run under plain node.
 */

import { execFile } from "node:child_process";
import * as path from "node:path";

import type { EnvironmentInterpreter } from "./environments";

export interface InterpreterInputs {
  /** The `mu.interpreter` setting (may contain `${workspaceFolder}` and `~`). */
  settingValue: string | undefined;
  workspaceFolder?: string;
  home: string;
  /** The Python (Environments) extension's interpreter, when one is installed and has chosen one. */
  environment?: EnvironmentInterpreter;
  /** Finds an executable on PATH. */
  which: (command: string) => string | undefined;
}

export interface Interpreter {
  command: string;
  /** Arguments before `-m mu_lsp` (only an environment's run command has any). */
  args: string[];
  source: "setting" | EnvironmentInterpreter["source"] | "path";
}

export interface InterpreterProblem {
  error: string;
}

export const NO_INTERPRETER =
  "mu: no Python interpreter found. Set mu.interpreter, select one with the Python extension, or put python3 on PATH.";

export function expandPath(value: string, workspaceFolder: string | undefined, home: string): string {
  let expanded = value.trim();
  if (workspaceFolder !== undefined) {
    expanded = expanded.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (expanded === "~") {
    return home;
  }
  if (expanded.startsWith("~/") || expanded.startsWith("~\\")) {
    return path.join(home, expanded.slice(2));
  }
  return expanded;
}

export function resolveInterpreter(inputs: InterpreterInputs): Interpreter | InterpreterProblem {
  const setting = inputs.settingValue?.trim() ?? "";
  if (setting !== "") {
    if (setting.includes("${workspaceFolder}") && inputs.workspaceFolder === undefined) {
      return { error: "mu: mu.interpreter uses ${workspaceFolder}, but no folder is open." };
    }
    return { command: expandPath(setting, inputs.workspaceFolder, inputs.home), args: [], source: "setting" };
  }
  if (inputs.environment) {
    return { command: inputs.environment.command, args: [...inputs.environment.args], source: inputs.environment.source };
  }
  for (const candidate of ["python3", "python"]) {
    const found = inputs.which(candidate);
    if (found) {
      return { command: found, args: [], source: "path" };
    }
  }
  return { error: NO_INTERPRETER };
}

export function isProblem(value: Interpreter | InterpreterProblem): value is InterpreterProblem {
  return "error" in value;
}

/** `which` over a PATH string (the file test is injected). */
export function whichOnPath(
  command: string,
  envPath: string | undefined,
  exists: (candidate: string) => boolean,
  windows = process.platform === "win32",
): string | undefined {
  const suffixes = windows ? [".exe", ".cmd", ".bat", ""] : [""];
  for (const directory of (envPath ?? "").split(windows ? ";" : ":")) {
    if (directory === "") {
      continue;
    }
    for (const suffix of suffixes) {
      const candidate = path.join(directory, command + suffix);
      if (exists(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

// -- is mu_lsp installed? ----------------------------------------------------------------------

export type ImportCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "not-found" | "timeout" | "failed"; message: string };

export interface RunError extends Error {
  code?: string | number | null;
  killed?: boolean;
}

export type Runner = (
  file: string,
  args: string[],
  options: { timeout: number; env: Record<string, string> },
  callback: (error: RunError | null, stdout: string, stderr: string) => void,
) => void;

const runFile: Runner = (file, args, options, callback) => {
  execFile(file, args, { ...options, encoding: "utf8", windowsHide: true }, callback);
};

export const IMPORT_TIMEOUT_MS = 20_000;

/** Runs `<python> -c "import mu_lsp"` (with a timeout) and says what went wrong, if anything. */
export function checkMuLsp(
  interpreter: Pick<Interpreter, "command" | "args">,
  env: Record<string, string>,
  run: Runner = runFile,
  timeout = IMPORT_TIMEOUT_MS,
): Promise<ImportCheck> {
  const python = interpreter.command;
  return new Promise((resolve) => {
    run(python, [...interpreter.args, "-P", "-c", "import mu_lsp"], { timeout, env }, (error, _stdout, stderr) => {
      if (!error) {
        resolve({ ok: true });
      } else if (error.code === "ENOENT" || error.code === "EACCES") {
        resolve({ ok: false, reason: "not-found", message: `mu: the Python interpreter ${python} does not exist or cannot run.` });
      } else if (error.killed) {
        resolve({ ok: false, reason: "timeout", message: `mu: ${python} took more than ${timeout / 1000} s to import mu_lsp.` });
      } else if (/No module named '?mu_lsp/.test(stderr)) {
        resolve({ ok: false, reason: "missing", message: `mu: the mu-lsp package is not installed for ${python}.` });
      } else {
        const last = stderr.trim().split(/\r?\n/).pop() ?? "";
        resolve({ ok: false, reason: "failed", message: `mu: ${python} could not import mu_lsp: ${last || error.message}` });
      }
    });
  });
}

/** The shell line that installs mu-lsp, quoted for the terminal's shell (`vscode.env.shell`). */
export function installCommandLine(interpreter: Pick<Interpreter, "command" | "args">, shell: string): string {
  const name = path.basename(shell.replace(/\\/g, "/")).toLowerCase();
  const words = [interpreter.command, ...interpreter.args];
  const tail = "-m pip install mu-lsp";
  if (name.startsWith("pwsh") || name.startsWith("powershell")) {
    return `& ${words.map((word) => `'${word.replace(/'/g, "''")}'`).join(" ")} ${tail}`;
  }
  if (name.startsWith("cmd")) {
    return `${words.map((word) => `"${word}"`).join(" ")} ${tail}`;
  }
  return `${words.map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(" ")} ${tail}`;
}
