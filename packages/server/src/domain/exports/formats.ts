import { createDefaultRegistry, type FormatterRegistry, type PayrollFormatter } from "@timecard/payroll";
import type { components } from "@timecard/sdk";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";

type ExportFormat = components["schemas"]["ExportFormat"];

/** The payroll formats this server writes: every format `@timecard/payroll` registers. */
export const EXPORT_FORMATS: FormatterRegistry = createDefaultRegistry();

/** The API shape of a format (`ExportFormat`), from the formatter's metadata. */
export function toExportFormat(f: PayrollFormatter): ExportFormat {
  return {
    id: f.id,
    name: f.name,
    program: f.program,
    countries: [...f.countries],
    file_kind: f.fileKind,
    media_type: f.mediaType,
    encoding: f.encoding,
    file_extension: f.fileExtension,
    compatibility: f.compatibility,
    compatibility_note: f.compatibilityNote,
    requires: [...f.requires],
    columns_configurable: f.columnsConfigurable,
    accepted_options: [...f.acceptedOptions],
    default_line_layout: f.defaultLineLayout,
  };
}

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
  return toPage(formats.slice(0, limit + 1), limit, (f) => [f.id, f.id], toExportFormat);
}
