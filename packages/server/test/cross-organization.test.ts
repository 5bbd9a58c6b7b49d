import { beforeAll, describe, expect, it } from "vitest";
import { type Call, createWorld, type TestUser, useTestServer, type World } from "./support/harness.js";
import {
  createResources,
  expectProblem,
  idPrefixOf,
  idsOfOrganization,
  liftRateLimits,
  type Resources,
  randomId,
  SPEC_OPERATIONS,
  type SpecOp,
  send,
  snapshotOrganization,
  substituteIds,
  validRequest,
  withQuery,
} from "./support/spec-walk.js";

// Every credential sees only its organization: an id of another organization answers 404
// not_found exactly as an id that never existed, for every route and method, and changes
// nothing there; lists and filters never show another organization's data. (The lists run
// first: the caller's own audit log rightly records the paths of the probes that follow.)
const server = useTestServer();
let mine: World;
let theirs: World;
let myIds: Resources;
/** Every id of the other organization, by prefix. */
let theirIds: Record<string, string[]>;
/** The other organization's ids as text, to find them in responses and rows. */
let theirIdList: string[];

beforeAll(async () => {
  mine = await createWorld(server);
  theirs = await createWorld(server);
  await liftRateLimits(server, mine);
  myIds = await createResources(server, mine);
  await createResources(server, theirs);
  theirIds = await idsOfOrganization(server.storage.db, theirs.organizationId);
  theirIdList = [theirs.organizationId, ...Object.values(theirIds).flat()];
}, 60_000);

/** The routes that name a resource in their path (public and 501 operations aside). */
const withPathIds = SPEC_OPERATIONS.filter((op) => op.pathParams.length > 0 && op.scope !== null);

function callersOf(op: SpecOp): TestUser[] {
  return [mine.admin, mine.manager, mine.employee].filter((user) => op.roles.includes(user.role));
}

/** The other organization's ids that a response or a row of mine mentions. */
function leaked(value: unknown): string[] {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return theirIdList.filter((id) => text.includes(id));
}

function outcome(res: Call) {
  return { status: res.status, code: res.body?.code };
}

describe("lists, filters and bodies never reach another organization's data", () => {
  const reads = SPEC_OPERATIONS.filter((op) => op.method === "GET" && op.scope !== null);

  for (const op of reads) {
    (op.implemented ? it : it.todo)(`${op.label} shows none of it`, async () => {
      for (const caller of callersOf(op)) {
        const request = validRequest(op, myIds);
        const url = op.queryParams.some((p) => p.name === "limit")
          ? withQuery(request.url, { limit: "100" })
          : request.url;
        const res = await send(server, caller.key, { ...request, url });
        expect(res.status, `${caller.role}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
        expect(leaked(res.body)).toEqual([]);
        if (caller.role === "admin" && Array.isArray(res.body?.data) && op.pathParams.length === 0) {
          for (const item of res.body.data as { organization_id?: string }[]) {
            if (item.organization_id !== undefined) expect(item.organization_id).toBe(mine.organizationId);
          }
        }
      }
    });
  }

  const filtered = reads.filter((op) => op.queryParams.some((p) => idPrefixOf(p.schema)));
  for (const op of filtered) {
    (op.implemented ? it : it.todo)(
      `${op.label} filtered by the other organization's ids shows none of it`,
      async () => {
        for (const param of op.queryParams.filter((p) => idPrefixOf(p.schema))) {
          const prefix = idPrefixOf(param.schema) as string;
          for (const id of theirIds[prefix]?.slice(-3) ?? [randomId(prefix)]) {
            const request = validRequest(op, myIds);
            const res = await send(server, mine.admin.key, {
              ...request,
              url: withQuery(request.url, { [param.name]: id }),
            });
            expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
            if (res.status === 200 && Array.isArray(res.body.data)) expect(res.body.data).toEqual([]);
            expect(leaked({ ...res.body, detail: undefined })).toEqual([]);
          }
        }
      },
    );
  }

  const referencing = SPEC_OPERATIONS.filter(
    (op) => op.body && op.scope !== null && /"[a-z]+_[0-9A-Za-z]{16,32}"/.test(JSON.stringify(op.body.example)),
  );
  for (const op of referencing) {
    (op.implemented ? it : it.todo)(`${op.label} refuses another organization's ids in the body`, async () => {
      const their: Record<string, string | string[]> = {};
      for (const [prefix, ids] of Object.entries(theirIds)) their[prefix] = ids.at(-1) as string;
      their.emp = [theirs.employee.id, theirs.colleague.id];
      const request = validRequest(op, myIds);
      const body = substituteIds(request.body, their);
      const beforeTheirs = await snapshotOrganization(server.storage.db, theirs.organizationId);
      const res = await send(server, mine.admin.key, { ...request, body });
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      expect(await snapshotOrganization(server.storage.db, theirs.organizationId)).toEqual(beforeTheirs);
      const mineNow = await snapshotOrganization(server.storage.db, mine.organizationId);
      expect(leaked(mineNow)).toEqual([]);
    });
  }
});

describe("another organization's id answers 404 like a missing one", () => {
  it("the walk has real ids of the other organization for the kinds that exist", () => {
    for (const prefix of ["emp", "key"]) expect(theirIds[prefix]?.length).toBeGreaterThan(0);
  });

  for (const op of withPathIds) {
    (op.implemented ? it : it.todo)(op.label, async () => {
      const before = await snapshotOrganization(server.storage.db, theirs.organizationId);
      const prefixes = op.pathParams.map((p) => idPrefixOf(p.schema));
      expect(prefixes.every((p) => p !== null)).toBe(true);
      // Up to three real ids of each kind of the other organization (random ones for kinds it has none of).
      const candidates = prefixes.map(
        (prefix) => theirIds[prefix as string]?.slice(-3) ?? [randomId(prefix as string)],
      );
      const rounds = Math.max(...candidates.map((c) => c.length));
      for (const caller of callersOf(op)) {
        for (let round = 0; round < rounds; round++) {
          const theirPath = Object.fromEntries(
            prefixes.map((prefix, i) => [prefix as string, candidates[i]?.[round % (candidates[i]?.length ?? 1)]]),
          );
          const missingPath = Object.fromEntries(
            prefixes.map((prefix) => [prefix as string, randomId(prefix as string)]),
          );
          // Body ids are the caller's own, so that the request is valid but for the path.
          const theirResponse = await send(server, caller.key, validRequest(op, myIds, theirPath));
          const missingResponse = await send(server, caller.key, validRequest(op, myIds, missingPath));
          const what = `${caller.role} ${op.method} ${JSON.stringify(theirPath)}`;
          expect({ what, ...outcome(theirResponse) }).toEqual({ what, status: 404, code: "not_found" });
          expect({ what, ...outcome(missingResponse) }).toEqual({ what, status: 404, code: "not_found" });
          expectProblem(theirResponse, 404, "not_found");
          expect(Object.keys(theirResponse.body).sort()).toEqual(Object.keys(missingResponse.body).sort());
          expect(leaked({ ...theirResponse.body, detail: undefined })).toEqual([]);
        }
      }
      expect(await snapshotOrganization(server.storage.db, theirs.organizationId)).toEqual(before);
    });
  }
});
