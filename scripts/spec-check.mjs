#!/usr/bin/env node
// The contract's own rules, beyond what Redocly and Spectral check: every example validates
// against its schema (Ajv), and every operation is complete and follows the API's conventions.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const METHODS = ["get", "put", "post", "patch", "delete"];
const PUBLIC_PATH = /^\/(oauth\/|\.well-known\/|v1\/hooks\/)/;

/** Loads the spec as a plain object. */
export function loadSpec(path = resolve(fileURLToPath(import.meta.url), "../../spec/openapi.yaml")) {
  return parse(readFileSync(path, "utf8"));
}

/** Every operation of the spec as `{ path, method, op, params }`. */
export function operations(spec) {
  const out = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      const params = [...(item.parameters ?? []), ...(item[method].parameters ?? [])].map((p) => deref(spec, p));
      out.push({ path, method, op: item[method], params });
    }
  }
  return out;
}

/** Follows a local `$ref` (one or more hops). */
export function deref(spec, node) {
  let current = node;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((acc, key) => acc?.[key], spec);
  }
  return current;
}

function createValidator(spec) {
  // `discriminator` is left to oneOf: Ajv refuses OpenAPI mappings, and every union member pins its tag with an enum.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "spec", components: spec.components }, "spec");
  const cache = new Map();
  return (schema) => {
    const key = JSON.stringify(schema);
    if (!cache.has(key)) cache.set(key, ajv.compile(rewriteRefs(schema)));
    return cache.get(key);
  };
}

function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === "$ref" && typeof v === "string" ? `spec${v}` : rewriteRefs(v)]),
  );
}

/** Every example of the spec with the schema it must satisfy. */
function* examples(spec) {
  for (const { path, method, op, params } of operations(spec)) {
    const where = `${method.toUpperCase()} ${path}`;
    for (const p of params) {
      if (p.example !== undefined) yield { where: `${where} parameter ${p.name}`, schema: p.schema, value: p.example };
    }
    const bodies = [["request", deref(spec, op.requestBody)]];
    for (const [status, response] of Object.entries(op.responses ?? {})) bodies.push([status, deref(spec, response)]);
    for (const [label, body] of bodies) {
      for (const [type, media] of Object.entries(body?.content ?? {})) {
        if (!media.schema) continue;
        if (media.example !== undefined)
          yield { where: `${where} ${label} ${type}`, schema: media.schema, value: media.example };
        for (const [name, ex] of Object.entries(media.examples ?? {})) {
          yield {
            where: `${where} ${label} ${type} example ${name}`,
            schema: media.schema,
            value: deref(spec, ex).value,
          };
        }
      }
    }
  }
  for (const [name, schema] of Object.entries(spec.components.schemas ?? {})) {
    if (schema.example !== undefined)
      yield { where: `schema ${name}`, schema: { $ref: `#/components/schemas/${name}` }, value: schema.example };
  }
}

