import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../src/http/cursor.js";
import { createWorld, useTestServer, type World } from "./support/harness.js";
import {
  createResources,
  expectFieldError,
  expectProblem,
  freeTextFields,
  idPrefixOf,
  invalidBodies,
  invalidQueries,
  liftRateLimits,
  type Resources,
  SPEC_OPERATIONS,
  type SpecOp,
  type SpecRequest,
  send,
  snapshotOrganization,
  validRequest,
  withQuery,
} from "./support/spec-walk.js";

// Every route that takes a body or parameters, fed bad input: every answer is a 4xx
// problem+json (never a 5xx) and nothing of the organization is written by a refused request.
const server = useTestServer();
let world: World;
let ids: Resources;

beforeAll(async () => {
  world = await createWorld(server);
  await liftRateLimits(server, world);
  ids = await createResources(server, world);
}, 60_000);

type Options = Parameters<typeof send>[3];

/** Sends as the admin and asserts a 4xx problem (of this status and code) that wrote nothing. */
async function refused(request: SpecRequest, options: Options, status: number | number[], code?: string | string[]) {
  const before = await snapshotOrganization(server.storage.db, world.organizationId);
  const res = await send(server, world.admin.key, request, options);
  expectProblem(res, status, code);
  expect(await snapshotOrganization(server.storage.db, world.organizationId)).toEqual(before);
  return res;
}

/** The routes that declare 422 and take a body or parameters (OAuth's own endpoints answer OAuth errors). */
const battery = SPEC_OPERATIONS.filter(
  (op) => op.statuses.includes("422") && (op.body || op.pathParams.length > 0 || op.queryParams.length > 0),
);

/** Tests that only the core answers run on every route; those that reach a handler wait for it. */
const ifHandled = (op: SpecOp) => (op.implemented ? it : it.todo);

const MiB = 1024 * 1024;
const BAD_IDS = (prefix: string) => [
  `${prefix}_' OR 1=1--`,
  `${prefix}_0000000000000000'; drop table employees;--`,
  `xyz_${"0".repeat(16)}`,
  `${prefix}_123`,
  `${prefix}_${"a".repeat(100)}`,
  `${prefix}_ąęśćżźółń12345678`,
  "../../etc/passwd",
  "%00",
];
const INJECTIONS = [
  "'; drop table employees;--",
  "Robert'); DROP TABLE sessions;--",
  "<script>alert(1)</script>",
  "Zażółć gęślą jaźń — Příliš žluťoučký kůň 🚀👩‍💻 עברית",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is the injection
  "%s%n%x ${jndi:ldap://x} {{7*7}}",
  `back\\slash "quotes" ' and\nnew lines\t`,
];

