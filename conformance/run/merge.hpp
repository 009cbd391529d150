// `merge-reports`: the conform.json of the N parts of a sharded run (shard.hpp) joined into the
// outcome that one run with the same options gives. Counts add; worst errors are the larger;
// checks and failures are listed in the run's order (by kind, then by the unit that reached them:
// Failure::unit); the diagnosis ranks the parts' summed mutant tallies; a known divergence is
// stale when no part matched it and every part checked all of its fixtures. What cannot be the
// same: times (a backend's seconds add up, the run's are the slowest part's) and the cases before
// the first failure (the smallest count within a part), and the stop rules (--fail-fast, the
// error limit), which stop each part on its own.
#pragma once

#include <vector>

#include "conformance/run/outcome.hpp"

namespace tripletcheck::conformance {

// Throws InvalidArgument when the parts are not the shards 1..N of one run, each once, with the
// same settings and backends.
RunOutcome merge_shards(const std::vector<RunOutcome>& parts);

}  // namespace tripletcheck::conformance
