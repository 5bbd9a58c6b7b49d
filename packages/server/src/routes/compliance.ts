import { acknowledgeComplianceAlert, getComplianceAlert, listComplianceAlerts } from "../domain/compliance.js";
import type { Handlers } from "./types.js";

/** Labour-law compliance alerts. */
export function complianceHandlers(): Handlers {
  return {
    listComplianceAlerts: async ({ ctx, query }) => listComplianceAlerts(ctx, query),
    getComplianceAlert: async ({ ctx, params }) => getComplianceAlert(ctx, params.alert_id),
    acknowledgeComplianceAlert: async ({ ctx, params }) => acknowledgeComplianceAlert(ctx, params.alert_id),
  };
}
