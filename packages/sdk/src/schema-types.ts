import type { components } from "./generated/schema.js";

/**
 * A schema of the Timecard API by name: `ApiSchema<"Session">`.
 *
 * @example
 * ```ts
 * import type { ApiSchema } from "@timecard/sdk";
 * function minutes(session: ApiSchema<"Session">) {
 *   return (session.duration_seconds ?? 0) / 60;
 * }
 * ```
 */
export type ApiSchema<Name extends keyof components["schemas"]> = components["schemas"][Name];
