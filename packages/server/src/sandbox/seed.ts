import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { type Insertable, sql } from "kysely";
import type { Db, Role } from "../domain/actor.js";
import { describeSecret } from "../domain/api-key-secret.js";
import { COUNTRY_DEFAULTS } from "../domain/bootstrap.js";
import { EVENT_API_VERSION } from "../domain/events.js";
import { leaveHours, toLeaveRequest } from "../domain/leave/requests.js";
import { addDays, isWorkingDay, workingDays } from "../domain/leave/working-days.js";
import { toSession } from "../domain/sessions.js";
import { base62, type IdPrefix } from "../ids.js";
import type { Database, LeaveRequestRow, SessionRow } from "../storage/schema.js";

// The sandbox's deterministic seed data.
//
// The anchor is fixed: October 2026, the month the spec's examples live in. Every organization,
// employee, project, task, session, activity, leave request and event of that month has the same
// id, times and values on every run, and the ones the docs show carry the docs' ids
// (org_2b7Yk9QmWx4pLs8N, emp_6Tz1Yu8IoP4aSd2F, ses_5Op7As9Df1Gh3Jk4, lv_2Lz4Xc6Vb8Nm0Qw1 …), so
// `GET /v1/sessions/ses_5Op7As9Df1Gh3Jk4` answers what the docs print.
//
// The one part that follows the clock: a few sessions are running "now" (they started 2 h and
// 1 h 15 min before the seed or reset ran, to the minute, and never earlier than 2 November 2026),
// because a running session that started weeks ago would be useless for trying the API. Their
// `session.started` events are written at the same times.
//
// Ids the docs do not show are derived from the seed version, a label and the record's time, so
// they are stable too and still sort by time as generated ids do.

/** The version of the seed data, as `POST /v1/sandbox/reset` reports it. */
export const SEED_VERSION = "2026-10-01.1";

/** The first and last day of the seeded month. */
export const SEED_MONTH = { from: "2026-10-01", to: "2026-10-31" } as const;

/** The earliest time the running sessions may start (the Monday after the seeded month). */
const RUNNING_NOT_BEFORE = Date.UTC(2026, 10, 2, 12, 0);

/** When the published keys were "created" (as the docs' key example). */
const KEY_CREATED_AT = "2026-10-01T07:15:00Z";

/** The published sandbox keys' rate limit: the spec's maximum, so load tests on the sandbox are not throttled early. */
export const SANDBOX_KEY_RATE_LIMIT = 10_000;

type Country = "PL" | "CZ";
type Scope = "full" | "read";

