import { beforeAll, describe, expect, it } from "vitest";
import { createHandlers, createPublicHandlers, NOT_IMPLEMENTED } from "../src/routes/index.js";
import { createWorld, useTestServer, type World } from "./support/harness.js";
import { expectProblem, SPEC_OPERATIONS, send, validRequest } from "./support/spec-walk.js";

// The operations in NOT_IMPLEMENTED (if any) are owed by open issues; until then they answer 501, and every
// other operation of the spec must have a handler.
const server = useTestServer();
let world: World;

beforeAll(async () => {
  world = await createWorld(server);
});

describe("operations owed by open issues answer 501 not_implemented", () => {
  const owed = SPEC_OPERATIONS.filter((op) => op.notImplemented);
  it.each(owed.map((op) => [op.label, op] as const))("%s", async (_, op) => {
    // A valid request from the spec's examples, by an admin's full key (public operations take none).
    const res = await send(server, op.scope === null ? null : world.admin.key, validRequest(op));
    expectProblem(res, 501, "not_implemented");
  });

  it("names only operations of the spec", () => {
    const known = new Set(SPEC_OPERATIONS.map((op) => op.operationId));
    expect([...NOT_IMPLEMENTED].filter((id) => !known.has(id))).toEqual([]);
  });
});

describe("the whole API is implemented", () => {
  it("every operation of the spec outside NOT_IMPLEMENTED has a handler in createHandlers() or createPublicHandlers()", () => {
    const handlers = { ...createHandlers(), ...createPublicHandlers() };
    const missing = SPEC_OPERATIONS.filter((op) => !op.notImplemented && !(op.operationId in handlers)).map(
      (op) => op.operationId,
    );
    expect(missing).toEqual([]);
  });

  it("no handler is registered for an operation the spec does not have", () => {
    const known = new Set<string>(SPEC_OPERATIONS.map((op) => op.operationId));
    const handlers = { ...createHandlers(), ...createPublicHandlers() };
    expect(Object.keys(handlers).filter((id) => !known.has(id))).toEqual([]);
  });
});
