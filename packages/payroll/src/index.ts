/**
 * Payroll export formatters for Poland and Czechia: pure functions from a month of
 * attendance to the bytes a payroll program imports.
 *
 * @packageDocumentation
 */

export type {
  EmployeeIdentifier,
  MissingIdentifiers,
  PayrollEmployee,
  PayrollExportInput,
  PayrollFormatter,
} from "./formatter.js";
export { findMissingIdentifiers } from "./formatter.js";
export type { FormatterRegistry } from "./registry.js";
export { createFormatterRegistry } from "./registry.js";
