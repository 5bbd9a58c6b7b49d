import { newId } from "../../src/ids.js";
import type { TestServer, World } from "./harness.js";

/** An organization's events, oldest first, with what the tests check of them. */
export async function eventsOf(server: TestServer, world: World) {
  return server.storage.db
    .selectFrom("events")
    .select(["type", "data", "resource_ids", "employee_id"])
    .where("organization_id", "=", world.organizationId)
    .orderBy("id")
    .execute();
}

/** A session to write straight into the table, for tests of other areas than sessions. */
export interface SessionRowInput {
  readonly employeeId: string;
  readonly projectId: string | null;
  readonly taskId?: string | null;
  readonly start: string;
  readonly end: string | null;
  readonly approval?: "pending" | "approved" | "rejected";
  readonly billable?: boolean;
}

/** Writes a session straight into the table (bypassing the sessions API); answers its id. */
export async function insertSession(server: TestServer, world: World, s: SessionRowInput): Promise<string> {
  const id = newId("ses", new Date(s.start));
  await server.storage.db
    .insertInto("sessions")
    .values({
      id,
      organization_id: world.organizationId,
      employee_id: s.employeeId,
      project_id: s.projectId,
      task_id: s.taskId ?? null,
      started_at: new Date(s.start),
      ended_at: s.end ? new Date(s.end) : null,
      billable: s.billable ?? false,
      source: "web",
      note: null,
      metadata: JSON.stringify({}),
      approval_status: s.approval ?? "pending",
      approved_by: null,
      approved_at: null,
      rejection_reason: null,
      activity_percent: null,
      created_at: new Date(s.start),
      updated_at: new Date(s.start),
    })
    .execute();
  return id;
}
