export { type ComplianceInput, checkCompliance, complianceHistoryStart } from "./compliance.js";
export { dayKind, isPublicHoliday, type PublicHoliday, publicHolidays } from "./holidays.js";
export { expandLeave } from "./leave.js";
export { overtimeReport, settlementPeriod } from "./overtime.js";
export { defaultLabourRules } from "./rules.js";
export { splitWork, sumHours } from "./split-work.js";
export type {
  ComplianceDetails,
  ComplianceFinding,
  ComplianceKind,
  ComplianceSeverity,
  Country,
  DateRange,
  DayKind,
  HoursSplit,
  LabourRules,
  LeaveDay,
  LeavePeriod,
  LeaveType,
  OvertimeStatus,
  OvertimeSummary,
  OvertimeWarningData,
  OvertimeWeek,
  SettlementPeriod,
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
