import { createApiKey, getApiKey, listApiKeys, revokeApiKey, rotateApiKey, updateApiKey } from "../domain/api-keys.js";
import { getAuditEntry, listApiKeyAuditEntries, listAuditEntries } from "../domain/audit-log.js";
import type { Handlers } from "./types.js";

/** API keys, a key's audit trail and the organization's audit log. */
export function apiKeyHandlers(): Handlers {
  return {
    listApiKeys: async ({ ctx, query }) => listApiKeys(ctx, query),
    createApiKey: async ({ ctx, body }, reply) => {
      const key = await createApiKey(ctx, body);
      reply.code(201);
      return key;
    },
    getApiKey: async ({ ctx, params }) => getApiKey(ctx, params.key_id),
    updateApiKey: async ({ ctx, params, body }) => updateApiKey(ctx, params.key_id, body),
    revokeApiKey: async ({ ctx, params }) => revokeApiKey(ctx, params.key_id),
    rotateApiKey: async ({ ctx, params, body }, reply) => {
      const key = await rotateApiKey(ctx, params.key_id, body);
      reply.code(201);
      return key;
    },
    listApiKeyAuditEntries: async ({ ctx, params, query }) => listApiKeyAuditEntries(ctx, params.key_id, query),
    listAuditEntries: async ({ ctx, query }) => listAuditEntries(ctx, query),
    getAuditEntry: async ({ ctx, params }) => getAuditEntry(ctx, params.audit_entry_id),
  };
}
