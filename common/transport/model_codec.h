// ModelUpdate <-> FixedModel, with the checks that keep the FPGA footprint fixed.
#pragma once

#include <cstdint>
#include <string>

#include "common/nn/inference/fixed_model.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::transport {

// FNV-1a 64 over architecture, precisions and raw weights: what the checksum field carries.
uint64_t model_checksum(const nn::FixedModel& model);

// Fills update's model fields (layers, precisions, checksum); header and metadata are the caller's.
void encode_model(const nn::FixedModel& model, v1::ModelUpdate* update);

// Decodes and validates shape, precision strings, weight ranges and checksum.
bool decode_model(const v1::ModelUpdate& update, nn::FixedModel* model, std::string* error);

// True when candidate has the deployed model's architecture and every precision; else says why.
bool same_footprint(const nn::FixedModel& deployed, const nn::FixedModel& candidate,
                    std::string* error);

// Model files on disk are a serialised ModelUpdate.
bool write_model_file(const std::string& path, const v1::ModelUpdate& update, std::string* error);
bool read_model_file(const std::string& path, v1::ModelUpdate* update, std::string* error);

}  // namespace l1t::transport
