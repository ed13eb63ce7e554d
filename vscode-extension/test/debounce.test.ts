import assert from "node:assert/strict";
import { mock, test } from "node:test";

import { RESTART_DELAY_MS, type Timers, debounce } from "../src/debounce";

function fakeClock() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    set: (callback, ms) => {
      next += 1;
      pending.set(next, { at: now + ms, callback });
      return next;
    },
    clear: (handle) => {
      pending.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...pending]) {
      if (timer.at <= now) {
        pending.delete(id);
        timer.callback();
      }
    }
  };
  return { timers, advance };
}

test("a burst of triggers restarts once, after the quiet period", () => {
  const clock = fakeClock();
  let runs = 0;
  const restart = debounce(() => (runs += 1), 1000, clock.timers);
  restart.trigger();
  clock.advance(500);
  restart.trigger();
  clock.advance(900);
  assert.equal(runs, 0);
  clock.advance(100);
  assert.equal(runs, 1);
  clock.advance(5000);
  assert.equal(runs, 1);
});

test("cancel drops a pending run", () => {
  const clock = fakeClock();
  let runs = 0;
  const restart = debounce(() => (runs += 1), 1000, clock.timers);
  restart.trigger();
  restart.cancel();
  clock.advance(2000);
  assert.equal(runs, 0);
});

test("a trigger after a restart schedules another one", () => {
  const clock = fakeClock();
  let runs = 0;
  const restart = debounce(() => (runs += 1), 1000, clock.timers);
  restart.trigger();
  clock.advance(1000);
  restart.trigger();
  clock.advance(999);
  assert.equal(runs, 1);
  clock.advance(1);
  assert.equal(runs, 2);
});

test("the default timers are the real setTimeout (checked with node's mock timers)", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let runs = 0;
    const restart = debounce(() => (runs += 1), RESTART_DELAY_MS);
    restart.trigger();
    mock.timers.tick(RESTART_DELAY_MS - 1);
    restart.trigger();
    mock.timers.tick(RESTART_DELAY_MS - 1);
    assert.equal(runs, 0);
    mock.timers.tick(1);
    assert.equal(runs, 1);
  } finally {
    mock.timers.reset();
  }
});
