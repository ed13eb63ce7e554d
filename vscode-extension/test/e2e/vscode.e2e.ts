/**
 * mu in a real VS Code: code-server 4.139 (VS Code 1.139) with the packaged .vsix, driven in
 * Debian's headless Chromium, on a copy of the repository's examples/, once with the offline
 * provider and once with the stand-in provider of the Python tests (OpenAI's wire format on
 * 127.0.0.1). Screenshots of each step go to test/e2e/screenshots/ (MU_E2E_SCREENSHOTS).
 *
 *   cd vscode-extension && npm run e2e
 *
 * Needs: Debian's chromium and libkrb5-dev, the npm registry (first run only: setup.sh caches
 * code-server and Node 24 outside the repository), and a Python with mu-lsp installed
 * (MU_PYTHON, default ../.venv/bin/python, as the README's test command makes it).
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test as nodeTest } from "node:test";

import {
  FAKE_KEY,
  FakeProvider,
  Instance,
  type Lens,
  PYTHON,
  SCREENSHOTS,
  UI_DEADLINE_MS,
  Workbench,
  installCodeServer,
  log,
} from "./harness";

interface Example {
  file: string;
  /** The complex function: the start of its header line, its name, and its figures. */
  complex: { header: string; name: string; figures: string; cyclomatic: number; cognitive: number };
  /** Headers of simple functions: no lens above them. */
  simple: string[];
}

const EXAMPLES: Example[] = [
  {
    file: "inventory.py",
    complex: { header: "def restock_plan(", name: "restock_plan", figures: "CC 15 · cog 27", cyclomatic: 15, cognitive: 27 },
    simple: ["def total_value("],
  },
  {
    file: "router.ts",
    complex: { header: "export function dispatch(", name: "dispatch", figures: "CC 14 · cog 22", cyclomatic: 14, cognitive: 22 },
    simple: ["export const healthy"],
  },
  {
    file: "scheduler.go",
    complex: { header: "func Order(", name: "Order", figures: "CC 13 · cog 24", cyclomatic: 13, cognitive: 24 },
    simple: ["visit = func("], // a nested function literal, below the threshold
  },
];

const BUSY = /summarizing…|outdated|error:|summarize$|budget reached|summary on save/;

interface Provider {
  name: "offline" | "stand-in";
  /** A lens title when the summary is fresh. */
  ready(example: Example): RegExp;
  /** The hover's last line. */
  origin: RegExp;
}

const OFFLINE: Provider = {
  name: "offline",
  ready: (example) => new RegExp(`^${example.complex.figures} · (Branches on|Calls|Loops|Returns|Raises)`),
  origin: /^offline structural summary( · cached)?$/,
};

const STAND_IN: Provider = {
  name: "stand-in",
  ready: (example) => new RegExp(`^${example.complex.figures} · fake summary of ${example.complex.name}: [0-9a-f]{8}$`),
  origin: /^gpt-4o-mini( · cached)?$/,
};

function example(file: string): Example {
  const found = EXAMPLES.find((candidate) => candidate.file === file);
  assert.ok(found, file);
  return found;
}

/**
 * Exactly one lens, above the complex function's header, fresh. Part of the wait, not only of the
 * assertion: right after a tab switch the lens can be in the DOM before the lines are laid out.
 */
function settled(provider: Provider, ex: Example) {
  return (lenses: Lens[]) =>
    lenses.length === 1 &&
    provider.ready(ex).test(lenses[0]?.title ?? "") &&
    !BUSY.test(lenses[0]?.title ?? "") &&
    (lenses[0]?.line.startsWith(ex.complex.header) ?? false);
}

let install = "";
/** The workbench of the running instance: a failing step leaves a screenshot of what it saw. */
let current: Workbench | undefined;

