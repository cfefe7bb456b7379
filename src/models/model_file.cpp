#include "models/model_file.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"
#include "io/hdf5.hpp"
#include "models/registry.hpp"
#include "train/checkpoint.hpp"

namespace hnn {

void write_model_file(const std::string& path, bool overwrite, const Model& model,
                      ConstVecRef params, const ModelFileRecord& rec, const Provenance& prov) {
  AtomicH5File out(path, MPI_COMM_SELF, overwrite);
  const h5::File& f = out.file();
  const auto np = static_cast<hsize_t>(params.size());
  h5::Dataset::create<double>(f, "/params", {np}).write_rows(params.data(), 0, np);
  for (auto [name, h] : {std::pair{"/history/step", &rec.history.step},
                         std::pair{"/history/train_loss", &rec.history.train_loss},
                         std::pair{"/history/test_loss", &rec.history.test_loss},
                         std::pair{"/history/lr", &rec.history.lr}})
    h5::Dataset::create<double>(f, name, {h->size()}).write_rows(h->data(), 0, h->size());
  write_provenance(f, prov, rec.input, rec.input_file);
  h5::write_attr(f, "/", "format", std::string(kModelFormat));
  h5::write_attr(f, "/", "format_version", kModelFormatVersion);
  h5::write_attr(f, "/", "model", model.kind());
  h5::write_attr(f, "/", "dim", std::int64_t{model.dim()});
  h5::write_attr(f, "/", "n_params", std::int64_t{model.n_params()});
  h5::write_attr(f, "/", "steps", std::int64_t{rec.steps});
  if (model.frame_pixels() > 0)
    h5::write_attr(f, "/", "frame_pixels", std::int64_t{model.frame_pixels()});
  h5::write_attr(f, "/", "data", rec.data_path);
  h5::write_attr(f, "/", "system", rec.system);
  out.commit();
}

LoadedModel load_model_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw IoError(path + ": model file not found");
  const auto f = h5::File::open(path);
  const auto not_model = [&](const std::string& why) {
    return IoError(path + ": not an hnn model file (" + why + ")");
  };
  if (!h5::has_attr(f, "/", "format")) throw not_model("no 'format' attribute");
  const std::string format = h5::read_attr_string(f, "/", "format");
  if (format == kCheckpointFormat) {  // the common slip mid-run: say how to get a model from it
    const std::string step =
        h5::has_attr(f, "/", "step") ? std::to_string(h5::read_attr_int(f, "/", "step")) : "N";
    throw IoError(path + ": a training checkpoint (step " + step +
                  "), not a model file; write its model with: hnn train INPUT --restart " + path +
                  " --set train.steps=" + step + " --set output.path=MODEL.h5");
  }
  if (format != kModelFormat) throw not_model("format is '" + format + "', expected 'hnn-model'");
  const std::int64_t version = h5::read_attr_int(f, "/", "format_version");
  if (version != kModelFormatVersion)
    throw IoError(path + ": model format version " + std::to_string(version) + " (this hnn reads " +
                  std::to_string(kModelFormatVersion) + ")");
  for (const char* a : {"input", "dim", "n_params", "model"})
    if (!h5::has_attr(f, "/", a)) throw not_model(std::string("no '") + a + "' attribute");

  LoadedModel m;
  m.path = path;
  m.input = h5::read_attr_string(f, "/", "input");
  const std::int64_t dim = h5::read_attr_int(f, "/", "dim");
  if (dim <= 0 || dim % 2 != 0)
    throw IoError(path + ": state dimension " + std::to_string(dim) + " is not 2·dof");
  try {
    Config cfg = Config::from_string(m.input, path + " (stored input)");
    const long px = h5::has_attr(f, "/", "frame_pixels")
                        ? static_cast<long>(h5::read_attr_int(f, "/", "frame_pixels"))
                        : 0;
    m.model = make_model(cfg.section("model"), static_cast<int>(dim), px);
    if (cfg.has_section("data")) m.data_path = cfg.section("data").get_string("path", "");
  } catch (const ConfigError& e) {
    throw IoError(path + ": cannot rebuild the model from the stored input: " + e.what());
  }
  if (m.data_path.empty() && h5::has_attr(f, "/", "data"))
    m.data_path = h5::read_attr_string(f, "/", "data");
  m.system = h5::has_attr(f, "/", "system") ? h5::read_attr_string(f, "/", "system") : "unknown";
  if (h5::has_attr(f, "/", "steps"))
    m.steps = static_cast<long>(h5::read_attr_int(f, "/", "steps"));

  const std::string kind = h5::read_attr_string(f, "/", "model");
  if (kind != m.model->kind())
    throw IoError(path + ": attribute model = '" + kind + "' but the stored input builds a '" +
                  m.model->kind() + "' model");
  const std::int64_t np_attr = h5::read_attr_int(f, "/", "n_params");
  if (!h5::exists(f, "/params")) throw not_model("no /params");
  const auto ds = h5::Dataset::open(f, "/params");
  if (ds.shape().size() != 1 || static_cast<std::int64_t>(ds.shape()[0]) != np_attr ||
      np_attr != m.model->n_params())
    throw IoError(path + ": /params has " +
                  std::to_string(ds.shape().empty() ? 0 : ds.shape()[0]) +
                  " entries, attribute n_params = " + std::to_string(np_attr) +
                  ", the rebuilt model has " + std::to_string(m.model->n_params()));
  m.params.resize(m.model->n_params());
  ds.read_rows(m.params.data(), 0, ds.rows());
  if (!m.params.allFinite()) throw IoError(path + ": /params holds non-finite values");
  return m;
}

}  // namespace hnn
