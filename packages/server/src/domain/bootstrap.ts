import { defaultLabourRules, type LabourRules } from "@timecard/payroll";
import { newId } from "../ids.js";
import type { OrganizationSettings } from "../storage/schema.js";
import type { Db, Role } from "./actor.js";
import { createKeySecret, describeSecret, type KeyMode } from "./api-key-secret.js";

/** An organization's working-time settings, as stored, from the labour engine's rules. */
function settingsOf(rules: LabourRules, leave: OrganizationSettings["leave"]): OrganizationSettings {
  return {
    weekly_hours_norm: rules.weeklyHoursNorm,
    daily_hours_norm: rules.dailyHoursNorm,
    settlement_period_months: rules.settlementPeriodMonths,
    night_start: rules.nightStart,
    night_end: rules.nightEnd,
    overtime: {
      weekly_threshold_hours: rules.overtime.weeklyThresholdHours,
      yearly_cap_hours: rules.overtime.yearlyCapHours,
      yearly_warning_ratio: rules.overtime.yearlyWarningRatio,
    },
    leave,
  };
}

const PL = defaultLabourRules("PL");
const CZ = defaultLabourRules("CZ");

/**
 * The labour-law defaults of each country (cited in the spec's organization settings): the
 * working-time rules are the labour engine's (`defaultLabourRules` of @timecard/payroll), leave
 * is counted here: PL Kodeks pracy art. 154 (20 or 26 days) and art. 167² (4 on demand), CZ
 * zákoník práce § 213 (4 weeks).
 */
export const COUNTRY_DEFAULTS: Record<
  "PL" | "CZ",
  { timeZone: string; currency: "PLN" | "CZK"; settings: OrganizationSettings }
> = {
  PL: { timeZone: PL.timeZone, currency: "PLN", settings: settingsOf(PL, { annual_days: 26, on_demand_days: 4 }) },
  CZ: { timeZone: CZ.timeZone, currency: "CZK", settings: settingsOf(CZ, { annual_days: 20, on_demand_days: 0 }) },
};

/** A new organization's first details. */
export interface NewOrganization {
  readonly name: string;
  readonly country: "PL" | "CZ";
  readonly mode?: KeyMode;
  readonly id?: string;
  readonly now?: Date;
}

/** Creates an organization (there is no API for it: operators and the sandbox call this). */
export async function createOrganization(db: Db, input: NewOrganization): Promise<string> {
  const now = input.now ?? new Date();
  const defaults = COUNTRY_DEFAULTS[input.country];
  const id = input.id ?? newId("org", now);
  await db
    .insertInto("organizations")
    .values({
      id,
      name: input.name,
      country: input.country,
      time_zone: defaults.timeZone,
      currency: defaults.currency,
      settings: JSON.stringify(defaults.settings),
      mode: input.mode ?? "live",
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** A person to add directly (bootstrap and seed data; the API's createEmployee is the normal way). */
export interface NewPerson {
  readonly organizationId: string;
  readonly name: string;
  readonly email: string;
  readonly role: Role;
  readonly managerId?: string | null;
  readonly country?: "PL" | "CZ";
  readonly id?: string;
  readonly payrollNumber?: string | null;
  readonly clockCardNumber?: string | null;
  readonly hourlyRateMinor?: number | null;
  readonly now?: Date;
}

/** Inserts an employee. */
export async function createPerson(db: Db, input: NewPerson): Promise<string> {
  const now = input.now ?? new Date();
  const org = await db
    .selectFrom("organizations")
    .select(["country", "time_zone", "currency", "settings"])
    .where("id", "=", input.organizationId)
    .executeTakeFirstOrThrow();
  const id = input.id ?? newId("emp", now);
  await db
    .insertInto("employees")
    .values({
      id,
      organization_id: input.organizationId,
      name: input.name,
      email: input.email,
      role: input.role,
      status: "active",
      manager_id: input.managerId ?? null,
      country: input.country ?? org.country,
      time_zone: org.time_zone,
      weekly_hours_norm: org.settings.weekly_hours_norm,
      hourly_rate_minor: input.hourlyRateMinor ?? null,
      hourly_rate_currency: input.hourlyRateMinor == null ? null : org.currency,
      payroll_number: input.payrollNumber ?? null,
      clock_card_number: input.clockCardNumber ?? null,
      metadata: "{}",
      created_at: now,
      updated_at: now,
      deactivated_at: null,
    })
    .execute();
  return id;
}

/** A key to issue directly. */
export interface NewKey {
  readonly organizationId: string;
  readonly employeeId: string;
  readonly name: string;
  readonly scope: "read" | "full";
  readonly mode: KeyMode;
  readonly rateLimitPerHour?: number;
  readonly expiresAt?: Date | null;
  /** A fixed secret (the sandbox's published test keys); random otherwise. */
  readonly secret?: string;
  readonly now?: Date;
}

/** Issues an API key and returns its id and secret (shown once; only its hash is stored). */
export async function issueApiKey(db: Db, input: NewKey): Promise<{ id: string; secret: string }> {
  const now = input.now ?? new Date();
  const made = input.secret ? describeSecret(input.secret) : createKeySecret(input.mode);
  const id = newId("key", now);
  await db
    .insertInto("api_keys")
    .values({
      id,
      organization_id: input.organizationId,
      employee_id: input.employeeId,
      name: input.name,
      scope: input.scope,
      mode: input.mode,
      prefix: made.prefix,
      last_four: made.lastFour,
      secret_hash: made.hash,
      rate_limit_per_hour: input.rateLimitPerHour ?? 1000,
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
      last_used_ip: null,
      revoked_at: null,
      rotated_to: null,
      created_at: now,
      created_by: input.employeeId,
    })
    .execute();
  return { id, secret: made.secret };
}
