/** mu for VS Code: starts the mu-lsp server and connects editor, settings, secrets and status. */

import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as vscode from "vscode";
import type { LanguageClient, Middleware } from "vscode-languageclient/node";

import { SERVER_COMMANDS, fillArguments } from "./commands";
import { debounce } from "./debounce";
import { isProblem, resolveInterpreter, whichOnPath } from "./python";
import { KEY_VARIABLES, serverEnvironment, storeKey, storedKeys } from "./secrets";
import { startClient } from "./server";
import { RESTART_SETTINGS, toServerConfiguration } from "./settings";
import { type ServerStatus, statusText } from "./status";

let client: LanguageClient | undefined;
let status: ServerStatus | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("mu", { log: true });
  const trace = vscode.window.createOutputChannel("mu trace", { log: true });
  const bar = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 50);
  bar.command = "mu.showStats";
  context.subscriptions.push(output, trace, bar);

  const render = (): void => {
    const view = statusText(status, client?.isRunning() ?? false);
    bar.text = view.text;
    bar.tooltip = view.tooltip;
    bar.show();
  };

  const serverConfiguration = (): Record<string, unknown> =>
    toServerConfiguration((key) => vscode.workspace.getConfiguration("mu").inspect(key));

  const middleware: Middleware = {
    workspace: {
      configuration: async (params, token, next) => {
        const answered = await next(params, token);
        return params.items.map((item, index) =>
          item.section === "mu" ? serverConfiguration() : Array.isArray(answered) ? answered[index] : null,
        );
      },
    },
    executeCommand: async (command, args, next) => {
      const editor = vscode.window.activeTextEditor;
      const filled = fillArguments(command, args, {
        uri: editor?.document.uri.toString(),
        line: editor?.selection.active.line,
      });
      if ("error" in filled) {
        void vscode.window.showWarningMessage(filled.error);
        return undefined;
      }
      const result = await next(command, filled.args);
      if (command === "mu.showStats" && result && typeof result.text === "string") {
        void vscode.window.showInformationMessage(result.text);
      }
      if (command === "mu.toggleLenses" && result && status) {
        status = { ...status, lensesEnabled: result.enabled === true };
        render();
      }
      return result;
    },
  };

  const start = async (): Promise<void> => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const interpreter = resolveInterpreter({
      setting: vscode.workspace.getConfiguration("mu").get<string>("interpreter", ""),
      workspaceFolder: folder,
      home: os.homedir(),
      pythonExtension: await pythonExtensionInterpreter(),
      which: (command) => whichOnPath(command, process.env.PATH, (candidate) => fs.existsSync(candidate)),
    });
    if (isProblem(interpreter)) {
      output.appendLine(interpreter.error);
      void vscode.window.showErrorMessage(interpreter.error);
      return;
    }
    if (!(await hasMuLsp(interpreter.command))) {
      await offerInstall(interpreter.command);
      return;
    }
    output.appendLine(`starting mu-lsp with ${interpreter.command} (${interpreter.source})`);
    try {
      client = await startClient({
        python: interpreter.command,
        env: serverEnvironment(process.env, await storedKeys(context.secrets)),
        output,
        trace,
        initializationOptions: serverConfiguration(),
        middleware,
        onStatus: (next) => {
          status = next;
          render();
        },
      });
      await vscode.commands.executeCommand("setContext", "mu.serverRunning", true);
    } catch (error) {
      output.appendLine(`mu-lsp failed to start: ${String(error)}`);
      void vscode.window.showErrorMessage("mu: the server failed to start; see the 'mu' output channel");
    }
    render();
  };

  const stop = async (): Promise<void> => {
    await vscode.commands.executeCommand("setContext", "mu.serverRunning", false);
    const running = client;
    client = undefined;
    status = undefined;
    if (running) {
      await running.stop().catch(() => undefined);
      await running.dispose().catch(() => undefined);
    }
    render();
  };

  const restart = debounce(() => {
    void stop().then(start);
  }, 1000);

  context.subscriptions.push(
    vscode.commands.registerCommand("mu.restartServer", () => restart.trigger()),
    vscode.commands.registerCommand("mu.setApiKey", async () => {
      const choice = await vscode.window.showQuickPick(
        KEY_VARIABLES.map((k) => ({ label: k.label, description: k.variable, variable: k.variable })),
        { placeHolder: "Which provider's key?" },
      );
      if (!choice) {
        return;
      }
      const value = await vscode.window.showInputBox({
        prompt: `${choice.variable} (stored in VS Code's secret storage; empty to remove)`,
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) {
        return;
      }
      await storeKey(context.secrets, choice.variable, value);
      restart.trigger();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        restart.trigger();
      }
    }),
    { dispose: () => restart.cancel() },
  );
  await watchPythonExtension(context, () => restart.trigger());
  render();
  await start();
  void SERVER_COMMANDS; // registered by vscode-languageclient from the server's capabilities
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop().catch(() => undefined);
    client = undefined;
  }
}

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
  resolveEnvironment(environment: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath(listener: () => void): vscode.Disposable;
}

async function pythonApi(): Promise<PythonEnvironmentsApi | undefined> {
  const extension = vscode.extensions.getExtension<{ environments?: PythonEnvironmentsApi }>("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments;
  } catch {
    return undefined;
  }
}

async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const api = await pythonApi();
  if (!api) {
    return undefined;
  }
  try {
    const resolved = await api.resolveEnvironment(api.getActiveEnvironmentPath());
    return resolved?.executable.uri?.fsPath;
  } catch {
    return undefined;
  }
}

async function watchPythonExtension(context: vscode.ExtensionContext, changed: () => void): Promise<void> {
  const api = await pythonApi();
  if (api) {
    context.subscriptions.push(api.onDidChangeActiveEnvironmentPath(changed));
  }
}

function hasMuLsp(python: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ["-c", "import mu_lsp"], { timeout: 20000 }, (error) => resolve(!error));
  });
}

async function offerInstall(python: string): Promise<void> {
  const install = "Install mu-lsp";
  const select = "Select interpreter";
  const choice = await vscode.window.showErrorMessage(`mu: the mu_lsp package is not installed for ${python}.`, install, select);
  if (choice === install) {
    const terminal = vscode.window.createTerminal("mu: install");
    terminal.show();
    terminal.sendText(`"${python}" -m pip install mu-lsp`);
  } else if (choice === select) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "mu.interpreter");
  }
}
