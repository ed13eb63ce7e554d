/**
 * The server's commands, seen from the client.
 *
 * The server advertises mu.summarizeFunction, mu.summarizeFile, mu.clearCache, mu.showStats and
 * mu.toggleLenses; vscode-languageclient registers a VS Code command for each (registering them
 * again would throw "command already exists"). package.json only declares them for the palette,
 * and the `executeCommand` middleware below fills in what the palette cannot pass (the active
 * editor's file and line) and shows the results.
 */

export const SERVER_COMMANDS = [
  "mu.summarizeFunction",
  "mu.summarizeFile",
  "mu.clearCache",
  "mu.showStats",
  "mu.toggleLenses",
] as const;

/** Commands the extension itself registers. */
export const EXTENSION_COMMANDS = ["mu.restartServer", "mu.setApiKey"] as const;

/** The languages the server is started for (documentSelector and activationEvents). */
export const LANGUAGES = [
  "python",
  "javascript",
  "javascriptreact",
  "typescript",
  "typescriptreact",
  "go",
  "rust",
  "java",
  // C family (issue 18)
  "c",
  "cpp",
  "csharp",
  // PHP, Ruby, Kotlin, Swift (issue 18)
  "php",
  "ruby",
  "kotlin",
  "swift",
] as const;

export interface EditorContext {
  uri: string;
  scheme: string;
  languageId: string;
  /** The cursor's line, 0-based. */
  line: number;
}

export type Filled = { args: unknown[] } | { error: string };

function editorProblem(editor: EditorContext | undefined): string | undefined {
  if (!editor) {
    return "mu: open a file (and put the cursor in a function) first.";
  }
  if (editor.scheme !== "file" || !(LANGUAGES as readonly string[]).includes(editor.languageId)) {
    return `mu: the active editor is not a saved ${LANGUAGES.join("/")} file.`;
  }
  return undefined;
}

/** Arguments for a server command: a lens click passes them, the palette passes none. */
export function fillArguments(command: string, args: readonly unknown[], editor: EditorContext | undefined): Filled {
  if (command === "mu.summarizeFunction") {
    if (typeof args[0] === "string" && typeof args[1] === "number") {
      return { args: [...args] };
    }
    if (args.length > 0 && (typeof args[0] !== "string" || args[0] !== editor?.uri)) {
      return { error: "mu.summarizeFunction needs a document URI and a 0-based line." };
    }
    const problem = editorProblem(editor);
    if (problem !== undefined || !editor) {
      return { error: problem ?? "" };
    }
    return { args: [editor.uri, editor.line] };
  }
  if (command === "mu.summarizeFile") {
    if (typeof args[0] === "string") {
      return { args: [...args] };
    }
    const problem = editorProblem(editor);
    if (problem !== undefined || !editor) {
      return { error: problem ?? "" };
    }
    return { args: [editor.uri] };
  }
  return { args: [...args] };
}

export interface CommandUi {
  activeEditor(): EditorContext | undefined;
  showInformation(message: string): void;
  showError(message: string): void;
  lensesToggled(enabled: boolean): void;
}

/** What `mu: Summarize File` says when the server had nothing to schedule. */
export const NOTHING_TO_SUMMARIZE = "mu: every complex function in this file is already summarized";

function field(result: unknown, name: string): unknown {
  return typeof result === "object" && result !== null ? (result as Record<string, unknown>)[name] : undefined;
}

/** `middleware.executeCommand`: fill arguments, run the server's command, show what it returned. */
export function executeCommandMiddleware(ui: CommandUi) {
  return async (command: string, args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> => {
    const filled = fillArguments(command, args, ui.activeEditor());
    if ("error" in filled) {
      ui.showError(filled.error);
      return undefined;
    }
    const result: unknown = await next(command, filled.args);
    const error = field(result, "error");
    if (field(result, "ok") === false && typeof error === "string") {
      ui.showError(error);
    } else if (command === "mu.showStats" && typeof field(result, "text") === "string") {
      ui.showInformation(field(result, "text") as string);
    } else if (command === "mu.toggleLenses" && typeof field(result, "enabled") === "boolean") {
      ui.lensesToggled(field(result, "enabled") as boolean);
    } else if (command === "mu.summarizeFile" && field(result, "ok") === true && field(result, "scheduled") === 0) {
      // Otherwise nothing would happen at all: no progress, no lens changes.
      ui.showInformation(NOTHING_TO_SUMMARIZE);
    }
    return result;
  };
}
