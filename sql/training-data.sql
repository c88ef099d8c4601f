-- Raw page hits -> daily visits: one row per user and calendar day with hits (docs/contracts.md, "Daily visits").
-- Portable between Athena (Trino) and DuckDB: only try_cast, CASE, hour(), length, substr, strpos, the
-- window functions row_number and lag, IS NOT DISTINCT FROM, aggregates with FILTER (WHERE ...) (max_by,
-- count), and Trino's bitwise_or_agg, bitwise_left_shift and bit_count(x, 64), which the local DuckDB
-- defines as macros over its own bit_or, << and bit_count (contracts/raw-hits.ts, DUCKDB_SESSION_SETUP).
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
-- Exact duplicate hits (the same five contract columns, cell for cell) are one hit, and their extra copies
-- are counted in duplicate_hits. Copies have the same user, so `cells` orders each user's hits by their
-- other four cells (a window partitioned by user): copies are then next to each other, and a hit whose
-- four cells equal (IS NOT DISTINCT FROM: NULL equals NULL, not '') those of the hit before it is an
-- extra copy. The source is read once (on Athena, one scan billed; locally, one pass over the CSV), and no
-- hash is involved: two different hits are never merged. (At 10 M hits on the local DuckDB the query costs
-- 35 CPU-s, against 41-42 for a first pass keeping the 64-bit hashes seen twice and a second scan.)
WITH cells AS (
  SELECT
    CAST(user_id AS varchar) AS user_text,
    CAST(event_time AS varchar) AS event_text,
    time_spent_sec,
    page_type,
    platform
  FROM {{source_table}}
),
raw AS (
  SELECT
    user_text,
    event_text,
    time_spent_sec,
    page_type,
    platform,
    -- Never NULL: row_number is not, nor is IS NOT DISTINCT FROM.
    row_number() OVER (PARTITION BY user_text ORDER BY event_text, time_spent_sec, page_type, platform) > 1
      -- The same window each time: one sort, on both engines (a WINDOW clause is not in every Trino).
      AND lag(event_text) OVER (
        PARTITION BY user_text ORDER BY event_text, time_spent_sec, page_type, platform
      ) IS NOT DISTINCT FROM event_text
      AND lag(time_spent_sec) OVER (
        PARTITION BY user_text ORDER BY event_text, time_spent_sec, page_type, platform
      ) IS NOT DISTINCT FROM time_spent_sec
      AND lag(page_type) OVER (
        PARTITION BY user_text ORDER BY event_text, time_spent_sec, page_type, platform
      ) IS NOT DISTINCT FROM page_type
      AND lag(platform) OVER (
        PARTITION BY user_text ORDER BY event_text, time_spent_sec, page_type, platform
      ) IS NOT DISTINCT FROM platform
      AS is_copy
  FROM cells
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
    is_copy
  FROM raw
),
checked AS (
  SELECT
    user_id,
    event_ts,
    time_spent,
    page_type,
    platform_text,
    is_copy,
    -- An extra copy is neither valid nor invalid: it is counted in duplicate_hits only.
    NOT is_copy AND coalesce(
      user_id IS NOT NULL AND user_id <> '' AND event_ts IS NOT NULL
        AND time_spent IS NOT NULL AND time_spent >= 0 AND page_type BETWEEN 0 AND 4,
      false
    ) AS valid
  FROM hits
),
-- One aggregation per user and day; extra copies are only counted. The counts are count(*) FILTER (BIGINT
-- on both engines; a sum of 0/1 cases is a 128-bit integer in DuckDB, slower to add), and hours_visited
-- counts the distinct hours with a valid hit.
daily AS (
  SELECT
    user_id,
    CAST(event_ts AS date) AS visit_date,
    -- Rounded to the millisecond: a sum of doubles depends on the order the engine adds them in, which
    -- differs between engines, threads and a typed or text source. 0 for a day without a valid hit.
    round(sum(CASE WHEN valid THEN time_spent ELSE 0 END), 3) AS time_spent_sec,
    count(*) FILTER (WHERE valid) AS page_views,
    count(*) FILTER (WHERE valid AND page_type = 1) AS type1_views,
    count(*) FILTER (WHERE valid AND page_type = 2) AS type2_views,
    count(*) FILTER (WHERE valid AND page_type = 3) AS type3_views,
    count(*) FILTER (WHERE valid AND page_type = 4) AS type4_views,
    min(hour(event_ts)) FILTER (WHERE valid) AS first_hour,
    max(hour(event_ts)) FILTER (WHERE valid) AS last_hour,
    -- The distinct hours as bits of one integer (count(DISTINCT) kept a hash table of hours per day: about
    -- 6 CPU-s and 350 MB more at 10 M hits on the local DuckDB).
    bit_count(
      bitwise_or_agg(CASE WHEN valid THEN bitwise_left_shift(1, hour(event_ts)) ELSE 0 END), 64
    ) AS hours_visited,
    -- FILTER keeps NULL keys out of max_by, whose NULL handling differs between engines.
    max_by(platform_text, event_ts) FILTER (WHERE valid) AS platform_text,
    count(*) FILTER (WHERE NOT valid AND NOT is_copy) AS invalid_hits,
    count(*) FILTER (WHERE is_copy) AS duplicate_hits
  FROM checked
  GROUP BY user_id, CAST(event_ts AS date)
)
SELECT
  user_id,
  visit_date,
  time_spent_sec,
  page_views,
  type1_views,
  type2_views,
  type3_views,
  type4_views,
  first_hour,
  last_hour,
  hours_visited,
  -- The platform's text is normalised once per user and day, after the last valid hit's text is picked.
  CASE lower(trim(platform_text))
    WHEN 'ios' THEN 'ios'
    WHEN 'android' THEN 'android'
    WHEN 'web' THEN 'web'
    -- NULL (a day without a valid hit) stays NULL; any other text is 'other'.
    ELSE CASE WHEN platform_text IS NOT NULL THEN 'other' END
  END AS platform,
  invalid_hits,
  duplicate_hits
FROM daily
ORDER BY user_id, visit_date
