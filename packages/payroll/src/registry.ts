import type { PayrollFormatter } from "./formatter.js";

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A set of formatters looked up by id. */
export interface FormatterRegistry {
  /** Adds a formatter; throws on a malformed or already registered id. */
  register(formatter: PayrollFormatter): void;
  /** The formatter with this id, or `undefined`. */
  get(id: string): PayrollFormatter | undefined;
  /** Every formatter, in the order registered. */
  list(): readonly PayrollFormatter[];
}

/**
 * Creates a registry of payroll formatters, optionally seeded with some.
 *
 * @example
 * ```ts
 * const registry = createFormatterRegistry([myFormatter]);
 * registry.get("my-format")?.format(input);
 * ```
 */
export function createFormatterRegistry(initial: Iterable<PayrollFormatter> = []): FormatterRegistry {
  const byId = new Map<string, PayrollFormatter>();
  const registry: FormatterRegistry = {
    register(formatter) {
      if (!ID.test(formatter.id)) {
        throw new TypeError(`Formatter id "${formatter.id}" must be a lowercase slug such as "money-s3-dochazka".`);
      }
      if (byId.has(formatter.id)) throw new Error(`A formatter with id "${formatter.id}" is already registered.`);
      byId.set(formatter.id, formatter);
    },
    get: (id) => byId.get(id),
    list: () => [...byId.values()],
  };
  for (const formatter of initial) registry.register(formatter);
  return registry;
}
