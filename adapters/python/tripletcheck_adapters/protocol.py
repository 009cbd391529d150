"""The exec protocol (tools/EXEC_PROTOCOL.md) around a user's loss function, framework-neutral.

A framework module (torch.py, tf.py, jax.py) gives `main()` a `Framework`: its name, its default
numeric traits, and `evaluate(call, values, want_grad, dtype)`, which converts the arrays, calls
the user's function through `call` and takes the gradient with the framework's autodiff. Everything
else lives here: the command line, the capabilities answer, reading a case folder, writing
grad.npy, the one-shot and server modes, and errors as {"error": ...}.

Only the standard library and numpy are imported here, so the unit tests run without a framework.
"""
import argparse
import importlib
import importlib.util
import json
import math
import os
import re
import sys

import numpy as np

LOSSES = ("hard", "semihard")
METRICS = ("L2", "squared-L2", "angular")
# tools/EXEC_PROTOCOL.md, "Numeric traits". An unknown one is refused here already, so a typo does
# not reach tripletcheck as an exit status 2 of the whole conform run.
KNOWN_TRAITS = ("float64_internal", "no_flush_to_zero", "fused_multiply_add", "log1p_overflow")


def gemm_fuses(matmul_transposed):
    """Whether a float32 X·Xᵀ kernel uses fused multiply-adds, seen where it matters: N(0,1)·1e20
    rows (the golden large_magnitude fixtures' 8×4), whose products overflow float32. Rounded
    products give inf - inf = NaN in the sum; a fused kernel keeps them finite and sums to ±inf.
    `matmul_transposed(x)` returns x @ x.T for a float32 numpy array, as a numpy array."""
    x = (np.random.RandomState(20261128).standard_normal((8, 4)) * 1e20).astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = (x[:, None, :] * x[None, :, :]).sum(axis=2, dtype=np.float32)
    got = np.asarray(matmul_transposed(x))
    return bool(np.any(np.isnan(rounded) & ~np.isnan(got)))


class UsageError(Exception):
    """A bad command line: printed on stderr, exit status 2."""


class CaseError(Exception):
    """The adapter cannot evaluate this case (answered as {"error": ...})."""


# --------------------------------------------------------------------------------------------
# Signatures: how the user's function is called.
# --------------------------------------------------------------------------------------------

# role -> the parameter names that mean it (the first is TFA's name, used for `name=...`)
ROLE_ALIASES = {
    "labels": ("y_true", "labels", "label", "targets", "target"),
    "embeddings": ("y_pred", "embeddings", "embedding", "features", "x"),
    "margin": ("margin",),
    "metric": ("distance_metric", "metric"),
    "soft": ("soft",),
    "loss": ("loss",),
}
NAME_TO_ROLE = {name: role for role, names in ROLE_ALIASES.items() for name in names}

TFA_SIGNATURES = {
    # tfa.losses.triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="L2")
    "semihard": "fn(y_true, y_pred, margin=..., distance_metric=...)",
    # tfa.losses.triplet_hard_loss(y_true, y_pred, margin=1.0, soft=False, distance_metric="L2")
    "hard": "fn(y_true, y_pred, margin=..., soft=..., distance_metric=...)",
}


class Signature:
    """A parsed call template such as "fn(labels, embeddings, margin=..., distance_metric=...)".

    positional: roles in order; keywords: (keyword, role) pairs."""

    def __init__(self, text, positional, keywords):
        self.text = text
        self.positional = positional
        self.keywords = keywords

    @property
    def roles(self):
        return set(self.positional) | {role for _, role in self.keywords}

    def arguments(self, values):
        """(args, kwargs) from a role -> value dict; roles absent from `values` are left out."""
        args = [values[role] for role in self.positional]
        kwargs = {kw: values[role] for kw, role in self.keywords if role in values}
        return args, kwargs

    def __repr__(self):
        return f"Signature({self.text!r})"


