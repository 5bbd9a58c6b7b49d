import openapi from "./generated/openapi.json" with { type: "json" };

/** The contract the server implements, as generated from spec/openapi.yaml. */
export const OPENAPI_DOCUMENT: Record<string, unknown> = openapi;

/** What an operation requires of its caller, read from the spec. */
export interface OperationRule {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  /** The OAuth scope it needs; `null` for public operations. */
  readonly scope: "read" | "write" | "admin" | null;
  readonly roles: readonly ("admin" | "manager" | "employee")[];
  readonly idempotencyKey: boolean;
}

type SpecOperation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: ({ name?: string; $ref?: string } & Record<string, unknown>)[];
  "x-timecard-roles"?: ("admin" | "manager" | "employee")[];
};

/** Every operation's rule, by operationId. */
export const OPERATION_RULES: ReadonlyMap<string, OperationRule> = (() => {
  const rules = new Map<string, OperationRule>();
  const paths = openapi.paths as unknown as Record<string, Record<string, SpecOperation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method];
      if (!op) continue;
      const scope = (op.security ?? []).find((s) => s.oauth2)?.oauth2?.[0] ?? null;
      rules.set(op.operationId, {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        scope: scope as OperationRule["scope"],
        roles: op["x-timecard-roles"] ?? [],
        idempotencyKey: (op.parameters ?? []).some((p) => p.$ref === "#/components/parameters/IdempotencyKey"),
      });
    }
  }
  return rules;
})();
