// Symfonia Kadry i Płace (Sage Symfonia): the documented standard clock-reader (RCP) data format
// (pomoc.symfonia.pl, "standardowy format danych RCP"). One line of 36 digits per clock event:
//
//   card number  10  zero-padded         0000100042
//   year          4                      2026
//   month, day    2 + 2                  09 01
//   hour, minute  2 + 2                  08 00
//   event         1  1 entry, 0 exit     1
//   status        1  1 normal (0 private, 2 business exit)
//   work type     5  00001, as both published examples write it
//   gate          5  00000, no gate
//   error         2  00, no reader error
//
// `000010004220260901080011000010000000` is an entry of card 100042 on 1 September 2026 at 08:00.

import type { PayrollEmployeeIdentity, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import { cardProblem, type LayoutDialect, parseLineLayout, writeLayoutEvents } from "./clock-events.js";

const SYMFONIA_DIALECT: LayoutDialect = {
  format: "symfonia-rcp",
  letters: { R: "year", M: "month", D: "day", g: "hour", m: "minute", N: "card", O: "operation" },
  codes: { entry: "1", exit: "0" },
};

// The table above as a fixed line layout: card, date, time and event, then the constant status,
// work type, gate and error digits.
const LAYOUT = parseLineLayout("NNNNNNNNNNRRRRMMDDggmmO1000010000000", SYMFONIA_DIALECT);

/**
 * Symfonia clock events TXT: an entry and an exit line for each worked interval, in the
 * organization's local time, US-ASCII with CRLF line ends.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry } from "@timecard/payroll";
 * const symfonia = createDefaultRegistry().get("symfonia-rcp")!;
 * for await (const chunk of symfonia.format(input)) file.write(chunk);
 * // 000010004220260901080011000010000000\r\n000010004220260901163001000010000000\r\n…
 * ```
 */
export const symfoniaRcp: PayrollFormatter = {
  id: "symfonia-rcp",
  name: "Symfonia clock events TXT (standard RCP format)",
  program: "Symfonia Kadry i Płace (Sage Symfonia)",
  countries: ["PL"],
  fileKind: "txt",
  fileExtension: "txt",
  mediaType: "text/plain",
  encoding: "us-ascii",
  compatibility: "documented",
  compatibilityNote:
    "Symfonia's documented standard clock-reader (RCP) data format: one line of 36 digits per clock event (card number zero-padded to 10 digits, year, month, day, hour, minute, 1 entry or 0 exit, status 1 normal, work type, gate, error code), an entry and an exit for each worked interval, in the organization's local time. Symfonia publishes no import for monthly totals, so it computes overtime, night and holiday hours from the employee's schedule: Timecard's report figures are not transferred. Every employee needs a clock card number of at most 10 digits.",
  requires: ["clock_card_number"],
  acceptedOptions: [],
  defaultLineLayout: null,
  columnsConfigurable: false,
  invalidIdentifier(employee: PayrollEmployeeIdentity) {
    return employee.clockCardNumber === null ? null : cardProblem(employee.clockCardNumber, LAYOUT.cardWidth);
  },
  format(input: PayrollExportInput) {
    return writeLayoutEvents(input, SYMFONIA_DIALECT.format, LAYOUT);
  },
};
