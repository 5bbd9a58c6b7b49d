/**
 * The Timecard reference server: the whole Timecard API on PGlite or PostgreSQL.
 *
 * @packageDocumentation
 */

export type { ServerConfig, ServerEnv, StorageConfig } from "./config.js";
export { ConfigError, loadServerConfig, redactConfig } from "./config.js";
