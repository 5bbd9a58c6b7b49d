import { describe, expect, it } from "vitest";
import { type Country, defaultLabourRules } from "../../src/index.js";

describe("defaultLabourRules", () => {
  it.each<[Country, string]>([
    ["PL", "Europe/Warsaw"],
    ["CZ", "Europe/Prague"],
  ])("%s: the code's norms in %s", (country, zone) => {
    const rules = defaultLabourRules(country);
    expect(rules).toMatchObject({
      country,
      timeZone: zone,
      // PL art. 129 § 1 / CZ § 79 odst. 1: 8 h a day, 40 h a week.
      dailyHoursNorm: 8,
      weeklyHoursNorm: 40,
      settlementPeriodMonths: 1,
      // PL art. 151⁷ § 1 (employer's choice within 21–7) / CZ § 78 odst. 1 písm. j).
      nightStart: "22:00",
      nightEnd: "06:00",
      // PL art. 151 § 3 / CZ § 93 odst. 2: 150 h a year.
      overtime: { weeklyThresholdHours: 40, yearlyCapHours: 150, yearlyWarningRatio: 0.8 },
    });
  });

  it("takes another time zone and refuses another country", () => {
    expect(defaultLabourRules("CZ", "Europe/Bratislava").timeZone).toBe("Europe/Bratislava");
    expect(() => defaultLabourRules("SK" as Country)).toThrow(TypeError);
  });
});