/** Returns the list of problems; empty when the spec keeps every rule. */
export function checkSpec(spec) {
  const problems = [];
  const validatorFor = createValidator(spec);
  for (const { where, schema, value } of examples(spec)) {
    let validate;
    try {
      validate = validatorFor(schema);
    } catch (error) {
      problems.push(`${where}: its schema does not compile: ${error.message}`);
      continue;
    }
    if (!validate(value)) {
      problems.push(
        `${where}: example does not match its schema: ${validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")}`,
      );
    }
  }
  for (const { path, method, op, params } of operations(spec)) {
    const where = `${method.toUpperCase()} ${path}`;
    const isPublic = PUBLIC_PATH.test(path);
    for (const field of ["operationId", "summary", "description"])
      if (!op[field]) problems.push(`${where}: no ${field}`);
    if (!/^[a-z][a-zA-Z0-9]+$/.test(op.operationId ?? "")) problems.push(`${where}: operationId is not camelCase`);
    if (op.tags?.length !== 1) problems.push(`${where}: needs exactly one tag`);
    if (!Array.isArray(op.security)) problems.push(`${where}: declares no security`);
    if (!isPublic) {
      const roles = op["x-timecard-roles"];
      if (
        !Array.isArray(roles) ||
        roles.length === 0 ||
        roles.some((r) => !["admin", "manager", "employee"].includes(r))
      ) {
        problems.push(`${where}: x-timecard-roles must list the roles that may call it`);
      }
      const scopes = op.security?.find((s) => s.oauth2)?.oauth2;
      if (!op.security?.some((s) => s.apiKey) || scopes?.length !== 1)
        problems.push(`${where}: security must be apiKey or oauth2 with one scope`);
      // Reading needs `read`, whoever may read (x-timecard-roles says who); changing needs `write` or `admin`.
      if (method === "get" && scopes?.[0] !== "read") problems.push(`${where}: a get needs scope read`);
      if (method !== "get" && scopes?.[0] === "read") problems.push(`${where}: a ${method} needs scope write or admin`);
      for (const status of ["401", "429"])
        if (!op.responses?.[status]) problems.push(`${where}: no ${status} response`);
      if (path.includes("{") && !op.responses?.["404"]) problems.push(`${where}: has a path id but no 404 response`);
      if ((op.requestBody || params.some((p) => p.in === "query" || p.in === "path")) && !op.responses?.["422"])
        problems.push(`${where}: takes input but has no 422 response`);
      if (method === "post" && !params.some((p) => p.name === "Idempotency-Key"))
        problems.push(`${where}: a POST must take Idempotency-Key`);
    }
    if (!Object.keys(op.responses ?? {}).some((s) => s.startsWith("4"))) problems.push(`${where}: no 4xx response`);
    // Prism serves examples: the request body and every success and error response need one.
    const hasExample = (media) =>
      media.example !== undefined ||
      Object.keys(media.examples ?? {}).length > 0 ||
      deref(spec, media.schema)?.example !== undefined ||
      deref(spec, media.schema)?.format === "binary"; // no text can show a binary file
    for (const [type, media] of Object.entries(deref(spec, op.requestBody)?.content ?? {})) {
      if (!hasExample(media)) problems.push(`${where}: the ${type} request body has no example`);
    }
    for (const [status, ref] of Object.entries(op.responses ?? {})) {
      for (const [type, media] of Object.entries(deref(spec, ref)?.content ?? {})) {
        if (!hasExample(media)) problems.push(`${where} ${status}: the ${type} response has no example`);
      }
    }
    for (const [status, ref] of Object.entries(op.responses ?? {})) {
      const response = deref(spec, ref);
      if (/^[45]/.test(status)) {
        const media = response.content?.["application/problem+json"];
        const isProblem = media?.schema?.$ref === "#/components/schemas/Problem";
        const isOAuthError =
          path.startsWith("/oauth/") &&
          response.content?.["application/json"]?.schema?.$ref === "#/components/schemas/OAuthError";
        const isSlack = path.startsWith("/v1/hooks/");
        if (!isProblem && !isOAuthError && !isSlack)
          problems.push(`${where} ${status}: an error must be application/problem+json with the Problem schema`);
      } else if (/^2/.test(status) && !isPublic) {
        for (const h of ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id"]) {
          if (!response.headers?.[h]) problems.push(`${where} ${status}: no ${h} header`);
        }
      }
    }
    if (method === "get" && op.operationId?.startsWith("list")) {
      const names = params.map((p) => p.name);
      if (!names.includes("limit") || !names.includes("cursor"))
        problems.push(`${where}: a list must take limit and cursor`);
      const schema = deref(spec, deref(spec, op.responses?.["200"])?.content?.["application/json"]?.schema);
      const props = schema?.properties ?? {};
      if (
        props.data?.type !== "array" ||
        props.has_more?.type !== "boolean" ||
        props.next_cursor?.type !== "string" ||
        !props.next_cursor?.nullable
      ) {
        problems.push(`${where}: a list must answer { data: [], has_more, next_cursor }`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spec = loadSpec(process.argv[2] ? resolve(process.argv[2]) : undefined);
  const problems = checkSpec(spec);
  for (const p of problems) console.error(p);
  console.log(`${operations(spec).length} operations, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}
