import { createExport, downloadExportFile, getExport, listExports } from "../domain/exports/exports.js";
import { listExportFormats } from "../domain/exports/formats.js";
import type { Handlers } from "./types.js";

/** Payroll export formats, exports and their files. */
export function exportHandlers(): Handlers {
  return {
    listExportFormats: async ({ query }) => listExportFormats(query),
    listExports: async ({ ctx, query }) => listExports(ctx, query),
    createExport: async ({ ctx, body }, reply) => {
      const created = await createExport(ctx, body);
      reply.code(202).header("Location", `/v1/exports/${created.id}`);
      return created;
    },
    getExport: async ({ ctx, params }) => getExport(ctx, params.export_id),
    downloadExportFile: async ({ ctx, params }, reply) => {
      const file = await downloadExportFile(ctx, params.export_id);
      // The bytes go out as written: no JSON serialization, no re-encoding.
      reply
        .type(file.contentType)
        .header("Content-Disposition", `attachment; filename="${file.filename}"`)
        .send(file.bytes);
      return reply as never;
    },
  };
}
