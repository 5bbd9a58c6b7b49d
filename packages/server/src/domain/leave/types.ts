import type { components } from "@timecard/sdk";
import { ApiProblem } from "../../errors.js";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";
import type { Country } from "../holidays.js";

type LeaveTypeDefinition = components["schemas"]["LeaveTypeDefinition"];
/** A leave type code, as the spec's `LeaveType`. */
export type LeaveType = components["schemas"]["LeaveType"];

/** The leave types and how Timecard treats each, in the order of the spec's enum. */
export const LEAVE_TYPES: readonly LeaveTypeDefinition[] = [
  {
    code: "vacation",
    name: "Vacation",
    local_names: { pl: "Urlop wypoczynkowy", cs: "Dovolená" },
    description: "Paid annual leave (PL art. 152–154, CZ § 211–213), deducted from the yearly vacation balance.",
    paid: true,
    counts_against_balance: true,
    requires_approval: true,
    countries: ["PL", "CZ"],
  },
  {
    code: "on_demand",
    name: "On-demand leave",
    local_names: { pl: "Urlop na żądanie", cs: null },
    description:
      "Up to 4 days a year of vacation taken at short notice (PL art. 167²), counted within the vacation balance.",
    paid: true,
    counts_against_balance: true,
    requires_approval: true,
    countries: ["PL"],
  },
  {
    code: "sick",
    name: "Sick leave",
    local_names: { pl: "Zwolnienie lekarskie (L4)", cs: "Pracovní neschopnost" },
    description: "Incapacity for work certified by a doctor (e-ZLA, eNeschopenka); recorded as approved at once.",
    paid: true,
    counts_against_balance: false,
    requires_approval: false,
    countries: ["PL", "CZ"],
  },
  {
    code: "unpaid",
    name: "Unpaid leave",
    local_names: { pl: "Urlop bezpłatny", cs: "Neplacené volno" },
    description:
      "Leave without pay granted at the employee's written request (PL art. 174; in CZ by agreement with the employer).",
    paid: false,
    counts_against_balance: false,
    requires_approval: true,
    countries: ["PL", "CZ"],
  },
  {
    code: "childcare",
    name: "Childcare",
    local_names: { pl: "Opieka nad dzieckiem (art. 188)", cs: "Ošetřování člena rodiny" },
    description: "Time off to care for a child; in PL 2 days a year with full pay (art. 188), in CZ paid as ošetřovné.",
    paid: true,
    counts_against_balance: true,
    requires_approval: true,
    countries: ["PL", "CZ"],
  },
  {
    code: "other",
    name: "Other absence",
    local_names: { pl: "Inna nieobecność", cs: "Jiná překážka v práci" },
    description:
      "Any other excused absence, such as occasional leave for a wedding or a funeral (urlop okolicznościowy, překážky v práci).",
    paid: true,
    counts_against_balance: false,
    requires_approval: true,
    countries: ["PL", "CZ"],
  },
];

/** How Timecard treats one leave type. */
export function leaveTypeDefinition(code: LeaveType): LeaveTypeDefinition {
  const definition = LEAVE_TYPES.find((t) => t.code === code);
  if (!definition) throw new Error(`Unknown leave type ${code}`);
  return definition;
}

/** Whether the leave type exists in the country (on-demand leave is Polish only). */
export function leaveTypeExistsIn(code: LeaveType, country: Country): boolean {
  return leaveTypeDefinition(code).countries.includes(country);
}

/** Lists the leave types in the enum's order, optionally only those of one country. */
export function listLeaveTypes(query: {
  limit?: number;
  cursor?: string;
  country?: Country;
}): Page<LeaveTypeDefinition> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  let types = LEAVE_TYPES.filter((t) => !query.country || t.countries.includes(query.country));
  if (after) {
    const index = LEAVE_TYPES.findIndex((t) => t.code === after[1]);
    if (index < 0) {
      throw new ApiProblem(
        400,
        "invalid_cursor",
        "The cursor is not one this API issued: pass `next_cursor` from the previous page unchanged.",
      );
    }
    types = types.filter((t) => LEAVE_TYPES.indexOf(t) > index);
  }
  return toPage(
    types.slice(0, limit + 1),
    limit,
    (t) => [t.code, t.code],
    (t) => t,
  );
}
