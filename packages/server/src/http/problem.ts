import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ApiProblem, type FieldError } from "../errors.js";

const PART: Record<string, string> = { body: "body", querystring: "query", params: "path", headers: "header" };

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's errors into `errors[]` with field paths (`body.email`, `query.limit`). */
export function fieldErrors(part: string, errors: readonly AjvError[]): FieldError[] {
  const prefix = PART[part] ?? part;
  return errors.map((e) => {
    const path = e.instancePath.split("/").filter(Boolean).join(".");
    const base = path ? `${prefix}.${path}` : prefix;
    if (e.keyword === "required")
      return { field: `${base}.${String(e.params.missingProperty)}`, message: "is required" };
    if (e.keyword === "discriminator") {
      // A missing or unknown tag (`action`) of a oneOf chosen by it.
      const tag = String(e.params.tag);
      const message = e.params.error === "tag" ? "is required" : "is not one of the known values";
      return { field: `${base}.${tag}`, message };
    }
    if (e.keyword === "additionalProperties") {
      return { field: `${base}.${String(e.params.additionalProperty)}`, message: "is not allowed (unknown field)" };
    }
    return { field: base, message: e.message ?? "is invalid" };
  });
}

/** Maps any error to the problem the API answers with. */
export function toProblem(error: FastifyError | ApiProblem | Error): ApiProblem {
  if (error instanceof ApiProblem) return error;
  const e = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (e.validation) {
    const errors = fieldErrors(e.validationContext ?? "body", e.validation);
    const detail =
      errors.length === 1 ? `${errors[0]?.field} ${errors[0]?.message}.` : `${errors.length} fields are invalid.`;
    return new ApiProblem(422, "validation_failed", detail, errors);
  }
  switch (e.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiProblem(400, "malformed_json", `The request body is not valid JSON (${e.message}).`);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiProblem(413, "payload_too_large", "The request body is too large.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiProblem(415, "unsupported_media_type", "Send the body as application/json.");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new ApiProblem(400, "malformed_json", "The Content-Length does not match the body.");
  }
  if (error instanceof SyntaxError || e.statusCode === 400) {
    return new ApiProblem(400, "malformed_json", `The request body is not valid JSON (${e.message}).`);
  }
  if (e.statusCode === 413) return new ApiProblem(413, "payload_too_large", "The request body is too large.");
  if (e.statusCode === 415) return new ApiProblem(415, "unsupported_media_type", "Send the body as application/json.");
  return new ApiProblem(500, "internal_error", "Something failed on our side. It is logged under this request id.");
}

/** Sends a problem as `application/problem+json`. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ApiProblem): FastifyReply {
  if (problem.headers) reply.headers(problem.headers);
  return reply
    .code(problem.status)
    .type("application/problem+json")
    .send({
      type: `https://docs.timecard.dev/errors/${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
      request_id: request.id,
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
}
