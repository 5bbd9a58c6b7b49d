/**
 * The typed client for the Timecard API.
 *
 * The types are generated from the Timecard OpenAPI document (`spec/openapi.yaml`); the
 * operation table lists every operation with the scope and roles it needs.
 *
 * @packageDocumentation
 */

export type { OperationId, OperationInfo, OperationScope } from "./generated/operations.js";
export { OPERATIONS } from "./generated/operations.js";
export type { components, operations, paths } from "./generated/schema.js";
export type { ApiSchema } from "./schema-types.js";