/** One of the fixed, published sandbox API keys. */
export interface SandboxKey {
  readonly id: string;
  readonly organizationId: string;
  readonly organizationName: string;
  readonly country: Country;
  readonly employeeId: string;
  readonly employeeName: string;
  readonly role: Role;
  readonly scope: Scope;
  readonly secret: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers: deterministic ids and local times

/** A stable id: the record's time (as generated ids carry it) and a hash of the seed version and a label. */
export function seedId(prefix: IdPrefix, at: Date | string, label: string): string {
  const ms = new Date(at).getTime();
  const hash = BigInt(`0x${createHash("sha256").update(`${SEED_VERSION}:${label}`).digest("hex").slice(0, 16)}`);
  return `${prefix}_${base62(ms, 7)}${base62(hash % 62n ** 9n, 9)}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetMs(timeZone: string, at: number): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - at;
}

/** The instant of wall-clock `time` (`HH:MM`) on `date` in `timeZone`. */
export function atLocal(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let at = wall - zoneOffsetMs(timeZone, wall);
  at = wall - zoneOffsetMs(timeZone, at);
  return new Date(at);
}

function addMinutes(time: string, minutes: number): string {
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const total = hh * 60 + mm + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The Monday after `date`'s week. */
function nextMonday(date: string): string {
  return addDays(date, (8 - weekday(date)) % 7 || 7);
}

/** A published test key: `tc_test_`, a readable 32-character body, and the format's CRC32 checksum. */
function testKeySecret(country: Country, role: Role, scope: Scope): string {
  const body = `tc_test_${`sandbox${country}${role}${scope}`.padEnd(32, "0")}`;
  return body + base62(crc32(body), 6);
}

// ---------------------------------------------------------------------------------------------
// The organizations, as data

interface PersonSeed {
  readonly key: string;
  readonly id?: string;
  readonly name: string;
  readonly email: string;
  readonly role: Role;
  readonly manager: string | null;
  readonly rateMinor: number;
  readonly payroll: string;
  readonly card: string | null;
  readonly createdAt: string;
  readonly weeklyHours?: number;
  readonly metadata?: Record<string, string>;
  /** The sessions of one working day, in local wall-clock time; [] for none. */
  readonly workday: (date: string) => readonly WorkSeed[];
  /** Stable sessions that replace the generated ones of their day. */
  readonly specialDays?: Readonly<Record<string, readonly SpecialSession[]>>;
  /** A session running at seed time (project, task). */
  readonly running?: { project: string | null; task: string | null; minutesAgo: number; source: string; note: string };
}

interface WorkSeed {
  readonly project: string | null;
  readonly task: string | null;
  readonly from: string;
  readonly to: string;
  readonly source: string;
  readonly note: string | null;
}

interface SpecialSession {
  readonly id: string;
  readonly project: string | null;
  readonly task: string | null;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly source: string;
  readonly note: string | null;
  readonly createdAt?: string;
  readonly approvedAt?: string;
  readonly activityPercent?: number;
}

interface ProjectSeed {
  readonly key: string;
  readonly id?: string;
  readonly name: string;
  readonly code: string;
  readonly client: string | null;
  readonly color: string;
  readonly billable: boolean;
  readonly rateMinor: number | null;
  readonly budgetHours: number | null;
  readonly description: string;
  readonly metadata?: Record<string, string>;
  readonly createdAt: string;
  readonly updatedAt?: string;
  readonly closedAt?: string;
}

interface TaskSeed {
  readonly key: string;
  readonly id?: string;
  readonly project: string;
  readonly name: string;
  readonly description: string;
  readonly assignees: readonly string[];
  readonly estimateSeconds: number | null;
  readonly createdAt: string;
  readonly updatedAt?: string;
  readonly closedAt?: string;
}

interface LeaveSeed {
  readonly key: string;
  readonly id?: string;
  readonly employee: string;
  readonly type: string;
  readonly status: "requested" | "approved" | "rejected" | "cancelled";
  readonly start: string;
  readonly end: string;
  readonly note: string | null;
  readonly createdAt: string;
  readonly decidedBy?: string | null;
  readonly decidedAt?: string;
  readonly decisionNote?: string | null;
  readonly cancelledAt?: string;
}

interface OrganizationSeed {
  readonly id: string;
  readonly name: string;
  readonly country: Country;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly people: readonly PersonSeed[];
  readonly projects: readonly ProjectSeed[];
  readonly tasks: readonly TaskSeed[];
  readonly leave: readonly LeaveSeed[];
  /** A session rejected by its approver: [person, date, reason]. */
  readonly rejected: readonly (readonly [string, string, string])[];
  /** Who stands for "the employee" (keys, the trigger's default), "the manager" and "the admin". */
  readonly roles: Readonly<Record<Role, string>>;
}

const work = (
  project: string | null,
  task: string | null,
  from: string,
  to: string,
  source: string,
  note: string | null,
): WorkSeed => ({ project, task, from, to, source, note });

/** A small daily shift of the working day, the same every run. */
const JITTER = [0, 15, -15, 30, 0, -10, 20] as const;

const POLAND: OrganizationSeed = {
  id: "org_2b7Yk9QmWx4pLs8N",
  name: "Kowalski Software sp. z o.o.",
  country: "PL",
  createdAt: "2026-01-05T09:00:00Z",
  updatedAt: "2026-09-30T12:15:00Z",
  roles: { admin: "anna", manager: "piotr", employee: "jan" },
  people: [
    {
      key: "anna",
      id: "emp_4Fh8Jq2LmN6pRs3T",
      name: "Anna Nowak",
      email: "anna.nowak@kowalski-software.pl",
      role: "admin",
      manager: null,
      rateMinor: 9000,
      payroll: "0001",
      card: "100001",
      createdAt: "2026-01-05T09:00:00Z",
      workday: () => [work(null, null, "08:30", "16:30", "web", null)],
    },
    {
      key: "piotr",
      id: "emp_9Xc3Vb7NkM2qWe5R",
      name: "Piotr Wiśniewski",
      email: "piotr.wisniewski@kowalski-software.pl",
      role: "manager",
      manager: "anna",
      rateMinor: 8000,
      payroll: "0002",
      card: "100002",
      createdAt: "2026-01-05T09:10:00Z",
      workday: () => [
        work("int", null, "08:00", "10:00", "desktop", "Code review and CI upkeep"),
        work("web", "frontend", "10:00", "16:00", "desktop", "Page templates with Jan"),
      ],
    },
    {
      key: "jan",
      id: "emp_6Tz1Yu8IoP4aSd2F",
      name: "Jan Kowalski",
      email: "jan.kowalski@kowalski-software.pl",
      role: "employee",
      manager: "piotr",
      rateMinor: 6500,
      payroll: "0042",
      card: "100042",
      createdAt: "2026-02-02T08:00:00Z",
      workday: (date) =>
        date < "2026-10-09"
          ? [work("web", "design", "09:00", "17:00", "desktop", "Wireframes of the subpages")]
          : [work("web", "frontend", "09:00", "17:00", "desktop", "Page templates")],
      specialDays: {
        "2026-10-02": [
          {
            id: "ses_1Za3Xs5Cd7Vf9Bg2",
            project: "web",
            task: null,
            startedAt: "2026-10-02T06:30:00Z",
            endedAt: "2026-10-02T14:30:00Z",
            source: "api",
            note: "Requirements workshop with the client in Kraków",
            createdAt: "2026-10-02T15:02:11Z",
            approvedAt: "2026-10-05T08:15:00Z",
          },
        ],
        "2026-10-05": [
          {
            id: "ses_5Op7As9Df1Gh3Jk4",
            project: "web",
            task: "design",
            startedAt: "2026-10-05T07:00:00Z",
            endedAt: "2026-10-05T15:30:00Z",
            source: "desktop",
            note: "Homepage wireframes",
            approvedAt: "2026-10-06T08:15:00Z",
            activityPercent: 74,
          },
        ],
        // A late evening and an early morning: 7 h 30 min of rest, short of the 11 h that
        // Kodeks pracy art. 132 requires (the compliance alert of the docs).
        "2026-10-06": [
          {
            id: "ses_1Zx3Cv5Bn7Ml9Kj2",
            project: "web",
            task: "design",
            startedAt: "2026-10-06T13:00:00Z",
            endedAt: "2026-10-06T21:30:00Z",
            source: "desktop",
            note: "Checkout wireframes before the client review",
          },
        ],
        "2026-10-07": [
          {
            id: seedId("ses", "2026-10-07T05:00:00Z", "PL:jan:2026-10-07"),
            project: "web",
            task: "design",
            startedAt: "2026-10-07T05:00:00Z",
            endedAt: "2026-10-07T13:00:00Z",
            source: "desktop",
            note: "Client review of the wireframes",
          },
        ],
      },
      running: { project: "web", task: "frontend", minutesAgo: 120, source: "desktop", note: "Page templates" },
    },
    {
      key: "katarzyna",
      id: "emp_3Kl5Mn7Op9Qr1St2",
      name: "Katarzyna Zielińska",
      email: "katarzyna.zielinska@kowalski-software.pl",
      role: "employee",
      manager: "piotr",
      rateMinor: 6000,
      payroll: "0057",
      card: "100057",
      createdAt: "2026-10-01T07:00:00Z",
      metadata: { hr_system_id: "10457" },
      workday: () => [work("web", "content", "08:00", "16:00", "web", "Content migration")],
      specialDays: {
        // Her first day: she joined at 09:00 (07:00 UTC).
        "2026-10-01": [
          {
            id: seedId("ses", "2026-10-01T07:30:00Z", "PL:katarzyna:2026-10-01"),
            project: "web",
            task: "content",
            startedAt: "2026-10-01T07:30:00Z",
            endedAt: "2026-10-01T14:30:00Z",
            source: "web",
            note: "Onboarding and a first look at the CMS",
          },
        ],
      },
    },
    {
      key: "magdalena",
      name: "Magdalena Lewandowska",
      email: "magdalena.lewandowska@kowalski-software.pl",
      role: "manager",
      manager: "anna",
      rateMinor: 8000,
      payroll: "0003",
      card: "100003",
      createdAt: "2026-01-12T08:00:00Z",
      workday: (date) =>
        date < "2026-10-07"
          ? [work("int", "intranet", "08:00", "16:00", "web", "Intranet: holiday calendar")]
          : [work("wsa", null, "08:00", "16:00", "web", "Scanner app: backlog and sprint planning")],
    },
    {
      key: "tomasz",
      name: "Tomasz Wójcik",
      email: "tomasz.wojcik@kowalski-software.pl",
      role: "employee",
      manager: "magdalena",
      rateMinor: 6200,
      payroll: "0018",
      card: "100018",
      createdAt: "2026-03-02T08:00:00Z",
      workday: (date) =>
        date < "2026-10-07"
          ? [work("int", "ci", "07:30", "15:30", "desktop", "Faster CI pipeline")]
          : [work("wsa", "scanning", "07:30", "15:30", "desktop", "Barcode scanning")],
      running: { project: "wsa", task: "scanning", minutesAgo: 75, source: "desktop", note: "Barcode scanning" },
    },
    {
      key: "agnieszka",
      name: "Agnieszka Kamińska",
      email: "agnieszka.kaminska@kowalski-software.pl",
      role: "employee",
      manager: "magdalena",
      rateMinor: 5800,
      payroll: "0023",
      card: "100023",
      createdAt: "2026-04-01T08:00:00Z",
      weeklyHours: 20,
      workday: (date) =>
        date < "2026-10-07"
          ? [work("int", "intranet", "09:00", "13:00", "web", "Testing the intranet calendar")]
          : [work("wsa", "scanning", "09:00", "13:00", "mobile", "Testing on the warehouse scanners")],
    },
  ],
  projects: [
    {
      key: "web",
      id: "prj_3Gh5Jk7Lz9Xc1Vb2",
      name: "Website relaunch",
      code: "WEB",
      client: "Bałtyk Logistics S.A.",
      color: "#2F80ED",
      billable: true,
      rateMinor: 18000,
      budgetHours: 320,
      description: "Redesign and rebuild of the client's public website.",
      metadata: { crm_deal_id: "D-2026-118" },
      createdAt: "2026-09-14T08:00:00Z",
      updatedAt: "2026-10-05T07:30:00Z",
    },
    {
      key: "int",
      id: "prj_7Lk2Mn4Bv6Cx8Zq0",
      name: "Internal tools",
      code: "INT",
      client: null,
      color: "#6B7280",
      billable: false,
      rateMinor: null,
      budgetHours: null,
      description: "Build scripts, CI and the company intranet.",
      createdAt: "2026-01-05T09:30:00Z",
      updatedAt: "2026-06-12T10:00:00Z",
    },
    {
      key: "wsa",
      id: "prj_9Lk7Jh5Gf3Ds1Aq8",
      name: "Warehouse scanner app",
      code: "WSA",
      client: "Bałtyk Logistics S.A.",
      color: "#27AE60",
      billable: true,
      rateMinor: 18000,
      budgetHours: 600,
      description: "Android app for the barcode scanners in the Gdynia warehouse.",
      metadata: { crm_deal_id: "D-2026-131" },
      createdAt: "2026-10-07T08:00:00Z",
    },
    {
      key: "audit",
      name: "Mobile banking security audit",
      code: "AUD",
      client: "Bank Pomorski S.A.",
      color: "#9B51E0",
      billable: true,
      rateMinor: 22000,
      budgetHours: 120,
      description: "Penetration test and code review of the client's mobile banking app.",
      createdAt: "2026-06-01T08:00:00Z",
      updatedAt: "2026-09-30T15:00:00Z",
      closedAt: "2026-09-30T15:00:00Z",
    },
  ],
  tasks: [
    {
      key: "design",
      id: "tsk_8Nm4Qw6Er2Ty0Ui3",
      project: "web",
      name: "Design",
      description: "Wireframes and visual design of the new pages.",
      assignees: ["jan"],
      estimateSeconds: 144000,
      createdAt: "2026-09-14T08:15:00Z",
      updatedAt: "2026-10-02T14:20:00Z",
    },
    {
      key: "frontend",
      id: "tsk_1Rt5Yu7Io9Pa2Sd4",
      project: "web",
      name: "Frontend implementation",
      description: "Build the designed pages in the new CMS theme.",
      assignees: ["jan", "piotr"],
      estimateSeconds: 432000,
      createdAt: "2026-09-21T08:00:00Z",
    },
    {
      key: "content",
      project: "web",
      name: "Content migration",
      description: "Move the old site's articles and case studies into the new CMS.",
      assignees: ["katarzyna"],
      estimateSeconds: 216000,
      createdAt: "2026-09-30T09:00:00Z",
    },
    {
      key: "ci",
      project: "int",
      name: "CI pipeline",
      description: "Cache dependencies and run the test suites in parallel.",
      assignees: ["tomasz"],
      estimateSeconds: 57600,
      createdAt: "2026-09-01T08:00:00Z",
      updatedAt: "2026-10-06T14:00:00Z",
      closedAt: "2026-10-06T14:00:00Z",
    },
    {
      key: "intranet",
      project: "int",
      name: "Intranet holiday calendar",
      description: "Show approved leave and public holidays of PL and CZ on the intranet.",
      assignees: ["magdalena", "agnieszka"],
      estimateSeconds: 86400,
      createdAt: "2026-09-07T08:00:00Z",
    },
    {
      key: "scanning",
      project: "wsa",
      name: "Barcode scanning",
      description: "Scan EAN-13 and GS1-128 labels with the scanners' built-in reader.",
      assignees: ["tomasz", "agnieszka"],
      estimateSeconds: 288000,
      createdAt: "2026-10-07T09:00:00Z",
    },
    {
      key: "offline",
      project: "wsa",
      name: "Offline sync",
      description: "Queue scans while the warehouse Wi-Fi is down and send them later.",
      assignees: ["tomasz"],
      estimateSeconds: 144000,
      createdAt: "2026-10-07T09:05:00Z",
    },
  ],
  leave: [
    {
      key: "jan-zakopane",
      id: "lv_2Lz4Xc6Vb8Nm0Qw1",
      employee: "jan",
      type: "vacation",
      status: "approved",
      start: "2026-11-09",
      end: "2026-11-13",
      note: "Family trip to Zakopane.",
      createdAt: "2026-10-05T07:30:00Z",
      decidedBy: "piotr",
      decidedAt: "2026-10-06T08:15:00Z",
      decisionNote: "Enjoy the mountains.",
    },
    {
      key: "jan-sick",
      id: "lv_7Qw9Er1Ty3Ui5Op7",
      employee: "jan",
      type: "sick",
      status: "approved",
      start: "2026-10-12",
      end: "2026-10-14",
      note: "e-ZLA issued by the doctor.",
      createdAt: "2026-10-12T06:45:00Z",
      decidedBy: null,
      decidedAt: "2026-10-12T06:45:00Z",
    },
    {
      key: "katarzyna-christmas",
      employee: "katarzyna",
      type: "vacation",
      status: "requested",
      start: "2026-12-21",
      end: "2026-12-23",
      note: "Christmas with the family in Gdańsk.",
      createdAt: "2026-10-27T10:00:00Z",
    },
    {
      key: "piotr-new-year",
      employee: "piotr",
      type: "vacation",
      status: "requested",
      start: "2026-12-28",
      end: "2026-12-31",
      note: null,
      createdAt: "2026-10-29T14:30:00Z",
    },
    {
      key: "tomasz-on-demand",
      employee: "tomasz",
      type: "on_demand",
      status: "approved",
      start: "2026-10-16",
      end: "2026-10-16",
      note: null,
      createdAt: "2026-10-16T05:20:00Z",
      decidedBy: "magdalena",
      decidedAt: "2026-10-16T06:30:00Z",
    },
    {
      key: "tomasz-autumn",
      employee: "tomasz",
      type: "vacation",
      status: "rejected",
      start: "2026-11-02",
      end: "2026-11-06",
      note: "Autumn break.",
      createdAt: "2026-10-19T11:00:00Z",
      decidedBy: "magdalena",
      decidedAt: "2026-10-20T09:00:00Z",
      decisionNote: "The scanner app pilot starts that week; please choose other dates.",
    },
    {
      key: "agnieszka-cancelled",
      employee: "agnieszka",
      type: "vacation",
      status: "cancelled",
      start: "2026-10-22",
      end: "2026-10-23",
      note: "Long weekend.",
      createdAt: "2026-10-14T09:00:00Z",
      decidedBy: "magdalena",
      decidedAt: "2026-10-15T10:00:00Z",
      decisionNote: null,
      cancelledAt: "2026-10-19T12:00:00Z",
    },
    {
      key: "magdalena-childcare",
      employee: "magdalena",
      type: "childcare",
      status: "approved",
      start: "2026-10-09",
      end: "2026-10-09",
      note: "Opieka nad dzieckiem (art. 188).",
      createdAt: "2026-10-05T12:00:00Z",
      decidedBy: "anna",
      decidedAt: "2026-10-05T13:00:00Z",
    },
  ],
  rejected: [["tomasz", "2026-10-20", "The lunch break 12:00–12:45 is included; please split the session."]],
};

const CZECHIA: OrganizationSeed = {
  id: seedId("org", "2026-02-02T08:00:00Z", "CZ:organization"),
  name: "Horák Digital s.r.o.",
  country: "CZ",
  createdAt: "2026-02-02T08:00:00Z",
  updatedAt: "2026-09-15T10:00:00Z",
  roles: { admin: "petra", manager: "tomas", employee: "lucie" },
  people: [
    {
      key: "petra",
      name: "Petra Svobodová",
      email: "petra.svobodova@horak-digital.cz",
      role: "admin",
      manager: null,
      rateMinor: 65000,
      payroll: "A-001",
      card: "5001",
      createdAt: "2026-02-02T08:00:00Z",
      workday: () => [work(null, null, "08:00", "16:30", "web", null)],
    },
    {
      key: "tomas",
      name: "Tomáš Dvořák",
      email: "tomas.dvorak@horak-digital.cz",
      role: "manager",
      manager: "petra",
      rateMinor: 55000,
      payroll: "A-002",
      card: "5002",
      createdAt: "2026-02-02T08:30:00Z",
      workday: () => [work("esh", null, "08:00", "16:00", "desktop", "Vedení projektu e-shopu")],
    },
    {
      key: "martin",
      name: "Martin Kučera",
      email: "martin.kucera@horak-digital.cz",
      role: "manager",
      manager: "petra",
      rateMinor: 52000,
      payroll: "A-003",
      card: "5003",
      createdAt: "2026-02-16T08:00:00Z",
      workday: () => [work("int", "servers", "07:00", "15:00", "desktop", "Správa serverů")],
    },
    {
      key: "lucie",
      name: "Lucie Černá",
      email: "lucie.cerna@horak-digital.cz",
      role: "employee",
      manager: "tomas",
      rateMinor: 42000,
      payroll: "A-011",
      card: "5011",
      createdAt: "2026-03-02T08:00:00Z",
      workday: () => [work("esh", "cart", "08:30", "16:30", "desktop", "Košík a platební brána")],
      running: { project: "esh", task: "cart", minutesAgo: 120, source: "desktop", note: "Platby kartou" },
    },
    {
      key: "jakub",
      name: "Jakub Procházka",
      email: "jakub.prochazka@horak-digital.cz",
      role: "employee",
      manager: "tomas",
      rateMinor: 40000,
      payroll: "A-012",
      card: "5012",
      createdAt: "2026-04-01T08:00:00Z",
      workday: () => [work("esh", "catalog", "09:00", "17:00", "desktop", "Katalog produktů")],
      running: { project: "esh", task: "catalog", minutesAgo: 75, source: "desktop", note: "Filtry katalogu" },
    },
    {
      key: "eva",
      name: "Eva Novotná",
      email: "eva.novotna@horak-digital.cz",
      role: "employee",
      manager: "martin",
      rateMinor: 38000,
      payroll: "A-013",
      card: "5013",
      createdAt: "2026-05-04T08:00:00Z",
      workday: () => [work(null, null, "07:30", "15:30", "clock_terminal", null)],
    },
  ],
  projects: [
    {
      key: "esh",
      name: "E-shop Pivovar Hradec",
      code: "ESH",
      client: "Pivovar Hradec Králové a.s.",
      color: "#EB5757",
      billable: true,
      rateMinor: 150000,
      budgetHours: 400,
      description: "Nový e-shop pivovaru s platbami kartou a napojením na sklad.",
      metadata: { crm_deal_id: "CZ-2026-044" },
      createdAt: "2026-08-03T08:00:00Z",
    },
    {
      key: "int",
      name: "Interní systémy",
      code: "INT",
      client: null,
      color: "#6B7280",
      billable: false,
      rateMinor: null,
      budgetHours: null,
      description: "Servery, zálohy a interní nástroje.",
      createdAt: "2026-02-02T08:30:00Z",
    },
  ],
  tasks: [
    {
      key: "cart",
      project: "esh",
      name: "Košík a platby",
      description: "Košík, doprava a platební brána.",
      assignees: ["lucie"],
      estimateSeconds: 288000,
      createdAt: "2026-08-03T09:00:00Z",
    },
    {
      key: "catalog",
      project: "esh",
      name: "Katalog produktů",
      description: "Výpis piv, filtry a detail produktu.",
      assignees: ["jakub"],
      estimateSeconds: 216000,
      createdAt: "2026-08-03T09:10:00Z",
    },
    {
      key: "servers",
      project: "int",
      name: "Správa serverů",
      description: "Aktualizace, zálohy a monitoring.",
      assignees: ["martin"],
      estimateSeconds: null,
      createdAt: "2026-02-16T08:30:00Z",
    },
    {
      key: "hosting",
      project: "int",
      name: "Migrace na nový hosting",
      description: "Přesun interních služeb k novému poskytovateli.",
      assignees: ["martin"],
      estimateSeconds: 57600,
      createdAt: "2026-09-01T08:00:00Z",
      updatedAt: "2026-10-16T14:00:00Z",
      closedAt: "2026-10-16T14:00:00Z",
    },
  ],
  leave: [
    {
      key: "lucie-christmas",
      employee: "lucie",
      type: "vacation",
      status: "requested",
      start: "2026-12-21",
      end: "2026-12-23",
      note: "Vánoce u rodiny v Olomouci.",
      createdAt: "2026-10-26T09:00:00Z",
    },
    {
      key: "jakub-long-weekend",
      employee: "jakub",
      type: "vacation",
      status: "approved",
      start: "2026-10-19",
      end: "2026-10-20",
      note: "Prodloužený víkend.",
      createdAt: "2026-10-08T10:00:00Z",
      decidedBy: "tomas",
      decidedAt: "2026-10-12T09:00:00Z",
      decisionNote: "Schváleno.",
    },
    {
      key: "eva-november",
      employee: "eva",
      type: "vacation",
      status: "rejected",
      start: "2026-11-16",
      end: "2026-11-20",
      note: null,
      createdAt: "2026-10-20T08:00:00Z",
      decidedBy: "martin",
      decidedAt: "2026-10-21T10:00:00Z",
      decisionNote: "Ten týden stěhujeme servery; vyberte si prosím jiný termín.",
    },
    {
      key: "lucie-cancelled",
      employee: "lucie",
      type: "vacation",
      status: "cancelled",
      start: "2026-10-29",
      end: "2026-10-30",
      note: null,
      createdAt: "2026-10-13T08:00:00Z",
      decidedBy: "tomas",
      decidedAt: "2026-10-14T09:00:00Z",
      decisionNote: null,
      cancelledAt: "2026-10-26T08:00:00Z",
    },
    {
      key: "tomas-sick",
      employee: "tomas",
      type: "sick",
      status: "approved",
      start: "2026-10-14",
      end: "2026-10-15",
      note: "eNeschopenka.",
      createdAt: "2026-10-14T06:30:00Z",
      decidedBy: null,
      decidedAt: "2026-10-14T06:30:00Z",
    },
    {
      key: "martin-unpaid",
      employee: "martin",
      type: "unpaid",
      status: "approved",
      start: "2026-10-30",
      end: "2026-10-30",
      note: "Stěhování.",
      createdAt: "2026-10-05T08:00:00Z",
      decidedBy: "petra",
      decidedAt: "2026-10-05T12:00:00Z",
    },
  ],
  rejected: [["jakub", "2026-10-22", "Čas na školení patří do projektu Interní systémy, ne na e-shop."]],
};

const ORGANIZATIONS: readonly OrganizationSeed[] = [POLAND, CZECHIA];

/** The seeded organizations' ids: the Polish one is the docs' `org_2b7Yk9QmWx4pLs8N`. */
export const SANDBOX_ORGANIZATION_IDS: Readonly<Record<Country, string>> = { PL: POLAND.id, CZ: CZECHIA.id };

function personId(org: OrganizationSeed, key: string): string {
  const person = org.people.find((p) => p.key === key);
  if (!person) throw new Error(`seed: no person ${key}`);
  return person.id ?? seedId("emp", person.createdAt, `${org.country}:person:${key}`);
}

function projectId(org: OrganizationSeed, key: string): string {
  const project = org.projects.find((p) => p.key === key);
  if (!project) throw new Error(`seed: no project ${key}`);
  return project.id ?? seedId("prj", project.createdAt, `${org.country}:project:${key}`);
}

function taskId(org: OrganizationSeed, key: string): string {
  const task = org.tasks.find((t) => t.key === key);
  if (!task) throw new Error(`seed: no task ${key}`);
  return task.id ?? seedId("tsk", task.createdAt, `${org.country}:task:${key}`);
}

/** The published keys: for each organization, its admin, a manager and an employee, each with a `full` and a `read` key. */
export const SANDBOX_KEYS: readonly SandboxKey[] = ORGANIZATIONS.flatMap((org) =>
  (["admin", "manager", "employee"] as const).flatMap((role) =>
    (["full", "read"] as const).map((scope): SandboxKey => {
      const key = org.roles[role];
      const person = org.people.find((p) => p.key === key);
      return {
        id:
          org === POLAND && role === "admin" && scope === "full"
            ? "key_1Df3Gh5Jk7Lz9Xc0"
            : seedId("key", KEY_CREATED_AT, `${org.country}:key:${role}:${scope}`),
        organizationId: org.id,
        organizationName: org.name,
        country: org.country,
        employeeId: personId(org, key),
        employeeName: person?.name ?? key,
        role,
        scope,
        secret: testKeySecret(org.country, role, scope),
      };
    }),
  ),
);

// ---------------------------------------------------------------------------------------------
// Building the rows

type Row<T extends keyof Database> = Insertable<Database[T]>;

/** Every row of one organization's seed, ready to insert. */
export interface SeedRows {
  readonly organization: Row<"organizations">;
  readonly employees: Row<"employees">[];
  readonly projects: Row<"projects">[];
  readonly tasks: Row<"tasks">[];
  readonly sessions: Row<"sessions">[];
  readonly activities: Row<"activities">[];
  readonly leaveRequests: Row<"leave_requests">[];
  readonly events: Row<"events">[];
}

const d = (iso: string) => new Date(iso);

function approverOf(org: OrganizationSeed, personKey: string): string {
  const person = org.people.find((p) => p.key === personKey);
  return personId(org, person?.manager ?? personKey);
}

/** A deterministic pseudo-random sequence (mulberry32) for activity figures. */
function random(label: string): () => number {
  let state = Number.parseInt(createHash("sha256").update(label).digest("hex").slice(0, 8), 16);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS: Record<string, readonly string[]> = {
  web: ["Figma", "Google Chrome", "Visual Studio Code", "Slack"],
  wsa: ["Android Studio", "Visual Studio Code", "Slack", "Google Chrome"],
  esh: ["Visual Studio Code", "Firefox", "Slack", "Terminal"],
  int: ["Terminal", "Visual Studio Code", "Slack", "Firefox"],
};
const DOMAINS: Record<string, readonly string[]> = {
  web: ["figma.com", "github.com", "baltyk-logistics.pl"],
  wsa: ["developer.android.com", "github.com", "gs1.org"],
  esh: ["github.com", "gopay.com", "developer.mozilla.org"],
  int: ["github.com", "grafana.com", "docs.docker.com"],
};

/**
 * Ten-minute activity intervals for a session whose overall figures average `target`
 * (deterministic; the last interval may be shorter).
 */
function activitiesFor(
  org: OrganizationSeed,
  session: { id: string; employee_id: string; started_at: Date; ended_at: Date; project: string },
  target: number,
): Row<"activities">[] {
  const next = random(`${SEED_VERSION}:${session.id}`);
  const rows: Row<"activities">[] = [];
  const apps = APPS[session.project] ?? APPS.int ?? [];
  const domains = DOMAINS[session.project] ?? DOMAINS.int ?? [];
  const end = session.ended_at.getTime();
  const deviations: number[] = [];
  for (let t = session.started_at.getTime(); t < end; t += 600_000) deviations.push(Math.round((next() - 0.5) * 30));
  // Centre the deviations so the intervals average exactly the target.
  const mean = deviations.reduce((a, b) => a + b, 0) / Math.max(1, deviations.length);
  let i = 0;
  for (let t = session.started_at.getTime(); t < end; t += 600_000, i++) {
    const periodEnd = Math.min(t + 600_000, end);
    const seconds = (periodEnd - t) / 1000;
    const overall = Math.max(0, Math.min(100, target + Math.round((deviations[i] ?? 0) - mean)));
    const keyboard = Math.max(0, Math.min(overall, overall - 10 + Math.round(next() * 8)));
    const mouse = Math.max(0, Math.min(overall, overall - Math.round(next() * 12)));
    const first = Math.round(seconds * (0.55 + next() * 0.2));
    const browser = Math.round((seconds - first) * 0.6);
    rows.push({
      id: seedId("act", new Date(t), `${org.country}:${session.id}:${i}`),
      organization_id: org.id,
      session_id: session.id,
      employee_id: session.employee_id,
      period_start: new Date(t),
      period_end: new Date(periodEnd),
      keyboard_percent: keyboard,
      mouse_percent: mouse,
      overall_percent: overall,
      apps: JSON.stringify(
        [
          { name: apps[i % apps.length] ?? "Terminal", seconds: first },
          { name: apps[(i + 1) % apps.length] ?? "Slack", seconds: seconds - first },
        ].filter((a) => a.seconds > 0),
      ),
      urls: JSON.stringify(
        browser > 0 ? [{ domain: domains[i % domains.length] ?? "github.com", seconds: browser }] : [],
      ),
      created_at: new Date(periodEnd + 30_000),
    });
  }
  return rows;
}

function averageOverall(rows: readonly Row<"activities">[]): number | null {
  let weighted = 0;
  let total = 0;
  for (const row of rows) {
    const seconds = (new Date(row.period_end).getTime() - new Date(row.period_start).getTime()) / 1000;
    weighted += row.overall_percent * seconds;
    total += seconds;
  }
  return total > 0 ? Math.round(weighted / total) : null;
}

/** The days (`YYYY-MM-DD`) someone is away on approved leave. */
function daysAway(org: OrganizationSeed, personKey: string): Set<string> {
  const away = new Set<string>();
  for (const leave of org.leave) {
    if (leave.employee !== personKey || leave.status !== "approved") continue;
    for (let day = leave.start; day <= leave.end; day = addDays(day, 1)) away.add(day);
  }
  return away;
}

/** The start of the running sessions' clock: `now` to the minute, never before 2 November 2026. */
function runningClock(now: Date): number {
  return Math.floor(Math.max(now.getTime(), RUNNING_NOT_BEFORE) / 60_000) * 60_000;
}

/**
 * Builds one organization's seed rows. Pure: the same `now` gives the same rows, and only the
 * running sessions (and their events) depend on `now` at all.
 */
export function buildSeed(country: Country, now: Date): SeedRows {
  const org = country === "PL" ? POLAND : CZECHIA;
  const defaults = COUNTRY_DEFAULTS[country];
  const tz = defaults.timeZone;

  const organization: Row<"organizations"> = {
    id: org.id,
    name: org.name,
    country,
    time_zone: tz,
    currency: defaults.currency,
    settings: JSON.stringify(defaults.settings),
    mode: "test",
    created_at: d(org.createdAt),
    updated_at: d(org.updatedAt),
  };

  const employees = org.people.map(
    (p): Row<"employees"> => ({
      id: personId(org, p.key),
      organization_id: org.id,
      name: p.name,
      email: p.email,
      role: p.role,
      status: "active",
      manager_id: p.manager ? personId(org, p.manager) : null,
      country,
      time_zone: tz,
      weekly_hours_norm: p.weeklyHours ?? defaults.settings.weekly_hours_norm,
      hourly_rate_minor: p.rateMinor,
      hourly_rate_currency: defaults.currency,
      payroll_number: p.payroll,
      clock_card_number: p.card,
      metadata: JSON.stringify(p.metadata ?? {}),
      created_at: d(p.createdAt),
      updated_at: d(p.createdAt),
      deactivated_at: null,
    }),
  );

  const projects = org.projects.map(
    (p): Row<"projects"> => ({
      id: projectId(org, p.key),
      organization_id: org.id,
      name: p.name,
      code: p.code,
      client_name: p.client,
      color: p.color,
      status: p.closedAt ? "closed" : "open",
      billable: p.billable,
      hourly_rate_minor: p.rateMinor,
      hourly_rate_currency: p.rateMinor === null ? null : defaults.currency,
      budget_hours: p.budgetHours,
      description: p.description,
      metadata: JSON.stringify(p.metadata ?? {}),
      created_at: d(p.createdAt),
      updated_at: d(p.updatedAt ?? p.createdAt),
      closed_at: p.closedAt ? d(p.closedAt) : null,
    }),
  );

  const tasks = org.tasks.map(
    (t): Row<"tasks"> => ({
      id: taskId(org, t.key),
      organization_id: org.id,
      project_id: projectId(org, t.project),
      name: t.name,
      description: t.description,
      status: t.closedAt ? "closed" : "open",
      assignee_ids: JSON.stringify(t.assignees.map((a) => personId(org, a))),
      estimate_seconds: t.estimateSeconds,
      created_at: d(t.createdAt),
      updated_at: d(t.updatedAt ?? t.createdAt),
      closed_at: t.closedAt ? d(t.closedAt) : null,
    }),
  );

  const billableProject = (key: string | null) => org.projects.find((p) => p.key === key)?.billable ?? false;
  const sessions: Row<"sessions">[] = [];
  const activities: Row<"activities">[] = [];
  const sessionRows: SessionRow[] = [];
  const events: Row<"events">[] = [];

  const addSession = (
    person: PersonSeed,
    date: string | null,
    s: {
      id: string;
      project: string | null;
      task: string | null;
      startedAt: Date;
      endedAt: Date | null;
      source: string;
      note: string | null;
      createdAt?: Date;
      approvedAt?: Date;
      activityPercent?: number;
    },
  ) => {
    const employeeId = personId(org, person.key);
    const rejection = date ? org.rejected.find(([who, day]) => who === person.key && day === date) : undefined;
    // Weeks up to 23 October were approved on the following Monday; the last week waits for approval.
    const decided = date !== null && date <= "2026-10-23";
    const decidedAt = s.approvedAt ?? (date ? atLocal(nextMonday(date), "09:15", tz) : null);
    const status = rejection ? "rejected" : decided ? "approved" : "pending";
    let activityPercent: number | null = null;
    if (s.endedAt && s.activityPercent !== undefined) {
      const rows = activitiesFor(
        org,
        {
          id: s.id,
          employee_id: employeeId,
          started_at: s.startedAt,
          ended_at: s.endedAt,
          project: s.project ?? "int",
        },
        s.activityPercent,
      );
      activities.push(...rows);
      activityPercent = averageOverall(rows);
    }
    const row: SessionRow = {
      id: s.id,
      organization_id: org.id,
      employee_id: employeeId,
      project_id: s.project ? projectId(org, s.project) : null,
      task_id: s.task ? taskId(org, s.task) : null,
      started_at: s.startedAt,
      ended_at: s.endedAt,
      billable: billableProject(s.project),
      source: s.source,
      note: s.note,
      metadata: {},
      approval_status: status,
      approved_by: status === "approved" ? approverOf(org, person.key) : null,
      approved_at: status === "approved" ? decidedAt : null,
      rejection_reason: rejection ? rejection[2] : null,
      activity_percent: activityPercent,
      created_at: s.createdAt ?? s.startedAt,
      updated_at: status !== "pending" && decidedAt ? decidedAt : (s.endedAt ?? s.startedAt),
    };
    sessionRows.push(row);
    sessions.push({ ...row, metadata: JSON.stringify(row.metadata) });
  };

  for (const person of org.people) {
    const away = daysAway(org, person.key);
    for (let date: string = SEED_MONTH.from; date <= SEED_MONTH.to; date = addDays(date, 1)) {
      if (!isWorkingDay(country, date) || away.has(date) || date < person.createdAt.slice(0, 10)) continue;
      const special = person.specialDays?.[date];
      if (special) {
        for (const s of special) {
          addSession(person, date, {
            id: s.id,
            project: s.project,
            task: s.task,
            startedAt: d(s.startedAt),
            endedAt: d(s.endedAt),
            source: s.source,
            note: s.note,
            ...(s.createdAt ? { createdAt: d(s.createdAt) } : {}),
            ...(s.approvedAt ? { approvedAt: d(s.approvedAt) } : {}),
            ...(s.activityPercent !== undefined ? { activityPercent: s.activityPercent } : {}),
          });
        }
        continue;
      }
      const jitter = JITTER[Number(date.slice(8, 10)) % JITTER.length] ?? 0;
      person.workday(date).forEach((w, i) => {
        const startedAt = atLocal(date, addMinutes(w.from, jitter), tz);
        const endedAt = atLocal(date, addMinutes(w.to, jitter), tz);
        // Desktop sessions of the last week carry the tracking client's activity intervals.
        const tracked = w.source === "desktop" && date >= "2026-10-26";
        addSession(person, date, {
          id: seedId("ses", startedAt, `${country}:${person.key}:${date}:${i}`),
          project: w.project,
          task: w.task,
          startedAt,
          endedAt,
          source: w.source,
          note: w.note,
          ...(tracked ? { activityPercent: 62 + (Number(date.slice(8, 10)) % 5) * 4 } : {}),
        });
      });
    }
  }

  // The sessions running now, and their session.started events.
  const live = runningRows(org, now);
  sessions.push(...live.sessions);
  events.push(...live.events);
  // The docs' session, approved: its session.approved event.
  const docsSession = sessionRows.find((r) => r.id === "ses_5Op7As9Df1Gh3Jk4");
  if (docsSession?.approved_at)
    events.push(sessionEvent(org, "session.approved", docsSession, docsSession.approved_at));
  for (const row of sessionRows.filter((r) => r.approval_status === "rejected")) {
    const at = atLocal(nextMonday(row.started_at.toISOString().slice(0, 10)), "09:15", tz);
    events.push(sessionEvent(org, "session.rejected", row, at));
  }

  const leaveRequests: Row<"leave_requests">[] = [];
  for (const l of org.leave) {
    const person = org.people.find((p) => p.key === l.employee);
    const days = workingDays(country, { start: l.start, end: l.end, halfDayStart: false, halfDayEnd: false });
    const decidedAt = l.decidedAt ? d(l.decidedAt) : null;
    const cancelledAt = l.cancelledAt ? d(l.cancelledAt) : null;
    const row: LeaveRequestRow = {
      id: l.id ?? seedId("lv", l.createdAt, `${country}:leave:${l.key}`),
      organization_id: org.id,
      employee_id: personId(org, l.employee),
      type: l.type,
      status: l.status,
      start_date: l.start,
      end_date: l.end,
      half_day_start: false,
      half_day_end: false,
      days,
      hours: leaveHours(days, person?.weeklyHours ?? defaults.settings.weekly_hours_norm),
      note: l.note,
      decided_by: l.decidedBy ? personId(org, l.decidedBy) : null,
      decided_at: decidedAt,
      decision_note: l.decisionNote ?? null,
      cancelled_at: cancelledAt,
      created_at: d(l.createdAt),
      updated_at: cancelledAt ?? decidedAt ?? d(l.createdAt),
    };
    leaveRequests.push(row);
    const type =
      l.status === "requested"
        ? "leave.requested"
        : l.status === "approved"
          ? "leave.approved"
          : l.status === "rejected"
            ? "leave.rejected"
            : "leave.cancelled";
    events.push(leaveEvent(org, type, row, row.updated_at));
  }

  events.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { organization, employees, projects, tasks, sessions, activities, leaveRequests, events };
}

/** The seed's sessions running at `now` (2 h and 1 h 15 min before it, to the minute) and their session.started events. */
function runningRows(org: OrganizationSeed, now: Date): { sessions: Row<"sessions">[]; events: Row<"events">[] } {
  const clock = runningClock(now);
  const sessions: Row<"sessions">[] = [];
  const events: Row<"events">[] = [];
  for (const person of org.people) {
    if (!person.running) continue;
    const startedAt = new Date(clock - person.running.minutesAgo * 60_000);
    const row: SessionRow = {
      id: seedId("ses", startedAt, `${org.country}:${person.key}:running`),
      organization_id: org.id,
      employee_id: personId(org, person.key),
      project_id: person.running.project ? projectId(org, person.running.project) : null,
      task_id: person.running.task ? taskId(org, person.running.task) : null,
      started_at: startedAt,
      ended_at: null,
      billable: org.projects.find((p) => p.key === person.running?.project)?.billable ?? false,
      source: person.running.source,
      note: person.running.note,
      metadata: {},
      approval_status: "pending",
      approved_by: null,
      approved_at: null,
      rejection_reason: null,
      activity_percent: null,
      created_at: startedAt,
      updated_at: startedAt,
    };
    sessions.push({ ...row, metadata: JSON.stringify(row.metadata) });
    events.push(sessionEvent(org, "session.started", row, startedAt));
  }
  return { sessions, events };
}

function sessionEvent(org: OrganizationSeed, type: string, row: SessionRow, at: Date): Row<"events"> {
  return {
    id: seedId("evt", at, `${org.country}:event:${type}:${row.id}`),
    organization_id: org.id,
    type,
    api_version: EVENT_API_VERSION,
    data: JSON.stringify(toSession(row)),
    resource_ids: JSON.stringify(
      [row.id, row.employee_id, row.project_id, row.task_id].filter((id): id is string => id !== null),
    ),
    employee_id: row.employee_id,
    created_at: at,
  };
}

function leaveEvent(org: OrganizationSeed, type: string, row: LeaveRequestRow, at: Date): Row<"events"> {
  return {
    id: seedId("evt", at, `${org.country}:event:${type}:${row.id}`),
    organization_id: org.id,
    type,
    api_version: EVENT_API_VERSION,
    data: JSON.stringify(toLeaveRequest(row)),
    resource_ids: JSON.stringify([row.id, row.employee_id]),
    employee_id: row.employee_id,
    created_at: at,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing the seed

async function insertMany<T extends keyof Database>(db: Db, table: T, rows: readonly Row<T>[]): Promise<void> {
  // Batches stay far below PostgreSQL's 65,535 parameters per statement.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto(table)
      // biome-ignore lint/suspicious/noExplicitAny: Kysely's insert over a union of table names
      .values(rows.slice(i, i + 500) as any)
      .execute();
  }
}

/** Inserts everything of the seed but the organization and its employees (which reset updates in place). */
async function insertData(db: Db, rows: SeedRows): Promise<void> {
  await insertMany(db, "projects", rows.projects);
  await insertMany(db, "tasks", rows.tasks);
  await insertMany(db, "sessions", rows.sessions);
  await insertMany(db, "activities", rows.activities);
  await insertMany(db, "leave_requests", rows.leaveRequests);
  await insertMany(db, "events", rows.events);
}

/** Inserts the employees, managers before their reports (the manager_id foreign key). */
async function insertEmployees(db: Db, employees: readonly Row<"employees">[]): Promise<void> {
  const first = employees.map((e) => ({ ...e, manager_id: null }));
  await insertMany(db, "employees", first);
  for (const e of employees) {
    if (e.manager_id)
      await db.updateTable("employees").set({ manager_id: e.manager_id }).where("id", "=", e.id).execute();
  }
}

/** The published keys of an organization, restored to working order (active, unexpired, as published). */
async function restoreKeys(db: Db, organizationId: string): Promise<void> {
  for (const key of SANDBOX_KEYS.filter((k) => k.organizationId === organizationId)) {
    const made = describeSecret(key.secret);
    const values = {
      id: key.id,
      organization_id: key.organizationId,
      employee_id: key.employeeId,
      name: `Sandbox: ${key.employeeName} (${key.role}, ${key.scope})`,
      scope: key.scope,
      mode: "test" as const,
      prefix: made.prefix,
      last_four: made.lastFour,
      secret_hash: made.hash,
      rate_limit_per_hour: SANDBOX_KEY_RATE_LIMIT,
      expires_at: null,
      last_used_at: null,
      last_used_ip: null,
      revoked_at: null,
      rotated_to: null,
      created_at: d(KEY_CREATED_AT),
      created_by: key.employeeId,
    };
    await db
      .insertInto("api_keys")
      .values(values)
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({
          employee_id: values.employee_id,
          scope: values.scope,
          mode: values.mode,
          secret_hash: values.secret_hash,
          rate_limit_per_hour: values.rate_limit_per_hour,
          expires_at: null,
          revoked_at: null,
          rotated_to: null,
        }),
      )
      .execute();
  }
}

function seedOf(organizationId: string): OrganizationSeed | undefined {
  return ORGANIZATIONS.find((o) => o.id === organizationId);
}

/** Whether `organizationId` is one of the seeded sandbox organizations. */
export function isSandboxOrganization(organizationId: string): boolean {
  return seedOf(organizationId) !== undefined;
}

/** The employee a sandbox sample is about by default: Jan Kowalski in the Polish organization. */
export function defaultSampleEmployee(organizationId: string): string | null {
  const org = seedOf(organizationId);
  return org ? personId(org, org.roles.employee) : null;
}

/**
 * Seeds the sandbox organizations that are not in the database yet, with their published keys.
 * Idempotent: an organization that exists is left as it is (a persistent sandbox keeps its data
 * across restarts; reset it with `POST /v1/sandbox/reset`).
 *
 * @returns the ids of the organizations it seeded.
 */
export async function ensureSandboxSeed(db: Db, now: Date): Promise<string[]> {
  const seeded: string[] = [];
  for (const org of ORGANIZATIONS) {
    await db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom("organizations").select("id").where("id", "=", org.id).executeTakeFirst();
      if (exists) return;
      const rows = buildSeed(org.country, now);
      await trx.insertInto("organizations").values(rows.organization).execute();
      await insertEmployees(trx, rows.employees);
      await insertData(trx, rows);
      await restoreKeys(trx, org.id);
      seeded.push(org.id);
    });
  }
  return seeded;
}

/**
 * The clock a cached sandbox database is seeded at: its running sessions start 2 h and 1 h 15 min
 * before it, and `moveRunningSessions` moves them to the real clock after the cache is loaded.
 */
export const SEED_CACHE_CLOCK: Date = new Date(RUNNING_NOT_BEFORE);

/**
 * Moves the seed's running sessions, and their `session.started` events, from where a seed at
 * `from` put them to where a seed at `to` puts them, in both organizations. For a database
 * seeded at `from` (a cached one) whose running sessions nobody has touched.
 */
export async function moveRunningSessions(db: Db, from: Date, to: Date): Promise<void> {
  if (runningClock(from) === runningClock(to)) return;
  await db.transaction().execute(async (trx) => {
    for (const org of ORGANIZATIONS) {
      const before = runningRows(org, from);
      const after = runningRows(org, to);
      const oldEvents = before.events.map((e) => e.id);
      const oldSessions = before.sessions.map((s) => s.id);
      if (oldEvents.length) await trx.deleteFrom("events").where("id", "in", oldEvents).execute();
      if (oldSessions.length) await trx.deleteFrom("sessions").where("id", "in", oldSessions).execute();
      await insertMany(trx, "sessions", after.sessions);
      await insertMany(trx, "events", after.events);
    }
  });
}

/** Tables an organization's reset keeps: the integration's setup and the records about it. */
function keptOnReset(table: string): boolean {
  return (
    ["organizations", "employees", "api_keys", "idempotency_keys", "audit_log"].includes(table) ||
    /^(webhook_endpoint|incoming_webhook|oauth)/.test(table)
  );
}

interface ForeignKey {
  readonly child: string;
  readonly column: string;
  readonly parent: string;
  readonly parentColumn: string;
}

async function schemaTables(db: Db): Promise<{ withOrganization: string[]; foreignKeys: ForeignKey[] }> {
  const columns = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where column_name = 'organization_id' and table_schema = current_schema()
    order by table_name`.execute(db);
  const keys = await sql<ForeignKey>`
    select child.relname as child, a.attname as column, parent.relname as parent, pa.attname as "parentColumn"
    from pg_constraint c
    join pg_class child on child.oid = c.conrelid
    join pg_class parent on parent.oid = c.confrelid
    join pg_namespace n on n.oid = child.relnamespace
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  return { withOrganization: columns.rows.map((r) => r.table_name), foreignKeys: keys.rows };
}

/** Deletes an organization's rows from every table reset clears, children before parents. */
async function clearOrganizationData(db: Db, organizationId: string): Promise<void> {
  const { withOrganization, foreignKeys } = await schemaTables(db);
  const clear = new Set(withOrganization.filter((t) => !keptOnReset(t)));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: string[] = [];
  // Depth-first: a table comes after every table that references it.
  const visit = (table: string) => {
    if (done.has(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const fk of foreignKeys) if (fk.parent === table && fk.child !== table && clear.has(fk.child)) visit(fk.child);
    visiting.delete(table);
    done.add(table);
    order.push(table);
  };
  for (const table of [...clear].sort()) visit(table);
  for (const table of order) {
    // Rows of tables without organization_id that point at this organization's rows go first.
    for (const fk of foreignKeys) {
      if (fk.parent !== table || withOrganization.includes(fk.child)) continue;
      await sql`delete from ${sql.table(fk.child)} where ${sql.ref(fk.column)} in (
        select ${sql.ref(fk.parentColumn)} from ${sql.table(table)} where organization_id = ${organizationId})`.execute(
        db,
      );
    }
    await sql`delete from ${sql.table(table)} where organization_id = ${organizationId}`.execute(db);
  }
}

/**
 * Restores a seeded sandbox organization to its seed, in the caller's transaction: the
 * organization's settings, its employees, projects, tasks, sessions, activities, leave and
 * events (and any other data table, such as compliance alerts, exports and webhook deliveries)
 * go back to the seed. Kept: API keys (the published ones are made active again), webhook
 * endpoints, incoming webhooks, OAuth apps and tokens, idempotency records and the audit log;
 * employees added through the API stay only while a kept record (their API key) refers to them.
 *
 * @throws Error when `organizationId` is not a seeded sandbox organization.
 */
export async function resetSandboxOrganization(db: Db, organizationId: string, now: Date): Promise<void> {
  const org = seedOf(organizationId);
  if (!org) throw new Error(`${organizationId} is not a sandbox organization`);
  const rows = buildSeed(org.country, now);
  await clearOrganizationData(db, organizationId);

  const { organization } = rows;
  await db
    .updateTable("organizations")
    .set({
      name: organization.name,
      country: organization.country,
      time_zone: organization.time_zone,
      currency: organization.currency,
      settings: organization.settings,
      mode: organization.mode,
      created_at: organization.created_at,
      updated_at: organization.updated_at,
    })
    .where("id", "=", organizationId)
    .execute();

  // Employees the seed does not have: kept while a kept record refers to them, else deleted.
  const seedIds = rows.employees.map((e) => e.id);
  await db
    .updateTable("employees")
    .set({ manager_id: null })
    .where("organization_id", "=", organizationId)
    .where("id", "not in", seedIds)
    .execute();
  const { foreignKeys } = await schemaTables(db);
  const referencing = foreignKeys.filter((fk) => fk.parent === "employees" && fk.child !== "employees");
  await sql`
    delete from employees e
    where e.organization_id = ${organizationId}
      and e.id not in (${sql.join(seedIds)})
      ${sql.join(
        referencing.map(
          (fk) => sql`and not exists (select 1 from ${sql.table(fk.child)} r where r.${sql.ref(fk.column)} = e.id)`,
        ),
        sql` `,
      )}`.execute(db);
  // A kept employee who took over a seed email gives it back.
  const seedEmails = rows.employees.map((e) => e.email.toLowerCase());
  const clashing = await db
    .selectFrom("employees")
    .select(["id", "email"])
    .where("organization_id", "=", organizationId)
    .where("id", "not in", seedIds)
    .where(sql`lower(email)`, "in", seedEmails)
    .execute();
  for (const e of clashing) {
    const [local, domain] = e.email.split("@");
    await db
      .updateTable("employees")
      .set({ email: `${local}+${e.id}@${domain}` })
      .where("id", "=", e.id)
      .execute();
  }
  // The seed's employees, as seeded (managers linked after every row exists).
  for (const e of rows.employees) {
    const { id, organization_id, ...values } = e;
    await db
      .insertInto("employees")
      .values({ ...e, manager_id: null })
      .onConflict((oc) => oc.column("id").doUpdateSet({ ...values, manager_id: null }))
      .execute();
  }
  for (const e of rows.employees) {
    if (e.manager_id)
      await db.updateTable("employees").set({ manager_id: e.manager_id }).where("id", "=", e.id).execute();
  }

  await insertData(db, rows);
  await restoreKeys(db, organizationId);
}
