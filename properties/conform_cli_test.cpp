// `tripletcheck conform` and `tripletcheck mutation-check` as a user runs them: the built binary,
// its exit status, its three reports, a failing property shrunk into a corpus case that replays,
// an external program's errors named in the report, the PyTorch examples of examples/ through the
// exec protocol, and every mutant of conformance/mutants/ rejected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "conformance/run/checklist.hpp"
#include "conformance/mutants/mutation.hpp"
#include "conformance/corpus.hpp"
#include "conformance/differential_properties.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using tripletcheck_test::CliRun;
using tripletcheck_test::run_cli;
using tripletcheck_test::shell_quote;
using tripletcheck_test::slurp;
using tripletcheck_test::TempDir;

constexpr int kExitPass = 0;
constexpr int kExitChecksFailed = 1;
constexpr int kExitUsage = 2;
// Few cases: these tests check the command's plumbing; the properties' own coverage is the
// differential suite's and the default conform run's business.
constexpr const char* kQuickCases = "20";

const std::string kSource = TRIPLETCHECK_SOURCE_DIR;

class ConformCli : public ::testing::Test {
 protected:
  CliRun conform(std::vector<std::string> args) {
    args.insert(args.begin(), "conform");
    return run_cli(args, dir_.path(""), "cd " + shell_quote(kSource) + " &&");
  }
  std::string report_dir(const std::string& name) { return dir_.path(name); }
  TempDir dir_;
};

TEST_F(ConformCli, ReferencePassesAndWritesTheThreeReports) {
  const std::string reports = report_dir("reports");
  const CliRun r = conform(
      {"--backend", "reference", "--cases", kQuickCases, "--report-dir", reports, "--no-save"});
  ASSERT_EQ(r.status, kExitPass) << r.err << r.out;
  EXPECT_THAT(r.out, StartsWith("# tripletcheck conform: PASS"));
  EXPECT_EQ(slurp(reports + "/conform.md"), r.out) << "the Markdown is also on stdout";

  const json j = json::parse(slurp(reports + "/conform.json"));
  EXPECT_TRUE(j.at("passed").get<bool>());
  EXPECT_EQ(j.at("settings").at("seed").get<std::uint64_t>(), 20261128u) << "a fixed seed";
  const json& backend = j.at("backends").at(0);
  EXPECT_EQ(backend.at("name"), "reference");
  int golden = 0, corpus = 0, properties = 0;
  for (const auto& c : backend.at("checks")) {
    golden += c.at("kind") == "golden";
    corpus += c.at("kind") == "corpus";
    properties += c.at("kind") == "property";
    EXPECT_TRUE(c.at("passed").get<bool>()) << c.dump();
  }
  EXPECT_GT(golden, 10) << "one check per golden category";
  EXPECT_EQ(corpus, static_cast<int>(list_corpus(corpus_directory()).size()));
  EXPECT_EQ(properties, 9);
  // Every cell of hard / hard-soft / semihard × L2 / squared-L2 / angular / precomputed ran.
  ASSERT_EQ(backend.at("matrix").size(), 12u);
  for (const auto& cell : backend.at("matrix")) {
    EXPECT_GT(cell.at("cases").get<int>(), 0) << cell.dump();
    EXPECT_FALSE(cell.at("edge_classes").empty()) << cell.dump();
  }

  const std::string xml = slurp(reports + "/conform.xml");
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"reference\""));
  EXPECT_THAT(xml, HasSubstr("name=\"GenericBatchesMatchTheFloat64Oracle\""));
  EXPECT_THAT(xml, ::testing::Not(HasSubstr("<failure")));
}

TEST_F(ConformCli, EverySeedCorpusCaseReplaysOnTheReference) {
  const auto files = list_corpus(corpus_directory());
  ASSERT_GE(files.size(), 3u) << "the hand-made seed cases";
  for (const auto& file : files) {
    // A case of a property whose oracle is the reference would compare it with itself: eigen.
    const auto* property = find_differential_property(read_corpus_case(file).property);
    ASSERT_NE(property, nullptr) << file;
    const std::string backend =
        property->own_oracle(tripletcheck::find_backend("reference")).skipped ? "eigen"
                                                                              : "reference";
    const CliRun r =
        conform({"--backend", backend, "--replay", file, "--report-dir", report_dir("replay")});
    EXPECT_EQ(r.status, kExitPass) << file << "\n" << r.out << r.err;
  }
}

