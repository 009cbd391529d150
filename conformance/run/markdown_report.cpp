// conform.md: the verdict first, then per backend the variant × metric matrix, the checks, and
// the failures with their replay commands; known divergences last.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "conformance/run/checklist.hpp"
#include "conformance/run/diagnosis.hpp"
#include "conformance/run/report.hpp"
#include "conformance/tolerances.hpp"

namespace tripletcheck::conformance {
namespace {

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "-" : out;
}

std::string join_counts(const std::map<std::string, int>& items) {
  std::string out;
  for (const auto& [name, count] : items) {
    out += (out.empty() ? "" : ", ") + name + " (" + std::to_string(count) + ")";
  }
  return out.empty() ? "-" : out;
}

std::string first_line_of(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, s < 10 ? "%.1f s" : "%.0f s", s);
  return text;
}

// "passed/run" over the checks of one kind; golden counts comparisons.
std::string tally(const BackendOutcome& b, CheckKind kind) {
  int run = 0, failed = 0, artifacts = 0;
  for (const auto& c : b.checks) {
    if (c.kind != kind) continue;
    const int units = kind == CheckKind::kGolden ? c.cases : (c.cases > 0 ? 1 : 0);
    run += units;
    failed += kind == CheckKind::kGolden ? c.failures : (c.failures > 0 ? 1 : 0);
    artifacts += c.artifacts;
  }
  if (run == 0) return "-";
  return std::to_string(run - failed) + "/" + std::to_string(run) +
         (artifacts > 0 ? " (" + std::to_string(artifacts) + " TF artifacts)" : "");
}

void matrix_section(std::ostringstream& out, const BackendOutcome& b) {
  out << "### Loss variant × metric\n\n"
      << "| variant | metric | verdict | cases | loss abs | loss rel | gradient abs | gradient "
         "rel | edge classes reached |\n"
      << "|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& variant : VariantMatrix::variants()) {
    for (const auto& metric : VariantMatrix::metrics()) {
      const Cell* c = b.matrix.find(variant, metric);
      if (c == nullptr) {
        const char* why = implements_cell(b.capabilities, variant, metric)
                              ? "not run"
                              : "not implemented (not declared; skipped)";
        out << "| " << variant << " | " << metric << " | " << why << " | 0 | - | - | - | - | - |\n";
        continue;
      }
      out << "| " << variant << " | " << metric << " | "
          << (c->failures ? "**FAIL** (" + std::to_string(c->failures) + ")" : std::string("pass"))
          << " | " << c->cases << " | " << short_number(c->loss_abs) << " | "
          << short_number(c->loss_rel) << " | " << short_number(c->grad_abs) << " | "
          << short_number(c->grad_rel) << " | " << join(c->edge_classes) << " |\n";
    }
  }
  out << "\nErrors are the worst over every comparison of the cell: against TF for the golden "
         "fixtures, against the float64 oracle, the float32 reference or the backend itself for "
         "the properties; relative = absolute / the comparison's scale "
         "(conformance/comparison.hpp). Bounds: conformance/tolerances.cpp.\n\n";
}

