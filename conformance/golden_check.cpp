// The verdict on one (backend, fixture, precision): within the tolerance table, or excused by a
// near tie or a known divergence, or failed.
#include "conformance/golden_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "conformance/admissible.hpp"
#include "conformance/known_divergences.hpp"
#include "conformance/scales.hpp"
#include "conformance/separation.hpp"
#include "conformance/subgradients.hpp"
#include "reference/reference_backend.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

// A decision of the loss (a selection or the hinge) closer than the float32 distance noise but
// not an exact tie (exact ties are computed exactly everywhere and stay checked). Such a case is
// ill-conditioned: 1 ulp decides which negative is chosen, for TF as for us (docs/SEMANTICS.md
// §5.3.6).
bool has_near_tie(const CaseInput& input) {
  Separation near;
  near.near_ties_only = true;
  near.selection_gap = near.hinge_gap = 4 * distance_noise_bound(input);
  return first_unseparated_sample(input, exact_distances(input), near) >= 0;
}


// Whether `gradient` is a valid subgradient at the case's exact ties: within `bound` (max norm) of
// the set of subgradients.hpp. A case without a finite loss has no such choice.
bool valid_subgradient(const CaseInput& input, const std::vector<double>& gradient, double bound) {
  const auto set = tie_subdifferential(input);
  return set && distance_to_subdifferential(gradient, *set, bound) <= bound;
}

// Perturbed evaluations: enough to reach the decisions a tie or near tie offers in these small
// fixtures (at most a few tied candidates per decision), cheap next to a fixture's own check.
constexpr int kAdmissibleSamples = 64;

// Whether `actual` is what some admissible decision gives: the loss within the range of the
// admissible losses, the gradient within their convex hull, both up to the tolerance.
bool admissible(Quantity quantity, const AdmissibleResults& results, const Evaluation& actual,
                const Agreement& agreement, const Tolerance& tol) {
  const double bound = tol.abs + tol.rel * agreement.scale;
  if (quantity == Quantity::kLoss) {
    const auto [lo, hi] = std::minmax_element(results.losses.begin(), results.losses.end());
    return actual.loss >= *lo - bound && actual.loss <= *hi + bound;
  }
  return distance_to_hull(actual.gradient, results.gradients) <= bound ||
         distance_outside_box(actual.gradient, results.gradients.front(), results.gradients) <=
             bound;
}

// The bounded forms a numeric trait's divergence may take, each the mark of one trait.
enum class Alternative {
  kNone,
  kFloat64,           // the float64 semantics: no overflow, no flush (float64_internal)
  kSubnormalsKept,    // TF's float32 graph with subnormals kept (no_flush_to_zero)
  kNonfinitePattern,  // TF's own result on every entry finite on both sides (fused_multiply_add)
  kLossOverflow,      // the loss overflowed to Inf/NaN (log1p_overflow)
};

const char* trait_of(Alternative a) {
  switch (a) {
    case Alternative::kFloat64:
      return "float64_internal";
    case Alternative::kSubnormalsKept:
      return "no_flush_to_zero";
    case Alternative::kNonfinitePattern:
      return "fused_multiply_add";
    case Alternative::kLossOverflow:
      return "log1p_overflow";
    case Alternative::kNone:
      break;
  }
  return "";
}

