// The model file (models/model_file.hpp): a write/load round trip rebuilds the same model with
// bit-identical parameters, and files that are not model files are refused with IoError.
// Writing goes through AtomicH5File, which is collective over MPI_COMM_SELF: these tests
// initialise MPI (singleton) on first use and finalise it after the last test.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/config.hpp"
#include "io/hdf5.hpp"
#include "models/model_file.hpp"
#include "models/registry.hpp"

namespace {

namespace fs = std::filesystem;

class MpiOnDemand : public testing::Environment {
 public:
  static void ensure() {
    int init = 0;
    MPI_Initialized(&init);
    if (!init) {
      MPI_Init(nullptr, nullptr);
      started_ = true;
    }
  }
  void TearDown() override {
    int fin = 0;
    MPI_Finalized(&fin);
    if (started_ && !fin) MPI_Finalize();
  }

 private:
  static inline bool started_ = false;
};
[[maybe_unused]] testing::Environment* const kMpiEnv =
    testing::AddGlobalTestEnvironment(new MpiOnDemand);

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("hnn_model_file_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

const char* kInput = R"([data]
path = "somewhere/spring.h5"

[model]
activation = "tanh"
hidden = [8, 5]
init = "orthogonal"
kind = "%KIND%"
last_bias = false
precision = "float64"
)";

std::string input_for(const std::string& kind) {
  std::string s = kInput;
  s.replace(s.find("%KIND%"), 6, kind);
  return s;
}

std::unique_ptr<hnn::Model> build(const std::string& input, int dim) {
  return hnn::make_model(hnn::Config::from_string(input).section("model"), dim);
}

hnn::ModelFileRecord record(const std::string& input) {
  hnn::ModelFileRecord rec;
  rec.steps = 7;
  rec.history = {{5, 7}, {0.5, 0.25}, {0.6, 0.3}, {1e-3, 1e-3}};
  rec.input = input;
  rec.input_file = "train.toml";
  rec.data_path = "somewhere/spring.h5";
  rec.system = "spring";
  return rec;
}

TEST(EvalModelFile, RoundTripKeepsModelAndParameters) {
  MpiOnDemand::ensure();
  TempDir dir;
  for (const std::string kind : {"hnn", "baseline", "separable_hnn"}) {
    const std::string input = input_for(kind);
    const auto model = build(input, 4);
    hnn::Vec theta(model->n_params());
    hnn::Rng rng(3, 0);
    model->init_params(rng, theta);
    const std::string path = dir / (kind + ".h5");
    hnn::write_model_file(path, false, *model, theta, record(input), hnn::Provenance{});

    const auto m = hnn::load_model_file(path);
    EXPECT_EQ(m.model->kind(), kind);
    EXPECT_EQ(m.model->dim(), 4);
    EXPECT_EQ(m.model->n_params(), model->n_params());
    ASSERT_EQ(m.params.size(), theta.size());
    EXPECT_TRUE(m.params == theta) << kind << ": parameters must round-trip bit for bit";
    EXPECT_EQ(m.data_path, "somewhere/spring.h5");
    EXPECT_EQ(m.system, "spring");
    EXPECT_EQ(m.steps, 7);
    EXPECT_EQ(m.input, input);
    // Existing output: refused unless overwrite.
    EXPECT_THROW(hnn::write_model_file(path, false, *model, theta, record(input), {}), hnn::Error);
    EXPECT_NO_THROW(hnn::write_model_file(path, true, *model, theta, record(input), {}));
  }
}

TEST(EvalModelFile, RefusesWhatIsNotAModelFile) {
  MpiOnDemand::ensure();
  TempDir dir;
  EXPECT_THROW(hnn::load_model_file(dir / "missing.h5"), hnn::IoError);
  {  // not HDF5 at all
    std::ofstream(dir / "text.h5") << "hello\n";
    EXPECT_THROW(hnn::load_model_file(dir / "text.h5"), hnn::IoError);
  }
  {  // HDF5 of another format
    auto f = hnn::h5::File::create(dir / "other.h5");
    hnn::h5::write_attr(f, "/", "format", std::string("hnn-trajectories"));
    f.close();
    try {
      hnn::load_model_file(dir / "other.h5");
      ADD_FAILURE() << "no exception";
    } catch (const hnn::IoError& e) {
      EXPECT_NE(std::string(e.what()).find("other.h5: not an hnn model file"), std::string::npos)
          << e.what();
    }
  }
  {  // a parameter count that does not fit the stored [model]
    const std::string input = input_for("hnn");
    const auto model = build(input, 2);
    const hnn::Vec theta = hnn::Vec::Zero(model->n_params() - 1);
    hnn::write_model_file(dir / "short.h5", false, *model, theta, record(input), {});
    try {
      hnn::load_model_file(dir / "short.h5");
      ADD_FAILURE() << "no exception";
    } catch (const hnn::IoError& e) {
      EXPECT_NE(std::string(e.what()).find("short.h5: /params has"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
