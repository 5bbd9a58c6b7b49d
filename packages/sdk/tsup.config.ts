import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

export default defineConfig({
  // `@timecard/sdk/testing` is its own entry: msw and openapi-msw (peer dependencies) stay out of the main one.
  entry: { index: "src/index.ts", testing: "src/testing/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // The version in the User-Agent header (src/core/version.ts).
  define: { __TIMECARD_SDK_VERSION__: JSON.stringify(version) },
});
