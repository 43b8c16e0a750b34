#!/usr/bin/env python3
"""PyTorch's training step on the same models and batch as bench/StepBenchmark, for the ratio in
BENCHMARKS.md. Run by hand in a venv with torch installed (never in CI):

    python3 bench/torch_reference.py [--threads N] [--steps N]
"""
import argparse, os, time

import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--steps", type=int, default=30)
a = p.parse_args()
torch.set_num_threads(a.threads)
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch 64, {a.steps} steps, medians")
for sizes in ([4800, 3600, 2400, 1200, 52], [784, 588, 392, 196, 10]):
  for name, momentum in (("sgd", 0.0), ("momentum 0.9", 0.9)):
    layers = []
    for i, (n, m) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(n, m))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.001, momentum=momentum)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(4096, sizes[0])
    y = torch.randint(0, sizes[-1], (4096,))
    times = []
    for s in range(a.steps + 3):
        i = s * 64 % 4096
        start = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x[i:i + 64]), y[i:i + 64])
        loss.backward()
        opt.step()
        if s >= 3:
            times.append(time.perf_counter() - start)
    step = sorted(times)[len(times) // 2]
    print(f"{'-'.join(map(str, sizes)):<26}  {name:<13}  step {step * 1e3:7.2f} ms  {64 / step:9.0f} samples/s")
