// Reading benchmark JSON (and refusing malformed files with the file named), parsing the grid's
// names, the backend speed tables, and the shape of every report output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "bench/report/backend_speed.hpp"
#include "bench/report/comparison_report.hpp"
#include "bench/report/names.hpp"
#include "bench/report/results.hpp"
#include "synthetic_benchmarks.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::report {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using tripletcheck_test::synthetic_results;

constexpr std::uint64_t kSeed = 7;

std::string message_of(const json& document) {
  try {
    parse_results(document, "run.json");
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BenchResults, ParsesRepetitionsAggregatesAndUnits) {
  const json document = {{"context", {{"num_cpus", 2}}},
                         {"benchmarks",
                          {{{"name", "a/real_time"},
                            {"run_name", "a/real_time"},
                            {"run_type", "iteration"},
                            {"real_time", 2.0},
                            {"cpu_time", 1.0},
                            {"time_unit", "us"},
                            {"peak_mem", 4096.0}},
                           {{"name", "a/real_time"},
                            {"run_name", "a/real_time"},
                            {"run_type", "iteration"},
                            {"real_time", 4.0},
                            {"cpu_time", 1.0},
                            {"time_unit", "us"},
                            {"peak_mem", 8192.0}},
                           {{"name", "a/real_time_median"},
                            {"run_name", "a/real_time"},
                            {"run_type", "aggregate"},
                            {"aggregate_name", "median"},
                            {"real_time", 3.0},
                            {"cpu_time", 1.0},
                            {"time_unit", "us"}},
                           {{"name", "b_median"},
                            {"run_name", "b"},
                            {"run_type", "aggregate"},
                            {"aggregate_name", "median"},
                            {"real_time", 7.0},
                            {"cpu_time", 1.0},
                            {"time_unit", "ns"}},
                           {{"name", "c"},
                            {"run_name", "c"},
                            {"run_type", "iteration"},
                            {"error_occurred", true},
                            {"error_message", "out of memory"},
                            {"real_time", 0},
                            {"cpu_time", 0},
                            {"time_unit", "ns"}}}}};
  const Results r = parse_results(document, "run.json");
  ASSERT_EQ(r.benchmarks.size(), 3u);
  EXPECT_EQ(r.sources.at(0).context.at("num_cpus"), "2");
  EXPECT_EQ(r.benchmarks[0].repetitions(), 2);
  EXPECT_DOUBLE_EQ(r.benchmarks[0].seconds(), 3e-6);  // the median of 2 µs and 4 µs
  EXPECT_EQ(r.benchmarks[0].peak_memory_bytes.size(), 2u);
  EXPECT_EQ(r.benchmarks[1].repetitions(), 0);  // --benchmark_report_aggregates_only
  EXPECT_DOUBLE_EQ(r.benchmarks[1].seconds(), 7e-9);
  EXPECT_EQ(r.benchmarks[2].error, "out of memory");
}

TEST(BenchResults, MalformedFilesAreInvalidArgumentsNamingTheFileAndTheProblem) {
  EXPECT_THAT(message_of(json::array()), HasSubstr("run.json: not a JSON object"));
  EXPECT_THAT(message_of({{"context", json::object()}}), HasSubstr("no \"benchmarks\" array"));
  EXPECT_THAT(message_of({{"benchmarks", {{{"name", "a"}, {"time_unit", "ms"}}}}}),
              HasSubstr("benchmarks[0]: no \"real_time\""));
  EXPECT_THAT(
      message_of(
          {{"benchmarks",
            {{{"name", "a"}, {"real_time", 1}, {"cpu_time", 1}, {"time_unit", "fortnights"}}}}}),
      HasSubstr("unknown time_unit \"fortnights\""));
  EXPECT_THAT(
      message_of({{"benchmarks",
                   {{{"name", "a"}, {"real_time", -1}, {"cpu_time", 1}, {"time_unit", "ms"}}}}}),
      HasSubstr("\"real_time\" = -1"));

  tripletcheck_test::TempDir dir;
  const std::string broken = dir.path("broken.json");
  std::ofstream(broken) << "{\"benchmarks\": [";
  try {
    load_results(broken);
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr(broken));
    EXPECT_THAT(e.what(), HasSubstr("not valid JSON"));
  }
  EXPECT_THROW(load_results(dir.path("absent.json")), InvalidArgument);
}

