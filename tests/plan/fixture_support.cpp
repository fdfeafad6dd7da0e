#include "plan/fixture_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "base/text.h"
#include "support.h"

namespace adrestore::testing {

std::filesystem::path plan_fixtures_dir() { return source_dir() / "tests" / "plan" / "fixtures"; }

std::vector<std::string> list_plan_fixtures(const std::string& subdir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(plan_fixtures_dir() / subdir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && ends_with(name, ".yaml")) out.push_back(subdir + "/" + name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string expand_fixture_macros(const std::string& text) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t start = text.find("%%seq ", pos);
    if (start == std::string::npos) break;
    const std::size_t bar = text.find('|', start);
    const std::size_t end = text.find("%%", start + 2);
    REQUIRE_MESSAGE((bar != std::string::npos && end != std::string::npos && bar < end), "bad %%seq macro");
    out.append(text, pos, start - pos);
    const long count = std::strtol(text.c_str() + start + 6, nullptr, 10);
    const std::string tmpl = text.substr(bar + 1, end - bar - 1);
    for (long i = 0; i < count; ++i) {
      for (std::size_t k = 0; k < tmpl.size(); ++k) {
        if (tmpl[k] == '#') {
          out += std::to_string(i);
        } else if (tmpl[k] == '\\' && k + 1 < tmpl.size() && tmpl[k + 1] == 'n') {
          out += '\n';
          ++k;
        } else {
          out += tmpl[k];
        }
      }
    }
    pos = end + 2;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

namespace {

std::string trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

Expectation parse_expectation(const std::string& raw) {
  // LINE:COL PATH | MESSAGE
  Expectation e;
  e.raw = raw;
  const std::size_t colon = raw.find(':');
  const std::size_t space = raw.find(' ');
  const std::size_t bar = raw.find(" | ");
  REQUIRE_MESSAGE((colon != std::string::npos && space != std::string::npos && bar != std::string::npos),
                  "malformed expect line: " << raw);
  e.line = std::atoi(raw.substr(0, colon).c_str());
  e.column = std::atoi(raw.substr(colon + 1, space - colon - 1).c_str());
  e.path = trim(raw.substr(space + 1, bar - space - 1));
  if (e.path == "-") e.path.clear();
  e.message = trim(raw.substr(bar + 3));
  return e;
}

}  // namespace

Fixture read_plan_fixture(const std::string& name) {
  Fixture f;
  f.name = name;
  const auto path = plan_fixtures_dir() / name;
  REQUIRE_MESSAGE(std::filesystem::is_regular_file(path), "missing fixture " << path.string());
  f.text = expand_fixture_macros(read_file(path));
  for (const std::string& line : split(f.text, '\n')) {
    if (starts_with(line, "# expect: ")) {
      f.expect.push_back(parse_expectation(line.substr(10)));
    } else if (starts_with(line, "# violates: ")) {
      for (const std::string& id : split(line.substr(12), ',')) f.violates.push_back(trim(id));
    } else if (starts_with(line, "# guard: max_scalar_bytes=")) {
      f.limits.max_scalar_bytes = static_cast<std::size_t>(std::atol(line.c_str() + 26));
    } else if (starts_with(line, "# guard: max_nodes=")) {
      f.limits.max_nodes = static_cast<std::size_t>(std::atol(line.c_str() + 19));
    }
  }
  return f;
}

plan::PlanLoad load_plan_fixture(const Fixture& fixture) {
  return plan::load_plan_text(fixture.text, fixture.name, fixture.limits);
}

std::string describe_diagnostics(const input::Diagnostics& diags) {
  std::string out;
  for (const input::Diagnostic& d : diags.items()) out += "  " + input::format_text(d) + "\n";
  return out.empty() ? "  (no diagnostics)\n" : out;
}

void check_plan_fixture(const Fixture& fixture, const plan::PlanLoad& load) {
  INFO("fixture " << fixture.name << " reported:\n" << describe_diagnostics(load.diags));
  const auto& items = load.diags.items();
  std::vector<bool> used(items.size(), false);
  for (const Expectation& e : fixture.expect) {
    bool found = false;
    for (std::size_t i = 0; i < items.size() && !found; ++i) {
      const input::Diagnostic& d = items[i];
      if (used[i] || d.severity != input::Severity::error) continue;
      if (d.mark.line == e.line && d.mark.column == e.column && d.path == e.path &&
          d.message.find(e.message) != std::string::npos) {
        used[i] = true;
        found = true;
      }
    }
    CHECK_MESSAGE(found, "expected but not reported: " << e.raw);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    CHECK_MESSAGE(used[i], "reported but not expected: " << input::format_text(items[i]));
  }
  if (fixture.expect.empty()) {
    CHECK(load.failure == input::LoadFailure::none);
    CHECK(load.plan.has_value());
  } else {
    CHECK_FALSE(load.plan.has_value());
  }
}

plan::PlanLoad expect_plan_fixture(const std::string& name) {
  const Fixture f = read_plan_fixture(name);
  plan::PlanLoad load = load_plan_fixture(f);
  check_plan_fixture(f, load);
  return load;
}

}  // namespace adrestore::testing
