// tripletcheck/conformance.hpp: `conform` for a backend that lives in the caller's process (a
// GoogleTest suite's port). The same plan, runner and reports as the command; what differs is
// where the data comes from (the request, TRIPLETCHECK_DATA_DIR, the package) and how a failure
// is replayed: by rerunning the caller's test with TRIPLETCHECK_CONFORM set to conform's options.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "conformance/corpus.hpp"
#include "conformance/golden_fixtures.hpp"
#include "conformance/run/plan.hpp"
#include "conformance/run/report.hpp"
#include "conformance/run/session.hpp"
#include "conformance/run/settings.hpp"
#include "tripletcheck/conformance.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck {
namespace {

using namespace conformance;

// Words as a POSIX shell splits them, for the quoting shell_quote writes: '...', "...", \x.
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '\'' || c == '"') {
      const std::size_t close = text.find(c, i + 1);
      if (close == std::string::npos) {
        throw InvalidArgument(kConformEnvironment, text, "unterminated quote");
      }
      word += text.substr(i + 1, close - i - 1);
      i = close;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

int positive_number(const std::string& option, const std::string& value) {
  try {
    std::size_t used = 0;
    const long n = std::stol(value, &used);
    if (used == value.size() && n > 0 && n <= 1000000000) return static_cast<int>(n);
  } catch (const std::exception&) {
  }
  throw InvalidArgument(kConformEnvironment, option + " " + value, "expected a positive number");
}

// TRIPLETCHECK_CONFORM's options over the request's.
ConformanceRequest with_environment(ConformanceRequest r) {
  const char* text = std::getenv(kConformEnvironment);
  if (text == nullptr || *text == '\0') return r;
  const std::vector<std::string> words = split_words(text);
  bool checks_given = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& option = words[i];
    if (option == "--fail-fast") {
      r.fail_fast = true;
      continue;
    }
    if (i + 1 == words.size()) {
      throw InvalidArgument(kConformEnvironment, text,
                            option +
                                " needs a value, or is not one of --checks, --golden-case, "
                                "--property, --seed, --cases, --max-size, --replay, "
                                "--report-dir, --fail-fast");
    }
    const std::string& value = words[++i];
    if (option == "--checks") {
      r.checks = split_commas(value);
      checks_given = true;
    } else if (option == "--golden-case") {
      r.golden_cases.push_back(value);
    } else if (option == "--property") {
      r.property_names.push_back(value);
    } else if (option == "--seed") {
      // std::stoull would take "-1" as 2^64 - 1: only digits.
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
          value.size() > 19) {
        throw InvalidArgument(kConformEnvironment, "--seed " + value, "expected a number");
      }
      r.seed = std::stoull(value);
    } else if (option == "--cases") {
      r.cases = positive_number(option, value);
    } else if (option == "--max-size") {
      r.max_size = positive_number(option, value);
    } else if (option == "--replay") {
      r.replay.push_back(value);
    } else if (option == "--report-dir") {
      r.report_dir = value;
    } else {
      throw InvalidArgument(kConformEnvironment, option,
                            "expected --checks, --golden-case, --property, --seed, --cases, "
                            "--max-size, --replay, --report-dir or --fail-fast");
    }
  }
  // As conform: a replayed corpus case alone is the corpus check.
  if (!r.replay.empty() && !checks_given) r.checks = {"corpus"};
  return r;
}

struct DataDirs {
  std::string golden;
  std::string corpus;
};

DataDirs data_dirs(const ConformanceRequest& r) {
  std::string root = r.data_dir;
  if (root.empty()) {
    const char* from_environment = std::getenv(kDataDirEnvironment);
    if (from_environment != nullptr) root = from_environment;
  }
  if (root.empty()) return {golden_directory(), corpus_directory()};
  return {root + "/golden", root + "/corpus"};
}

// The caller's rerun command with TRIPLETCHECK_CONFORM set to `arguments`.
std::string rerun_with(const ConformanceRequest& r, const std::string& arguments) {
  return std::string(kConformEnvironment) + "=" + shell_quote(arguments) + " " + this_program() +
         (r.rerun.empty() ? "" : " " + r.rerun);
}

