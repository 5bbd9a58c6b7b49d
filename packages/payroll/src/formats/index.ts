import { createFormatterRegistry, type FormatterRegistry } from "../registry.js";
import { textFormatters } from "./text.js";
import { xmlFormatters } from "./xml.js";

/** Every format Timecard ships, sorted by id. */
export const builtInFormatters = [...xmlFormatters, ...textFormatters].sort((a, b) => a.id.localeCompare(b.id));

/** A registry holding the built-in formats; register your own on it. */
export function createDefaultRegistry(): FormatterRegistry {
  return createFormatterRegistry(builtInFormatters);
}
