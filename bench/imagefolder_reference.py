#!/usr/bin/env python3
"""The assignment's input pipeline, timed: torchvision ImageFolder + Grayscale + its CustomToTensor
(÷255), one pass over every image through a DataLoader, batch 64. Run by hand in a venv with torch
and torchvision (never in CI):

    python3 bench/imagefolder_reference.py FOLDER [--workers N]
"""
import argparse, time

import numpy as np
import torch
import torchvision.transforms as transforms
from torchvision.datasets import ImageFolder


class CustomToTensor:
    def __call__(self, image):
        return torch.from_numpy(np.array(image, dtype=np.float32) / 255)


p = argparse.ArgumentParser()
p.add_argument("folder")
p.add_argument("--workers", type=int, default=2)
a = p.parse_args()
start = time.perf_counter()
dataset = ImageFolder(a.folder, transform=transforms.Compose([transforms.Grayscale(), CustomToTensor()]))
scanned = time.perf_counter()
loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True, num_workers=a.workers)
count = 0
for images, labels in loader:
    count += len(labels)
done = time.perf_counter()
print(f"torchvision ImageFolder: {count} images, scan {scanned - start:.2f} s, one pass {done - scanned:.2f} s, "
      f"{count / (done - start):,.0f} images/s, {a.workers} workers")
