#!/usr/bin/env python3
"""Writes the TensorBoard event file the tests read back (Tests/MLPLabTests/Support/Fixtures/
tensorboard/), with the `tensorboard` Python package's own writer and protobufs, and the values
it holds as JSON beside it. Run by hand in a venv with tensorboard installed (never in CI):

    pip install tensorboard && python3 scripts/make-tensorboard-fixture.py

What it writes, as PyTorch's SummaryWriter would: scalars as `simple_value` (add_scalar's
default) at steps 0, 1, 20, 2**40 (a step that needs a long varint) and one new-style scalar (a
one-element float tensor with the scalars plugin's metadata), then the HParams plugin's session
start (add_hparams's form: a value carrying only metadata).
"""
import json, os, struct, sys

from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter

folder = os.path.join(os.path.dirname(__file__), "..", "Tests", "MLPLabTests", "Support", "Fixtures", "tensorboard")
os.makedirs(folder, exist_ok=True)
for name in os.listdir(folder):
    os.remove(os.path.join(folder, name))
writer = EventFileWriter(folder, filename_suffix=".fixture")
expected = []

def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]

for tag, step, value in [("loss/train", 0, 2.302585), ("loss/train", 1, 1.75), ("accuracy/validation", 20, 0.8765),
                         ("loss/train", 2**40, -0.0), ("weird tag/ü", 3, 1e-30)]:
    writer.add_event(event_pb2.Event(wall_time=1700000000.5 + step % 1000, step=step,
                                     summary=summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])))
    expected.append({"tag": tag, "step": step, "value": f32(value), "wall_time": 1700000000.5 + step % 1000})

tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[0.125])
metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))
writer.add_event(event_pb2.Event(wall_time=1700000100.0, step=7, summary=summary_pb2.Summary(
    value=[summary_pb2.Summary.Value(tag="new_style", tensor=tensor, metadata=metadata)])))
expected.append({"tag": "new_style", "step": 7, "value": 0.125, "wall_time": 1700000100.0})

start = plugin_data_pb2.SessionStartInfo()
start.hparams["lr"].number_value = 0.05
start.hparams["activation"].string_value = "relu"
start.hparams["nesterov"].bool_value = True
content = plugin_data_pb2.HParamsPluginData(session_start_info=start, version=0)
hparams = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
    plugin_name="hparams", content=content.SerializeToString()))
writer.add_event(event_pb2.Event(wall_time=1700000200.0, step=0, summary=summary_pb2.Summary(
    value=[summary_pb2.Summary.Value(tag="_hparams_/session_start_info", metadata=hparams)])))
writer.close()

events = [n for n in os.listdir(folder) if n.startswith("events.out.tfevents.")]
assert len(events) == 1, events
os.rename(os.path.join(folder, events[0]), os.path.join(folder, "events.out.tfevents.fixture"))
with open(os.path.join(folder, "expected.json"), "w") as f:
    json.dump({"scalars": expected, "hparams": {"lr": 0.05, "activation": "relu", "nesterov": True},
               "hparams_content_hex": content.SerializeToString().hex()}, f, indent=1)
print("wrote", folder)
