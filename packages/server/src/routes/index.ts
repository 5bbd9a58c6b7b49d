import { apiKeyHandlers } from "./api-keys.js";
import { complianceHandlers } from "./compliance.js";
import { eventHandlers } from "./events.js";
import { exportHandlers } from "./exports.js";
import { incomingWebhookHandlers, incomingWebhookPublicHandlers } from "./incoming-webhooks.js";
import { leaveHandlers } from "./leave.js";
import { oauthAppHandlers, oauthPublicHandlers } from "./oauth.js";
import { organizationHandlers } from "./organization.js";
import { projectHandlers } from "./projects.js";
import { reportHandlers } from "./reports.js";
import { sandboxHandlers } from "./sandbox.js";
import { sessionHandlers } from "./sessions.js";
import type { Handlers, PublicHandlers } from "./types.js";
import { webhookDeliveryHandlers } from "./webhook-deliveries.js";
import { webhookEndpointHandlers } from "./webhook-endpoints.js";

/** Every implemented operation's handler, by operationId. */
export function createHandlers(): Handlers {
  return {
    ...organizationHandlers(),
    ...apiKeyHandlers(),
    ...eventHandlers(),
    ...leaveHandlers(),
    ...projectHandlers(),
    ...sandboxHandlers(),
    ...sessionHandlers(),
    ...reportHandlers(),
    ...complianceHandlers(),
    ...exportHandlers(),
    ...webhookEndpointHandlers(),
    ...webhookDeliveryHandlers(),
    ...incomingWebhookHandlers(),
    ...oauthAppHandlers(),
  };
}

/** The handlers of public operations, which authenticate the request themselves. */
export function createPublicHandlers(): PublicHandlers {
  return {
    ...incomingWebhookPublicHandlers(),
    ...oauthPublicHandlers(),
  };
}
