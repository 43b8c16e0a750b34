#!/usr/bin/env python3
"""The scaling model behind BENCHMARKS.md ("More than one process").

    for i in 1 2 3; do .build/release/data-parallel-benchmark --steps 10 > alone$i.txt; done   # compute by rows
    python3 bench/scaling_model.py alone1.txt alone2.txt alone3.txt [report/results.json]

Data-parallel training over N nodes, each node like the one that measured alone.txt (one
process per node using all its cores), global batch B:

  step(N, B) = compute(B / N) + exposed(N)
  compute(r) = the measured step at r rows (interpolated log-log; linear past the largest
               measured; the smallest measured below it): forward, loss, backward, SGD update
  ring allreduce of S bytes: 2 (N - 1) / N * S / bandwidth + 2 (N - 1) * latency
  exposed(N) = allreduce(first layer) + max(0, allreduce(other layers) - overlap)

The backward produces the first layer's gradient last (60 % of the bytes in both models), so its
sum cannot overlap with anything; the other layers' sums overlap at best with the first layer's
weight-gradient product, 25 % of the step's flops in both models (overlap = 0.25 * compute).
That assumes MPI progresses in the background (a progress thread or a NIC that offloads it);
Open MPI's nonblocking collectives progress only inside MPI calls, which MLPLab makes between
layers, so the measured overlap is smaller (see the 2-rank measurement).

Efficiency at (N, B): one node's step at B divided by N times the N-node step at B (the speedup
at a fixed global batch, per node). Samples/s: B / step(N, B).

With results.json of a study trained by one process (not reused), the study's wall time on N nodes: its five
stages (the runs of a stage depend on choices made in earlier ones) each take the longest-first
schedule of their runs over N nodes; the study's total over its runs' training seconds scales
evaluation and reports in.
"""
import json
import math
import re
import sys

NODES = [1, 2, 4, 8, 16, 32, 64]
NETWORKS = [("10 Gb/s", 1.25e9, 10e-6), ("100 Gb/s", 12.5e9, 2e-6)]
OVERLAP_SHARE = 0.25
MODELS = {"4800-3600-2400-1200-52": [4800, 3600, 2400, 1200, 52], "784-588-392-196-10": [784, 588, 392, 196, 10]}


def measured_steps(paths):
    """{model: [(rows, seconds)]} from data-parallel-benchmark's outputs alone: the fastest of
    the runs at each row count (the machine is shared; the slow ones measure the neighbours)."""
    best = {}
    for path in paths:
        for model, points in measured_steps_of(path).items():
            for rows, seconds in points:
                best.setdefault(model, {})[rows] = min(seconds, best.get(model, {}).get(rows, seconds))
    return {model: sorted(points.items()) for model, points in best.items()}


def measured_steps_of(path):
    steps, model = {}, None
    for line in open(path):
        head = re.match(r"^(\d+(?:-\d+)+):", line)
        if head:
            model = head.group(1)
            steps[model] = []
        row = re.match(r"^\s+(\d+)\s+([\d.]+)\s+\d+\s*$", line)
        if row and model:
            steps[model].append((int(row.group(1)), float(row.group(2)) / 1000))
    return steps


def compute(points, rows):
    if rows <= points[0][0]:
        return points[0][1]
    if rows >= points[-1][0]:
        return points[-1][1] * rows / points[-1][0]
    for (r0, t0), (r1, t1) in zip(points, points[1:]):
        if r0 <= rows <= r1:
            w = math.log(rows / r0) / math.log(r1 / r0)
            return math.exp(math.log(t0) + w * (math.log(t1) - math.log(t0)))


def allreduce(nodes, size, bandwidth, latency):
    if nodes == 1:
        return 0.0
    return 2 * (nodes - 1) / nodes * size / bandwidth + 2 * (nodes - 1) * latency