// A divergence listed for a numeric trait (an exec program's declaration) excuses a difference
// of its kind, never any value: the result must be one of the Alternatives. Of the two computed
// ones, the closer names the trait (a float64 port and a port keeping subnormals can both be
// within the tolerance of either at some fixtures). Entries for our own registered backends are
// reviewed divergences of code we test against the float64 oracle everywhere else, and keep
// their reason as the whole excuse.
Alternative explaining_alternative(Quantity quantity, const GoldenCase& c, Precision precision,
                                   const Evaluation& actual, const Agreement& agreement,
                                   const Tolerance& tol) {
  static const std::unique_ptr<Backend> keeping_subnormals =
      make_reference_backend_keeping_subnormals();
  std::vector<std::pair<Alternative, Evaluation>> alternatives = {
      {Alternative::kFloat64, evaluate(find_backend("reference"), c.input, Precision::kFloat64)}};
  if (precision == Precision::kFloat32)
    alternatives.emplace_back(Alternative::kSubnormalsKept,
                              evaluate(*keeping_subnormals, c.input, precision));
  Alternative closest = Alternative::kNone;
  double closest_error = 0;
  for (const auto& [kind, a] : alternatives) {
    const Agreement other = quantity == Quantity::kLoss
                                ? compare_loss(actual.loss, a.loss, agreement.scale)
                                : compare_gradients(actual.gradient, a.gradient, agreement.scale);
    if (other.within(tol) &&
        (closest == Alternative::kNone || other.max_abs_error < closest_error)) {
      closest = kind;
      closest_error = other.max_abs_error;
    }
  }
  if (closest != Alternative::kNone) return closest;
  if (quantity == Quantity::kLoss)
    return std::isfinite(actual.loss) ? Alternative::kNone : Alternative::kLossOverflow;
  return agreement.max_abs_error <= tol.abs + tol.rel * agreement.scale
             ? Alternative::kNonfinitePattern
             : Alternative::kNone;
}

bool bounded_divergence(Quantity quantity, const GoldenCase& c, Precision precision,
                        const Evaluation& actual, const Agreement& agreement,
                        const Tolerance& tol) {
  return explaining_alternative(quantity, c, precision, actual, agreement, tol) !=
         Alternative::kNone;
}

// The class of one failing quantity: an exact tie with the loss right is a tie, a trait's
// bounded divergence an artifact (with the trait), anything else semantics.
std::pair<FailureClass, std::string> classify(const GoldenCase& c, Precision precision,
                                              Quantity quantity, const QuantityCheck& q,
                                              bool loss_failed, const Evaluation& actual) {
  // An artifact only where some trait lists this kind of fixture, and only in the bounded form
  // of a trait that does: the closest alternative names it.
  const std::string variant = variant_name(c.input.spec);
  const auto listed = [&](const std::string& trait) {
    return find_trait_divergence(trait, precision, c.category, variant, quantity) != nullptr;
  };
  const auto traits = numeric_trait_names();
  if (std::any_of(traits.begin(), traits.end(), listed)) {
    const Alternative a =
        explaining_alternative(quantity, c, precision, actual, q.agreement, q.tolerance);
    if (a != Alternative::kNone) {
      const std::string named = trait_of(a);
      if (listed(named)) return {FailureClass::kArtifact, named};
      for (const auto& trait : traits) {  // the form is bounded; another trait lists the case
        if (listed(trait)) return {FailureClass::kArtifact, trait};
      }
    }
  }
  // Ties: the loss right and the gradient another valid subgradient than TF's split, by a backend
  // that claims TF's tie rules (the fix is not to claim them). A gradient outside the set is
  // wrong whatever the ties.
  if (quantity == Quantity::kGradient && !loss_failed && q.agreement.nonfinite_match &&
      has_exact_tie(c.input) &&
      valid_subgradient(c.input, actual.gradient,
                        q.tolerance.abs + q.tolerance.rel * q.agreement.scale)) {
    return {FailureClass::kTies, {}};
  }
  return {FailureClass::kSemantics, {}};
}

