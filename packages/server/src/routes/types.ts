import type { operations } from "@timecard/sdk";
import type { FastifyReply } from "fastify";
import type { DomainContext } from "../domain/actor.js";

// Handler input and output types, derived from the spec's generated types: a handler cannot
// read a parameter or return a field that the contract does not declare.

/** An operationId of the spec. */
export type OperationId = keyof operations;

type JsonBody<T> = T extends { content: { "application/json": infer B } } ? B : undefined;

/** The parsed JSON body of an operation (`undefined` where it takes none). */
export type BodyOf<K extends OperationId> = operations[K] extends { requestBody: infer R }
  ? JsonBody<R>
  : operations[K] extends { requestBody?: infer R }
    ? JsonBody<R> | undefined
    : undefined;

type Part<K extends OperationId, P extends "query" | "path" | "header"> =
  operations[K]["parameters"] extends Record<P, infer Q>
    ? Q extends undefined
      ? Record<string, never>
      : NonNullable<Q>
    : Record<string, never>;

/** The validated query parameters of an operation. */
export type QueryOf<K extends OperationId> = Part<K, "query">;
/** The validated path parameters of an operation. */
export type ParamsOf<K extends OperationId> = Part<K, "path">;

type SuccessOf<R> = R extends { 200: infer S }
  ? S
  : R extends { 201: infer S }
    ? S
    : R extends { 202: infer S }
      ? S
      : never;

/** What an operation answers on success (`undefined` for 204). */
export type ResultOf<K extends OperationId> = operations[K]["responses"] extends { 204: unknown }
  ? undefined
  : JsonBody<SuccessOf<operations[K]["responses"]>>;

/** What a handler gets: the validated request and the domain context. */
export interface HandlerInput<K extends OperationId> {
  readonly body: BodyOf<K>;
  readonly query: QueryOf<K>;
  readonly params: ParamsOf<K>;
  readonly ctx: DomainContext;
}

/** A route handler: thin, HTTP in and HTTP out; the rules live in the domain. */
export type Handler<K extends OperationId> = (input: HandlerInput<K>, reply: FastifyReply) => Promise<ResultOf<K>>;

/** A set of handlers, keyed by operationId. */
export type Handlers = { [K in OperationId]?: Handler<K> };
