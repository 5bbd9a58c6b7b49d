// Golden files: the exact bytes a format writes for a fixed month, committed under
// test/golden/ (git keeps them byte for byte: `packages/payroll/test/golden/** -text` in the
// root .gitattributes). Run the tests with UPDATE_GOLDEN=1 to rewrite them after a deliberate
// change, then review the diff before committing.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** The folder of the golden files. */
export const GOLDEN_DIR: string = join(dirname(fileURLToPath(import.meta.url)), "..", "golden");

/** Whether this run rewrites the golden files instead of comparing with them. */
export const UPDATING_GOLDEN: boolean = process.env.UPDATE_GOLDEN === "1";

/**
 * Compares `bytes` with test/golden/`name`, byte for byte; with `UPDATE_GOLDEN=1` writes them
 * there instead. A difference is reported on text (latin1, so every byte shows) for a readable diff.
 */
export function expectGolden(bytes: Uint8Array, name: string): void {
  const path = join(GOLDEN_DIR, name);
  if (UPDATING_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`No golden file ${name}: run the test with UPDATE_GOLDEN=1 to write it, then review it.`);
  }
  const expected = readFileSync(path);
  const actual = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!actual.equals(expected)) {
    expect(actual.toString("latin1"), `bytes differ from test/golden/${name}`).toBe(expected.toString("latin1"));
    // Same text, different bytes cannot happen with latin1, but never let a difference pass.
    expect(actual.equals(expected), `bytes differ from test/golden/${name}`).toBe(true);
  }
}