// A mutant whose labels collide after a float16 cast (docs/SEMANTICS.md §6) fails label
// relabelling; the shrunk case is saved as a corpus case, named after backend and property, and
// replays: it fails the mutant again and passes the reference.
TEST_F(ConformCli, AFailingPropertyIsShrunkSavedAndReplayed) {
  const std::string saved = dir_.path("corpus");
  const CliRun r = conform({"--backend", "mutant:labels-as-float16", "--checks", "properties",
                            "--property", "RelabellingChangesNothing", "--cases", "200",
                            "--save-to", saved, "--report-dir", report_dir("found")});
  ASSERT_EQ(r.status, kExitChecksFailed) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("property RelabellingChangesNothing"));
  EXPECT_THAT(r.out, HasSubstr("--replay"));
  const auto files = list_corpus(saved);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_THAT(fs::path(files[0]).filename().string(),
              StartsWith("mutant-labels-as-float16-RelabellingChangesNothing-"));
  const CorpusCase c = read_corpus_case(files[0]);
  EXPECT_EQ(c.property, "RelabellingChangesNothing");
  EXPECT_EQ(c.found_by, "mutant:labels-as-float16");
  EXPECT_EQ(c.seed, 20261128u);
  EXPECT_FALSE(c.date.empty());

  const CliRun again = conform({"--backend", "mutant:labels-as-float16", "--replay", files[0],
                                "--report-dir", report_dir("again")});
  EXPECT_EQ(again.status, kExitChecksFailed) << again.out;
  const CliRun reference =
      conform({"--backend", "reference", "--replay", files[0], "--report-dir", report_dir("ref")});
  EXPECT_EQ(reference.status, kExitPass) << reference.out;
}

TEST_F(ConformCli, TimeBudgetRunsTheProperties) {
  const std::string reports = report_dir("budget");
  const CliRun r = conform({"--backend", "reference", "--checks", "properties", "--time-budget",
                            "2", "--report-dir", reports, "--no-save"});
  ASSERT_EQ(r.status, kExitPass) << r.err << r.out;
  const json j = json::parse(slurp(reports + "/conform.json"));
  for (const auto& c : j.at("backends").at(0).at("checks")) {
    // Every property ran, but the one whose oracle is the reference itself (skipped, saying so).
    if (c.at("name") == "DegenerateBatchesMatchTheFloat32Reference") {
      EXPECT_EQ(c.at("cases").get<int>(), 0);
      EXPECT_THAT(c.at("note").get<std::string>(), HasSubstr("oracle"));
      continue;
    }
    EXPECT_GT(c.at("cases").get<int>(), 0) << c.at("name");
  }
}

// ---- exec: external programs --------------------------------------------------------------------

// A shell script as the external program; its --capabilities answer is unusable on purpose, so
// the defaults apply (float32 embeddings, one process per evaluation).
std::string write_script(const std::string& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  return "exec:sh " + path;
}

TEST_F(ConformCli, AnExternalProgramsErrorsAreNamedInTheReport) {
  struct Broken {
    std::string name;
    std::string script;
    std::string expected;
  };
  const std::vector<Broken> programs = {
      {"crash", "echo 'something broke' >&2; exit 3", "exit status 3"},
      {"garbage", "echo 'this is not JSON'", "expected a JSON object"},
      {"no_grad", "echo '{\"loss\": 1.5}'", "grad.npy was not written"},
      {"reports", "echo '{\"error\": \"cannot do angular\"}'", "the program reported: cannot do"},
  };
  for (const auto& p : programs) {
    const std::string reports = report_dir("exec-" + p.name);
    const CliRun r =
        conform({"--backend", write_script(dir_.path(p.name + ".sh"), p.script), "--checks",
                 "golden", "--golden-case", "tfa_suite_semihard_l2", "--report-dir", reports});
    EXPECT_EQ(r.status, kExitChecksFailed) << p.name << "\n" << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr(p.expected)) << p.name;
    EXPECT_THAT(r.out, HasSubstr("exec backend `sh ")) << "names the command";
    if (p.name == "crash") {
      EXPECT_THAT(r.out, HasSubstr("something broke")) << "the tail of its stderr";
    }
    // An evaluation that errored is a failed comparison, never a passed one ("5/5" once).
    const json j = json::parse(slurp(reports + "/conform.json"));
    EXPECT_EQ(j["backends"][0]["checks"][0]["failures"], 1) << p.name;
  }
}

