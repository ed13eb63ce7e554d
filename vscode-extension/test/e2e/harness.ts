/**
 * The real parts of the end-to-end test: code-server (the VS Code workbench and extension host)
 * with the packaged extension installed, the real mu-lsp server it starts, the stand-in LLM
 * provider from the Python tests, and Debian's Chromium driven by playwright-core.
 *
 * Everything listens on 127.0.0.1 and lives in one temporary directory per code-server instance
 * (HOME and XDG_* included), so nothing is read from or written to the user's own profile.
 * Waits are for DOM states and events, with generous deadlines that only turn a hang into a
 * failure; nothing asserts on elapsed time.
 */

export * from "./config";
export * from "./processes";
export * from "./instance";
export * from "./workbench";
