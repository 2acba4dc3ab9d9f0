// A small line-plot writer: axes with ticks (linear or log10), several named series, a legend,
// as a self-contained SVG a browser opens. Enough for the experiment reports; no dependency.
#pragma once

#include <string>
#include <vector>

namespace l1t::experiment {

struct PlotSeries {
  std::string name;
  std::vector<double> x, y;  // same length; a non-finite y breaks the line there
  bool dashed = false;
  int colour = -1;  // palette index; -1: the series' position
};

struct PlotTick {
  double value = 0;
  std::string label;
};

struct Plot {
  std::string title, x_label, y_label;
  // Non-positive values are left out on a log axis. A log axis spanning over ~1.5 decades
  // runs between powers of ten; a narrower one is padded and ticked like a linear one.
  bool log_x = false, log_y = false;
  std::vector<PlotTick> x_ticks;  // empty: chosen automatically
  std::vector<PlotSeries> series;
  int width = 760, height = 460;
};

// Tick values covering [lo, hi] at 1, 2 or 5 times a power of ten, at most about max_ticks.
std::vector<double> nice_ticks(double lo, double hi, int max_ticks);
// Powers of ten within [lo, hi] (lo > 0), with 2 and 5 times them when that spans < 3 decades.
std::vector<double> log_ticks(double lo, double hi);
// Text for SVG or HTML: & < > " as entities.
std::string escape(const std::string& s);
// Short tick text: "0.95", "1e+06" -> "1e6", "200".
std::string format_tick(double v);

// The plot as an SVG document. Every series is a <g class="series" data-name="...">.
std::string render_svg(const Plot& plot);
// Writes render_svg(plot) to path; false with a reason naming the file on failure.
bool write_svg(const std::string& path, const Plot& plot, std::string* error);

}  // namespace l1t::experiment
