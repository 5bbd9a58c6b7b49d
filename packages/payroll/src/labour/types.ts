// The labour-law engine's contract: what goes in (sessions, rules, leave) and what comes out
// (pieces of work on local days, split the way the labour codes count them). Reports, compliance
// checks and every payroll format read the same pieces, so their hours always agree.

/** A country Timecard serves: Poland (Kodeks pracy) or Czechia (zákoník práce). */
export type Country = "PL" | "CZ";

/**
 * What kind of day a local calendar date is for the labour code. A public holiday that falls on a
 * Saturday or a Sunday is a `holiday`.
 */
export type DayKind = "working" | "saturday" | "sunday" | "holiday";

/** An organization's working-time rules (its settings), with the country's defaults. */
export interface LabourRules {
  readonly country: Country;
  /** IANA time zone in which days, weeks and months are counted (`Europe/Warsaw`). */
  readonly timeZone: string;
  /** Hours of an even working day (PL art. 129 § 1: 8; CZ § 79: 40 a week over 5 days). */
  readonly dailyHoursNorm: number;
  /** Hours of a full-time week (PL art. 129 § 1, CZ § 79: 40). */
  readonly weeklyHoursNorm: number;
  /** Months in the settlement period (PL okres rozliczeniowy, art. 129 § 1; CZ vyrovnávací období). */
  readonly settlementPeriodMonths: number;
  /** Local `HH:MM` at which the night window starts (PL art. 151⁷ default 22:00; CZ § 78 22:00). */
  readonly nightStart: string;
  /** Local `HH:MM` at which the night window ends (06:00 by default in both countries). */
  readonly nightEnd: string;
  readonly overtime: {
    /** Hours worked in a week after which a weekly warning goes out. */
    readonly weeklyThresholdHours: number;
    /** Overtime hours allowed in a calendar year (PL art. 151 § 3 and CZ § 93 odst. 2: 150). */
    readonly yearlyCapHours: number;
    /** Share of the cap at which the yearly warning goes out (0.8). */
    readonly yearlyWarningRatio: number;
  };
}

/** A completed work session, as the engine reads it. */
export interface WorkSession {
  readonly id: string;
  readonly employeeId: string;
  readonly projectId: string | null;
  readonly taskId: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
}

/** Seconds of work split the way the labour codes count them. */
export interface HoursSplit {
  /** All the time worked. Always `regularSeconds + overtimeSeconds`. */
  readonly workedSeconds: number;
  /** Work within the daily norm on a working day. */
  readonly regularSeconds: number;
  /** Work beyond the daily norm on a working day, and all work on other days. */
  readonly overtimeSeconds: number;
  /** Work inside the night window (a subset of worked, independent of regular/overtime). */
  readonly nightSeconds: number;
  /** Work on Sundays and public holidays (a subset of worked). */
  readonly sundayHolidaySeconds: number;
}

/**
 * The part of one session worked on one local calendar day (sessions crossing midnight give
 * a piece per day), with its split. Every second of a session is in exactly one piece.
 */
