// The defaults of `tripletcheck conform` and `tripletcheck mutation-check`, with their reasons.
#pragma once

#include <cstdint>

namespace tripletcheck::conformance {

// Fixed so that two runs of the same build check the same cases; --seed changes it.
constexpr std::uint64_t kDefaultSeed = 20261128;
// Per property. Sized so that the default run (every check, the reference backend) takes about
// a minute on a loaded 2-core machine: the oracle property dominates at ~15 ms a case.
constexpr int kDefaultCases = 2000;
// RapidCheck's full size range: the oracle property reaches B = 300, D = 200.
constexpr int kDefaultMaxSize = 100;
// exec: backends pay for files and a program per evaluation (PyTorch's semi-hard graph is B³
// in memory), so they run fewer and smaller cases unless --cases / --max-size say otherwise:
// B up to 120 for the oracle property.
constexpr int kExecDefaultCases = 25;
constexpr int kExecDefaultMaxSize = 40;

// With --time-budget and no --cases: the time decides, this only keeps the count finite.
constexpr int kTimeBudgetCaseCap = 1000000;

}  // namespace tripletcheck::conformance