TEST(BenchResults, ReadsTheNonFiniteWordsGoogleBenchmarkWrites) {
  // Google Benchmark 1.7 writes NaN and Infinity bare (the peak_mem coefficient of variation of
  // all-zero repetitions): not JSON, but what compare.py reads. Inside strings they stay text.
  tripletcheck_test::TempDir dir;
  const std::string path = dir.path("nan.json");
  std::ofstream(path) << R"({"context": {"note": "NaN \" Infinity"}, "benchmarks": [
    {"name": "a", "run_type": "iteration", "real_time": 1, "cpu_time": 1, "time_unit": "ms",
     "peak_mem": NaN, "items_per_second": -Infinity},
    {"name": "a_cv", "run_name": "a", "run_type": "aggregate", "aggregate_name": "cv",
     "real_time": 0.5, "cpu_time": 0.5, "time_unit": "ms", "peak_mem": NaN}]})";
  const Results r = load_results(path);
  ASSERT_EQ(r.benchmarks.size(), 1u);
  EXPECT_EQ(r.sources.at(0).context.at("note"), "NaN \" Infinity");
  EXPECT_TRUE(r.benchmarks[0].peak_memory_bytes.empty());
  EXPECT_TRUE(r.benchmarks[0].items_per_second.empty());
  EXPECT_DOUBLE_EQ(r.benchmarks[0].seconds(), 1e-3);
}

TEST(BenchResults, AnImpossibleCounterIsAWarningAndNotAFailure) {
  // A peak below zero (the kernel's lagging resident-set counters, bench/peak_memory.hpp) once
  // stopped the main job's report: the counter is left out, named in a warning, and the report
  // shows n/a for it; the time of the same benchmark is still read.
  tripletcheck_test::TempDir dir;
  const std::string path = dir.path("negative.json");
  std::ofstream(path) << R"({"benchmarks": [
    {"name": "torch-tfa/hard/L2/fwdbwd/B:64/D:128/K:4", "run_type": "iteration",
     "real_time": 2, "cpu_time": 2, "time_unit": "ms", "peak_mem": -299008.0},
    {"name": "syrk_floor/hard/fwdbwd/B:64/D:128/K:4", "run_type": "iteration",
     "real_time": 1, "cpu_time": 1, "time_unit": "ms", "peak_mem": 4096}]})";
  const Results r = load_results(path);
  ASSERT_EQ(r.benchmarks.size(), 2u);
  EXPECT_TRUE(r.benchmarks[0].peak_memory_bytes.empty());
  EXPECT_DOUBLE_EQ(r.benchmarks[0].seconds(), 2e-3);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("benchmarks[0] (torch-tfa/hard/L2/fwdbwd/B:64/D:128/K:4)"));
  EXPECT_THAT(r.warnings[0], HasSubstr("-299008"));
  const std::string markdown = speed_markdown(compare_backends(r, kDefaultVersusBackend), r);
  EXPECT_THAT(markdown, HasSubstr("Values left out of the tables (shown as n/a)"));
  EXPECT_THAT(markdown, HasSubstr("| n/a |"));
}

TEST(BenchResults, ADirectoryMergesTheRepetitionsOfItsFiles) {
  tripletcheck_test::TempDir dir;
  std::mt19937_64 rng(kSeed);
  for (const char* file : {"round-1.json", "round-2.json", "round-3.json"}) {
    std::ofstream(dir.path(file))
        << synthetic_results({"x/fwd/B:32/D:32/K:2"}, {1e-3}, 1.0, 3, rng).dump();
  }
  std::ofstream(dir.path("notes.txt")) << "ignored";
  const Results r = load_results(dir.path(""));
  EXPECT_EQ(r.sources.size(), 3u);
  ASSERT_EQ(r.benchmarks.size(), 1u);
  EXPECT_EQ(r.benchmarks[0].repetitions(), 9);
}

