import { createEmployee, deactivateEmployee, getEmployee, listEmployees, updateEmployee } from "../domain/employees.js";
import { getMe, getOrganization, updateOrganization } from "../domain/organization.js";
import type { Handler, Handlers } from "./types.js";

/** Me, organization and employees. */
export function organizationHandlers(): Handlers {
  const getMeHandler: Handler<"getMe"> = async ({ ctx }, reply) => {
    const state = reply.request.rateLimit ?? { limit: 0, remaining: 0, reset: 0 };
    return getMe(ctx, state);
  };
  return {
    getMe: getMeHandler,
    getOrganization: async ({ ctx }) => getOrganization(ctx),
    updateOrganization: async ({ ctx, body }) => updateOrganization(ctx, body),
    listEmployees: async ({ ctx, query }) => listEmployees(ctx, query),
    createEmployee: async ({ ctx, body }, reply) => {
      reply.code(201);
      return createEmployee(ctx, body);
    },
    getEmployee: async ({ ctx, params }) => getEmployee(ctx, params.employee_id),
    updateEmployee: async ({ ctx, params, body }) => updateEmployee(ctx, params.employee_id, body),
    deactivateEmployee: async ({ ctx, params }) => deactivateEmployee(ctx, params.employee_id),
  };
}
