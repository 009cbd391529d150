// The list of expected divergences from TF. Keep it short: every entry is a reason to look again.
#include "properties/support/known_divergences.hpp"

#include <mutex>
#include <set>

namespace tripletcheck::testing {
namespace {

// Near-duplicate embeddings (SPEC.md §1.1): the expanded formula's S_raw is rounding noise of
// size ~ε·‖x‖², and which noise TF gets depends on its GEMM's blocking and FMA use. The selected
// negatives (semihard) and every gradient direction follow that noise, so no implementation that
// does not replay Eigen's GEMM bit for bit can match them. The hard loss value is continuous in
// D and is still checked, against the noise bound (golden_test.cpp).
const char* const kNearDuplicateNoise =
    "ill-conditioned: distances of near-duplicates are the rounding noise of TF's GEMM "
    "(SPEC.md §1.1); the selection and gradient directions follow that noise";

std::mutex used_mutex;
std::set<const KnownDivergence*> used;

}  // namespace

const std::vector<KnownDivergence>& known_divergences() {
  static const std::vector<KnownDivergence> entries = {
      {"reference", "near_duplicates", "semihard", Quantity::kLoss, kNearDuplicateNoise},
      {"reference", "near_duplicates", "*", Quantity::kGradient, kNearDuplicateNoise},
  };
  return entries;
}

const KnownDivergence* find_known_divergence(const std::string& subject,
                                             const std::string& category,
                                             const std::string& variant, Quantity quantity) {
  for (const auto& e : known_divergences()) {
    if (e.subject == subject && e.category == category && e.quantity == quantity &&
        (e.variant == "*" || e.variant == variant)) {
      const std::lock_guard<std::mutex> lock(used_mutex);
      used.insert(&e);
      return &e;
    }
  }
  return nullptr;
}

std::vector<KnownDivergence> unused_known_divergences() {
  const std::lock_guard<std::mutex> lock(used_mutex);
  std::vector<KnownDivergence> out;
  for (const auto& e : known_divergences()) {
    if (used.count(&e) == 0) out.push_back(e);
  }
  return out;
}

}  // namespace tripletcheck::testing
