import type { components } from "@timecard/sdk";
import { ApiProblem } from "../../errors.js";
import type { DomainContext } from "../actor.js";
import { foldText } from "../projects.js";
import { type Session, stopRunningSession } from "../sessions.js";
import { findOpenTaskByName, type IncomingHook, type TaskMatch, trackTaskAs } from "./incoming.js";

type SlackResponse = components["schemas"]["SlackResponse"];

/** The longest text the spec's `SlackResponse` carries. */
const MAX_TEXT = 3000;

/** A slash command, as Timecard understands it. */
export type SlackCommand =
  | { readonly kind: "track"; readonly text: string }
  | { readonly kind: "stop" }
  | { readonly kind: "help" };

/**
 * Reads a slash command: `/track <task> in <project>` and `/stop`, or the same as
 * `/timecard track …` and `/timecard stop`; anything else asks for help.
 */
export function parseSlackCommand(command: string, text: string): SlackCommand {
  let name = command.trim().replace(/^\//, "").toLowerCase();
  // Slack escapes &, < and > in the text it sends.
  let rest = text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").trim();
  if (name === "timecard") {
    const [first = ""] = rest.split(/\s+/);
    name = first.toLowerCase();
    rest = rest.slice(first.length).trim();
  }
  if (name === "track") return rest === "" ? { kind: "help" } : { kind: "track", text: rest };
  if (name === "stop") return { kind: "stop" };
  return { kind: "help" };
}

/** The help text, shown only to the user who typed the command. */
export const SLACK_HELP =
  "*Timecard* commands:\n" +
  "• `/track <task> in <project>` starts your timer, e.g. `/track Design in Website relaunch`\n" +
  "• `/stop` stops the running timer\n" +
  "`/timecard track …` and `/timecard stop` do the same.";

/**
 * Carries out a slash command as the hook's admin and answers in Slack's format: `in_channel`
 * when done, `ephemeral` with the reason when it cannot be (unknown task, a timer already
 * running, nothing running), because Slack shows any status but 200 as a bare failure.
 */
export async function runSlackCommand(hook: IncomingHook, body: Record<string, string>): Promise<SlackResponse> {
  const command = parseSlackCommand(body.command ?? "", body.text ?? "");
  try {
    switch (command.kind) {
      case "help":
        return reply("ephemeral", SLACK_HELP);
      case "track":
        return await track(hook, command.text);
      case "stop":
        return await stop(hook);
    }
  } catch (error) {
    // Whatever the API would refuse (a closed project, a deactivated admin…) is told in Slack.
    if (error instanceof ApiProblem && error.status < 500) return reply("ephemeral", error.detail);
    throw error;
  }
}

async function track(hook: IncomingHook, text: string): Promise<SlackResponse> {
  const { match, taskName, projectName } = await resolve(hook.ctx, text);
  if (match.kind !== "found") return reply("ephemeral", notFoundText(match, taskName, projectName));
  let session: Session;
  try {
    session = await trackTaskAs(hook.ctx, match.task.id, "slack");
  } catch (error) {
    if (error instanceof ApiProblem && error.code === "session_already_running") {
      return reply("ephemeral", await alreadyRunningText(hook));
    }
    throw error;
  }
  return reply(
    "in_channel",
    `${esc(hook.employeeName)} started tracking *${esc(match.task.name)}* in *${esc(match.project.name)}* at ${clock(
      session.started_at,
      hook.timeZone,
    )}.`,
  );
}

async function stop(hook: IncomingHook): Promise<SlackResponse> {
  let session: Session;
  try {
    session = await stopRunningSession(hook.ctx, {});
  } catch (error) {
    if (error instanceof ApiProblem && error.code === "conflict") {
      return reply("ephemeral", "No timer is running. Start one with `/track <task> in <project>`.");
    }
    throw error;
  }
  const what = await workText(hook.ctx, session.project_id, session.task_id);
  const ended = session.ended_at ?? session.started_at;
  const duration = formatDuration(session.duration_seconds ?? 0);
  return reply(
    "in_channel",
    `${esc(hook.employeeName)} stopped ${what ? `tracking ${what}` : "the timer"} at ${clock(ended, hook.timeZone)} (${duration}).`,
  );
}

/**
 * Finds the task of `/track` text. `<task> in <project>` may be split at any ` in ` (names can
 * contain the word): the first split that names an open task wins. Without ` in `, the text
 * (or when no split names a task) the whole text names a task in any open project, which must
 * be unambiguous.
 */
async function resolve(
  ctx: DomainContext,
  text: string,
): Promise<{ match: TaskMatch; taskName: string; projectName: string | undefined }> {
  const splits: [string, string][] = [];
  const separator = /\s+in\s+/gi;
  for (let m = separator.exec(text); m !== null; m = separator.exec(text)) {
    const taskName = text.slice(0, m.index).trim();
    const projectName = text.slice(m.index + m[0].length).trim();
    if (taskName && projectName) splits.push([taskName, projectName]);
  }
  let first: { match: TaskMatch; taskName: string; projectName: string } | undefined;
  let withProject: typeof first;
  for (const [taskName, projectName] of splits) {
    const match = await findOpenTaskByName(ctx, taskName, projectName);
    if (match.kind === "found") return { match, taskName, projectName };
    first ??= { match, taskName, projectName };
    if (match.kind !== "no_project") withProject ??= { match, taskName, projectName };
  }
  // The whole text may be a task's name ("Check in form"), in any open project.
  const alone = await findOpenTaskByName(ctx, text, undefined);
  if (alone.kind === "found" || alone.kind === "several" || !first) {
    return { match: alone, taskName: text, projectName: undefined };
  }
  // Report the split that at least named a project, else the first one.
  return withProject ?? first;
}

function notFoundText(
  match: Exclude<TaskMatch, { kind: "found" }>,
  taskName: string,
  projectName: string | undefined,
): string {
  switch (match.kind) {
    case "no_project":
      return `No open project "${esc(projectName ?? "")}". Try \`/track ${esc(taskName)} in <project>\` with the project's name.`;
    case "no_task": {
      const where = projectName === undefined ? "" : ` in ${esc(match.projects[0]?.name ?? projectName)}`;
      const suggestion = closest(taskName, match.taskNames);
      if (projectName === undefined) {
        return `No open task "${esc(taskName)}". Try \`/track <task> in <project>\`.`;
      }
      return suggestion
        ? `No open task "${esc(taskName)}"${where}. Try \`/track ${esc(suggestion)} in ${esc(match.projects[0]?.name ?? projectName)}\`.`
        : `No open task "${esc(taskName)}"${where}.`;
    }
    case "several": {
      const projects = [...new Set(match.matches.map((m) => m.project.name))];
      const example = match.matches[0];
      return projects.length > 1 && example
        ? `Several open tasks are named "${esc(taskName)}" (in ${projects.map((p) => `*${esc(p)}*`).join(", ")}). Say which: \`/track ${esc(example.task.name)} in ${esc(example.project.name)}\`.`
        : `Several open tasks are named "${esc(taskName)}"${projectName ? ` in ${esc(projectName)}` : ""}; start the timer in Timecard instead.`;
    }
  }
}

/** What the running timer is on, for the "already running" reply. */
async function alreadyRunningText(hook: IncomingHook): Promise<string> {
  const running = await hook.ctx.db
    .selectFrom("sessions")
    .select(["project_id", "task_id", "started_at"])
    .where("organization_id", "=", hook.ctx.actor.organizationId)
    .where("employee_id", "=", hook.ctx.actor.employeeId)
    .where("ended_at", "is", null)
    .executeTakeFirst();
  if (!running) return "A timer is already running. Stop it first with `/stop`.";
  const what = await workText(hook.ctx, running.project_id, running.task_id);
  return `A timer is already running${what ? ` on ${what}` : ""} since ${clock(
    running.started_at.toISOString(),
    hook.timeZone,
  )}. Stop it first with \`/stop\`.`;
}

/** `*Task* in *Project*`, `*Project*`, or "" for a session without a project. */
async function workText(ctx: DomainContext, projectId: string | null, taskId: string | null): Promise<string> {
  const org = ctx.actor.organizationId;
  const project = projectId
    ? await ctx.db
        .selectFrom("projects")
        .select("name")
        .where("organization_id", "=", org)
        .where("id", "=", projectId)
        .executeTakeFirst()
    : undefined;
  const task = taskId
    ? await ctx.db
        .selectFrom("tasks")
        .select("name")
        .where("organization_id", "=", org)
        .where("id", "=", taskId)
        .executeTakeFirst()
    : undefined;
  if (task && project) return `*${esc(task.name)}* in *${esc(project.name)}*`;
  return project ? `*${esc(project.name)}*` : "";
}

/** `09:00`, in the organization's time zone. */
export function clock(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(iso),
  );
}

/** `8 h 30 min`, `25 min`, `40 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/** Escapes the three characters Slack's mrkdwn reserves. */
function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function reply(type: SlackResponse["response_type"], text: string): SlackResponse {
  return { response_type: type, text: text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…` };
}

/** The name closest to `name` (accents and case folded), when it is a plausible typo. */
function closest(name: string, names: readonly string[]): string | undefined {
  const target = foldText(name.trim());
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = levenshtein(target, foldText(candidate));
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(target.length / 3)) ? best.name : undefined;
}

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 20) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
