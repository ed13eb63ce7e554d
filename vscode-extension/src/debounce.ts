/** A debounced action with injectable timers (restarts coalesce; tests use a fake clock). */

/** Settings, interpreter and key changes come in bursts; the server restarts once they settle. */
export const RESTART_DELAY_MS = 1000;

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export interface Debounced {
  trigger(): void;
  cancel(): void;
}

export function debounce(action: () => void, ms: number, timers: Timers = realTimers): Debounced {
  let handle: unknown;
  return {
    trigger(): void {
      if (handle !== undefined) {
        timers.clear(handle);
      }
      handle = timers.set(() => {
        handle = undefined;
        action();
      }, ms);
    },
    cancel(): void {
      if (handle !== undefined) {
        timers.clear(handle);
        handle = undefined;
      }
    },
  };
}