TEST_F(ConformCli, AConstantProgramPassesNoGoldenFixture) {
  // Loss 12345 and a gradient of ones for every case once passed 59 fixtures through unbounded
  // excuses (ill-conditioned near ties, another subgradient at a tie, known divergences). With
  // TF's tie rules claimed or not, and every numeric trait declared, it passes none. One server
  // process answers every case (a process per case took 4 min of the suite).
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no /usr/bin/python3 with numpy to write the constant program's grad.npy";
  }
  for (
      const std::string caps :
      {R"({"serve": true, "tf_exact_ties": true, "precomputed_distances": true})",
       R"({"serve": true, "tf_exact_ties": false, "precomputed_distances": true, "traits": ["float64_internal", "no_flush_to_zero", "fused_multiply_add", "log1p_overflow"]})"}) {
    const std::string program = dir_.path("constant.py");
    std::ofstream(program) << "import json, os, sys\n"
                              "import numpy as np\n"
                              "def answer(d):\n"
                              "    r = json.load(open(os.path.join(d, 'request.json')))\n"
                              "    x = np.load(os.path.join(d, r['input']))\n"
                              "    np.save(os.path.join(d, 'grad.npy'), np.ones_like(x))\n"
                              "if sys.argv[1] == '--capabilities':\n"
                              "    print(r'''"
                           << caps
                           << "''')\n"
                              "elif sys.argv[1] == '--serve':\n"
                              "    for line in sys.stdin:\n"
                              "        d = line.strip()\n"
                              "        answer(d)\n"
                              "        print(json.dumps({'case': d, 'loss': 12345}), flush=True)\n"
                              "else:\n"
                              "    answer(sys.argv[1])\n"
                              "    print(json.dumps({'loss': 12345}))\n";
    const std::string reports = report_dir("constant");
    const CliRun r = conform({"--backend", "exec:/usr/bin/python3 " + program, "--checks", "golden",
                              "--report-dir", reports});
    EXPECT_EQ(r.status, kExitChecksFailed) << caps << r.err;
    EXPECT_THAT(r.out, HasSubstr("one long-running process (--serve)")) << caps;
    const json j = json::parse(slurp(reports + "/conform.json"));
    int cases = 0, failures = 0;
    for (const auto& c : j["backends"][0]["checks"]) {
      cases += c["cases"].get<int>();
      failures += c["failures"].get<int>();
    }
    EXPECT_GE(cases, 274) << caps;
    EXPECT_EQ(failures, cases) << caps << ": a constant program passed some fixture";
  }
}

TEST_F(ConformCli, GoldenIsConformChecksGoldenAndItsReproduceCommandRerunsTheSameFixtures) {
  // The fixtures from another folder: the reproduce command must carry --fixtures and every
  // --golden-case, or rerunning it checks different (or all) fixtures.
  const std::string fixtures = dir_.path("fixtures");
  fs::copy(kSource + "/properties/fixtures/golden", fixtures, fs::copy_options::recursive);
  const std::vector<std::string> ids = {"tfa_suite_semihard_l2", "boundary_pythag_semihard_l2"};
  std::vector<std::string> args = {"--backend", "eigen",        "--fixtures",
                                   fixtures,    "--report-dir", report_dir("golden")};
  for (const auto& id : ids) args.insert(args.end(), {"--golden-case", id});
  args.insert(args.begin(), "golden");
  const CliRun golden = run_cli(args, dir_.path(""), "cd " + shell_quote(kSource) + " &&");
  ASSERT_EQ(golden.status, kExitPass) << golden.err << golden.out;
  const json first = json::parse(slurp(report_dir("golden") + "/conform.json"));
  EXPECT_EQ(first.at("settings").at("checks"), "golden");
  const int cases = first.at("backends").at(0).at("cases").get<int>();
  EXPECT_EQ(cases, 2 * 2) << "2 fixtures, each in float32 and float64";

  std::string command = first.at("settings").at("command").get<std::string>();
  for (const auto& id : ids) EXPECT_THAT(command, HasSubstr("--golden-case " + id));
  EXPECT_THAT(command, HasSubstr("--fixtures " + fixtures));
  command += " --report-dir " + shell_quote(report_dir("again")) + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(("cd " + shell_quote(kSource) + " && " + command).c_str()), 0) << command;
  const json again = json::parse(slurp(report_dir("again") + "/conform.json"));
  EXPECT_EQ(again.at("backends").at(0).at("cases").get<int>(), cases);
  EXPECT_EQ(again.at("passed"), first.at("passed"));
}

