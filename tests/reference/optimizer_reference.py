#!/usr/bin/env python3
"""Reference trajectories for tests/test_optimizers.c.

Each optimizer is re-implemented here from the update rules published in the
torch.optim documentation (the single-tensor code path), in double precision
and with plain Python floats, independently of the C plugins. Every case runs
STEPS updates of a few parameters under a fixed gradient sequence and records
the parameters after each step.

    python3 tests/reference/optimizer_reference.py          # print the C block
    python3 tests/reference/optimizer_reference.py \
        --update tests/test_optimizers.c

--update replaces the text between the BEGIN/END GENERATED markers.
"""

import math
import struct
import sys

from c_source import c_list

INITIAL = ["0.5", "-1.5", "2.0", "-0.75", "1.25"]
GRADS = [
    ["0.3", "-0.8", "1.5", "0.05", "-0.4"],
    ["-0.2", "-0.6", "1.1", "0.2", "0.0"],
    ["0.25", "0.4", "0.9", "-0.1", "0.3"],
    ["0.1", "-0.3", "0.7", "0.15", "-0.6"],
    ["-0.05", "0.5", "0.4", "0.05", "0.2"],
]
STEPS = len(GRADS)
PARAMS = len(INITIAL)

# (C name, optimizer, settings as the config would spell them)
CASES = [
    ("sgd_plain", "sgd", [("lr", "0.1")]),
    ("sgd_momentum", "sgd", [("lr", "0.1"), ("momentum", "0.9")]),
    ("sgd_dampening", "sgd",
     [("lr", "0.1"), ("momentum", "0.9"), ("dampening", "0.5")]),
    ("sgd_nesterov", "sgd",
     [("lr", "0.1"), ("momentum", "0.9"), ("nesterov", "true")]),
    ("sgd_weight_decay", "sgd",
     [("lr", "0.1"), ("momentum", "0.5"), ("weight_decay", "0.1")]),
    ("adagrad_plain", "adagrad", [("lr", "0.1")]),
    ("adagrad_lr_decay", "adagrad", [("lr", "0.1"), ("lr_decay", "0.5")]),
    ("adagrad_initial_accumulator_value", "adagrad",
     [("lr", "0.1"), ("initial_accumulator_value", "0.5")]),
    ("adagrad_weight_decay", "adagrad",
     [("lr", "0.1"), ("weight_decay", "0.2"), ("eps", "1e-3")]),
    ("rmsprop_plain", "rmsprop", []),
    ("rmsprop_momentum", "rmsprop", [("momentum", "0.9")]),
    ("rmsprop_centered", "rmsprop", [("centered", "true"), ("alpha", "0.9")]),
    ("rmsprop_weight_decay", "rmsprop",
     [("lr", "0.02"), ("weight_decay", "0.1"), ("eps", "1e-2")]),
    ("rmsprop_centered_momentum", "rmsprop",
     [("centered", "true"), ("momentum", "0.5"), ("weight_decay", "0.1")]),
    ("adam_plain", "adam", [("lr", "0.05")]),
    ("adam_betas", "adam", [("lr", "0.05"), ("betas", "0.8,0.9")]),
    ("adam_amsgrad", "adam",
     [("lr", "0.05"), ("betas", "0.8,0.5"), ("amsgrad", "true")]),
    ("adam_weight_decay", "adam",
     [("lr", "0.05"), ("weight_decay", "0.1"), ("eps", "1e-2")]),
    ("adamw_default_decay", "adamw", [("lr", "0.05")]),
    ("adamw_weight_decay", "adamw",
     [("lr", "0.05"), ("weight_decay", "0.5"), ("betas", "0.8,0.5"),
      ("amsgrad", "true")]),
    ("nadam_plain", "nadam", [("lr", "0.05")]),
    ("nadam_options", "nadam",
     [("lr", "0.05"), ("betas", "0.8,0.9"), ("weight_decay", "0.1"),
      ("momentum_decay", "0.1"), ("eps", "1e-2")]),
    ("adadelta_plain", "adadelta", []),
    ("adadelta_options", "adadelta",
     [("lr", "0.5"), ("rho", "0.5"), ("eps", "1e-3"),
      ("weight_decay", "0.1")]),
    ("adamax_plain", "adamax", [("lr", "0.05")]),
    ("adamax_options", "adamax",
     [("lr", "0.05"), ("betas", "0.8,0.5"), ("weight_decay", "0.1"),
      ("eps", "1e-2")]),
]

