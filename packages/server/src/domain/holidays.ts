// Public holidays come from the labour-law engine of @timecard/payroll, so the server's leave
// balances, reports and payroll exports read the same calendar.
export { type Country, isPublicHoliday, type PublicHoliday, publicHolidays } from "@timecard/payroll";
