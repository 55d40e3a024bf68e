"""Torch's own predictions for raw rows, as JSON: feature_map.py encodes the rows as modelgate
does, the checkpoint's model scores them. What modelgate's outputs on the raw rows must equal.

    python3 predict_torch_encoded.py CHECKPOINT.pt FEATURE-MAP.json ROWS.csv
"""

import json
import sys

import torch

import feature_map
from train_encoded import build


def main(checkpoint_path, map_path, csv_path):
    checkpoint = torch.load(checkpoint_path)
    model = build(checkpoint)
    x = feature_map.encode(feature_map.read_raw_csv(csv_path), feature_map.load(map_path))
    with torch.no_grad():
        probabilities, labels = model(torch.tensor(x))
    classes = checkpoint["classes"]
    json.dump(
        {
            "classes": classes,
            "probabilities": [[float(p) for p in row] for row in probabilities.numpy()],
            "labels": [classes[i] for i in labels.tolist()],
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: python3 predict_torch_encoded.py CHECKPOINT.pt FEATURE-MAP.json ROWS.csv")
    main(*sys.argv[1:])
