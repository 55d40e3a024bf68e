"""Applies modelgate's feature map ($MODELGATE_FEATURE_MAP, feature-map.json beside a trained
model) to raw rows in Python: the encoded matrix modelgate hands the trainer, bit for bit.

Not needed to train or serve (the registered model does this itself); it lets you run your
torch model from a checkpoint on raw rows, e.g. to check modelgate's outputs against torch's.
"""

import csv
import datetime
import json
import math

import numpy as np

ROUND_MS = 300_000


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_raw_csv(path):
    """The rows of a raw CSV as dicts of text (an empty cell is missing)."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _number(text):
    if text is None or text.strip() == "":
        return np.float32(math.nan)
    if text in ("true", "false"):
        return np.float32(1.0 if text == "true" else 0.0)
    return np.float32(float(text))


def _instant(text):
    """A datetime cell (ISO text, UTC unless it says otherwise) as float32 epoch milliseconds."""
    if text is None or text.strip() == "":
        return np.float32(math.nan)
    when = datetime.datetime.fromisoformat(text.strip())
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return np.float32((when - epoch) // datetime.timedelta(milliseconds=1))


def _part(instant, part):
    """A calendar part of a float32 instant, with modelgate's double arithmetic step for step."""
    ms = float(instant)
    if math.isnan(ms):
        return math.nan
    floor_div = lambda a, b: math.floor(a / b)  # noqa: E731
    ms = floor_div(ms + ROUND_MS / 2, ROUND_MS) * ROUND_MS
    days = floor_div(ms, 86_400_000)
    if part == "hour":
        return floor_div(ms - days * 86_400_000, 3_600_000)
    if part == "weekday":
        return (days + 3) - floor_div(days + 3, 7) * 7
    z = days + 719_468
    era = floor_div(z, 146_097)
    doe = z - era * 146_097
    yoe = floor_div(doe - floor_div(doe, 1460) + floor_div(doe, 36_524) - floor_div(doe, 146_096), 365)
    doy = doe - (yoe * 365 + floor_div(yoe, 4) - floor_div(yoe, 100))
    mp = floor_div(doy * 5 + 2, 153)
    if part == "day":
        return doy - floor_div(mp * 153 + 2, 5) + 1
    month = mp + 3 - (12 if mp > 9.5 else 0)
    if part == "month":
        return month
    return yoe + era * 400 + (1 if 2.5 > month else 0)


def encode(rows, feature_map):
    """Raw rows (dicts of text) -> float32 [N, width], in the feature map's column order."""
    kinds = {s["name"]: s["kind"] for s in feature_map["sources"]}
    out = np.zeros((len(rows), feature_map["width"]), dtype=np.float32)
    for column in feature_map["columns"]:
        j, source, transform = column["index"], column["source"], column["transform"]
        datetime_source = kinds[source] == "datetime"
        for i, row in enumerate(rows):
            text = row.get(source)
            raw = _instant(text) if datetime_source else None
            if transform in ("standardize", "impute"):
                value = raw if datetime_source else _number(text)
                if "part" in column:
                    value = np.float32(_part(value, column["part"]))
                if np.isnan(value):
                    value = np.float32(column["fill"])
                if transform == "standardize":
                    value = np.float32(value - np.float32(column["mean"]))
                    value = np.float32(value / np.float32(column["std"]))
                out[i, j] = value
            elif transform == "missing_indicator":
                out[i, j] = 1.0 if np.isnan(raw if datetime_source else _number(text)) else 0.0
            elif transform == "onehot":
                out[i, j] = 1.0 if text == column["category"] else 0.0
            elif transform == "missing_or_unseen":
                categories = next(s["categories"] for s in feature_map["sources"] if s["name"] == source)
                out[i, j] = 0.0 if text in categories else 1.0
            elif transform == "ordinal":
                categories = column["categories"]
                out[i, j] = categories.index(text) if text in categories else column["missing_or_unseen"]
            else:
                raise ValueError(f"unknown transform {transform!r}")
    return out
