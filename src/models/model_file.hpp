// The trained-model file: what `hnn train` writes and `hnn evaluate` / `hnn predict` read.
//
//   /params                      float64 (n_params)  θ, in the model's own layout
//   /history/{step, train_loss, test_loss, lr}  float64 (n_logged)
//   root attributes: format = "hnn-model", format_version = 1, model (kind), dim, n_params,
//   steps, data (path of the training data set), system (its system name), and the provenance
//   (io/provenance.hpp) with input = the resolved training input (TOML).
//
// The model is rebuilt from the [model] section of the stored input and the `dim` attribute
// (models/registry.hpp), so a model file is self-describing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "io/provenance.hpp"
#include "models/model.hpp"

namespace hnn {

inline constexpr const char* kModelFormat = "hnn-model";
inline constexpr std::int64_t kModelFormatVersion = 1;

// The loss history stored beside θ (one entry per logged step).
struct TrainingHistory {
  std::vector<double> step, train_loss, test_loss, lr;
};

// What goes into a model file besides the model itself.
struct ModelFileRecord {
  long steps = 0;                  // optimizer steps taken
  TrainingHistory history;
  std::string input, input_file;   // the resolved training input (TOML) and its file name
  std::string data_path, system;   // the training data set and its system name
};

// Writes PATH atomically (AtomicH5File on MPI_COMM_SELF: call it on one rank). Throws IoError
// if PATH exists and OVERWRITE is false, or on any HDF5 failure.
void write_model_file(const std::string& path, bool overwrite, const Model& model,
                      ConstVecRef params, const ModelFileRecord& rec, const Provenance& prov);

struct LoadedModel {
  std::string path;                // the model file
  std::unique_ptr<Model> model;    // rebuilt from the stored [model] section and `dim`
  Vec params;                      // θ (n_params)
  std::string input;               // the resolved training input (TOML)
  std::string data_path;           // [data] path of the training input
  std::string system;              // system name of the training data ("measured" if imported)
  long steps = 0;
};

// Reads and checks a model file (serially; call it on one rank). Throws IoError naming the
// file when it is missing, not an HDF5 file, not of format "hnn-model", or when the parameter
// count disagrees with the rebuilt model.
LoadedModel load_model_file(const std::string& path);

}  // namespace hnn