TEST_F(ConformCli, AnUnknownGoldenCaseIsAUsageErrorNamingIt) {
  const CliRun r = conform({"--backend", "reference", "--checks", "golden", "--golden-case",
                            "tfa_suite_semihard_l2", "--golden-case", "no_such_fixture",
                            "--report-dir", report_dir("unknown")});
  EXPECT_EQ(r.status, kExitUsage) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("no_such_fixture"));
  EXPECT_THAT(r.err, Not(HasSubstr("tfa_suite_semihard_l2,")));
}

TEST_F(ConformCli, ARunThatComparedNothingFails) {
  // The program takes no precomputed distances, and the one fixture asked for is one: every
  // case is skipped, nothing is compared, and that is no pass.
  const std::string script = write_script(
      dir_.path("no_precomputed.sh"),
      "if [ \"$1\" = --capabilities ]; then echo '{\"precomputed_distances\": false}'; exit 0; "
      "fi; echo '{\"loss\": 0}'");
  const std::string reports = report_dir("nothing");
  const CliRun r = conform({"--backend", script, "--checks", "golden", "--golden-case",
                            "pre_asym_semihard", "--report-dir", reports});
  EXPECT_EQ(r.status, kExitChecksFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("nothing was compared"));
}

// The examples run through examples/python, the launcher README gives: it finds an interpreter
// with PyTorch and NumPy (TRIPLETCHECK_PYTHON, then Debian's python3-torch, which ci/setup.sh
// installs) and exits 127 when there is none; the tests then skip, saying why.
class ConformExamples : public ConformCli {
 protected:
  void SetUp() override {
    const std::string probe = launcher() + " -c pass >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0) {
      GTEST_SKIP() << "no python3 with PyTorch and NumPy (" << launcher()
                   << " found none; apt-get install python3-torch, which ci/setup.sh does, or "
                      "set TRIPLETCHECK_PYTHON): the examples/ exec programs are not run";
    }
  }
  static std::string launcher() { return std::string(kSource) + "/examples/python"; }
  std::string example(const std::string& file) {
    return "exec:" + launcher() + " " + kSource + "/examples/" + file;
  }
};

TEST_F(ConformExamples, TheCorrectPyTorchPortPasses) {
  const std::string reports = report_dir("torch");
  const CliRun r =
      conform({"--backend", example("torch_tfa.py"), "--report-dir", reports, "--no-save"});
  EXPECT_EQ(r.status, kExitPass) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("one long-running process (--serve)"));
}

TEST_F(ConformExamples, OneProcessPerEvaluationWorksToo) {
  const CliRun r = conform({"--backend", example("torch_tfa.py") + " --no-serve", "--checks",
                            "corpus", "--report-dir", report_dir("spawn")});
  EXPECT_EQ(r.status, kExitPass) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("one process per evaluation"));
}