// The verdict a porter acts on: how many failures of each class, the cells usable on ordinary
// inputs, and the porting mistake the failures look like.
void verdict_section(std::ostringstream& out, const BackendOutcome& b) {
  std::map<std::string, int> by_class;
  for (const auto& f : b.failures) ++by_class[class_name(f)];
  out << "### Verdict: " << (b.passed() ? "PASS" : "**FAIL**");
  if (const Failure* w = b.worst(); w != nullptr && b.counts(*w)) {
    out << " (worst: " << class_name(*w) << ")";
  }
  out << "\n\n";
  if (!b.failures.empty()) {
    out << "| class | failures | meaning | fails the run |\n|---|---:|---|---|\n";
    const struct {
      const char* name;
      const char* meaning;
    } classes[] = {
        {"error", "the evaluation raised an error: no values to judge"},
        {"semantics",
         "TFA's rules are not followed (selection, fallbacks, divisor, NaN without a positive "
         "pair, mean over anchors, metric)"},
        {"ties",
         "only the gradient differs, at an exact tie: a valid subgradient, but not TF's split "
         "that the port claims (tf_exact_ties); without that claim it would pass"},
        {"TF float32 artifact",
         "TF's own float32 overflow, flush-to-zero or log1p range, which this port does not "
         "reproduce; each failure names its fix"},
    };
    for (const auto& c : classes) {
      const auto it = by_class.find(c.name);
      if (it == by_class.end()) continue;
      const bool fails = std::string(c.name) != "TF float32 artifact" || b.artifacts_fail;
      out << "| " << c.name << " | " << it->second << " | " << c.meaning << " | "
          << (fails ? "yes" : "no (--artifacts report; --artifacts fail makes it fail)") << " |\n";
    }
    out << "\n";
  }
  std::string passing, failing;
  for (const auto& variant : VariantMatrix::variants()) {
    for (const auto& metric : VariantMatrix::metrics()) {
      const Cell* c = b.matrix.find(variant, metric);
      if (c == nullptr || c->ordinary_cases == 0) continue;
      std::string& list = c->ordinary_failures == 0 ? passing : failing;
      list += (list.empty() ? "" : ", ") + variant + "/" + metric;
    }
  }
  if (!passing.empty() || !failing.empty()) {
    out << "On ordinary inputs (golden categories tfa_suite, doctest, random, margins): pass "
        << (passing.empty() ? "none" : passing) << "; fail " << (failing.empty() ? "none" : failing)
        << ".\n\n";
  }
  if (!b.suspects.empty()) {
    out << "Diagnosis (the catalogue of porting mistakes, conformance/mutants, run on the golden "
           "fixtures):\n\n";
    constexpr std::size_t kMaxSuspects = 3;
    for (std::size_t k = 0; k < b.suspects.size() && k < kMaxSuspects; ++k) {
      out << "- " << describe(b.suspects[k]) << "\n";
    }
    out << "\n";
  } else if (std::any_of(b.failures.begin(), b.failures.end(), [&](const Failure& f) {
               return f.kind == CheckKind::kGolden && !f.error &&
                      f.failure_class != conformance::FailureClass::kArtifact;
             })) {
    // Only golden failures are diagnosed: the mutants are compared with the port on TF's inputs.
    out << "Diagnosis: no mistake of the catalogue reproduces the failing golden fixtures.\n\n";
  }
}

// One rule per line: TFA's value beside the port's, so a failing rule reads as the fix.
void checklist_section(std::ostringstream& out, const BackendOutcome& b) {
  if (b.golden.comparisons() == 0) return;
  out << "### Checklist: one rule, one fixture (docs/SEMANTICS.md §11)\n\n"
      << "| rule | fixture | TFA's loss | this loss | gradient: worst abs error | verdict |\n"
      << "|---|---|---:|---:|---:|---|\n";
  char numbers[96];
  for (const auto& rule : checklist_rules()) {
    const auto it =
        std::find_if(b.checklist.begin(), b.checklist.end(),
                     [&](const ChecklistResult& r) { return r.fixture == rule.fixture; });
    if (it == b.checklist.end()) {
      out << "| " << rule.rule << " | `" << rule.fixture
          << "` | - | - | - | not run (variant not implemented, or not selected) |\n";
      continue;
    }
    // NaN's sign is noise (TF's -nan and a port's nan are the same verdict).
    std::snprintf(numbers, sizeof numbers, "%.9g | %.9g",
                  std::isnan(it->tf_loss) ? std::fabs(it->tf_loss) : it->tf_loss,
                  std::isnan(it->loss) ? std::fabs(it->loss) : it->loss);
    out << "| " << rule.rule << " | `" << rule.fixture << "` | " << numbers << " | "
        << (it->gradient_pattern_differs ? std::string("NaN/Inf elsewhere")
                                         : short_number(it->gradient_error))
        << " | " << it->verdict << " |\n";
  }
  out << "\n";
}

