"""A PyTorch tabular trainer run by modelgate as a `command:` candidate.

It reads everything from the environment modelgate sets (see BYO.md at the repository root):
the splits as CSV, the feature and class lists, the seed and this trial's hyperparameters.
It writes into $MODELGATE_OUTPUT_DIR: model.onnx (what modelgate scores, registers and serves),
checkpoint.pt (the weights, for predict_torch.py) and metrics.json (recorded, for the log).
"""

import json
import math
import os

import numpy as np
import torch

from tabular_mlp import TabularMlp, read_csv


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise SystemExit(f"${name} is not set: run this through 'modelgate train'")
    return value


def main():
    features = json.loads(env("MODELGATE_FEATURES"))
    target = env("MODELGATE_TARGET")
    task = env("MODELGATE_TASK")
    classes = json.loads(env("MODELGATE_CLASSES", "[]"))
    seed = int(env("MODELGATE_SEED", "0"))
    hidden = int(env("MODELGATE_PARAM_HIDDEN", "16"))
    learning_rate = float(env("MODELGATE_PARAM_LEARNING_RATE", "0.01"))
    epochs = int(env("MODELGATE_PARAM_EPOCHS", "200"))
    out = env("MODELGATE_OUTPUT_DIR")
    classifier = task != "regression"

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    train_x, train_y = targets(*read_csv(env("MODELGATE_TRAIN_CSV"), features, target), classes, classifier)
    valid_x, valid_y = targets(*read_csv(env("MODELGATE_VALIDATION_CSV"), features, target), classes, classifier)
    print(f"{len(train_x)} training rows, {len(valid_x)} validation rows, {len(features)} features")

    model = TabularMlp(len(features), len(classes) if classifier else 1, hidden, classifier)
    model.prepare.fit(train_x)
    if not classifier:
        # The network learns a standardised target; the last layer's scale brings it back.
        scale_output(model, train_y)
    loss_fn = torch.nn.CrossEntropyLoss() if classifier else torch.nn.MSELoss()
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
    x, y = torch.tensor(train_x), torch.tensor(train_y)
    for epoch in range(1, epochs + 1):
        optimiser.zero_grad()
        logits = model.logits(x)
        loss = loss_fn(logits, y) if classifier else loss_fn(logits.reshape(-1), y)
        loss.backward()
        optimiser.step()
        if epoch % 50 == 0 or epoch == epochs:
            print(f"epoch {epoch}: training loss {loss.item():.4f}")
    model.eval()

    metrics = validation_metrics(model, valid_x, valid_y, classifier)
    print(f"validation: {json.dumps(metrics)}")
    torch.save(
        {"state_dict": model.state_dict(), "features": features, "classes": classes, "task": task, "hidden": hidden},
        os.path.join(out, "checkpoint.pt"),
    )
    export(model, x[:2], os.path.join(out, "model.onnx"), classifier)
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)


def targets(x, labels, classes, classifier):
    """Rows with a known target; a classifier's target as the index of its class."""
    if not classifier:
        y = np.array([float(v) if v.strip() else math.nan for v in labels], dtype=np.float32)
        keep = ~np.isnan(y)
        return x[keep], y[keep]
    index = {name: i for i, name in enumerate(classes)}
    # A numeric target's classes are numbers as modelgate prints them ('1'); the CSV may say '1.0'.
    index.update({as_number(name): i for i, name in enumerate(classes) if as_number(name) is not None})
    found = [index.get(v, index.get(as_number(v))) for v in labels]
    keep = [i for i, c in enumerate(found) if c is not None]
    return x[keep], np.array([found[i] for i in keep], dtype=np.int64)


def as_number(text):
    try:
        return float(text)
    except ValueError:
        return None


def scale_output(model, y):
    last = model.net[-1]
    with torch.no_grad():
        last.weight.mul_(float(y.std()) or 1.0)
        last.bias.fill_(float(y.mean()))


def validation_metrics(model, x, y, classifier):
    with torch.no_grad():
        if not classifier:
            predictions = model(torch.tensor(x)).numpy()
            return {"rmse": float(np.sqrt(np.mean((predictions - y) ** 2)))}
        probabilities, labels = model(torch.tensor(x))
    picked = probabilities.numpy()[np.arange(len(y)), y]
    return {
        "accuracy": float(np.mean(labels.numpy() == y)),
        "log_loss": float(-np.mean(np.log(np.clip(picked, 1e-15, 1.0)))),
    }


def export(model, example, path, classifier):
    outputs = ["probabilities", "label"] if classifier else ["prediction"]
    torch.onnx.export(
        model,
        (example,),
        path,
        input_names=["input"],
        output_names=outputs,
        dynamic_axes={name: {0: "batch"} for name in ["input", *outputs]},
        opset_version=13,
    )


if __name__ == "__main__":
    main()
