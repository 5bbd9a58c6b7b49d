#!/usr/bin/env node
// Assembles spec/openapi.yaml from the fragments in spec/src/ (one per resource).
// Each fragment is a partial OpenAPI document whose $refs point into the assembled one
// (`#/components/schemas/Employee`); a key defined twice is an error, never an override.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const SRC = join(ROOT, "spec/src");
export const SPEC_PATH = join(ROOT, "spec/openapi.yaml");

const HEADER = `# Timecard API: the canonical OpenAPI 3.0 contract.
# Assembled by scripts/spec-bundle.mjs from spec/src/*.yaml: edit those, then regenerate with \`pnpm generate\`.
`;

/** Merges `from` into `into`, refusing any key that both define (except the list of tags, which is appended). */
function mergeInto(into, from, path, file) {
  for (const [key, value] of Object.entries(from)) {
    const here = `${path}/${key}`;
    if (!(key in into)) {
      into[key] = value;
    } else if (Array.isArray(into[key]) && Array.isArray(value) && here === "/tags") {
      into[key].push(...value);
    } else if (isPlainObject(into[key]) && isPlainObject(value) && (here === "/paths" || here.split("/").length <= 3)) {
      mergeInto(into[key], value, here, file);
    } else {
      throw new Error(`${file}: ${here} is already defined by an earlier fragment`);
    }
  }
}

function isPlainObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns the assembled document as YAML text. */
export function bundleSpec({ only } = {}) {
  const files = readdirSync(SRC)
    .filter((f) => f.endsWith(".yaml"))
    .filter((f) => !only || only.some((prefix) => f.startsWith(prefix)))
    .sort();
  const doc = {};
  for (const file of files) {
    let fragment;
    try {
      fragment = parse(readFileSync(join(SRC, file), "utf8"));
    } catch (error) {
      throw new Error(`spec/src/${file}: ${error.message}`);
    }
    if (fragment) mergeInto(doc, fragment, "", file);
  }
  doc.paths = Object.fromEntries(Object.entries(doc.paths ?? {}).sort(([a], [b]) => pathOrder(a, b)));
  for (const section of Object.keys(doc.components ?? {})) {
    doc.components[section] = Object.fromEntries(
      Object.entries(doc.components[section]).sort(([a], [b]) => a.localeCompare(b)),
    );
  }
  return HEADER + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

// /v1 first, then the OAuth and well-known endpoints; within a group, alphabetical.
function pathOrder(a, b) {
  const rank = (p) => (p.startsWith("/v1/") ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outIndex = process.argv.indexOf("--out");
  const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : SPEC_PATH;
  // --only 00,10,30: bundle just these fragments (by file-name prefix), to check one in isolation.
  const onlyIndex = process.argv.indexOf("--only");
  const only = onlyIndex > 0 ? process.argv[onlyIndex + 1].split(",") : undefined;
  writeFileSync(out, bundleSpec({ only }));
  console.log(`wrote ${out}`);
}
