import assert from "node:assert/strict";
import { test } from "node:test";

import { serverEnvironment } from "../src/secrets";

test("stored keys reach the server's environment and win over the editor's", () => {
  const environment = serverEnvironment(
    { PATH: "/usr/bin", OPENAI_API_KEY: "from-shell", EMPTY: undefined },
    { OPENAI_API_KEY: "from-secret-storage", ANTHROPIC_API_KEY: "a" },
  );
  assert.deepEqual(environment, {
    PATH: "/usr/bin",
    OPENAI_API_KEY: "from-secret-storage",
    ANTHROPIC_API_KEY: "a",
  });
});
