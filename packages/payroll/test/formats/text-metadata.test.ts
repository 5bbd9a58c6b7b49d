import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { textFormatters } from "../../src/formats/text.js";
import { builtInFormatters } from "../../src/index.js";

// The API serves each format's metadata from the formatter: it must be the spec's example, word
// for word (GET /v1/export-formats in spec/src/50-reports.yaml).
const spec = parse(readFileSync(new URL("../../../../spec/src/50-reports.yaml", import.meta.url), "utf8"));
const examples: Record<string, unknown>[] =
  spec.paths["/v1/export-formats"].get.responses["200"].content["application/json"].example.data;

describe("the text formats' metadata", () => {
  it("registers the six text and spreadsheet formats", () => {
    expect(textFormatters.map((f) => f.id).sort()).toEqual([
      "comarch-optima-rcp",
      "custom-csv",
      "enova365-rcp",
      "monthly-summary-xlsx",
      "payroll-components-csv",
      "symfonia-rcp",
    ]);
    for (const formatter of textFormatters) expect(builtInFormatters).toContain(formatter);
  });

  it.each(textFormatters.map((f) => [f.id, f] as const))("%s is the spec's listExportFormats example", (id, f) => {
    const example = examples.find((e) => e.id === id);
    expect(example, `${id} in the spec's example`).toBeDefined();
    expect({
      id: f.id,
      name: f.name,
      program: f.program,
      countries: f.countries,
      file_kind: f.fileKind,
      media_type: f.mediaType,
      encoding: f.encoding,
      file_extension: f.fileExtension,
      compatibility: f.compatibility,
      compatibility_note: f.compatibilityNote,
      requires: f.requires,
      columns_configurable: f.columnsConfigurable,
      accepted_options: f.acceptedOptions,
      default_line_layout: f.defaultLineLayout,
    }).toEqual(example);
  });
});
