"""Unit tests of tripletcheck_adapters.protocol, framework-free (numpy only):

    /usr/bin/python3 -m unittest discover -s adapters/python/tests
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from tripletcheck_adapters import protocol  # noqa: E402
import fake_numpy_adapter  # noqa: E402
import user_functions  # noqa: E402

FAKE = os.path.join(HERE, "fake_numpy_adapter.py")
USER = os.path.join(HERE, "user_functions.py")


def make_case(folder, loss="semihard", soft=False, margin=1.0, metric="L2", dtype="float32",
              want_grad=True, batch=4, dim=3):
    os.makedirs(folder, exist_ok=True)
    if metric == "precomputed":
        values = np.arange(batch * batch, dtype=dtype).reshape(batch, batch)
        name = "distances.npy"
    else:
        values = np.arange(batch * dim, dtype=dtype).reshape(batch, dim)
        name = "embeddings.npy"
    np.save(os.path.join(folder, name), values)
    np.save(os.path.join(folder, "labels.npy"), np.array([0, 0, 1, 1][:batch], dtype=np.int64))
    request = {"loss": loss, "soft": soft, "margin": margin, "metric": metric, "dtype": dtype,
               "want_grad": want_grad, "input": name, "batch": batch,
               "dim": None if metric == "precomputed" else dim}
    with open(os.path.join(folder, "request.json"), "w") as f:
        json.dump(request, f)
    return folder


def options(*argv):
    return protocol.Options(fake_numpy_adapter.NumpyFramework(), list(argv))


class SignatureTests(unittest.TestCase):
    def test_tfa_defaults(self):
        s = protocol.parse_signature(protocol.TFA_SIGNATURES["hard"])
        self.assertEqual(s.positional, ["labels", "embeddings"])
        self.assertEqual(s.keywords, [("margin", "margin"), ("soft", "soft"),
                                      ("distance_metric", "metric")])

    def test_other_forms(self):
        s = protocol.parse_signature("fn(embeddings, labels)")
        self.assertEqual(s.positional, ["embeddings", "labels"])
        s = protocol.parse_signature("loss(labels, embeddings, margin)")
        self.assertEqual(s.positional, ["labels", "embeddings", "margin"])
        s = protocol.parse_signature("f(x, targets, alpha=margin, metric=...)")
        self.assertEqual(s.keywords, [("alpha", "margin"), ("metric", "metric")])
        args, kwargs = s.arguments({"labels": "L", "embeddings": "E", "margin": 0.2,
                                    "metric": "L2"})
        self.assertEqual(args, ["E", "L"])
        self.assertEqual(kwargs, {"alpha": 0.2, "metric": "L2"})

    def test_errors(self):
        for bad in ("embeddings, labels", "fn(embeddings)", "fn(labels, y_pred, bogus)",
                    "fn(labels, y_pred, alpha=...)", "fn(labels, margin=..., y_pred)",
                    "fn(labels, labels, y_pred)", "fn(labels, y_pred, m=bogus)"):
            with self.assertRaises(protocol.UsageError, msg=bad):
                protocol.parse_signature(bad)


class SpecTests(unittest.TestCase):
    def test_split(self):
        self.assertEqual(protocol.split_function_spec("a.b:c"), (None, "a.b", "c"))
        self.assertEqual(protocol.split_function_spec("hard=a.b:c.d"), ("hard", "a.b", "c.d"))
        self.assertEqual(protocol.split_function_spec("x/y.py:f"), (None, "x/y.py", "f"))
        with self.assertRaises(protocol.UsageError):
            protocol.split_function_spec("nocolon")

    def test_load_by_path_and_module(self):
        fn = protocol.load_function(USER, "nan_loss")
        self.assertTrue(callable(fn))
        self.assertIs(protocol.load_function("user_functions", "tfa_like"),
                      user_functions.tfa_like)
        with self.assertRaises(protocol.UsageError):
            protocol.load_function("user_functions", "missing")
        with self.assertRaises(protocol.UsageError):
            protocol.load_function("no_such_module_here", "f")


class CapabilityTests(unittest.TestCase):
    def test_defaults(self):
        caps = options("user_functions:tfa_like").capabilities()
        self.assertEqual(caps["losses"], ["hard", "semihard"])
        self.assertEqual(caps["metrics"], ["L2", "squared-L2", "angular"])
        self.assertTrue(caps["soft"])  # TFA's hard signature has soft
        self.assertTrue(caps["serve"])
        self.assertFalse(caps["float64"])
        self.assertFalse(caps["precomputed_distances"])
        self.assertFalse(caps["tf_exact_ties"])
        self.assertEqual(caps["traits"], ["no_flush_to_zero"])

    def test_flags(self):
        caps = options("user_functions:tfa_like", "--losses", "hard", "--metrics", "angular,L2",
                       "--no-soft", "--float64", "--precomputed", "--tf-exact-ties",
                       "--traits", "float64_internal,log1p_overflow").capabilities()
        self.assertEqual(caps["losses"], ["hard"])
        self.assertEqual(caps["metrics"], ["L2", "angular"])
        self.assertFalse(caps["soft"])
        self.assertTrue(caps["float64"] and caps["precomputed_distances"] and caps["tf_exact_ties"])
        self.assertEqual(caps["traits"], ["float64_internal", "log1p_overflow"])
        self.assertEqual(options("user_functions:tfa_like", "--traits", "none")
                         .capabilities()["traits"], [])
        self.assertNotIn("soft", options("user_functions:tfa_like", "--losses", "semihard")
                         .capabilities())

    def test_named_functions_set_losses(self):
        o = options("semihard=user_functions:tfa_like")
        self.assertEqual(o.losses, ["semihard"])
        o = options("semihard=user_functions:tfa_like", "hard=user_functions:nan_loss")
        self.assertEqual(o.specs["hard"], ("user_functions", "nan_loss"))

    def test_usage_errors(self):
        for argv in ([], ["user_functions:tfa_like", "--traits", "fast_math"],
                     ["user_functions:tfa_like", "--losses", "soft"],
                     ["user_functions:tfa_like", "--metrics", "cosine"],
                     ["semihard=user_functions:tfa_like", "--losses", "hard"],
                     ["user_functions:embeddings_labels", "--signature", "f(embeddings, labels)"],
                     ["user_functions:tfa_like", "--signature", "f(embeddings, labels)",
                      "--losses", "hard", "--metrics", "L2", "--soft"],
                     ["a:b", "c:d"]):
            with self.assertRaises(protocol.UsageError, msg=argv):
                options(*argv)

    def test_case_dir_is_the_last_argument(self):
        with tempfile.TemporaryDirectory() as d:
            o = options("user_functions:tfa_like", "--losses", "semihard", d)
            self.assertEqual(o.case_dir, d)
            self.assertEqual(o.losses, ["semihard"])


class CaseTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        user_functions.CALLS.clear()

    def case(self, name="c", **request):
        return make_case(os.path.join(self.tmp.name, name), **request)

    def test_tfa_call_and_grad(self):
        o = options("user_functions:tfa_like")
        d = self.case(loss="hard", soft=True, margin=0.25, metric="angular")
        answer = protocol.run_case(o, d)
        self.assertEqual(answer, {"loss": 0.25 + sum(range(12))})
        call = user_functions.CALLS[-1]
        self.assertEqual(call["soft"], True)
        self.assertEqual(call["distance_metric"], "angular")
        self.assertEqual(call["y_true"].dtype, np.int64)
        self.assertEqual(call["y_pred"].dtype, np.float32)
        grad = np.load(os.path.join(d, "grad.npy"))
        self.assertEqual(grad.shape, (4, 3))

    def test_semihard_gets_no_soft(self):
        o = options("user_functions:tfa_like")
        protocol.run_case(o, self.case(loss="semihard"))
        self.assertIsNone(user_functions.CALLS[-1]["soft"])

    def test_no_grad_no_file(self):
        o = options("user_functions:tfa_like")
        d = self.case(want_grad=False)
        protocol.run_case(o, d)
        self.assertFalse(os.path.exists(os.path.join(d, "grad.npy")))

    def test_precomputed_uses_tfa_callable(self):
        o = options("user_functions:tfa_like", "--precomputed")
        d = self.case(metric="precomputed")
        protocol.run_case(o, d)
        call = user_functions.CALLS[-1]
        self.assertTrue(callable(call["distance_metric"]))
        np.testing.assert_array_equal(call["distance_metric"](None), call["y_pred"])
        self.assertEqual(np.load(os.path.join(d, "grad.npy")).shape, (4, 4))

    def test_nan_and_inf(self):
        self.assertEqual(protocol.run_case(options("user_functions:nan_loss"), self.case()),
                         {"loss": "nan"})
        self.assertEqual(protocol.run_case(options("user_functions:inf_loss"), self.case()),
                         {"loss": "-inf"})
        self.assertEqual(protocol.json_number(np.float32("inf")), "inf")
        self.assertEqual(protocol.json_number(np.float32(0.5)), 0.5)

    def test_undeclared_variants_are_errors(self):
        o = options("user_functions:tfa_like", "--losses", "semihard", "--metrics", "L2")
        for request in ({"loss": "hard"}, {"metric": "angular"}, {"dtype": "float64"},
                        {"metric": "precomputed"}):
            with self.assertRaises(protocol.CaseError, msg=request):
                protocol.run_case(o, self.case(**request))
        o = options("user_functions:tfa_like", "--losses", "hard", "--no-soft")
        with self.assertRaises(protocol.CaseError):
            protocol.run_case(o, self.case(loss="hard", soft=True))

    def test_float64_when_declared(self):
        o = options("user_functions:tfa_like", "--float64")
        protocol.run_case(o, self.case(dtype="float64"))
        self.assertEqual(user_functions.CALLS[-1]["y_pred"].dtype, np.float64)

    def test_other_signature_and_fixed_margin(self):
        o = options("user_functions:embeddings_labels", "--signature", "fn(embeddings, labels)",
                    "--metrics", "L2")
        self.assertEqual(protocol.run_case(o, self.case()), {"loss": float(sum(range(12)))})
        with self.assertRaisesRegex(protocol.CaseError, "margin=0.5"):
            protocol.run_case(o, self.case(margin=0.5))

    def test_wrong_gradient_shape(self):
        with self.assertRaisesRegex(protocol.CaseError, "shape"):
            protocol.run_case(options("user_functions:wrong_shape"), self.case())

    def test_serve_echoes_and_survives_errors(self):
        import io
        o = options("semihard=user_functions:tfa_like", "hard=user_functions:broken")
        a, b = self.case("a"), self.case("b", loss="hard")
        out = io.StringIO()
        protocol.serve(o, io.StringIO(f"{a}\n\n{b}\n{a}\n"), out)
        answers = [json.loads(line) for line in out.getvalue().splitlines()]
        self.assertEqual([x["case"] for x in answers], [a, b, a])
        self.assertIn("loss", answers[0])
        self.assertEqual(answers[1]["error"], "ValueError: boom")
        self.assertEqual(answers[2], answers[0])


class ProcessTests(unittest.TestCase):
    """The adapter as tripletcheck runs it: a separate process."""

    def run_adapter(self, *argv, stdin=None, env=None):
        full_env = dict(os.environ, PYTHONPATH=HERE, **(env or {}))
        return subprocess.run([sys.executable, FAKE, *argv], input=stdin, env=full_env,
                              capture_output=True, text=True, timeout=60, cwd=HERE)

    def test_capabilities(self):
        r = self.run_adapter("user_functions:tfa_like", "--losses", "semihard", "--capabilities")
        self.assertEqual(r.returncode, 0, r.stderr)
        caps = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertTrue(caps["serve"])
        self.assertEqual(caps["losses"], ["semihard"])

    def test_usage_error_exit_2(self):
        r = self.run_adapter("user_functions:tfa_like", "--traits", "bogus", "--capabilities")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no_flush_to_zero", r.stderr)

    def test_one_shot_by_argument_and_environment(self):
        with tempfile.TemporaryDirectory() as tmp:
            d = make_case(os.path.join(tmp, "c"), loss="hard")
            r = self.run_adapter("user_functions:tfa_like", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout.strip().splitlines()[-1]),
                             {"loss": 1.0 + sum(range(12))})
            os.remove(os.path.join(d, "grad.npy"))
            r = self.run_adapter(USER + ":tfa_like", env={"TRIPLETCHECK_CASE_DIR": d})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(os.path.exists(os.path.join(d, "grad.npy")))
            r = self.run_adapter("user_functions:broken", d)
            self.assertEqual(json.loads(r.stdout.strip().splitlines()[-1]),
                             {"error": "ValueError: boom"})

    def test_serve_keeps_stray_prints_off_the_answers(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = make_case(os.path.join(tmp, "a"))
            b = make_case(os.path.join(tmp, "b"), loss="hard", soft=True)
            r = self.run_adapter("user_functions:chatty", "--serve", "--losses", "semihard",
                                 stdin=f"{a}\n{b}\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.splitlines()
            self.assertEqual(len(lines), 2, r.stdout)
            self.assertEqual(json.loads(lines[0]), {"case": a, "loss": 1.5})
            self.assertEqual(json.loads(lines[1])["case"], b)
            self.assertIn("not implemented", json.loads(lines[1])["error"])
            self.assertIn("stray print", r.stderr)
            self.assertIn("C-level", r.stderr)

    def test_serve_import_error_is_reported(self):
        r = self.run_adapter("no_such_module:f", "--serve", stdin="")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot import", r.stderr)


if __name__ == "__main__":
    unittest.main()
