"""scikit-learn side of `npm run bench:train`.

A small server: bench/train.ts starts it, then for each fit writes one JSON line
{"dir": ..., "model": "gbdt" | "logistic", "repeat": r} to stdin, interleaved
with its own fits so both sides see the same machine load. The script fits
HistGradientBoosting or LogisticRegression(lbfgs) on exactly the rows
bench/train.ts wrote (dir/train.csv, validation.csv, test.csv, meta.json) and
answers one JSON line: fit seconds and test quality.

Usage: /usr/bin/python3 bench/train_sklearn.py <params.json>
"""

import json
import os
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error


def load(directory, name):
    data = np.loadtxt(os.path.join(directory, name + ".csv"), delimiter=",", skiprows=1, ndmin=2)
    return data[:, :-1], data[:, -1]


def quality(meta, model, x, y):
    if meta["task"] == "regression":
        return {"rmse": float(np.sqrt(mean_squared_error(y, model.predict(x))))}
    labels = list(range(len(meta["classes"])))
    proba = model.predict_proba(x)
    return {
        "accuracy": float(accuracy_score(y, np.argmax(proba, axis=1))),
        "log_loss": float(log_loss(y, proba, labels=labels)),
    }


def hist_gbdt(meta, params, train, validation, repeat):
    # HistGradientBoosting cannot take a validation set: it gets train + validation
    # and holds out the same number of rows for early stopping, chosen by
    # random_state, which each repeat varies.
    x = np.vstack([train[0], validation[0]])
    y = np.concatenate([train[1], validation[1]])
    settings = dict(
        learning_rate=params["learning_rate"],
        max_iter=params["rounds"],
        max_leaf_nodes=params["max_leaves"],
        max_depth=None,
        min_samples_leaf=params["min_samples_leaf"],
        l2_regularization=params["l2"],
        max_bins=params["max_bins"],
        categorical_features=np.array(meta["categorical"]) if any(meta["categorical"]) else None,
        early_stopping=True,
        scoring="loss",
        validation_fraction=len(validation[1]) / len(y),
        n_iter_no_change=params["early_stopping_rounds"],
        random_state=params["seed"] + repeat,
    )
    model = HistGradientBoostingRegressor if meta["task"] == "regression" else HistGradientBoostingClassifier
    return lambda: model(**settings).fit(x, y)


class Standardized:
    """Train-split imputation (mean), scaling and one-hot encoding, then a linear model."""

    def __init__(self, meta, estimator):
        self.categorical = np.array(meta["categorical"])
        self.estimator = estimator

    def fit(self, x, y):
        numeric = x[:, ~self.categorical]
        self.mean = np.nanmean(numeric, axis=0) if numeric.shape[1] else np.zeros(0)
        self.mean = np.where(np.isnan(self.mean), 0.0, self.mean)
        filled = np.where(np.isnan(numeric), self.mean, numeric)
        self.scale = filled.std(axis=0)
        self.scale = np.where(self.scale > 0, self.scale, 1.0)
        self.levels = [np.unique(c[~np.isnan(c)]) for c in x[:, self.categorical].T]
        self.estimator.fit(self.transform(x), y)
        return self

    def transform(self, x):
        numeric = x[:, ~self.categorical]
        parts = [(np.where(np.isnan(numeric), self.mean, numeric) - self.mean) / self.scale]
        for column, levels in zip(x[:, self.categorical].T, self.levels):
            parts.append((column[:, None] == levels[None, :]).astype(float))
        return np.hstack(parts)

    def predict_proba(self, x):
        return self.estimator.predict_proba(self.transform(x))


def logistic(meta, params, train, validation, repeat):
    # modelgate's logistic l2 is scikit-learn's 1 / C.
    c = 1.0 / params["logistic_l2"]
    return lambda: Standardized(meta, LogisticRegression(C=c, solver="lbfgs", max_iter=1000)).fit(*train)


MODELS = {"gbdt": hist_gbdt, "logistic": logistic}


def main(params_file):
    with open(params_file) as f:
        params = json.load(f)
    cache = {}
    for line in sys.stdin:
        command = json.loads(line)
        directory = command["dir"]
        if directory not in cache:
            with open(os.path.join(directory, "meta.json")) as f:
                meta = json.load(f)
            cache = {directory: (meta, *(load(directory, n) for n in ("train", "validation", "test")))}
        meta, train, validation, test = cache[directory]
        fit = MODELS[command["model"]](meta, params, train, validation, command["repeat"])
        start = time.perf_counter()
        model = fit()
        answer = {"seconds": time.perf_counter() - start}
        answer.update(quality(meta, model, *test))
        if command["model"] == "gbdt":
            answer["rounds"] = int(model.n_iter_)
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
