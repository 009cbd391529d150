"""The fixed list of golden cases: inputs only, no TensorFlow.

Every random input comes from its own np.random.RandomState(seed) with an explicit seed, so the list
is the same on every machine and adding a case never changes another one. Embeddings are float32
sources; generate_golden.py rounds them to float16/bfloat16 where a case asks for it. Where a case
needs exact distances (boundaries, hinge at 0, ties) the coordinates are small integers or dyadic
fractions: their squared norms, dot products and hence S_raw (docs/SEMANTICS.md §1.1) are exact in float32.
"""

import itertools

import numpy as np

CATEGORIES = (
    "tfa_suite", "doctest", "no_positive_pair", "tiny_batch", "single_class", "singleton_classes",
    "semihard_boundary", "hinge_zero", "duplicates", "near_duplicates", "lattice_ties",
    "large_magnitude", "tiny_magnitude", "soft_overflow", "margins", "half_precision", "random",
    "precomputed", "angular_zero_row", "large_labels",
)

# Loss variant tag -> (loss, soft). The tags appear in case ids.
LOSSES = {"semihard": ("semihard", False), "hard": ("hard", False), "hard_soft": ("hard", True)}
METRICS = {"L2": "l2", "squared-L2": "sql2", "angular": "angular"}
DTYPES = {"float32": "", "float16": "_f16", "bfloat16": "_bf16"}
ALL_LOSSES = tuple(LOSSES)
ALL_METRICS = tuple(METRICS)


def case(case_id, category, description, labels, *, embeddings=None, distances=None,
         loss="semihard", margin=1.0, metric="L2", dtype="float32"):
    """One case. Pass embeddings (B x D) or, for metric "precomputed", distances (B x B)."""
    loss_name, soft = LOSSES[loss]
    return {
        "id": case_id, "category": category, "description": description,
        "loss": loss_name, "soft": soft, "margin": float(margin),
        "metric": "precomputed" if distances is not None else metric, "dtype": dtype,
        "labels": np.asarray(labels, dtype=np.int64),
        "embeddings": None if distances is not None else np.asarray(embeddings, np.float32),
        "distances": None if distances is None else np.asarray(distances, np.float32),
    }


def grid(prefix, category, description, labels, embeddings, *, losses=ALL_LOSSES,
         metrics=ALL_METRICS, dtypes=("float32",), margin=1.0):
    """The same input under several loss variants, metrics and dtypes; ids say which."""
    return [
        case(f"{prefix}_{loss}_{METRICS[metric]}{DTYPES[dtype]}", category, description, labels,
             embeddings=embeddings, loss=loss, metric=metric, dtype=dtype, margin=margin)
        for dtype in dtypes for loss in losses for metric in metrics
    ]


def precomputed(prefix, category, description, labels, distances, losses=ALL_LOSSES):
    return [case(f"{prefix}_{loss}", category, description, labels, distances=distances, loss=loss)
            for loss in losses]