function test(name: string, body: () => Promise<void>): void {
  nodeTest(name, async () => {
    try {
      await body();
    } catch (error) {
      const shot = await current?.screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`).catch(() => undefined);
      if (shot) {
        log(`screenshot of the failure: ${shot}`);
      }
      throw error;
    }
  });
}

before(() => {
  assert.ok(fs.existsSync(PYTHON), `no Python at ${PYTHON}: set MU_PYTHON to a Python with mu-lsp installed`);
  install = installCodeServer();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const old of fs.readdirSync(SCREENSHOTS)) {
    if (/^(offline|stand-in|readme)-.*\.(png|log)$/.test(old)) {
      fs.rmSync(path.join(SCREENSHOTS, old));
    }
  }
});

/** The checks both providers share: lenses, hovers, outdated then fresh on save, a lens click, stats. */
function commonSteps(provider: Provider, get: () => { instance: Instance; wb: Workbench }) {
  test("a lens above each complex function and none above simple ones (Python, TypeScript, Go)", async () => {
    const { wb } = get();
    for (const ex of EXAMPLES) {
      await wb.open(ex.file);
      const lenses = await wb.waitForLenses(ex.file, "one fresh lens", settled(provider, ex));
      assert.equal(lenses.length, 1, JSON.stringify(lenses));
      const [lens] = lenses;
      assert.ok(lens);
      assert.ok(lens.line.startsWith(ex.complex.header), `the lens sits above ${ex.complex.header}, not above ${JSON.stringify(lens.line)}`);
      for (const simple of ex.simple) {
        assert.ok(!lenses.some((l) => l.line.startsWith(simple)), `no lens above ${simple}`);
      }
      await wb.screenshot(`lens-${ex.file}`);
    }
  });

  test("the hover shows the name, the figures, the bullets and where the summary came from", async () => {
    const { wb } = get();
    for (const ex of EXAMPLES) {
      await wb.open(ex.file);
      await wb.waitForLenses(ex.file, "a fresh lens", settled(provider, ex));
      const hover = await wb.hover(ex.file, ex.complex.header, ex.complex.name);
      assert.equal(hover.title, `${ex.complex.name} · cyclomatic ${ex.complex.cyclomatic} · cognitive ${ex.complex.cognitive}`);
      assert.ok(hover.bullets.length >= 1 && hover.bullets.length <= 3, JSON.stringify(hover.bullets));
      assert.ok(hover.bullets.every((bullet) => bullet.length > 0));
      if (provider === STAND_IN) {
        assert.match(hover.bullets[0] ?? "", new RegExp(`^fake summary of ${ex.complex.name}: [0-9a-f]{8}$`));
        assert.deepEqual(hover.bullets.slice(1), ["second point", "third point"]);
      }
      assert.match(hover.origin, provider.origin);
      const lens = (await wb.lenses(ex.file))[0];
      assert.ok(lens?.title.includes(hover.bullets[0]?.slice(0, 20) ?? "?"), "the lens shows the start of the first bullet");
      await wb.screenshot(`hover-${ex.file}`);
      if (provider === OFFLINE && ex.file === "inventory.py") {
        await readmeScreenshot(wb, ex);
      }
    }
  });

  test("an edit inside a body marks the lens outdated; saving brings the new summary", async () => {
    const { wb } = get();
    const ex = example("inventory.py");
    await wb.open(ex.file);
    const before = await wb.waitForLenses(ex.file, "a fresh lens", settled(provider, ex));
    await wb.endOfLine(12); // "    spent = 0.0", inside restock_plan
    await wb.type(" if budget else 1.0"); // one more branch: CC 16 · cog 28
    const outdated = await wb.waitForLenses(ex.file, "outdated", (lenses) => lenses[0]?.title.includes("outdated · updates on save") === true);
    assert.equal(outdated.length, 1);
    assert.ok(await wb.isDirty(ex.file));
    await wb.screenshot("outdated");
    const hoverOutdated = await wb.hover(ex.file, ex.complex.header, ex.complex.name);
    assert.match(hoverOutdated.origin, /^outdated: the code changed since this summary .*; it updates on save$/);

    await wb.save(ex.file);
    const fresh = await wb.waitForLenses(
      ex.file,
      "the new summary",
      (lenses) => lenses.length === 1 && (lenses[0]?.title.startsWith("CC 16 · cog 28 · ") ?? false) && !BUSY.test(lenses[0]?.title ?? ""),
    );
    if (provider === STAND_IN) {
      assert.notEqual(fresh[0]?.title.replace(/^CC \d+ · cog \d+/, ""), before[0]?.title.replace(/^CC \d+ · cog \d+/, ""), "a new summary, not the old one");
    }
    const hover = await wb.hover(ex.file, ex.complex.header, ex.complex.name);
    assert.equal(hover.title, "restock_plan · cyclomatic 16 · cognitive 28");
    assert.match(hover.origin, provider.origin);
    await wb.screenshot("saved");
  });

  test("clicking an outdated lens summarizes at once, without saving", async () => {
    const { wb } = get();
    const ex = example("router.ts");
    await wb.open(ex.file);
    const before = await wb.waitForLenses(ex.file, "a fresh lens", settled(provider, ex));
    await wb.endOfLine(11); // "const match = route.pattern.exec(path);"
    await wb.page.keyboard.press("ArrowLeft"); // before the ";"
    await wb.type(" ?? fallback"); // CC 15 · cog 23 (`?? null` is the default-value idiom: no increment)
    await wb.waitForLenses(ex.file, "outdated", (lenses) => lenses[0]?.title.includes("outdated · updates on save") === true);
    await wb.screenshot("before-lens-click");
    await wb.editor(ex.file).locator(".codelens-decoration a").first().click();
    const fresh = await wb.waitForLenses(
      ex.file,
      "the summary the click asked for",
      (lenses) => lenses.length === 1 && (lenses[0]?.title.startsWith("CC 15 · cog 23 · ") ?? false) && !BUSY.test(lenses[0]?.title ?? ""),
    );
    assert.ok(await wb.isDirty(ex.file), "the click, not a save, brought it");
    if (provider === STAND_IN) {
      assert.notEqual(fresh[0]?.title.replace(/^CC \d+ · cog \d+/, ""), before[0]?.title.replace(/^CC \d+ · cog \d+/, ""));
    }
    await wb.screenshot("after-lens-click");
  });

  test("mu: Summarize File says when everything is already summarized", async () => {
    const { wb } = get();
    const ex = example("scheduler.go");
    await wb.open(ex.file);
    await wb.waitForLenses(ex.file, "a fresh lens", settled(provider, ex));
    await wb.clearNotifications();
    await wb.command("mu: Summarize File");
    const toast = wb.toast(/every complex function in this file is already summarized/);
    await toast.waitFor();
    await wb.screenshot("summarize-file-nothing-to-do");
    await wb.clearNotifications();
  });

  test("mu: Show Stats shows the session's figures", async () => {
    const { wb } = get();
    await wb.command("mu: Show Stats");
    const toast = wb.toast(/^mu: \d+ summar(y|ies) (written offline|from \d+ requests?), /);
    await toast.waitFor();
    const text = (await toast.locator(".notification-list-item-message").textContent()) ?? "";
    log(`${provider.name}: Show Stats: ${text}`);
    if (provider === STAND_IN) {
      assert.match(text, /^mu: \d+ summar(y|ies) from ([3-9]|\d\d+) requests/, "three files and two edits went to the provider");
    }
    await wb.screenshot("show-stats");
    await wb.clearNotifications();
  });
}

/** The README's picture: the lens and the hover of inventory.py's complex function, nothing else. */
async function readmeScreenshot(wb: Workbench, ex: Example): Promise<void> {
  const editor = wb.editor(ex.file);
  const header = editor.locator(".view-line").filter({ hasText: ex.complex.header }).first();
  // Scroll until the lens is the first row: the hover then opens below the header and both show.
  await wb.endOfLine(1);
  await wb.until(
    "the function at the top of the editor",
    async () => {
      const [box, top] = await Promise.all([header.boundingBox(), editor.boundingBox()]);
      if (box && top && box.y - top.y > box.height * 1.5) {
        await wb.page.keyboard.press("Control+ArrowDown");
        return false;
      }
      return true;
    },
    (done) => done,
    UI_DEADLINE_MS,
  );
  await wb.hover(ex.file, ex.complex.header, ex.complex.name);
  const [box, hover] = await Promise.all([editor.boundingBox(), wb.page.locator(".monaco-hover:visible").first().boundingBox()]);
  assert.ok(box && hover);
  const file = path.join(SCREENSHOTS, "readme-vscode-hover.png");
  await wb.page.screenshot({ path: file, clip: { x: box.x, y: box.y, width: Math.min(box.width, 900), height: hover.y + hover.height + 60 - box.y } });
  log(`README screenshot: ${file}`);
  await wb.page.mouse.move(5, 5);
  await wb.page.keyboard.press("Control+Home");
}

/** A value a `before` hook sets; a clear failure when that hook failed. */
function required<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} did not start`);
  return value;
}

describe("offline provider", () => {
  let instance: Instance | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    instance = new Instance({
      install,
      name: "offline",
      settings: { "mu.interpreter": PYTHON, "mu.llm.provider": "offline" },
    });
    await instance.start();
    wb = new Workbench(instance.page, "offline");
    current = wb;
  });

  after(async () => {
    if (instance) {
      fs.writeFileSync(path.join(SCREENSHOTS, "offline-mu-output.log"), instance.muLog());
      await instance.stop();
    }
  });

  const parts = () => ({ instance: required(instance, "code-server"), wb: required(wb, "the workbench") });
  commonSteps(OFFLINE, parts);

  test("the status bar says offline, and never showed a cost before it knew the provider", async () => {
    const { wb } = parts();
    const status = await wb.waitForStatus("offline", (text) => text === "mu · offline");
    assert.match(status.label, /offline structural summaries \(no LLM\)/);
    const history = await wb.statusHistory();
    log(`offline: status bar texts: ${JSON.stringify(history)}`);
    const firstOffline = history.indexOf("mu · offline");
    assert.ok(firstOffline >= 0, JSON.stringify(history));
    assert.deepEqual(
      history.slice(0, firstOffline).filter((text) => /\$\d/.test(text)),
      [],
      `before "mu · offline" the item showed a cost: ${JSON.stringify(history)}`,
    );
    await wb.statusItem().hover();
    await wb.page.locator(".workbench-hover:visible, .monaco-hover:visible", { hasText: "offline structural summaries" }).first().waitFor();
    await wb.screenshot("status-bar-tooltip");
    await wb.page.mouse.move(5, 5);
  });

  test("a wrong mu.interpreter says mu-lsp is not installed, offers its buttons, and recovers when fixed", async () => {
    const { instance, wb } = parts();
    const bare = path.join(instance.root, "bare-venv");
    const { execFileSync } = await import("node:child_process");
    execFileSync(PYTHON, ["-m", "venv", "--without-pip", bare]);
    const barePython = path.join(bare, "bin", "python");
    await wb.clearNotifications();

    await wb.setTextSetting("mu.interpreter", barePython, instance.settingsFile);
    await wb.closeSettings();
    const toast = wb.toast(/the mu-lsp package is not installed for/);
    await toast.waitFor({ timeout: 240_000 });
    const message = (await toast.locator(".notification-list-item-message").textContent()) ?? "";
    assert.equal(message.trim(), `mu: the mu-lsp package is not installed for ${barePython}.`);
    assert.deepEqual(await wb.toastButtons(toast), ["Install mu-lsp", "Select interpreter"]);
    const failed = await wb.waitForStatus("failed", (text) => text === "mu");
    assert.match(failed.label, /not installed/);
    await wb.screenshot("not-installed");

    // Without the Python extension, "Select interpreter" opens the mu.interpreter setting: fix it there.
    await toast.locator(".monaco-button", { hasText: "Select interpreter" }).click();
    await wb.page.locator('.settings-editor input[aria-label="mu.interpreter"]').waitFor();
    await wb.screenshot("select-interpreter-opens-setting");
    await wb.setTextSetting("mu.interpreter", PYTHON, instance.settingsFile, true);
    await wb.closeSettings();
    await wb.waitForStatus("recovered", (text) => text === "mu · offline");
    const ex = example("inventory.py");
    await wb.open(ex.file);
    await wb.waitForLenses(ex.file, "lenses again", (lenses) => lenses.length === 1 && !BUSY.test(lenses[0]?.title ?? ""));
    await wb.screenshot("recovered");
    assert.deepEqual(instance.externalRequests, [], "the workbench only talked to 127.0.0.1");
  });
});

