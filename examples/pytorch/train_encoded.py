"""A PyTorch trainer on the encoded splits: run by modelgate as a `preprocess: encoded` candidate.

modelgate fits its preprocessing on the training split and hands this script numeric matrices
(every column float32, no missing values, categories one-hot) and a feature map saying what
each column is (see BYO.md). The model takes that [N, F] matrix; modelgate composes the
preprocessing in front of it, so the registered model takes the raw columns, strings and nulls.
It writes model.onnx, checkpoint.pt, metrics.json and test_predictions.json (torch's own
outputs on the encoded test rows) into $MODELGATE_OUTPUT_DIR.
"""

import csv
import json
import os

import numpy as np
import torch

import feature_map
from tabular_mlp import mlp


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise SystemExit(f"${name} is not set: run this through 'modelgate train' with preprocess: encoded")
    return value


def read_encoded(path, width):
    """An encoded split: the F feature columns as float32 [N, F], the last column the class index."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        rows = [[float(cell) for cell in line] for line in reader]
    data = np.array(rows, dtype=np.float64).reshape(-1, width + 1)
    return data[:, :width].astype(np.float32), data[:, width].astype(np.int64)


class EncodedMlp(torch.nn.Module):
    """[N, F] encoded rows -> (probabilities [N, C], label int64 [N]). No preprocessing inside."""

    def __init__(self, width, classes, hidden):
        super().__init__()
        self.net = mlp(width, hidden, classes)

    def forward(self, x):
        probabilities = torch.softmax(self.net(x), dim=1)
        return probabilities, torch.argmax(probabilities, dim=1)


def build(checkpoint):
    """The model a checkpoint.pt describes, with its weights, in eval mode."""
    model = EncodedMlp(checkpoint["width"], len(checkpoint["classes"]), checkpoint["hidden"])
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval()


def main():
    fmap = feature_map.load(env("MODELGATE_FEATURE_MAP"))
    width, classes = fmap["width"], fmap["target"]["classes"]
    seed = int(env("MODELGATE_SEED", "0"))
    hidden = int(env("MODELGATE_PARAM_HIDDEN", "16"))
    learning_rate = float(env("MODELGATE_PARAM_LEARNING_RATE", "0.01"))
    epochs = int(env("MODELGATE_PARAM_EPOCHS", "150"))
    out = env("MODELGATE_OUTPUT_DIR")

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    train_x, train_y = read_encoded(env("MODELGATE_ENCODED_TRAIN_CSV"), width)
    valid_x, valid_y = read_encoded(env("MODELGATE_ENCODED_VALIDATION_CSV"), width)
    test_x, test_y = read_encoded(env("MODELGATE_ENCODED_TEST_CSV"), width)
    print(f"{len(train_x)} training rows, {width} encoded columns: {', '.join(c['name'] for c in fmap['columns'])}")
    check_encoding(fmap, valid_x)

    model = EncodedMlp(width, len(classes), hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = torch.tensor(train_x), torch.tensor(train_y)
    for epoch in range(1, epochs + 1):
        optimiser.zero_grad()
        loss = loss_fn(model.net(x), y)
        loss.backward()
        optimiser.step()
        if epoch % 50 == 0 or epoch == epochs:
            print(f"epoch {epoch}: training loss {loss.item():.4f}")
    model.eval()

    with torch.no_grad():
        probabilities, labels = model(torch.tensor(valid_x))
    picked = probabilities.numpy()[np.arange(len(valid_y)), valid_y]
    metrics = {
        "accuracy": float(np.mean(labels.numpy() == valid_y)),
        "log_loss": float(-np.mean(np.log(np.clip(picked, 1e-15, 1.0)))),
    }
    print(f"validation: {json.dumps(metrics)}")
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    torch.save(
        {"state_dict": model.state_dict(), "width": width, "classes": classes, "hidden": hidden},
        os.path.join(out, "checkpoint.pt"),
    )
    with torch.no_grad():
        probabilities, labels = model(torch.tensor(test_x))
    with open(os.path.join(out, "test_predictions.json"), "w") as f:
        json.dump(
            {
                "classes": classes,
                "targets": [classes[i] for i in test_y.tolist()],
                "probabilities": [[float(p) for p in row] for row in probabilities.numpy()],
                "labels": [classes[i] for i in labels.tolist()],
            },
            f,
        )
    outputs = ["probabilities", "label"]
    torch.onnx.export(
        model,
        (x[:2],),
        os.path.join(out, "model.onnx"),
        input_names=["input"],
        output_names=outputs,
        dynamic_axes={name: {0: "batch"} for name in ["input", *outputs]},
        opset_version=13,
    )


def check_encoding(fmap, encoded):
    """feature_map.py on the raw validation rows gives modelgate's encoded rows exactly."""
    target = fmap["target"]["name"]
    rows = [r for r in feature_map.read_raw_csv(env("MODELGATE_VALIDATION_CSV")) if r.get(target, "") != ""]
    mine = feature_map.encode(rows, fmap)
    differ = int(np.sum(mine != encoded))
    print(f"feature_map.py on the raw validation rows: {differ} cells differ from modelgate's encoding")
    if differ:
        raise SystemExit("feature_map.py disagrees with modelgate's encoded validation split")


if __name__ == "__main__":
    main()
