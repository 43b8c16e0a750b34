#!/usr/bin/env python3
"""Writes Tests/MLPLabTests/Support/Fixtures/optimizers.json: PyTorch's weights after full-batch steps of
SGD (momentum, Nesterov, dampening, weight decay), Adam, AdamW and AMSGrad from one set of
initial weights, for OptimizerFixtureTests. Run by hand in a venv with torch (never in CI); the
fixture is committed:

    python3 scripts/make-optimizer-fixture.py
"""
import json, os

import torch
import torch.nn as nn

torch.manual_seed(7)
sizes = [6, 5, 4, 3]
layers = []
for i, (n, m) in enumerate(zip(sizes, sizes[1:])):
    layers.append(nn.Linear(n, m))
    if i < len(sizes) - 2:
        layers.append(nn.ReLU())
model = nn.Sequential(*layers)
initial = {k: v.clone() for k, v in model.state_dict().items()}
x = torch.rand(8, sizes[0]) * 2 - 1
y = torch.tensor([0, 1, 2, 0, 1, 2, 2, 1])
loss_fn = nn.CrossEntropyLoss()


def flat(state):
    return [float(v) for k in state for v in state[k].flatten().tolist()]


cases = [
    ("sgd", {"learning_rate": 0.1}, lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd weight decay", {"learning_rate": 0.1, "weight_decay": 0.1}, lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.1)),
    ("sgd momentum", {"learning_rate": 0.1, "momentum": 0.9}, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("sgd nesterov weight decay", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("sgd dampening", {"learning_rate": 0.1, "momentum": 0.5, "dampening": 0.3},
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5, dampening=0.3)),
    ("adam", {"algorithm": "adam", "learning_rate": 0.01}, lambda p: torch.optim.Adam(p, lr=0.01)),
    ("adam weight decay betas", {"algorithm": "adam", "learning_rate": 0.02, "weight_decay": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
     lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
    ("adam beta1 below one half", {"algorithm": "adam", "learning_rate": 0.01, "beta1": 0.3},
     lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.3, 0.999))),
    ("adamw", {"algorithm": "adamw", "learning_rate": 0.01, "weight_decay": 0.1},
     lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
    ("amsgrad", {"algorithm": "adam", "learning_rate": 0.01, "amsgrad": True}, lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True)),
    ("adamw amsgrad", {"algorithm": "adamw", "learning_rate": 0.01, "weight_decay": 0.01, "amsgrad": True},
     lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01, amsgrad=True)),
]
steps = 5
out = {"torch": torch.__version__, "sizes": sizes, "activation": "relu", "inputs": x.flatten().tolist(), "labels": y.tolist(),
       "initial": flat(initial), "steps": steps, "cases": []}
for name, settings, make in cases:
    model.load_state_dict(initial)
    optimizer = make(model.parameters())
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        losses.append(float(loss.detach()))
        loss.backward()
        optimizer.step()
    out["cases"].append({"name": name, "optimizer": settings, "losses": losses, "weights": flat(model.state_dict())})

path = os.path.join(os.path.dirname(__file__), "..", "Tests", "MLPLabTests", "Support", "Fixtures", "optimizers.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {os.path.normpath(path)}: {len(cases)} optimizers, {steps} steps each, torch {torch.__version__}")
