// Which porting mistake a failing backend made. The mutation catalogue (conformance/mutants) holds
// the classic ones, each as a backend; a mutant whose results the port reproduces on the failing
// golden comparisons, and that does not contradict the port where the port is right, names the
// mistake: "behaves like `>=` instead of `>` in the semi-hard selection (reproduces 9 of 9)".
#pragma once

#include <string>
#include <vector>

#include "conformance/run/outcome.hpp"
#include "conformance/run/runner.hpp"
#include "conformance/golden_check.hpp"

namespace tripletcheck::conformance {

// One golden comparison of the port, as judged.
struct JudgedComparison {
  std::size_t case_index = 0;  // into GoldenSet::manifest.cases
  conformance::GoldenCheck check;
};

// The mutants ranked by how many failing float32 comparisons (loss and gradient counted apart)
// they reproduce, then by how few passing ones they contradict; only those reproducing at least
// one. Empty when no comparison failed for semantics or ties (nothing to explain: artifacts have
// their trait, errors no values).
std::vector<Suspect> diagnose(const std::vector<JudgedComparison>& comparisons,
                              const GoldenSet& golden);

// What diagnose ranks: every mutant of the catalogue (the control aside), in catalogue order,
// with its counts over these comparisons. The counts add up over disjoint sets of fixtures, so
// a shard keeps them and `merge-reports` ranks their sums as one run would (shard.hpp).
std::vector<Suspect> tally_mutants(const std::vector<JudgedComparison>& comparisons,
                                   const GoldenSet& golden);
std::vector<Suspect> rank_suspects(std::vector<Suspect> tallies);

// "behaves like <mistake> (reproduces 9 of 9 failing comparisons; ...)": one line for reports.
std::string describe(const Suspect& s);

}  // namespace tripletcheck::conformance
