import type { PayrollFormatter } from "../formatter.js";

/** The text and spreadsheet formats: clock events, CSV and the XLSX monthly summary. */
export const textFormatters: readonly PayrollFormatter[] = [];
