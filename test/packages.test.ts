import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// Each published package, loaded from its built files the way users load it: `import` gets the
// ESM build and `require` the CJS build, and both expose the same API.
const PACKAGES = fileURLToPath(new URL("../packages/", import.meta.url));
const names = readdirSync(PACKAGES).sort();

describe.each(names)("@timecard/%s", (name) => {
  const dir = join(PACKAGES, name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

  it("declares an explicit exports map with types for import and require", () => {
    expect(pkg.exports["."]).toEqual({
      import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
      require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
    });
    expect(Object.keys(pkg.exports).some((k) => k.includes("*"))).toBe(false);
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe(">=20");
  });

  it("exports the same names from its ESM and CJS builds", async () => {
    const esm = await import(pathToFileURL(join(dir, pkg.exports["."].import.default)).href);
    const cjs = createRequire(join(dir, "package.json"))(pkg.exports["."].require.default);
    expect(Object.keys(esm).length).toBeGreaterThan(0);
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
  });
});
