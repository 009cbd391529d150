// The deliberate mistakes of the mutation check: each one a porting error that docs/SEMANTICS.md
// warns about. A conformance suite that lets any of them pass is not doing its job.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tripletcheck::conformance::mutants {

enum class Mutation {
  kNone,                       // the control: no mistake, must pass
  kSemihardGreaterEqual,       // `>=` for `>` in the semi-hard selection
  kMarginInSelection,          // D[i,k] > D[i,j] + margin, as TFA's docstring says
  kNoLargestNegativeFallback,  // no negative farther: the row maximum, not the largest negative
  kSkipNoNegativeAnchor,       // semi-hard anchors without negatives contribute nothing
  kHardNoNegativeInfinity,     // hard: no negatives → hardest negative +inf (term 0)
  kUnorderedPairDivisor,       // divide by the number of unordered positive pairs
  kMeanOverAnchors,            // semi-hard: divide by B
  kZeroWithoutPositivePairs,   // semi-hard: 0 instead of NaN when there is no positive pair
  kArgmaxTies,                 // the whole gradient to the first tied element
  kNoSqrtGuard,                // L2: sqrt without the error mask's 1e-16
  kSoftWithMargin,             // soft: log1p(exp(z + margin))
  kDiagonalPositive,           // the diagonal counted as a positive pair
  kLabelsAsFloat16,            // labels compared after a cast to float16
  kLabelsAsFloat32,            // labels compared after a cast to float32 (ids ≥ 2^24 collide)
  kLabelsAsFloat64,            // labels compared after a cast to float64 (ids ≥ 2^53 collide)
  kStrictHinge,                // the hinge passes gradient only above 0, not at exactly 0
  kL2IsSquared,                // "L2" computed as the squared distance
  // Other libraries' semantics, which ports copy by mistake:
  kMeanOverMinedTriplets,  // divide by the triplets with a nonzero hinge (pytorch-metric-learning)
  kOneTripletPerAnchor,    // semi-hard: farthest positive + its semi-hard negative (TF-Similarity)
  kBatchAllNonZero,        // semi-hard: every (a, p, n) triplet, mean over the nonzero ones
  kNormalizeEpsOnNorm,     // angular: x / max(‖x‖, 1e-12) (torch.nn.functional.normalize)
};

struct MutationInfo {
  Mutation mutation;
  std::string name;     // kebab-case: the backend is "mutant:<name>"
  std::string mistake;  // what the broken port does
  std::string spec;     // the docs/SEMANTICS.md sections (and issues) that warn about it
};

// Every mutation, the control first.
const std::vector<MutationInfo>& all_mutations();
// nullptr when there is no mutation of that name.
const MutationInfo* find_mutation(std::string_view name);

}  // namespace tripletcheck::conformance::mutants
