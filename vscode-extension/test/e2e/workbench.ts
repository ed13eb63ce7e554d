/** Reading and driving the VS Code workbench in the page: lenses, hovers, commands, screenshots. */

import * as fs from "node:fs";
import * as path from "node:path";

import { type Locator, type Page } from "playwright-core";

import { SCREENSHOTS, SERVER_DEADLINE_MS, UI_DEADLINE_MS } from "./config";

export interface Lens {
  title: string;
  /** The text of the line the lens sits above. */
  line: string;
}

export interface Hover {
  text: string;
  title: string;
  bullets: string[];
  origin: string;
}

const squash = (text: string | null | undefined): string => (text ?? "").replace(/\u00a0/g, " ").replace(/\s+/g, " ").trim();

export class Workbench {
  private shots = 0;

  constructor(
    readonly page: Page,
    private readonly prefix: string,
  ) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }

  async screenshot(name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<string> {
    this.shots += 1;
    const file = path.join(SCREENSHOTS, `${this.prefix}-${String(this.shots).padStart(2, "0")}-${name}.png`);
    await this.page.screenshot({ path: file, clip });
    return file;
  }

  /** Polls `read` until `done` accepts its value; on the deadline, fails with the last value seen. */
  async until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, deadline = SERVER_DEADLINE_MS): Promise<T> {
    const end = Date.now() + deadline;
    let last: T | undefined;
    for (;;) {
      try {
        last = await read();
        if (done(last)) {
          return last;
        }
      } catch {
        // the DOM changed under us: read again
      }
      if (Date.now() > end) {
        throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  editor(file: string): Locator {
    return this.page.locator(`.part.editor .monaco-editor[data-uri$="/${file}"]`).first();
  }

  async open(file: string): Promise<void> {
    await this.page.keyboard.press("Control+P");
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor();
    await input.fill(file);
    const row = this.page.locator(".quick-input-list .monaco-list-row", { hasText: file }).first();
    await row.waitFor();
    await row.click();
    await this.editor(file).locator(".view-lines").waitFor();
  }

  /** The lenses of a file's editor, each with the line below it. */
  async lenses(file: string): Promise<Lens[]> {
    return this.editor(file).evaluate((editor) => {
      const clean = (text: string | null) => (text ?? "").replace(/\u00a0/g, " ").trim();
      const lines = [...editor.querySelectorAll(".view-lines .view-line")].map((line) => ({
        top: line.getBoundingClientRect().top,
        text: clean(line.textContent),
      }));
      return [...editor.querySelectorAll(".codelens-decoration")].map((lens) => {
        const bottom = lens.getBoundingClientRect().bottom;
        const below = lines.filter((line) => line.top >= bottom - 2).sort((a, b) => a.top - b.top)[0];
        return { title: clean(lens.textContent), line: below?.text ?? "" };
      });
    });
  }

  async waitForLenses(file: string, what: string, done: (lenses: Lens[]) => boolean): Promise<Lens[]> {
    return this.until(`${file}: ${what}`, () => this.lenses(file), done);
  }

  /** Moves the mouse onto `word` in the line that starts with `lineStart`, and reads mu's hover. */
  async hover(file: string, lineStart: string, word: string): Promise<Hover> {
    const line = this.editor(file).locator(".view-line").filter({ hasText: lineStart }).first();
    const token = line.getByText(word, { exact: true }).first();
    await this.page.mouse.move(5, 5);
    await this.page.locator(".monaco-hover:visible").waitFor({ state: "detached", timeout: UI_DEADLINE_MS }).catch(() => undefined);
    await token.hover();
    // Other extensions (TypeScript's) may add their own rows; mu's is the one with the figures.
    const ours = this.page.locator(".monaco-hover:visible .rendered-markdown", { hasText: "cyclomatic" }).first();
    await ours.waitFor({ timeout: UI_DEADLINE_MS });
    return ours.evaluate((element) => {
      const clean = (text: string | null) => (text ?? "").replace(/\u00a0/g, " ").replace(/\s+/g, " ").trim();
      const paragraphs = [...element.querySelectorAll("p")].map((p) => clean(p.textContent));
      return {
        text: clean(element.textContent),
        title: paragraphs[0] ?? "",
        bullets: [...element.querySelectorAll("li")].map((li) => clean(li.textContent)),
        origin: paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] ?? "") : "",
      };
    });
  }

  /** Puts the cursor at the end of a 1-based line of the active editor. */
  async endOfLine(line: number): Promise<void> {
    await this.page.keyboard.press("Control+G");
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.keyboard.press("Enter");
    await input.waitFor({ state: "hidden" });
    await this.page.keyboard.press("End");
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
    await this.page.keyboard.press("Escape");
  }

  tab(file: string): Locator {
    return this.page.locator(".tabs-container .tab", { hasText: file }).first();
  }

  async isDirty(file: string): Promise<boolean> {
    return ((await this.tab(file).getAttribute("class")) ?? "").split(/\s+/).includes("dirty");
  }

  async save(file: string): Promise<void> {
    await this.page.keyboard.press("Control+S");
    await this.until(`${file} saved`, () => this.isDirty(file), (dirty) => !dirty, UI_DEADLINE_MS);
  }

  /** Runs a command from the palette (F1), by its title as shown there. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
    await row.waitFor();
    await row.click();
    await input.waitFor({ state: "hidden" });
  }

  /** The notification toast whose message matches. */
  toast(message: RegExp): Locator {
    return this.page.locator(".notifications-toasts .notification-toast", { has: this.page.locator(".notification-list-item-message", { hasText: message }) }).first();
  }

  async toastButtons(toast: Locator): Promise<string[]> {
    return (await toast.locator(".notification-list-item-buttons-container .monaco-button").allTextContents()).map(squash);
  }

  async clearNotifications(): Promise<void> {
    await this.command("Notifications: Clear All Notifications");
    await this.page.locator(".notifications-toasts .notification-toast").first().waitFor({ state: "hidden", timeout: UI_DEADLINE_MS }).catch(() => undefined);
  }

  /**
   * Sets a text setting in the Settings editor, as a person does: search for it, type the value.
   * With `opened`, the editor is already open on it (as "Select interpreter" opens it).
   */
  async setTextSetting(id: string, value: string, settingsFile: string, opened = false): Promise<void> {
    if (!opened) {
      await this.command("Preferences: Open User Settings");
      await this.page.locator(".settings-editor").waitFor();
      await this.page.keyboard.type(id);
    }
    const input = this.page.locator(`.settings-editor input[aria-label="${id}"]`);
    await input.waitFor();
    await input.fill(value);
    await input.press("Tab");
    // The editor writes the user settings file; the configuration changes with it.
    await this.until(`${id} saved to the user settings`, () => Promise.resolve(fs.readFileSync(settingsFile, "utf8")), (text) => {
      try {
        return (JSON.parse(text) as Record<string, unknown>)[id] === value;
      } catch {
        return false;
      }
    }, UI_DEADLINE_MS);
  }

  async closeSettings(): Promise<void> {
    // VS Code 1.139 shows the Settings editor as a modal; older ones as a tab.
    const closeModal = this.page.locator('a[aria-label^="Close Modal Editor"]');
    if (await closeModal.isVisible()) {
      await closeModal.click();
    } else {
      await this.command("View: Close Editor");
    }
    await this.page.locator(".settings-editor").waitFor({ state: "hidden" });
  }

  statusItem(): Locator {
    return this.page.locator('[id="mu-lsp.mu-lsp.mu.status"]');
  }

  async status(): Promise<{ text: string; label: string }> {
    const item = this.statusItem();
    return { text: squash(await item.textContent()), label: (await item.getAttribute("aria-label")) ?? "" };
  }

  async waitForStatus(what: string, done: (text: string) => boolean): Promise<{ text: string; label: string }> {
    return this.until(`status bar: ${what}`, () => this.status(), (status) => done(status.text));
  }

  /** Every text the status bar item showed since the page loaded. */
  async statusHistory(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { muStatusTexts: string[] }).muStatusTexts.map((text) => text.replace(/\s+/g, " ").trim()));
  }
}
