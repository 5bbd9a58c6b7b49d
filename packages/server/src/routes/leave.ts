import { listEmployeeLeaveBalances, listLeaveBalances } from "../domain/leave/balances.js";
import {
  approveLeaveRequest,
  cancelLeaveRequest,
  createLeaveRequest,
  getLeaveRequest,
  listLeaveRequests,
  rejectLeaveRequest,
} from "../domain/leave/requests.js";
import { listLeaveTypes } from "../domain/leave/types.js";
import type { Handlers } from "./types.js";

/** Leave types, leave requests and their approval, leave balances. */
export function leaveHandlers(): Handlers {
  return {
    listLeaveTypes: async ({ query }) => listLeaveTypes(query),
    listLeaveRequests: async ({ ctx, query }) => listLeaveRequests(ctx, query),
    createLeaveRequest: async ({ ctx, body }, reply) => {
      reply.code(201);
      return createLeaveRequest(ctx, body);
    },
    getLeaveRequest: async ({ ctx, params }) => getLeaveRequest(ctx, params.leave_request_id),
    approveLeaveRequest: async ({ ctx, params, body }) => approveLeaveRequest(ctx, params.leave_request_id, body?.note),
    rejectLeaveRequest: async ({ ctx, params, body }) => rejectLeaveRequest(ctx, params.leave_request_id, body.reason),
    cancelLeaveRequest: async ({ ctx, params }) => cancelLeaveRequest(ctx, params.leave_request_id),
    listLeaveBalances: async ({ ctx, query }) => listLeaveBalances(ctx, query),
    listEmployeeLeaveBalances: async ({ ctx, params, query }) =>
      listEmployeeLeaveBalances(ctx, params.employee_id, query),
  };
}