export interface WorkPiece extends HoursSplit {
  readonly sessionId: string;
  readonly employeeId: string;
  readonly projectId: string | null;
  readonly taskId: string | null;
  /** The local date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly dayKind: DayKind;
  readonly start: Date;
  readonly end: Date;
}

/** A leave type of the API (`vacation`, `on_demand`, `sick`, `unpaid`, `childcare`, `other`). */
export type LeaveType = "vacation" | "on_demand" | "sick" | "unpaid" | "childcare" | "other";

/** One working day (or half day) of approved leave. */
export interface LeaveDay {
  readonly employeeId: string;
  /** The local date, `YYYY-MM-DD`: always a working day. */
  readonly date: string;
  readonly type: LeaveType;
  /** 1, or 0.5 for a half day. */
  readonly days: number;
  /** `days` × the daily norm, in seconds. */
  readonly seconds: number;
}

/** An approved leave request, as `expandLeave` reads it: whole days, maybe half days at the ends. */
export interface LeavePeriod {
  readonly employeeId: string;
  readonly type: LeaveType;
  /** The first day, `YYYY-MM-DD`. */
  readonly startDate: string;
  /** The last day (included), `YYYY-MM-DD`. */
  readonly endDate: string;
  /** Only the afternoon half of `startDate` is taken. */
  readonly halfDayStart: boolean;
  /** Only the morning half of `endDate` is taken. */
  readonly halfDayEnd: boolean;
}

/** A range of local calendar days, both ends included (`YYYY-MM-DD`). */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/** A settlement period (PL okres rozliczeniowy, CZ vyrovnávací období): local dates, both included. */
export interface SettlementPeriod {
  /** The first day, `YYYY-MM-DD`. */
  readonly start: string;
  /** The last day (included), `YYYY-MM-DD`. */
  readonly end: string;
  /** Its length in months, as the rules set it. */
  readonly months: number;
}

/** `ok` below the warning ratio of the yearly cap, `approaching` from it on, `exceeded` above the cap. */
export type OvertimeStatus = "ok" | "approaching" | "exceeded";

/** One week (Monday to Sunday) of a settlement period; only the period's days are counted. */
export interface OvertimeWeek {
  /** The Monday, `YYYY-MM-DD` (maybe before the period starts). */
  readonly weekStart: string;
  readonly workedSeconds: number;
  readonly overtimeSeconds: number;
  /** More was worked than `overtime.weeklyThresholdHours`. */
  readonly overThreshold: boolean;
}

/** One employee's overtime of a calendar year against the cap, and the weeks of a settlement period. */
export interface OvertimeSummary {
  readonly year: number;
  /** Overtime worked in the year so far. */
  readonly overtimeSeconds: number;
  /** `overtime.yearlyCapHours` in seconds. */
  readonly capSeconds: number;
  /** The warning threshold: `yearlyWarningRatio` of the cap, in seconds. */
  readonly warningSeconds: number;
  /** `overtimeSeconds` as a percentage of `capSeconds`, to one decimal (at most 1000). */
  readonly capPercent: number;
  readonly status: OvertimeStatus;
  readonly settlementPeriod: SettlementPeriod;
  /** The weeks of the settlement period, oldest first. */
  readonly weeks: readonly OvertimeWeek[];
}

/** What a compliance finding is about: the API's `ComplianceAlertKind`. */
export type ComplianceKind =
  | "daily_rest"
  | "weekly_rest"
  | "weekly_average_exceeded"
  | "yearly_overtime_approaching"
  | "yearly_overtime_exceeded"
  | "weekly_overtime_threshold"
  | "daily_hours_exceeded";

/** `warning`: a threshold is near or one the organization set was crossed; `violation`: a statutory limit was broken. */
export type ComplianceSeverity = "warning" | "violation";

/**
 * The figures behind a finding, in seconds, named as the API's `ComplianceAlertDetails`: rest
 * kinds have `required_rest_seconds` and `actual_rest_seconds`; `daily_hours_exceeded`
 * `worked_seconds` and `threshold_seconds`; `weekly_overtime_threshold` `worked_seconds`,
 * `threshold_seconds` and `overtime_seconds`; `weekly_average_exceeded`
 * `average_weekly_seconds`, `threshold_seconds` and `period_weeks`; the yearly kinds
 * `overtime_seconds`, `threshold_seconds` and `cap_seconds`.
 */
export interface ComplianceDetails {
  readonly required_rest_seconds?: number;
  readonly actual_rest_seconds?: number;
  readonly worked_seconds?: number;
  readonly threshold_seconds?: number;
  readonly overtime_seconds?: number;
  readonly cap_seconds?: number;
  readonly average_weekly_seconds?: number;
  readonly period_weeks?: number;
}

/** The `data` of an `overtime.warning` event (the API's `OvertimeWarning`). */
export interface OvertimeWarningData {
  readonly employee_id: string;
  readonly kind: "weekly_threshold" | "yearly_approaching" | "yearly_exceeded";
  /** The Monday of the week, for `weekly_threshold`; `null` for the yearly kinds. */
  readonly week_start: string | null;
  readonly year: number;
  /** Weekly: the time worked beyond `threshold_seconds`; yearly: the year's overtime so far. */
  readonly overtime_seconds: number;
  readonly threshold_seconds: number;
  readonly cap_seconds: number;
}

/** A rule that recorded work breaks or comes close to: what the server stores as a compliance alert. */
export interface ComplianceFinding {
  /**
   * Stable for the same facts (`kind/employee/period`), so an alert is stored once: one per
   * employee and day for the daily kinds, week for the weekly ones, settlement period for the
   * average, year for the yearly ones.
   */
  readonly key: string;
  readonly kind: ComplianceKind;
  readonly severity: ComplianceSeverity;
  /** The provision, cited as the country's code names it (`PL Kodeks pracy art. 132 § 1`). */
  readonly rule: string;
  readonly country: Country;
  readonly employeeId: string;
  /** The start of the time the finding is about: the rest, the 24 hours, the week, the period, the year. */
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly details: ComplianceDetails;
  /** A sentence for people, in English, with local dates and times. */
  readonly message: string;
  /** The sessions that led to the finding. */
  readonly sessionIds: readonly string[];
  /** For the overtime kinds (`weekly_overtime_threshold` and the yearly ones), the `overtime.warning` data; else `null`. */
  readonly overtimeWarning: OvertimeWarningData | null;
}
