// The matrix keys and aggregation of outcome.hpp.
#include "conformance/run/outcome.hpp"

#include <algorithm>

namespace tripletcheck::conformance {

std::string to_string(CheckKind kind) {
  switch (kind) {
    case CheckKind::kGolden:
      return "golden";
    case CheckKind::kCorpus:
      return "corpus";
    case CheckKind::kProperty:
      return "property";
  }
  return "?";
}

int severity(const Failure& f) { return f.error ? -1 : static_cast<int>(f.failure_class); }

std::string class_name(const Failure& f) {
  return f.error ? "error" : conformance::to_string(f.failure_class);
}

int BackendOutcome::failing() const {
  return static_cast<int>(
      std::count_if(failures.begin(), failures.end(), [&](const Failure& f) { return counts(f); }));
}

const Failure* BackendOutcome::worst() const {
  const auto it = std::min_element(
      failures.begin(), failures.end(),
      [](const Failure& a, const Failure& b) { return severity(a) < severity(b); });
  return it == failures.end() ? nullptr : &*it;
}

bool implements_cell(const Capabilities& caps, const std::string& variant,
                     const std::string& metric) {
  LossSpec spec;
  spec.loss = variant == "semihard" ? Loss::kSemiHard : Loss::kHard;
  spec.soft = variant == "hard-soft";
  if (metric == "precomputed") {
    return caps.precomputed_distances && caps.implements.covers_loss(spec);
  }
  spec.metric = metric == "L2"           ? Metric::kL2
                : metric == "squared-L2" ? Metric::kSquaredL2
                                         : Metric::kAngular;
  return caps.implements.covers(spec);
}

const std::vector<std::string>& VariantMatrix::variants() {
  static const std::vector<std::string> v = {"hard", "hard-soft", "semihard"};
  return v;
}

const std::vector<std::string>& VariantMatrix::metrics() {
  static const std::vector<std::string> m = {"L2", "squared-L2", "angular", "precomputed"};
  return m;
}

std::pair<std::string, std::string> VariantMatrix::key(const conformance::CaseInput& input) {
  return {variant_name(input.spec),
          input.precomputed ? std::string("precomputed") : to_string(input.spec.metric)};
}

void VariantMatrix::add(const conformance::CaseInput& input, bool gradient,
                        const conformance::Agreement& agreement) {
  if (!agreement.nonfinite_match) return;
  Cell& c = cell(input);
  double& abs = gradient ? c.grad_abs : c.loss_abs;
  double& rel = gradient ? c.grad_rel : c.loss_rel;
  abs = std::max(abs, agreement.max_abs_error);
  rel = std::max(rel, agreement.relative_error());
}

const Cell* VariantMatrix::find(const std::string& variant, const std::string& metric) const {
  const auto it = cells_.find({variant, metric});
  return it == cells_.end() ? nullptr : &it->second;
}

CheckResult& BackendOutcome::check(CheckKind kind, const std::string& name, std::size_t unit) {
  for (auto& c : checks) {
    if (c.kind == kind && c.name == name) return c;
  }
  checks.push_back({});
  checks.back().kind = kind;
  checks.back().name = name;
  checks.back().unit = unit;
  return checks.back();
}

// A stale known divergence fails the run (an excuse nothing needs any more hides the next
// regression of that kind), and so does a run that checked nothing.
bool RunOutcome::passed() const {
  return !backends.empty() && stale.empty() &&
         std::all_of(backends.begin(), backends.end(),
                     [](const BackendOutcome& b) { return b.passed(); });
}

void VariantMatrix::add(const std::string& variant, const std::string& metric, const Cell& other) {
  Cell& c = cells_[{variant, metric}];
  c.cases += other.cases;
  c.failures += other.failures;
  c.artifacts += other.artifacts;
  c.ordinary_cases += other.ordinary_cases;
  c.ordinary_failures += other.ordinary_failures;
  c.loss_abs = std::max(c.loss_abs, other.loss_abs);
  c.loss_rel = std::max(c.loss_rel, other.loss_rel);
  c.grad_abs = std::max(c.grad_abs, other.grad_abs);
  c.grad_rel = std::max(c.grad_rel, other.grad_rel);
  c.edge_classes.insert(other.edge_classes.begin(), other.edge_classes.end());
}

}  // namespace tripletcheck::conformance
