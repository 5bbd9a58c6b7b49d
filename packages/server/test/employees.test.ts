import { describe, expect, it } from "vitest";
import { call, createWorld, useTestServer } from "./support/harness.js";

const server = useTestServer();

describe("employees", () => {
  it("lets an admin create, read, update and deactivate an employee, with events", async () => {
    const world = await createWorld(server);
    const created = await call(server, world.admin.key, "POST", "/v1/employees", {
      name: "Jan Kowalski",
      email: "jan.kowalski@example.com",
      manager_id: world.manager.id,
      hourly_rate: { amount_minor: 6500, currency: "PLN" },
      payroll_number: "0042",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^emp_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      role: "employee",
      status: "active",
      country: "PL",
      time_zone: "Europe/Warsaw",
      weekly_hours_norm: 40,
      hourly_rate: { amount_minor: 6500, currency: "PLN" },
      payroll_number: "0042",
    });
    const id = created.body.id;

    const asEmployee = await call(server, world.employee.key, "GET", `/v1/employees/${id}`);
    expect(asEmployee.status).toBe(200);
    expect(asEmployee.body).not.toHaveProperty("hourly_rate");
    expect(asEmployee.body).not.toHaveProperty("payroll_number");

    const updated = await call(server, world.admin.key, "PATCH", `/v1/employees/${id}`, {
      role: "manager",
      payroll_number: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ role: "manager", payroll_number: null });

    const deactivated = await call(server, world.admin.key, "POST", `/v1/employees/${id}/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ status: "deactivated", deactivated_at: expect.any(String) });
    const again = await call(server, world.admin.key, "POST", `/v1/employees/${id}/deactivate`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state");

    const events = await server.storage.db
      .selectFrom("events")
      .select("type")
      .where("organization_id", "=", world.organizationId)
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.type)).toEqual(["employee.created", "employee.updated", "employee.deactivated"]);
  });

  it("refuses a duplicate email with 409 already_exists", async () => {
    const world = await createWorld(server);
    const body = { name: "Jan", email: "dup@example.com" };
    expect((await call(server, world.admin.key, "POST", "/v1/employees", body)).status).toBe(201);
    const dup = await call(server, world.admin.key, "POST", "/v1/employees", { ...body, email: "DUP@example.com" });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("already_exists");
  });

  it("pages through employees by name with a cursor", async () => {
    const world = await createWorld(server);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/employees?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.manager.key, "GET", url);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((e: { name: string }) => e.name));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(["Anna Admin", "Cyril Colleague", "Ewa Employee", "Marek Manager", "Olga Outsider"]);
  });

  it("lets only admins change employees", async () => {
    const world = await createWorld(server);
    const res = await call(server, world.manager.key, "POST", "/v1/employees", { name: "X", email: "x@example.com" });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
    const read = await call(server, world.admin.readKey, "POST", "/v1/employees", {
      name: "X",
      email: "x@example.com",
    });
    expect(read.status).toBe(403);
    expect(read.body.code).toBe("insufficient_scope");
  });
});
