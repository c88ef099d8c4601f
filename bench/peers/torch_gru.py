"""PyTorch peer of the training benchmark (npm run bench:training): the same network as training/model
(GRU -> concat current -> dense relu -> dropout -> softmax over 24 hours, soft-label cross-entropy, Adam),
the same shapes and batch size, on random data, all CPU cores. Prints one JSON line:
{"samples_per_sec": ..., "threads": ..., "torch": "..."}.
"""
import argparse
import json
import os
import time

import torch
from torch import nn


class HourGru(nn.Module):
    def __init__(self, step_width, current_width, units, dense_units, dropout):
        super().__init__()
        self.gru = nn.GRU(step_width, units, batch_first=False)
        self.hidden = nn.Linear(units + current_width, dense_units)
        self.dropout = nn.Dropout(dropout)
        self.hour = nn.Linear(dense_units, 24)

    def forward(self, sequence, current):
        _, state = self.gru(sequence)
        joined = torch.cat([state[0], current], dim=1)
        return self.hour(self.dropout(torch.relu(self.hidden(joined))))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--dense-units", type=int, default=64)
    parser.add_argument("--steps", type=int, default=14)
    parser.add_argument("--step-width", type=int, default=30)
    parser.add_argument("--current-width", type=int, default=10)
    parser.add_argument("--examples", type=int, default=20480, help="examples per timed epoch")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    b, t = args.batch_size, args.steps
    batches = max(1, args.examples // b)
    sequence = torch.randn(t, batches * b, args.step_width)
    current = torch.randn(batches * b, args.current_width)
    labels = torch.softmax(torch.randn(batches * b, 24) * 3, dim=1)
    model = HourGru(args.step_width, args.current_width, args.units, args.dense_units, 0.1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.008)

    def epoch(count):
        for i in range(count):
            rows = slice(i * b, (i + 1) * b)
            optimizer.zero_grad()
            logits = model(sequence[:, rows], current[rows])
            loss = torch.sum(-labels[rows] * torch.log_softmax(logits, dim=1)) / b
            loss.backward()
            optimizer.step()

    epoch(min(5, batches))
    started = time.perf_counter()
    epoch(batches)
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "samples_per_sec": round(batches * b / elapsed),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
