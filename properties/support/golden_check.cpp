// The verdict on one (backend, fixture, precision): within the tolerance table, or excused by a
// near tie or a known divergence, or failed.
#include "properties/support/golden_check.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "properties/support/known_divergences.hpp"
#include "properties/support/scales.hpp"
#include "properties/support/separation.hpp"

namespace tripletcheck::testing {
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

// An exact tie in a decision of the loss (equal competing distances, or a hinge argument of
// exactly 0): where TF's gradient rules split or pass the gradient in their own way.
bool has_exact_tie(const CaseInput& input) {
  return first_unseparated_sample(input, exact_distances(input), Separation{}) >= 0;
}

QuantityCheck judge(const Backend& backend, const GoldenCase& c, const std::string& precision,
                    Quantity quantity, const Agreement& agreement, const Tolerance& tol) {
  QuantityCheck q{agreement, tol, Verdict::kPass, {}};
  if (agreement.within(tol)) return q;
  if (agreement.nonfinite_match && has_near_tie(c.input)) {
    q.verdict = Verdict::kIllConditioned;
  } else if (quantity == Quantity::kGradient && agreement.nonfinite_match &&
             !backend.capabilities().tf_exact_ties && has_exact_tie(c.input)) {
    q.verdict = Verdict::kOtherSubgradient;
  } else if (const auto* known =
                 find_known_divergence(backend.name(), backend.capabilities().traits, precision,
                                       c.category, variant_name(c.input.spec), quantity)) {
    q.verdict = Verdict::kKnownDivergence;
    q.known_reason = known->reason;
  } else {
    q.verdict = Verdict::kFail;
  }
  return q;
}

}  // namespace

std::string GoldenCheck::describe_failure(const GoldenCase& c, const std::string& backend) const {
  std::ostringstream out;
  for (const auto* q : {&loss, &gradient}) {
    if (q->verdict != Verdict::kFail) continue;
    out << c.id << " (" << c.description << "): " << backend << " " << precision << " "
        << (q == &loss ? "loss" : "gradient") << ": " << q->agreement.describe() << "; allowed "
        << q->tolerance.abs << " + " << q->tolerance.rel << "·scale (" << q->tolerance.reason
        << ")\n";
  }
  return out.str();
}

bool supports(const Backend& backend, const GoldenCase& c) { return implements(backend, c.input); }

std::vector<std::string> golden_precisions(const Backend& backend, const GoldenCase& c) {
  if (c.dtype != "float32") return {c.dtype};
  if (backend.capabilities().float64) return {"float32", "float64"};
  return {"float32"};
}

GoldenCheck check_golden_case(const Backend& backend, const GoldenCase& c,
                              const std::string& precision) {
  const Evaluation e = evaluate(backend, c.input, precision);
  GoldenCheck check;
  check.precision = precision;
  Tolerance loss_tol = tolerance(backend.name(), precision, Quantity::kLoss, Regime::kGolden);
  if (c.input.spec.loss == Loss::kHard) {
    // The hard loss is continuous and 2-Lipschitz in D (hard_pos − hard_neg, averaged), so even
    // at near ties two evaluations, each within the float32 distance noise bound of the exact
    // distances, differ by at most 4× that bound.
    loss_tol.abs = 4 * distance_noise_bound(c.input);
  }
  check.loss = judge(backend, c, precision, Quantity::kLoss,
                     compare_loss(e.loss, c.loss, loss_scale(c.input)), loss_tol);
  // Where TF's gradient is exactly 0 or small, a correct port's rounding is relative to the
  // contributions that cancel there (4.4e-16 at tiny_b1_hard_angular, 1.3e-30 at
  // tiny_1em30_hard_sql2 failed against a bound of 0), not to TF's own entries.
  const double term_scale = std::isfinite(c.loss) ? gradient_term_scale(c.input) : 0;
  check.gradient =
      judge(backend, c, precision, Quantity::kGradient,
            compare_gradients(e.gradient, c.gradient, term_scale),
            tolerance(backend.name(), precision, Quantity::kGradient, Regime::kGolden));
  return check;
}

void GoldenSummary::add(const GoldenCase& c, const GoldenCheck& check) {
  Row& row = rows_[{c.category, check.precision}];
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
}

std::string GoldenSummary::markdown() const {
  std::ostringstream out;
  out << "| category | precision | cases | worst loss error | worst gradient error "
         "| ill-conditioned | known divergence | other subgradient at a tie | failed |\n"
      << "|---|---|---|---|---|---|---|---|---|\n";
  char line[256];
  for (const auto& [key, r] : rows_) {
    std::snprintf(line, sizeof line, "| %s | %s | %d | %.2e | %.2e | %d | %d | %d | %d |\n",
                  key.first.c_str(), key.second.c_str(), r.cases, r.loss, r.gradient,
                  r.ill_conditioned, r.known_divergences, r.other_subgradients, r.failures);
    out << line;
  }
  return out.str();
}

}  // namespace tripletcheck::testing
