import type { operations } from "@timecard/sdk";
import type { FastifyReply, FastifyRequest } from "fastify";
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

/**
 * What a public operation (one that takes no API key, such as an incoming webhook's URL) gets
 * instead of a caller: it authenticates the request itself.
 */
export interface PublicContext {
  readonly db: DomainContext["db"];
  readonly now: () => Date;
  readonly sandbox: boolean;
  readonly webhooks: DomainContext["webhooks"];
  readonly request: DomainContext["request"];
  readonly headers: FastifyRequest["headers"];
  /** The body exactly as received (for signatures); `undefined` when there was none. */
  readonly rawBody: string | undefined;
  /** Counts the request against the bucket `key` (`perHour` requests an hour), setting the `X-RateLimit-*` headers; `429` when exhausted. */
  limit(key: string, perHour: number): Promise<void>;
  /** Counts the request against its IP address's anonymous limit, as for any unauthenticated call. */
  limitByIp(): Promise<void>;
  /** Names who the request acts as, once authenticated: its `api_request` audit entry is written for them. */
  actAs(actor: DomainContext["actor"]): void;
  /** Throws the request's validation error, if any: public handlers authenticate first, then call this. */
  assertValid(): void;
}

/** What a public handler gets: the validated request and the public context. */
export interface PublicHandlerInput<K extends OperationId> {
  readonly body: BodyOf<K> | Record<string, string>;
  readonly query: QueryOf<K>;
  readonly params: ParamsOf<K>;
  readonly ctx: PublicContext;
}

/** A handler of a public operation. */
export type PublicHandler<K extends OperationId> = (
  input: PublicHandlerInput<K>,
  reply: FastifyReply,
) => Promise<unknown>;

/** Public handlers, keyed by operationId. */
export type PublicHandlers = { [K in OperationId]?: PublicHandler<K> };
