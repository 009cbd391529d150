// TFA's names for the loss variants and metrics, both ways.
#include "tripletcheck/options.hpp"

#include <string>

#include "tripletcheck/errors.hpp"

namespace tripletcheck {

std::string to_string(Loss loss) { return loss == Loss::kHard ? "hard" : "semihard"; }

std::string to_string(Metric metric) {
  switch (metric) {
    case Metric::kL2:
      return "L2";
    case Metric::kSquaredL2:
      return "squared-L2";
    case Metric::kAngular:
      return "angular";
  }
  return "?";
}

std::string variant_name(const LossSpec& spec) {
  if (spec.loss == Loss::kSemiHard) return "semihard";
  return spec.soft ? "hard-soft" : "hard";
}

Loss parse_loss(std::string_view name) {
  if (name == "hard") return Loss::kHard;
  if (name == "semihard") return Loss::kSemiHard;
  throw InvalidArgument("loss", "\"" + std::string(name) + "\"", "expected hard or semihard");
}

Metric parse_metric(std::string_view name) {
  // Case-sensitive like TFA, where "l2" is not "L2" (docs/SEMANTICS.md §1.3).
  if (name == "L2") return Metric::kL2;
  if (name == "squared-L2") return Metric::kSquaredL2;
  if (name == "angular") return Metric::kAngular;
  throw InvalidArgument("metric", "\"" + std::string(name) + "\"",
                        "expected L2, squared-L2 or angular (case-sensitive, as in TFA)");
}

}  // namespace tripletcheck
