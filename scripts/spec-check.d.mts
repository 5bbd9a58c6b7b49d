// Types for scripts/spec-check.mjs, so TypeScript tests can use it.
/** A parsed OpenAPI document (loosely typed: tests read it like JSON). */
// biome-ignore lint/suspicious/noExplicitAny: the spec is arbitrary JSON
export type Spec = any;
export interface SpecOperation {
  path: string;
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: an OpenAPI operation object
  op: any;
  // biome-ignore lint/suspicious/noExplicitAny: OpenAPI parameter objects
  params: any[];
}
export function loadSpec(path?: string): Spec;
export function operations(spec: Spec): SpecOperation[];
export function deref(spec: Spec, node: unknown): Spec;
export function checkSpec(spec: Spec): string[];
