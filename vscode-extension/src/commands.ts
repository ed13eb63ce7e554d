/**
 * Arguments for the server's commands when they come from the command palette.
 *
 * A lens click carries `[uri, line]`; the palette carries nothing, so the active editor
 * supplies them. The server implements the commands; vscode-languageclient registers them.
 */

export interface EditorContext {
  uri?: string;
  line?: number;
}

export type Filled = { args: unknown[] } | { error: string };

export const SERVER_COMMANDS = [
  "mu.summarizeFunction",
  "mu.summarizeFile",
  "mu.clearCache",
  "mu.showStats",
  "mu.toggleLenses",
] as const;

export function fillArguments(command: string, args: unknown[], editor: EditorContext): Filled {
  if (command === "mu.summarizeFunction") {
    if (typeof args[0] === "string" && typeof args[1] === "number") {
      return { args };
    }
    if (editor.uri === undefined || editor.line === undefined) {
      return { error: "mu: open a file and put the cursor in a function first" };
    }
    return { args: [editor.uri, editor.line] };
  }
  if (command === "mu.summarizeFile") {
    if (typeof args[0] === "string") {
      return { args };
    }
    if (editor.uri === undefined) {
      return { error: "mu: open a file first" };
    }
    return { args: [editor.uri] };
  }
  return { args };
}
