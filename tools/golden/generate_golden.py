"""Run the real TensorFlow Addons triplet losses over cases.py and write the golden fixtures.

Only records what TF gives (loss and GradientTape gradient); it checks nothing against docs/SEMANTICS.md.
Usage: generate_golden.py --out DIR [--category NAME ...]   (normally called by generate.sh, which
pins the versions).
"""

import argparse
import json
import os
import pathlib
import platform
import sys
import time
import warnings

# Before importing TF: its C++ log and TFA's end-of-life warning would drown the progress lines.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tensorflow_addons as tfa  # noqa: E402

import cases as case_list  # noqa: E402

tf.get_logger().setLevel("ERROR")  # retracing warnings: every case has a new shape or callable
# One thread: Eigen may split a matmul's inner dimension across threads, which changes the
# summation order; a single thread makes the fixtures independent of the machine's core count.
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

TF_DTYPES = {"float32": tf.float32, "float16": tf.float16, "bfloat16": tf.bfloat16}


def run_tfa(case):
    """Returns (loss as float64, the exact input TF saw, dLoss/dInput), all numpy."""
    labels = tf.constant(case["labels"], tf.int64)
    if case["metric"] == "precomputed":
        # TFA's callable distance_metric: the loss still wants embeddings but never reads them.
        watched = tf.constant(case["distances"], tf.float32)
        embeddings = tf.zeros([len(case["labels"]), 2], tf.float32)
        metric = lambda _unused: watched  # noqa: E731
    else:
        # tf.cast rounds to nearest even, like every other float32 -> half conversion here.
        watched = tf.cast(tf.constant(case["embeddings"], tf.float32), TF_DTYPES[case["dtype"]])
        embeddings = watched
        metric = case["metric"]
    with tf.GradientTape() as tape:
        tape.watch(watched)
        if case["loss"] == "semihard":
            loss = tfa.losses.triplet_semihard_loss(labels, embeddings, margin=case["margin"],
                                                    distance_metric=metric)
        else:
            loss = tfa.losses.triplet_hard_loss(labels, embeddings, margin=case["margin"],
                                                soft=case["soft"], distance_metric=metric)
    grad = tape.gradient(loss, watched)
    if grad is None:
        raise RuntimeError(f"{case['id']}: TF returned no gradient")
    loss_value = float(np.float64(tf.cast(loss, tf.float64).numpy()))
    return loss_value, watched, grad


def stored(tensor):
    """numpy has no bfloat16: widen it (exactly) to float32; float16/float32 stay as they are."""
    if tensor.dtype == tf.bfloat16:
        tensor = tf.cast(tensor, tf.float32)
    array = tensor.numpy()
    return array.astype(array.dtype.newbyteorder("<"))


def json_number(value):
    """JSON has no NaN/Inf: those become the strings the C++ side expects."""
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def write_case(case, out_dir):
    loss_value, watched, grad = run_tfa(case)
    cid = case["id"]
    input_key = "distances" if case["metric"] == "precomputed" else "embeddings"
    matrix, gradient = stored(watched), stored(grad)
    np.save(out_dir / f"{cid}.{input_key}.npy", matrix)
    np.save(out_dir / f"{cid}.labels.npy", case["labels"].astype("<i8"))
    np.save(out_dir / f"{cid}.grad.npy", gradient)
    entry = {key: case[key] for key in
             ("id", "category", "description", "loss", "soft", "margin", "metric", "dtype")}
    entry.update({
        "batch": int(matrix.shape[0]), "dim": int(matrix.shape[1]),
        input_key: f"{cid}.{input_key}.npy", "labels": f"{cid}.labels.npy",
        "gradient": f"{cid}.grad.npy", "loss_value": json_number(loss_value),
        "gradient_all_finite": bool(np.all(np.isfinite(gradient))),
    })
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=pathlib.Path, help="fixture directory")
    parser.add_argument("--category", action="append", default=[],
                        help="regenerate only this category (repeatable): the other cases keep "
                             "their files and manifest entries byte for byte")
    args = parser.parse_args()
    out_dir = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = case_list.all_cases()
    unknown = set(args.category) - set(case_list.CATEGORIES)
    if unknown:
        parser.error(f"unknown categories: {sorted(unknown)}")
    kept = {}
    if args.category:
        # TF's float32 results depend on the CPU (summation order and fused multiply-adds of its
        # kernels), so a full run on another machine rewrites many fixtures in their last bits.
        with open(out_dir / "manifest.json") as f:
            kept = {e["id"]: e for e in json.load(f)["cases"] if e["category"] not in args.category}
        missing = [c["id"] for c in cases if c["category"] not in args.category
                   and c["id"] not in kept]
        if missing:
            parser.error(f"cases missing from the manifest: {missing}")
        for entry in kept.values():
            if entry["id"] not in {c["id"] for c in cases}:
                parser.error(f"{entry['id']} is no longer in cases.py: regenerate everything")
        stale_ids = {c["id"] for c in cases if c["category"] in args.category}
        stale = [p for p in out_dir.glob("*.npy") if p.name.split(".")[0] in stale_ids]
    else:
        # A case removed from the list must not leave its old files behind.
        stale = list(out_dir.glob("*.npy"))
    for path in stale + ([] if args.category else list(out_dir.glob("manifest.json"))):
        path.unlink()

    todo = [c for c in cases if c["id"] not in kept]
    print(f"TensorFlow {tf.__version__}, TensorFlow Addons {tfa.__version__}: {len(todo)} of "
          f"{len(cases)} cases -> {out_dir}", flush=True)
    entries, start = [], time.time()
    for case in cases:
        if case["id"] in kept:
            entries.append(kept[case["id"]])
            continue
        entries.append(write_case(case, out_dir))
        loss_value = entries[-1]["loss_value"]
        print(f"[{len(entries):3d}/{len(cases)}] {case['id']:<44} loss={loss_value}", flush=True)

    manifest = {
        "generator": "tools/golden/generate_golden.py",
        "tensorflow": tf.__version__, "tensorflow_addons": tfa.__version__,
        "numpy": np.__version__, "python": platform.python_version(),
        "cases": entries,
    }
    with open(out_dir / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1, allow_nan=False)  # allow_nan=False: strict JSON only
        f.write("\n")
    print(f"wrote {len(todo)} cases in {time.time() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
