#include "common/experiment/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace l1t::experiment {
namespace {

// Colour-blind-safe palette (Okabe-Ito, then Tableau); cycles for more series.
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                    "#56B4E9", "#000000", "#8c564b", "#7f7f7f", "#bcbd22"};
constexpr int kNumColours = sizeof(kColours) / sizeof(kColours[0]);

constexpr double kLeft = 78, kRight = 190, kTop = 42, kBottom = 58;  // margins in px

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

// A log axis over more than ~1.5 decades gets decade ticks; a narrower one linear-style ticks.
bool wide_log(double lo, double hi) { return hi / lo > 31.6; }

std::vector<double> axis_ticks(double lo, double hi, bool log, int max_ticks) {
  if (log && wide_log(lo, hi)) return log_ticks(lo, hi);
  return nice_ticks(lo, hi, max_ticks);
}

const char* series_colour(const PlotSeries& s, size_t position) {
  const size_t i = s.colour >= 0 ? static_cast<size_t>(s.colour) : position;
  return kColours[i % kNumColours];
}

// Maps data values to pixels along one axis.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  double px_lo = 0, px_hi = 1;
  double map(double v) const {
    const double a = log ? std::log10(lo) : lo;
    const double b = log ? std::log10(hi) : hi;
    const double t = ((log ? std::log10(v) : v) - a) / (b - a);
    return px_lo + t * (px_hi - px_lo);
  }
};

// The data range of the given coordinate over all series, padded and never empty.
void data_range(const Plot& plot, bool want_x, bool log, double* lo, double* hi) {
  *lo = std::numeric_limits<double>::infinity();
  *hi = -std::numeric_limits<double>::infinity();
  for (const auto& s : plot.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!usable(s.x[i], plot.log_x) || !usable(s.y[i], plot.log_y)) continue;
      const double v = want_x ? s.x[i] : s.y[i];
      *lo = std::min(*lo, v);
      *hi = std::max(*hi, v);
    }
  }
  if (want_x) {
    for (const auto& t : plot.x_ticks) {
      if (!usable(t.value, log)) continue;
      *lo = std::min(*lo, t.value);
      *hi = std::max(*hi, t.value);
    }
  }
  if (!std::isfinite(*lo)) {
    *lo = log ? 1 : 0;
    *hi = log ? 10 : 1;
  }
  if (log) {
    if (*hi <= *lo) {
      *lo /= 1.5;
      *hi *= 1.5;
    }
    if (wide_log(*lo, *hi)) {
      // Out to the enclosing powers of ten, so the ends carry ticks.
      *lo = std::pow(10, std::floor(std::log10(*lo) + 1e-9));
      *hi = std::pow(10, std::ceil(std::log10(*hi) - 1e-9));
    } else {
      const double pad = std::pow(*hi / *lo, 0.06);
      *lo /= pad;
      *hi *= pad;
    }
    return;
  }
  if (*hi <= *lo) {
    const double pad = *lo == 0 ? 1 : std::abs(*lo) * 0.05;
    *lo -= pad;
    *hi += pad;
  } else if (!want_x) {
    const double pad = (*hi - *lo) * 0.06;
    *lo -= pad;
    *hi += pad;
  }
}

}  // namespace

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
  std::vector<double> ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo || max_ticks < 2) return ticks;
  const double raw = (hi - lo) / (max_ticks - 1);
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  // Multiples k * step, computed afresh each time so no rounding error accumulates.
  const double first = std::ceil(lo / step - 1e-9);
  for (double k = first; k * step <= hi + step * 1e-9; k += 1) {
    ticks.push_back(k == 0 ? 0.0 : k * step);
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi)) return ticks;
  const int a = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int b = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  const bool fine = b - a < 3;
  for (int e = a; e <= b; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !fine) continue;
      const double v = m * std::pow(10, e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push_back(v);
    }
  }
  return ticks;
}

