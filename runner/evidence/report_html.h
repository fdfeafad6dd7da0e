// The report as one self-contained HTML page: inline CSS and SVG charts, one inline script
// that only records script errors in the DOM (for the browser test), a Content-Security-Policy
// that forbids every network fetch, and print CSS. Every model string is escaped.
#pragma once

#include <string>
#include <string_view>

#include "evidence/report_model.h"

namespace adrestore::evidence {

std::string render_html(const Report& r);

// & < > " ' as character references: safe in element text and in quoted attributes.
std::string html_escape(std::string_view text);

// The inline SVG charts (report_svg.cpp).
std::string timeline_svg(const Report& r);
std::string throughput_svg(const Report& r, const Throughput& t);

}  // namespace adrestore::evidence
