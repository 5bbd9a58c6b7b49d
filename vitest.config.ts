import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const SDK_VERSION: string = JSON.parse(readFileSync("packages/sdk/package.json", "utf8")).version;

// Two projects: everything on PGlite, then the server's suite again on a real PostgreSQL
// (scripts/test.mjs starts one and sets TIMECARD_TEST_DATABASE_URL).
const SERVER_TESTS = "packages/server/test/**/*.test.ts";

export default defineConfig({
  // What the SDK's build puts in place (packages/sdk/tsup.config.ts).
  define: { __TIMECARD_SDK_VERSION__: JSON.stringify(SDK_VERSION) },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "pglite",
          include: [
            "packages/*/test/**/*.test.ts",
            "spec/test/**/*.test.ts",
            "sandbox/test/**/*.test.ts",
            "test/**/*.test.ts",
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: [SERVER_TESTS],
          env: { TIMECARD_TEST_STORAGE: "postgres" },
        },
      },
    ],
  },
});