describe("stand-in provider", () => {
  let fake: FakeProvider | undefined;
  let instance: Instance | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    fake = await FakeProvider.start();
    await fake.latency(1.5); // long enough to see the pending state
    instance = new Instance({
      install,
      name: "stand-in",
      // The provider's address comes from user settings, which apply in any workspace.
      settings: {
        "mu.interpreter": PYTHON,
        "mu.llm.provider": "openai",
        "mu.llm.model": "gpt-4o-mini",
        "mu.llm.apiBase": fake.openaiBase,
      },
      env: { OPENAI_API_KEY: FAKE_KEY },
    });
    await instance.start();
    wb = new Workbench(instance.page, "stand-in");
    current = wb;
  });

  after(async () => {
    if (instance) {
      fs.writeFileSync(path.join(SCREENSHOTS, "stand-in-mu-output.log"), instance.muLog());
      await instance.stop();
    }
    await fake?.stop();
  });

  test("while summaries are pending the status bar counts them", async () => {
    const { wb, fake } = parts();
    await wb.open("inventory.py");
    const pending = await wb.waitForStatus("pending", (text) => /^mu: \d+ pending · /.test(text));
    assert.match(pending.label, /openai · gpt-4o-mini/);
    assert.match(pending.label, /summaries pending/);
    const items = (await wb.page.locator(".part.statusbar .statusbar-item").allTextContents()).map((text) => text.trim()).filter(Boolean);
    log(`stand-in: status bar while pending: ${JSON.stringify(items)}`);
    await wb.screenshot("pending");
    await fake.latency(0);
  });

  const parts = () => ({
    instance: required(instance, "code-server"),
    wb: required(wb, "the workbench"),
    fake: required(fake, "the stand-in provider"),
  });
  commonSteps(STAND_IN, parts);

  test("the requests reached the stand-in provider with the key from the environment", async () => {
    const { instance, wb, fake } = parts();
    const requests = await fake.requests();
    const functions = new Set(requests.map((request) => request.function));
    for (const ex of EXAMPLES) {
      assert.ok(functions.has(ex.complex.name), `${ex.complex.name} was summarized by the provider: ${[...functions].join(", ")}`);
    }
    assert.ok(requests.every((request) => request.path === "/v1/chat/completions"));
    assert.ok(requests.every((request) => request.headers.authorization === `Bearer ${FAKE_KEY}`));
    const status = await wb.waitForStatus("idle", (text) => /^mu · <?\$\d/.test(text));
    assert.match(status.label, /openai · gpt-4o-mini/);
    await wb.screenshot("status-bar-idle");
    const history = await wb.statusHistory();
    log(`stand-in: status bar texts: ${JSON.stringify(history)}`);
    assert.deepEqual(instance.externalRequests, [], "the workbench only talked to 127.0.0.1");
  });
});
