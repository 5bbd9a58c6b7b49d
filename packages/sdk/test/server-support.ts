import { beforeAll } from "vitest";
import {
  createWorld,
  type TestServer,
  type TestServerOptions,
  useTestServer,
  type World,
} from "../../server/test/support/harness.js";
import { createTimecard, type Timecard, type TimecardOptions } from "../src/index.js";

// The real reference server for the SDK's tests, in this process on a loopback port: the app of
// packages/server on an in-memory PGlite, with the injected clock of its test harness. Each test
// makes its own organization (`setUp`), so tests never see each other's data.

/** Monday 5 October 2026, 09:30 in Warsaw: where the clock starts. */
export const T0 = "2026-10-05T07:30:00.000Z";

/** The minutes after T0 as an ISO timestamp (negative: before). */
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/** A test organization and a client for each of its main users. */
export interface SdkWorld {
  readonly world: World;
  readonly admin: Timecard;
  readonly manager: Timecard;
  /** Reports to `manager`. */
  readonly employee: Timecard;
}

/** A reference server listening on loopback for the test file. */
export interface SdkTestServer {
  readonly server: TestServer;
  /** `http://127.0.0.1:<port>`, once the file's `beforeAll` has run. */
  readonly baseUrl: string;
  /** A client of `apiKey` on this server, without retries unless `options` say otherwise. */
  client(apiKey: string, options?: Omit<TimecardOptions, "apiKey" | "baseUrl">): Timecard;
  /** Creates an organization (`createWorld`) with a client for its admin, manager and employee. */
  setUp(): Promise<SdkWorld>;
}

/**
 * Starts the reference server for the test file (`useTestServer` of the server's harness) and
 * has it listen on a free loopback port, with the clock at {@link T0}.
 */
export function useSdkTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): SdkTestServer {
  const server = useTestServer(env, options);
  let baseUrl: string | undefined;
  beforeAll(async () => {
    server.clock.set(T0);
    baseUrl = await server.app.listen({ port: 0, host: "127.0.0.1" });
  });
  const sdk: SdkTestServer = {
    server,
    get baseUrl() {
      if (!baseUrl) throw new Error("the server listens only once the file's beforeAll has run");
      return baseUrl;
    },
    client: (apiKey, clientOptions = {}) =>
      createTimecard({ maxRetries: 0, ...clientOptions, apiKey, baseUrl: sdk.baseUrl }),
    async setUp() {
      const world = await createWorld(server);
      return {
        world,
        admin: sdk.client(world.admin.key),
        manager: sdk.client(world.manager.key),
        employee: sdk.client(world.employee.key),
      };
    },
  };
  return sdk;
}

/** Runs `fn` and answers what it threw; fails when it throws nothing. */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}
