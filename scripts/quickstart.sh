#!/usr/bin/env bash
# The main job, end to end, on the default inputs: install what is missing, build, then on 2 MPI
# ranks
#   1. generate the default ensemble (inputs/default.toml: 1000 pendulum trajectories),
#   2. train an HNN and the baseline MLP on it (inputs/train_default.toml),
#   3. evaluate both (inputs/evaluate_pendulum.toml: rollouts of the learned fields),
#   4. draw the pictures (loss curves, phase portraits, energy along the rollouts),
# and print where everything is. Outputs: runs/default/{data.h5, hnn/, baseline/, plots/}.
# A few minutes in all on 2 cores (most of it the build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
hnn() { mpirun -np 2 --oversubscribe build/hnn "$@"; }
out=runs/default

hnn generate inputs/default.toml -o "$out/data.h5" --overwrite
for kind in hnn baseline; do
  echo
  hnn train inputs/train_default.toml --set "model.kind=\"$kind\"" \
    --set "output.path=\"$out/$kind/model.h5\"" --set "checkpoint.dir=\"$out/$kind/checkpoints\"" \
    --overwrite
  echo
  hnn evaluate "$out/$kind/model.h5" -i inputs/evaluate_pendulum.toml -o "$out/$kind/eval.h5" --overwrite
done
echo
/usr/bin/python3 scripts/hnn_plot.py run "$out" -o "$out/plots"
echo
echo "Done. Data set, models, evaluations and pictures under $out/:"
find "$out" -maxdepth 2 \( -name '*.h5' -o -name '*.png' \) -newer inputs/default.toml -print | sort
