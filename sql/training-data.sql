-- Raw page hits -> daily visits: one row per user and calendar day with hits (docs/contracts.md, "Daily visits").
-- Portable between Athena (Trino) and DuckDB: only try_cast, CASE, hour(), length, substr, strpos, max_by
-- with FILTER (WHERE ...).
-- {{source_table}} is replaced by the (validated) source table name before the query runs.
-- Hits that break the raw-hits contract (unparsable time, negative or unparsable time spent, page type
-- outside 0..4, empty user) are not summed; they are counted in invalid_hits so that preprocess reports
-- them. A day whose hits are all invalid yields a row with a NULL first_hour, which preprocess rejects
-- and counts; an unparsable event_time yields a NULL visit_date, rejected the same way.
-- event_time is the user's wall-clock time: its first 19 characters as text (`YYYY-MM-DD HH:MM:SS`, a
-- `T` separator allowed) are read, so an offset, `Z` or fractional seconds after them never moves the
-- hour (08:19:07+02:00 is hour 8). A timestamp-typed column reads the same through its text: a TIMESTAMP
-- as it is, a TIMESTAMPTZ in the session's time zone, UTC on Athena and on the local DuckDB
-- (contracts/raw-hits.ts). Epoch seconds are not a wall-clock time: they do not parse. (replace and trim
-- are portable too.)
-- Exact duplicate hits (the same five contract columns, cell for cell) are one hit: `raw` groups them
-- before anything is parsed, so that each distinct hit is parsed once, and counts the extra copies in
-- duplicate_hits. This grouping is the query's only pass over every hit; the ones after it read the
-- distinct hits.
WITH raw AS (
  SELECT
    CAST(user_id AS varchar) AS user_text,
    CAST(event_time AS varchar) AS event_text,
    time_spent_sec,
    page_type,
    platform,
    count(*) - 1 AS copies
  FROM {{source_table}}
  GROUP BY CAST(user_id AS varchar), CAST(event_time AS varchar), time_spent_sec, page_type, platform
),
hits AS (
  SELECT
    trim(user_text) AS user_id,
    CASE
      -- The common form (`YYYY-MM-DD HH:MM:SS`, nothing around it) is cast as it is; the general rule
      -- below gives the same timestamp for it but costs several string copies per hit.
      WHEN length(event_text) = 19 AND substr(event_text, 11, 1) = ' ' AND strpos(event_text, 'T') = 0
        THEN try_cast(event_text AS timestamp)
      ELSE try_cast(replace(substr(trim(event_text), 1, 19), 'T', ' ') AS timestamp)
    END AS event_ts,
    try_cast(time_spent_sec AS double) AS time_spent,
    -- A plain number is cast as it is; only other cells (empty, spaces) pay for the trims.
    coalesce(
      try_cast(page_type AS integer),
      CASE
        WHEN page_type IS NULL OR trim(CAST(page_type AS varchar)) = '' THEN 0
        ELSE try_cast(trim(CAST(page_type AS varchar)) AS integer)
      END
    ) AS page_type,
    -- The platform's text as written ('' for none): it is normalised once per user and day, after the
    -- last hit's text is picked, not once per hit.
    coalesce(CAST(platform AS varchar), '') AS platform_text,
    copies
  FROM raw
),
checked AS (
  SELECT
    user_id,
    event_ts,
    time_spent,
    page_type,
    platform_text,
    copies,
    coalesce(
      user_id IS NOT NULL AND user_id <> '' AND event_ts IS NOT NULL
        AND time_spent IS NOT NULL AND time_spent >= 0 AND page_type BETWEEN 0 AND 4,
      false
    ) AS valid
  FROM hits
),
-- Per user, day and hour first, then per user and day: the distinct hours are the second level's rows
-- with a valid hit (cheaper than count(DISTINCT hour) over every hit).
hourly AS (
  SELECT
    user_id,
    CAST(event_ts AS date) AS visit_date,
    hour(event_ts) AS event_hour,
    sum(CASE WHEN valid THEN time_spent ELSE 0 END) AS time_spent_sec,
    sum(CASE WHEN valid THEN 1 ELSE 0 END) AS page_views,
    sum(CASE WHEN valid AND page_type = 1 THEN 1 ELSE 0 END) AS type1_views,
    sum(CASE WHEN valid AND page_type = 2 THEN 1 ELSE 0 END) AS type2_views,
    sum(CASE WHEN valid AND page_type = 3 THEN 1 ELSE 0 END) AS type3_views,
    sum(CASE WHEN valid AND page_type = 4 THEN 1 ELSE 0 END) AS type4_views,
    max(CASE WHEN valid THEN event_ts END) AS last_valid_ts,
    -- FILTER keeps NULL keys out of max_by, whose NULL handling differs between engines.
    max_by(platform_text, event_ts) FILTER (WHERE valid) AS platform_text,
    sum(CASE WHEN valid THEN 0 ELSE 1 END) AS invalid_hits,
    sum(copies) AS duplicate_hits
  FROM checked
  GROUP BY user_id, CAST(event_ts AS date), hour(event_ts)
)
SELECT
  user_id,
  visit_date,
  -- Rounded to the millisecond: a sum of doubles depends on the order the engine adds them in, which
  -- differs between engines, threads and a typed or text source.
  round(sum(time_spent_sec), 3) AS time_spent_sec,
  sum(page_views) AS page_views,
  sum(type1_views) AS type1_views,
  sum(type2_views) AS type2_views,
  sum(type3_views) AS type3_views,
  sum(type4_views) AS type4_views,
  min(CASE WHEN page_views > 0 THEN event_hour END) AS first_hour,
  max(CASE WHEN page_views > 0 THEN event_hour END) AS last_hour,
  sum(CASE WHEN page_views > 0 THEN 1 ELSE 0 END) AS hours_visited,
  CASE lower(trim(max_by(platform_text, last_valid_ts) FILTER (WHERE page_views > 0)))
    WHEN 'ios' THEN 'ios'
    WHEN 'android' THEN 'android'
    WHEN 'web' THEN 'web'
    -- NULL (a day without a valid hit) stays NULL; any other text is 'other'.
    ELSE CASE WHEN max_by(platform_text, last_valid_ts) FILTER (WHERE page_views > 0) IS NOT NULL THEN 'other' END
  END AS platform,
  sum(invalid_hits) AS invalid_hits,
  sum(duplicate_hits) AS duplicate_hits
FROM hourly
GROUP BY user_id, visit_date
ORDER BY user_id, visit_date
