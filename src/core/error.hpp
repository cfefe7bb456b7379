// The exception hierarchy of hnn. Library code throws; only main() turns an exception into a
// message and an exit code (collectively under MPI, see parallel/mpi_env.hpp).
#pragma once

#include <stdexcept>
#include <string>

namespace hnn {

// Base of every error hnn reports to the user. what() is one line, ready to print.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input: an input file, a key, a value, a command-line option. Names the file and key.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read, written or understood.
class IoError : public Error {
 public:
  using Error::Error;
};

// A computation that failed: an integrator that cannot reach its tolerance, a NaN, ...
class NumericsError : public Error {
 public:
  using Error::Error;
};

}  // namespace hnn
