import { getHoursReport, getOvertimeReport } from "../domain/reports.js";
import type { Handlers } from "./types.js";

/** Hours and overtime reports. */
export function reportHandlers(): Handlers {
  return {
    getHoursReport: async ({ ctx, query }) => getHoursReport(ctx, query),
    getOvertimeReport: async ({ ctx, query }) => getOvertimeReport(ctx, query),
  };
}
