# Shared by scripts/serve, scripts/test and scripts/bench: installs what is missing, skips what is
# present. Sourced, not run. Only the Rust crate registry, npm and Debian packages are used.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# wasm-opt from the npm package binaryen must come before Debian's (108 builds a blank page).
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMEDRIVER=/usr/bin/chromedriver
export CHROMIUM=/usr/bin/chromium

TRUNK_VERSION=0.21.14
CARGO_DENY_VERSION=0.20.2

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# The version a lock file pins for a package: locked_version NAME LOCKFILE.
locked_version() {
  awk -v want="name = \"$1\"" '$0 == want { getline; gsub(/version = |"/, ""); print; exit }' "$2"
}

setup() {
  local missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
  command -v npm >/dev/null || missing+=(nodejs npm)
  if ((${#missing[@]})); then
    step "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local components
  components=$(rustup component list --installed)
  grep -q '^clippy' <<<"$components" || rustup component add clippy
  grep -q '^rustfmt' <<<"$components" || rustup component add rustfmt

  if [[ $(trunk --version 2>/dev/null) != "trunk $TRUNK_VERSION" ]]; then
    step "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi

  if [[ $(cargo deny --version 2>/dev/null) != "cargo-deny $CARGO_DENY_VERSION" ]]; then
    step "installing cargo-deny $CARGO_DENY_VERSION (about 5 minutes on 2 cores)"
    cargo install --locked cargo-deny --version "$CARGO_DENY_VERSION"
  fi

  # wasm-bindgen-cli writes the JavaScript we ship: built from the lock file in
  # tools/wasm-bindgen-cli/ (its Cargo.toml says why not `cargo install --locked wasm-bindgen-cli`),
  # at exactly Cargo.lock's wasm-bindgen. An unlocked install of the same version is replaced.
  local wbg tool=tools/wasm-bindgen-cli
  wbg=$(locked_version wasm-bindgen Cargo.lock)
  if [[ $(locked_version wasm-bindgen-cli "$tool/Cargo.lock") != "$wbg" ]]; then
    echo "error: $tool/Cargo.lock does not lock wasm-bindgen-cli $wbg, Cargo.lock's wasm-bindgen;" \
      "update it as $tool/Cargo.toml says" >&2
    return 1
  fi
  if [[ $(wasm-bindgen --version 2>/dev/null) != "wasm-bindgen $wbg" ]] ||
    ! grep -q "^incident-desk-wasm-bindgen-cli v" <<<"$(cargo install --list)"; then
    step "installing wasm-bindgen-cli $wbg from $tool/Cargo.lock (about 4 minutes on 2 cores)"
    local build
    build=$(mktemp -d)
    cargo install --locked --force --path "$tool" --target-dir "$build"
    rm -rf "$build"
  fi

  local stamp=node_modules/.incident-desk-lock
  if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
    step "installing node packages (npm ci; no browser download)"
    npm ci --no-audit --no-fund
    cp package-lock.json "$stamp"
  fi

  # Trunk runs cargo with --offline: fetch the crates first.
  cargo fetch --locked --quiet
}

# `trunk build` with a lock: two Trunk builds at once share target/wasm-bindgen/ and can ship a
# zero-filled wasm while reporting success (seen here). scripts/test and scripts/bench build
# through this; `trunk serve` does not take the lock, so do not run it beside them.
trunk_build() {
  mkdir -p target
  flock target/.trunk-build.lock trunk build "$@"
}

# The apps' pages, each with its own wasm (src/bin/): index.html is the desk, the call screen.
APP_PAGES=(index.html practice.html practice-record.html practice-knowledge.html console.html review.html procedures.html)

# Builds every app into one dist: `build_apps [--release] [--dist DIR]` (default dist). Trunk
# 0.21 builds one page and one wasm at a time, so each page is built into a staging folder of its
# own, one after another (under the lock), and the folders are merged. A file two apps both write
# (the stylesheet, boot.js, the icon) must be the same in both, or the build fails. A release's
# .js and .css are then minified (scripts/minify.mjs), and the practice page's service worker is
# written with its precache list (scripts/precache.mjs). The dist is replaced only when every app
# has built.
build_apps() {
  local release="" dist="dist"
  while [ $# -gt 0 ]; do
    case "$1" in
      --release) release="--release" ;;
      --dist) dist="${2:?--dist needs a folder}"; shift ;;
      *) echo "build: unknown argument $1 (use [--release] [--dist DIR])" >&2; return 2 ;;
    esac
    shift
  done
  local stage page name file
  stage="$(mktemp -d "${TMPDIR:-/tmp}/incident-desk-build.XXXXXX")"
  mkdir -p "$stage/merged"
  for page in "${APP_PAGES[@]}"; do
    name="${page%.html}"
    if ! trunk_build "$page" $release --dist "$stage/$name"; then
      rm -rf "$stage"
      return 1
    fi
    # Trunk writes every page as index.html: give it back its own name.
    if [ "$page" != index.html ]; then
      mv "$stage/$name/index.html" "$stage/$name/$page"
    fi
    while IFS= read -r -d '' file; do
      file="${file#"$stage/$name/"}"
      if [ -e "$stage/merged/$file" ] && ! cmp -s "$stage/$name/$file" "$stage/merged/$file"; then
        echo "build: $page and an earlier page both write $file, differently" >&2
        rm -rf "$stage"
        return 1
      fi
    done < <(find "$stage/$name" -type f -print0)
    cp -a "$stage/$name/." "$stage/merged/"
  done
  # A release's scripts and stylesheet minified, the pages' integrity values with them.
  if [ -n "$release" ] && ! node scripts/minify.mjs "$stage/merged"; then
    rm -rf "$stage"
    return 1
  fi
  # The practice page's service worker, with the list of what it keeps for offline use.
  if ! node scripts/precache.mjs "$stage/merged"; then
    rm -rf "$stage"
    return 1
  fi
  rm -rf "$dist"
  mkdir -p "$(dirname "$dist")"
  mv "$stage/merged" "$dist"
  rm -rf "$stage"
}

