// l1t-model: the firmware-exchange tool. Inspects model files, exports them as an hls4ml
// project's weight files, imports such files back, runs the bit-exact model on CSV inputs and
// reports the FPGA footprint. No sockets: a thin CLI over common/nn and services/model.
#include <CLI/CLI.hpp>

#include "services/model/commands.h"

int main(int argc, char** argv) {
  using namespace l1t::model_tool;
  CLI::App app{"l1t-model: inspect, export to and import from hls4ml, predict, footprint"};
  app.require_subcommand(1);

  InspectArgs inspect;
  auto* c_inspect = app.add_subcommand("inspect",
                                       "architecture, precisions, metadata, checksum, "
                                       "weight ranges and footprint of a model file");
  c_inspect->add_option("FILE", inspect.file, "model file (serialised l1t.v1.ModelUpdate)")
      ->required();
  c_inspect->add_flag("--json", inspect.json, "print JSON instead of text");

  InspectArgs footprint;
  auto* c_footprint = app.add_subcommand("footprint",
                                         "multipliers, adders and weight bits of the "
                                         "model, and with other precisions");
  c_footprint->add_option("FILE", footprint.file, "model file")->required();
  c_footprint->add_flag("--json", footprint.json, "print JSON instead of text");

  ExportArgs exp;
  auto* c_export = app.add_subcommand("export-hls4ml",
                                      "write DIR/weights/w2.txt, w2.h, b2.txt, "
                                      "... as an hls4ml project reads them");
  c_export->add_option("FILE", exp.file, "model file")->required();
  c_export->add_option("DIR", exp.dir, "output directory (created)")->required();

  ImportArgs imp;
  auto* c_import = app.add_subcommand("import-hls4ml",
                                      "read DIR/weights/w*.txt, b*.txt into a "
                                      "model file");
  c_import->add_option("DIR", imp.dir, "directory holding weights/ (or firmware/weights/)")
      ->required();
  c_import->add_option("--precision", imp.precision,
                       "every type, hls4ml spelling, e.g. 'ap_fixed<16,6>' or "
                       "'ap_fixed<16,6,AP_RND,AP_SAT>'");
  c_import->add_option("--accum", imp.accum, "accumulator type, or 'auto' (default: --precision)");
  c_import->add_option("--sizes", imp.sizes,
                       "layer sizes incl. the input, e.g. 5,25,30,1 "
                       "(default: inferred, 5 inputs)");
  c_import->add_option("--like", imp.like,
                       "take every precision and the sizes from this model "
                       "file (e.g. the one in service)");
  c_import->add_option("--out", imp.out, "model file to write (default DIR/l1t_model.pb)");
  c_import->add_option("--version", imp.version, "version number to give the model")
      ->default_val(1);
  c_import->add_flag("--saturate", imp.saturate,
                     "clamp out-of-range values instead of "
                     "applying the type's overflow mode");

  PredictArgs predict;
  auto* c_predict = app.add_subcommand("predict", "run the bit-exact model on CSV rows of inputs");
  c_predict->add_option("FILE", predict.file, "model file")->required();
  c_predict
      ->add_option("--input", predict.input,
                   "CSV, one row of real inputs per line; - for "
                   "stdin")
      ->required();
  c_predict->add_flag("--layers", predict.layers, "also print every layer's outputs (raw)");

  CLI11_PARSE(app, argc, argv);
  if (c_inspect->parsed()) return run_inspect(inspect);
  if (c_footprint->parsed()) return run_footprint(footprint);
  if (c_export->parsed()) return run_export(exp);
  if (c_import->parsed()) return run_import(imp);
  if (c_predict->parsed()) return run_predict(predict);
  return 2;
}
