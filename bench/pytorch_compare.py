#!/usr/bin/python3
"""PyTorch on the same network, data and batch sizes as l1t-experiment.

Reads what `l1t-experiment --export-data DIR` wrote (train/test rows as .npy, the starting
weights of the 5-25-30-1 network in Keras layout, manifest.json with the learning rates), then
  * throughput: for SGD (momentum) and Adam at each batch size, on one thread, steps over
    contiguous batches of the training rows until --seconds have passed (as the C++ speed suite
    does: forward, loss, backward, optimiser step), and prints samples/s;
  * accuracy: --epochs shuffled epochs at batch 50 from the same start, test accuracy after each.
With --l1t-speed (and --l1t-convergence) it also prints the C++ numbers beside PyTorch's and the
ratios. Run it through bench/compare_pytorch.sh, which makes those files first.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch


def load(data_dir):
    with open(os.path.join(data_dir, "manifest.json")) as f:
        manifest = json.load(f)

    def npy(name):
        return torch.from_numpy(np.load(os.path.join(data_dir, name)).astype(np.float32))

    data = {k: npy(k + ".npy") for k in ("train_x", "train_y", "test_x", "test_y")}
    layers = []
    for l in range(len(manifest["sizes"]) - 1):
        layers.append((npy(f"layer{l}_w.npy"), npy(f"layer{l}_b.npy").reshape(-1)))
    return manifest, data, layers


def make_model(layers):
    """Dense-ReLU-...-Dense (logits); the sigmoid is in the loss, as in the C++ trainer."""
    mods = []
    for i, (w, b) in enumerate(layers):
        lin = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            lin.weight.copy_(w.t())  # Keras kernel is n_in x n_out, torch's weight n_out x n_in
            lin.bias.copy_(b)
        mods.append(lin)
        if i + 1 < len(layers):
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)


def make_optimizer(name, model, manifest):
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=manifest["sgd"]["lr"],
                               momentum=manifest["sgd"]["momentum"])
    a = manifest["adam"]
    return torch.optim.Adam(model.parameters(), lr=a["lr"], betas=(a["beta1"], a["beta2"]),
                            eps=a["epsilon"])


def throughput(name, batch, data, layers, manifest, seconds, repeats, warmup=5):
    model = make_model(layers)
    opt = make_optimizer(name, model, manifest)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x, y = data["train_x"], data["train_y"]
    n = x.shape[0]
    offset = 0

    def step():
        nonlocal offset
        if offset + batch > n:
            offset = 0
        xb, yb = x[offset:offset + batch], y[offset:offset + batch]
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        opt.step()
        offset += batch

    for _ in range(warmup):
        step()
    best = 0.0
    for _ in range(repeats):  # the fastest window counts, as in the C++ suite
        steps = 0
        t0 = time.perf_counter()
        while True:
            step()
            steps += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= seconds:
                break
        best = max(best, steps * batch / elapsed)
    return best


def accuracy_per_epoch(name, data, layers, manifest, epochs, batch, seed):
    model = make_model(layers)
    opt = make_optimizer(name, model, manifest)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x, y = data["train_x"], data["train_y"]
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=gen)
        for start in range(0, x.shape[0], batch):
            idx = order[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
        with torch.no_grad():
            logits = model(data["test_x"])
            acc = ((logits >= 0).float() == (data["test_y"] >= 0.5).float()).float().mean()
        out.append(float(acc))
    return out


def print_speed_table(batches, torch_rows, l1t_rows):
    l1t = {(r["algorithm"], r["batch"]): r["samples_per_s"] for r in l1t_rows if r["threads"] == 1}
    algs = [a for a in ("sgd", "adam", "am-adam") if any(k[0] == a for k in l1t)]
    head = ["batch"] + [f"l1t {a}" for a in algs] + ["torch sgd", "torch adam"]
    head += [f"{a}/torch-sgd" for a in algs] + ["adam/torch-adam"]
    print("\nsamples/s, one thread; ratios against PyTorch on the same batches")
    print(" ".join(f"{h:>16}" for h in head))
    for b in batches:
        ts, ta = torch_rows[("sgd", b)], torch_rows[("adam", b)]
        cells = [f"{b:>16}"]
        cells += [f"{l1t.get((a, b), float('nan')):>16.0f}" for a in algs]
        cells += [f"{ts:>16.0f}", f"{ta:>16.0f}"]
        cells += [f"{l1t.get((a, b), float('nan')) / ts:>15.1f}x" for a in algs]
        cells += [f"{l1t.get(('adam', b), float('nan')) / ta:>15.1f}x"]
        print(" ".join(cells))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("data_dir", help="written by l1t-experiment --export-data")
    p.add_argument("--batches", default="1,10,50,100,200,500,1000")
    p.add_argument("--seconds", type=float, default=0.5, help="timed seconds per window")
    p.add_argument("--repeats", type=int, default=1, help="timed windows per point, best counts")
    p.add_argument("--epochs", type=int, default=2, help="accuracy check epochs (0: skip)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", help="write PyTorch's results here")
    p.add_argument("--l1t-speed", help="l1t-experiment --suite speed --json output, to compare")
    p.add_argument("--l1t-convergence", help="l1t-experiment --suite convergence --json output")
    args = p.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    manifest, data, layers = load(args.data_dir)
    batches = [int(b) for b in args.batches.split(",")]
    if max(batches) > data["train_x"].shape[0]:
        sys.exit(f"batch {max(batches)} exceeds the {data['train_x'].shape[0]} training rows")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread, "
          f"{data['train_x'].shape[0]} training rows, sizes {manifest['sizes']}")

    rows = {}
    for name in ("sgd", "adam"):
        for b in batches:
            rows[(name, b)] = throughput(name, b, data, layers, manifest, args.seconds,
                                         args.repeats)
            print(f"torch {name:4} batch {b:5}: {rows[(name, b)]:10.0f} samples/s", flush=True)
    accuracy = {}
    for name in ("sgd", "adam") if args.epochs > 0 else ():
        accuracy[name] = accuracy_per_epoch(name, data, layers, manifest, args.epochs, 50,
                                            args.seed)
        print(f"torch {name:4} test accuracy per epoch (batch 50): "
              + " ".join(f"{a:.4f}" for a in accuracy[name]))

    result = {"torch_version": torch.__version__, "threads": 1,
              "rows": [{"algorithm": a, "batch": b, "threads": 1, "samples_per_s": v}
                       for (a, b), v in rows.items()],
              "test_accuracy_per_epoch": accuracy}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)

    if args.l1t_speed:
        with open(args.l1t_speed) as f:
            print_speed_table(batches, rows, json.load(f)["rows"])
    if args.l1t_convergence and accuracy:
        with open(args.l1t_convergence) as f:
            conv = json.load(f)["algorithms"]
        print("\ntest accuracy per epoch at batch 50, same data and start (shuffles differ)")
        for name in ("sgd", "adam", "am-adam"):
            if name in conv:
                print(f"  l1t   {name:8}" + " ".join(f"{a:.4f}" for a in conv[name]["test_accuracy"]))
            if name in accuracy:
                print(f"  torch {name:8}" + " ".join(f"{a:.4f}" for a in accuracy[name]))


if __name__ == "__main__":
    main()
