#include "evidence/report_html.h"

#include <cstdio>

#include "base/text.h"

namespace adrestore::evidence {
namespace {

// Only inline styles and the one inline script; nothing may be fetched.
constexpr const char* k_head = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>window.addEventListener('error',function(e){var r=document.documentElement;r.setAttribute('data-script-errors',String((+r.getAttribute('data-script-errors')||0)+1));});</script>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #d0d7de;padding-bottom:3px;margin-top:28px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}td.num,td.nowrap{white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums}code,pre,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
pre{background:#f6f8fa;padding:6px;white-space:pre-wrap;word-break:break-all;max-height:320px;overflow:auto;margin:4px 0}
dl.identity{display:grid;grid-template-columns:170px 1fr;gap:2px 12px;margin:8px 0}dl.identity dt{color:#57606a}dl.identity dd{margin:0;word-break:break-all}
.outcome-succeeded{color:#1a7f37;font-weight:600}.outcome-failed,.outcome-refused,.outcome-unfinished,.outcome-interrupted{color:#cf222e;font-weight:600}
.warn{background:#fff8c5;border-left:4px solid #d4a72c;padding:4px 8px;margin:4px 0}.danger{background:#ffebe9;border-left:4px solid #cf222e;padding:4px 8px;margin:4px 0}
.note{color:#57606a;font-size:12px}.bad{color:#cf222e}
svg text{font:11px system-ui,sans-serif;fill:#1b1f24}svg .tick{fill:#57606a}svg .grid{stroke:#eaeef2}svg .deadlabel{fill:#8c959f;font-size:10px}
.seg{fill:#2da44e}.seg.failed,.seg.refused,.seg.interrupted{fill:#cf222e}.seg.died{fill:#bf8700}.seg.unfinished{fill:#8250df}.seg.skipped{fill:#8c959f}
.rate{fill:none;stroke:#0969da;stroke-width:1.5}.dot{fill:#0969da}
.legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
@media print{body{margin:0;max-width:none;font-size:11px}pre{max-height:none;overflow:visible}section{break-inside:avoid-page}h2{break-after:avoid}}
</style>
)";

std::string time_text(std::int64_t ms) { return ms ? exec::format_utc_ms(ms) : std::string("-"); }

// The time of day alone, for tables: the date is in the identity section.
std::string clock_text(std::int64_t ms) {
  const std::string full = exec::format_utc_ms(ms);
  return full.size() > 11 ? full.substr(11) : full;
}

std::string duration_text(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

void field(std::string& out, const std::string& name, const std::string& value_html) {
  out += "<dt>" + html_escape(name) + "</dt><dd>" + value_html + "</dd>";
}

std::string or_absent(const std::string& v, const std::string& why) {
  return v.empty() ? "<span class=\"note\">" + html_escape(why) + "</span>" : "<span class=\"mono\">" + html_escape(v) + "</span>";
}

void identity(std::string& out, const Report& r) {
  const Identity& id = r.identity;
  out += "<section id=\"identity\"><h2>Run</h2><dl class=\"identity\">";
  field(out, "outcome", "<span class=\"outcome-" + html_escape(id.outcome) + "\">" + html_escape(id.outcome) + "</span>");
  field(out, "exit code", id.exit_code ? std::to_string(*id.exit_code) : "<span class=\"note\">none: the run has not finished</span>");
  field(out, "run", or_absent(id.run_id, "-"));
  field(out, "plan", html_escape(id.plan_name) + " <span class=\"mono\">" + html_escape(id.plan_file) + "</span>");
  field(out, "plan SHA-256", or_absent(id.plan_sha256, "-"));
  field(out, "git revision", or_absent(id.git_revision, "the plan is not in a git checkout (or it could not be read)"));
  field(out, "DC", html_escape(id.dc));
  field(out, "host", html_escape(id.host) + " (API " + html_escape(id.api) + ", adrestore " + html_escape(id.tool_version) + ")");
  field(out, "operator account", or_absent(id.operator_account, "unknown (not recorded by this journal)"));
  field(out, "started", html_escape(time_text(id.started_ms)));
  field(out, "ended", html_escape(time_text(id.ended_ms)) + " (last journal record; " +
                          duration_text(id.ended_ms - id.started_ms) + ")");
  field(out, "processes", std::to_string(id.processes) + " (the first run and each resume)");
  field(out, "journal chain head", or_absent(id.journal_chain_head, "not in this journal's format"));
  out += "</dl></section>";
}

void drill(std::string& out, const Drill& d) {
  out += "<section id=\"drill\"><h2>Drill: predicted recovery time " + html_escape(duration_text(d.predicted_ms)) +
         "</h2><dl class=\"identity\">";
  field(out, "backup set", or_absent(d.backup_set, "-"));
  field(out, "restored into", or_absent(d.scratch, "-") + " <span class=\"note\">(a scratch folder, removed afterwards)</span>");
  field(out, "hooks", html_escape(d.hooks));
  field(out, "restored bytes",
        d.problems.empty() ? std::to_string(d.files_checked) + " file(s) equal the manifest's SHA-256"
                           : "<span class=\"outcome-failed\">" + std::to_string(d.problems.size()) + " problem(s)</span>");
  out += "</dl>";
  if (!d.problems.empty()) {
    out += "<ul>";
    for (const std::string& p : d.problems) out += "<li>" + html_escape(p) + "</li>";
    out += "</ul>";
  }
  out += "<table id=\"drill-steps\"><tr><th>step</th><th>measured</th><th>predicted on the DC</th><th>basis</th></tr>";
  for (const DrillStep& s : d.steps) {
    out += "<tr><td class=\"mono\">" + html_escape(s.step) + "</td><td>" + duration_text(s.measured_ms) + "</td><td>" +
           duration_text(s.predicted_ms) + "</td><td>" + html_escape(s.basis) + "</td></tr>";
  }
  out += "</table><h3>Assumptions</h3><ul>";
  for (const std::string& a : d.assumptions) out += "<li>" + html_escape(a) + "</li>";
  out += "</ul><h3>Not included</h3><ul>";
  for (const std::string& a : d.not_included) out += "<li>" + html_escape(a) + "</li>";
  out += "</ul></section>";
}

void timeline(std::string& out, const Report& r) {
  out += "<section id=\"timeline-section\"><h2>Timeline</h2><div class=\"legend\">"
         "<span><i style=\"background:#2da44e\"></i>succeeded</span><span><i style=\"background:#cf222e\"></i>failed, "
         "refused or interrupted</span><span><i style=\"background:#bf8700\"></i>its process died</span>"
         "<span><i style=\"background:#8250df\"></i>unfinished</span><span><i style=\"background:#8c959f\"></i>skipped"
         "</span><span><i style=\"background:#ddd\"></i>no process running</span></div>";
  out += timeline_svg(r);
  out += "<table id=\"steps\"><tr><th>step</th><th>attempt</th><th>process</th><th>start</th><th>duration</th>"
         "<th>outcome</th><th>message</th></tr>";
  for (const Segment& s : r.segments) {
    out += "<tr class=\"step-row\" data-step=\"" + html_escape(s.step) + "\"><td class=\"mono nowrap\">" + html_escape(s.step) +
           "</td><td class=\"num\">" + std::to_string(s.attempt) + "</td><td class=\"num\">" + std::to_string(s.process) +
           "</td><td class=\"mono nowrap\">" + html_escape(clock_text(s.start_ms)) + "</td><td class=\"num\">" +
           duration_text(s.end_ms - s.start_ms) + "</td><td class=\"outcome-" + html_escape(s.outcome) + "\">" +
           html_escape(s.outcome) + "</td><td>" + html_escape(s.message) + "</td></tr>";
  }
  out += "</table></section><section id=\"throughput\"><h2>Throughput</h2>";
  for (const Throughput& t : r.throughput) {
    out += "<h3 class=\"mono\">" + html_escape(t.step) + "</h3><p class=\"note\">" + html_escape(t.basis) + "</p>";
    out += t.points.empty() ? "<p class=\"note\">no measurements in this journal</p>" : throughput_svg(r, t);
  }
  out += "</section>";
}

void files(std::string& out, const Report& r) {
  out += "<section id=\"files\"><h2>Files restored</h2><table><tr><th>file</th><th>size</th><th>SHA-256</th></tr>";
  for (const RestoredFile& f : r.files) {
    out += "<tr><td class=\"mono\">" + html_escape(f.path) + "</td><td class=\"num\">" + html_escape(format_bytes(f.size)) +
           "</td><td class=\"mono\">" + html_escape(f.sha256) + "</td></tr>";
  }
  if (r.files.empty()) out += "<tr><td colspan=\"3\" class=\"note\">no file was restored</td></tr>";
  out += "</table><h2>Quarantined and deleted</h2><table id=\"cleared\"><tr><th>file</th><th>action</th><th>now at</th></tr>";
  for (const ClearedFile& c : r.cleared) {
    out += "<tr><td class=\"mono\">" + html_escape(c.path) + "</td><td>" + html_escape(c.action) + "</td><td class=\"mono\">" +
           html_escape(c.to) + "</td></tr>";
  }
  if (r.cleared.empty()) out += "<tr><td colspan=\"3\" class=\"note\">nothing was in the way</td></tr>";
  out += "</table></section>";
}

void calls(std::string& out, const Report& r) {
  out += "<section id=\"ntds-calls\"><h2>NTDS API calls</h2><p class=\"note\">" + html_escape(r.calls_source) + "</p>";
  if (!r.calls.empty()) {
    out += "<table><tr><th>#</th><th>call</th><th>result</th><th>details</th></tr>";
    for (std::size_t i = 0; i < r.calls.size(); ++i) {
      const NtdsCall& c = r.calls[i];
      out += "<tr><td class=\"num\">" + std::to_string(i + 1) + "</td><td class=\"mono\">" + html_escape(c.call) +
             "</td><td class=\"mono" + (c.ok ? "" : " bad") + "\">" + html_escape(c.result) +
             (c.injected ? " (injected fault)" : "") + "</td><td class=\"mono\">" + html_escape(c.line) + "</td></tr>";
    }
    out += "</table>";
  }
  if (r.calls_truncated) out += "<p class=\"warn\">only the first " + std::to_string(k_max_calls) + " calls are shown</p>";
  out += "</section>";
}

void hooks(std::string& out, const Report& r) {
  out += "<section id=\"hooks\"><h2>Hooks</h2>";
  if (r.hooks.empty()) out += "<p class=\"note\">the plan ran no hook</p>";
  for (const Hook& h : r.hooks) {
    const std::string result = h.timed_out ? "timed out"
                               : h.exit_code ? "exit code " + std::to_string(*h.exit_code)
                               : h.signal    ? "killed by signal " + std::to_string(*h.signal)
                                             : "no exit code";
    out += "<div class=\"hook\" data-hook=\"" + html_escape(h.name) + "\"><h3 class=\"mono\">" + html_escape(h.name) +
           "</h3><p>" + html_escape(result) + ", " + duration_text(h.duration_ms) + ", at " +
           html_escape(time_text(h.time_ms)) + "; log <span class=\"mono\">" + html_escape(h.log) + "</span> (" +
           html_escape(format_bytes(h.log_bytes)) + ")</p>";
    if (!h.log_problem.empty()) out += "<p class=\"warn\">" + html_escape(h.log_problem) + "</p>";
    out += "<pre class=\"head\">" + html_escape(h.head) + "</pre>";
    if (!h.tail.empty()) {
      const std::uint64_t shown = h.head.size() + h.tail.size();
      if (h.log_bytes > shown) out += "<p class=\"note\">... about " + html_escape(format_bytes(h.log_bytes - shown)) + " not shown ...</p>";
      out += "<pre class=\"tail\">" + html_escape(h.tail) + "</pre>";
    }
    out += "</div>";
  }
  out += "</section>";
}

void warnings(std::string& out, const Report& r) {
  out += "<section id=\"warnings\"><h2>Warnings and \"do not restart\" periods</h2>";
  for (const Period& p : r.no_restart) {
    out += "<p class=\"danger no-restart\">DO NOT RESTART the DC from " + html_escape(time_text(p.start_ms)) + " to " +
           (p.end_ms ? html_escape(time_text(*p.end_ms)) : std::string("the end of the journal (still open)")) + ": " +
           html_escape(p.why) + "</p>";
  }
  for (const Warning& w : r.warnings) {
    out += "<p class=\"warn\"><span class=\"mono\">" + html_escape(time_text(w.time_ms)) + "</span> " + html_escape(w.text) + "</p>";
  }
  if (r.no_restart.empty() && r.warnings.empty()) out += "<p class=\"note\">none</p>";
  out += "</section>";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html(const Report& r) {
  std::string out = k_head;
  out += "<title>adrestore report: " + html_escape(r.identity.plan_name) + " " + html_escape(r.identity.run_id) +
         "</title></head><body><h1>" + std::string(r.drill ? "Drill report: " : "Restore report: ") + html_escape(r.identity.dc) + "</h1><p class=\"note\">plan " +
         html_escape(r.identity.plan_name) + ", run " + html_escape(r.identity.run_id) +
         ". Made by adrestore report from the run's journal, hook logs and (simulated DCs) calls.log.</p>";
  identity(out, r);
  if (r.drill) drill(out, *r.drill);
  warnings(out, r);
  timeline(out, r);
  files(out, r);
  hooks(out, r);
  calls(out, r);
  out += "<script>document.documentElement.setAttribute('data-rendered','1');</script></body></html>\n";
  return out;
}

}  // namespace adrestore::evidence
