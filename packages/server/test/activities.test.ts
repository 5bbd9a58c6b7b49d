import { describe, expect, it } from "vitest";
import { call, createWorld, type TestServer, useTestServer, type World } from "./support/harness.js";

const server = useTestServer();

const T0 = "2026-10-05T12:00:00.000Z";
/** An ISO time `minutes` after T0 (negative: before). */
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/** An interval from `from` to `to` minutes after T0. */
function interval(from: number, to: number, overall = 50, extra: Record<string, unknown> = {}) {
  return {
    period_start: at(from),
    period_end: at(to),
    keyboard_percent: Math.max(0, overall - 10),
    mouse_percent: overall,
    overall_percent: overall,
    ...extra,
  };
}

async function manual(world: World, from: number, to: number): Promise<string> {
  const res = await call(server, world.employee.key, "POST", "/v1/sessions", {
    started_at: at(from),
    ended_at: at(to),
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function storedCount(s: TestServer, sessionId: string): Promise<number> {
  const rows = await s.storage.db.selectFrom("activities").select("id").where("session_id", "=", sessionId).execute();
  return rows.length;
}

const submit = (key: string, sessionId: string, intervals: unknown[]) =>
  call(server, key, "POST", `/v1/sessions/${sessionId}/activities`, { intervals });

describe("submitting activity", () => {
  it("stores a batch, skips resent intervals and keeps the session's activity_percent", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const id = await manual(world, -120, -60);
    const eventsBefore = await server.storage.db
      .selectFrom("events")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .execute();

    const first = await submit(world.employee.key, id, [
      // Sent out of order: answered oldest first.
      interval(-110, -100, 90),
      interval(-120, -110, 60, {
        apps: [
          { name: "Slack", seconds: 60 },
          { name: "Figma", seconds: 420 },
        ],
        urls: [{ domain: "docs.google.com", seconds: 90 }],
      }),
    ]);
    expect(first.status).toBe(201);
    expect(first.body.accepted).toBe(2);
    expect(first.body.data).toEqual([
      {
        id: expect.stringMatching(/^act_[0-9A-Za-z]{16}$/),
        session_id: id,
        employee_id: world.employee.id,
        period_start: at(-120),
        period_end: at(-110),
        keyboard_percent: 50,
        mouse_percent: 60,
        overall_percent: 60,
        apps: [
          { name: "Figma", seconds: 420 },
          { name: "Slack", seconds: 60 },
        ],
        urls: [{ domain: "docs.google.com", seconds: 90 }],
        created_at: T0,
      },
      expect.objectContaining({ period_start: at(-110), overall_percent: 90, apps: [], urls: [] }),
    ]);
    let session = await call(server, world.employee.key, "GET", `/v1/sessions/${id}`);
    expect(session.body.activity_percent).toBe(75);

    // A resent batch with one new interval: only the new one is stored. The 20-minute interval
    // weighs twice: (60*10 + 90*10 + 30*20) / 40 = 52.5 → 53.
    const resent = await submit(world.employee.key, id, [
      interval(-120, -110, 60),
      interval(-110, -100, 90),
      interval(-100, -80, 30),
    ]);
    expect(resent.status).toBe(201);
    expect(resent.body.accepted).toBe(1);
    expect(resent.body.data.map((a: { period_start: string }) => a.period_start)).toEqual([at(-100)]);
    expect(await storedCount(server, id)).toBe(3);
    session = await call(server, world.employee.key, "GET", `/v1/sessions/${id}`);
    expect(session.body.activity_percent).toBe(53);

    const allDuplicates = await submit(world.employee.key, id, [interval(-120, -110, 0)]);
    expect(allDuplicates.status).toBe(201);
    expect(allDuplicates.body).toEqual({ data: [], accepted: 0 });

    // No event for activity, nor for the change of activity_percent.
    const eventsAfter = await server.storage.db
      .selectFrom("events")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .execute();
    expect(eventsAfter.length).toBe(eventsBefore.length);
  });

  it("accepts intervals of a running session up to now, also after it was stopped", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const running = await call(server, world.employee.key, "POST", "/v1/sessions/start");
    server.clock.set(at(20));
    const future = await submit(world.employee.key, running.body.id, [interval(10, 21)]);
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([{ field: "body.intervals.0.period_end", message: expect.any(String) }]);
    const ok = await submit(world.employee.key, running.body.id, [interval(0, 10, 40)]);
    expect(ok.status).toBe(201);
    await call(server, world.employee.key, "POST", "/v1/sessions/stop");
    server.clock.set(at(60));
    const late = await submit(world.employee.key, running.body.id, [interval(10, 20, 80)]);
    expect(late.status).toBe(201);
    const session = await call(server, world.employee.key, "GET", `/v1/sessions/${running.body.id}`);
    expect(session.body.activity_percent).toBe(60);
  });

  it("refuses the whole batch with 422 and field paths when an interval is invalid", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const id = await manual(world, -120, -60);
    const cases: [unknown[], string][] = [
      [[interval(-130, -120)], "body.intervals.0.period_start"],
      [[interval(-120, -110), interval(-70, -50)], "body.intervals.1.period_end"],
      [[interval(-100, -100)], "body.intervals.0.period_end"],
      [[interval(-110, -115)], "body.intervals.0.period_end"],
      [[interval(-120, -59)], "body.intervals.0.period_end"],
      [[interval(-120, -110), interval(-115, -105)], "body.intervals.1.period_start"],
      [[interval(-100, -90), interval(-100, -95)], "body.intervals.1.period_start"],
      [[interval(-120, -110, 101)], "body.intervals.0.overall_percent"],
      [
        [interval(-120, -110, 50, { urls: [{ domain: "https://github.com/acme/secret", seconds: 10 }] })],
        "body.intervals.0.urls.0.domain",
      ],
      [[{ period_start: at(-120), period_end: at(-110) }], "body.intervals.0.keyboard_percent"],
      [[], "body.intervals"],
    ];
    for (const [intervals, field] of cases) {
      const res = await submit(world.employee.key, id, intervals);
      expect(res.status, JSON.stringify(intervals)).toBe(422);
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // An interval longer than an hour, inside a longer session.
    const long = await manual(world, -300, -150);
    const tooLong = await submit(world.employee.key, long, [interval(-300, -239)]);
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors[0].field).toBe("body.intervals.0.period_end");
    expect((await submit(world.employee.key, long, [interval(-300, -240)])).status).toBe(201);

    expect(await storedCount(server, id)).toBe(0);
    const session = await call(server, world.employee.key, "GET", `/v1/sessions/${id}`);
    expect(session.body.activity_percent).toBeNull();
  });

  it("lets only the session's own employee submit; approved sessions are locked", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const other = await createWorld(server);
    const id = await manual(world, -120, -60);
    const batch = [interval(-120, -110)];

    const byManager = await submit(world.manager.key, id, batch);
    expect(byManager.status).toBe(403);
    expect(byManager.body.code).toBe("forbidden");
    const byAdmin = await submit(world.admin.key, id, batch);
    expect(byAdmin.status).toBe(403);
    const byColleague = await submit(world.colleague.key, id, batch);
    expect(byColleague.status).toBe(404);
    const otherOrg = await submit(other.employee.key, id, batch);
    expect(otherOrg.status).toBe(404);
    const readKey = await submit(world.employee.readKey, id, batch);
    expect(readKey.status).toBe(403);
    expect(readKey.body.code).toBe("insufficient_scope");
    expect((await submit(world.employee.key, "ses_0000000000000000", batch)).status).toBe(404);

    await call(server, world.manager.key, "POST", `/v1/sessions/${id}/approve`);
    const locked = await submit(world.employee.key, id, batch);
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe("invalid_state");
    expect(await storedCount(server, id)).toBe(0);

    // A rejected session takes activity again.
    await call(server, world.manager.key, "POST", `/v1/sessions/${id}/reject`, { reason: "Check" });
    expect((await submit(world.employee.key, id, batch)).status).toBe(201);
  });
});