def balanced_labels(r, batch, per_class):
    """batch // per_class classes of per_class members each, in shuffled order."""
    labels = np.repeat(np.arange(batch // per_class), per_class)
    r.shuffle(labels)
    return labels


def normal(r, batch, dim):
    return r.standard_normal((batch, dim)).astype(np.float32)


def tfa_suite():
    # TFA's autouse fixture reseeds numpy with 0 before every test, so each parametrization sees
    # the same data: rand(B, 6) as float32, then randint(0, 4) labels (docs/SEMANTICS.md §7).
    out = []
    for batch, losses in ((10, ("semihard",)), (20, ("hard", "hard_soft"))):
        r = np.random.RandomState(0)
        x = r.rand(batch, 6).astype(np.float32)
        y = r.randint(0, 4, size=batch)
        say = f"TFA triplet_test.py inputs (B={batch}, D=6, seed 0)"
        out += grid("tfa_suite", "tfa_suite", say, y, x, losses=losses, dtypes=tuple(DTYPES))
    return out


def doctest():
    y = [0, 0]
    x = np.array([[0, 1], [1, 0]], np.float32)
    say = "TFA docstring example: labels [0,0], X=[[0,1],[1,0]]"
    return [
        case("doctest_semihard_l2", "doctest", say + ", L2 (expected 2.4142137)", y, embeddings=x),
        case("doctest_hard_l2", "doctest", say + ", L2 (expected 1.0)", y, embeddings=x,
             loss="hard"),
        case("doctest_semihard_callable", "doctest", say + ", callable X.X^T (expected 1.0)", y,
             distances=x @ x.T),
        case("doctest_hard_callable", "doctest", say + ", callable X.X^T (expected 0.0)", y,
             distances=x @ x.T, loss="hard"),
    ]


def no_positive_pair():
    cat = "no_positive_pair"
    one = normal(np.random.RandomState(11), 1, 4)
    out = [case(f"no_pos_b1_semihard_{tag}", cat, "B=1: num_pos = 0, semihard 0/0", [3],
                embeddings=one, metric=m) for m, tag in METRICS.items()]
    r = np.random.RandomState(12)
    out += grid("no_pos_b6", cat, "B=6, all labels distinct: semihard NaN, hard finite",
                r.permutation(6), normal(r, 6, 4))
    r = np.random.RandomState(13)
    out.append(case("no_pos_b4_semihard_l2_f16", cat, "all labels distinct, float16 input",
                    [0, 1, 2, 3], embeddings=normal(r, 4, 3), dtype="float16"))
    return out


def tiny_batch():
    cat = "tiny_batch"
    one = normal(np.random.RandomState(21), 1, 3)
    out = grid("tiny_b1", cat, "B=1: hard_pos = hard_neg = D[0,0]", [0], one,
               losses=("hard", "hard_soft"), metrics=("L2", "angular"))
    two = normal(np.random.RandomState(22), 2, 3)
    out += grid("tiny_b2_same", cat, "B=2, one class: no negatives (row-min/row-max fallback)",
                [5, 5], two, metrics=("L2", "angular"))
    out += grid("tiny_b2_diff", cat, "B=2, two classes: no positives (semihard NaN)",
                [0, 1], two, metrics=("L2", "squared-L2"))
    return out


def single_class():
    r = np.random.RandomState(31)
    return grid("single_class_b5", "single_class", "all labels equal: semihard row-min negative, "
                "hard row-max negative", [7] * 5, normal(r, 5, 3))


def singleton_classes():
    r = np.random.RandomState(41)
    y = r.permutation([0, 0, 0, 1, 1, 2, 3, 4, 5])
    say = "4 singleton classes beside classes of 3 and 2 (hard: row-min positive)"
    return grid("singletons_b9", "singleton_classes", say, y, normal(r, 9, 5))


def semihard_boundary():
    cat = "semihard_boundary"
    # Anchor 0 at the origin, positive at distance 5; negatives at exactly 5 (excluded by the
    # strict >), at 6 (the semi-hard choice) and at 1. Pythagorean triples keep L2 exact.
    y_a = [0, 0, 1, 1, 1, 1]
    x_a = [[0, 0], [3, 4], [5, 0], [-4, -3], [0, 6], [1, 0]]
    # Every negative of anchor 0 sits exactly at the positive distance: fallback to the largest.
    y_b = [0, 0, 1, 1]
    x_b = [[0, 0], [1, 0], [0, 1], [-1, 0]]
    # Twelve lattice points on the circle of radius 5 around a class-0 anchor: mass ties.
    ring = [[5, 0], [-5, 0], [0, 5], [0, -5], [3, 4], [-3, 4], [3, -4], [-3, -4],
            [4, 3], [-4, 3], [4, -3], [-4, -3]]
    y_c = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
    x_c = [[0, 0]] + ring
    out = []
    for prefix, say, y, x in (
            ("boundary_pythag", "negatives at exactly the positive distance and one beyond",
             y_a, x_a),
            ("boundary_all_equal", "all negatives at exactly the positive distance", y_b, x_b),
            ("boundary_ring", "lattice ring: many negatives tied with the positive", y_c, x_c)):
        out += grid(prefix, cat, say, y, np.array(x, np.float32), losses=("semihard",),
                    metrics=("L2", "squared-L2"))
        out += grid(prefix, cat, say, y, np.array(x, np.float32), losses=("hard",), metrics=("L2",))
    # Axis vectors: cosines are exactly 0 or -1, so angular distances are exactly 1 or 2.
    x_d = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, 0, 0], [0, 0, -1]], np.float32)
    out += grid("boundary_axes", cat, "angular: negatives at exactly the positive distance 1",
                [0, 0, 1, 1, 2], x_d, losses=("semihard",), metrics=("angular",))
    return out