void checks_section(std::ostringstream& out, const BackendOutcome& b) {
  if (b.golden.comparisons() > 0) {
    out << "### Golden fixtures\n\n" << b.golden.markdown() << "\n";
  }
  bool any_corpus = false;
  for (const auto& c : b.checks) any_corpus = any_corpus || c.kind == CheckKind::kCorpus;
  if (any_corpus) {
    out << "### Counterexample corpus\n\n| case | property | verdict |\n|---|---|---|\n";
    for (const auto& c : b.checks) {
      if (c.kind != CheckKind::kCorpus) continue;
      const std::string verdict = c.failures ? "**FAIL**" : c.skipped ? "skipped" : "pass";
      out << "| " << c.name << " | " << c.note << " | " << verdict << " |\n";
    }
    out << "\n";
  }
  bool any_property = false;
  for (const auto& c : b.checks) any_property = any_property || c.kind == CheckKind::kProperty;
  if (any_property) {
    out << "### Differential properties\n\n| property | verdict | cases | time | edge classes "
           "(cases) |\n|---|---|---:|---:|---|\n";
    for (const auto& c : b.checks) {
      if (c.kind != CheckKind::kProperty) continue;
      const bool skipped = c.cases == 0 && c.skipped > 0;
      out << "| " << c.name << " | "
          << (c.failures ? "**FAIL**"
              : skipped  ? "skipped"
                         : "pass")
          << (c.note.empty() ? "" : " (" + c.note + ")") << " | " << c.cases << " | "
          << seconds_text(c.seconds) << " | " << join_counts(c.edge_classes) << " |\n";
    }
    out << "\n";
  }
}

// A badly broken backend fails hundreds of comparisons; the first ones say what is wrong, the
// JSON report keeps them all.
constexpr int kMaxListedFailures = 20;

void failures_section(std::ostringstream& out, const BackendOutcome& b) {
  if (b.failures.empty()) return;
  out << "### Failures\n\n";
  int n = 0;
  for (const auto& f : b.failures) {
    if (++n > kMaxListedFailures) {
      out << "\n... and " << b.failures.size() - kMaxListedFailures
          << " more failures (all of them in conform.json).\n";
      break;
    }
    out << n << ". **" << to_string(f.kind) << " " << f.check << "** [" << class_name(f)
        << (f.artifact_trait.empty() ? "" : ": " + f.artifact_trait) << "]: " << f.summary << "\n";
    if (!f.corpus_file.empty()) out << "   - saved as `" << f.corpus_file << "`\n";
    for (const auto& r : f.replay) out << "   - replay: `" << r << "`\n";
    // The lines after the summary (TF's value and the backend's, the other failing quantity)
    // are part of the verdict a porter reads: shown, not folded.
    if (!f.details.empty() && first_line_of(f.details) == f.summary) {
      std::istringstream lines(f.details);
      std::string line;
      std::getline(lines, line);
      while (std::getline(lines, line)) {
        const auto text = line.find_first_not_of(' ');
        if (text != std::string::npos) out << "   - " << line.substr(text) << "\n";
      }
      continue;
    }
    const bool more = !f.details.empty();
    if (!more) continue;
    out << "\n   <details><summary>details</summary>\n\n   ```\n";
    std::istringstream lines(f.details);
    std::string line;
    while (std::getline(lines, line)) out << "   " << line << "\n";
    out << "   ```\n   </details>\n\n";
  }
  out << "\n";
}

}  // namespace

std::string short_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2g", value);
  return text;
}

