#include "io/hdf5.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"

namespace hnn::h5 {

namespace {

// Switches off HDF5's automatic error printing once; hnn reports errors itself.
void quiet() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw IoError(what);
  return id;
}

void check(herr_t rc, const std::string& what, int) {
  if (rc < 0) throw IoError(what);
}

Handle plist(hid_t cls) { return Handle(check(H5Pcreate(cls), "H5Pcreate failed"), H5Pclose); }

Handle open_object(const File& f, const std::string& obj) {
  quiet();
  return Handle(check(H5Oopen(f.id(), obj.c_str(), H5P_DEFAULT),
                      f.path() + ": no object '" + obj + "'"),
                H5Oclose);
}

Handle open_attr(const File& f, const std::string& obj, const std::string& name) {
  Handle o = open_object(f, obj);
  return Handle(check(H5Aopen(o.id(), name.c_str(), H5P_DEFAULT),
                      f.path() + ": no attribute '" + name + "' on '" + obj + "'"),
                H5Aclose);
}

void write_attr_raw(const File& f, const std::string& obj, const std::string& name, hid_t type,
                    hid_t space, const void* data) {
  Handle o = open_object(f, obj);
  if (H5Aexists(o.id(), name.c_str()) > 0) H5Adelete(o.id(), name.c_str());
  Handle a(check(H5Acreate2(o.id(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                 f.path() + ": cannot create attribute '" + name + "' on '" + obj + "'"),
           H5Aclose);
  check(H5Awrite(a.id(), type, data), f.path() + ": cannot write attribute '" + name + "'", 0);
}

}  // namespace

bool Handle::reset() {
  bool ok = true;
  if (id_ >= 0 && close_) ok = close_(id_) >= 0;
  id_ = -1;
  return ok;
}

File File::create(const std::string& path, MPI_Comm comm) {
  quiet();
  Handle fapl = plist(H5P_FILE_ACCESS);
  if (comm != MPI_COMM_NULL) H5Pset_fapl_mpio(fapl.id(), comm, MPI_INFO_NULL);
  File f;
  f.h_ = Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()),
                      path + ": cannot create HDF5 file"),
                H5Fclose);
  f.path_ = path;
  f.comm_ = comm;
  return f;
}

File File::open(const std::string& path, MPI_Comm comm, bool writable) {
  quiet();
  Handle fapl = plist(H5P_FILE_ACCESS);
  if (comm != MPI_COMM_NULL) H5Pset_fapl_mpio(fapl.id(), comm, MPI_INFO_NULL);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw IoError(path + ": not an HDF5 file (or missing)");
  File f;
  f.h_ = Handle(check(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.id()),
                      path + ": cannot open HDF5 file"),
                H5Fclose);
  f.path_ = path;
  f.comm_ = comm;
  return f;
}

void File::close() {
  if (h_ && H5Fflush(h_.id(), H5F_SCOPE_GLOBAL) < 0) throw IoError(path_ + ": flush failed");
  if (!h_.reset()) throw IoError(path_ + ": close failed");
}

bool exists(const File& f, const std::string& p) {
  quiet();
  // Check each component so that a missing parent is "false", not an error.
  std::string partial;
  std::size_t pos = 1;
  while (pos <= p.size()) {
    const auto next = p.find('/', pos);
    partial = p.substr(0, next);
    if (H5Lexists(f.id(), partial.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return true;
}

void create_group(const File& f, const std::string& path) {
  quiet();
  Handle lcpl = plist(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle g(check(H5Gcreate2(f.id(), path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT),
                 f.path() + ": cannot create group '" + path + "'"),
           H5Gclose);
}

void write_attr(const File& f, const std::string& obj, const std::string& name,
                const std::string& value) {
  // Variable-length UTF-8, which h5py reads as str.
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), H5T_VARIABLE);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const char* s = value.c_str();
  write_attr_raw(f, obj, name, type.id(), space.id(), &s);
}

void write_attr(const File& f, const std::string& obj, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr_raw(f, obj, name, H5T_NATIVE_DOUBLE, space.id(), &value);
}

void write_attr(const File& f, const std::string& obj, const std::string& name,
                std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr_raw(f, obj, name, H5T_NATIVE_INT64, space.id(), &value);
}

void write_attr(const File& f, const std::string& obj, const std::string& name,
                const std::vector<double>& value) {
  const hsize_t n = value.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  write_attr_raw(f, obj, name, H5T_NATIVE_DOUBLE, space.id(), value.data());
}

bool has_attr(const File& f, const std::string& obj, const std::string& name) {
  Handle o = open_object(f, obj);
  return H5Aexists(o.id(), name.c_str()) > 0;
}

std::string read_attr_string(const File& f, const std::string& obj, const std::string& name) {
  Handle a = open_attr(f, obj, name);
  Handle type(H5Aget_type(a.id()), H5Tclose);
  if (H5Tget_class(type.id()) != H5T_STRING)
    throw IoError(f.path() + ": attribute '" + name + "' on '" + obj + "' is not a string");
  if (H5Tis_variable_str(type.id()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.id(), H5T_VARIABLE);
    H5Tset_cset(mem.id(), H5Tget_cset(type.id()));
    char* s = nullptr;
    check(H5Aread(a.id(), mem.id(), &s), f.path() + ": cannot read attribute '" + name + "'", 0);
    std::string out = s ? s : "";
    H5free_memory(s);
    return out;
  }
  const std::size_t n = H5Tget_size(type.id());
  std::string out(n, '\0');
  check(H5Aread(a.id(), type.id(), out.data()),
        f.path() + ": cannot read attribute '" + name + "'", 0);
  out.resize(out.find('\0') == std::string::npos ? n : out.find('\0'));
  return out;
}

double read_attr_double(const File& f, const std::string& obj, const std::string& name) {
  Handle a = open_attr(f, obj, name);
  double v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v),
        f.path() + ": attribute '" + name + "' on '" + obj + "' is not a number", 0);
  return v;
}

