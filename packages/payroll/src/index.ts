/**
 * Timecard's labour-law engine and payroll export formatters for Poland and Czechia: pure
 * functions from a month of attendance to the hours the labour codes count and to the bytes a
 * payroll program imports.
 *
 * @packageDocumentation
 */

export { encodeText, type TextEncoding, UnencodableCharacterError, UTF8_BOM } from "./encoding.js";
export { builtInFormatters, createDefaultRegistry } from "./formats/index.js";
export type {
  EmployeeIdentifier,
  ExportColumn,
  ExportFormatDescription,
  ExportOptionName,
  ExportOptions,
  InvalidIdentifier,
  MissingIdentifiers,
  PayrollEmployee,
  PayrollEmployeeIdentity,
  PayrollExportInput,
  PayrollFormatter,
  PayrollSession,
} from "./formatter.js";
export { describeFormat, findInvalidIdentifiers, findMissingIdentifiers, resolveOptions } from "./formatter.js";
export * from "./labour/index.js";
export type { FormatterRegistry } from "./registry.js";
export { createFormatterRegistry } from "./registry.js";
