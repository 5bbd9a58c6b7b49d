import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkSpec, loadSpec, operations } from "../../scripts/spec-check.mjs";

const SPEC_PATH = fileURLToPath(new URL("../openapi.yaml", import.meta.url));
const spec = loadSpec(SPEC_PATH);

describe("spec/openapi.yaml", () => {
  it("is a valid OpenAPI 3.0 document", async () => {
    const result = await validate(parse(readFileSync(SPEC_PATH, "utf8")));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(spec.openapi).toBe("3.0.3");
  });

  it("keeps every rule of the contract: examples valid (Ajv), operations complete, lists and errors in shape", () => {
    expect(checkSpec(spec)).toEqual([]);
  });

  it("has unique operationIds", () => {
    const ids = operations(spec).map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ["every path is under /v1 or is an OAuth endpoint", (p: string) => /^\/(v1|oauth)\/|^\/\.well-known\//.test(p)],
    ["no path has a trailing slash", (p: string) => !p.endsWith("/")],
  ])("%s", (_, rule) => {
    expect(Object.keys(spec.paths).filter((p) => !rule(p))).toEqual([]);
  });

  it("documents every problem code that an example uses", () => {
    const documented = new Set([...spec.info.description.matchAll(/\| \d{3} \| `([a-z_]+)` \|/g)].map((m) => m[1]));
    // A problem example is an object with a status, a title and a code.
    const used = new Set<string>();
    JSON.stringify(spec, (_, value) => {
      if (
        value &&
        typeof value.code === "string" &&
        typeof value.status === "number" &&
        typeof value.title === "string"
      ) {
        used.add(value.code);
      }
      return value;
    });
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((code) => !documented.has(code))).toEqual([]);
  });
});

describe("the contract checker", () => {
  // A checker that cannot fail proves nothing: break the spec and watch it object.
  const broken = () => structuredClone(spec);

  it("catches an example that does not match its schema", () => {
    const s = broken();
    s.components.examples.EmployeeJan.value.email = 42;
    expect(checkSpec(s).join("\n")).toMatch(
      /example employeeJan: example does not match its schema: \/email must be string/,
    );
  });

  it("catches an operation without 4xx responses, security or roles", () => {
    const s = broken();
    const op = s.paths["/v1/employees"].post;
    op.responses = { 201: op.responses[201] };
    delete op.security;
    delete op["x-timecard-roles"];
    const problems = checkSpec(s).filter((p) => p.startsWith("POST /v1/employees:"));
    expect(problems).toEqual(
      expect.arrayContaining([
        "POST /v1/employees: declares no security",
        "POST /v1/employees: x-timecard-roles must list the roles that may call it",
        "POST /v1/employees: no 401 response",
        "POST /v1/employees: no 4xx response",
      ]),
    );
  });

  it("catches a request body or response without an example for Prism", () => {
    const s = broken();
    delete s.paths["/v1/employees"].post.requestBody.content["application/json"].example;
    delete s.paths["/v1/employees"].post.responses["201"].content["application/json"].examples;
    const problems = checkSpec(s);
    expect(problems).toContain("POST /v1/employees: the application/json request body has no example");
    expect(problems).toContain("POST /v1/employees 201: the application/json response has no example");
  });

  it("catches a list that is not paginated and a POST without Idempotency-Key", () => {
    const s = broken();
    s.paths["/v1/employees"].get.parameters = [];
    s.paths["/v1/employees"].post.parameters = [];
    const problems = checkSpec(s);
    expect(problems).toContain("GET /v1/employees: a list must take limit and cursor");
    expect(problems).toContain("POST /v1/employees: a POST must take Idempotency-Key");
  });

  it("catches an error response that is not a problem", () => {
    const s = broken();
    s.paths["/v1/employees"].get.responses["400"] = {
      description: "x",
      content: { "application/json": { schema: { type: "object" } } },
    };
    expect(checkSpec(s)).toContain(
      "GET /v1/employees 400: an error must be application/problem+json with the Problem schema",
    );
  });
});
