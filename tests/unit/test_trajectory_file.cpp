// Pieces of the data-set contract: time grid, shards, splits, and an HDF5 round trip.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/generate.hpp"
#include "data/trajectory_file.hpp"
#include "core/error.hpp"
#include "io/hdf5.hpp"

namespace {

TEST(Linspace, MatchesNumpy) {
  const auto t = hnn::linspace(0.0, 3.0, 30);
  ASSERT_EQ(t.size(), 30u);
  EXPECT_EQ(t.front(), 0.0);
  EXPECT_EQ(t.back(), 3.0);
  EXPECT_EQ(t[7], 7 * (3.0 / 29));  // numpy: start + i * step, exactly
  EXPECT_EQ(hnn::linspace(1.0, 2.0, 1), std::vector<double>{1.0});
}

TEST(Shard, CoversEverythingOnceWithSizesWithinOne) {
  for (long n : {0L, 1L, 7L, 37L, 1000L})
    for (int size : {1, 2, 3, 8}) {
      long next = 0, lo = n, hi = 0;
      for (int r = 0; r < size; ++r) {
        const auto s = hnn::shard_of(n, r, size);
        EXPECT_EQ(s.begin, next);
        next = s.end;
        lo = std::min(lo, s.size());
        hi = std::max(hi, s.size());
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(hi - lo, 1);
    }
}

TEST(Split, FirstOrLast) {
  std::vector<std::int64_t> train, test;
  hnn::make_split(5, 2, true, train, test);
  EXPECT_EQ(test, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(train, (std::vector<std::int64_t>{2, 3, 4}));
  hnn::make_split(5, 2, false, train, test);
  EXPECT_EQ(test, (std::vector<std::int64_t>{3, 4}));
}

TEST(Hdf5, RoundTripOfRowsAndAttributes) {
  const std::string path = (std::filesystem::temp_directory_path() / "hnn_h5_roundtrip.h5").string();
  std::vector<double> data(4 * 3 * 2);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = 0.5 * static_cast<double>(i);
  {
    auto f = hnn::h5::File::create(path);
    auto d = hnn::h5::Dataset::create<double>(f, "/g/x", {4, 3, 2}, {{1, 3, 2}, 4});
    d.write_rows(data.data(), 0, 2);
    d.write_rows(data.data() + 12, 2, 2);
    hnn::h5::write_attr(f, "/", "name", std::string("spring"));
    hnn::h5::write_attr(f, "/g/x", "scale", 2.5);
    hnn::h5::write_attr(f, "/", "count", std::int64_t{7});
    EXPECT_THROW(d.write_rows(data.data(), 3, 2), hnn::IoError);  // past the end
    f.close();
  }
  auto f = hnn::h5::File::open(path);
  auto d = hnn::h5::Dataset::open(f, "/g/x");
  EXPECT_EQ(d.shape(), (std::vector<hsize_t>{4, 3, 2}));
  EXPECT_EQ(d.read_all<double>(), data);
  std::vector<double> row(6);
  d.read_rows(row.data(), 1, 1);
  EXPECT_EQ(row[0], data[6]);
  EXPECT_EQ(hnn::h5::read_attr_string(f, "/", "name"), "spring");
  EXPECT_EQ(hnn::h5::read_attr_double(f, "/g/x", "scale"), 2.5);
  EXPECT_EQ(hnn::h5::read_attr_int(f, "/", "count"), 7);
  EXPECT_FALSE(hnn::h5::exists(f, "/g/y"));
  EXPECT_FALSE(hnn::h5::exists(f, "/nope/y"));
  EXPECT_THROW(hnn::h5::Dataset::open(f, "/g/y"), hnn::IoError);
  EXPECT_THROW(hnn::h5::File::open(path + ".missing"), hnn::IoError);
  std::filesystem::remove(path);
}

}  // namespace