std::string format_tick(double v) {
  char buf[32];
  const double a = std::abs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.0e", v);
    // "1e+06" -> "1e6", "5e-04" -> "5e-4"
    std::string s = buf;
    const size_t e = s.find('e');
    std::string mant = s.substr(0, e), exp = s.substr(e + 1);
    const bool neg = exp[0] == '-';
    exp = exp.substr(1);
    while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
    return mant + "e" + (neg ? "-" : "") + exp;
  }
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string render_svg(const Plot& plot) {
  const double w = std::max(plot.width, 320), h = std::max(plot.height, 200);
  Axis x, y;
  x.log = plot.log_x;
  y.log = plot.log_y;
  data_range(plot, true, x.log, &x.lo, &x.hi);
  data_range(plot, false, y.log, &y.lo, &y.hi);
  x.px_lo = kLeft;
  x.px_hi = w - kRight;
  y.px_lo = h - kBottom;  // y grows upwards
  y.px_hi = kTop;

  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" viewBox=\"0 0 " << w << " " << h << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text class=\"title\" x=\"" << num((x.px_lo + x.px_hi) / 2) << "\" y=\"24\" "
    << "text-anchor=\"middle\" font-size=\"15\">" << escape(plot.title) << "</text>\n";

  // Grid and ticks.
  o << "<g class=\"axes\" stroke=\"#ccc\" stroke-width=\"1\">\n";
  std::vector<PlotTick> xt = plot.x_ticks;
  if (xt.empty()) {
    for (double v : axis_ticks(x.lo, x.hi, x.log, 8)) {
      xt.push_back({v, format_tick(v)});
    }
  }
  std::vector<PlotTick> yt;
  for (double v : axis_ticks(y.lo, y.hi, y.log, 7)) {
    yt.push_back({v, format_tick(v)});
  }
  for (const auto& t : xt) {
    if (!usable(t.value, x.log) || t.value < x.lo || t.value > x.hi) continue;
    const double px = x.map(t.value);
    o << "<line x1=\"" << num(px) << "\" y1=\"" << num(y.px_hi) << "\" x2=\"" << num(px)
      << "\" y2=\"" << num(y.px_lo) << "\"/>\n"
      << "<text class=\"xtick\" x=\"" << num(px) << "\" y=\"" << num(y.px_lo + 16)
      << "\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">" << escape(t.label)
      << "</text>\n";
  }
  for (const auto& t : yt) {
    const double py = y.map(t.value);
    o << "<line x1=\"" << num(x.px_lo) << "\" y1=\"" << num(py) << "\" x2=\"" << num(x.px_hi)
      << "\" y2=\"" << num(py) << "\"/>\n"
      << "<text class=\"ytick\" x=\"" << num(x.px_lo - 6) << "\" y=\"" << num(py + 4)
      << "\" text-anchor=\"end\" stroke=\"none\" fill=\"#333\">" << escape(t.label) << "</text>\n";
  }
  o << "</g>\n"
    << "<rect class=\"frame\" x=\"" << num(x.px_lo) << "\" y=\"" << num(y.px_hi) << "\" width=\""
    << num(x.px_hi - x.px_lo) << "\" height=\"" << num(y.px_lo - y.px_hi)
    << "\" fill=\"none\" stroke=\"#333\"/>\n"
    << "<text class=\"xlabel\" x=\"" << num((x.px_lo + x.px_hi) / 2) << "\" y=\"" << num(h - 14)
    << "\" text-anchor=\"middle\">" << escape(plot.x_label) << "</text>\n"
    << "<text class=\"ylabel\" x=\"18\" y=\"" << num((y.px_lo + y.px_hi) / 2)
    << "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " << num((y.px_lo + y.px_hi) / 2)
    << ")\">" << escape(plot.y_label) << "</text>\n";

  // Series: one polyline per unbroken run of usable points, a marker per point.
  for (size_t s = 0; s < plot.series.size(); ++s) {
    const PlotSeries& ser = plot.series[s];
    const char* colour = series_colour(ser, s);
    o << "<g class=\"series\" data-name=\"" << escape(ser.name) << "\" stroke=\"" << colour
      << "\" fill=\"" << colour << "\">\n";
    std::string points;
    auto flush = [&] {
      if (!points.empty()) {
        o << "<polyline fill=\"none\" stroke-width=\"2\""
          << (ser.dashed ? " stroke-dasharray=\"6 4\"" : "") << " points=\"" << points << "\"/>\n";
      }
      points.clear();
    };
    std::ostringstream markers;
    const size_t n = std::min(ser.x.size(), ser.y.size());
    for (size_t i = 0; i < n; ++i) {
      if (!usable(ser.x[i], x.log) || !usable(ser.y[i], y.log)) {
        flush();
        continue;
      }
      const double px = x.map(ser.x[i]), py = y.map(ser.y[i]);
      if (!points.empty()) points += ' ';
      points += num(px) + "," + num(py);
      if (n <= 60) {
        markers << "<circle cx=\"" << num(px) << "\" cy=\"" << num(py) << "\" r=\"3\"><title>"
                << escape(ser.name) << ": " << format_tick(ser.x[i]) << ", "
                << format_tick(ser.y[i]) << "</title></circle>\n";
      }
    }
    flush();
    o << markers.str() << "</g>\n";
  }

  // Legend, right of the plot area.
  o << "<g class=\"legend\">\n";
  for (size_t s = 0; s < plot.series.size(); ++s) {
    const double ly = kTop + 8 + 20 * static_cast<double>(s);
    const double lx = w - kRight + 14;
    o << "<g class=\"legend-entry\"><line x1=\"" << num(lx) << "\" y1=\"" << num(ly) << "\" x2=\""
      << num(lx + 24) << "\" y2=\"" << num(ly) << "\" stroke=\"" << series_colour(plot.series[s], s)
      << "\" stroke-width=\"2\"" << (plot.series[s].dashed ? " stroke-dasharray=\"6 4\"" : "")
      << "/><text x=\"" << num(lx + 30) << "\" y=\"" << num(ly + 4) << "\">"
      << escape(plot.series[s].name) << "</text></g>\n";
  }
  o << "</g>\n</svg>\n";
  return o.str();
}

bool write_svg(const std::string& path, const Plot& plot, std::string* error) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    *error = "cannot write plot '" + path + "': " + std::strerror(errno);
    return false;
  }
  f << render_svg(plot);
  f.close();
  if (!f) {
    *error = "cannot write plot '" + path + "': write failed";
    return false;
  }
  return true;
}

}  // namespace l1t::experiment
