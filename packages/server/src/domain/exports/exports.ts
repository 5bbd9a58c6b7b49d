import { type ExportOptions, resolveOptions } from "@timecard/payroll";
import type { components } from "@timecard/sdk";
import { sql } from "kysely";
import { ApiProblem, invalidField, invalidState, notFound } from "../../errors.js";
import { decodeTimeCursor, newestFirstAfter, type Page, toPage } from "../../http/cursor.js";
import { newId } from "../../ids.js";
import type { ExportRow } from "../../storage/schema.js";
import { type DomainContext, inTransaction } from "../actor.js";
import { recordChange } from "../audit.js";
import { localDate } from "../leave/working-days.js";
import { isUniqueViolation } from "../projects.js";
import { EXPORT_FORMATS } from "./formats.js";

type Export = components["schemas"]["Export"];
type ExportCreate = components["schemas"]["ExportCreate"];

/** The channel on which a transaction that queued an export wakes the export workers. */
export const EXPORT_CHANNEL = "timecard_exports";

/** The columns of an export without its file's bytes. */
export const EXPORT_COLUMNS = [
  "id",
  "organization_id",
  "format",
  "month",
  "employee_ids",
  "options",
  "status",
  "progress",
  "error",
  "file_name",
  "file_media_type",
  "file_charset",
  "file_size",
  "file_sha256",
  "created_by",
  "created_at",
  "started_at",
  "completed_at",
  "attempts",
  "lease_owner",
  "lease_until",
] as const;

/** The API shape of an export. */
export function toExport(row: ExportRow): Export {
  const completed = row.status === "completed" && row.file_name !== null;
  return {
    id: row.id,
    organization_id: row.organization_id,
    format: row.format,
    month: row.month,
    employee_ids: row.employee_ids,
    status: row.status,
    progress: row.progress,
    file: completed
      ? {
          filename: row.file_name as string,
          media_type: row.file_media_type ?? "application/octet-stream",
          size_bytes: row.file_size ?? 0,
          sha256: row.file_sha256 ?? "",
          download_url: `/v1/exports/${row.id}/file`,
        }
      : null,
    error: row.status === "failed" ? row.error : null,
    options: row.options as Export["options"],
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    completed_at: row.completed_at?.toISOString() ?? null,
  };
}

/**
 * `POST /v1/exports`: checks the request (422 for an unknown format, a future month, an employee
 * not in the organization, an option the format does not take; 409 conflict while an export of
 * the same format and month is queued or running) and queues the export; the workers are woken
 * when the transaction commits.
 */
export async function createExport(ctx: DomainContext, body: ExportCreate): Promise<Export> {
  const formatter = EXPORT_FORMATS.get(body.format);
  if (!formatter) throw invalidField("body.format", "is not a format of GET /v1/export-formats");
  let options: ExportOptions;
  try {
    options = resolveOptions(formatter, (body.options ?? {}) as ExportOptions);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const refused = Object.keys(body.options ?? {}).find((name) => !formatter.acceptedOptions.includes(name as never));
    throw invalidField(refused ? `body.options.${refused}` : "body.options", error.message.replace(/\.$/, ""));
  }
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const org = await tx.db
      .selectFrom("organizations")
      .select("time_zone")
      .where("id", "=", tx.actor.organizationId)
      .executeTakeFirstOrThrow();
    if (body.month > localDate(now, org.time_zone).slice(0, 7)) {
      throw invalidField("body.month", "must not be in the future");
    }
    if (body.employee_ids) {
      const found = await tx.db
        .selectFrom("employees")
        .select("id")
        .where("organization_id", "=", tx.actor.organizationId)
        .where("id", "in", body.employee_ids)
        .execute();
      const known = new Set(found.map((e) => e.id));
      const unknown = body.employee_ids.findIndex((id) => !known.has(id));
      if (unknown >= 0) throw invalidField(`body.employee_ids.${unknown}`, "is not an employee of this organization");
    }
    await assertNoneActive(tx, body.format, body.month);
    let row: ExportRow;
    try {
      row = await tx.db
        .insertInto("exports")
        .values({
          id: newId("exp", now),
          organization_id: tx.actor.organizationId,
          format: body.format,
          month: body.month,
          employee_ids: JSON.stringify(body.employee_ids ?? null),
          options: JSON.stringify(options),
          status: "queued",
          progress: 0,
          error: JSON.stringify(null),
          file_name: null,
          file_media_type: null,
          file_charset: null,
          file_size: null,
          file_sha256: null,
          created_by: tx.actor.employeeId,
          created_at: now,
          started_at: null,
          completed_at: null,
          lease_owner: null,
          lease_until: null,
        })
        .returning(EXPORT_COLUMNS)
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error, "exports_one_active")) throw activeConflict(body.format, body.month);
      throw error;
    }
    await recordChange(tx, { action: "export.created", resourceType: "export", resourceId: row.id });
    await sql`select pg_notify(${EXPORT_CHANNEL}, ${row.id})`.execute(tx.db);
    return toExport(row);
  });
}

function activeConflict(format: string, month: string): ApiProblem {
  return new ApiProblem(
    409,
    "conflict",
    `An export of ${format} for ${month} is already queued or running; wait for it to finish.`,
  );
}

async function assertNoneActive(tx: DomainContext, format: string, month: string): Promise<void> {
  const active = await tx.db
    .selectFrom("exports")
    .select("id")
    .where("organization_id", "=", tx.actor.organizationId)
    .where("format", "=", format)
    .where("month", "=", month)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  if (active) throw activeConflict(format, month);
}

async function findExport(ctx: DomainContext, id: string): Promise<ExportRow> {
  const row = await ctx.db
    .selectFrom("exports")
    .select(EXPORT_COLUMNS)
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("export", id);
  return row;
}

/** `GET /v1/exports/{id}`. */
export async function getExport(ctx: DomainContext, id: string): Promise<Export> {
  return toExport(await findExport(ctx, id));
}

/** `GET /v1/exports`: the organization's exports, newest first. */
export async function listExports(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; status?: Export["status"]; format?: string; month?: string },
): Promise<Page<Export>> {
  const limit = query.limit ?? 25;
  const after = decodeTimeCursor(query.cursor);
  let q = ctx.db.selectFrom("exports").select(EXPORT_COLUMNS).where("organization_id", "=", ctx.actor.organizationId);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.format) q = q.where("format", "=", query.format);
  if (query.month) q = q.where("month", "=", query.month);
  if (after) q = q.where(newestFirstAfter(after));
  const rows = await q
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.id], toExport);
}

/** An export's file, as stored. */
export interface ExportFile {
  readonly filename: string;
  /** With the `charset` of text files. */
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** `GET /v1/exports/{id}/file`: the bytes as written; `409 invalid_state` unless completed. */
export async function downloadExportFile(ctx: DomainContext, id: string): Promise<ExportFile> {
  const row = await findExport(ctx, id);
  if (row.status !== "completed") {
    throw invalidState(`Export ${id} is ${row.status}; only a completed export has a file.`);
  }
  const file = await ctx.db
    .selectFrom("export_files")
    .select("bytes")
    .where("export_id", "=", row.id)
    .executeTakeFirstOrThrow();
  const mediaType = row.file_media_type ?? "application/octet-stream";
  return {
    filename: row.file_name ?? `${row.id}.bin`,
    contentType: row.file_charset ? `${mediaType}; charset=${row.file_charset}` : mediaType,
    bytes: Buffer.from(file.bytes),
  };
}
