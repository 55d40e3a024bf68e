"""Torch's own predictions for the rows of a CSV, as JSON: what modelgate's outputs must equal.

    python3 predict_torch.py CHECKPOINT.pt ROWS.csv
"""

import json
import sys

import numpy as np
import torch

from tabular_mlp import build, read_csv


def main(checkpoint_path, csv_path):
    checkpoint = torch.load(checkpoint_path)
    model = build(checkpoint)
    x, _ = read_csv(csv_path, checkpoint["features"])
    with torch.no_grad():
        out = model(torch.tensor(x))
    if checkpoint["task"] == "regression":
        result = {"predictions": floats(out.numpy())}
    else:
        probabilities, labels = out
        classes = checkpoint["classes"]
        result = {
            "classes": classes,
            "probabilities": [floats(row) for row in probabilities.numpy()],
            "labels": [classes[i] for i in labels.tolist()],
        }
    json.dump({"features": checkpoint["features"], **result}, sys.stdout)
    print()


def floats(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32)]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python3 predict_torch.py CHECKPOINT.pt ROWS.csv")
    main(sys.argv[1], sys.argv[2])
