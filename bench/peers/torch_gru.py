"""PyTorch peer of the training benchmark (npm run bench:training): the same network as training/model
(GRU -> concat current -> dense relu -> dropout -> softmax over 24 hours, soft-label cross-entropy, Adam),
the same shapes and batch size, float32, written as a PyTorch user would: batches built before the clock
starts (contiguous tensors, as a DataLoader with pinned batches hands them over), `torch.set_num_threads`,
warm-up batches excluded, then the forward pass, backward pass and Adam step of every batch timed.
Prints one JSON line: {"samples_per_sec": ..., "samples_per_cpu_sec": ..., "threads": ..., "torch": "...",
"batches": ...}; samples per CPU-second (the process's CPU time, all threads) is the figure that a busy
machine disturbs least.
"""
import argparse
import json
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
    parser.add_argument("--examples", type=int, default=10240, help="examples in the timed batches")
    parser.add_argument("--warmup", type=int, default=5, help="untimed batches first")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    args = parser.parse_args()

    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    b, t = args.batch_size, args.steps
    count = max(1, args.examples // b)
    batches = [
        (
            torch.randn(t, b, args.step_width),
            torch.randn(b, args.current_width),
            torch.softmax(torch.randn(b, 24) * 3, dim=1),
        )
        for _ in range(min(count, 64))
    ]
    model = HourGru(args.step_width, args.current_width, args.units, args.dense_units, 0.1)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.008)

    def run(n):
        for i in range(n):
            sequence, current, labels = batches[i % len(batches)]
            optimizer.zero_grad()
            logits = model(sequence, current)
            loss = torch.sum(-labels * torch.log_softmax(logits, dim=1)) / b
            loss.backward()
            optimizer.step()

    run(args.warmup)
    started = time.perf_counter()
    cpu_started = time.process_time()
    run(count)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(json.dumps({
        "samples_per_sec": round(count * b / elapsed),
        "samples_per_cpu_sec": round(count * b / cpu),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "batches": count,
    }))


if __name__ == "__main__":
    main()
