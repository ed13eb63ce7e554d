// package.json must agree with the code: languages, commands, settings and their defaults.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { EXTENSION_COMMANDS, LANGUAGES, SERVER_COMMANDS } from "../src/commands";
import { PROVIDERS } from "../src/generated";
import { RESTRICTED_SETTINGS, SETTINGS } from "../src/settings";

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: { commandPalette: { command: string; when: string }[] };
    configuration: { properties: Record<string, { default: unknown; description?: string; enum?: string[] }> };
  };
}

const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as Manifest;
const properties = manifest.contributes.configuration.properties;

test("identity, entry point and engine", () => {
  assert.equal(manifest.name, "mu-lsp");
  assert.equal(manifest.publisher, "mu-lsp");
  assert.equal(manifest.main, "./dist/extension.js");
  const types = manifest.devDependencies["@types/vscode"]?.replace(/^[~^]/, "");
  assert.equal(manifest.engines.vscode, `^${types ?? "?"}`, "@types/vscode must match engines.vscode for vsce");
});

test("activates for every language the server is started for", () => {
  assert.deepEqual(manifest.activationEvents, LANGUAGES.map((language) => `onLanguage:${language}`));
});

test("declares every command, hiding the server's until it runs", () => {
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(declared, [...SERVER_COMMANDS, ...EXTENSION_COMMANDS].sort());
  assert.ok(manifest.contributes.commands.every((c) => c.category === "mu" && c.title.length > 0));
  for (const command of SERVER_COMMANDS) {
    const entry = manifest.contributes.menus.commandPalette.find((m) => m.command === command);
    assert.match(entry?.when ?? "", /\bmu\.serverRunning\b/, command);
  }
});

test("every setting the server receives is contributed, with a description and a default", () => {
  for (const [key] of SETTINGS) {
    assert.ok(properties[`mu.${key}`], `mu.${key}`);
  }
  for (const [key, property] of Object.entries(properties)) {
    assert.ok(property.description, `${key} has a description`);
    assert.ok("default" in property, `${key} has a default`);
  }
  assert.equal(Object.keys(properties).length, SETTINGS.length + 2); // + mu.interpreter, mu.trace.server
  const provider = properties["mu.llm.provider"];
  assert.ok(provider);
  assert.deepEqual(provider.enum, ["auto", ...PROVIDERS]); // the server's table: tools/sync_extension.py
  assert.equal(provider.default, "auto");
  assert.deepEqual(properties["mu.summarize.on"]?.default, ["open", "save"]);
  assert.deepEqual(properties["mu.trace.server"]?.enum, ["off", "messages", "verbose"]);
  assert.ok(!Object.keys(properties).some((key) => /key|token|secret/i.test(key.replace("privacy.exclude", ""))), "no API key settings");
});

test("untrusted workspaces cannot choose the interpreter or the endpoint", () => {
  assert.deepEqual(
    manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(),
    [...RESTRICTED_SETTINGS].map((key) => `mu.${key}`).sort(),
  );
});

test("the client library is vscode-languageclient 11, the current major", () => {
  assert.match(manifest.dependencies["vscode-languageclient"] ?? "", /^\^11\./);
});
