import {
  closeProject,
  createProject,
  getProject,
  listProjects,
  reopenProject,
  updateProject,
} from "../domain/projects.js";
import { closeTask, createTask, getTask, listTasks, stopTask, trackTask, updateTask } from "../domain/tasks.js";
import type { Handlers } from "./types.js";

/** Projects, tasks, and the task timers. */
export function projectHandlers(): Handlers {
  return {
    listProjects: async ({ ctx, query }) => listProjects(ctx, query),
    createProject: async ({ ctx, body }, reply) => {
      reply.code(201);
      return createProject(ctx, body);
    },
    getProject: async ({ ctx, params }) => getProject(ctx, params.project_id),
    updateProject: async ({ ctx, params, body }) => updateProject(ctx, params.project_id, body),
    closeProject: async ({ ctx, params, body }) => closeProject(ctx, params.project_id, body),
    reopenProject: async ({ ctx, params }) => reopenProject(ctx, params.project_id),
    listTasks: async ({ ctx, query }) => listTasks(ctx, query),
    createTask: async ({ ctx, body }, reply) => {
      reply.code(201);
      return createTask(ctx, body);
    },
    getTask: async ({ ctx, params }) => getTask(ctx, params.task_id),
    updateTask: async ({ ctx, params, body }) => updateTask(ctx, params.task_id, body),
    closeTask: async ({ ctx, params, body }) => closeTask(ctx, params.task_id, body),
    trackTask: async ({ ctx, params, body }, reply) => {
      const session = await trackTask(ctx, params.task_id, body);
      reply.code(201);
      return session;
    },
    stopTask: async ({ ctx, params, body }) => stopTask(ctx, params.task_id, body),
  };
}
