// A valid history entry of an /invocations request (JSON field names), for the server's tests.
export const historyEntry = (date: string, overrides: Record<string, unknown> = {}) => ({
  visit_date: date,
  time_spent_sec: 60,
  page_views: 2,
  type1_views: 1,
  type2_views: 0,
  type3_views: 0,
  type4_views: 0,
  first_hour: 8,
  last_hour: 9,
  hours_visited: 2,
  platform: "ios",
  ...overrides,
});
