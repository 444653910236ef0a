#!/usr/bin/env bash
# `npm run lab [-- JUPYTER ARGS]`: build dist/ (what the notebooks import), install the
# project's tslab kernel spec under .state/jupyter if missing, and start Jupyter on notebooks/.
# Jupyter itself is not an npm package: see README, "Notebooks", for how to install it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

echo "lab: building dist/ ..." >&2
# tsc emits even when it reports type errors: warn, and let the notebook's own type check speak.
node node_modules/typescript/bin/tsc -p tsconfig.build.json || echo "lab: the build reported type errors (above); dist/ was emitted anyway" >&2

kernels=$(node --import tsx scripts/notebooks.ts kernel)
export JUPYTER_PATH="$kernels${JUPYTER_PATH:+:$JUPYTER_PATH}"
# The kernel spec starts node_modules/.bin/tslab, whose `#!/usr/bin/env node` needs node on PATH.
export PATH="$root/node_modules/.bin:$PATH"
# Notebooks share the CLI's state (embedded registry, file artifacts) unless told otherwise.
export THREATLAB_STATE_DIR="${THREATLAB_STATE_DIR:-$root/.state}"

# Jupyter refuses to run as root without this; containers and CI machines often are root.
extra=()
if [ "$(id -u)" = 0 ]; then extra+=(--allow-root); fi
for app in lab notebook; do
  if jupyter "$app" --version >/dev/null 2>&1; then
    echo "lab: starting jupyter $app on notebooks/ (kernel: TypeScript, from $kernels)" >&2
    exec jupyter "$app" --notebook-dir="$root/notebooks" "${extra[@]}" "$@"
  fi
done
echo "lab: no Jupyter server found (neither \`jupyter lab\` nor \`jupyter notebook\` runs)." >&2
echo "lab: install one, e.g. \`pip install jupyterlab\` (or \`apt-get install jupyter-notebook\` on Debian), then run npm run lab again." >&2
echo "lab: headless runs need only nbclient: \`npm run -s notebooks -- run\`." >&2
exit 1
