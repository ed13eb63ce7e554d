/**
 * mu for VS Code: starts the mu-lsp server and wires settings, secrets, commands and the status
 * bar to it. The logic lives in small modules; this file only connects them to the editor.
 */

import * as vscode from "vscode";

import { RESTART_DELAY_MS, debounce } from "./debounce";
import { watchEnvironments } from "./environments";
import { installedPythonApis } from "./pythonExtensions";
import { type KeyPrompts, isApiKeySecret, promptForApiKey } from "./secrets";
import { MuServer } from "./server";
import { explicitValue, needsRestart } from "./settings";
import { StatusBar } from "./status";

let server: MuServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("mu", { log: true });
  const trace = vscode.window.createOutputChannel("mu (trace)", { log: true });
  const statusBar = new StatusBar(vscode.window.createStatusBarItem("mu.status", vscode.StatusBarAlignment.Right, 50));
  const muServer = new MuServer(context.secrets, output, trace, statusBar);
  server = muServer;

  const restartSoon = debounce(() => {
    void muServer.restart();
  }, RESTART_DELAY_MS);

  context.subscriptions.push(
    output,
    trace,
    statusBar,
    {
      dispose: () => {
        restartSoon.cancel();
      },
    },
    vscode.commands.registerCommand("mu.restartServer", () => muServer.restart()),
    vscode.commands.registerCommand("mu.setApiKey", async () => {
      if (await promptForApiKey(keyPrompts, context.secrets)) {
        restartSoon.trigger();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Other mu.* settings need no restart: vscode-languageclient sends
      // workspace/didChangeConfiguration (synchronize.configurationSection) and the server re-pulls.
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        restartSoon.trigger();
      }
    }),
    context.secrets.onDidChange((event) => {
      // Also catches keys set or removed in another window.
      if (isApiKeySecret(event.key)) {
        restartSoon.trigger();
      }
    }),
    // Trusting the workspace lets its mu.interpreter, mu.llm.apiBase and .murc.toml location keys apply.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      restartSoon.trigger();
    }),
  );

  // Restart when the Python (Environments) extension's interpreter changes; it only matters without mu.interpreter.
  void watchEnvironments(installedPythonApis(), () => {
    if (!interpreterSetting()) {
      restartSoon.trigger();
    }
  }).then((watchers) => context.subscriptions.push(...watchers));
  void muServer.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}

function interpreterSetting(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const inspected = vscode.workspace.getConfiguration("mu", folder?.uri).inspect<string>("interpreter");
  return explicitValue(inspected, true, vscode.workspace.isTrusted)?.trim() ?? "";
}

const keyPrompts: KeyPrompts = {
  pickProvider: (items) =>
    vscode.window.showQuickPick(items, { title: "mu: Set API Key", placeHolder: "Which provider's key?" }),
  askKey: (variable) =>
    vscode.window.showInputBox({
      title: `mu: ${variable}`,
      prompt: "Stored in VS Code's secret storage and given only to the mu server's environment. Leave empty to remove it.",
      password: true,
      ignoreFocusOut: true,
    }),
  showInformation: (message) => void vscode.window.showInformationMessage(message),
};
