#!/usr/bin/env bash
# The main job, end to end: install what is missing, build, generate the default ensemble on
# 2 MPI ranks, and print a summary of the file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
mpirun -np 2 --oversubscribe build/hnn generate inputs/default.toml --overwrite
echo
echo "Contents of runs/default/data.h5:"
h5ls -r runs/default/data.h5
