/** Starting, stopping and restarting the language client: `<python> -m mu_lsp` over stdio. */

import * as fs from "node:fs";
import * as os from "node:os";

import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type LSPAny,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";

import { type EditorContext, LANGUAGES, executeCommandMiddleware } from "./commands";
import { environmentInterpreter } from "./environments";
import { type Interpreter, checkMuLsp, installCommandLine, isProblem, resolveInterpreter, whichOnPath } from "./python";
import { installedPythonApis, selectInterpreter } from "./pythonExtensions";
import { serverEnvironment, storedKeys } from "./secrets";
import { type ServerConfiguration, answerConfiguration, explicitValue, toServerConfiguration } from "./settings";
import { STATUS_NOTIFICATION, type StatusBar, parseStatus } from "./status";

/** The client id: vscode-languageclient reads the `mu.trace.server` setting through it. */
export const CLIENT_ID = "mu";

export class MuServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly output: vscode.LogOutputChannel,
    private readonly trace: vscode.LogOutputChannel,
    private readonly statusBar: StatusBar,
  ) {}

  // Operations run one after another, so a restart never overlaps a start.
  start(): Promise<void> {
    return this.enqueue(() => this.launch());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.shutdown());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.shutdown();
      await this.launch();
    });
  }

  dispose(): void {
    void this.stop();
  }

  log(level: "Info" | "Warn" | "Error", message: string): void {
    // A log channel stamps time and level itself, and lets the user filter by level.
    if (level === "Error") {
      this.output.error(message);
    } else if (level === "Warn") {
      this.output.warn(message);
    } else {
      this.output.info(message);
    }
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(operation).catch((error: unknown) => {
      this.log("Error", `mu: ${String(error)}`);
    });
    return this.queue;
  }

  private async launch(): Promise<void> {
    if (this.client) {
      return;
    }
    this.statusBar.setPhase("starting");
    const folder = vscode.workspace.workspaceFolders?.[0];
    const setting = explicitValue(
      vscode.workspace.getConfiguration("mu", folder?.uri).inspect<string>("interpreter"),
      true,
      vscode.workspace.isTrusted,
    );
    const environment = setting?.trim() ? undefined : await environmentInterpreter(installedPythonApis(), folder?.uri);
    const interpreter = resolveInterpreter({
      settingValue: setting,
      workspaceFolder: folder?.uri.fsPath,
      home: os.homedir(),
      environment,
      which: (command) => whichOnPath(command, process.env.PATH, isExecutable),
    });
    if (isProblem(interpreter)) {
      this.fail(interpreter.error);
      return;
    }
    const env = serverEnvironment(process.env, await storedKeys(this.secrets));
    const check = await checkMuLsp(interpreter, env);
    if (!check.ok) {
      this.fail(check.message, check.reason === "not-found" ? undefined : interpreter);
      return;
    }
    // -P: the workspace (the server's working directory) is never on the import path.
    const args = [...interpreter.args, "-P", "-m", "mu_lsp"];
    this.log("Info", `starting ${[interpreter.command, ...args].join(" ")} (interpreter from ${interpreter.source})`);
    const serverOptions: ServerOptions = {
      command: interpreter.command,
      args,
      transport: TransportKind.stdio,
      options: { env, cwd: folder?.uri.fsPath },
    };
    try {
      this.client = this.createClient(serverOptions, folder);
      await this.client.start();
    } catch (error) {
      const client = this.client;
      this.client = undefined;
      await client?.dispose().catch(() => undefined);
      this.fail(`mu: the server failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private createClient(serverOptions: ServerOptions, folder: vscode.WorkspaceFolder | undefined): LanguageClient {
    const client = new LanguageClient(CLIENT_ID, "mu", serverOptions, this.clientOptions(folder));
    client.onDidChangeState(({ newState }) => {
      const running = newState === State.Running;
      void vscode.commands.executeCommand("setContext", "mu.serverRunning", running);
      this.statusBar.setPhase(running ? "running" : newState === State.Starting ? "starting" : "stopped");
    });
    client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
      const status = parseStatus(params);
      if (status) {
        this.statusBar.update(status);
      }
    });
    return client;
  }

  private async shutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      // Disposing also unregisters the server's commands, so the next client can register them.
      await client.dispose(2000).catch((error: unknown) => {
        this.log("Warn", `mu: the server did not stop cleanly: ${String(error)}`);
      });
    }
    void vscode.commands.executeCommand("setContext", "mu.serverRunning", false);
    this.statusBar.setPhase("stopped");
  }

  private clientOptions(folder: vscode.WorkspaceFolder | undefined): LanguageClientOptions {
    const configuration = (scopeUri: string | undefined): ServerConfiguration => {
      const section = vscode.workspace.getConfiguration("mu", scopeUri ? vscode.Uri.parse(scopeUri) : folder?.uri);
      return toServerConfiguration((key) => section.inspect(key), vscode.workspace.isTrusted);
    };
    return {
      documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
      outputChannel: this.output,
      traceOutputChannel: this.trace,
      // Sends workspace/didChangeConfiguration when mu.* changes; the server then re-pulls.
      synchronize: { configurationSection: "mu" },
      // Settings travel only through workspace/configuration (the server keeps initializationOptions
      // for the whole session, so a setting the user later cleared would linger). The one thing sent
      // at start is workspace trust: it lets the workspace's .murc.toml choose api_base, the Ollama
      // address and the cache directory. Granting trust restarts the server (extension.ts).
      initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted },
      middleware: {
        workspace: {
          configuration: (params, token, next) =>
            answerConfiguration(params.items, configuration, async () => next(params, token)) as Promise<LSPAny[]>,
        },
        executeCommand: executeCommandMiddleware({
          activeEditor,
          showInformation: (message) => void vscode.window.showInformationMessage(message),
          showError: (message) => void vscode.window.showErrorMessage(message),
          lensesToggled: (enabled) => {
            this.statusBar.setLensesEnabled(enabled);
          },
        }),
      },
    };
  }

  /** Says why the server is not running, with the buttons that fix it. */
  private fail(message: string, installFor?: Interpreter): void {
    this.log("Error", message);
    this.statusBar.setPhase("failed", message);
    const install = "Install mu-lsp";
    const select = "Select interpreter";
    const buttons = installFor ? [install, select] : [select];
    void vscode.window.showErrorMessage(message, ...buttons).then((choice) => {
      if (choice === install && installFor) {
        this.install(installFor);
      } else if (choice === select) {
        void selectInterpreter();
      }
    });
  }

  private install(python: Interpreter): void {
    const terminal = vscode.window.createTerminal({ name: "mu: install mu-lsp" });
    terminal.show();
    terminal.sendText(installCommandLine(python, vscode.env.shell));
    void vscode.window
      .showInformationMessage("mu: installing mu-lsp in the terminal. Restart the server once pip has finished.", "Restart Server")
      .then((choice) => {
        if (choice) {
          void this.restart();
        }
      });
  }
}

function activeEditor(): EditorContext | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return undefined;
  }
  const { uri, languageId } = editor.document;
  return { uri: uri.toString(), scheme: uri.scheme, languageId, line: editor.selection.active.line };
}

function isExecutable(candidate: string): boolean {
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}
