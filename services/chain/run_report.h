// The run as one self-contained HTML page (`l1t-chain --report DIR`): inline SVG plots, no
// script and nothing fetched, so it opens anywhere and can be mailed. Per degradation level:
// the PV-track efficiency at the target pile-up acceptance and the HT trigger's efficiency at
// the frozen model's rate for the live model, the frozen one and the ceiling; the ROC AUC; each
// input's drift from the run's start; and tables of the drift alarms, the weight versions and
// the gate's decisions, and the labels.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace l1t::chain {

// summary: l1t-chain's summary JSON.
std::string render_report(const nlohmann::json& summary);
// Writes DIR/report.html (DIR made if missing); false with *error if it cannot.
bool write_report(const std::string& dir, const nlohmann::json& summary, std::string* path,
                  std::string* error);

}  // namespace l1t::chain
