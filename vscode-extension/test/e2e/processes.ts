/** Child processes of the end-to-end test (code-server's install, the stand-in provider): started tracked, stopped by process group. */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";

import { REPO, PYTHON, SERVER_DEADLINE_MS } from "./config";

export function log(message: string): void {
  process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs setup.sh (idempotent) and returns the directory code-server and Node 24 are installed in. */
export function installCodeServer(): string {
  const output = execFileSync("bash", [path.join(__dirname, "setup.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const dir = output.trim().split("\n").pop() ?? "";
  if (!fs.existsSync(path.join(dir, ".installed"))) {
    throw new Error(`setup.sh did not finish an install (${dir})`);
  }
  return dir;
}

/** Process groups still running: killed when the test process exits, however it exits. */
const running = new Set<number>();
process.on("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

export function track(child: ChildProcess): ChildProcess {
  const pid = child.pid;
  if (pid !== undefined) {
    running.add(pid);
    child.once("exit", () => running.delete(pid));
  }
  return child;
}

export function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  const pid = child.pid;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(force);
      resolve();
    };
    child.once("exit", done);
    // The process group: code-server and what it started (extension host, mu-lsp, its worker).
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-pid, name);
      } catch {
        // already gone
      }
    };
    const force = setTimeout(() => {
      signal("SIGKILL");
    }, 15_000);
    signal("SIGTERM");
  });
}

/** Reads lines from a child's stdout until one matches. */
export function waitForLine(child: ChildProcess, pattern: RegExp, what: string, output: string[]): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) {
      reject(new Error(`${what}: no stdout`));
      return;
    }
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      reject(new Error(`${what}: no line matching ${String(pattern)} within ${SERVER_DEADLINE_MS / 1000} s:\n${output.join("\n")}`));
    }, SERVER_DEADLINE_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${String(code)}) before ${String(pattern)}:\n${output.join("\n")}`));
    });
    lines.on("line", (line) => {
      output.push(line);
      const match = pattern.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

// -- the stand-in provider ---------------------------------------------------------------------

export interface RecordedRequest {
  path: string;
  model: string;
  function: string;
  headers: Record<string, string>;
}

/** tests/support/fake_provider.py as a process: OpenAI's wire format on 127.0.0.1. */
export class FakeProvider {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeProvider> {
    const child = track(
      spawn(PYTHON, ["-m", "tests.support.fake_provider", "--port", "0"], {
        cwd: REPO,
        stdio: ["ignore", "pipe", "inherit"],
        detached: true,
      }),
    );
    const match = await waitForLine(child, /^READY (\d+)$/, "the stand-in provider", []);
    return new FakeProvider(child, Number(match[1]));
  }

  get openaiBase(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async requests(): Promise<RecordedRequest[]> {
    const response = await fetch(`http://127.0.0.1:${this.port}/_control/requests`);
    const body = (await response.json()) as { requests: RecordedRequest[] };
    return body.requests;
  }

  /** Delays every answer (to see the pending state), or not. */
  async latency(seconds: number): Promise<void> {
    await fetch(`http://127.0.0.1:${this.port}/_control/behavior`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "ok", latency: seconds }),
    });
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}

// -- code-server --------------------------------------------------------------------------------
