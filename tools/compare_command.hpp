// `tripletcheck compare`: the benchmark regression gate between a baseline and a contender run.
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

void add_compare_command(CLI::App& app);

}  // namespace tripletcheck::cli
