#!/usr/bin/env python3
"""PyTorch reference for `mlplab train` on Fashion-MNIST: the assignment's model, loss and SGD.

Run by hand when PyTorch is installed in a venv (never in CI), to compare numbers and speed:
    python3 scripts/torch-train.py --hidden 588,392,196 --lr 0.053 --momentum 0.5 --epochs 10
Uses the official 60k/10k split (no validation hold-out), batch order from torch's generator.
"""
import argparse, gzip, os, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(directory, name):
    for candidate in (f"{directory}/{name}.gz", f"{directory}/{name}"):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit(f"{name} not found in {directory}")


class Model(nn.Module):
    """The assignment's Model, with any number of hidden layers."""

    def __init__(self, sizes, act):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.act = act

    def forward(self, x):
        x = x.view(x.size(0), -1)
        for layer in self.layers[:-1]:
            x = self.act(layer(x))
        return self.layers[-1](x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default=os.environ.get("MLPLAB_DATA", "/usr/share/datasets/fashion-mnist"))
    p.add_argument("--hidden", default="588,392,196")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.0)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-normalize", action="store_true")
    p.add_argument("--activation", default="relu", choices=["relu", "tanh", "leaky-relu", "sigmoid"])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    scale = 1.0 if a.no_normalize else 255.0
    xs = torch.from_numpy(idx(find(a.data_dir, "train-images-idx3-ubyte")).astype(np.float32) / scale)
    ys = torch.from_numpy(idx(find(a.data_dir, "train-labels-idx1-ubyte")).astype(np.int64))
    xt = torch.from_numpy(idx(find(a.data_dir, "t10k-images-idx3-ubyte")).astype(np.float32) / scale)
    yt = torch.from_numpy(idx(find(a.data_dir, "t10k-labels-idx1-ubyte")).astype(np.int64))
    act = {"relu": F.relu, "tanh": torch.tanh, "leaky-relu": F.leaky_relu, "sigmoid": torch.sigmoid}[a.activation]
    sizes = [xs[0].numel()] + [int(w) for w in a.hidden.split(",")] + [10]
    model = Model(sizes, act)
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)
    n = len(ys)
    for epoch in range(a.epochs):
        start, total, batches, first_bad = time.perf_counter(), 0.0, 0, None
        for idxs in torch.randperm(n).split(a.batch_size):
            opt.zero_grad()
            loss = criterion(model(xs[idxs]), ys[idxs])
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
            if first_bad is None and not np.isfinite(loss.item()):
                first_bad = batches
        seconds = time.perf_counter() - start
        note = f"  (non-finite from batch {first_bad})" if first_bad else ""
        print(f"epoch {epoch + 1}/{a.epochs}  loss {total / batches:.4f}  {seconds:.2f} s  {n / seconds:,.0f} samples/s{note}")
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    print(f"test acc {acc:.4f}")


if __name__ == "__main__":
    main()
