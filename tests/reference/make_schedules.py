#!/usr/bin/env python3
"""Reference learning rates for tests/test_schedules.c, from torch itself.

Each case names nnlab's [training] settings and builds the matching
torch.optim.lr_scheduler object on an SGD optimizer with lr 0.1, then
records the rate before each of 100 scheduler steps (t = 0 .. 99, a run of
100 epochs or steps). Reduce-on-plateau is fed the fixed LOSSES below, as
nnlab feeds it each epoch's monitored loss.

    /usr/bin/python3 tests/reference/make_schedules.py > tests/reference/schedules.tsv

Run once when a case is added; the test suite reads the stored file and
does not need torch.
"""

import math

import torch
from torch.optim import lr_scheduler as S

BASE_LR = 0.1
STEPS = 100
# Falls, stalls, rises and falls again, so plateau both waits and cuts.
LOSSES = [1.0 / (1 + t // 3) if t < 40 else 0.09 + 0.001 * (t % 5)
          for t in range(STEPS)]

# (name, nnlab settings, function from optimizer to torch scheduler)
CASES = [
    ("constant", "schedule = constant", lambda o: S.LambdaLR(o, lambda t: 1.0)),
    ("step", "schedule = step; step_size = 7; gamma = 0.5",
     lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    ("exponential", "schedule = exponential; gamma = 0.97",
     lambda o: S.ExponentialLR(o, gamma=0.97)),
    ("cosine", "schedule = cosine; min_lr = 0.001",
     lambda o: S.CosineAnnealingLR(o, T_max=STEPS, eta_min=0.001)),
    ("cosine_warmup", "schedule = cosine; min_lr = 0.001; warmup_epochs = 10",
     lambda o: S.SequentialLR(o, [
         S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=9),
         S.CosineAnnealingLR(o, T_max=STEPS - 10, eta_min=0.001)],
         milestones=[10])),
    ("plateau",
     "schedule = plateau; plateau_patience = 3; plateau_factor = 0.5; "
     "min_lr = 0.01",
     lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=3,
                                   min_lr=0.01)),
    ("multistep", "schedule = multistep; milestones = 10, 30, 60; gamma = 0.5",
     lambda o: S.MultiStepLR(o, milestones=[10, 30, 60], gamma=0.5)),
    ("polynomial", "schedule = polynomial; power = 2",
     lambda o: S.PolynomialLR(o, total_iters=STEPS, power=2.0)),
    ("polynomial_short", "schedule = polynomial; total_iters = 40; power = 0.5",
     lambda o: S.PolynomialLR(o, total_iters=40, power=0.5)),
    ("inverse_time", "schedule = inverse_time; decay_rate = 0.25",
     lambda o: S.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.25 * t))),
    ("one_cycle", "schedule = one_cycle",
     lambda o: S.OneCycleLR(o, max_lr=BASE_LR, total_steps=STEPS,
                            cycle_momentum=False)),
    ("one_cycle_linear",
     "schedule = one_cycle; max_lr = 0.4; pct_start = 0.25; "
     "anneal_strategy = linear; div_factor = 10; final_div_factor = 100",
     lambda o: S.OneCycleLR(o, max_lr=0.4, total_steps=STEPS, pct_start=0.25,
                            anneal_strategy="linear", div_factor=10,
                            final_div_factor=100, cycle_momentum=False)),
    ("cosine_restarts",
     "schedule = cosine_restarts; restart_period = 10; restart_mult = 2; "
     "min_lr = 0.001",
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2,
                                             eta_min=0.001)),
    ("cosine_restarts_fixed", "schedule = cosine_restarts; restart_period = 15",
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=15)),
]


def rates(make):
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=BASE_LR)
    scheduler = make(optimizer)
    out = []
    for t in range(STEPS):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if isinstance(scheduler, S.ReduceLROnPlateau):
            scheduler.step(LOSSES[t])
        else:
            scheduler.step()
    return out


def main():
    print("# Written by tests/reference/make_schedules.py with torch %s:"
          % torch.__version__)
    print("# name<TAB>[training] settings (';' between keys)<TAB>"
          "%d rates, lr = %g" % (STEPS, BASE_LR))
    print("losses\t\t" + " ".join(repr(x) for x in LOSSES))
    for name, settings, make in CASES:
        values = rates(make)
        assert all(math.isfinite(v) for v in values), name
        print("%s\t%s\t%s" % (name, settings,
                              " ".join(repr(v) for v in values)))


if __name__ == "__main__":
    main()
