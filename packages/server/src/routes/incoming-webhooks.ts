import type { components } from "@timecard/sdk";
import {
  authenticateIncomingCall,
  createIncomingWebhook,
  deleteIncomingWebhook,
  listIncomingWebhooks,
  markIncomingWebhookUsed,
  publicBaseUrl,
  runIncomingAction,
} from "../domain/webhooks/incoming.js";
import { runSlackCommand } from "../domain/webhooks/slack.js";
import type { Handlers, PublicHandler, PublicHandlers } from "./types.js";

/** Incoming webhooks: the admins' operations. */
export function incomingWebhookHandlers(): Handlers {
  return {
    listIncomingWebhooks: async ({ ctx, query }) => listIncomingWebhooks(ctx, query),
    createIncomingWebhook: async ({ ctx, body }, reply) => {
      // Without TIMECARD_PUBLIC_URL the secret URL points where this request came in
      // (the scheme and host as the trusted proxy reports them).
      const base = publicBaseUrl(ctx.webhooks.config.publicUrl, {
        protocol: reply.request.protocol,
        host: reply.request.host,
      });
      const hook = await createIncomingWebhook(ctx, body, base);
      reply.code(201);
      return hook;
    },
    deleteIncomingWebhook: async ({ ctx, params }, reply) => {
      await deleteIncomingWebhook(ctx, params.incoming_webhook_id);
      reply.code(204);
      return undefined;
    },
  };
}

/** The public receiver of incoming webhooks' URLs. */
export function incomingWebhookPublicHandlers(): PublicHandlers {
  const receive: PublicHandler<"receiveIncomingWebhook"> = async ({ ctx, params, body }, reply) => {
    const hook = await authenticateIncomingCall(ctx, params.token);
    ctx.actAs(hook.ctx.actor);
    ctx.assertValid();
    const mediaType = String(ctx.headers["content-type"] ?? "")
      .split(";")[0]
      ?.trim()
      .toLowerCase();
    const form = mediaType === "application/x-www-form-urlencoded";
    const action = form ? undefined : (body as components["schemas"]["IncomingAction"]);
    const result = action
      ? await runIncomingAction(hook, action)
      : await runSlackCommand(hook, body as Record<string, string>);
    await markIncomingWebhookUsed(hook);
    // The actions' events carry no actor: the log ties the call to the hook and its admin.
    reply.log.info(
      { incomingWebhookId: hook.id, actsAs: hook.ctx.actor.employeeId, action: action?.action ?? "slack_command" },
      "incoming webhook called",
    );
    return result;
  };
  return { receiveIncomingWebhook: receive };
}