std::string summary_of(const BackendOutcome& b, const DataDirs& dirs, const CheckSelection& c) {
  std::ostringstream out;
  out << (b.passed() ? "PASS" : "FAIL") << ": " << b.backend << ", " << b.cases << " cases";
  if (c.golden) out << " (golden fixtures: " << dirs.golden << ")";
  if (b.cases == 0) out << " (nothing was compared: no check covers what it implements)";
  if (const Failure* worst = b.worst()) {
    out << ", " << b.failing() << " failing; worst: [" << to_string(worst->kind) << " "
        << worst->check << "] " << worst->summary;
  }
  if (!b.stopped.empty()) out << "; stopped: " << b.stopped;
  return out.str();
}

}  // namespace

ConformanceVerdict check_conformance(const Backend& backend, const ConformanceRequest& request) {
  const ConformanceRequest r = with_environment(request);
  if (!backend.available()) {
    throw Unavailable(backend.name() + " cannot run here: " + backend.unavailable_reason());
  }
  if (r.cases <= 0) throw InvalidArgument("cases", std::to_string(r.cases), "must be positive");
  if (r.max_size < 0 || r.max_size > kDefaultMaxSize) {
    throw InvalidArgument("max_size", std::to_string(r.max_size), "must be in 0..100");
  }
  const CheckSelection checks = parse_checks(r.checks);
  check_property_names(r.property_names);
  for (const auto& file : r.replay) read_corpus_case(file);  // a bad file is a bad request
  const DataDirs dirs = data_dirs(r);
  if (!r.report_dir.empty()) prepare_report_dir("report_dir", r.report_dir);

  const auto start = std::chrono::steady_clock::now();
  GoldenSet golden;
  if (checks.golden) {
    if (!std::filesystem::exists(dirs.golden + "/manifest.json")) {
      throw InvalidArgument("data_dir", dirs.golden,
                            "holds no golden fixtures (manifest.json): set "
                            "ConformanceRequest::data_dir or " +
                                std::string(kDataDirEnvironment) +
                                " to the package's share/tripletcheck");
    }
    golden = load_golden_set(dirs.golden);
  }
  check_golden_cases(r.golden_cases, checks, golden, dirs.golden);

  PlanRequest p;
  p.checks = checks;
  p.cases = r.cases;
  p.max_size = r.max_size;
  RunChoices& c = p.choices;
  c.seed = r.seed;
  c.fail_fast = r.fail_fast;
  c.artifacts_fail = r.artifacts_fail;
  c.progress = r.progress;
  c.golden_cases = r.golden_cases;
  c.property_names = r.property_names;
  c.corpus_files = r.replay.empty() ? list_corpus(dirs.corpus) : r.replay;
  // The caller's own test decides the sharding of its suite (c.shard: the whole run); one check
  // is never split.
  // A user's finds belong to the user: beside the reports, never into the package's corpus.
  p.corpus_out = r.report_dir.empty() ? "" : r.report_dir + "/corpus";
  RunPlan plan = make_run_plan(p, golden);
  RunOptions options = plan.options;
  options.gtest_binary.clear();  // no RC_PARAMS replay: the backend is not in this build's suite
  options.replay = [&r](const std::string& rest) { return rerun_with(r, rest); };

  RunOutcome outcome;
  outcome.settings = plan.settings;
  std::string arguments = "--seed " + std::to_string(r.seed) + " --cases " +
                          std::to_string(r.cases) + " --checks " + checks.text();
  for (const auto& id : r.golden_cases) arguments += " --golden-case " + shell_quote(id);
  for (const auto& name : r.property_names) arguments += " --property " + name;
  for (const auto& file : r.replay) arguments += " --replay " + shell_quote(file);
  outcome.settings.command = rerun_with(r, arguments);
  outcome.backends.push_back(check_backend(backend, options, golden));
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.report_dir.empty()) write_reports(outcome, r.report_dir);

  ConformanceVerdict verdict;
  verdict.passed = outcome.passed();
  verdict.summary = summary_of(outcome.backends.front(), dirs, checks);
  verdict.report = markdown_report(outcome);
  return verdict;
}

}  // namespace tripletcheck