TEST(BenchNames, ParsesTheGridAndDropsTheLibrarySuffixes) {
  const auto loss = parse_name("eigen/semihard/L2/fwdbwd/B:1024/D:128/K:4/process_time/real_time");
  ASSERT_TRUE(loss.has_value());
  EXPECT_EQ(loss->backend, "eigen");
  EXPECT_EQ(loss->loss, "semihard");
  EXPECT_EQ(loss->metric, "L2");
  EXPECT_EQ(loss->pass, "fwdbwd");
  EXPECT_EQ(loss->batch, 1024);
  EXPECT_EQ(loss->dim, 128);
  EXPECT_EQ(loss->samples_per_class, 4);

  const auto floor = parse_name("gemm_floor/xxt_mx/fwdbwd/B:64/D:32/K:2/real_time");
  ASSERT_TRUE(floor.has_value());
  EXPECT_EQ(floor->backend, "gemm_floor");
  EXPECT_EQ(floor->loss, "xxt_mx");
  EXPECT_EQ(floor->metric, "");

  EXPECT_FALSE(parse_name("BM_Something/128").has_value());
  EXPECT_FALSE(parse_name("eigen/semihard/L2/fwd/B:12x/D:128/K:4").has_value());
  EXPECT_EQ(display_name("a/b/B:1/D:2/K:3/threads:2/process_time/real_time"), "a/b/B:1/D:2/K:3");
}

// A small grid: eigen and the floors at two sizes, torch-tfa at one. Floors of another loss or
// K are there to be passed over.
Results speed_results() {
  std::mt19937_64 rng(kSeed);
  const json document = synthetic_results(
      {"eigen/semihard/L2/fwdbwd/B:64/D:128/K:4", "eigen/semihard/L2/fwdbwd/B:128/D:128/K:4",
       "syrk_floor/semihard/fwdbwd/B:64/D:128/K:4", "syrk_floor/semihard/fwdbwd/B:128/D:128/K:4",
       "syrk_floor/semihard/fwdbwd/B:64/D:128/K:2", "syrk_floor/hard/fwdbwd/B:64/D:128/K:4",
       "gemm_floor/xxt_mx/fwdbwd/B:64/D:128/K:2", "gemm_floor/xxt_mx/fwdbwd/B:128/D:128/K:2",
       "torch-tfa/semihard/L2/fwdbwd/B:128/D:128/K:4", "BM_unrelated"},
      {2e-4, 8e-4, 5e-5, 1e-4, 1e-6, 1e-6, 1e-4, 2e-4, 1.6e-3, 1e-6}, 1.0, 5, rng, {0.0, 0.0, 0.0});
  return parse_results(document, "speed.json");
}

TEST(BackendSpeed, SkippedBenchmarksAreListedWithTheirReason) {
  Results results = speed_results();
  Benchmark skipped;
  skipped.name = "torch-tfa/semihard/L2/fwdbwd/B:1024/D:128/K:4";
  skipped.error = "torch-tfa at B = 1024 needs 26722 MiB";
  results.benchmarks.push_back(skipped);
  const SpeedComparison c = compare_backends(results, kDefaultVersusBackend);
  EXPECT_EQ(c.skipped, std::vector<std::string>{"torch-tfa/semihard/L2/fwdbwd/B:1024/D:128/K:4: "
                                                "torch-tfa at B = 1024 needs 26722 MiB"});
  EXPECT_EQ(c.other_names, std::vector<std::string>{"BM_unrelated"});  // not mixed in
  EXPECT_THAT(speed_markdown(c, results),
              HasSubstr("Skipped, with the reason each benchmark gave:\n\n- torch-tfa/semihard"));
}