std::string markdown_report(const RunOutcome& run) {
  std::ostringstream out;
  const RunSettings& s = run.settings;
  int failed = 0;
  for (const auto& b : run.backends) failed += b.passed() ? 0 : 1;
  const Failure* worst = nullptr;
  int artifacts = 0;
  for (const auto& b : run.backends) {
    for (const auto& f : b.failures) {
      if (b.counts(f) && (worst == nullptr || severity(f) < severity(*worst))) worst = &f;
      artifacts += !b.counts(f);
    }
  }
  out << "# tripletcheck conform: " << (run.passed() ? "PASS" : "FAIL")
      << (worst != nullptr ? " (worst: " + class_name(*worst) + ")" : std::string())
      << (artifacts > 0 ? ", " + std::to_string(artifacts) +
                              " TF float32 artifact(s) reported, not failing (--artifacts report)"
                        : std::string())
      << "\n\n"
      << run.backends.size() << " backend(s) checked, " << failed << " failed, in "
      << seconds_text(run.seconds) << ". Checks: " << s.checks << ". Seed " << s.seed << "; "
      << s.cases << " cases per property (exec backends: " << s.exec_cases << ")"
      << (s.time_budget > 0 ? ", at most " + seconds_text(s.time_budget) + " per backend" : "")
      << "; RapidCheck size up to " << s.max_size << " (exec: " << s.exec_max_size
      << "). Golden fixtures: " << s.golden_source << ". Corpus: " << s.corpus_cases
      << " cases.\n\nReproduce: `" << s.command << "`\n\n";
  for (const auto& b : run.backends) {
    if (b.cases == 0) {
      out << "**FAIL: nothing was compared for " << b.backend
          << "**: every case was skipped or filtered out; a run that checked nothing is no "
             "pass.\n\n";
    }
  }
  for (const auto& [name, reason] : run.unavailable) {
    out << "Not available here, so not checked (a skip, not a pass): **" << name << "** (" << reason
        << ").\n\n";
  }
  out << "| backend | verdict | worst class | likely mistake | golden comparisons | corpus cases "
         "| properties | cases run | time | most severe failure |\n"
         "|---|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& b : run.backends) {
    std::string first = "-", worst_class = "-", mistake = "-";
    if (const Failure* w = b.worst(); w != nullptr) {
      first = to_string(w->kind) + " " + w->check;
      worst_class = class_name(*w) + (b.counts(*w) ? "" : " (not failing)");
    }
    if (!b.suspects.empty()) mistake = "`mutant:" + b.suspects.front().mutant + "`";
    out << "| " << b.backend << " | " << (b.passed() ? "pass" : "**FAIL**") << " | " << worst_class
        << " | " << mistake << " | " << tally(b, CheckKind::kGolden) << " | "
        << tally(b, CheckKind::kCorpus) << " | " << tally(b, CheckKind::kProperty) << " | "
        << b.cases << " | " << seconds_text(b.seconds) << " | " << first << " |\n";
  }
  out << "\n";
  for (const auto& b : run.backends) {
    out << "## " << b.backend << "\n\n" << b.description << "\n\n";
    if (!b.stopped.empty()) out << "**Run stopped early**: " << b.stopped << ".\n\n";
    verdict_section(out, b);
    checklist_section(out, b);
    matrix_section(out, b);
    checks_section(out, b);
    failures_section(out, b);
  }
  out << "## Known divergences (conformance/known_divergences.cpp)\n\n";
  bool any_used = false;
  for (const auto& b : run.backends) {
    for (const auto& [entry, use] : b.known_divergences_used) {
      if (!any_used) {
        out << "| entry (subject/dtype/category/variant/quantity) | comparisons excused | reason "
               "|\n|---|---:|---|\n";
      }
      any_used = true;
      out << "| " << entry << " | " << use.comparisons << " | " << use.reason << " |\n";
    }
  }
  if (!any_used) out << "None used.\n";
  out << "\n";
  for (const auto& e : run.stale) {
    out << "**FAIL: stale known divergence** " << e.subject << "/"
        << conformance::to_string(e.precision) << "/" << e.category << "/" << e.variant << "/"
        << conformance::to_string(e.quantity)
        << " matched no failing comparison: the divergence is gone, remove the entry from "
           "conformance/known_divergences.cpp (or mark it as one that may appear, if it "
           "depends on the machine).\n";
  }
  return out.str();
}

}  // namespace tripletcheck::conformance
