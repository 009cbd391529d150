// The one-rule checklist of conform.md: for each rule of TFA's semantics that ports get wrong
// (docs/SEMANTICS.md §11), the golden fixture that isolates it, TFA's loss beside the port's, and
// the verdict. A porter reads down the list instead of decoding fixture categories.
#pragma once

#include <string>
#include <vector>

#include "conformance/run/outcome.hpp"

namespace tripletcheck::conformance {

struct ChecklistRule {
  std::string rule;     // what TFA does
  std::string fixture;  // the golden fixture id that shows it
};

// The rules in the order a port is usually written: selection, fallbacks, reduction, edge values,
// metrics, labels.
const std::vector<ChecklistRule>& checklist_rules();
// nullptr when the fixture isolates no rule of the checklist.
const ChecklistRule* find_checklist_rule(const std::string& fixture);
// The results in the rules' order (a run finds them in fixture order, shards in any).
void sort_by_rule(std::vector<ChecklistResult>& results);

}  // namespace tripletcheck::conformance