TEST(BackendSpeed, TablesHaveFloorRatiosAndSpeedUps) {
  const Results results = speed_results();
  const SpeedComparison c = compare_backends(results, kDefaultVersusBackend);
  EXPECT_TRUE(c.versus_present);
  ASSERT_EQ(c.groups.size(), 1u);
  EXPECT_EQ(c.groups[0].title(), "semihard · L2 · fwdbwd · D=128 · K=4");
  EXPECT_EQ(c.other_names, std::vector<std::string>{"BM_unrelated"});
  const auto& rows = c.groups[0].rows;
  // B=64: eigen, syrk floor, full GEMM; B=128: eigen, torch-tfa, syrk floor, full GEMM.
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0].backend, "eigen");
  EXPECT_NEAR(rows[0].floor_ratio, 4.0, 1e-9);  // the syrk floor of the same loss and K
  EXPECT_TRUE(std::isnan(rows[0].speedup));     // no torch-tfa at B = 64
  EXPECT_EQ(rows[1].backend, "syrk_floor");
  EXPECT_DOUBLE_EQ(rows[1].floor_ratio, 1.0);
  EXPECT_EQ(rows[2].backend, "gemm_floor");
  EXPECT_NEAR(rows[2].floor_ratio, 2.0, 1e-9);  // the reference line's K differs: no matter
  EXPECT_EQ(rows[3].backend, "eigen");
  EXPECT_NEAR(rows[3].speedup, 2.0, 1e-9);
  EXPECT_EQ(rows[4].backend, "torch-tfa");
  EXPECT_NEAR(rows[4].speedup, 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(rows[3].peak_memory_bytes, 1048576.0);
  EXPECT_EQ(rows[5].backend, "syrk_floor");
  EXPECT_EQ(rows[6].backend, "gemm_floor");
  // eigen 200 µs → 800 µs while B doubles (4× the pairs): exactly B² growth.
  EXPECT_TRUE(std::isnan(rows[0].growth_over_pairs));
  EXPECT_NEAR(rows[3].growth_over_pairs, 1.0, 1e-9);
  EXPECT_NEAR(rows[5].growth_over_pairs, 0.5, 1e-9);  // the floor 50 µs → 100 µs

  const std::string markdown = speed_markdown(c, results);
  EXPECT_THAT(markdown, HasSubstr("## semihard · L2 · fwdbwd · D=128 · K=4"));
  EXPECT_THAT(markdown, HasSubstr("| 128 | eigen | 800 µs | 8.00× | 1.00× | 2.00× | 1.00 MiB |"));
  EXPECT_THAT(markdown, HasSubstr("| 64 | eigen | 200 µs | 4.00× | n/a | n/a |"));
}

TEST(BackendSpeed, MissingVersusBackendIsSaidAndEveryCellIsNA) {
  const Results results = speed_results();
  const SpeedComparison c = compare_backends(results, "cuda");
  EXPECT_FALSE(c.versus_present);
  EXPECT_THAT(speed_markdown(c, results), HasSubstr("n/a: cuda is not in these results"));
}

TEST(BackendSpeed, HtmlIsSelfContainedWithOneChartPerGroup) {
  const Results results = speed_results();
  const std::string html = speed_html(compare_backends(results, kDefaultVersusBackend), results);
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("<polyline"));
  EXPECT_THAT(html, HasSubstr("syrk floor"));
  EXPECT_THAT(html, HasSubstr("full GEMM"));
  // No scripts, and nothing fetched: the only URL is the SVG namespace.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
}

TEST(ComparisonOutputs, MarkdownJsonAndJunitAgree) {
  std::mt19937_64 rng(kSeed);
  const std::vector<std::string> names = {"eigen/semihard/L2/fwdbwd/B:64/D:128/K:4",
                                          "eigen/semihard/L2/fwdbwd/B:128/D:128/K:4"};
  const Results base = parse_results(synthetic_results(names, {2e-4, 8e-4}, 1.0, 10, rng), "a");
  const Results cont = parse_results(synthetic_results(names, {2e-4, 8e-4}, 1.3, 10, rng), "b");
  const Comparison c = compare_runs(base, cont, GateSettings{});
  ASSERT_EQ(c.regressions(), 2);

  const std::string markdown = comparison_markdown(c);
  EXPECT_THAT(markdown, HasSubstr("# Benchmark comparison: 2 confirmed regressions"));
  EXPECT_THAT(markdown, HasSubstr("## Confirmed regressions"));

  const json j = json::parse(comparison_json(c));
  EXPECT_EQ(j["regressions"], 2);
  EXPECT_EQ(j["benchmarks"][0]["mark"], "worse");
  EXPECT_EQ(j["benchmarks"][0]["baseline_real_seconds"].size(), 10u);
  EXPECT_NEAR(j["geomean_ratio"].get<double>(), 1.3, 0.1);

  const std::string junit = comparison_junit(c);
  EXPECT_THAT(junit, HasSubstr("tests=\"2\" failures=\"2\""));
  EXPECT_THAT(junit, HasSubstr("<testcase classname=\"eigen.semihard.L2.fwdbwd\" "
                               "name=\"B:64/D:128/K:4\""));
  EXPECT_THAT(junit, HasSubstr("<failure type=\"regression\""));

  const std::string html = comparison_html(c);
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("class=\"worse\""));
}

}  // namespace
}  // namespace tripletcheck::report
