// Comarch ERP Optima (Płace i Kadry Plus): clock-reader (RCP) events read by a line mask that the
// customer defines in Optima (Konfiguracja firmy / Płace / RCP formaty importu): R year, M month,
// D day, g hour, m minute, N card number, O operation. Timecard writes the default mask
// `RRRRMMDDggmmNNNNNNNNNNO` unless `options.line_layout` sends the customer's; the same mask
// must be entered in Optima.
//
// Operation codes: `1` for an entry and `0` for an exit (the convention of the Polish standard RCP
// format that Symfonia documents); enter them as the entry and exit markers of Optima's import
// format. A wider O field is zero-padded (`01`, `00`). See `parseLineLayout` for the rules a mask
// must follow; characters that are not letters are written as they are.

import { encodeText } from "../encoding.js";
import type { ExportOptions, PayrollEmployeeIdentity, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import { cardProblem, clockEvents, type LayoutDialect, parseLineLayout } from "./clock-events.js";
import { CRLF } from "./csv.js";
import { requireCard } from "./symfonia-rcp.js";

const DEFAULT_LAYOUT = "RRRRMMDDggmmNNNNNNNNNNO";

/** Optima's mask letters. */
export const OPTIMA_DIALECT: LayoutDialect = {
  format: "comarch-optima-rcp",
  letters: { R: "year", M: "month", D: "day", g: "hour", m: "minute", N: "card", O: "operation" },
  codes: { entry: "1", exit: "0" },
};

/**
 * Comarch ERP Optima clock events TXT, by the customer's line mask (`options.line_layout`).
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, resolveOptions } from "@timecard/payroll";
 * const comarchOptimaRcp = createDefaultRegistry().get("comarch-optima-rcp")!;
 * const options = resolveOptions(comarchOptimaRcp, { line_layout: "NNNNNN;RRRR-MM-DD;gg:mm;O" });
 * for await (const chunk of comarchOptimaRcp.format({ ...input, options })) file.write(chunk);
 * // 000007;2026-11-02;07:00;1\r\n000007;2026-11-02;15:00;0\r\n…
 * ```
 */
export const comarchOptimaRcp: PayrollFormatter = {
  id: "comarch-optima-rcp",
  name: "Comarch ERP Optima clock events TXT",
  program: "Comarch ERP Optima (Płace i Kadry)",
  countries: ["PL"],
  fileKind: "txt",
  fileExtension: "txt",
  mediaType: "text/plain",
  encoding: "us-ascii",
  compatibility: "partially_documented",
  compatibilityNote:
    "Clock events (an entry and an exit for each worked interval) for Optima's import of clock-reader (RCP) data. Optima reads each line by a mask that the customer sets (R year, M month, D day, g hour, m minute, N card number, O operation), so there is no single layout: Timecard writes the mask in default_line_layout unless you send yours as options.line_layout; enter the same mask in Optima. Optima computes overtime, night and holiday hours from the employee's schedule: Timecard's report figures are not transferred. Every employee needs a clock card number.",
  requires: ["clock_card_number"],
  columnsConfigurable: false,
  ...layoutFormat(OPTIMA_DIALECT, DEFAULT_LAYOUT),
};

/**
 * What the clock-event formats with a customer-set layout (Optima, enova365) share: the
 * `line_layout` option and its default, the layout's checks, the card check against the layout's
 * card field, and the writing.
 */
export function layoutFormat(
  dialect: LayoutDialect,
  defaultLayout: string,
): Pick<
  PayrollFormatter,
  "acceptedOptions" | "defaultOptions" | "defaultLineLayout" | "invalidIdentifier" | "validateOptions" | "format"
> {
  const layoutOf = (options: ExportOptions) => parseLineLayout(options.line_layout ?? defaultLayout, dialect);
  return {
    acceptedOptions: ["line_layout"],
    defaultOptions: { line_layout: defaultLayout },
    defaultLineLayout: defaultLayout,
    invalidIdentifier(employee: PayrollEmployeeIdentity, options: ExportOptions) {
      // A card wider than the layout's card field would be cut to another employee's number.
      return employee.clockCardNumber === null
        ? null
        : cardProblem(employee.clockCardNumber, layoutOf(options).cardWidth);
    },
    validateOptions(options: ExportOptions) {
      layoutOf(options);
    },
    format: (input: PayrollExportInput) => writeLayoutEvents(input, dialect, defaultLayout),
  };
}

/** Writes clock events by a customer-set line layout, one chunk per employee. */
async function* writeLayoutEvents(
  input: PayrollExportInput,
  dialect: LayoutDialect,
  defaultLayout: string,
): AsyncGenerator<Uint8Array> {
  const layout = parseLineLayout(input.options.line_layout ?? defaultLayout, dialect);
  for await (const employee of input.employees) {
    // A card longer than the layout's N field would be cut to another employee's number.
    const card = requireCard(employee, dialect.format, (c) => cardProblem(c, layout.cardWidth));
    let text = "";
    for (const event of clockEvents(employee, input.month, input.organization.timeZone)) {
      text += layout.render(card, event) + CRLF;
    }
    if (text !== "") yield encodeText(text, "us-ascii");
  }
}
