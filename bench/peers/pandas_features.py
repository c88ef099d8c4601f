#!/usr/bin/env python3
"""The pandas peer of the scale benchmark (npm run bench:scale): raw hits -> the seed's features with pandas,
as a user of the seed would write it. Same rules as sql/training-data.sql (a hit counts when its time parses,
its time spent is a number >= 0, its page type is empty or 0..4 and its user is not empty) and the same
features as training/features/features.ts: per-visit step features, the example windows of the last K visits
with their relation to the target day, the current features, the time-based split and the standardisation
fitted on the train windows. Windows are built and normalised in chunks (training-ready float32 arrays) and
not written, so that memory stays bounded; a checksum proves they were computed.

Prints one JSON line: seconds per stage, counts, peak RSS (MB) of this process.
"""
import argparse
import json
import resource
import time

import numpy as np
import pandas as pd

SCALED_VISIT = [0, 1, 2, 3, 4, 5, 10]  # log time spent, log page views, log type 1..4, hours visited
PLATFORMS = ["ios", "android", "web", "other"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True, help="raw hits CSV (user_id, event_time, page_type, time_spent_sec, platform)")
    parser.add_argument("--history-length", type=int, default=14)
    parser.add_argument("--min-history", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=100_000, help="examples per window chunk")
    args = parser.parse_args()
    stages: dict[str, float] = {}
    started = time.time()

    def stage(name: str, since: float) -> float:
        now = time.time()
        stages[name] = round(now - since, 2)
        return now

    t = started
    hits = pd.read_csv(args.input, dtype=str, keep_default_na=False)
    t = stage("read_csv", t)

    user = hits["user_id"].str.strip()
    ts = pd.to_datetime(hits["event_time"], errors="coerce", format="%Y-%m-%d %H:%M:%S")
    spent = pd.to_numeric(hits["time_spent_sec"], errors="coerce")
    page = hits["page_type"].str.strip()
    page_type = pd.to_numeric(page.where(page != "", "0"), errors="coerce")
    platform = hits["platform"].str.strip().str.lower()
    platform = platform.where(platform.isin(PLATFORMS[:3]), "other")
    valid = (user != "") & ts.notna() & spent.notna() & (spent >= 0) & page_type.between(0, 4)
    frame = pd.DataFrame(
        {
            "user_id": user,
            "date": ts.dt.floor("D"),
            "ts": ts,
            "hour": ts.dt.hour,
            "spent": spent,
            "page_type": page_type,
            "platform": platform,
        }
    )[valid]
    del hits, user, ts, spent, page, page_type, platform
    for k in range(1, 5):
        frame[f"type{k}"] = (frame["page_type"] == k).astype(np.int32)
    t = stage("parse", t)

    frame = frame.sort_values(["user_id", "ts"])
    grouped = frame.groupby(["user_id", "date"], sort=True)
    daily = grouped.agg(
        time_spent_sec=("spent", "sum"),
        page_views=("spent", "size"),
        type1_views=("type1", "sum"),
        type2_views=("type2", "sum"),
        type3_views=("type3", "sum"),
        type4_views=("type4", "sum"),
        first_hour=("hour", "min"),
        last_hour=("hour", "max"),
        hours_visited=("hour", "nunique"),
        platform=("platform", "last"),
    ).reset_index()
    del frame, grouped
    t = stage("daily_visits", t)

    day = ((daily["date"] - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).to_numpy(np.int64)
    weekday = daily["date"].dt.dayofweek.to_numpy()
    dom = daily["date"].dt.day.to_numpy()
    days_in_month = daily["date"].dt.days_in_month.to_numpy()
    month = daily["date"].dt.month.to_numpy()
    n = len(daily)
    visit = np.zeros((n, 26), dtype=np.float32)
    visit[:, 0] = np.log1p(daily["time_spent_sec"].to_numpy())
    visit[:, 1] = np.log1p(daily["page_views"].to_numpy())
    for k in range(4):
        visit[:, 2 + k] = np.log1p(daily[f"type{k + 1}_views"].to_numpy())
    for column, name in ((6, "first_hour"), (8, "last_hour")):
        angle = 2 * np.pi * daily[name].to_numpy() / 24
        visit[:, column], visit[:, column + 1] = np.sin(angle), np.cos(angle)
    visit[:, 10] = daily["hours_visited"].to_numpy()
    visit[np.arange(n), 11 + weekday] = 1
    angle = 2 * np.pi * (dom - 1) / days_in_month
    visit[:, 18], visit[:, 19] = np.sin(angle), np.cos(angle)
    angle = 2 * np.pi * (month - 1) / 12
    visit[:, 20], visit[:, 21] = np.sin(angle), np.cos(angle)
    visit[np.arange(n), 22 + daily["platform"].map({p: i for i, p in enumerate(PLATFORMS)}).to_numpy()] = 1
    position = daily.groupby("user_id", sort=False).cumcount().to_numpy()
    first_row = np.arange(n) - position
    del daily
    t = stage("visit_features", t)

    targets = np.flatnonzero(position >= max(1, args.min_history))
    first_day, last_day = day[targets].min(), day[targets].max()
    span = last_day - first_day + 1
    test_start = last_day - max(1, round(span * 0.15)) + 1
    validation_start = test_start - max(1, round(span * 0.15))
    split = np.where(day[targets] >= test_start, 2, np.where(day[targets] >= validation_start, 1, 0))
    K = args.history_length

    def windows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw [examples, K, 30] windows (zero-padded at the front) and [examples, 10] current features."""
        lags = rows[:, None] - np.arange(K, 0, -1)[None, :]
        present = lags >= first_row[rows][:, None]
        lags = np.where(present, lags, 0)
        sequence = np.zeros((len(rows), K, 30), dtype=np.float32)
        sequence[:, :, :26] = visit[lags]
        before = day[rows][:, None] - day[lags]
        sequence[:, :, 26] = np.log1p(before)
        target_weekday = weekday[rows][:, None]
        sequence[:, :, 27] = weekday[lags] == target_weekday
        sequence[:, :, 28] = (weekday[lags] >= 5) == (target_weekday >= 5)
        sequence[:, :, 29] = 1
        sequence[~present] = 0
        current = np.zeros((len(rows), 10), dtype=np.float32)
        current[np.arange(len(rows)), weekday[rows]] = 1
        current[:, 7:9] = visit[rows, 18:20]
        current[:, 9] = np.log1p(day[rows] - day[rows - 1])
        return sequence, current

    # Standardisation fitted on the train windows' present steps and current features.
    scaled = SCALED_VISIT + [26]
    sums = np.zeros(30)
    squares = np.zeros(30)
    steps = 0
    current_sum = current_squares = 0.0
    train_rows = targets[split == 0]
    for start in range(0, len(train_rows), args.chunk):
        sequence, current = windows(train_rows[start : start + args.chunk])
        present = sequence[:, :, 29] == 1
        values = sequence[present].astype(np.float64)
        sums += values.sum(axis=0)
        squares += (values**2).sum(axis=0)
        steps += len(values)
        current_sum += current[:, 9].astype(np.float64).sum()
        current_squares += (current[:, 9].astype(np.float64) ** 2).sum()
    mean = np.zeros(30)
    std = np.ones(30)
    mean[scaled] = sums[scaled] / steps
    std[scaled] = np.sqrt(np.maximum(squares[scaled] / steps - mean[scaled] ** 2, 1e-12))
    current_mean = current_sum / len(train_rows)
    current_std = np.sqrt(current_squares / len(train_rows) - current_mean**2)
    t = stage("normalisation", t)

    checksum = 0.0
    for start in range(0, len(targets), args.chunk):
        sequence, current = windows(targets[start : start + args.chunk])
        present = sequence[:, :, 29:30] == 1
        sequence = np.where(present, (sequence - mean) / std, 0).astype(np.float32)
        current[:, 9] = (current[:, 9] - current_mean) / current_std
        checksum += float(sequence.sum()) + float(current.sum())
    t = stage("examples", t)

    print(
        json.dumps(
            {
                "peer": "pandas",
                "pandas": pd.__version__,
                "seconds": round(time.time() - started, 2),
                "stages": stages,
                "dailyVisits": int(n),
                "examples": {"train": int((split == 0).sum()), "validation": int((split == 1).sum()), "test": int((split == 2).sum())},
                "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "checksum": round(checksum, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