# torch.optim defaults.
DEFAULTS = {
    "sgd": dict(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False,
                weight_decay=0.0),
    "adagrad": dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                    initial_accumulator_value=0.0, eps=1e-10),
    "rmsprop": dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                    momentum=0.0, centered=False),
    "adam": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False),
    "adamw": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                  amsgrad=False),
    "nadam": dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                  momentum_decay=4e-3),
    "adadelta": dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0),
    "adamax": dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0),
}


def f32(text):
    """The float32 value a C literal like 0.3f denotes, as a double."""
    return struct.unpack("f", struct.pack("f", float(text)))[0]


def parse(text, default):
    if isinstance(default, bool):
        return text == "true"
    if isinstance(default, tuple):
        return tuple(float(x) for x in text.split(","))
    return float(text)


# Each rule takes (p, g, state, step, hp) for one scalar parameter and
# returns the new p; state is a dict of that parameter's buffers.

def sgd(p, g, s, step, hp):
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    if hp["momentum"] != 0:
        if "momentum_buffer" not in s:
            s["momentum_buffer"] = g
        else:
            s["momentum_buffer"] = (hp["momentum"] * s["momentum_buffer"]
                                    + (1 - hp["dampening"]) * g)
        buf = s["momentum_buffer"]
        g = g + hp["momentum"] * buf if hp["nesterov"] else buf
    return p - hp["lr"] * g


def adagrad(p, g, s, step, hp):
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    clr = hp["lr"] / (1 + (step - 1) * hp["lr_decay"])
    s.setdefault("sum", hp["initial_accumulator_value"])
    s["sum"] += g * g
    return p - clr * g / (math.sqrt(s["sum"]) + hp["eps"])


def rmsprop(p, g, s, step, hp):
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    a = hp["alpha"]
    s["square_avg"] = a * s.get("square_avg", 0.0) + (1 - a) * g * g
    if hp["centered"]:
        s["grad_avg"] = a * s.get("grad_avg", 0.0) + (1 - a) * g
        avg = math.sqrt(s["square_avg"] - s["grad_avg"] ** 2) + hp["eps"]
    else:
        avg = math.sqrt(s["square_avg"]) + hp["eps"]
    if hp["momentum"] > 0:
        s["buf"] = hp["momentum"] * s.get("buf", 0.0) + g / avg
        return p - hp["lr"] * s["buf"]
    return p - hp["lr"] * g / avg


def adam_core(p, g, s, step, hp):
    b1, b2 = hp["betas"]
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
    bc1 = 1 - b1 ** step
    bc2 = 1 - b2 ** step
    v = s["v"]
    if hp["amsgrad"]:
        s["vmax"] = max(s.get("vmax", 0.0), s["v"])
        v = s["vmax"]
    denom = math.sqrt(v) / math.sqrt(bc2) + hp["eps"]
    return p - hp["lr"] / bc1 * s["m"] / denom


def adam(p, g, s, step, hp):
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    return adam_core(p, g, s, step, hp)


def adamw(p, g, s, step, hp):
    p = p * (1 - hp["lr"] * hp["weight_decay"])
    return adam_core(p, g, s, step, hp)


def nadam(p, g, s, step, hp):
    b1, b2 = hp["betas"]
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p

    def mu_at(t):
        return b1 * (1 - 0.5 * 0.96 ** (t * hp["momentum_decay"]))

    mu, mu_next = mu_at(step), mu_at(step + 1)
    s["mu_product"] = s.get("mu_product", 1.0) * mu  # torch's running product
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
    denom = math.sqrt(s["v"] / (1 - b2 ** step)) + hp["eps"]
    p = p - hp["lr"] * (1 - mu) / (1 - s["mu_product"]) * g / denom
    p = p - (hp["lr"] * mu_next / (1 - s["mu_product"] * mu_next)
             * s["m"] / denom)
    return p