def parse_signature(text):
    """Parses NAME(ITEM, ...) where each ITEM is
         ROLE_NAME            positional, e.g. `labels`, `y_pred`, `margin`
         KEYWORD=...          keyword named after a role, e.g. `margin=...`, `distance_metric=...`
         KEYWORD=ROLE_NAME    keyword with another name, e.g. `alpha=margin`, `metric_fn=metric`
       ROLE_NAMEs: y_true/labels/label/targets/target, y_pred/embeddings/embedding/features/x,
       margin, distance_metric/metric, soft, loss ("hard" or "semihard")."""
    match = re.fullmatch(r"\s*[A-Za-z_][\w.]*\s*\((.*)\)\s*", text)
    if not match:
        raise UsageError(f"--signature {text!r}: expected NAME(ARG, ...), e.g. "
                         "\"fn(embeddings, labels, margin=...)\"")
    positional, keywords = [], []
    items = [item.strip() for item in match.group(1).split(",")] if match.group(1).strip() else []
    for item in items:
        if "=" in item:
            keyword, value = (part.strip() for part in item.split("=", 1))
            if not keyword.isidentifier():
                raise UsageError(f"--signature {text!r}: {keyword!r} is not a parameter name")
            if value == "...":
                if keyword not in NAME_TO_ROLE:
                    raise UsageError(f"--signature {text!r}: {keyword}=... needs a known name "
                                     f"({', '.join(sorted(NAME_TO_ROLE))}); "
                                     f"otherwise write {keyword}=ROLE, e.g. {keyword}=margin")
                role = NAME_TO_ROLE[keyword]
            elif value in NAME_TO_ROLE:
                role = NAME_TO_ROLE[value]
            else:
                raise UsageError(f"--signature {text!r}: {value!r} is not one of "
                                 f"{', '.join(sorted(NAME_TO_ROLE))} or ...")
            keywords.append((keyword, role))
        else:
            if keywords:
                raise UsageError(f"--signature {text!r}: positional {item!r} after a keyword")
            if item not in NAME_TO_ROLE:
                raise UsageError(f"--signature {text!r}: {item!r} is not one of "
                                 f"{', '.join(sorted(NAME_TO_ROLE))}")
            positional.append(NAME_TO_ROLE[item])
    roles = positional + [role for _, role in keywords]
    for role in set(roles):
        if roles.count(role) > 1:
            raise UsageError(f"--signature {text!r}: {role} appears twice")
    for needed in ("labels", "embeddings"):
        if needed not in roles:
            raise UsageError(f"--signature {text!r}: the function must take the {needed} "
                             f"({' or '.join(ROLE_ALIASES[needed])})")
    return Signature(text, positional, keywords)


# --------------------------------------------------------------------------------------------
# Loading the user's function.
# --------------------------------------------------------------------------------------------

def split_function_spec(spec):
    """'[LOSS=]MODULE:ATTR' -> (loss or None, 'MODULE', 'ATTR'). MODULE is a dotted module name
    (importable from the current directory or PYTHONPATH) or a path to a .py file."""
    loss = None
    head, sep, rest = spec.partition("=")
    if sep and head in LOSSES:
        loss, spec = head, rest
    module, sep, attr = spec.rpartition(":")
    if not sep or not module or not attr:
        raise UsageError(f"{spec!r}: expected MODULE:FUNCTION (e.g. mypkg.losses:semihard_loss "
                         "or path/to/file.py:semihard_loss), optionally prefixed by hard= or "
                         "semihard=")
    return loss, module, attr


def load_function(module, attr):
    """Imports MODULE (a dotted name or a .py path) and returns its attribute ATTR (dotted)."""
    if module.endswith(".py") or os.sep in module:
        path = os.path.abspath(module)
        if not os.path.isfile(path):
            raise UsageError(f"{module}: no such file")
        name = "tripletcheck_user_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
        # The file's folder on the path, as `python file.py` would have it (its own imports).
        sys.path.insert(0, os.path.dirname(path))
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    else:
        if "" not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name and module.startswith(e.name):
                raise UsageError(f"cannot import {module!r} (from {os.getcwd()} or PYTHONPATH="
                                 f"{os.environ.get('PYTHONPATH', '')!r}): {e}") from e
            raise
    obj = mod
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as e:
            raise UsageError(f"{module} has no attribute {attr!r}") from e
    if not callable(obj):
        raise UsageError(f"{module}:{attr} is not callable")
    return obj


# --------------------------------------------------------------------------------------------
# The command line and the capabilities.
# --------------------------------------------------------------------------------------------

