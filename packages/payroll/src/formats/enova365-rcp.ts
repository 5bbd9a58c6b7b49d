// enova365 (Kadry Płace): clock-reader (RCP) events by a layout that the customer defines in
// enova365's RCP import: X ignored (the reader number; Timecard writes 0), N card number, R year,
// M month, D day, h hour, m minute, O operation. Timecard writes the default layout
// `XXXNNNNNNNNMMDDhhmmOO` unless `options.line_layout` sends the customer's; set the same layout
// in enova365 with the operation codes 20 for an entry and 30 for an exit (enova365 also knows
// 21 and 31 for business exits, which Timecard does not write). The default layout has no year:
// enova365 takes it from the import. See `parseLineLayout` for the rules a layout must follow.

import type { PayrollFormatter } from "../formatter.js";
import { type LayoutDialect, layoutFormat } from "./clock-events.js";

const DEFAULT_LAYOUT = "XXXNNNNNNNNMMDDhhmmOO";

/** enova365's layout letters. */
export const ENOVA_DIALECT: LayoutDialect = {
  format: "enova365-rcp",
  letters: { X: "ignored", N: "card", R: "year", M: "month", D: "day", h: "hour", m: "minute", O: "operation" },
  codes: { entry: "20", exit: "30" },
};

/**
 * enova365 clock events TXT, by the customer's layout (`options.line_layout`).
 *
 * @example
 * ```ts
 * import { createDefaultRegistry } from "@timecard/payroll";
 * const enova365Rcp = createDefaultRegistry().get("enova365-rcp")!;
 * for await (const chunk of enova365Rcp.format(input)) file.write(chunk);
 * // 000000000071102070020\r\n000000000071102150030\r\n… (card 7, 2 November 07:00 in, 15:00 out)
 * ```
 */
export const enova365Rcp: PayrollFormatter = {
  id: "enova365-rcp",
  name: "enova365 clock events TXT",
  program: "enova365 (Kadry Płace)",
  countries: ["PL"],
  fileKind: "txt",
  fileExtension: "txt",
  mediaType: "text/plain",
  encoding: "us-ascii",
  compatibility: "partially_documented",
  compatibilityNote:
    "Clock events (an entry and an exit for each worked interval) for enova365's import of clock-reader (RCP) data, whose line layout the customer defines. Timecard writes the layout in default_line_layout (X reader, N card number, MM month, DD day, hh hour, mm minute, OO operation, 20 for an entry and 30 for an exit) unless you send yours as options.line_layout; set the same layout in enova365. enova365 computes overtime, night and holiday hours from the employee's schedule. Every employee needs a clock card number.",
  requires: ["clock_card_number"],
  columnsConfigurable: false,
  ...layoutFormat(ENOVA_DIALECT, DEFAULT_LAYOUT),
};