describe("reading activity", () => {
  it("lists a session's intervals oldest first, with a cursor; others' sessions answer 404", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const id = await manual(world, -120, -60);
    await submit(world.employee.key, id, [interval(-90, -80), interval(-120, -110), interval(-100, -90)]);
    await submit(world.employee.key, id, [interval(-110, -100)]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/sessions/${id}/activities?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.manager.readKey, "GET", url);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((a: { period_start: string }) => a.period_start));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([at(-120), at(-110), at(-100), at(-90)]);

    expect((await call(server, world.colleague.key, "GET", `/v1/sessions/${id}/activities`)).status).toBe(404);
    expect((await call(server, world.admin.key, "GET", `/v1/sessions/${id}/activities`)).status).toBe(200);
    const bad = await call(server, world.employee.key, "GET", `/v1/sessions/${id}/activities?cursor=xyz`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_cursor");
  });

  it("lists activity across sessions newest first, for whom the caller may see", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const first = await manual(world, -300, -200);
    const second = await manual(world, -120, -60);
    await submit(world.employee.key, first, [interval(-300, -290), interval(-290, -280)]);
    await submit(world.employee.key, second, [interval(-120, -110)]);
    const outsiderSession = await call(server, world.outsider.key, "POST", "/v1/sessions", {
      started_at: at(-50),
      ended_at: at(-10),
    });
    await submit(world.outsider.key, outsiderSession.body.id, [interval(-50, -40)]);

    const starts = async (key: string, qs = "") => {
      const res = await call(server, key, "GET", `/v1/activities${qs}`);
      expect(res.status).toBe(200);
      return res.body.data.map((a: { period_start: string }) => a.period_start);
    };
    expect(await starts(world.employee.key)).toEqual([at(-120), at(-290), at(-300)]);
    expect(await starts(world.manager.key)).toEqual([at(-120), at(-290), at(-300)]);
    expect(await starts(world.admin.key)).toEqual([at(-50), at(-120), at(-290), at(-300)]);
    expect(await starts(world.colleague.key)).toEqual([]);
    expect(await starts(world.manager.key, `?employee_id=${world.outsider.id}`)).toEqual([]);
    expect(await starts(world.admin.key, `?employee_id=${world.employee.id}`)).toEqual([at(-120), at(-290), at(-300)]);
    expect(await starts(world.employee.key, `?from=${at(-290)}&to=${at(-120)}`)).toEqual([at(-290)]);

    const page1 = await call(server, world.admin.key, "GET", "/v1/activities?limit=3");
    expect(page1.body.has_more).toBe(true);
    const page2 = await call(server, world.admin.key, "GET", `/v1/activities?limit=3&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data.map((a: { period_start: string }) => a.period_start)).toEqual([at(-300)]);
    expect(page2.body).toMatchObject({ has_more: false, next_cursor: null });

    const reversed = await call(server, world.admin.key, "GET", `/v1/activities?from=${at(0)}&to=${at(-1)}`);
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors[0].field).toBe("query.from");
  });
});
