// YAML tree -> typed Plan (plan/convert.h): every field, the defaults of plan-format.md, the
// positions kept for later stages, and leniency towards values the schema has refused.
#include "plan/convert.h"

#include <doctest/doctest.h>

#include "plan/fixture_support.h"
#include "input/guard.h"

namespace adrestore::testing {
namespace {

plan::Plan convert(const std::string& text, input::Diagnostics& diags) {
  const input::Loaded l = input::parse_yaml_text(text, diags);
  REQUIRE(l.root.has_value());
  return plan::convert_plan(*l.root, "t.yaml", diags);
}

const std::string k_minimal =
    "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc01\n  domainController: DC01\n"
    "spec:\n  backup:\n    source: 'D:\\Backups\\DC01'\n";

}  // namespace

TEST_SUITE("plan") {
  TEST_CASE("a minimal plan gets every default of plan-format.md") {
    input::Diagnostics diags("t.yaml");
    const plan::Plan p =
        convert(k_minimal + "  hooks:\n    pre: [{name: a, run: [x]}]\n    post: [{name: b, run: [y]}]\n", diags);
    CHECK(diags.items().empty());
    CHECK(p.file == "t.yaml");
    CHECK(p.manifest_name == "adrestore-backup.json");
    CHECK(p.max_age_seconds == 180LL * 86400);
    CHECK(p.on_locations_failure == plan::LocationsFailure::original);
    CHECK(p.existing_files == plan::ExistingFiles::quarantine);
    CHECK_FALSE(p.quarantine.has_value());
    CHECK_FALSE(p.dest_database.has_value());
    CHECK_FALSE(p.credentials.has_value());
    CHECK_FALSE(p.authoritative());
    CHECK(p.restart == plan::Restart::none);
    REQUIRE(p.pre_hooks.size() == 1);
    REQUIRE(p.post_hooks.size() == 1);
    const plan::Hook& pre = p.pre_hooks[0];
    const plan::Hook& post = p.post_hooks[0];
    CHECK(pre.timeout_seconds == 300);
    CHECK_FALSE(pre.timeout.has_value());
    CHECK(pre.on_error == plan::OnError::fail);
    CHECK(post.on_error == plan::OnError::keep_going);
    CHECK(post.when == plan::When::always);
    CHECK_FALSE(pre.idempotent);
    CHECK_FALSE(pre.working_dir.has_value());
  }

  TEST_CASE("every field of the full fixture lands in the typed plan with its position and path") {
    const plan::PlanLoad load = expect_plan_fixture("valid/full.yaml");
    REQUIRE(load.plan.has_value());
    const plan::Plan& p = *load.plan;
    CHECK(p.name.value == "dc01-corp");
    CHECK(p.name.mark.line == 5);
    CHECK(p.name.mark.column == 9);
    CHECK(p.name.path == "metadata.name");
    CHECK(p.domain_controller.value == "DC01.corp.example.com");
    CHECK(p.description == "Non-authoritative restore of DC01 from the nightly backup.");
    CHECK(p.labels == std::vector<std::pair<std::string, std::string>>{{"site", "hq"}, {"tier", "0"}});
    CHECK(p.backup_source.value.str() == "D:\\Backups\\DC01\\2026-11-20");
    CHECK(p.backup_source.mark.line == 11);
    CHECK(p.backup_source.path == "spec.backup.source");
    CHECK(p.max_age_seconds == 180LL * 86400);
    REQUIRE(p.authoritative_subtrees.size() == 1);
    CHECK(p.authoritative_subtrees[0].value == "OU=Finance,DC=corp,DC=example,DC=com");
    CHECK(p.authoritative_subtrees[0].path == "spec.restore.authoritative.subtrees[0]");
    CHECK(p.authoritative());
    REQUIRE(p.dest_database.has_value());
    CHECK(p.dest_database->value.str() == "E:\\NTDS");
    CHECK(p.dest_logs->value.str() == "F:\\NTDSLogs");
    CHECK(p.dest_checkpoint->value.str() == "F:\\NTDSLogs");
    CHECK(p.quarantine->value.str() == "E:\\adrestore-quarantine");
    CHECK(p.quarantine->path == "spec.restore.quarantine");
    REQUIRE(p.credentials.has_value());
    CHECK(p.credentials->user.value == "Administrator");
    CHECK(p.credentials->domain->value == "DC01");
    CHECK(p.credentials->source == plan::PasswordSource::env);
    CHECK(p.credentials->source_arg == "ADRESTORE_DSRM_PASSWORD");

    REQUIRE(p.pre_hooks.size() == 1);
    const plan::Hook& pre = p.pre_hooks[0];
    CHECK(pre.phase == plan::HookPhase::pre);
    CHECK(pre.index == 0);
    CHECK(pre.path == "spec.hooks.pre[0]");
    CHECK(pre.name.value == "pause-antivirus");
    REQUIRE(pre.run.size() == 7);
    CHECK(pre.run[0].value == "C:\\Tools\\avctl.exe");
    CHECK(pre.run[4].value == "${plan.name}");
    CHECK(pre.run[4].path == "spec.hooks.pre[0].run[4]");
    CHECK(pre.timeout_seconds == 120);
    REQUIRE(pre.timeout.has_value());
    CHECK(pre.timeout->value == "2m");
    CHECK(pre.timeout->mark.line == 33);
    CHECK(pre.on_error == plan::OnError::fail);
    REQUIRE(pre.env.size() == 3);
    CHECK(pre.env[0] == std::make_pair(std::string("AV_MODE"), std::string("pause")));
    REQUIRE(pre.env_key_marks.size() == 3);
    REQUIRE(pre.env_value_marks.size() == 3);
    CHECK(pre.env_key_marks[1].line == 35);
    CHECK(pre.env_value_marks[1].column > pre.env_key_marks[1].column);
    CHECK(pre.working_dir->value.str() == "C:\\Tools");
    CHECK(pre.idempotent);

    REQUIRE(p.post_hooks.size() == 1);
    const plan::Hook& post = p.post_hooks[0];
    CHECK(post.phase == plan::HookPhase::post);
    CHECK(post.when == plan::When::always);
    CHECK(post.on_error == plan::OnError::keep_going);
    CHECK(post.timeout_seconds == 30);
    CHECK(post.working_dir->value.str() == "\\\\tools01\\share\\notify");
    CHECK_FALSE(post.idempotent);
    CHECK(p.find_hook("notify-ops") == &post);
    CHECK(p.find_hook("nope") == nullptr);
    CHECK(p.restart == plan::Restart::none);
  }

  TEST_CASE("the other value of each choice converts too") {
    const plan::PlanLoad load = expect_plan_fixture("valid/alternatives.yaml");
    REQUIRE(load.plan.has_value());
    const plan::Plan& p = *load.plan;
    CHECK(p.backup_source.value.root() == WinPath::Root::unc);
    CHECK(p.on_locations_failure == plan::LocationsFailure::fail);
    CHECK(p.existing_files == plan::ExistingFiles::remove);
    CHECK(p.credentials->source == plan::PasswordSource::prompt);
    CHECK_FALSE(p.credentials->domain.has_value());
    CHECK(p.pre_hooks[0].on_error == plan::OnError::keep_going);
    CHECK(p.post_hooks[0].when == plan::When::success);
    CHECK(p.post_hooks[0].on_error == plan::OnError::fail);
    CHECK(p.post_hooks[1].when == plan::When::failure);
    CHECK(p.restart == plan::Restart::normal_mode);
    CHECK(std::string(plan::to_string(p.existing_files)) == "delete");
    CHECK(std::string(plan::to_string(p.pre_hooks[0].on_error)) == "continue");
    CHECK(std::string(plan::to_string(p.restart)) == "normal-mode");
  }

  TEST_CASE("passwordFrom file: keeps the path after the prefix") {
    input::Diagnostics diags("t.yaml");
    const plan::Plan p =
        convert(k_minimal + "  credentials: {user: a, passwordFrom: 'file:C:\\secrets\\dsrm.txt'}\n", diags);
    REQUIRE(p.credentials.has_value());
    CHECK(p.credentials->source == plan::PasswordSource::file);
    CHECK(p.credentials->source_arg == "C:\\secrets\\dsrm.txt");
  }

  TEST_CASE("conversion reports a malformed path at the path's position, once") {
    input::Diagnostics diags("t.yaml");
    const plan::Plan p = convert(k_minimal + "  restore:\n    destinations: {database: 'E:\\a\\..\\b'}\n", diags);
    CHECK_FALSE(p.dest_database.has_value());
    REQUIRE(diags.items().size() == 1);
    CHECK(diags.items()[0].mark.line == 10);
    CHECK(diags.items()[0].mark.column == 30);
    CHECK(diags.items()[0].path == "spec.restore.destinations.database");
    CHECK(diags.items()[0].message.find("'..' segment") != std::string::npos);
  }

  TEST_CASE("values of the wrong type are skipped, not guessed, so the rules still run on the rest") {
    input::Diagnostics diags("t.yaml");
    const plan::Plan p =
        convert("metadata: {name: [x], labels: [a]}\nspec:\n  backup: {source: [x], maxAge: {a: b}}\n"
                "  restore: {authoritative: {subtrees: [[x], 'OU=a'], objects: x}, destinations: [x]}\n"
                "  credentials: [x]\n"
                "  hooks: {pre: [x, {name: h, run: x, timeout: [1], env: [x]}], post: {a: b}}\n",
                diags);
    CHECK(diags.items().empty());  // the schema, not the conversion, reports these
    CHECK(p.name.value.empty());
    CHECK(p.labels.empty());
    CHECK(p.backup_source.mark.line == 0);
    CHECK(p.max_age_seconds == 180LL * 86400);
    REQUIRE(p.authoritative_subtrees.size() == 1);
    CHECK(p.authoritative_subtrees[0].path == "spec.restore.authoritative.subtrees[1]");
    CHECK(p.authoritative_objects.empty());
    CHECK_FALSE(p.credentials.has_value());
    REQUIRE(p.pre_hooks.size() == 1);
    CHECK(p.pre_hooks[0].index == 1);
    CHECK(p.pre_hooks[0].run.empty());
    CHECK(p.pre_hooks[0].timeout_seconds == 300);
    CHECK(p.post_hooks.empty());
  }

  TEST_CASE("a document that is not a map converts to an empty plan without crashing") {
    input::Diagnostics diags("t.yaml");
    const plan::Plan p = convert("[1, 2]\n", diags);
    CHECK(p.name.value.empty());
    CHECK(p.pre_hooks.empty());
  }
}

}  // namespace adrestore::testing
