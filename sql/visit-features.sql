-- Daily visits -> per-visit step features, computed once per visit (not once per example window).
-- One row per accepted daily visit, ordered by user and day. `user_number` is the user's rank by user_id
-- (1, 2, ...): the one sort of every visit is then on two integers, and preprocess counts each visit's
-- position in its user's history as the rows go by (a row_number() window per user sorted every visit a
-- second time, on the user_id text; the ranks sort only the distinct users). Preprocess computes each
-- example's baselines from these rows as they stream by (a window per user and weekday here would cost
-- another sort). The columns named like STEP_COLUMNS in training/features/features.ts are the
-- target-independent part of a history step; the batcher adds the four target-relative columns
-- (log_days_before_target, same_weekday_as_target, same_day_type_as_target, present) when it assembles a
-- window. encodeVisit (training/features/features.ts) computes the same values in TypeScript for a serving
-- request; a test checks that both agree with buildFeatures. Features are `real` (float32, as the dataset
-- stores them) and no column is NULL, so that preprocess copies each result column as one typed array.
-- Portable between Athena (Trino) and DuckDB: date_diff, day, month, date_trunc, ln, sin, cos, pi,
-- row_number, DISTINCT and JOIN ... USING. {{accepted_visits}} is a table with the daily-visits columns
-- (visit_date a DATE), valid rows only, at most one per user and day.
WITH visits AS (
  SELECT
    user_id,
    visit_date,
    date_diff('day', DATE '1970-01-01', visit_date) AS day,
    -- 0 = Monday (1970-01-05 was a Monday); the double modulo keeps dates before it in 0..6.
    (date_diff('day', DATE '1970-01-05', visit_date) % 7 + 7) % 7 AS weekday,
    date_diff('day', date_trunc('month', visit_date), date_trunc('month', visit_date) + INTERVAL '1' MONTH)
      AS days_in_month,
    time_spent_sec,
    page_views,
    type1_views,
    type2_views,
    type3_views,
    type4_views,
    first_hour,
    last_hour,
    hours_visited,
    platform
  FROM {{accepted_visits}}
),
users AS (
  SELECT user_id, CAST(row_number() OVER (ORDER BY user_id) AS integer) AS user_number
  FROM (SELECT DISTINCT user_id FROM visits) AS distinct_users
)
SELECT
  user_number,
  CAST(day AS integer) AS day,
  CAST(weekday AS integer) AS weekday,
  CAST(first_hour AS integer) AS first_hour,
  CAST(ln(1 + time_spent_sec) AS real) AS log_time_spent_sec,
  CAST(ln(1 + page_views) AS real) AS log_page_views,
  CAST(ln(1 + type1_views) AS real) AS log_type1_views,
  CAST(ln(1 + type2_views) AS real) AS log_type2_views,
  CAST(ln(1 + type3_views) AS real) AS log_type3_views,
  CAST(ln(1 + type4_views) AS real) AS log_type4_views,
  CAST(sin(2 * pi() * first_hour / 24) AS real) AS first_hour_sin,
  CAST(cos(2 * pi() * first_hour / 24) AS real) AS first_hour_cos,
  CAST(sin(2 * pi() * last_hour / 24) AS real) AS last_hour_sin,
  CAST(cos(2 * pi() * last_hour / 24) AS real) AS last_hour_cos,
  CAST(hours_visited AS real) AS hours_visited,
  CAST(CASE WHEN weekday = 0 THEN 1 ELSE 0 END AS real) AS weekday_mon,
  CAST(CASE WHEN weekday = 1 THEN 1 ELSE 0 END AS real) AS weekday_tue,
  CAST(CASE WHEN weekday = 2 THEN 1 ELSE 0 END AS real) AS weekday_wed,
  CAST(CASE WHEN weekday = 3 THEN 1 ELSE 0 END AS real) AS weekday_thu,
  CAST(CASE WHEN weekday = 4 THEN 1 ELSE 0 END AS real) AS weekday_fri,
  CAST(CASE WHEN weekday = 5 THEN 1 ELSE 0 END AS real) AS weekday_sat,
  CAST(CASE WHEN weekday = 6 THEN 1 ELSE 0 END AS real) AS weekday_sun,
  CAST(sin(2 * pi() * (day(visit_date) - 1) / days_in_month) AS real) AS day_of_month_sin,
  CAST(cos(2 * pi() * (day(visit_date) - 1) / days_in_month) AS real) AS day_of_month_cos,
  CAST(sin(2 * pi() * (month(visit_date) - 1) / 12) AS real) AS month_sin,
  CAST(cos(2 * pi() * (month(visit_date) - 1) / 12) AS real) AS month_cos,
  CAST(CASE WHEN platform = 'ios' THEN 1 ELSE 0 END AS real) AS platform_ios,
  CAST(CASE WHEN platform = 'android' THEN 1 ELSE 0 END AS real) AS platform_android,
  CAST(CASE WHEN platform = 'web' THEN 1 ELSE 0 END AS real) AS platform_web,
  CAST(CASE WHEN platform NOT IN ('ios', 'android', 'web') THEN 1 ELSE 0 END AS real) AS platform_other
FROM visits JOIN users USING (user_id)
ORDER BY user_number, day
