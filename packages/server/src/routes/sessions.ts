import { listActivities, listSessionActivities, submitSessionActivities } from "../domain/activities.js";
import {
  approveSession,
  createSession,
  deleteSession,
  getSession,
  listSessions,
  rejectSession,
  startSession,
  stopRunningSession,
  stopSession,
  updateSession,
} from "../domain/sessions.js";
import type { Handlers } from "./types.js";

/** Work sessions and their activity intervals. */
export function sessionHandlers(): Handlers {
  return {
    listSessions: async ({ ctx, query }) => listSessions(ctx, query),
    createSession: async ({ ctx, body }, reply) => {
      reply.code(201);
      return createSession(ctx, body);
    },
    startSession: async ({ ctx, body }, reply) => {
      reply.code(201);
      return startSession(ctx, body ?? {});
    },
    stopRunningSession: async ({ ctx, body }) => stopRunningSession(ctx, body ?? {}),
    getSession: async ({ ctx, params }) => getSession(ctx, params.session_id),
    updateSession: async ({ ctx, params, body }) => updateSession(ctx, params.session_id, body),
    deleteSession: async ({ ctx, params }, reply) => {
      await deleteSession(ctx, params.session_id);
      reply.code(204);
      return undefined;
    },
    stopSession: async ({ ctx, params, body }) => stopSession(ctx, params.session_id, body),
    approveSession: async ({ ctx, params }) => approveSession(ctx, params.session_id),
    rejectSession: async ({ ctx, params, body }) => rejectSession(ctx, params.session_id, body.reason),
    listSessionActivities: async ({ ctx, params, query }) => listSessionActivities(ctx, params.session_id, query),
    submitSessionActivities: async ({ ctx, params, body }, reply) => {
      reply.code(201);
      return submitSessionActivities(ctx, params.session_id, body);
    },
    listActivities: async ({ ctx, query }) => listActivities(ctx, query),
  };
}