TEST_F(ConformExamples, TheGreaterEqualMistakeIsCaughtAndNamed) {
  const std::string reports = report_dir("torch-ge");
  const CliRun r = conform(
      {"--backend", example("torch_tfa_semihard_ge.py"), "--report-dir", reports, "--no-save"});
  EXPECT_EQ(r.status, kExitChecksFailed) << r.out << r.err;
  // The golden fixtures with a negative at exactly the positive's distance (docs/SEMANTICS.md
  // §3.3).
  EXPECT_THAT(r.out, HasSubstr("golden semihard_boundary"));
  EXPECT_THAT(slurp(reports + "/conform.xml"), HasSubstr("<failure"));
  // The diagnosis names the mistake, and the headline its class.
  EXPECT_THAT(r.out, HasSubstr("FAIL (worst: semantics)"));
  EXPECT_THAT(r.out, HasSubstr("behaves like `mutant:semihard-greater-equal`"));
}

// A port through the PyTorch adapter: examples/ports/NAME.py:FUNCTION with adapter options.
std::string port(const std::string& function, const std::string& options) {
  return "exec:" + std::string(kSource) + "/examples/python -m tripletcheck_adapters.torch " +
         kSource + "/examples/ports/" + function + " " + options;
}

// The fixtures where computing in float64 differs from TF's float32: overflow and flushing.
const std::vector<std::string> kFloat64Fixtures = {
    "--golden-case", "large_1e19_semihard_l2", "--golden-case", "large_1e20_semihard_angular",
    "--golden-case", "tiny_1em20_semihard_l2", "--golden-case", "tfa_suite_semihard_l2"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(ConformExamples, AFloat64PortShowsTFArtifactsAndPassesOnceItDeclaresItsTrait) {
  const std::string undeclared =
      port("torch_float64_inside.py:triplet_semihard_loss", "--losses semihard --traits none");
  // Default: the artifacts are reported with their fix, and pass.
  CliRun r = conform(
      with({"--backend", undeclared, "--checks", "golden", "--report-dir", report_dir("f64")},
           kFloat64Fixtures));
  EXPECT_EQ(r.status, kExitPass) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[TF float32 artifact: float64_internal]"));
  EXPECT_THAT(r.out, HasSubstr("declare the trait float64_internal"));
  EXPECT_THAT(r.out, HasSubstr("TF float32 artifact(s) reported, not failing"));
  // --artifacts fail: the same differences fail, as for a port that must match TF bit for bit.
  r = conform(with({"--backend", undeclared, "--checks", "golden", "--artifacts", "fail",
                    "--report-dir", report_dir("f64-strict")},
                   kFloat64Fixtures));
  EXPECT_EQ(r.status, kExitChecksFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL (worst: TF float32 artifact)"));
  // Declared: known divergences, nothing to report.
  r = conform(with({"--backend",
                    port("torch_float64_inside.py:triplet_semihard_loss",
                         "--losses semihard --traits float64_internal"),
                    "--checks", "golden", "--report-dir", report_dir("f64-declared")},
                   kFloat64Fixtures));
  EXPECT_EQ(r.status, kExitPass) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("TF float32 artifact(s) reported")));
  EXPECT_THAT(r.out, HasSubstr("trait:float64_internal"));
}

