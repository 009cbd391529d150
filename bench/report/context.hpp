// Whether two benchmark runs come from the same machine and build, judged on their contexts:
// runs that differ in CPU, caches, compiler, flags or libraries are not compared silently.
#pragma once

#include <string>
#include <vector>

#include "bench/report/results.hpp"

namespace tripletcheck::report {

struct ContextDifference {
  std::string key;
  std::string baseline;  // "(absent)" when the key is missing on this side
  std::string contender;
  // A difference that makes timings incomparable (CPU, caches, build, libraries). Otherwise
  // informational: the revision under test, the date, the host's name, a key one side lacks.
  bool blocks_comparison = false;
};

// Every key whose values differ, with what the difference means.
std::vector<ContextDifference> compare_contexts(const Context& baseline, const Context& contender);

// The context of one side, checked to agree (on the keys that block comparison) across the
// side's files, which must be runs of one build on one machine. Throws InvalidArgument.
Context side_context(const Results& side);

// One line for a report: machine, build and revision ("2 CPUs × 2596 MHz, …").
std::string describe_context(const Context& context);

}  // namespace tripletcheck::report
