// `tripletcheck merge-reports`: the report folders of a sharded conform run (--shard K/N) joined
// into the conform.md / .json / .xml that one run gives (conformance/run/merge.hpp).
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

void add_merge_reports_command(CLI::App& app);

}  // namespace tripletcheck::cli
