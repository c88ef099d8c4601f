-- Daily visits -> per-visit step features, computed once per visit (not once per example window).
-- One row per accepted daily visit, ordered by user and day; `position` is the visit's index in the user's
-- history (0 = first). The columns named like STEP_COLUMNS in training/features/features.ts are the
-- target-independent part of a history step; the batcher adds the four target-relative columns
-- (log_days_before_target, same_weekday_as_target, same_day_type_as_target, present) when it assembles a
-- window. training/features/visit-features.ts computes the same values in TypeScript for a serving
-- request; a test checks that both agree with buildFeatures.
-- Portable between Athena (Trino) and DuckDB: date_diff, day, month, date_trunc, ln, sin, cos, pi, lag,
-- row_number. {{accepted_visits}} is a table with the daily-visits columns (visit_date a DATE), valid rows only.
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
)
SELECT
  CAST(row_number() OVER (PARTITION BY user_id ORDER BY day) - 1 AS integer) AS position,
  CAST(day AS integer) AS day,
  CAST(weekday AS integer) AS weekday,
  CAST(first_hour AS integer) AS first_hour,
  -- Baselines of the example whose target is this visit (NULL for a user's first visit).
  CAST(lag(first_hour) OVER (PARTITION BY user_id ORDER BY day) AS integer) AS last_visit_first_hour,
  CAST(coalesce(
    lag(first_hour) OVER (PARTITION BY user_id, weekday ORDER BY day),
    lag(first_hour) OVER (PARTITION BY user_id ORDER BY day)
  ) AS integer) AS same_weekday_last_seen,
  ln(1 + time_spent_sec) AS log_time_spent_sec,
  ln(1 + page_views) AS log_page_views,
  ln(1 + type1_views) AS log_type1_views,
  ln(1 + type2_views) AS log_type2_views,
  ln(1 + type3_views) AS log_type3_views,
  ln(1 + type4_views) AS log_type4_views,
  sin(2 * pi() * first_hour / 24) AS first_hour_sin,
  cos(2 * pi() * first_hour / 24) AS first_hour_cos,
  sin(2 * pi() * last_hour / 24) AS last_hour_sin,
  cos(2 * pi() * last_hour / 24) AS last_hour_cos,
  CAST(hours_visited AS double) AS hours_visited,
  CASE WHEN weekday = 0 THEN 1.0 ELSE 0.0 END AS weekday_mon,
  CASE WHEN weekday = 1 THEN 1.0 ELSE 0.0 END AS weekday_tue,
  CASE WHEN weekday = 2 THEN 1.0 ELSE 0.0 END AS weekday_wed,
  CASE WHEN weekday = 3 THEN 1.0 ELSE 0.0 END AS weekday_thu,
  CASE WHEN weekday = 4 THEN 1.0 ELSE 0.0 END AS weekday_fri,
  CASE WHEN weekday = 5 THEN 1.0 ELSE 0.0 END AS weekday_sat,
  CASE WHEN weekday = 6 THEN 1.0 ELSE 0.0 END AS weekday_sun,
  sin(2 * pi() * (day(visit_date) - 1) / days_in_month) AS day_of_month_sin,
  cos(2 * pi() * (day(visit_date) - 1) / days_in_month) AS day_of_month_cos,
  sin(2 * pi() * (month(visit_date) - 1) / 12) AS month_sin,
  cos(2 * pi() * (month(visit_date) - 1) / 12) AS month_cos,
  CASE WHEN platform = 'ios' THEN 1.0 ELSE 0.0 END AS platform_ios,
  CASE WHEN platform = 'android' THEN 1.0 ELSE 0.0 END AS platform_android,
  CASE WHEN platform = 'web' THEN 1.0 ELSE 0.0 END AS platform_web,
  CASE WHEN platform NOT IN ('ios', 'android', 'web') THEN 1.0 ELSE 0.0 END AS platform_other
FROM visits
ORDER BY user_id, day