TEST_F(ConformExamples, AMeanOverMinedTripletsPortIsNamed) {
  const std::string reports = report_dir("mined");
  const CliRun r = conform(
      {"--backend", port("torch_mean_over_mined.py:triplet_semihard_loss", "--losses semihard"),
       "--checks", "golden", "--report-dir", reports});
  EXPECT_EQ(r.status, kExitChecksFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL (worst: semantics)"));
  const json j = json::parse(slurp(reports + "/conform.json"));
  const auto& suspects = j["backends"][0]["suspects"];
  ASSERT_FALSE(suspects.empty()) << r.out;
  EXPECT_EQ(suspects[0]["mutant"], "mean-over-mined-triplets") << r.out;
  // All but the odd comparison (51 of 52 here), far more than the runner-up (mean-over-anchors:
  // 17 of 52).
  EXPECT_GE(10 * suspects[0]["reproduced"].get<int>(), 9 * suspects[0]["failing"].get<int>())
      << r.out;
}

// Issue 12, point 2: F.normalize's eps on the norm gives a zero row's gradient ~1e6× TF's. A zero
// row is a tie (all its distances are 1), and "another subgradient at a tie" used to excuse it
// (PASS). Now only valid subgradients are excused: it fails as semantics, and is named.
TEST_F(ConformExamples, AnEpsOnTheNormPortFailsAtTheZeroRowTie) {
  const CliRun r = conform(
      {"--backend",
       port("torch_normalize_eps.py:triplet_semihard_loss", "--losses semihard --metrics angular"),
       "--checks", "golden", "--golden-case", "angzero_b8_semihard_angular", "--golden-case",
       "tfa_suite_semihard_angular", "--report-dir", report_dir("normalize-eps")});
  EXPECT_EQ(r.status, kExitChecksFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL (worst: semantics)"));
  EXPECT_THAT(r.out, HasSubstr("| tfa_suite | float32 | 1 |"));  // right on ordinary data
  EXPECT_THAT(r.out, HasSubstr("behaves like `mutant:normalize-eps-on-norm`"));
}

// The checklist: one rule per fixture, TFA's loss beside the backend's. Each mutant fails its
// own rule's line and passes the others it can evaluate; every fixture of the list exists (an
// unknown --golden-case would be a usage error).
TEST_F(ConformCli, TheChecklistFailsTheRuleAMutantBreaks) {
  std::vector<std::string> args = {"--backend", "mutant:semihard-greater-equal",
                                   "--backend", "mutant:labels-as-float32",
                                   "--checks",  "golden"};
  for (const auto& rule : conformance::checklist_rules()) {
    args.insert(args.end(), {"--golden-case", rule.fixture});
  }
  const std::string reports = report_dir("checklist");
  args.insert(args.end(), {"--report-dir", reports});
  const CliRun r = conform(args);
  ASSERT_EQ(r.status, kExitChecksFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("### Checklist: one rule, one fixture"));
  const json j = json::parse(slurp(reports + "/conform.json"));
  // The rules each mutant breaks: `>=` also changes the all-equal fallback; a float32 cast
  // merges IDs from 2^53 as well as from 2^24.
  const std::map<std::string, std::set<std::string>> broken = {
      {"mutant:semihard-greater-equal",
       {"boundary_pythag_semihard_l2", "boundary_all_equal_semihard_l2"}},
      {"mutant:labels-as-float32",
       {"large_ids_f32_b10_semihard_l2", "large_ids_f64_b10_semihard_l2"}}};
  for (const auto& b : j["backends"]) {
    const auto& own = broken.at(b["name"].get<std::string>());
    EXPECT_EQ(b["checklist"].size(), conformance::checklist_rules().size()) << b["name"];
    for (const auto& line : b["checklist"]) {
      const std::string fixture = line["fixture"];
      EXPECT_EQ(line["failed"].get<bool>(), own.count(fixture) == 1) << b["name"] << " " << fixture;
    }
  }
}

// ---- the mutation check
// ---------------------------------------------------------------------------

TEST(MutationCheck, EveryMutantIsCaughtAndTheControlPasses) {
  TempDir dir;
  std::vector<std::string> args = {"mutation-check", "--report-dir", dir.path("mutation")};
  // The default conform budget, except under the sanitizers (CMakeLists.txt).
  if (std::string(TRIPLETCHECK_MUTATION_CASES) != "default") {
    args.insert(args.end(), {"--cases", TRIPLETCHECK_MUTATION_CASES});
  }
  const CliRun r = run_cli(args, dir.path(""));
  ASSERT_EQ(r.status, kExitPass) << r.out << r.err;
  EXPECT_THAT(r.out, StartsWith("# tripletcheck mutation-check: PASS"));
  EXPECT_THAT(r.out, HasSubstr("| none | no mistake (the control: must pass) | - | passed"));
  for (const auto& m : mutants::all_mutations()) {
    if (m.mutation == mutants::Mutation::kNone) continue;
    EXPECT_THAT(r.out, HasSubstr("| " + m.name + " | ")) << m.name;
  }
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("SURVIVED")));
  // The diagnosis a failing port gets names each mutant itself (or an equivalent mistake, which
  // the table would mark): never another mistake, never nothing.
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("**other:**")));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("nothing reproduces it")));
  EXPECT_TRUE(fs::exists(dir.path("mutation/mutation.md")));
}

}  // namespace
}  // namespace tripletcheck::conformance