def hinge_zero():
    cat = "hinge_zero"
    spec_x = np.array([[0, 0], [1, 0], [0, 1], [0, 2]], np.float32)
    spec_y = [0, 0, 1, 1]
    out = grid("hinge_spec", cat, "SPEC 5.3 item 1: two pairs with L == 0 exactly still pass "
               "gradient", spec_y, spec_x, losses=("semihard",), metrics=("L2", "squared-L2"),
               dtypes=("float32", "float16"))
    out += grid("hinge_pos1_neg2", cat, "anchor 0: pos^2 - neg^2 + 1 == 0 exactly", spec_y,
                np.array([[0, 0], [1, 0], [1, 1], [3, 3]], np.float32), losses=("hard",),
                metrics=("squared-L2",))
    out += grid("hinge_pos5_neg6", cat, "anchor 0: pos 5, neg 6, margin 1 -> hinge 0 exactly",
                spec_y, np.array([[0, 0], [3, 4], [6, 0], [12, 5]], np.float32), losses=("hard",),
                metrics=("L2",))
    out.append(case("hinge_hard_sql2_margin8", cat, "1-D: anchor 0 has z = -8, margin 8", spec_y,
                    embeddings=[[0], [1], [3], [5]], loss="hard", metric="squared-L2", margin=8.0))
    out += grid("hinge_outside", cat, "semi-hard negative at pos + margin exactly", spec_y,
                np.array([[0, 0], [1, 0], [1, 1], [2, 2]], np.float32), losses=("semihard",),
                metrics=("squared-L2",))
    return out


def duplicates():
    cat = "duplicates"
    r = np.random.RandomState(51)
    x = (r.randint(-8, 8, size=(8, 4)) / 4.0).astype(np.float32)  # dyadic: exact distances
    x[1] = x[0]  # duplicate inside a class
    x[5] = x[2]  # duplicate across classes
    x[7] = 0.0   # a zero row
    y = [0, 0, 1, 2, 2, 1, 3, 3]
    out = grid("dup_mixed", cat, "dyadic rows: a same-class duplicate, a cross-class duplicate, "
               "a zero row", y, x)
    zeros = np.zeros((4, 3), np.float32)
    out += [case(f"dup_all_zero_{loss}_{METRICS[m]}", cat, "every row zero: all distances 0",
                 [0, 0, 1, 1], embeddings=zeros, loss=loss, metric=m)
            for loss, m in (("semihard", "L2"), ("hard", "L2"), ("hard_soft", "squared-L2"))]
    pairs = np.repeat((np.random.RandomState(52).randint(-4, 4, size=(3, 5)) / 2.0), 2, axis=0)
    out += [case(f"dup_pairs_{loss}_{METRICS[m]}", cat, "three dyadic rows, each twice, one class "
                 "per pair", [0, 0, 1, 1, 2, 2], embeddings=pairs, loss=loss, metric=m)
            for loss, m in (("semihard", "L2"), ("hard", "squared-L2"))]
    return out


