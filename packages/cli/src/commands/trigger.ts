import type { components } from "@timecard/sdk";
import { type CommandContext, clientFor } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { COMMANDS } from "../generated/commands.js";
import { print } from "./resources.js";

type EventType = components["schemas"]["EventType"];

/** `timecard trigger <event-type> [--employee emp_…]`: `POST /v1/sandbox/trigger`, a sample event in the sandbox. */
export async function trigger(ctx: CommandContext, type: string, flags: { employee?: string }): Promise<void> {
  const types = COMMANDS.sandbox?.trigger?.[5].find(([name]) => name === "type")?.[5] ?? [];
  if (!types.includes(type))
    throw new CliError(`unknown event type "${type}"; the types are: ${types.join(", ")}`, EXIT.USAGE);
  const { client, resolved } = await clientFor(ctx);
  try {
    const { event } = await client.sandbox.triggerEvent({
      type: type as EventType,
      ...(flags.employee ? { employee_id: flags.employee } : {}),
    });
    if (ctx.options.json) return print(ctx, event);
    ctx.io.stdout(`Triggered ${event.type} ${event.id} at ${event.created_at}.\n`);
    ctx.io.stderr("Endpoints subscribed to it receive it now; timecard listen prints it.\n");
  } catch (error) {
    // Outside the sandbox the operation answers 404, as if it did not exist.
    if ((error as { status?: number }).status === 404 && !flags.employee)
      ctx.io.stderr(
        `hint: timecard trigger works against the sandbox only (${resolved.baseUrl} answered 404); start one with timecard sandbox\n`,
      );
    throw error;
  }
}
