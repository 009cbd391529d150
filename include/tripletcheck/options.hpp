// The loss variants of TFA (docs/SEMANTICS.md §3, §4) and their options, with TFA's defaults.
#pragma once

#include <string>
#include <string_view>

namespace tripletcheck {

enum class Loss { kHard, kSemiHard };

// "L2" is the Euclidean (not squared) distance since TFA v0.11 (docs/SEMANTICS.md §0).
enum class Metric { kL2, kSquaredL2, kAngular };

struct LossSpec {
  Loss loss = Loss::kSemiHard;
  bool soft = false;  // hard loss only: log1p(exp(z)), margin ignored (docs/SEMANTICS.md §4.3)
  double margin = 1.0;
  Metric metric = Metric::kL2;
};

// How a call is evaluated, independent of the loss.
struct EvalOptions {
  bool gradient = true;  // also compute dLoss/dEmbeddings (or dLoss/dD)
  bool strict = false;   // reject non-finite embeddings instead of propagating them as TFA does
};

// Names as TFA spells them: "hard"/"semihard", "L2"/"squared-L2"/"angular".
std::string to_string(Loss loss);
std::string to_string(Metric metric);
// A short name for the loss variant: "hard", "hard-soft" or "semihard".
std::string variant_name(const LossSpec& spec);
// Throw InvalidArgument naming the argument on an unknown name (TFA's names are case-sensitive).
Loss parse_loss(std::string_view name);
Metric parse_metric(std::string_view name);

}  // namespace tripletcheck
