import type { PayrollFormatter } from "../formatter.js";

/** The XML formats: Money S3 attendance and payroll transfer, PAMICA attendance, ABRA Flexi winstrom. */
export const xmlFormatters: readonly PayrollFormatter[] = [];
