import { describe, expect, expectTypeOf, it } from "vitest";
import { loadSpec, operations } from "../../../scripts/spec-check.mjs";
import { type ApiSchema, OPERATIONS, type OperationId, type paths } from "../src/index.js";

describe("generated types", () => {
  it("type the employee endpoints from the spec", () => {
    type Created = paths["/v1/employees"]["post"]["responses"][201]["content"]["application/json"];
    expectTypeOf<Created>().toEqualTypeOf<ApiSchema<"Employee">>();
    expectTypeOf<ApiSchema<"Employee">["role"]>().toEqualTypeOf<"admin" | "manager" | "employee">();
    expectTypeOf<ApiSchema<"Employee">["manager_id"]>().toEqualTypeOf<string | null>();
    type Body = paths["/v1/employees"]["post"]["requestBody"];
    expectTypeOf<NonNullable<Body>["content"]["application/json"]["email"]>().toEqualTypeOf<string>();
    expectTypeOf<ApiSchema<"EmployeeList">["next_cursor"]>().toEqualTypeOf<string | null>();
  });

  it("make problem details carry a code and request id", () => {
    expectTypeOf<ApiSchema<"Problem">["code"]>().toEqualTypeOf<string>();
    expectTypeOf<ApiSchema<"Problem">["request_id"]>().toEqualTypeOf<string>();
  });
});

describe("OPERATIONS", () => {
  const spec = loadSpec();

  it("lists every operation of the spec exactly once", () => {
    const fromSpec = operations(spec).map(({ op }) => op.operationId as string);
    expect(Object.keys(OPERATIONS).sort()).toEqual([...fromSpec].sort());
  });

  it("carries each operation's method, path, scope and roles", () => {
    expect(OPERATIONS.createEmployee).toMatchObject({
      method: "POST",
      path: "/v1/employees",
      tag: "Employees",
      scope: "admin",
      roles: ["admin"],
      body: "required",
      idempotencyKey: true,
      public: false,
    });
    expect(OPERATIONS.getEmployee).toMatchObject({
      method: "GET",
      scope: "read",
      pathParams: ["employee_id"],
      body: "none",
    });
    expectTypeOf<"getMe">().toExtend<OperationId>();
  });

  it("agrees with the spec on every row", () => {
    for (const { path, method, op } of operations(spec)) {
      const row = OPERATIONS[op.operationId as OperationId];
      expect(row, op.operationId).toMatchObject({ method: method.toUpperCase(), path, tag: op.tags[0] });
    }
  });
});