QuantityCheck judge(const Backend& backend, const GoldenCase& c, Precision precision,
                    Quantity quantity, const Agreement& agreement, const Tolerance& tol,
                    const Evaluation& actual, bool loss_passed = true) {
  QuantityCheck q{agreement, tol, Verdict::kPass, {}};
  if (agreement.within(tol)) return q;
  const Evaluation tf{c.loss, c.gradient};
  if (agreement.nonfinite_match && has_near_tie(c.input) &&
      admissible(quantity,
                 admissible_results(c.input, near_tie_step(c.input), kAdmissibleSamples, tf),
                 actual, agreement, tol)) {
    q.verdict = Verdict::kIllConditioned;
  } else if (quantity == Quantity::kGradient && loss_passed && agreement.nonfinite_match &&
             !backend.capabilities().tf_exact_ties && has_exact_tie(c.input) &&
             valid_subgradient(c.input, actual.gradient, tol.abs + tol.rel * agreement.scale)) {
    // Another subgradient at an exact tie, for a backend that does not claim TF's tie rules:
    // only with the loss right and the gradient inside the subdifferential (issue 12, point 2).
    q.verdict = Verdict::kOtherSubgradient;
  } else if (const auto* known =
                 find_known_divergence(backend.name(), backend.capabilities().traits, precision,
                                       c.category, variant_name(c.input.spec), quantity);
             known != nullptr &&
             (known->subject.rfind("trait:", 0) != 0 ||
              bounded_divergence(quantity, c, precision, actual, agreement, tol))) {
    q.verdict = Verdict::kKnownDivergence;
    q.known_reason = known->reason;
  } else {
    q.verdict = Verdict::kFail;
  }
  return q;
}

}  // namespace

bool has_exact_tie(const CaseInput& input) {
  return first_unseparated_sample(input, exact_distances(input), Separation{}) >= 0;
}

std::string to_string(FailureClass c) {
  switch (c) {
    case FailureClass::kSemantics:
      return "semantics";
    case FailureClass::kTies:
      return "ties";
    case FailureClass::kArtifact:
      return "TF float32 artifact";
  }
  return "?";
}

std::string GoldenCheck::describe_failure(const GoldenCase& c, const std::string& backend) const {
  std::ostringstream out;
  for (const auto* q : {&loss, &gradient}) {
    if (q->verdict != Verdict::kFail) continue;
    out << c.id << " (" << c.description << "): " << backend << " " << to_string(precision) << " "
        << (q == &loss ? "loss" : "gradient") << ": " << q->agreement.describe() << "; allowed "
        << q->tolerance.abs << " + " << q->tolerance.rel << "·scale (" << q->tolerance.reason
        << ")\n";
    out.precision(9);
    if (q == &loss) {
      out << "  loss: TF " << c.loss << ", this backend " << actual.loss << "\n";
      continue;
    }
    const auto nonfinite = [](const std::vector<double>& v) {
      return std::count_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); });
    };
    const std::int64_t k = q->agreement.nonfinite_match ? q->agreement.worst_index
                                                        : q->agreement.first_nonfinite_mismatch;
    const std::int64_t columns = c.input.precomputed ? c.input.batch : c.input.dim;
    if (k >= 0 && static_cast<std::size_t>(k) < c.gradient.size() &&
        static_cast<std::size_t>(k) < actual.gradient.size()) {
      out << "  gradient[" << k / columns << ", " << k % columns << "]: TF " << c.gradient[k]
          << ", this backend " << actual.gradient[k] << "; NaN/Inf entries: TF "
          << nonfinite(c.gradient) << ", this backend " << nonfinite(actual.gradient) << " of "
          << c.gradient.size() << "\n";
    }
    out.precision(6);
  }
  return out.str();
}

bool supports(const Backend& backend, const GoldenCase& c) { return implements(backend, c.input); }

std::vector<Precision> golden_precisions(const Backend& backend, const GoldenCase& c) {
  if (c.precision != Precision::kFloat32) return {c.precision};
  if (backend.capabilities().float64) return {Precision::kFloat32, Precision::kFloat64};
  return {Precision::kFloat32};
}

