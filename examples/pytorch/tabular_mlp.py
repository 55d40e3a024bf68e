"""What train.py and predict_torch.py share: reading a CSV and the model; train_encoded.py uses its layers."""

import csv
import math

import numpy as np
import torch


def read_csv(path, features, target=None):
    """The feature columns as a float32 [N,F] matrix (an empty cell is NaN) and the target as text."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [name for name in features + ([target] if target else []) if name not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{path}: no column {missing[0]!r} (columns: {reader.fieldnames})")
        x, y = [], []
        for line, row in enumerate(reader, start=2):
            x.append([number(row[name], path, line, name) for name in features])
            if target:
                y.append(row[target])
    return np.array(x, dtype=np.float32).reshape(-1, len(features)), y


def number(text, path, line, name):
    if text is None or text.strip() == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise SystemExit(f"{path}:{line}: feature {name!r} is {text!r}; this trainer takes numeric features only")


class Prepare(torch.nn.Module):
    """Fills a missing value with the training mean and standardises: part of the exported graph."""

    def __init__(self, features):
        super().__init__()
        self.register_buffer("mean", torch.zeros(features))
        self.register_buffer("std", torch.ones(features))

    def fit(self, x):
        with np.errstate(all="ignore"):
            mean = np.nan_to_num(np.nanmean(x, axis=0), nan=0.0)
            std = np.nan_to_num(np.nanstd(x, axis=0), nan=1.0)
        std[std == 0] = 1.0
        self.mean.copy_(torch.tensor(mean, dtype=torch.float32))
        self.std.copy_(torch.tensor(std, dtype=torch.float32))

    def forward(self, x):
        x = torch.where(torch.isnan(x), self.mean.expand_as(x), x)
        return (x - self.mean) / self.std


def mlp(inputs, hidden, outputs):
    """The layers: two hidden ReLU layers of `hidden` units."""
    return torch.nn.Sequential(
        torch.nn.Linear(inputs, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, outputs),
    )


class TabularMlp(torch.nn.Module):
    """One packed float input [N,F]; a classifier returns (probabilities [N,C], label int64 [N]),
    a regressor its prediction [N]."""

    def __init__(self, features, outputs, hidden, classifier):
        super().__init__()
        self.classifier = classifier
        self.prepare = Prepare(features)
        self.net = mlp(features, hidden, outputs)

    def logits(self, x):
        return self.net(self.prepare(x))

    def forward(self, x):
        out = self.logits(x)
        if not self.classifier:
            return out.reshape(-1)
        probabilities = torch.softmax(out, dim=1)
        return probabilities, torch.argmax(probabilities, dim=1)


def build(checkpoint):
    """The model a checkpoint (train.py's checkpoint.pt) describes, with its weights, in eval mode."""
    classes = checkpoint["classes"]
    classifier = checkpoint["task"] != "regression"
    model = TabularMlp(len(checkpoint["features"]), len(classes) if classifier else 1, checkpoint["hidden"], classifier)
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval()
