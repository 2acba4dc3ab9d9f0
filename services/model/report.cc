#include "services/model/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "common/fixed/cast.h"
#include "common/nn/hls4ml/hls4ml_export.h"
#include "common/nn/hls4ml/hls4ml_text.h"
#include "common/nn/inference/footprint.h"

namespace l1t::model_tool {
namespace {

constexpr const char* kFixedFootprintNote =
    "A weight update never changes the footprint: the architecture and every precision are fixed "
    "when the firmware is built, an update only rewrites the values held in the weight "
    "registers, and the inference node refuses any update whose shape or precision differs.";

// Breaks text into lines of at most `width` characters at spaces, for the terminal.
std::string wrap(const std::string& text, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line + "\n";
}

Json stats_json(const ParamStats& s) {
  return Json{{"count", s.count},
              {"min", s.min},
              {"max", s.max},
              {"zeros", s.zeros},
              {"at_saturation_edge", s.at_max + s.at_min},
              {"at_max", s.at_max},
              {"at_min", s.at_min}};
}

std::string utc(int64_t unix_ns) {
  if (unix_ns <= 0) return "unknown";
  const std::time_t t = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sizes_text(const nn::FixedModel& model) {
  std::string s = model.layers.empty() ? "" : std::to_string(model.layers[0].n_in);
  for (const auto& l : model.layers) s += "-" + std::to_string(l.n_out);
  return s;
}

int max_product_width(const nn::Footprint& f) {
  int w = 0;
  for (const auto& l : f.layers) w = std::max(w, l.product_width);
  return w;
}

std::string stats_line(const char* what, const fixed::Spec& spec,
                       const std::vector<int64_t>& raws) {
  const ParamStats s = param_stats(raws, spec);
  const auto [lo, hi] = std::minmax_element(raws.begin(), raws.end());
  return fmt::format("  {:<8} {:<28} [{}, {}]  at edge {} of {} ({} max, {} min), zeros {}\n", what,
                     spec.str(), nn::format_fixed(*lo, spec), nn::format_fixed(*hi, spec),
                     s.at_max + s.at_min, s.count, s.at_max, s.at_min, s.zeros);
}

}  // namespace

std::string hex64(uint64_t v) { return fmt::format("{:#018x}", v); }

ParamStats param_stats(const std::vector<int64_t>& raws, const fixed::Spec& spec) {
  ParamStats s;
  if (raws.empty()) return s;
  const int64_t min_edge = spec.overflow == fixed::Overflow::kSatSym && spec.is_signed
                               ? -spec.max_raw()
                               : spec.min_raw();
  const auto [lo, hi] = std::minmax_element(raws.begin(), raws.end());
  s.count = static_cast<int64_t>(raws.size());
  s.min = fixed::to_double(*lo, spec);
  s.max = fixed::to_double(*hi, spec);
  for (int64_t r : raws) {
    s.zeros += r == 0;
    s.at_max += r == spec.max_raw();
    s.at_min += r <= min_edge;
  }
  return s;
}

std::string architecture_text(const nn::FixedModel& model) {
  std::string s = model.layers.empty() ? "(no layers)" : std::to_string(model.layers[0].n_in);
  for (const auto& l : model.layers) {
    s += fmt::format(" -> {} ({})", l.n_out, nn::hls4ml_activation_name(l.activation));
  }
  return s;
}

Json model_json(const nn::FixedModel& model) {
  const auto names = nn::hls4ml_names(model);
  Json sizes = Json::array(), activations = Json::array(), layers = Json::array();
  if (!model.layers.empty()) sizes.push_back(model.layers[0].n_in);
  for (size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    const auto& n = names[k];
    sizes.push_back(l.n_out);
    activations.push_back(nn::hls4ml_activation_name(l.activation));
    Json types{{"weight", n.weight_type},
               {"bias", n.bias_type},
               {"accum", n.accum_type},
               {"result", n.result_type},
               {"activation", n.activation_type}};
    if (!n.table_type.empty()) types["table"] = n.table_type;
    layers.push_back(Json{
        {"index", k},
        {"n_in", l.n_in},
        {"n_out", l.n_out},
        {"activation", nn::hls4ml_activation_name(l.activation)},
        {"precision",
         {{"weight", l.weight.str()},
          {"bias", l.bias.str()},
          {"accum", l.accum.str()},
          {"result", l.result.str()},
          {"activation", l.activation_result.str()}}},
        {"hls4ml",
         {{"layer", n.keras},
          {"layer_index", n.index},
          {"activation_layer", n.activation},
          {"weights", n.weight_var},
          {"biases", n.bias_var},
          {"types", types}}},
        {"weights", stats_json(param_stats(l.weights, l.weight))},
        {"biases", stats_json(param_stats(l.biases, l.bias))},
    });
  }
  return Json{
      {"architecture",
       {{"sizes", sizes}, {"activations", activations}, {"text", architecture_text(model)}}},
      {"input_precision", model.input.str()},
      {"sigmoid_table",
       {{"precision", model.sigmoid_table.str()}, {"size", model.sigmoid_table_size}}},
      {"weight_layout", "weight i * n_out + j is input i, output j: the Keras kernel in C order"},
      {"layers", layers},
  };
}

Json hls4ml_config_json(const nn::FixedModel& model) {
  const auto names = nn::hls4ml_names(model);
  Json by_name = Json::object();
  by_name["dense_input"] = {{"Precision", {{"result", model.input.str()}}}};
  for (size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    by_name[names[k].keras] = {{"Precision",
                                {{"weight", l.weight.str()},
                                 {"bias", l.bias.str()},
                                 {"accum", l.accum.str()},
                                 {"result", l.result.str()}}}};
    Json act{{"Precision", {{"result", l.activation_result.str()}}}};
    if (l.activation == nn::Activation::kSigmoid) {
      act["Precision"]["table"] = model.sigmoid_table.str();
      act["table_size"] = model.sigmoid_table_size;
    }
    by_name[names[k].activation] = act;
  }
  return Json{
      {"Model", {{"Precision", model.input.str()}, {"ReuseFactor", 1}, {"Strategy", "Latency"}}},
      {"LayerName", by_name}};
}

Json footprint_json(const nn::FixedModel& model) {
  const nn::Footprint f = nn::compute_footprint(model);
  const auto names = nn::hls4ml_names(model);
  Json layers = Json::array();
  for (size_t k = 0; k < f.layers.size(); ++k) {
    const auto& l = f.layers[k];
    layers.push_back(Json{{"layer", names[k].keras},
                          {"n_in", l.n_in},
                          {"n_out", l.n_out},
                          {"multiplications", l.multiplications},
                          {"additions", l.additions},
                          {"activations", l.activations},
                          {"weight_bits", l.weight_bits},
                          {"bias_bits", l.bias_bits},
                          {"product_width", l.product_width},
                          {"accum_width", l.accum_width},
                          {"accum", model.layers[k].accum.str()},
                          {"auto_accum", l.auto_accum.str()},
                          {"dsp48e2_per_multiplication", l.dsp_per_multiplication}});
  }
  Json alternatives = Json::array();
  for (const auto& a : nn::footprint_alternatives(model, nn::default_alternative_precisions())) {
    alternatives.push_back(Json{
        {"weight_and_bias_precision", a.weight.str()},
        {"weight_bits", a.footprint.weight_bits},
        {"bias_bits", a.footprint.bias_bits},
        {"parameter_bits", a.footprint.weight_bits + a.footprint.bias_bits},
        {"max_product_width", max_product_width(a.footprint)},
        {"dsp48e2_estimate", a.footprint.dsp_estimate},
        {"auto_accum_layer0",
         a.footprint.layers.empty() ? "" : a.footprint.layers[0].auto_accum.str()},
    });
  }
  return Json{{"assumes", "hls4ml latency strategy, reuse factor 1, weights in registers"},
              {"multiplications", f.multiplications},
              {"additions", f.additions},
              {"activations", f.activations},
              {"weights", f.weights},
              {"biases", f.biases},
              {"weight_bits", f.weight_bits},
              {"bias_bits", f.bias_bits},
              {"parameter_bits", f.weight_bits + f.bias_bits},
              {"dsp48e2_estimate", f.dsp_estimate},
              {"layers", layers},
              {"alternatives", alternatives},
              {"weight_update_changes_footprint", false},
              {"note", kFixedFootprintNote}};
}

std::string footprint_text(const nn::FixedModel& model) {
  const nn::Footprint f = nn::compute_footprint(model);
  const auto names = nn::hls4ml_names(model);
  std::string s = fmt::format(
      "footprint of {} (hls4ml latency strategy, reuse factor 1: a multiplier per weight)\n",
      sizes_text(model));
  s += fmt::format("  {:<10} {:>9} {:>7} {:>7} {:>5} {:>11} {:>9} {:>8}  {:<20} {}\n", "layer",
                   "in x out", "mults", "adds", "act", "weight bits", "bias bits", "product",
                   "accum", "(hls4ml 'auto')");
  for (size_t k = 0; k < f.layers.size(); ++k) {
    const auto& l = f.layers[k];
    s += fmt::format("  {:<10} {:>4} x {:<3} {:>7} {:>7} {:>5} {:>11} {:>9} {:>5} b   {:<20} {}\n",
                     names[k].keras, l.n_in, l.n_out, l.multiplications, l.additions, l.activations,
                     l.weight_bits, l.bias_bits, l.product_width, model.layers[k].accum.str(),
                     l.auto_accum.str());
  }
  s += fmt::format("  {:<10} {:>9} {:>7} {:>7} {:>5} {:>11} {:>9}\n", "total", "",
                   f.multiplications, f.additions, f.activations, f.weight_bits, f.bias_bits);
  s += fmt::format("  parameters: {} weights + {} biases = {} bits of weight registers\n",
                   f.weights, f.biases, f.weight_bits + f.bias_bits);
  s +=
      fmt::format("  multipliers: {}, about {} DSP48E2 slices (27x18) if none is built from LUTs\n",
                  f.multiplications, f.dsp_estimate);
  s += "\n  the same network with other weight and bias precisions:\n";
  s += fmt::format("  {:<30} {:>11} {:>9} {:>10} {:>8} {:>8}  {}\n", "weights and biases",
                   "weight bits", "bias bits", "total bits", "product", "DSP48E2",
                   "'auto' accum (layer 0)");
  bool listed = false;
  for (const auto& a : nn::footprint_alternatives(model, nn::default_alternative_precisions())) {
    const bool current = std::all_of(model.layers.begin(), model.layers.end(), [&](const auto& l) {
      return l.weight == a.weight && l.bias == a.weight;
    });
    listed |= current;
    s += fmt::format("  {:<30} {:>11} {:>9} {:>10} {:>6} b {:>8}  {}\n",
                     a.weight.str() + (current ? " (this model)" : ""), a.footprint.weight_bits,
                     a.footprint.bias_bits, a.footprint.weight_bits + a.footprint.bias_bits,
                     max_product_width(a.footprint), a.footprint.dsp_estimate,
                     a.footprint.layers.empty() ? "" : a.footprint.layers[0].auto_accum.str());
  }
  if (!listed) {
    s +=
        fmt::format("  {:<30} {:>11} {:>9} {:>10} {:>6} b {:>8}\n", "(this model)", f.weight_bits,
                    f.bias_bits, f.weight_bits + f.bias_bits, max_product_width(f), f.dsp_estimate);
  }
  s += fmt::format("  multiplications ({}) and additions ({}) are the same for every precision.\n",
                   f.multiplications, f.additions);
  s += "\n" + wrap(kFixedFootprintNote, 96);
  return s;
}

Json inspect_json(const LoadedModel& m) {
  const auto& u = m.update;
  Json j{{"file", m.path},
         {"version", u.version()},
         {"parent_version", u.parent_version()},
         {"algorithm", u.algorithm()},
         {"strategy", u.strategy()},
         {"samples_seen", u.samples_seen()},
         {"train_loss", u.train_loss()},
         {"created_unix_ns", u.created_unix_ns()},
         {"created_utc", utc(u.created_unix_ns())},
         {"sender", u.header().sender()},
         {"schema_version", u.header().schema_version()},
         {"checksum",
          {{"stored", hex64(u.checksum())},
           {"computed", hex64(m.computed_checksum)},
           {"verifies", m.checksum_ok}}}};
  j.update(model_json(m.model));
  j["footprint"] = footprint_json(m.model);
  return j;
}

std::string inspect_text(const LoadedModel& m) {
  const auto& u = m.update;
  const auto& model = m.model;
  std::string s = fmt::format("model file      {}\n", m.path);
  s += fmt::format("version         {} (parent {})\n", u.version(), u.parent_version());
  s += fmt::format("training        algorithm {}, strategy {}, {} samples seen, loss {:.6g}\n",
                   u.algorithm().empty() ? "-" : u.algorithm(),
                   u.strategy().empty() ? "-" : u.strategy(), u.samples_seen(), u.train_loss());
  s += fmt::format("created         {} by {} (schema {}, sequence {})\n", utc(u.created_unix_ns()),
                   u.header().sender().empty() ? "?" : u.header().sender(),
                   u.header().schema_version(), u.header().sequence());
  s += m.checksum_ok ? fmt::format("checksum        {} (verifies)\n", hex64(u.checksum()))
                     : fmt::format("checksum        {} stored, {} computed: DOES NOT VERIFY\n",
                                   hex64(u.checksum()), hex64(m.computed_checksum));
  s += fmt::format("architecture    {}\n", architecture_text(model));
  s += fmt::format("input           {}\n", model.input.str());
  s += fmt::format("sigmoid table   {} entries of {}\n", model.sigmoid_table_size,
                   model.sigmoid_table.str());
  const auto names = nn::hls4ml_names(model);
  for (size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    const auto& n = names[k];
    s += fmt::format("\nlayer {}: {} -> {}, {} (hls4ml '{}' {}/{}, then '{}')\n", k, l.n_in,
                     l.n_out, nn::hls4ml_activation_name(l.activation), n.keras, n.weight_var,
                     n.bias_var, n.activation);
    s += stats_line("weights", l.weight, l.weights);
    s += stats_line("biases", l.bias, l.biases);
    s += fmt::format("  {:<8} {}\n", "accum", l.accum.str());
    s += fmt::format("  {:<8} {}\n", "result", l.result.str());
    s += fmt::format("  {:<8} {}\n", nn::hls4ml_activation_name(l.activation),
                     l.activation_result.str());
  }
  s += "\n" + footprint_text(model);
  return s;
}

}  // namespace l1t::model_tool
