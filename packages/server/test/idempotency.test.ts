import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { type Call, createWorld, useTestServer, type World } from "./support/harness.js";
import {
  createResources,
  expectProblem,
  liftRateLimits,
  rowCounts,
  SPEC_OPERATIONS,
  send,
  snapshotOrganization,
  validRequest,
} from "./support/spec-walk.js";

// Idempotency-Key: a repeat with the same key and body replays the stored response and changes
// nothing; another body under the same key is refused; keys are per API key; a 5xx frees the key.
const server = useTestServer();

function post(key: string, url: string, body: unknown, idempotencyKey: string): Promise<Call> {
  return send(
    server,
    key,
    { method: "POST", url, body, contentType: "application/json" },
    { headers: { "idempotency-key": idempotencyKey } },
  );
}

async function count(world: World, table: "employees" | "events" | "sessions" | "idempotency_keys") {
  const row = await server.storage.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", world.organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function expectReplay(first: Call, again: Call): void {
  expect(again.headers["idempotent-replayed"]).toBe("true");
  expect(again.status).toBe(first.status);
  expect(again.body).toEqual(first.body);
  expect(String(again.headers["content-type"])).toBe(String(first.headers["content-type"]));
}

describe("Idempotency-Key", () => {
  it("replays a repeated POST with the same key and body, and creates nothing new", async () => {
    const world = await createWorld(server);
    const key = randomUUID();
    const body = { name: "Jan Kowalski", email: "jan.idem@example.com" };
    const first = await post(world.admin.key, "/v1/employees", body, key);
    expect(first.status).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const before = { employees: await count(world, "employees"), events: await count(world, "events") };
    const again = await post(world.admin.key, "/v1/employees", body, key);
    expectReplay(first, again);
    expect(again.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    expect({ employees: await count(world, "employees"), events: await count(world, "events") }).toEqual(before);
    // The same body with the keys in another order is the same request.
    const reordered = await post(world.admin.key, "/v1/employees", { email: body.email, name: body.name }, key);
    expect(reordered.status).toBe(201);
    expect(reordered.body.id).toBe(first.body.id);
  });

  it("refuses the same key with a different body (or path) with 422 idempotency_key_reused", async () => {
    const world = await createWorld(server);
    const key = randomUUID();
    const first = await post(world.admin.key, "/v1/employees", { name: "Anna", email: "anna.idem@example.com" }, key);
    expect(first.status).toBe(201);
    const before = await snapshotOrganization(server.storage.db, world.organizationId);
    const other = await post(world.admin.key, "/v1/employees", { name: "Other", email: "other.idem@example.com" }, key);
    expectProblem(other, 422, "idempotency_key_reused");
    expect(other.headers["idempotent-replayed"]).toBeUndefined();
    if (SPEC_OPERATIONS.find((op) => op.operationId === "createProject")?.implemented) {
      const elsewhere = await post(
        world.admin.key,
        "/v1/projects",
        { name: "Anna", email: "anna.idem@example.com" },
        key,
      );
      expectProblem(elsewhere, [422], ["idempotency_key_reused", "validation_failed"]);
      const sameBodyElsewhere = await post(world.admin.key, "/v1/projects", { name: "Website" }, key);
      expectProblem(sameBodyElsewhere, 422, "idempotency_key_reused");
    }
    expect(await snapshotOrganization(server.storage.db, world.organizationId)).toEqual(before);
  });

  it("replays a refusal too: a 4xx is the stored answer", async () => {
    const world = await createWorld(server);
    const body = { name: "Dup", email: "dup.idem@example.com" };
    expect((await post(world.admin.key, "/v1/employees", body, randomUUID())).status).toBe(201);
    const key = randomUUID();
    const conflict = await post(world.admin.key, "/v1/employees", body, key);
    expectProblem(conflict, 409, "already_exists");
    const again = await post(world.admin.key, "/v1/employees", body, key);
    expectReplay(conflict, again);
  });

  it("keeps keys per API key: the same key from another API key is another request", async () => {
    const world = await createWorld(server);
    const key = randomUUID();
    const a = await post(world.employee.key, "/v1/sessions/start", { note: "Standup" }, key);
    const b = await post(world.colleague.key, "/v1/sessions/start", { note: "Standup" }, key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers["idempotent-replayed"]).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.employee_id).toBe(world.colleague.id);
    // Even two keys of the same user are separate.
    const admin1 = await post(world.admin.key, "/v1/employees", { name: "P", email: "p.idem@example.com" }, key);
    const other = await createWorld(server);
    const admin2 = await post(other.admin.key, "/v1/employees", { name: "Q", email: "q.idem@example.com" }, key);
    expect([admin1.status, admin2.status]).toEqual([201, 201]);
    expect(await count(world, "idempotency_keys")).toBe(3);
  });

  it("runs concurrent repeats once: the others replay or are told the key is in use", async () => {
    const world = await createWorld(server);
    const key = randomUUID();
    const body = { name: "Concurrent", email: "concurrent.idem@example.com" };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(world.admin.key, "/v1/employees", body, key)),
    );
    const created = answers.filter((r) => r.status === 201 && r.headers["idempotent-replayed"] === undefined);
    expect(created).toHaveLength(1);
    for (const res of answers) {
      if (res === created[0]) continue;
      if (res.status === 201) expectReplay(created[0] as Call, res);
      else expectProblem(res, 409, "conflict");
    }
    const rows = await server.storage.db
      .selectFrom("employees")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .where("email", "=", body.email)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("forgets a key after 24 hours", async () => {
    const world = await createWorld(server);
    const key = randomUUID();
    expect(
      (await post(world.admin.key, "/v1/employees", { name: "Day1", email: "day1.idem@example.com" }, key)).status,
    ).toBe(201);
    server.clock.advance(24 * 3600 * 1000 + 1000);
    const later = await post(world.admin.key, "/v1/employees", { name: "Day2", email: "day2.idem@example.com" }, key);
    expect(later.status).toBe(201);
    expect(later.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("frees the key after a 5xx, so that the retry runs", async () => {
    const world = await createWorld(server);
    const db = server.storage.db;
    const name = `Fail ${randomUUID()}`;
    // A trigger that fails the insert of this one employee: a server error in the middle of the request.
    const fn = sql.raw(`tc_fail_${randomUUID().replace(/-/g, "")}`);
    await sql`create function ${fn}() returns trigger language plpgsql as $$
      begin if new.name = ${sql.lit(name)} then raise exception 'injected failure'; end if; return new; end $$`.execute(
      db,
    );
    await sql`create trigger ${fn} before insert on employees for each row execute function ${fn}()`.execute(db);
    const key = randomUUID();
    const body = { name, email: "fail.idem@example.com" };
    try {
      const failed = await post(world.admin.key, "/v1/employees", body, key);
      expectProblem(failed, 500, "internal_error");
      expect(await count(world, "idempotency_keys")).toBe(0);
      expect(await count(world, "employees")).toBe(5);
    } finally {
      await sql`drop trigger ${fn} on employees`.execute(db);
      await sql`drop function ${fn}()`.execute(db);
    }
    const retried = await post(world.admin.key, "/v1/employees", body, key);
    expect(retried.status).toBe(201);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
    expect(retried.body.name).toBe(name);
  });

  it("is ignored on operations that do not take it", async () => {
    const world = await createWorld(server);
    const key = randomUUID();
    const a = await send(
      server,
      world.admin.key,
      { method: "GET", url: "/v1/me" },
      { headers: { "idempotency-key": key } },
    );
    const b = await send(
      server,
      world.admin.key,
      { method: "GET", url: "/v1/organization" },
      { headers: { "idempotency-key": key } },
    );
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers["idempotent-replayed"]).toBeUndefined();
  });
});

describe("every POST that takes an Idempotency-Key replays a repeat and writes nothing more", () => {
  const ops = SPEC_OPERATIONS.filter((op) => op.idempotencyKey && op.scope !== null);

  it("the spec gives every POST that creates or acts the header", () => {
    expect(ops.length).toBeGreaterThan(20);
    expect(ops.every((op) => op.method === "POST")).toBe(true);
  });

  for (const op of ops) {
    (op.implemented ? it : it.todo)(op.label, async () => {
      const world = await createWorld(server);
      await liftRateLimits(server, world);
      const ids = await createResources(server, world);
      const request = validRequest(op, ids);
      const caller = op.roles.includes("admin") ? world.admin : world.manager;
      const key = randomUUID();
      const first = await send(server, caller.key, request, { headers: { "idempotency-key": key } });
      expect(first.status, JSON.stringify(first.body)).toBeLessThan(500);
      await server.app.audit.flush();
      const before = await snapshotOrganization(server.storage.db, world.organizationId);
      const again = await send(server, caller.key, request, { headers: { "idempotency-key": key } });
      expectReplay(first, again);
      await server.app.audit.flush();
      const after = await snapshotOrganization(server.storage.db, world.organizationId);
      expect(rowCounts(after)).toEqual(rowCounts(before));
      expect(after).toEqual(before);
    });
  }
});
