// The interface every implementation of the losses offers, and what it can do.
#pragma once

#include <string>

#include "tripletcheck/batch.hpp"
#include "tripletcheck/options.hpp"
#include "tripletcheck/result.hpp"

namespace tripletcheck {

enum class Device { kCpu, kCuda };

// The loss variants and metrics a backend implements. A partial implementation (a port of the
// semi-hard loss only, say) declares what it has; the conformance checks skip the rest and list
// them as "not implemented", never as passed.
struct Coverage {
  bool hard = true;
  bool hard_soft = true;
  bool semihard = true;
  bool l2 = true;
  bool squared_l2 = true;
  bool angular = true;
  // Whether `spec` on embeddings (precomputed distances are Capabilities::precomputed_distances).
  bool covers(const LossSpec& spec) const {
    const bool loss = spec.loss == Loss::kSemiHard ? semihard : spec.soft ? hard_soft : hard;
    const bool metric = spec.metric == Metric::kL2          ? l2
                        : spec.metric == Metric::kSquaredL2 ? squared_l2
                                                            : angular;
    return loss && metric;
  }
  bool covers_loss(const LossSpec& spec) const {
    return spec.loss == Loss::kSemiHard ? semihard : spec.soft ? hard_soft : hard;
  }
};

// Correct ways of computing that differ from TF's float32 CPU kernels where float32 runs out
// (docs/SEMANTICS.md §5.6). Each excuses, with its reason, the golden fixture categories where it
// shows (conformance/known_divergences.cpp), and nothing else.
struct NumericTraits {
  bool float64_internal = false;    // float32 inputs computed in float64: no overflow, no flush
  bool no_flush_to_zero = false;    // float32 subnormals kept (TF's CPU kernels flush them)
  bool fused_multiply_add = false;  // dot products / GEMM fused: NaN pattern at overflow
  bool log1p_overflow = false;      // float32 log1p is +Inf above ~1e38 (PyTorch's SLEEF)
};

struct Capabilities {
  bool float32 = true;
  bool float64 = false;
  bool gradients = true;
  bool precomputed_distances = false;  // accepts a DistanceView (TFA's callable metric)
  // Gradients at ties follow TF's rules (docs/SEMANTICS.md §5.3): split evenly among tied extremes,
  // the shift-term leaks of masked max/min, the hinge passing at exactly 0.
  bool tf_exact_ties = false;
  bool deterministic = true;           // same input, same bits, every run
  bool thread_count_invariant = true;  // ... and for any number of threads
  Device device = Device::kCpu;
  Coverage implements;
  NumericTraits traits;
};

// A backend. evaluate() validates the inputs (errors.hpp) and then calls the protected hooks, so
// every backend rejects bad input the same way. Implementations must be safe to call from several
// threads at once.
class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  virtual Capabilities capabilities() const = 0;
  // Empty when the backend can run on this machine, otherwise why not ("no CUDA device").
  virtual std::string unavailable_reason() const { return {}; }
  bool available() const { return unavailable_reason().empty(); }

  Result<float> evaluate(const LossSpec& spec, const BatchView<float>& batch,
                         const EvalOptions& options = {}) const;
  Result<double> evaluate(const LossSpec& spec, const BatchView<double>& batch,
                          const EvalOptions& options = {}) const;
  Result<float> evaluate(const LossSpec& spec, const DistanceView<float>& distances,
                         const EvalOptions& options = {}) const;
  Result<double> evaluate(const LossSpec& spec, const DistanceView<double>& distances,
                          const EvalOptions& options = {}) const;

 protected:
  // Called with validated input only. The defaults throw Unsupported.
  virtual Result<float> run(const LossSpec& spec, const BatchView<float>& batch,
                            bool gradient) const;
  virtual Result<double> run(const LossSpec& spec, const BatchView<double>& batch,
                             bool gradient) const;
  virtual Result<float> run(const LossSpec& spec, const DistanceView<float>& distances,
                            bool gradient) const;
  virtual Result<double> run(const LossSpec& spec, const DistanceView<double>& distances,
                             bool gradient) const;
};

// A backend whose four run() hooks are two member templates of Derived, for float and double:
//   template <class T> Result<T> run_embeddings(const LossSpec&, const BatchView<T>&, bool) const;
//   template <class T> Result<T> run_distances(const LossSpec&, const DistanceView<T>&, bool)
//   const;
// (Derived befriends TemplatedBackend<Derived> if they are private.) For the backends that
// implement both precisions with one code path.
template <class Derived>
class TemplatedBackend : public Backend {
 protected:
  Result<float> run(const LossSpec& s, const BatchView<float>& b, bool g) const final {
    return self().run_embeddings(s, b, g);
  }
  Result<double> run(const LossSpec& s, const BatchView<double>& b, bool g) const final {
    return self().run_embeddings(s, b, g);
  }
  Result<float> run(const LossSpec& s, const DistanceView<float>& d, bool g) const final {
    return self().run_distances(s, d, g);
  }
  Result<double> run(const LossSpec& s, const DistanceView<double>& d, bool g) const final {
    return self().run_distances(s, d, g);
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

}  // namespace tripletcheck
