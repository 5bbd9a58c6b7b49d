import type { Country, LabourRules } from "./types.js";

const DEFAULT_TIME_ZONE: Record<Country, string> = { PL: "Europe/Warsaw", CZ: "Europe/Prague" };

/** Hours of work a week, overtime included, that PL Kodeks pracy art. 131 § 1 allows on average. */
export const PL_MAX_AVERAGE_WEEKLY_HOURS = 48;

/**
 * Overtime hours a week that CZ zákoník práce § 93 odst. 4 allows on average over the settlement
 * period (26 weeks, 52 by collective agreement: 8 × 52 = 416 hours a year at most).
 */
export const CZ_MAX_AVERAGE_WEEKLY_OVERTIME_HOURS = 8;

/** Ordered overtime hours a week that CZ zákoník práce § 93 odst. 2 allows. */
export const CZ_MAX_WEEKLY_ORDERED_OVERTIME_HOURS = 8;

/** Hours of uninterrupted daily rest: PL Kodeks pracy art. 132 § 1, CZ zákoník práce § 90 odst. 1. */
export const DAILY_REST_HOURS = 11;

/** Hours of uninterrupted weekly rest: PL Kodeks pracy art. 133 § 1, CZ zákoník práce § 92 odst. 1. */
export const WEEKLY_REST_HOURS = 35;

/**
 * The most work in one 24-hour period: PL 13 hours (24 h less the 11 h of daily rest of
 * art. 132 § 1, with the norm of art. 129 § 1), CZ 12 hours (the longest shift of § 83).
 */
export const MAX_DAILY_HOURS: Record<Country, number> = { PL: 13, CZ: 12 };

/**
 * The working-time rules a country's labour code sets when the organization has changed
 * nothing; `timeZone` defaults to the country's (`Europe/Warsaw`, `Europe/Prague`).
 *
 * - PL Kodeks pracy: 8 hours a day and on average 40 a week (art. 129 § 1) in a settlement
 *   period of one month here (up to 4, or 12, months by art. 129 § 1–2); 150 overtime hours a
 *   year (art. 151 § 3); night 22:00–06:00 (art. 151⁷ § 1: 8 hours between 21:00 and 07:00,
 *   set by the employer).
 * - CZ zákoník práce: 40 hours a week (§ 79 odst. 1) over 5 days, 8 a day; 150 hours of ordered
 *   overtime a year (§ 93 odst. 2), 416 at most (§ 93 odst. 4: on average 8 a week); night
 *   22:00–06:00 (§ 78 odst. 1 písm. j).
 *
 * Both: a weekly warning above 40 hours, a yearly warning at 80 % of the cap.
 *
 * @example
 * ```ts
 * const rules = defaultLabourRules("PL");
 * rules.dailyHoursNorm; // 8
 * defaultLabourRules("CZ", "Europe/Bratislava").timeZone; // "Europe/Bratislava"
 * ```
 */
export function defaultLabourRules(country: Country, timeZone: string = DEFAULT_TIME_ZONE[country]): LabourRules {
  switch (country) {
    case "PL":
      return {
        country,
        timeZone,
        dailyHoursNorm: 8, // art. 129 § 1
        weeklyHoursNorm: 40, // art. 129 § 1 (on average, in the settlement period)
        settlementPeriodMonths: 1, // art. 129 § 1: at most 4 months (12 under § 2)
        nightStart: "22:00", // art. 151⁷ § 1: 8 hours between 21:00 and 07:00
        nightEnd: "06:00",
        overtime: {
          weeklyThresholdHours: 40,
          yearlyCapHours: 150, // art. 151 § 3 (another by collective agreement, art. 151 § 4)
          yearlyWarningRatio: 0.8,
        },
      };
    case "CZ":
      return {
        country,
        timeZone,
        dailyHoursNorm: 8, // § 79 odst. 1: 40 hours a week over 5 days
        weeklyHoursNorm: 40, // § 79 odst. 1
        settlementPeriodMonths: 1,
        nightStart: "22:00", // § 78 odst. 1 písm. j)
        nightEnd: "06:00",
        overtime: {
          weeklyThresholdHours: 40,
          yearlyCapHours: 150, // § 93 odst. 2: ordered overtime; 416 at most under § 93 odst. 4
          yearlyWarningRatio: 0.8,
        },
      };
    default:
      throw new TypeError(`Timecard serves PL and CZ, not "${country as string}".`);
  }
}
