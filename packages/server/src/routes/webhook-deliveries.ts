import {
  getWebhookDelivery,
  listWebhookDeliveries,
  listWebhookEndpointDeliveries,
  retryWebhookDelivery,
  testWebhookEndpoint,
} from "../domain/webhooks/deliveries.js";
import type { Handlers } from "./types.js";

/** Webhook deliveries: lists, retry, and the test event. */
export function webhookDeliveryHandlers(): Handlers {
  return {
    listWebhookEndpointDeliveries: async ({ ctx, params, query }) =>
      listWebhookEndpointDeliveries(ctx, params.endpoint_id, query),
    listWebhookDeliveries: async ({ ctx, query }) => listWebhookDeliveries(ctx, query),
    getWebhookDelivery: async ({ ctx, params }) => getWebhookDelivery(ctx, params.delivery_id),
    retryWebhookDelivery: async ({ ctx, params }, reply) => {
      const delivery = await retryWebhookDelivery(ctx, params.delivery_id);
      reply.code(202);
      return delivery;
    },
    testWebhookEndpoint: async ({ ctx, params }) => testWebhookEndpoint(ctx, params.endpoint_id),
  };
}
