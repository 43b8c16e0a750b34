#!/usr/bin/env python3
"""Reads every run folder's TensorBoard event file under the given folders with TensorBoard's own
EventAccumulator and checks it against the run's metrics.jsonl and result.json: each epoch's
loss, accuracies, learning rate and gradient norm, and the final test accuracy, equal to the
stored Double rounded to float32 (the format's simple_value), at the step of the epoch's last
batch; no step twice; the HParams session start present. Run by hand (never in CI):

    python3 -m venv tb && tb/bin/pip install tensorboard
    tb/bin/python scripts/check-tensorboard.py report/runs runs
"""
import glob, json, os, struct, sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

def f32(x):
    """x rounded to float32; MLPLab's JSON spells non-finite numbers "nan", "inf", "-inf"."""
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]

def same(a, b):
    """Lists of floats equal, nan equal to nan (a diverged run's loss)."""
    return len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b))

failures = runs = checked = 0
for root in sys.argv[1:] or ["runs"]:
    for config in sorted(glob.glob(os.path.join(root, "**", "config.json"), recursive=True)):
        folder = os.path.dirname(config)
        if not glob.glob(os.path.join(folder, "events.out.tfevents.*")):
            print(f"{folder}: no event file"); failures += 1; continue
        runs += 1
        accumulator = EventAccumulator(folder, size_guidance={"scalars": 0})
        accumulator.Reload()
        tags = accumulator.Tags()["scalars"]
        def points(tag):
            return [(e.step, e.value) for e in accumulator.Scalars(tag)] if tag in tags else []
        metrics = [json.loads(line) for line in open(os.path.join(folder, "metrics.jsonl"))] \
            if os.path.exists(os.path.join(folder, "metrics.jsonl")) else []
        problems = []
        for tag, key in [("loss/train_epoch", "loss"), ("accuracy/train", "train_accuracy"),
                         ("accuracy/validation", "validation_accuracy"), ("learning_rate", "learning_rate"),
                         ("gradient_norm", "gradient_norm")]:
            want = [f32(m[key]) for m in metrics if m.get(key) is not None]
            got = [v for _, v in points(tag)]
            if not same(got, want):
                problems.append(f"{tag}: {got} against metrics.jsonl's {want}")
            steps = [s for s, _ in points(tag)]
            if len(set(steps)) != len(steps):
                problems.append(f"{tag}: a step twice in {steps}")
            checked += len(got)
        loss_steps = [s for s, _ in points("loss/train")]
        if len(set(loss_steps)) != len(loss_steps) or loss_steps != sorted(loss_steps):
            problems.append(f"loss/train steps {loss_steps}")
        result_path = os.path.join(folder, "result.json")
        if os.path.exists(result_path):
            result = json.load(open(result_path))
            if not same([v for _, v in points("accuracy/test")], [f32(result["test_accuracy"])]):
                problems.append(f"accuracy/test {points('accuracy/test')} against result.json's {result['test_accuracy']}")
            checked += 1
        if "_hparams_/session_start_info" not in accumulator.PluginTagToContent("hparams"):
            problems.append("no HParams session start")
        for problem in problems:
            print(f"{folder}: {problem}")
        failures += bool(problems)
print(f"{runs} runs, {checked} values equal to metrics.jsonl and result.json, {failures} runs with problems")
sys.exit(1 if failures else 0)
