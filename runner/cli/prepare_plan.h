// What run, resume and drill share: the plan loaded, validated and compiled (diagnostics
// printed), and the exit code of how a run ended.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "cli/app.h"
#include "exec/executor.h"
#include "graph/step_graph.h"
#include "plan/model.h"

namespace adrestore::cli {

// cli.md's exit code of how a run ended; a pending restart is a success until resume checks it.
int run_exit_code(exec::Outcome outcome);

// Loads, validates and compiles the plan; prints diagnostics and sets exit_code on failure.
// `text` receives the plan file's bytes.
std::optional<std::pair<plan::Plan, graph::StepGraph>> prepare_plan(const std::string& path, std::string& text,
                                                                    const GlobalOptions& global, int& exit_code);

}  // namespace adrestore::cli
