import type { PayrollFormatter } from "../formatter.js";
import { abraFlexiWinstrom } from "./abra-flexi-winstrom.js";
import { moneyS3Dochazka } from "./money-s3-dochazka.js";
import { moneyS3Mzdy } from "./money-s3-mzdy.js";
import { pamicaDochazka } from "./pamica-dochazka.js";

/** The XML formats: Money S3 attendance and payroll transfer, PAMICA attendance, ABRA Flexi winstrom. */
export const xmlFormatters: readonly PayrollFormatter[] = [
  moneyS3Dochazka,
  moneyS3Mzdy,
  pamicaDochazka,
  abraFlexiWinstrom,
];
