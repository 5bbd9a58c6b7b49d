import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// Each published package, loaded from its built files the way users load it: `import` gets the
// ESM build and `require` the CJS build, and both expose the same API, for every entry point.
const PACKAGES = fileURLToPath(new URL("../packages/", import.meta.url));
const names = readdirSync(PACKAGES).sort();

/** What every entry point maps to: `.` is dist/index, `./web` is dist/web. */
function entryFor(subpath: string) {
  const file = subpath === "." ? "index" : subpath.slice(2);
  return {
    import: { types: `./dist/${file}.d.ts`, default: `./dist/${file}.js` },
    require: { types: `./dist/${file}.d.cts`, default: `./dist/${file}.cjs` },
  };
}

describe.each(names)("@timecard/%s", (name) => {
  const dir = join(PACKAGES, name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const keys = Object.keys(pkg.exports ?? {});
  const subpaths = keys.filter((key) => key !== "./package.json");

  it("declares an explicit exports map with types for import and require", () => {
    expect(subpaths).toContain(".");
    expect(keys.some((key) => key.includes("*"))).toBe(false);
    if (keys.includes("./package.json")) expect(pkg.exports["./package.json"]).toBe("./package.json");
    for (const subpath of subpaths) {
      // Subpaths are plain names (`./web`), each with its own files in dist/.
      expect(subpath).toMatch(/^\.(\/[a-z][a-z0-9-]*)?$/);
      expect(pkg.exports[subpath], subpath).toEqual(entryFor(subpath));
    }
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe(">=20");
  });

  it.each(subpaths)("exports the same names from the ESM and CJS builds of %s", async (subpath) => {
    const entry = entryFor(subpath);
    const esm = await import(pathToFileURL(join(dir, entry.import.default)).href);
    const cjs = createRequire(join(dir, "package.json"))(entry.require.default);
    expect(Object.keys(esm).length).toBeGreaterThan(0);
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
  });
});
