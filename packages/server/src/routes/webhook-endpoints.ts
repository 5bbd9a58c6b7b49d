import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  revealWebhookEndpointSecret,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
} from "../domain/webhooks/endpoints.js";
import type { Handlers } from "./types.js";

/** Webhook endpoints: CRUD, secrets (reveal, rotate). */
export function webhookEndpointHandlers(): Handlers {
  return {
    listWebhookEndpoints: async ({ ctx, query }) => listWebhookEndpoints(ctx, query),
    createWebhookEndpoint: async ({ ctx, body }, reply) => {
      const endpoint = await createWebhookEndpoint(ctx, body);
      reply.code(201);
      return endpoint;
    },
    getWebhookEndpoint: async ({ ctx, params }) => getWebhookEndpoint(ctx, params.endpoint_id),
    updateWebhookEndpoint: async ({ ctx, params, body }) => updateWebhookEndpoint(ctx, params.endpoint_id, body),
    deleteWebhookEndpoint: async ({ ctx, params }, reply) => {
      await deleteWebhookEndpoint(ctx, params.endpoint_id);
      reply.code(204);
      return undefined;
    },
    revealWebhookEndpointSecret: async ({ ctx, params }) => revealWebhookEndpointSecret(ctx, params.endpoint_id),
    rotateWebhookEndpointSecret: async ({ ctx, params }) => rotateWebhookEndpointSecret(ctx, params.endpoint_id),
  };
}
