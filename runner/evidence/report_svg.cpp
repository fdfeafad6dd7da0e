// The report's charts as inline SVG, drawn here rather than by a JavaScript library: no
// dependency to vendor and pin, and the page renders (and prints) with scripts disabled.
#include <algorithm>
#include <cstdio>

#include "evidence/report_html.h"

namespace adrestore::evidence {
namespace {

constexpr double k_width = 960;
constexpr double k_label_width = 190;
constexpr double k_row = 20;
constexpr double k_axis = 28;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string seconds(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10000 ? "%.2f s" : "%.0f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

struct Scale {
  std::int64_t t0 = 0;
  std::int64_t t1 = 1;
  double x0 = k_label_width;
  double x1 = k_width - 30;  // room for the last tick's label
  double x(std::int64_t t) const {
    return x0 + (x1 - x0) * static_cast<double>(t - t0) / static_cast<double>(std::max<std::int64_t>(t1 - t0, 1));
  }
};

Scale run_scale(const Report& r) {
  Scale s;
  s.t0 = r.identity.started_ms;
  s.t1 = std::max(r.identity.ended_ms, s.t0 + 1);
  return s;
}

// Six ticks from the run's start, labelled in seconds since it.
std::string time_axis(const Scale& s, double y, double top) {
  std::string out;
  for (int i = 0; i <= 5; ++i) {
    const std::int64_t t = s.t0 + (s.t1 - s.t0) * i / 5;
    const double x = s.x(t);
    out += "<line class=\"grid\" x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" + num(y) +
           "\"/><text class=\"tick\" x=\"" + num(x) + "\" y=\"" + num(y + 14) + "\" text-anchor=\"middle\">+" +
           seconds(t - s.t0) + "</text>";
  }
  return out;
}

// The stretches where no process worked on the run: between one process's last record and
// the next one's start.
std::string dead_gaps(const Report& r, const Scale& s, double top, double bottom) {
  std::string out;
  for (std::size_t i = 1; i < r.processes.size(); ++i) {
    const double a = s.x(r.processes[i - 1].last_ms);
    const double b = s.x(r.processes[i].start_ms);
    out += "<g class=\"dead\"><rect x=\"" + num(a) + "\" y=\"" + num(top) + "\" width=\"" + num(std::max(b - a, 2.0)) +
           "\" height=\"" + num(bottom - top) + "\" fill=\"url(#hatch)\"><title>no process: " +
           seconds(r.processes[i].start_ms - r.processes[i - 1].last_ms) + " between process " + std::to_string(i) +
           " and process " + std::to_string(i + 1) + " (" + html_escape(r.processes[i].kind) +
           ")</title></rect><text class=\"deadlabel\" x=\"" + num((a + b) / 2) + "\" y=\"" + num(top - 4) +
           "\" text-anchor=\"middle\">no process</text></g>";
  }
  return out;
}

}  // namespace

std::string timeline_svg(const Report& r) {
  std::vector<std::string> rows = r.steps;
  for (const Segment& s : r.segments) {
    if (std::find(rows.begin(), rows.end(), s.step) == rows.end()) rows.push_back(s.step);
  }
  const Scale sc = run_scale(r);
  const double top = 16;
  const double bottom = top + k_row * static_cast<double>(rows.size());
  const double height = bottom + k_axis;
  std::string out = "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + num(k_width) +
                    "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(k_width) + " " + num(height) +
                    "\"><title>Timeline of every step</title><defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
                    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
                    "fill=\"#eee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#bbb\" stroke-width=\"3\"/>"
                    "</pattern></defs>";
  out += time_axis(sc, bottom, top);
  out += dead_gaps(r, sc, top, bottom);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double y = top + k_row * static_cast<double>(i);
    out += "<text class=\"rowlabel\" x=\"" + num(k_label_width - 6) + "\" y=\"" + num(y + 14) +
           "\" text-anchor=\"end\">" + html_escape(rows[i]) + "</text>";
  }
  for (const Segment& s : r.segments) {
    const auto row = static_cast<std::size_t>(std::find(rows.begin(), rows.end(), s.step) - rows.begin());
    const double y = top + k_row * static_cast<double>(row) + 3;
    const double x = sc.x(s.start_ms);
    const double w = std::max(sc.x(s.end_ms) - x, 2.0);  // an instant step stays visible
    out += "<rect class=\"seg " + html_escape(s.outcome) + "\" data-step=\"" + html_escape(s.step) +
           "\" data-outcome=\"" + html_escape(s.outcome) + "\" data-process=\"" + std::to_string(s.process) +
           "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(k_row - 6) +
           "\"><title>" + html_escape(s.step) + " attempt " + std::to_string(s.attempt) + " (process " +
           std::to_string(s.process) + "): " + html_escape(s.outcome) + ", " + seconds(s.end_ms - s.start_ms) +
           (s.message.empty() ? "" : "; " + html_escape(s.message)) + "</title></rect>";
  }
  return out + "</svg>";
}

std::string throughput_svg(const Report& r, const Throughput& t) {
  const Scale sc = run_scale(r);
  const double top = 10;
  const double bottom = 130;
  double peak = 1;
  for (const ThroughputPoint& p : t.points) peak = std::max(peak, p.mib_per_s);
  auto y = [&](double v) { return bottom - (bottom - top) * v / peak; };
  std::string out = "<svg class=\"throughput\" data-step=\"" + html_escape(t.step) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + num(k_width) + "\" height=\"" +
                    num(bottom + k_axis) + "\" viewBox=\"0 0 " + num(k_width) + " " + num(bottom + k_axis) +
                    "\"><title>" + html_escape(t.step) + " throughput, MiB/s</title>";
  out += time_axis(sc, bottom, top);
  out += "<text class=\"tick\" x=\"" + num(k_label_width - 6) + "\" y=\"" + num(top + 10) + "\" text-anchor=\"end\">" +
         num(peak) + " MiB/s</text><text class=\"tick\" x=\"" + num(k_label_width - 6) + "\" y=\"" + num(bottom) +
         "\" text-anchor=\"end\">0</text>";
  // One line per process, so that no line crosses the time when nothing ran.
  for (std::size_t i = 0; i < t.points.size();) {
    std::string points;
    const int process = t.points[i].process;
    for (; i < t.points.size() && t.points[i].process == process; ++i) {
      points += num(sc.x(t.points[i].time_ms)) + "," + num(y(t.points[i].mib_per_s)) + " ";
    }
    out += "<polyline class=\"rate\" data-process=\"" + std::to_string(process) + "\" points=\"" + points + "\"/>";
  }
  for (const ThroughputPoint& p : t.points) {
    out += "<circle class=\"dot\" cx=\"" + num(sc.x(p.time_ms)) + "\" cy=\"" + num(y(p.mib_per_s)) +
           "\" r=\"2.5\"><title>" + num(p.mib_per_s) + " MiB/s at +" + seconds(p.time_ms - sc.t0) + "</title></circle>";
  }
  return out + "</svg>";
}

}  // namespace adrestore::evidence
