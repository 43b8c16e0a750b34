#!/usr/bin/env python3
"""Checks that a model.safetensors written by MLPLab loads into the assignment's PyTorch Model
and gives the same logits as MLPLab on real test images. Run by hand in a venv with torch,
safetensors and Pillow (never in CI):

    python3 scripts/check-torch-interop.py runs/NAME/model.safetensors [--images 64]

It writes Fashion-MNIST test images as PNG files, runs `mlplab predict --json` on them, loads the
same file with `safetensors.torch.load_file` into a Model whose layers are named layer1, layer2, …
(the assignment's names), preprocesses as the metadata says (Grayscale, ÷255 or raw), and
compares the logits. Exit 0 when the largest difference is within the tolerance.
"""
import argparse, gzip, json, os, subprocess, sys, tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from safetensors import safe_open
from safetensors.torch import load_file


class Model(nn.Module):
    """The assignment's Model: layer1 … layerN, activation between them, logits out."""

    def __init__(self, sizes, act):
        super().__init__()
        self.count = len(sizes) - 1
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            setattr(self, f"layer{i + 1}", nn.Linear(a, b))
        self.act = act

    def forward(self, x):
        x = x.view(x.size(0), -1)
        for i in range(1, self.count):
            x = self.act(getattr(self, f"layer{i}")(x))
        return getattr(self, f"layer{self.count}")(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--images", type=int, default=64)
    p.add_argument("--mlplab", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "mlplab"))
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--tolerance", type=float, default=1e-4)
    a = p.parse_args()

    with safe_open(a.model, framework="pt") as f:
        meta = f.metadata()
    classes = json.loads(meta["classes"])
    hidden = json.loads(meta["hidden_sizes"])
    width, height = int(meta["input_width"]), int(meta["input_height"])
    act = {"relu": F.relu, "tanh": torch.tanh, "leaky-relu": F.leaky_relu, "sigmoid": torch.sigmoid}[meta["activation"]]
    model = Model([width * height] + hidden + [len(classes)], act)
    model.load_state_dict(load_file(a.model))  # strict: every name and shape must match
    model.eval()

    with gzip.open(os.path.join(a.data_dir, "t10k-images-idx3-ubyte.gz")) as f:
        data = f.read()
    images = np.frombuffer(data, np.uint8, offset=16).reshape(-1, 28, 28)[: a.images]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, image in enumerate(images):
            path = os.path.join(tmp, f"{i}.png")
            Image.fromarray(image).save(path)
            paths.append(path)
        out = subprocess.run([a.mlplab, "predict", a.model, *paths, "--json", "--top", "1"], check=True, capture_output=True, text=True)
        ours = np.array([p["logits"] for p in json.loads(out.stdout)], dtype=np.float64)
        # The assignment's preprocessing: Grayscale, float32, ÷255 when normalized.
        x = np.stack([np.array(Image.open(path).convert("L"), dtype=np.float32) for path in paths])
        if meta["input_scaling"] == "divide-by-255":
            x = x / 255
        with torch.no_grad():
            theirs = model(torch.from_numpy(x)).double().numpy()
    diff = np.abs(ours - theirs).max()
    agree = (ours.argmax(1) == theirs.argmax(1)).mean()
    print(f"{len(paths)} images, {len(classes)} classes: largest logit difference {diff:.3g} "
          f"(tolerance {a.tolerance:g}), same predicted class for {agree:.0%}")
    sys.exit(0 if diff <= a.tolerance else 1)


if __name__ == "__main__":
    main()
