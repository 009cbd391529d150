// `tripletcheck bench-report`: the backend speed comparison from Google Benchmark JSON files.
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

void add_bench_report_command(CLI::App& app);

}  // namespace tripletcheck::cli
