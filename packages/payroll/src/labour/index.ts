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
