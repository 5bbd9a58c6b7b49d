import { createDefaultRegistry, describeFormat, type FormatterRegistry } from "@timecard/payroll";
import type { components } from "@timecard/sdk";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";

type ExportFormat = components["schemas"]["ExportFormat"];

/** The payroll formats this server writes: every format `@timecard/payroll` registers. */
export const EXPORT_FORMATS: FormatterRegistry = createDefaultRegistry();

/** `GET /v1/export-formats`: the registered formats sorted by id, optionally only a country's. */
export function listExportFormats(
  query: { limit?: number; cursor?: string; country?: "PL" | "CZ" },
  registry: FormatterRegistry = EXPORT_FORMATS,
): Page<ExportFormat> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor)?.[1];
  const formats = [...registry.list()]
    .filter((f) => query.country === undefined || f.countries.includes(query.country))
    .filter((f) => after === undefined || f.id > after)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return toPage(formats.slice(0, limit + 1), limit, (f) => [f.id, f.id], describeFormat);
}
