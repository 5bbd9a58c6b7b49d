import { apiKeyHandlers } from "./api-keys.js";
import { eventHandlers } from "./events.js";
import { incomingWebhookHandlers, incomingWebhookPublicHandlers } from "./incoming-webhooks.js";
import { leaveHandlers } from "./leave.js";
import { organizationHandlers } from "./organization.js";
import { projectHandlers } from "./projects.js";
import { sandboxHandlers } from "./sandbox.js";
import { sessionHandlers } from "./sessions.js";
import type { Handlers, OperationId, PublicHandlers } from "./types.js";
import { webhookDeliveryHandlers } from "./webhook-deliveries.js";
import { webhookEndpointHandlers } from "./webhook-endpoints.js";

/**
 * The operations that other open work owns: reports and compliance, payroll exports and OAuth. They answer `501 not_implemented` until then.
 */
export const NOT_IMPLEMENTED: ReadonlySet<OperationId> = new Set<OperationId>([
  "getHoursReport",
  "getOvertimeReport",
  "listComplianceAlerts",
  "getComplianceAlert",
  "acknowledgeComplianceAlert",
  "listExportFormats",
  "listExports",
  "createExport",
  "getExport",
  "downloadExportFile",
  "authorizeOAuth",
  "createOAuthToken",
  "revokeOAuthToken",
  "getOAuthServerMetadata",
  "listOAuthApps",
  "createOAuthApp",
  "getOAuthApp",
  "deleteOAuthApp",
]);

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
    ...webhookEndpointHandlers(),
    ...webhookDeliveryHandlers(),
    ...incomingWebhookHandlers(),
  };
}

/** The handlers of public operations, which authenticate the request themselves. */
export function createPublicHandlers(): PublicHandlers {
  return {
    ...incomingWebhookPublicHandlers(),
  };
}