def adadelta(p, g, s, step, hp):
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    rho, eps = hp["rho"], hp["eps"]
    s["sq"] = rho * s.get("sq", 0.0) + (1 - rho) * g * g
    delta = math.sqrt(s.get("acc", 0.0) + eps) / math.sqrt(s["sq"] + eps) * g
    s["acc"] = rho * s.get("acc", 0.0) + (1 - rho) * delta * delta
    return p - hp["lr"] * delta


def adamax(p, g, s, step, hp):
    b1, b2 = hp["betas"]
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["u"] = max(b2 * s.get("u", 0.0), abs(g) + hp["eps"])
    return p - hp["lr"] / (1 - b1 ** step) * s["m"] / s["u"]


RULES = dict(sgd=sgd, adagrad=adagrad, rmsprop=rmsprop, adam=adam,
             adamw=adamw, nadam=nadam, adadelta=adadelta, adamax=adamax)


def trajectory(optimizer, settings):
    hp = dict(DEFAULTS[optimizer])
    for key, text in settings:
        hp[key] = parse(text, DEFAULTS[optimizer][key])
    params = [f32(x) for x in INITIAL]
    states = [{} for _ in params]
    rows = []
    for step, grads in enumerate(GRADS, start=1):
        for i, g in enumerate(grads):
            params[i] = RULES[optimizer](params[i], f32(g), states[i], step,
                                         hp)
        rows.append(list(params))
    return rows


def generate():
    out = ["// clang-format off",
           "/* Generated by tests/reference/optimizer_reference.py from "
           "torch.optim's",
           " * published update rules, in double precision. Do not edit. */",
           f"#define REF_STEPS {STEPS}",
           f"#define REF_PARAMS {PARAMS}",
           "#define REF_MAX_SETTINGS 6",
           "",
           "typedef struct reference_case {",
           "  const char *optimizer;",
           "  const char *settings[REF_MAX_SETTINGS][2]; /* {key, value} */",
           "  double expected[REF_STEPS][REF_PARAMS];    "
           "/* params after each step */",
           "} reference_case;",
           "",
           "static const float ref_initial[REF_PARAMS] = {",
           c_list([x + "f" for x in INITIAL], "    "),
           "};",
           "/* ref_grads[t] is the gradient of step t + 1. */",
           "static const float ref_grads[REF_STEPS][REF_PARAMS] = {"]
    for row in GRADS:
        out.append("    {" + ", ".join(x + "f" for x in row) + "},")
    out.append("};")
    names = []
    smallest = math.inf
    for name, optimizer, settings in CASES:
        assert len(settings) <= 6
        rows = trajectory(optimizer, settings)
        smallest = min(smallest, min(abs(x) for row in rows for x in row))
        out.append("")
        out.append(f"static const reference_case ref_{name} = {{")
        out.append(f'    "{optimizer}",')
        pairs = [f'{{"{k}", "{v}"}}' for k, v in settings]
        if pairs:
            text = c_list(pairs, "     ")
            out.append("    {" + text[5:] + "},")
        else:
            out.append("    {{NULL, NULL}},")
        out.append("    {")
        for row in rows:
            text = c_list(["%.12e" % x for x in row], "         ")
            out.append("        {" + text[9:] + "},")
        out.append("    },")
        out.append("};")
        names.append(f"ref_{name}")
    # Relative tolerances need parameters well away from zero.
    assert smallest > 0.05, smallest
    out.append("")
    out.append("#define REFERENCE_TESTS \\")
    out.append(" \\\n".join(f"  REFERENCE_TEST({n})," for n in names))
    out.append("// clang-format on")
    return "\n".join(out) + "\n"


BEGIN = "/* BEGIN GENERATED by tests/reference/optimizer_reference.py */\n"
END = "/* END GENERATED */\n"


def main():
    block = generate()
    if len(sys.argv) == 3 and sys.argv[1] == "--update":
        with open(sys.argv[2]) as f:
            text = f.read()
        head, rest = text.split(BEGIN)
        _, tail = rest.split(END)
        with open(sys.argv[2], "w") as f:
            f.write(head + BEGIN + block + END + tail)
    elif len(sys.argv) == 1:
        sys.stdout.write(block)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
