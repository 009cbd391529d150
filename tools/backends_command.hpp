// `tripletcheck backends`: the backends compiled in, their capabilities and availability here.
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

void add_backends_command(CLI::App& app);

}  // namespace tripletcheck::cli
