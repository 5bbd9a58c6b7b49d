import type { PayrollFormatter } from "../formatter.js";
import { comarchOptimaRcp } from "./comarch-optima-rcp.js";
import { customCsv } from "./custom-csv.js";
import { enova365Rcp } from "./enova365-rcp.js";
import { monthlySummaryXlsx } from "./monthly-summary-xlsx.js";
import { payrollComponentsCsv } from "./payroll-components-csv.js";
import { symfoniaRcp } from "./symfonia-rcp.js";

/** The text and spreadsheet formats: clock events, CSV and the XLSX monthly summary. */
export const textFormatters: readonly PayrollFormatter[] = [
  comarchOptimaRcp,
  customCsv,
  enova365Rcp,
  monthlySummaryXlsx,
  payrollComponentsCsv,
  symfoniaRcp,
];
