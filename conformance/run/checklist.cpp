// The checklist's rules and their fixtures; golden_test checks that every fixture exists.
#include "conformance/run/checklist.hpp"

#include <algorithm>

namespace tripletcheck::conformance {

const std::vector<ChecklistRule>& checklist_rules() {
  static const std::vector<ChecklistRule> rules = {
      {"semi-hard negative: strictly farther than the positive (`>`, not `>=`)",
       "boundary_pythag_semihard_l2"},
      {"no negative farther: the largest negative, not the row maximum",
       "boundary_all_equal_semihard_l2"},
      {"hard, anchor without positives: hardest positive = row minimum", "singletons_b9_hard_l2"},
      {"hard, anchor without negatives: hardest negative = row maximum", "single_class_b5_hard_l2"},
      {"semi-hard divisor: the ordered positive pairs", "tfa_suite_semihard_l2"},
      {"hard loss: the mean over all B anchors, those without positives included",
       "no_pos_b6_hard_l2"},
      {"semi-hard without a positive pair: NaN (value and gradient)", "no_pos_b6_semihard_l2"},
      {"soft hard loss: log1p(exp(z)), the margin ignored", "margin_5_hard_soft_l2"},
      {"angular: x · rsqrt(max(‖x‖², 1e-12)), a zero row included", "angzero_b8_semihard_angular"},
      {"precomputed matrix taken as given: negative entries, non-zero diagonal",
       "pre_asym_semihard"},
      {"labels compared as int64: IDs from 2^24 stay apart (no float32 cast)",
       "large_ids_f32_b10_semihard_l2"},
      {"labels compared as int64: IDs from 2^53 stay apart (no float64 cast)",
       "large_ids_f64_b10_semihard_l2"},
  };
  return rules;
}

const ChecklistRule* find_checklist_rule(const std::string& fixture) {
  for (const auto& r : checklist_rules()) {
    if (r.fixture == fixture) return &r;
  }
  return nullptr;
}

void sort_by_rule(std::vector<ChecklistResult>& results) {
  const auto position = [](const ChecklistResult& r) {
    const ChecklistRule* rule = find_checklist_rule(r.fixture);
    return rule == nullptr ? checklist_rules().size()
                           : static_cast<std::size_t>(rule - checklist_rules().data());
  };
  std::stable_sort(results.begin(), results.end(),
                   [&](const ChecklistResult& a, const ChecklistResult& b) {
                     return position(a) < position(b);
                   });
}

}  // namespace tripletcheck::conformance