GoldenCheck check_golden_case(const Backend& backend, const GoldenCase& c, Precision precision) {
  const Evaluation e = evaluate(backend, c.input, precision);
  GoldenCheck check;
  check.precision = precision;
  check.actual = e;
  Tolerance loss_tol = tolerance(backend.name(), precision, Quantity::kLoss, Regime::kGolden);
  if (c.input.spec.loss == Loss::kHard) {
    // The hard loss is continuous and 2-Lipschitz in D (hard_pos − hard_neg, averaged), so even
    // at near ties two evaluations, each within the float32 distance noise bound of the exact
    // distances, differ by at most 4× that bound.
    loss_tol.abs = 4 * distance_noise_bound(c.input);
  }
  check.loss = judge(backend, c, precision, Quantity::kLoss,
                     compare_loss(e.loss, c.loss, loss_scale(c.input)), loss_tol, e);
  // Where TF's gradient is exactly 0 or small, a correct port's rounding is relative to the
  // contributions that cancel there (4.4e-16 at tiny_b1_hard_angular, 1.3e-30 at
  // tiny_1em30_hard_sql2 failed against a bound of 0), not to TF's own entries.
  const double term_scale = std::isfinite(c.loss) ? gradient_term_scale(c.input) : 0;
  check.gradient = judge(backend, c, precision, Quantity::kGradient,
                         compare_gradients(e.gradient, c.gradient, term_scale),
                         tolerance(backend.name(), precision, Quantity::kGradient, Regime::kGolden),
                         e, check.loss.verdict == Verdict::kPass);
  if (!check.failed()) return check;
  // The run's class is the most severe of the failing quantities' (the enum's order).
  bool first = true;
  const bool loss_failed = check.loss.verdict == Verdict::kFail;
  for (const auto quantity : {Quantity::kLoss, Quantity::kGradient}) {
    const QuantityCheck& q = quantity == Quantity::kLoss ? check.loss : check.gradient;
    if (q.verdict != Verdict::kFail) continue;
    auto [cls, trait] = classify(c, precision, quantity, q, loss_failed, e);
    if (first || cls < check.failure_class) {
      check.failure_class = cls;
      check.artifact_trait = cls == FailureClass::kArtifact ? trait : std::string();
    }
    first = false;
  }
  return check;
}

void GoldenSummary::add(const GoldenCase& c, const GoldenCheck& check) {
  Row& row = rows_[{c.category, to_string(check.precision)}];
  ++row.cases;
  ++comparisons_;
  for (const auto* q : {&check.loss, &check.gradient}) {
    if (q->agreement.nonfinite_match) {
      double& worst = q == &check.loss ? row.loss : row.gradient;
      worst = std::max(worst, q->agreement.relative_error());
    }
    row.ill_conditioned += q->verdict == Verdict::kIllConditioned;
    row.known_divergences += q->verdict == Verdict::kKnownDivergence;
    row.other_subgradients += q->verdict == Verdict::kOtherSubgradient;
    row.failures += q->verdict == Verdict::kFail;
    failures_ += q->verdict == Verdict::kFail;
  }
  row.artifacts += check.failed() && check.failure_class == FailureClass::kArtifact;
}

void GoldenSummary::add(const Key& key, const Row& other) {
  Row& row = rows_[key];
  row.cases += other.cases;
  row.loss = std::max(row.loss, other.loss);
  row.gradient = std::max(row.gradient, other.gradient);
  row.ill_conditioned += other.ill_conditioned;
  row.known_divergences += other.known_divergences;
  row.other_subgradients += other.other_subgradients;
  row.failures += other.failures;
  row.artifacts += other.artifacts;
  comparisons_ += other.cases;
  failures_ += other.failures;
}

std::string GoldenSummary::markdown() const {
  std::ostringstream out;
  out << "| category | precision | cases | worst loss error | worst gradient error "
         "| ill-conditioned | known divergence | other subgradient at a tie | failed | of them "
         "TF float32 artifacts |\n"
      << "|---|---|---|---|---|---|---|---|---|---|\n";
  char line[256];
  for (const auto& [key, r] : rows_) {
    std::snprintf(line, sizeof line, "| %s | %s | %d | %.2e | %.2e | %d | %d | %d | %d | %d |\n",
                  key.first.c_str(), key.second.c_str(), r.cases, r.loss, r.gradient,
                  r.ill_conditioned, r.known_divergences, r.other_subgradients, r.failures,
                  r.artifacts);
    out << line;
  }
  return out.str();
}

}  // namespace tripletcheck::conformance
