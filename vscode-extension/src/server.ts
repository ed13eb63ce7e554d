/** Starting and stopping the language client (`python -m mu_lsp` over stdio). */

import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { type ServerStatus, parseStatus } from "./status";

export const LANGUAGES = ["python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust", "java"];

export interface StartOptions {
  python: string;
  env: Record<string, string>;
  output: vscode.LogOutputChannel;
  trace: vscode.LogOutputChannel;
  initializationOptions: unknown;
  middleware: Middleware;
  onStatus: (status: ServerStatus) => void;
}

export async function startClient(options: StartOptions): Promise<LanguageClient> {
  const serverOptions: ServerOptions = {
    command: options.python,
    args: ["-m", "mu_lsp"],
    transport: TransportKind.stdio,
    options: { env: options.env },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
    outputChannel: options.output,
    traceOutputChannel: options.trace,
    synchronize: { configurationSection: "mu" },
    initializationOptions: options.initializationOptions,
    middleware: options.middleware,
  };
  // The client id "mu" makes vscode-languageclient honour the `mu.trace.server` setting.
  const client = new LanguageClient("mu", "mu", serverOptions, clientOptions);
  client.onNotification("mu/status", (params: unknown) => {
    const status = parseStatus(params);
    if (status) {
      options.onStatus(status);
    }
  });
  await client.start();
  return client;
}
