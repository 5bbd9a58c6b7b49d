import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { textFormatters } from "../../src/formats/text.js";
import { xmlFormatters } from "../../src/formats/xml.js";
import { EXPORT_COLUMNS } from "../../src/formatter.js";
import { builtInFormatters, describeFormat } from "../../src/index.js";

// The API serves each format's metadata from the formatter (`describeFormat`): it must be the
// spec's example, word for word, and the spec's enums must name exactly what the package writes.
const spec = JSON.parse(readFileSync(new URL("../../../server/src/generated/openapi.json", import.meta.url), "utf8"));
const examples: Record<string, unknown>[] =
  spec.paths["/v1/export-formats"].get.responses["200"].content["application/json"].example.data;

describe("the formats' metadata", () => {
  it("registers the six text and spreadsheet formats and the four XML ones", () => {
    expect(textFormatters.map((f) => f.id).sort()).toEqual([
      "comarch-optima-rcp",
      "custom-csv",
      "enova365-rcp",
      "monthly-summary-xlsx",
      "payroll-components-csv",
      "symfonia-rcp",
    ]);
    expect(xmlFormatters.map((f) => f.id).sort()).toEqual([
      "abra-flexi-winstrom",
      "money-s3-dochazka",
      "money-s3-mzdy",
      "pamica-dochazka",
    ]);
    expect(builtInFormatters).toEqual(expect.arrayContaining([...textFormatters, ...xmlFormatters]));
    expect(builtInFormatters).toHaveLength(textFormatters.length + xmlFormatters.length);
  });

  it.each(builtInFormatters.map((f) => [f.id, f] as const))("%s is the spec's listExportFormats example", (id, f) => {
    const example = examples.find((e) => e.id === id);
    expect(example, `${id} in the spec's example`).toBeDefined();
    expect(describeFormat(f)).toEqual(example);
  });

  it("takes exactly the formats and custom-csv columns that the spec names", () => {
    expect(builtInFormatters.map((f) => f.id).sort()).toEqual(
      [...spec.components.schemas.ExportCreate.properties.format.enum].sort(),
    );
    expect(EXPORT_COLUMNS).toEqual(spec.components.schemas.ExportColumn.enum);
  });
});
