#!/usr/bin/env python3
"""The assignment's whole pipeline, timed end to end on an image folder: torchvision ImageFolder +
Grayscale + CustomToTensor(normalized=True), a stratified 80/20 split, DataLoaders (batch 64,
decoding every image every epoch, 2 workers here: the assignment's 16 on a 2-core machine only add
overhead), its model (input→3600→2400→1200→classes, ReLU), SGD lr 0.01, N epochs, then test and
train accuracy as its train_test_accuracy does. Run by hand in a venv with torch, torchvision and
scikit-learn-free numpy (never in CI):

    python3 bench/assignment_pipeline.py FOLDER [--epochs N] [--workers N]

Prints the wall time from start to the last accuracy, and the training samples/s.
"""
import argparse, os, time

start = time.perf_counter()
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms as transforms
from torch.utils.data.sampler import SubsetRandomSampler
from torchvision.datasets import ImageFolder


class CustomToTensor:
    def __call__(self, image):
        return torch.from_numpy(np.array(image, dtype=np.float32) / 255)


class Model(nn.Module):
    def __init__(self, inputs, classes):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(inputs, 3600), nn.Linear(3600, 2400)
        self.fc3, self.fc4 = nn.Linear(2400, 1200), nn.Linear(1200, classes)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.fc4(F.relu(self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))))


p = argparse.ArgumentParser()
p.add_argument("folder")
p.add_argument("--epochs", type=int, default=1)
p.add_argument("--workers", type=int, default=2)
a = p.parse_args()
torch.manual_seed(1)
dataset = ImageFolder(a.folder, transform=transforms.Compose([transforms.Grayscale(), CustomToTensor()]))
targets = np.array(dataset.targets)
rng = np.random.default_rng(1)
train, test = [], []
for c in np.unique(targets):  # stratified 80/20, as train_test_split(stratify=targets)
    idx = rng.permutation(np.flatnonzero(targets == c))
    cut = int(round(len(idx) * 0.2))
    test += idx[:cut].tolist()
    train += idx[cut:].tolist()
train_loader = torch.utils.data.DataLoader(dataset, batch_size=64, sampler=SubsetRandomSampler(train), num_workers=a.workers)
test_loader = torch.utils.data.DataLoader(dataset, batch_size=64, sampler=SubsetRandomSampler(test), num_workers=a.workers)
image, _ = dataset[0]
model = Model(image.numel(), len(dataset.classes))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
train_seconds = 0.0
for epoch in range(a.epochs):
    t = time.perf_counter()
    total = 0.0
    for images, labels in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
    train_seconds += time.perf_counter() - t
    print(f"epoch {epoch + 1}, train_loss: {total / len(train_loader):.3f}, {time.perf_counter() - t:.1f} s")


def accuracy(loader):
    correct = count = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(1) == labels).sum().item()
            count += len(labels)
    return correct / count


test_accuracy, train_accuracy = accuracy(test_loader), accuracy(train_loader)
print(f"assignment pipeline: {len(dataset)} images, {a.epochs} epochs, test {test_accuracy:.4f}, train {train_accuracy:.4f}, "
      f"{len(train) * a.epochs / train_seconds:,.0f} training samples/s, wall {time.perf_counter() - start:.1f} s")
