"""One benchmark workload trained with PyTorch, with the options of
bench/workload_args.h; prints the same JSON line as the C programs.

The loop is what a researcher writes: a shuffled permutation per epoch,
indexed mini-batches, zero_grad, forward, loss, backward, step."""
import argparse
import json
import resource
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, required=True)
    parser.add_argument("--layers", required=True)
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--output", default="identity")
    parser.add_argument("--loss", default="mse")
    parser.add_argument("--optimizer", default="sgd")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=0.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    activations = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid,
                   "tanh": torch.nn.Tanh}
    units = [int(u) for u in args.layers.split(",")]
    modules, fan_in = [], args.inputs
    for i, width in enumerate(units):
        modules.append(torch.nn.Linear(fan_in, width))
        name = args.activation if i + 1 < len(units) else args.output
        if name in activations:
            modules.append(activations[name]())
        fan_in = width
    net = torch.nn.Sequential(*modules)

    n, k = args.samples, units[-1]
    if args.activation == "sigmoid":  # the XOR workload
        x = (torch.rand(n, args.inputs) < 0.5).float()
        y = (x[:, :1] != x[:, 1:2]).float().expand(n, k).contiguous()
    else:
        x = torch.randn(n, args.inputs)
        y = torch.rand(n, k)
    if args.loss == "cross_entropy":
        y = torch.randint(0, k, (n,))
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        loss_fn = torch.nn.MSELoss()
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    else:
        optimizer = torch.optim.SGD(net.parameters(), lr=args.lr,
                                    momentum=args.momentum)

    def epoch():
        order = torch.randperm(n)
        for start in range(0, n, args.batch):
            rows = order[start:start + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[rows]), y[rows])
            loss.backward()
            optimizer.step()

    epoch()  # warm-up
    start, cpu_start = time.perf_counter(), time.process_time()
    done = 0
    while True:
        for _ in range(args.epochs):
            epoch()
        done += args.epochs
        if not args.epochs or time.perf_counter() - start >= args.seconds:
            break
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"samples_per_second": n * done / seconds,
                      "seconds": seconds, "cpu_seconds": cpu_seconds,
                      "peak_rss_mib": round(peak, 1)}))


if __name__ == "__main__":
    main()
