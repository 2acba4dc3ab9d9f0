// The subcommands of l1t-model. Each prints its result to stdout, errors to stderr, and returns
// the process exit code (0 ok, 1 bad input or failure).
#pragma once

#include <cstdint>
#include <string>

namespace l1t::model_tool {

struct InspectArgs {
  std::string file;
  bool json = false;
};
int run_inspect(const InspectArgs& args);
int run_footprint(const InspectArgs& args);

struct ExportArgs {
  std::string file;
  std::string dir;
};
int run_export(const ExportArgs& args);

struct ImportArgs {
  std::string dir;
  std::string precision;  // hls4ml spelling; required unless `like` is given
  std::string accum;      // empty: same as precision; "auto": hls4ml's auto accumulator
  std::string sizes;      // empty: inferred from the value counts
  std::string like;       // a model file to take every precision and the sizes from
  std::string out;        // empty: <dir>/l1t_model.pb
  uint64_t version = 1;
  bool saturate = false;
};
int run_import(const ImportArgs& args);

struct PredictArgs {
  std::string file;
  std::string input;  // CSV path, "-" for stdin
  bool layers = false;
};
int run_predict(const PredictArgs& args);

}  // namespace l1t::model_tool
