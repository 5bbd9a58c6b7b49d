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

import type { PayrollFormatter } from "../formatter.js";
import { type LayoutDialect, layoutFormat } from "./clock-events.js";

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
