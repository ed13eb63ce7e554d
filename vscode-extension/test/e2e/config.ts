/** Paths, deadlines and settings shared by the end-to-end test's parts. */

import * as path from "node:path";

export const EXTENSION_ROOT = path.resolve(__dirname, "..", "..");
export const REPO = path.resolve(EXTENSION_ROOT, "..");
export const EXAMPLES = path.join(REPO, "examples");
export const VSIX = path.join(EXTENSION_ROOT, "mu-lsp.vsix");
export const PYTHON = process.env.MU_PYTHON ?? path.join(REPO, ".venv", "bin", "python");
export const CHROMIUM = process.env.MU_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = process.env.MU_E2E_SCREENSHOTS ?? path.join(__dirname, "screenshots");
/** The key the stand-in provider is given (tests/conftest.py's FAKE_KEY has the same shape). */
export const FAKE_KEY = "sk-test-" + "E2e9".repeat(6);

/** Deadlines: long enough for a loaded 2-core machine; they only stop a hang. */
export const SERVER_DEADLINE_MS = 240_000;
export const UI_DEADLINE_MS = 60_000;

// Chromium as this machine runs it (see the machine notes): no background connections at all.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
];

/** User settings every instance gets: the test's own choices, then quiet and offline. */
export const BASE_SETTINGS: Record<string, unknown> = {
  "files.autoSave": "off", // code-server saves after 1 s by default, which hides "outdated"
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enable": false,
  "workbench.enableExperiments": false,
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.enabled": false,
  "github.gitAuthentication": false,
  "npm.fetchOnlinePackageInfo": false,
  "json.schemaDownload.enable": false,
  "editor.minimap.enabled": false,
  // Typing in the test must produce exactly the typed text.
  "editor.quickSuggestions": { other: false, comments: false, strings: false },
  "editor.suggestOnTriggerCharacters": false,
  "editor.acceptSuggestionOnCommitCharacter": false,
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.formatOnType": false,
  "editor.parameterHints.enabled": false,
  "editor.inlineSuggest.enabled": false,
};
