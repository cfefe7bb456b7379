# shellcheck shell=bash
# Site-specific settings for the hnn job scripts: the one file a site edits (besides the
# `#SBATCH --account/--partition` lines at the top of each *.sbatch). Sourced by hnn_setup
# (lib.sh) at the start of every job.
#
#   HNN_LAUNCH   how MPI ranks are started inside a job:
#                  "srun --mpi=pmix"  (default; Slurm's launcher with PMIx, works with Debian's
#                                      Open MPI; pmi2 and plain srun do not)
#                  "mpirun"           (Open MPI's launcher; it reads the allocation from Slurm)
#                Set it here, or per submission: HNN_LAUNCH=mpirun sbatch ...
#   HNN          the hnn executable (default: $HNN_ROOT/build/hnn)
#   modules      load the compiler, MPI and HDF5 the executable was built with.

# If `module` is not defined in batch jobs at your site, source its init first, e.g.
# source /etc/profile.d/modules.sh  (or /usr/share/lmod/lmod/init/bash)
# module purge
# module load gcc/12 openmpi/4.1 hdf5/1.10-openmpi
: "${HNN_LAUNCH:=srun --mpi=pmix}"