def near_duplicates():
    cat = "near_duplicates"
    out = []
    y = [0, 0, 1, 1, 2, 2, 0, 1, 2]
    for i, rel in enumerate((1e-4, 1e-5, 1e-6, 1e-7)):
        r = np.random.RandomState(60 + i)
        base = np.repeat(r.standard_normal((3, 4)), 3, axis=0)  # rows 3k..3k+2 share a base
        x = (base * (1.0 + rel * r.uniform(-1, 1, size=base.shape))).astype(np.float32)
        say = f"three clusters of three rows differing by ~{rel:g} relative"
        out += grid(f"near_dup_{rel:.0e}".replace("-", "m"), cat, say, y, x,
                    losses=("semihard", "hard"), metrics=("L2",))
        out += grid(f"near_dup_{rel:.0e}".replace("-", "m"), cat, say, y, x, losses=("hard",),
                    metrics=("squared-L2",))
    r = np.random.RandomState(64)
    base = np.repeat(r.standard_normal((3, 4)), 3, axis=0)
    x = (base * (1.0 + 1e-6 * r.uniform(-1, 1, size=base.shape))).astype(np.float32)
    out += grid("near_dup_1em06_b", cat, "near duplicates under the angular metric", y, x,
                losses=("semihard",), metrics=("angular",))
    # TFA metric_test.py test_positive_distances style: 1 + 2e-7 * U(0,1), noise-dominated.
    r = np.random.RandomState(65)
    x = (1.0 + 2e-7 * r.uniform(0, 1, size=(16, 6))).astype(np.float32)
    out += grid("near_dup_ones", cat, "1 + 2e-7*U(0,1): distances are rounding noise",
                r.randint(0, 4, size=16), x, losses=("semihard", "hard"), metrics=("L2",))
    return out


def lattice_ties():
    cat = "lattice_ties"
    r = np.random.RandomState(71)
    x = r.randint(0, 3, size=(12, 2)).astype(np.float32)
    out = grid("lattice_2d", cat, "12 points on the 3x3 lattice: many exactly tied distances",
               r.randint(0, 3, size=12), x)
    r = np.random.RandomState(72)
    x = r.randint(-1, 2, size=(16, 3)).astype(np.float32)
    y = r.randint(0, 4, size=16)
    out += [case(f"lattice_3d_{loss}_{METRICS[m]}", cat, "16 points on {-1,0,1}^3", y,
                 embeddings=x, loss=loss, metric=m)
            for loss, m in (("semihard", "squared-L2"), ("hard", "L2"), ("hard_soft", "L2"))]
    out.append(case("lattice_3d_hard_sql2_margin0", cat, "{-1,0,1}^3 lattice, margin 0: "
                    "hard_pos == hard_neg ties at the hinge", y, embeddings=x, loss="hard",
                    metric="squared-L2", margin=0.0))
    return out


def large_magnitude():
    cat = "large_magnitude"
    out = []
    for i, scale in enumerate((1e3, 1e10, 1e19, 1e20)):
        r = np.random.RandomState(80 + i)
        x = (r.standard_normal((8, 4)) * scale).astype(np.float32)
        y = balanced_labels(r, 8, 2)
        say = f"N(0,1) * {scale:g}" + (": squared norms overflow float32" if scale >= 1e19 else "")
        tag = f"large_{scale:.0e}".replace("+", "")
        out += [case(f"{tag}_{loss}_{METRICS[m]}", cat, say, y, embeddings=x, loss=loss, metric=m)
                for loss, m in (("semihard", "L2"), ("hard", "squared-L2"), ("hard_soft", "L2"),
                                ("semihard", "angular"))]
    return out


def tiny_magnitude():
    cat = "tiny_magnitude"
    out = []
    for i, scale in enumerate((1e-10, 1e-20, 1e-30)):
        r = np.random.RandomState(90 + i)
        x = (r.standard_normal((8, 4)) * scale).astype(np.float32)
        y = balanced_labels(r, 8, 2)
        say = f"N(0,1) * {scale:g}: squared distances subnormal or zero (TF flushes denormals)"
        tag = f"tiny_{scale:.0e}".replace("-", "m")
        out += [case(f"{tag}_{loss}_{METRICS[m]}", cat, say, y, embeddings=x, loss=loss, metric=m)
                for loss, m in (("semihard", "L2"), ("hard", "L2"), ("hard", "squared-L2"),
                                ("semihard", "angular"))]
    return out


