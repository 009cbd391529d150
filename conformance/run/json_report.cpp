// conform.json: everything the Markdown shows, as data.
#include <cmath>
#include <nlohmann/json.hpp>

#include "conformance/run/checklist.hpp"
#include "conformance/run/report.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck::conformance {
namespace {

using nlohmann::json;

// JSON has no NaN or Inf; errors are finite by construction, but stay safe.
json number(double v) { return std::isfinite(v) ? json(v) : json(nonfinite_name(v)); }

json backend_json(const BackendOutcome& b) {
  json checks = json::array();
  for (const auto& c : b.checks) {
    checks.push_back({{"kind", to_string(c.kind)},
                      {"name", c.name},
                      {"passed", c.passed()},
                      {"cases", c.cases},
                      {"failures", c.failures},
                      {"artifacts", c.artifacts},
                      {"skipped", c.skipped},
                      {"note", c.note},
                      {"seconds", c.seconds},
                      {"edge_classes", c.edge_classes}});
  }
  json matrix = json::array();
  for (const auto& variant : VariantMatrix::variants()) {
    for (const auto& metric : VariantMatrix::metrics()) {
      const Cell* c = b.matrix.find(variant, metric);
      json cell = {{"variant", variant}, {"metric", metric}, {"cases", c ? c->cases : 0}};
      if (c != nullptr) {
        cell["passed"] = c->failures == 0;
        cell["failures"] = c->failures;
        cell["artifacts"] = c->artifacts;
        cell["ordinary_cases"] = c->ordinary_cases;
        cell["ordinary_failures"] = c->ordinary_failures;
        cell["loss_abs_error"] = number(c->loss_abs);
        cell["loss_rel_error"] = number(c->loss_rel);
        cell["gradient_abs_error"] = number(c->grad_abs);
        cell["gradient_rel_error"] = number(c->grad_rel);
        cell["edge_classes"] = c->edge_classes;
      }
      matrix.push_back(cell);
    }
  }
  json failures = json::array();
  for (const auto& f : b.failures) {
    failures.push_back({{"kind", to_string(f.kind)},
                        {"check", f.check},
                        {"class", class_name(f)},
                        {"artifact_trait", f.artifact_trait},
                        {"fails_the_run", b.counts(f)},
                        {"summary", f.summary},
                        {"details", f.details},
                        {"replay", f.replay},
                        {"corpus_file", f.corpus_file}});
  }
  json known = json::array();
  for (const auto& [entry, use] : b.known_divergences_used) {
    known.push_back({{"entry", entry}, {"comparisons", use.comparisons}, {"reason", use.reason}});
  }
  json suspects = json::array();
  for (const auto& x : b.suspects) {
    suspects.push_back({{"mutant", x.mutant},
                        {"mistake", x.mistake},
                        {"reproduced", x.reproduced},
                        {"failing", x.failing},
                        {"contradicted", x.contradicted},
                        {"passing", x.passing}});
  }
  json checklist = json::array();
  for (const auto& r : b.checklist) {
    const auto* rule = find_checklist_rule(r.fixture);
    checklist.push_back({{"rule", rule != nullptr ? rule->rule : ""},
                         {"fixture", r.fixture},
                         {"tf_loss", number(r.tf_loss)},
                         {"loss", number(r.loss)},
                         {"gradient_abs_error", number(r.gradient_error)},
                         {"gradient_nonfinite_pattern_differs", r.gradient_pattern_differs},
                         {"failed", r.failed},
                         {"verdict", r.verdict}});
  }
  const Failure* worst = b.worst();
  return {{"name", b.backend},
          {"description", b.description},
          {"passed", b.passed()},
          {"worst_class", worst != nullptr ? json(class_name(*worst)) : json(nullptr)},
          {"suspects", suspects},
          {"checklist", checklist},
          {"cases", b.cases},
          {"cases_to_first_failure",
           b.failures.empty() ? json(nullptr) : json(b.cases_to_first_failure)},
          {"seconds", b.seconds},
          {"stopped", b.stopped},
          {"checks", checks},
          {"matrix", matrix},
          {"failures", failures},
          {"known_divergences_used", known}};
}

}  // namespace

std::string json_report(const RunOutcome& run) {
  const RunSettings& s = run.settings;
  json backends = json::array();
  for (const auto& b : run.backends) backends.push_back(backend_json(b));
  json stale = json::array();
  for (const auto& e : run.stale) {
    stale.push_back({{"subject", e.subject},
                     {"dtype", conformance::to_string(e.precision)},
                     {"category", e.category},
                     {"variant", e.variant},
                     {"quantity", conformance::to_string(e.quantity)},
                     {"reason", e.reason}});
  }
  json unavailable = json::array();
  for (const auto& [name, reason] : run.unavailable) {
    unavailable.push_back({{"name", name}, {"reason", reason}});
  }
  const json j = {{"tool", "tripletcheck conform"},
                  {"passed", run.passed()},
                  {"seconds", run.seconds},
                  {"settings",
                   {{"seed", s.seed},
                    {"cases", s.cases},
                    {"exec_cases", s.exec_cases},
                    {"max_size", s.max_size},
                    {"exec_max_size", s.exec_max_size},
                    {"time_budget", s.time_budget},
                    {"artifacts", s.artifacts_fail ? "fail" : "report"},
                    {"checks", s.checks},
                    {"golden", s.golden_source},
                    {"corpus_cases", s.corpus_cases},
                    {"command", s.command}}},
                  {"backends", backends},
                  {"unavailable", unavailable},
                  {"stale_known_divergences", stale}};
  return j.dump(1) + "\n";
}

}  // namespace tripletcheck::conformance
