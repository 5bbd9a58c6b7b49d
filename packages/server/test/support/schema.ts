import AjvModule from "ajv";
import addFormatsModule from "ajv-formats";
import { expect } from "vitest";
import { OPENAPI_DOCUMENT } from "../../src/spec.js";

// Answers checked against the spec's own schemas (nullable, formats, enums), independently of the
// server's response serialization.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema(OPENAPI_DOCUMENT as object, "openapi");

/** Asserts that `value` is valid against `#/components/schemas/<schema>` of the spec. */
export function expectSchema(schema: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}
