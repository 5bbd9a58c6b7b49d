export { dayKind, isPublicHoliday, type PublicHoliday, publicHolidays } from "./holidays.js";
export { defaultLabourRules } from "./rules.js";
export { splitWork, sumHours } from "./split-work.js";
export type {
  Country,
  DayKind,
  HoursSplit,
  LabourRules,
  LeaveDay,
  LeaveType,
  WorkPiece,
  WorkSession,
} from "./types.js";
export {
  addDays,
  isoWeekMonday,
  localDateOf,
  localDateTimeOf,
  startOfLocalDay,
  zonedDateTime,
} from "./zoned-time.js";
