// Runs every mutant of the catalogue on the golden fixtures (once per process: the results are
// cached, so `mutation-check`, which diagnoses every mutant, evaluates each fixture once per
// mutant) and compares each with what the port returned, quantity by quantity, within the very
// tolerance the port was judged by.
#include "conformance/run/diagnosis.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "conformance/mutants/mutant_backend.hpp"
#include "conformance/mutants/mutation.hpp"
#include "conformance/scales.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::conformance {
namespace {

using conformance::Quantity;
using conformance::Verdict;

// The mutant's evaluation of a fixture in float32, or nothing where it cannot evaluate it.
const std::optional<conformance::Evaluation>& mutant_result(const mutants::MutationInfo& info,
                                                            const conformance::GoldenCase& c) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, std::optional<conformance::Evaluation>>
      cache;
  static std::map<std::string, std::unique_ptr<Backend>> backends;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(info.name, c.id);
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  auto& backend = backends[info.name];
  if (!backend) backend = mutants::make_mutant_backend(info.mutation);
  std::optional<conformance::Evaluation> result;
  try {
    result = conformance::evaluate(*backend, c.input, conformance::Precision::kFloat32);
  } catch (const Error&) {  // not evaluable by a mutant (its capabilities): no evidence
  }
  return cache[key] = std::move(result);
}

// Whether the mutant's value is the port's, within the tolerance the port was judged by.
bool same_as_port(Quantity quantity, const conformance::GoldenCase& c,
                  const conformance::QuantityCheck& q, const conformance::Evaluation& port,
                  const conformance::Evaluation& mutant) {
  if (quantity == Quantity::kLoss) {
    return conformance::compare_loss(port.loss, mutant.loss, conformance::loss_scale(c.input))
        .within(q.tolerance);
  }
  const double term_scale = std::isfinite(c.loss) ? conformance::gradient_term_scale(c.input) : 0;
  return conformance::compare_gradients(port.gradient, mutant.gradient, term_scale)
      .within(q.tolerance);
}

}  // namespace

std::vector<Suspect> tally_mutants(const std::vector<JudgedComparison>& comparisons,
                                   const GoldenSet& golden) {
  std::vector<Suspect> tallies;
  for (const auto& info : mutants::all_mutations()) {
    if (info.mutation == mutants::Mutation::kNone) continue;
    Suspect s;
    s.mutant = info.name;
    s.mistake = info.mistake;
    for (const auto& j : comparisons) {
      // float32 only: the mutants compute in TF's precision, the port's float64 results would
      // differ from them by rounding alone.
      if (j.check.precision != conformance::Precision::kFloat32) continue;
      const conformance::GoldenCase& c = golden.manifest.cases[j.case_index];
      const auto& mutant = mutant_result(info, c);
      if (!mutant) continue;
      for (const auto quantity : {Quantity::kLoss, Quantity::kGradient}) {
        const auto& q = quantity == Quantity::kLoss ? j.check.loss : j.check.gradient;
        const bool same = same_as_port(quantity, c, q, j.check.actual, *mutant);
        if (q.verdict == Verdict::kFail &&
            j.check.failure_class != conformance::FailureClass::kArtifact) {
          ++s.failing;
          s.reproduced += same;
        } else if (q.verdict == Verdict::kPass) {
          ++s.passing;
          s.contradicted += !same;
        }
      }
    }
    tallies.push_back(s);
  }
  return tallies;
}

std::vector<Suspect> rank_suspects(std::vector<Suspect> tallies) {
  std::vector<Suspect> suspects;
  for (auto& s : tallies) {
    if (s.reproduced > 0) suspects.push_back(std::move(s));
  }
  std::stable_sort(suspects.begin(), suspects.end(), [](const Suspect& a, const Suspect& b) {
    if (a.reproduced != b.reproduced) return a.reproduced > b.reproduced;
    return a.contradicted < b.contradicted;
  });
  return suspects;
}

std::vector<Suspect> diagnose(const std::vector<JudgedComparison>& comparisons,
                              const GoldenSet& golden) {
  const auto explainable = [](const JudgedComparison& j) {
    return j.check.precision == conformance::Precision::kFloat32 && j.check.failed() &&
           j.check.failure_class != conformance::FailureClass::kArtifact;
  };
  // Nothing to explain: no mutant reproduces anything, and the mutants need not run.
  if (std::none_of(comparisons.begin(), comparisons.end(), explainable)) return {};
  return rank_suspects(tally_mutants(comparisons, golden));
}

std::string describe(const Suspect& s) {
  return "behaves like `mutant:" + s.mutant + "`, " + s.mistake + " (reproduces " +
         std::to_string(s.reproduced) + " of " + std::to_string(s.failing) +
         " failing comparisons; differs from the port on " + std::to_string(s.contradicted) +
         " of " + std::to_string(s.passing) + " passing ones)";
}

}  // namespace tripletcheck::conformance
