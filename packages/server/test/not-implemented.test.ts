import { describe, expect, it } from "vitest";
import { createHandlers, createPublicHandlers } from "../src/routes/index.js";
import { SPEC_OPERATIONS } from "./support/spec-walk.js";

// Every operation of the spec has a handler (createApp also refuses to start without one).
describe("the whole API is implemented", () => {
  it("every operation of the spec has a handler in createHandlers() or createPublicHandlers()", () => {
    const handlers = { ...createHandlers(), ...createPublicHandlers() };
    const missing = SPEC_OPERATIONS.filter((op) => !(op.operationId in handlers)).map((op) => op.operationId);
    expect(missing).toEqual([]);
  });

  it("a public operation (no scope) has a public handler, any other one a handler", () => {
    const handlers = createHandlers();
    const publicHandlers = createPublicHandlers();
    const misplaced = SPEC_OPERATIONS.filter(
      (op) => !(op.operationId in (op.scope === null ? publicHandlers : handlers)),
    ).map((op) => op.operationId);
    expect(misplaced).toEqual([]);
  });

  it("no handler is registered for an operation the spec does not have", () => {
    const known = new Set<string>(SPEC_OPERATIONS.map((op) => op.operationId));
    const handlers = { ...createHandlers(), ...createPublicHandlers() };
    expect(Object.keys(handlers).filter((id) => !known.has(id))).toEqual([]);
  });
});