def step(points, sizes, nodes, batch, bandwidth, latency):
    rows = math.ceil(batch / nodes)
    work = compute(points, rows)
    if nodes == 1:
        return work
    layers = [(i * o + o) * 4 for i, o in zip(sizes, sizes[1:])]
    first = allreduce(nodes, layers[0], bandwidth, latency)
    others = allreduce(nodes, sum(layers[1:]), bandwidth, latency)
    return work + first + max(0.0, others - OVERLAP_SHARE * work)


def efficiency(points, sizes, nodes, batch, network):
    _, bandwidth, latency = network
    return compute(points, batch) / (nodes * step(points, sizes, nodes, batch, bandwidth, latency))


def scaling_tables(steps):
    for model, points in steps.items():
        sizes = MODELS[model]
        megabytes = sum((i * o + o) * 4 for i, o in zip(sizes, sizes[1:])) / 1e6
        print(f"\n{model} (gradient {megabytes:.1f} MB)\n")
        print("| network | nodes | samples/s, batch 64 | efficiency | samples/s, batch 1024 | efficiency | smallest batch for ≥ 80 % | samples/s there |")
        print("|---|---|---|---|---|---|---|---|")
        for network in NETWORKS:
            name, bandwidth, latency = network
            for nodes in NODES:
                cells = []
                for batch in (64, 1024):
                    t = step(points, sizes, nodes, batch, bandwidth, latency)
                    cells += [f"{batch / t:,.0f}", f"{efficiency(points, sizes, nodes, batch, network):.0%}"]
                good = next((b for b in (64 * 2 ** k for k in range(15)) if efficiency(points, sizes, nodes, b, network) >= 0.8), None)
                there = f"{good / step(points, sizes, nodes, good, bandwidth, latency):,.0f}" if good else "–"
                print(f"| {name} | {nodes} | {' | '.join(cells)} | {good if good else 'none ≤ 1M'} | {there} |")


def longest_first(seconds, nodes):
    loads = [0.0] * nodes
    for s in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += s
    return max(loads)


STAGES = [  # the study's five stages (Study.run), as results.json's parts
    [("without_normalization",), ("with_normalization",), ("zero_initialization",), ("learning_rate", "coarse"),
     ("learning_rate", "large")],
    [("learning_rate", "fine")],
    [("learning_rate", "finer")],
    [("batch_size", "batch32"), ("batch_size", "batch128"), ("batch_size", "batch128_high_rate"),
     ("batch_size", "batch128_low_rate"), ("momentum", "runs")],
    [("epochs", "long"), ("activation", "leaky_relu"), ("activation", "tanh"), ("weight_decay", "weak"),
     ("weight_decay", "strong"), ("beyond",)],
]


def study_table(path):
    result = json.load(open(path))
    stages, seen = [], set()
    for parts in STAGES:
        seconds = []
        for keys in parts:
            value = result
            for key in keys:
                value = value[key]
            for run in value if isinstance(value, list) else [value]:
                if run["label"] not in seen:
                    seen.add(run["label"])
                    seconds.append(run["result"]["training_seconds"])
        stages.append(seconds)
    trained = sum(sum(s) for s in stages)
    wall = result["seconds"]
    scale = wall / trained
    print(f"\nstudy: {sum(len(s) for s in stages)} runs in {len(stages)} stages, {trained:.0f} s of training, {wall:.0f} s wall"
          f" (×{scale:.2f} for evaluation, reports, loading)")
    print("\n| nodes | study wall time (longest first per stage) | bound: the longest run of each stage | speedup |")
    print("|---|---|---|---|")
    one = sum(longest_first(s, 1) for s in stages) * scale
    bound = sum(max(s) for s in stages) * scale
    for nodes in NODES:
        wall_n = sum(longest_first(s, nodes) for s in stages) * scale
        print(f"| {nodes} | {wall_n / 60:.1f} min | {bound / 60:.1f} min | {one / wall_n:.1f}× |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outputs = [a for a in sys.argv[1:] if not a.endswith(".json")]
    scaling_tables(measured_steps(outputs))
    for path in (a for a in sys.argv[1:] if a.endswith(".json")):
        study_table(path)
