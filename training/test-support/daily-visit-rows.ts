// Daily-visit CSV rows for reader tests: Athena quoting, platform case, and one row per kind of contract
// break (duplicate day, empty date, hour out of range, a date of another format, negative time, empty hours,
// last before first).
export const DAILY_VISITS_HEADER =
  "user_id,visit_date,time_spent_sec,page_views,type1_views,type2_views,type3_views,type4_views,first_hour,last_hour,hours_visited,platform";

/** With an `invalid_hits` column; two rows accepted. */
export const CONTRACT_ROWS = [
  `"u1","2024-01-01","30.5","3","1","0","0","1","7","9","2","iOS","0"`,
  "u1,2024-01-02,10,1,0,0,0,0,23,23,1,tv,2",
  "u1,2024-01-02,10,1,0,0,0,0,23,23,1,ios,0",
  "u2,,10,1,0,0,0,0,8,8,1,web,1",
  "u2,2024-01-03,10,1,0,0,0,0,24,24,1,web,0",
  "u2,01/02/2024,10,1,0,0,0,0,8,8,1,web,0",
  "u2,2024-01-04,-1,1,0,0,0,0,8,8,1,web,0",
  "u2,2024-01-05,0,0,0,0,0,0,,,0,,3",
  "u2,2024-01-06,10,1,0,0,0,0,9,8,1,web,0",
];