std::int64_t read_attr_int(const File& f, const std::string& obj, const std::string& name) {
  Handle a = open_attr(f, obj, name);
  std::int64_t v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_INT64, &v),
        f.path() + ": attribute '" + name + "' on '" + obj + "' is not an integer", 0);
  return v;
}

Dataset Dataset::create_typed(const File& f, const std::string& path, hid_t type,
                              std::vector<hsize_t> dims, const Options& opt) {
  quiet();
  Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                     f.path() + ": bad shape for '" + path + "'"),
               H5Sclose);
  Handle dcpl = plist(H5P_DATASET_CREATE);
  const bool empty = std::find(dims.begin(), dims.end(), hsize_t{0}) != dims.end();
  if (!empty && (!opt.chunk.empty() || opt.gzip > 0)) {
    std::vector<hsize_t> chunk = opt.chunk;
    if (chunk.empty()) {  // one row per chunk
      chunk = dims;
      chunk[0] = 1;
    }
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = std::clamp<hsize_t>(chunk[i], 1, dims[i]);
    H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
    if (opt.gzip > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(opt.gzip));
    }
  }
  Handle lcpl = plist(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Dataset d;
  d.where_ = f.path() + ":" + path;
  d.h_ = Handle(check(H5Dcreate2(f.id(), path.c_str(), type, space.id(), lcpl.id(), dcpl.id(),
                                 H5P_DEFAULT),
                      d.where_ + ": cannot create dataset"),
                H5Dclose);
  d.shape_ = std::move(dims);
  d.parallel_ = f.parallel();
  return d;
}

Dataset Dataset::open(const File& f, const std::string& path) {
  quiet();
  if (!exists(f, path)) throw IoError(f.path() + ": missing dataset '" + path + "'");
  Dataset d;
  d.where_ = f.path() + ":" + path;
  d.h_ = Handle(check(H5Dopen2(f.id(), path.c_str(), H5P_DEFAULT), d.where_ + ": cannot open"),
                H5Dclose);
  Handle space(H5Dget_space(d.h_.id()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  d.shape_.resize(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.id(), d.shape_.data(), nullptr);
  d.parallel_ = f.parallel();
  return d;
}

hsize_t Dataset::row_size() const {
  if (shape_.size() <= 1) return 1;
  return std::accumulate(shape_.begin() + 1, shape_.end(), hsize_t{1}, std::multiplies<>());
}

void Dataset::io_rows(void* data, hid_t type, hsize_t begin, hsize_t count, bool write) {
  if (begin + count > rows())
    throw IoError(where_ + ": rows [" + std::to_string(begin) + ", " +
                  std::to_string(begin + count) + ") out of range (" + std::to_string(rows()) +
                  " rows)");
  Handle fspace(H5Dget_space(h_.id()), H5Sclose);
  const hsize_t n_mem = count * row_size();
  // The memory space has the shape of the selected block of rows: with the same shape on both
  // sides HDF5 maps chunks by hyperslab; a flat memory space makes it iterate element by element
  // (a quarter of `hnn generate`'s single-thread time went there).
  std::vector<hsize_t> start(std::max<std::size_t>(shape_.size(), 1), 0), cnt = shape_;
  if (cnt.empty()) cnt.push_back(1);
  cnt[0] = std::max<hsize_t>(count, 1);
  Handle mspace(H5Screate_simple(static_cast<int>(cnt.size()), cnt.data(), nullptr), H5Sclose);
  if (count == 0 || n_mem == 0) {
    H5Sselect_none(fspace.id());
    H5Sselect_none(mspace.id());
  } else if (!shape_.empty()) {
    start[0] = begin;
    check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start.data(), nullptr, cnt.data(),
                              nullptr),
          where_ + ": bad selection", 0);
  }
  Handle dxpl = plist(H5P_DATASET_XFER);
  if (parallel_) H5Pset_dxpl_mpio(dxpl.id(), H5FD_MPIO_COLLECTIVE);
  const herr_t rc = write ? H5Dwrite(h_.id(), type, mspace.id(), fspace.id(), dxpl.id(), data)
                          : H5Dread(h_.id(), type, mspace.id(), fspace.id(), dxpl.id(), data);
  if (rc < 0)
    throw IoError(where_ + (write ? ": write failed" : ": read failed (wrong type or shape?)"));
}

std::string library_version() {
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  return std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
}

}  // namespace hnn::h5