describe.each(battery.map((op) => [op.label, op] as const))("%s", (_, op) => {
  const valid = () => validRequest(op, ids);
  const json = op.body?.mediaTypes.includes("application/json") ?? false;

  if (op.body && json) {
    it("refuses malformed JSON with 400 malformed_json", async () => {
      for (const raw of ['{"name": ', "{'single': 'quotes'}", '{"a": 1,}', "nope", '{"a": 1} trailing']) {
        await refused({ ...valid(), contentType: "application/json" }, { rawBody: raw }, 400, "malformed_json");
      }
    });

    it("refuses a body that is not application/json with 415", async () => {
      const others: [string, string][] = [
        ["text/plain", "hello"],
        ["application/xml", "<a/>"],
        ["application/octet-stream", "\u0001\u0002"],
      ];
      if (!op.body?.mediaTypes.includes("application/x-www-form-urlencoded")) {
        others.push(["application/x-www-form-urlencoded", "name=x&email=x%40example.com"]);
      }
      for (const [type, raw] of others) {
        await refused({ ...valid(), contentType: type }, { rawBody: raw }, 415, "unsupported_media_type");
      }
    });

    it("refuses a body over 1 MiB with 413 payload_too_large", async () => {
      const raw = JSON.stringify({ padding: "x".repeat(MiB + 10) });
      await refused({ ...valid(), contentType: "application/json" }, { rawBody: raw }, 413, "payload_too_large");
    });

    it("refuses a body that is not an object with 422 naming body", async () => {
      for (const raw of ["[]", '"text"', "42", "null", "true"]) {
        const res = await refused({ ...valid(), contentType: "application/json" }, { rawBody: raw }, 422);
        expectFieldError(res, "body");
      }
    });

    if (op.body?.required) {
      it("refuses a missing body with 422 naming body", async () => {
        const res = await refused({ ...valid(), body: undefined, contentType: undefined }, {}, 422);
        expectFieldError(res, "body");
      });
    }

    const cases = invalidBodies(op);
    if (cases.length > 0) {
      it.each(cases.map((c) => [c.label, c] as const))("refuses %s with 422 and the field's path", async (__, c) => {
        const res = await refused({ ...valid(), body: c.body }, {}, 422, "validation_failed");
        expectFieldError(res, c.field);
      });
    }
  }

  const queries = invalidQueries(op);
  if (queries.length > 0) {
    it.each(queries.map((q) => [q.name, q] as const))("refuses an invalid query %s with 422", async (__, q) => {
      const request = valid();
      const [path, search] = request.url.split("?");
      const params = new URLSearchParams(search);
      params.set(q.name, q.value);
      const res = await refused({ ...request, url: `${path}?${params}` }, {}, 422, "validation_failed");
      expectFieldError(res, `query.${q.name}`);
    });
  }

  if (op.queryParams.length > 0) {
    it("refuses a NUL character in any query parameter with 422", async () => {
      for (const param of op.queryParams) {
        const res = await refused({ ...valid(), url: withQuery(valid().url, { [param.name]: "a\u0000b" }) }, {}, 422);
        expectFieldError(res, `query.${param.name}`);
      }
    });
  }

  if (op.pathParams.some((p) => idPrefixOf(p.schema))) {
    it("refuses invalid ids in the path with 422 or 404, never 5xx", async () => {
      for (const param of op.pathParams) {
        const prefix = idPrefixOf(param.schema);
        if (!prefix) continue;
        for (const bad of BAD_IDS(prefix)) {
          const request = validRequest(op, ids, { ...ids, [prefix]: bad });
          await refused(request, {}, [404, 422], ["not_found", "validation_failed"]);
        }
      }
    });
  }

  if (op.queryParams.some((p) => p.name === "cursor")) {
    ifHandled(op)("refuses cursors it did not issue with 400 invalid_cursor", async () => {
      for (const cursor of [
        "garbage",
        "e30",
        "W10",
        "%%%",
        Buffer.from('["only-one"]').toString("base64url"),
        "a".repeat(512),
      ]) {
        await refused({ ...valid(), url: withQuery(valid().url, { cursor }) }, {}, 400, "invalid_cursor");
      }
    });

    ifHandled(op)("answers a forged cursor (well-formed, made-up position) without a 5xx", async () => {
      for (const position of [
        ["'; drop table employees;--", "emp_' OR 1=1--"],
        ["not-a-date", "ses_0000000000000000"],
        ["2026-13-45T99:99:99Z", "x"],
        ["", ""],
        ["99999999999999999999", "zzz"],
      ] as const) {
        const before = await snapshotOrganization(server.storage.db, world.organizationId);
        const url = withQuery(valid().url, { cursor: encodeCursor(position) });
        const res = await send(server, world.admin.key, { ...valid(), url });
        expect(res.status, `${JSON.stringify(position)}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
        if (res.status !== 200) expectProblem(res, 400, "invalid_cursor");
        expect(await snapshotOrganization(server.storage.db, world.organizationId)).toEqual(before);
      }
    });
  }

  const texts = json ? freeTextFields(op) : [];
  if (texts.length > 0) {
    ifHandled(op)("stores injection strings in its text fields verbatim, or refuses them with a 4xx", async () => {
      let n = 0;
      for (const field of texts) {
        for (const text of INJECTIONS) {
          if (field.maxLength !== null && text.length > field.maxLength) continue;
          const request = valid();
          const body = uniquify(op, { ...(request.body as object), [field.name]: text }, ++n);
          const res = await send(server, world.admin.key, { ...request, body });
          expect(res.status, `${field.name}=${JSON.stringify(text)}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
          if (res.status < 300) {
            // Echoed verbatim (under its name, or another: an approval's note is its `decision_note`).
            if (res.body && typeof res.body === "object") expect(strings(res.body), field.name).toContain(text);
          } else {
            expectProblem(res, res.status);
          }
        }
        // A NUL cannot be stored in PostgreSQL text: refused, never a 5xx.
        const nul = { ...(valid().body as object), [field.name]: "nul\u0000byte" };
        const res = await send(server, world.admin.key, { ...valid(), body: uniquify(op, nul, ++n) });
        expect(res.status, `${field.name} with NUL: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${field.name} with NUL: ${JSON.stringify(res.body)}`).toBeLessThan(500);
        expectProblem(res, res.status);
        // 10,000 characters in a field without a smaller maxLength: stored or refused, never a 5xx.
        if (field.maxLength === null || field.maxLength >= 10_000) {
          const long = { ...(valid().body as object), [field.name]: "ł".repeat(10_000) };
          const longRes = await send(server, world.admin.key, { ...valid(), body: uniquify(op, long, ++n) });
          expect(longRes.status, JSON.stringify(longRes.body)).toBeLessThan(500);
        }
      }
      // The tables the injections named are still there.
      for (const table of ["employees", "sessions"]) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
          server.storage.db,
        );
        expect(rows[0]?.n).toBeGreaterThan(0);
      }
    });
  }
});

describe("the battery", () => {
  it("covers every route that takes a body or parameters and can answer 422", () => {
    const expected = SPEC_OPERATIONS.filter((op) => op.body || op.pathParams.length > 0 || op.queryParams.length > 0)
      .filter((op) => !op.path.startsWith("/oauth/") && !op.path.startsWith("/.well-known/"))
      .map((op) => op.operationId);
    expect(battery.map((op) => op.operationId)).toEqual(expected);
  });
});

/** Makes values that must be unique in the organization unique to this attempt (emails; optional codes dropped). */
function uniquify(op: SpecOp, body: Record<string, unknown>, n: number): Record<string, unknown> {
  const properties: Record<string, { format?: string; pattern?: string }> = op.body?.schema?.properties ?? {};
  const required = new Set<string>(op.body?.schema?.required ?? []);
  const out = { ...body };
  for (const [name, schema] of Object.entries(properties)) {
    if (!(name in out)) continue;
    if (schema.format === "email") out[name] = `injection.${n}.${Date.now()}@example.com`;
    else if (schema.pattern && !required.has(name) && name === "code") delete out[name];
  }
  return out;
}

/** Every string in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}