def soft_overflow():
    # 1-D points [0], [z+2], [2] with labels [0,0,1]: anchor 0 has hard_pos = z + 2 and
    # hard_neg = 2, so its soft term is log1p(exp(z)). exp overflows float32 above ~88.72; for z
    # between ~87.3 and 88.7, 1/(1+exp(z)) is subnormal. All values are exact quarters.
    cat = "soft_overflow"
    out = []
    for z in (30.0, 80.0, 87.5, 88.5, 88.75, 100.0):
        x = np.array([[0.0], [z + 2.0], [2.0]], np.float32)
        out.append(case(f"soft_z{z:g}".replace(".", "p"), cat,
                        f"hard soft, anchor 0 with z = {z:g}", [0, 0, 1], embeddings=x,
                        loss="hard_soft", metric="L2"))
    x = np.array([[0.0], [10.0], [1.0]], np.float32)
    out.append(case("soft_z99_sql2", cat, "hard soft, squared-L2: z = 100 - 1 = 99 (Inf loss)",
                    [0, 0, 1], embeddings=x, loss="hard_soft", metric="squared-L2"))
    return out


def margins():
    cat = "margins"
    r = np.random.RandomState(101)
    x = normal(r, 16, 8)
    y = balanced_labels(r, 16, 4)
    out = []
    for margin in (0.0, 0.2, 1.0, 5.0):
        tag = f"margin_{margin:g}".replace(".", "p")
        out += grid(tag, cat, f"random B=16, D=8, margin {margin:g}", y, x,
                    losses=("semihard", "hard"), metrics=("L2", "angular"), margin=margin)
    out += grid("margin_5", cat, "soft ignores the margin (5 here)", y, x, losses=("hard_soft",),
                metrics=("L2",), margin=5.0)
    return out


def half_precision():
    r = np.random.RandomState(111)
    return grid("half_b16", "half_precision", "random B=16, D=8 rounded to the half type",
                balanced_labels(r, 16, 4), normal(r, 16, 8), dtypes=("float16", "bfloat16"))


def random_batches():
    # Every shape B x D gets all three loss variants; the metric rotates with the shape so that
    # for each B every (loss, metric) pair occurs once. K and row normalization rotate too.
    out = []
    for i, (bi, di) in enumerate(itertools.product(range(4), range(3))):
        batch, dim = (32, 64, 128, 256)[bi], (8, 32, 128)[di]
        per_class = (2, 4, 8)[(bi + di) % 3]
        r = np.random.RandomState(1000 + i)
        x = normal(r, batch, dim)
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        if i % 2 == 1:
            # Norms in [0.5, 3] rather than raw N(0,1): with D=128 squared distances would reach
            # ~500 and overflow the soft loss; soft_overflow covers that on purpose.
            x = x * r.uniform(0.5, 3.0, size=(batch, 1))
        x = x.astype(np.float32)
        y = balanced_labels(r, batch, per_class)
        say = f"random B={batch}, D={dim}, K={per_class}, " + ("unit rows" if i % 2 == 0
                                                              else "row norms U(0.5, 3)")
        for k, loss in enumerate(ALL_LOSSES):
            metric = ALL_METRICS[(k + bi + di) % 3]
            out.append(case(f"random_b{batch}_d{dim}_k{per_class}_{loss}_{METRICS[metric]}",
                            "random", say, y, embeddings=x, loss=loss, metric=metric))
    return out


def precomputed_cases():
    cat = "precomputed"
    r = np.random.RandomState(121)
    out = precomputed("pre_asym", cat, "random asymmetric matrix, negative entries, non-zero "
                      "diagonal", balanced_labels(r, 8, 2), r.uniform(-1, 2, size=(8, 8)))
    r = np.random.RandomState(122)
    pts = r.standard_normal((10, 3))
    dist = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
    out += precomputed("pre_euclid", cat, "a true Euclidean matrix computed outside TF",
                       balanced_labels(r, 10, 2), dist)
    r = np.random.RandomState(123)
    out += precomputed("pre_integer", cat, "integer entries in [-3, 3]: many ties",
                       r.randint(0, 3, size=8), r.randint(-3, 4, size=(8, 8)))
    r = np.random.RandomState(124)
    out += precomputed("pre_single_class", cat, "one class, non-zero diagonal: row-min/row-max "
                       "fallbacks see the diagonal", [1, 1, 1, 1], r.uniform(0, 1, size=(4, 4)))
    r = np.random.RandomState(125)
    out += precomputed("pre_distinct", cat, "all labels distinct: semihard NaN through a callable",
                       [0, 1, 2, 3], r.uniform(0, 1, size=(4, 4)), losses=("semihard", "hard"))
    return out


