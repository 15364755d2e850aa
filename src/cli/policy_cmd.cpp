// portcullis policy validate FILE... | policy default: check policy files, print the built-in one.
#include <cstdio>

#include "cli/commands.hpp"
#include "policy/policy.hpp"

namespace portcullis::cli {

void register_policy(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand("policy", "Validate scan policies");
  cmd->require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  auto* validate =
      cmd->add_subcommand("validate", "Check policy files; errors name line and field");
  validate->add_option("file", *files, "Policy YAML file(s)")->required();
  validate->callback([files, &run] {
    run = [files] {
      std::vector<policy::Policy> loaded;
      for (const auto& f : *files) {
        auto p = policy::load_policy(f);
        if (!p) return report(p.error());
        std::printf("%s: valid policy \"%s\" with %zu rule(s)\n", f.c_str(), p->name.c_str(),
                    p->rules.size());
        loaded.push_back(std::move(*p));
      }
      auto combined = policy::combine(loaded);
      if (!combined) return report(combined.error());
      return kExitOk;
    };
  });
  auto* show = cmd->add_subcommand("default", "Print the built-in policy");
  show->callback([&run] {
    run = [] {
      auto text = policy::default_policy_yaml();
      std::fwrite(text.data(), 1, text.size(), stdout);
      return kExitOk;
    };
  });
}

}  // namespace portcullis::cli
