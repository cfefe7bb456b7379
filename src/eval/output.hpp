// What every `hnn evaluate` output file has, whatever the model kind (eval/evaluate*.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "eval/evaluate.hpp"
#include "io/hdf5.hpp"
#include "io/provenance.hpp"

namespace hnn {

// M, column-major (its fastest index first), as the C-order dataset NAME of shape DIMS.
inline void write_matrix(const h5::File& f, const std::string& name, const Mat& m,
                         std::vector<hsize_t> dims) {
  h5::Dataset::create<double>(f, name, dims).write_rows(m.data(), 0, dims[0]);
}

// The group /metrics (a scalar attribute per metric, NAME_pm beside those with a ±), the
// provenance (input = RESOLVED, input_file = INPUT_FILE) and the root attributes
// format = FORMAT, format_version = 1, model, model_file and data.
inline void write_evaluation_common(const h5::File& f, const std::vector<Metric>& metrics,
                                    const Provenance& prov, const std::string& resolved,
                                    const std::string& input_file, const std::string& format,
                                    const std::string& model, const std::string& model_file,
                                    const std::string& data) {
  h5::create_group(f, "/metrics");
  for (const auto& mt : metrics) {
    h5::write_attr(f, "/metrics", mt.name, mt.value);
    if (mt.has_pm) h5::write_attr(f, "/metrics", mt.name + "_pm", mt.pm);
  }
  write_provenance(f, prov, resolved, input_file);
  h5::write_attr(f, "/", "format", format);
  h5::write_attr(f, "/", "format_version", std::int64_t{1});
  h5::write_attr(f, "/", "model", model);
  h5::write_attr(f, "/", "model_file", model_file);
  h5::write_attr(f, "/", "data", data);
}

}  // namespace hnn