def angular_zero_row():
    cat = "angular_zero_row"
    r = np.random.RandomState(131)
    x = normal(r, 8, 4)
    x[3] = 0.0
    out = grid("angzero_b8", cat, "a zero row: l2_normalize keeps it zero, A[3,:] = 1",
               balanced_labels(r, 8, 2), x, metrics=("angular",))
    x = normal(r, 5, 4)
    x[4] = 0.0
    out += grid("angzero_singleton", cat, "the zero row is a singleton class", [0, 0, 1, 1, 2], x,
                metrics=("angular",))
    out += grid("angzero_singleton", cat, "zero row, float16 input", [0, 0, 1, 1, 2], x,
                losses=("semihard",), metrics=("angular",), dtypes=("float16",))
    return out


def large_labels():
    # Distinct int64 class ids that a float cast merges: float32 holds every integer only up to
    # 2^24, float64 up to 2^53. TFA compares the int64 labels exactly; a port that casts them
    # merges classes, which changes the positives and negatives and so the loss and gradient.
    cat = "large_labels"
    out = []
    # Merged by float32, distinct in float64: 2^24 + 1 -> 2^24 and 2^31 - 1 -> 2^31 (int32's
    # maximum); 2^24 + 2 stays apart under both casts.
    f32 = [2**24, 2**24 + 1, 2**24 + 2, 2**31 - 1, 2**31]
    r = np.random.RandomState(141)
    y = r.permutation(np.repeat(np.array(f32, np.int64), 2))
    out += grid("large_ids_f32_b10", cat, "classes 2^24, 2^24+1, 2^24+2, 2^31-1, 2^31 (float32 "
                "merges 2^24 with 2^24+1 and 2^31-1 with 2^31)", y, normal(r, 10, 4),
                metrics=("L2",))
    # Merged by float64 (and float32): 2^53 + 1 -> 2^53, -(2^53 + 3) -> -(2^53 + 4),
    # 2^62 - 255 -> 2^62 - 1 -> 2^62; 2^53 + 2 stays apart in float64 only.
    f64 = [2**53, 2**53 + 1, 2**53 + 2, -(2**53 + 3), -(2**53 + 4), 2**62 - 255, 2**62 - 1]
    r = np.random.RandomState(142)
    y = r.permutation(np.array(f64 + [2**53, 2**53 + 1, -(2**53 + 3)], np.int64))
    say = ("classes 2^53, 2^53+1, 2^53+2, -(2^53+3), -(2^53+4), 2^62-255, 2^62-1 (float64 merges "
           "the pairs 2^53/2^53+1, -(2^53+3)/-(2^53+4) and 2^62-255/2^62-1; float32 also 2^53+2)")
    x = normal(r, 10, 4)
    out += grid("large_ids_f64_b10", cat, say, y, x, metrics=("L2",))
    out += grid("large_ids_f64_b10", cat, say, y, x, losses=("semihard",), metrics=("squared-L2",))
    # Two samples 0.5 apart with labels 2^53 and 2^53 + 1: no positive pair (semihard NaN, hard
    # 1 - 0.5); merged, they form one class (semihard 1 + 0.5, hard exactly 1 with gradient 0).
    x = np.array([[0.0, 0.0], [0.3, 0.4]], np.float32)
    out += grid("large_ids_pair", cat, "B=2, labels 2^53 and 2^53+1: distinct in int64, one "
                "class in float64", [2**53, 2**53 + 1], x, losses=("semihard", "hard"),
                metrics=("L2",))
    return out


def all_cases():
    cases = (tfa_suite() + doctest() + no_positive_pair() + tiny_batch() + single_class()
             + singleton_classes() + semihard_boundary() + hinge_zero() + duplicates()
             + near_duplicates() + lattice_ties() + large_magnitude() + tiny_magnitude()
             + soft_overflow() + margins() + half_precision() + random_batches()
             + precomputed_cases() + angular_zero_row() + large_labels())
    ids = [c["id"] for c in cases]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"duplicate case ids: {duplicated}")
    unknown = {c["category"] for c in cases} ^ set(CATEGORIES)
    if unknown:
        raise ValueError(f"categories without cases or not listed: {sorted(unknown)}")
    return cases
