// `l1t-model predict`: rows of real-valued inputs in, the model's fixed-point answers out, as CSV.
#pragma once

#include <iosfwd>
#include <string>

#include "common/nn/inference/fixed_model.h"

namespace l1t::model_tool {

// Each input row holds the model's n_in real values, comma-separated; a first line that is not
// numeric is taken as a header, blank lines and lines starting with '#' are skipped. Every value
// is quantised to the model's input precision with fixed::from_double (as ap_fixed's constructor
// from double), then run through nn::FixedPredictor. Writes a header and one line per row:
//   row, x<i>_raw..., [l<k>_dense_<j>..., l<k>_<activation>_<j>... per layer], out<j>_raw, out<j>
// Raws are integers (value = raw * 2^-(W-I)); out<j> is the exact decimal value. Stops at the
// first bad row and says which line and value are wrong.
bool predict_csv(const nn::FixedModel& model, std::istream& in, std::ostream& out, bool layers,
                 std::string* error);

}  // namespace l1t::model_tool
