/**
 * The Timecard reference server: the whole Timecard API on PGlite or PostgreSQL.
 *
 * @packageDocumentation
 */

export type { AppOptions } from "./app.js";
export { createApp } from "./app.js";
export type { ServerConfig, ServerEnv, StorageConfig, WebhookConfig } from "./config.js";
export { ConfigError, loadServerConfig, redactConfig } from "./config.js";
export type { NewKey, NewOrganization, NewPerson } from "./domain/bootstrap.js";
export { createOrganization, createPerson, issueApiKey } from "./domain/bootstrap.js";
export type { NewEvent } from "./domain/events.js";
export { recordEvent } from "./domain/events.js";
export * from "./server.js";
export type { Storage } from "./storage/connect.js";
export { openStorage } from "./storage/connect.js";
