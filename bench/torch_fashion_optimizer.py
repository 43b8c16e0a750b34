#!/usr/bin/env python3
"""PyTorch's accuracy on Fashion-MNIST with the protocol `mlplab train` uses, for issue 26's
comparison of Adam, AdamW and SGD: the default network 784-588-392-196-10 (ReLU, nn.Linear's
init), inputs ÷255, a stratified-free random 10 % of the training set held out for validation,
batch 64, the weights of the best epoch on validation scored on the official test set. Run by
hand in a venv with torch (never in CI):

    python3 bench/torch_fashion_optimizer.py --optimizer adam --lr 0.001 --epochs 10 --seeds 1 2 3

Prints each seed's test accuracy and their mean.
"""
import argparse, gzip, os

import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--optimizer", choices=["sgd", "adam", "adamw"], default="adam")
p.add_argument("--lr", type=float, default=0.001)
p.add_argument("--weight-decay", type=float, default=None)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--data", default=os.environ.get("MLPLAB_DATA", "/usr/share/datasets/fashion-mnist"))
a = p.parse_args()
torch.set_num_threads(a.threads)


def idx(name, offset):
    with gzip.open(os.path.join(a.data, name)) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


x_all = torch.tensor(idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
y_all = torch.tensor(idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
x_test = torch.tensor(idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
y_test = torch.tensor(idx("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


results = []
for seed in a.seeds:
    torch.manual_seed(seed)
    order = torch.randperm(len(x_all))
    validation, train = order[:len(x_all) // 10], order[len(x_all) // 10:]
    model = nn.Sequential(nn.Linear(784, 588), nn.ReLU(), nn.Linear(588, 392), nn.ReLU(), nn.Linear(392, 196), nn.ReLU(),
                          nn.Linear(196, 10))
    if a.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, weight_decay=a.weight_decay or 0)
    elif a.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.weight_decay or 0)
    else:
        optimizer = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01 if a.weight_decay is None else a.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    best, best_state = -1.0, None
    for epoch in range(a.epochs):
        shuffled = train[torch.randperm(len(train))]
        for start in range(0, len(shuffled), 64):
            batch = shuffled[start:start + 64]
            optimizer.zero_grad()
            loss_fn(model(x_all[batch]), y_all[batch]).backward()
            optimizer.step()
        score = accuracy(model, x_all[validation], y_all[validation])
        if score > best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    results.append(accuracy(model, x_test, y_test))
    print(f"seed {seed}: best validation {best:.4f}, test {results[-1]:.4f}", flush=True)
print(f"{a.optimizer} lr {a.lr}, {a.epochs} epochs: mean test accuracy {sum(results) / len(results):.4f} over seeds {a.seeds}")