def comma_list(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def build_parser(framework_name):
    p = argparse.ArgumentParser(
        prog=f"python3 -m tripletcheck_adapters.{framework_name}",
        description="Checks a triplet-loss function with tripletcheck's exec protocol "
                    "(adapters/README.md, tools/EXEC_PROTOCOL.md).",
        epilog="Use: tripletcheck conform --backend exec:'python3 -m "
               f"tripletcheck_adapters.{framework_name} mypkg.losses:semihard_loss "
               "--losses semihard'")
    p.add_argument("functions", nargs="*", metavar="[LOSS=]MODULE:FUNCTION",
                   help="the loss function(s); MODULE is a dotted module name or a .py path. "
                        "With LOSS= (hard= or semihard=) the function serves that loss only; "
                        "a bare one serves every loss in --losses. tripletcheck appends the case "
                        "folder as the last argument in one-shot mode.")
    p.add_argument("--losses", type=comma_list,
                   help="losses implemented, from hard,semihard (default: both, or those named "
                        "with LOSS=)")
    p.add_argument("--metrics", type=comma_list,
                   help="metrics implemented for embeddings, from L2,squared-L2,angular "
                        "(default: all three)")
    soft = p.add_mutually_exclusive_group()
    soft.add_argument("--soft", dest="soft", action="store_true", default=None,
                      help="the hard loss's soft form is implemented (default when the "
                           "signature has a soft parameter, as TFA's has)")
    soft.add_argument("--no-soft", dest="soft", action="store_false",
                      help="only the hinge form of the hard loss (soft=False is passed)")
    p.add_argument("--float64", action="store_true",
                   help="also evaluate float64 requests (checked against the float64 oracle)")
    p.add_argument("--precomputed", action="store_true",
                   help="accept precomputed distances: y_pred is the B×B matrix D and "
                        "distance_metric is `lambda _: D` (TFA's callable convention); the "
                        "gradient is dLoss/dD")
    p.add_argument("--tf-exact-ties", action="store_true",
                   help="the function's gradients at ties follow TF's rules "
                        "(docs/SEMANTICS.md §5.3)")
    p.add_argument("--nondeterministic", action="store_true",
                   help="the same input may not give the same bits")
    p.add_argument("--traits", type=comma_list,
                   help="numeric traits, replacing the framework's defaults ('none' for none): "
                        + ", ".join(KNOWN_TRAITS))
    p.add_argument("--signature",
                   help="how the function is called (default: TFA's, "
                        "\"fn(y_true, y_pred, margin=..., distance_metric=...)\" plus soft=... "
                        "for the hard loss); see adapters/README.md")
    p.add_argument("--fixed-margin", type=float, default=None,
                   help="for a signature without margin: the margin the function uses "
                        "(default 1.0); cases with another margin are answered with an error")
    p.add_argument("--threads", type=int, default=1,
                   help="the framework's CPU threads (default 1: deterministic sums, and polite "
                        "on a shared machine)")
    p.add_argument("--capabilities", action="store_true", help="print the capabilities and exit")
    p.add_argument("--serve", action="store_true", help="server mode: case folders on stdin")
    p.add_argument("--no-serve", action="store_true",
                   help="declare serve: false (one process per evaluation; for testing)")
    return p


class Options:
    """The parsed command line: the functions per loss, signatures, capabilities, case folder."""

    def __init__(self, framework, argv):
        self.framework = framework
        args = build_parser(framework.name).parse_intermixed_args(argv)
        self.args = args
        positional = list(args.functions)
        # One-shot mode: tripletcheck appends the case folder as the last argument.
        self.case_dir = None
        if positional and os.path.isdir(positional[-1]):
            self.case_dir = positional.pop()
        if not positional:
            raise UsageError("no function given: MODULE:FUNCTION, e.g. "
                             "mypkg.losses:semihard_loss")
        named, bare = {}, []
        for spec in positional:
            loss, module, attr = split_function_spec(spec)
            if loss is None:
                bare.append((module, attr))
            elif loss in named:
                raise UsageError(f"two functions for the {loss} loss")
            else:
                named[loss] = (module, attr)
        if len(bare) > 1:
            raise UsageError("several bare functions: prefix them with hard= or semihard=")
        if args.losses is not None:
            bad = [loss for loss in args.losses if loss not in LOSSES]
            if bad or not args.losses:
                raise UsageError(f"--losses {','.join(args.losses)}: choose from "
                                 f"{','.join(LOSSES)}")
            self.losses = [loss for loss in LOSSES if loss in args.losses]
        elif bare:
            self.losses = list(LOSSES)
        else:
            self.losses = [loss for loss in LOSSES if loss in named]
        self.specs = {}
        for loss in self.losses:
            if loss in named:
                self.specs[loss] = named[loss]
            elif bare:
                self.specs[loss] = bare[0]
            else:
                raise UsageError(f"--losses lists {loss} but no function is given for it")
        for loss in named:
            if loss not in self.losses:
                raise UsageError(f"{loss}= given but --losses does not list {loss}")
        if args.metrics is not None:
            bad = [m for m in args.metrics if m not in METRICS]
            if bad or not args.metrics:
                raise UsageError(f"--metrics {','.join(args.metrics)}: choose from "
                                 f"{','.join(METRICS)}")
            self.metrics = [m for m in METRICS if m in args.metrics]
        else:
            self.metrics = list(METRICS)
        self.signatures = {
            loss: parse_signature(args.signature or TFA_SIGNATURES[loss]) for loss in self.losses}
        roles = set.union(*(s.roles for s in self.signatures.values()))
        if "metric" not in roles:
            if args.metrics is None or len(self.metrics) != 1:
                raise UsageError("the signature has no distance_metric: say with --metrics "
                                 "which single metric the function computes")
            if args.precomputed:
                raise UsageError("--precomputed needs a distance_metric parameter (it is given "
                                 "`lambda _: D`)")
        if "margin" not in roles and args.fixed_margin is None:
            args.fixed_margin = 1.0
        has_soft = "hard" in self.signatures and "soft" in self.signatures["hard"].roles
        if args.soft and not has_soft and "hard" in self.losses:
            raise UsageError("--soft, but the hard loss's signature has no soft parameter")
        self.soft = has_soft if args.soft is None else args.soft
        if args.traits is None:
            self.traits = list(framework.default_traits())
        elif args.traits == ["none"]:
            self.traits = []
        else:
            bad = [t for t in args.traits if t not in KNOWN_TRAITS]
            if bad:
                raise UsageError(f"--traits: unknown {', '.join(bad)}; known: "
                                 f"{', '.join(KNOWN_TRAITS)} (or none)")
            self.traits = args.traits
        self._functions = {}

    def capabilities(self):
        caps = {
            "float32": True,
            "float64": bool(self.args.float64),
            "gradients": True,
            "precomputed_distances": bool(self.args.precomputed),
            "tf_exact_ties": bool(self.args.tf_exact_ties),
            "deterministic": not self.args.nondeterministic,
            "serve": not self.args.no_serve,
            "losses": list(self.losses),
            "metrics": list(self.metrics),
            "traits": list(self.traits),
        }
        if "hard" in self.losses:
            caps["soft"] = bool(self.soft)
        return caps

    def function(self, loss):
        """The user's function for `loss`, imported on first use (and each module once)."""
        spec = self.specs[loss]
        if spec not in self._functions:
            self._functions[spec] = load_function(*spec)
        return self._functions[spec]

    def load_all(self):
        for loss in self.losses:
            self.function(loss)


# --------------------------------------------------------------------------------------------
# One case.
# --------------------------------------------------------------------------------------------

def read_case(case_dir):
    """(request, values, labels) from a case folder."""
    with open(os.path.join(case_dir, "request.json")) as f:
        request = json.load(f)
    values = np.load(os.path.join(case_dir, request["input"]))
    labels = np.load(os.path.join(case_dir, "labels.npy"))
    return request, values, labels


def json_number(value):
    """A loss for JSON: a float, or "nan" / "inf" / "-inf" (JSON has no NaN)."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def check_request(options, request):
    """Raises CaseError for a request outside what was declared (tripletcheck should not send
    those; an older tripletcheck that ignores the declared variants does)."""
    loss = request.get("loss")
    if loss not in options.losses:
        raise CaseError(f"the {loss} loss is not implemented (declared losses: "
                        f"{','.join(options.losses)})")
    dtype = request.get("dtype")
    if dtype not in ("float32", "float64") or (dtype == "float64" and not options.args.float64):
        raise CaseError(f"dtype {dtype} is not implemented (float64 needs --float64)")
    metric = request.get("metric")
    if metric == "precomputed":
        if not options.args.precomputed:
            raise CaseError("precomputed distances are not implemented (see --precomputed)")
    elif metric not in options.metrics:
        raise CaseError(f"metric {metric} is not implemented (declared metrics: "
                        f"{','.join(options.metrics)})")
    if loss == "hard" and request.get("soft") and not options.soft:
        raise CaseError("the soft hard loss is not implemented (see --soft)")


class Call:
    """What a framework's evaluate() needs: call(labels, y_pred, distance_metric) -> the loss.

    `labels` and `y_pred` are framework tensors; distance_metric is the metric name, or for
    precomputed distances a callable returning the matrix (TFA's callable convention)."""

    def __init__(self, options, request):
        self.loss = request["loss"]
        self.fn = options.function(self.loss)
        self.signature = options.signatures[self.loss]
        self.request = request
        self.precomputed = request["metric"] == "precomputed"
        roles = self.signature.roles
        margin = float(request["margin"])
        if "margin" not in roles and margin != options.args.fixed_margin:
            raise CaseError(f"the function takes no margin (it uses {options.args.fixed_margin}, "
                            f"--fixed-margin) and this case asks for margin={margin}")
        self.static = {"margin": margin, "loss": self.loss}
        if "soft" in roles:
            self.static["soft"] = bool(request.get("soft")) if self.loss == "hard" else False
        elif self.loss == "hard" and request.get("soft"):
            raise CaseError("the soft hard loss was asked for, but the function has no soft "
                            "parameter")

    def __call__(self, labels, y_pred, distance_metric=None):
        values = dict(self.static, labels=labels, embeddings=y_pred)
        values["metric"] = distance_metric if distance_metric is not None else self.request["metric"]
        args, kwargs = self.signature.arguments(values)
        return self.fn(*args, **kwargs)


def run_case(options, case_dir):
    """Evaluates one case folder: writes grad.npy when asked, returns the answer dict."""
    request, values, labels = read_case(case_dir)
    check_request(options, request)
    call = Call(options, request)
    dtype = np.float64 if request["dtype"] == "float64" else np.float32
    values = np.ascontiguousarray(values, dtype=dtype)
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    loss, grad = options.framework.evaluate(call, values, labels, bool(request["want_grad"]))
    if request["want_grad"]:
        grad = np.asarray(grad)
        if grad.shape != values.shape:
            raise CaseError(f"the gradient has shape {grad.shape}, the input {values.shape}")
        if not np.issubdtype(grad.dtype, np.floating):
            grad = grad.astype(dtype)
        np.save(os.path.join(case_dir, "grad.npy"), grad)
    loss = np.asarray(loss)
    if loss.size != 1:
        raise CaseError(f"the function returned shape {loss.shape}, not a scalar loss")
    return {"loss": json_number(loss.reshape(()))}


def describe(error):
    if isinstance(error, (CaseError, UsageError)):
        return str(error)
    return f"{type(error).__name__}: {error}"


# --------------------------------------------------------------------------------------------
# Modes.
# --------------------------------------------------------------------------------------------

def protocol_stdout():
    """The real stdout for answers; fd 1 and sys.stdout then go to stderr, so that a stray print
    (the user's, a library's, even from C) cannot be taken for an answer."""
    sys.stdout.flush()
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return answers


def serve(options, stdin, answers):
    """Server mode: a case folder per line on stdin, one answer per line, echoing the folder."""
    for line in stdin:
        case_dir = line.strip()
        if not case_dir:
            continue
        try:
            answer = run_case(options, case_dir)
        except Exception as e:  # reported per case; the server keeps serving
            answer = {"error": describe(e)}
        answers.write(json.dumps(dict({"case": case_dir}, **answer)) + "\n")
        answers.flush()


def main(framework, argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        options = Options(framework, argv)
    except UsageError as e:
        print(f"tripletcheck_adapters.{framework.name}: {e}", file=sys.stderr)
        return 2
    if options.args.capabilities:
        if options.args.losses is None and len(set(options.specs.values())) == 1 \
                and len(options.losses) == 2:
            module, attr = options.specs["hard"]
            print(f"tripletcheck_adapters.{framework.name}: note: {module}:{attr} is called for "
                  "both losses (--losses not given); if it implements one, add --losses hard or "
                  "--losses semihard", file=sys.stderr)
        print(json.dumps(options.capabilities()), flush=True)
        return 0
    answers = protocol_stdout()
    framework.setup(options)
    if options.args.serve:
        try:
            options.load_all()  # an import error shows at once, in the server's stderr log
        except Exception as e:
            print(f"tripletcheck_adapters.{framework.name}: {describe(e)}", file=sys.stderr)
            return 2
        serve(options, sys.stdin, answers)
        return 0
    case_dir = options.case_dir or os.environ.get("TRIPLETCHECK_CASE_DIR")
    if not case_dir:
        print(f"tripletcheck_adapters.{framework.name}: no case folder (last argument or "
              "$TRIPLETCHECK_CASE_DIR)", file=sys.stderr)
        return 2
    try:
        answer = run_case(options, case_dir)
    except Exception as e:
        answer = {"error": describe(e)}
    answers.write(json.dumps(answer) + "\n")
    answers.flush()
    return 0


class Framework:
    """What a framework module provides. Subclasses set name/default_traits and implement
    evaluate(call, values, labels, want_grad) -> (loss, grad or None)."""

    name = "?"

    def default_traits(self):
        """The framework's numeric traits on this machine (--traits replaces them)."""
        return ()

    def setup(self, options):
        """Called once before any case (threads, precision switches)."""

    def evaluate(self, call, values, labels, want_grad):
        raise NotImplementedError
