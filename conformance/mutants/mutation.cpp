// The catalogue of mutations, in one place: names, the mistake, where docs/SEMANTICS.md warns about
// it.
#include "conformance/mutants/mutation.hpp"

namespace tripletcheck::conformance::mutants {

const std::vector<MutationInfo>& all_mutations() {
  static const std::vector<MutationInfo> list = {
      {Mutation::kNone, "none", "no mistake (the control: must pass)", "-"},
      {Mutation::kSemihardGreaterEqual, "semihard-greater-equal",
       "semi-hard negative selected with >= instead of the strict >", "§3.3, §5.3.6"},
      {Mutation::kMarginInSelection, "margin-in-selection",
       "semi-hard negative must be farther than D[i,j] + margin (the docstring's wording)",
       "§3.4, tensorflow#16691"},
      {Mutation::kNoLargestNegativeFallback, "no-largest-negative-fallback",
       "no negative farther than the positive: row maximum instead of the largest negative",
       "§3.4"},
      {Mutation::kSkipNoNegativeAnchor, "skip-no-negative-anchor",
       "semi-hard anchors without negatives contribute 0 instead of margin + D[i,j] - row min",
       "§3.4, §3.6"},
      {Mutation::kHardNoNegativeInfinity, "hard-no-negative-infinity",
       "hard loss: no negatives gives hardest negative +inf (term 0) instead of the row maximum",
       "§4.1, §4.6"},
      {Mutation::kUnorderedPairDivisor, "unordered-pair-divisor",
       "semi-hard sum divided by the number of unordered positive pairs", "§3.5"},
      {Mutation::kMeanOverAnchors, "mean-over-anchors",
       "semi-hard sum divided by the batch size instead of the positive pairs", "§3.5"},
      {Mutation::kZeroWithoutPositivePairs, "zero-without-positive-pairs",
       "semi-hard returns 0 (zero gradient) instead of NaN without a positive pair",
       "§3.6, §5.5, addons#2447"},
      {Mutation::kArgmaxTies, "argmax-ties",
       "gradient of a tied max/min goes to the first tied element, not split evenly",
       "§5.1, §5.3.3"},
      {Mutation::kNoSqrtGuard, "no-sqrt-guard",
       "L2 sqrt without the error mask's 1e-16: NaN gradients at zero distance", "§1.1, §5.3.7"},
      {Mutation::kSoftWithMargin, "soft-with-margin",
       "soft hard loss uses log1p(exp(z + margin)) instead of ignoring the margin", "§4.3"},
      {Mutation::kDiagonalPositive, "diagonal-positive",
       "the diagonal is not excluded from the positive mask", "§3.2"},
      {Mutation::kLabelsAsFloat16, "labels-as-float16",
       "labels compared after a cast to float16 (Keras mixed precision)", "§6"},
      {Mutation::kLabelsAsFloat32, "labels-as-float32",
       "labels compared after a cast to float32: distinct ids from 2^24 merge (2^24 + 1 == 2^24)",
       "§3.2"},
      {Mutation::kLabelsAsFloat64, "labels-as-float64",
       "labels compared after a cast to float64: distinct ids from 2^53 merge (2^53 + 1 == 2^53)",
       "§3.2"},
      {Mutation::kStrictHinge, "strict-hinge",
       "hinge passes gradient only above 0, not at exactly 0", "§5.1, §5.3.1"},
      {Mutation::kL2IsSquared, "l2-is-squared",
       "\"L2\" computed as the squared distance (TFA <= 0.10 meaning)", "§0"},
      {Mutation::kMeanOverMinedTriplets, "mean-over-mined-triplets",
       "the hinge sum divided by the number of triplets with a nonzero hinge (0 when there is "
       "none), as pytorch-metric-learning's AvgNonZeroReducer",
       "§3.5, §4.4"},
      {Mutation::kOneTripletPerAnchor, "one-triplet-per-anchor",
       "semi-hard: one triplet per anchor (its farthest positive and the semi-hard negative for "
       "it), averaged over the batch, as TF-Similarity's hard-positive mining",
       "§3.3, §3.5"},
      {Mutation::kBatchAllNonZero, "batch-all-nonzero",
       "semi-hard replaced by batch-all: every (anchor, positive, negative) hinge, averaged over "
       "those above 1e-16 (the widely copied batch_all_triplet_loss)",
       "§3.3, §3.5"},
      {Mutation::kNormalizeEpsOnNorm, "normalize-eps-on-norm",
       "angular: x / max(‖x‖, 1e-12) (torch.nn.functional.normalize) instead of TF's "
       "x · rsqrt(max(‖x‖², 1e-12)): tiny and zero rows differ, a zero row's gradient by 1e6",
       "§1.2, §5.2"},
  };
  return list;
}

const MutationInfo* find_mutation(std::string_view name) {
  for (const auto& m : all_mutations()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace tripletcheck::conformance::mutants
