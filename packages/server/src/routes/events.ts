import { getEvent, listEvents } from "../domain/event-log.js";
import type { Handlers } from "./types.js";

/** The events list: what webhook endpoints receive, for polling. */
export function eventHandlers(): Handlers {
  return {
    listEvents: async ({ ctx, query }) => listEvents(ctx, query),
    getEvent: async ({ ctx, params }) => getEvent(ctx, params.event_id),
  };
}
