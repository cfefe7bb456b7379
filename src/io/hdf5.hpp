// A small RAII layer over the HDF5 C API (serial and MPI-IO parallel files).
// Every failure throws hnn::IoError naming the file and the object; HDF5's own error printing
// is switched off. In a parallel file every call here is collective: all ranks make the same
// calls with the same arguments (row selections may differ; a rank may select no rows).
#pragma once

#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hnn::h5 {

// An owned HDF5 identifier, closed by the matching H5?close on destruction.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Closes now; returns false if HDF5 reported an error.
  bool reset();

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// Element types stored by hnn.
template <class T> hid_t native_type();
template <> inline hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> inline hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> inline hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> inline hid_t native_type<std::uint8_t>() { return H5T_NATIVE_UINT8; }

class File {
 public:
  // Creates (truncating) PATH. With a communicator other than MPI_COMM_NULL the file is opened
  // with MPI-IO and every later call is collective over it.
  static File create(const std::string& path, MPI_Comm comm = MPI_COMM_NULL);
  // Opens PATH read-only (or read-write), serial or parallel as above.
  static File open(const std::string& path, MPI_Comm comm = MPI_COMM_NULL, bool writable = false);

  hid_t id() const { return h_.id(); }
  const std::string& path() const { return path_; }
  bool parallel() const { return comm_ != MPI_COMM_NULL; }
  // Flushes and closes; throws IoError if HDF5 reports an error (e.g. disk full).
  void close();

 private:
  Handle h_;
  std::string path_;
  MPI_Comm comm_ = MPI_COMM_NULL;
};

bool exists(const File& f, const std::string& object_path);
void create_group(const File& f, const std::string& group_path);  // with intermediate groups

// Attributes on the object at OBJ ("/" for the root).
void write_attr(const File& f, const std::string& obj, const std::string& name,
                const std::string& value);
void write_attr(const File& f, const std::string& obj, const std::string& name, double value);
void write_attr(const File& f, const std::string& obj, const std::string& name,
                std::int64_t value);
void write_attr(const File& f, const std::string& obj, const std::string& name,
                const std::vector<double>& value);
bool has_attr(const File& f, const std::string& obj, const std::string& name);
std::string read_attr_string(const File& f, const std::string& obj, const std::string& name);
double read_attr_double(const File& f, const std::string& obj, const std::string& name);
std::int64_t read_attr_int(const File& f, const std::string& obj, const std::string& name);

// An N-dimensional dataset; selections are ranges of its first dimension ("rows").
class Dataset {
 public:
  struct Options {
    std::vector<hsize_t> chunk;  // empty: contiguous (or HDF5's default when compressed)
    int gzip = 0;                // 0: none; 1..9: deflate level (needs chunks)
  };
  template <class T>
  static Dataset create(const File& f, const std::string& path, std::vector<hsize_t> dims,
                        const Options& opt) {
    return create_typed(f, path, native_type<T>(), std::move(dims), opt);
  }
  template <class T>
  static Dataset create(const File& f, const std::string& path, std::vector<hsize_t> dims) {
    return create_typed(f, path, native_type<T>(), std::move(dims), Options{});
  }
  static Dataset open(const File& f, const std::string& path);

  const std::vector<hsize_t>& shape() const { return shape_; }
  hsize_t rows() const { return shape_.empty() ? 1 : shape_[0]; }
  hsize_t row_size() const;  // elements per row (product of the other dimensions)

  // Rows [begin, begin + count) from/to contiguous memory. Collective in a parallel file.
  template <class T> void write_rows(const T* data, hsize_t begin, hsize_t count) {
    io_rows(const_cast<T*>(data), native_type<T>(), begin, count, true);
  }
  template <class T> void read_rows(T* data, hsize_t begin, hsize_t count) const {
    const_cast<Dataset*>(this)->io_rows(data, native_type<T>(), begin, count, false);
  }
  template <class T> std::vector<T> read_all() const {
    std::vector<T> v(rows() * row_size());
    read_rows(v.data(), 0, rows());
    return v;
  }

 private:
  static Dataset create_typed(const File& f, const std::string& path, hid_t type,
                              std::vector<hsize_t> dims, const Options& opt);
  void io_rows(void* data, hid_t type, hsize_t begin, hsize_t count, bool write);
  Handle h_;
  std::string where_;  // "file:/path" for messages
  std::vector<hsize_t> shape_;
  bool parallel_ = false;
};

// Version of the HDF5 library in use, "1.10.8".
std::string library_version();

}  // namespace hnn::h5
