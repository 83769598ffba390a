#!/usr/bin/env bash
# ./run matrix [--full] [--keep] [--prepare] [bookworm|trixie|sid|RELEASE-core]...
#
# For each named Debian release: a fresh minbase chroot (debootstrap), a
# clone of this checkout inside it, `./run demo` and the tests there, with that
# release's own packages and its own /usr/bin/python3 as the oracle. By
# default every ctest label but lint, sanitize, tsan (and soak); with --full
# the whole `./run test`. Then a table: versions, tests passed and failed, time.
#
# RELEASE-core (trixie-core, ...): pyrepr's core alone in a fresh chroot of
# RELEASE, where only `./run core` installs packages: it must configure, build
# and pass its tests with neither libtorch-dev nor python3-torch installed
# (checked with dpkg-query after the run).
#
# Each release also writes a cross-version corpus (files its Python saved and
# what its Python printed) to $CACHE/corpus/<release>/, and this checkout's own
# build (build/, the host's release) is checked against it with
# --torch-version/--python-version (tests/crossversion).
#
# Cache, outside the repository (LSTM_PORT_CACHE, default /var/cache/lstm-port):
#   matrix/<release>-base.tgz   debootstrap --make-tarball: the base system
#   matrix/apt/<release>/       the .deb files apt downloaded in that release
# A machine without the cache makes it on the first run.
#
# --prepare only makes each release's chroot, with this checkout's HEAD cloned
# and the demo's packages installed, and stops: CI does that in the background
# while this machine's own tests run (unpacking is mostly one core and disk).
# A later run uses a prepared chroot of the same HEAD instead of making one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${LSTM_PORT_CACHE:-/var/cache/lstm-port}
MIRROR=${LSTM_PORT_MIRROR:-http://deb.debian.org/debian}
WORK=${LSTM_PORT_MATRIX_DIR:-$CACHE/matrix/roots}

log() { printf '\033[1m==> [matrix] %s\033[0m\n' "$*" >&2; }
die() { printf 'run matrix: error: %s\n' "$*" >&2; exit 2; }

full=0
keep=0
prepare=0
releases=()
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
    --keep) keep=1 ;;
    --prepare) prepare=1 ;;
    bookworm | trixie | sid | bookworm-core | trixie-core | sid-core) releases+=("$arg") ;;
    *) die "unknown release or flag '$arg' (expected --full, --keep, bookworm, trixie, sid, or one of them with -core)" ;;
  esac
done
[ ${#releases[@]} -gt 0 ] || releases=(bookworm trixie sid)
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 || die "$ROOT is not a git checkout"
# The commit every release of this run tests: HEAD now, even if it moves while
# the run goes on (a commit made during a two-hour run tested only the later
# releases).
HEAD_COMMIT=$(git -C "$ROOT" rev-parse HEAD)

# debootstrap, waiting for the package manager if another install holds it
# (CI prepares the chroots while ./run test installs its own packages).
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  command -v debootstrap >/dev/null && break
  log "installing debootstrap"
  { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o DPkg::Lock::Timeout=600 debootstrap; } >/dev/null 2>&1 || sleep 30
done
command -v debootstrap >/dev/null || die "could not install debootstrap"

MOUNTS=()
cleanup() {
  local m k
  for ((k = ${#MOUNTS[@]} - 1; k >= 0; k--)); do
    m=${MOUNTS[k]}
    mountpoint -q "$m" && umount -l "$m" || true
  done
  MOUNTS=()
}
trap cleanup EXIT

# unmount_under DIR: whatever is still mounted below DIR (a run that was killed
# leaves /proc, /dev and the apt cache bound there), deepest first, so that
# removing DIR can never reach into the host's /dev or the package cache.
unmount_under() {
  local dir m
  dir=$(realpath -m "$1")
  awk -v d="$dir/" 'index($2 "/", d) == 1 {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
  if awk -v d="$dir/" 'index($2 "/", d) == 1 {found = 1} END {exit !found}' /proc/mounts; then
    die "cannot unmount what is mounted below $dir"
  fi
}

bind() {  # bind SRC DST
  mkdir -p "$2"
  mount --bind "$1" "$2"
  MOUNTS+=("$2")
}

# make_root RELEASE DIR: a fresh minbase system in DIR, from the cached tarball.
make_root() {
  local release=${1%-core} dir=$2 tarball=$CACHE/matrix/${1%-core}-base.tgz
  mkdir -p "$CACHE/matrix"
  if [ ! -s "$tarball" ]; then
    log "$release: downloading the base system (cached in $tarball)"
    debootstrap --variant=minbase --make-tarball="$tarball.part" "$release" "$dir.tmp" "$MIRROR" \
      >"$CACHE/matrix/$release-debootstrap.log" 2>&1 ||
      die "debootstrap $release failed (see $CACHE/matrix/$release-debootstrap.log)"
    rm -rf "$dir.tmp"
    mv "$tarball.part" "$tarball"
  fi
  unmount_under "$dir"
  rm -rf --one-file-system "$dir"
  log "$release: unpacking a fresh minbase system into $dir"
  debootstrap --variant=minbase --unpack-tarball="$tarball" "$release" "$dir" "$MIRROR" \
    >"$CACHE/matrix/$release-unpack.log" 2>&1 ||
    die "debootstrap --unpack-tarball $release failed (see $CACHE/matrix/$release-unpack.log)"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  if [ "$release" = sid ]; then
    # The registry serves a dated snapshot of sid whose Release file is past its
    # Valid-Until date, so apt would refuse it as expired; only sid needs this.
    echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99snapshot-valid-until"
  fi
  # Keep the downloaded packages (apt deletes nothing it cached by default).
  rm -f "$dir/etc/apt/apt.conf.d/docker-clean"
}

# in_root DIR CMD...: run CMD in the chroot, as root, in the clone.
in_root() {
  local dir=$1
  shift
  chroot "$dir" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    TERM="${TERM:-dumb}" CI="${CI:-}" bash -c 'cd /work/lstm_port && "$@"' bash "$@"
}

declare -A RESULT
mount_root() {  # mount_root DIR RELEASE
  local dir=$1 release=$2
  mount -t proc proc "$dir/proc"
  MOUNTS+=("$dir/proc")
  bind /dev "$dir/dev"
  bind /dev/pts "$dir/dev/pts"
  mkdir -p "$CACHE/matrix/apt/${release%-core}"
  bind "$CACHE/matrix/apt/${release%-core}" "$dir/var/cache/apt/archives"
}

# prepare_release RELEASE: a fresh chroot with HEAD cloned and the demo's
# packages installed; marked with HEAD's commit.
prepare_release() {
  local release=$1 dir=$WORK/$1 head=$HEAD_COMMIT
  make_root "$release" "$dir"
  mount_root "$dir" "$release"
  log "$release: cloning ${head:0:7} into the chroot"
  git clone -q --no-hardlinks "$ROOT" "$dir/work/lstm_port"
  git -C "$dir/work/lstm_port" checkout -q --detach "$head"
  local what=demo
  [[ "$release" == *-core ]] && what=core
  log "$release: installing the $what's packages (log: $CACHE/matrix/$release-deps.log)"
  if in_root "$dir" ./run deps $what >"$CACHE/matrix/$release-deps.log" 2>&1; then
    echo "$head" >"$dir/.prepared"
  fi
  cleanup
}

# run_core RELEASE DIR LOG: ./run core, then neither LibTorch nor torch may
# have been installed for it.
run_core() {
  local release=$1 dir=$2 log_file=$3 status=0 p
  log "$release: ./run core, no LibTorch and no Python (log: $log_file)"
  in_root "$dir" ./run core >>"$log_file" 2>&1 || status=1
  for p in libtorch-dev python3-torch; do
    if in_root "$dir" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      echo "matrix: $p is installed in the core-only chroot" >>"$log_file"
      status=1
    else
      echo "matrix: $p is not installed" >>"$log_file"
    fi
  done
  return $status
}

run_release() {
  local release=$1 dir=$WORK/$1 start=$SECONDS status=0 log_file
  if [ "$(cat "$dir/.prepared" 2>/dev/null)" = "$HEAD_COMMIT" ]; then
    log "$release: using the chroot prepared for this commit"
    rm -f "$dir/.prepared"  # used once
  else
    prepare_release "$release"
  fi
  mount_root "$dir" "$release"
  log_file=$CACHE/matrix/$release.log
  : >"$log_file"
  if [[ "$release" == *-core ]]; then
    run_core "$release" "$dir" "$log_file" || status=1
  else
    log "$release: ./run demo (log: $log_file)"
    in_root "$dir" ./run demo >"$dir/demo.out" 2>>"$log_file" || status=1
    cat "$dir/demo.out" >>"$log_file"
    if [ $full -eq 1 ]; then
      log "$release: ./run test"
      in_root "$dir" ./run test >>"$log_file" 2>&1 || status=1
    else
      # ./run build (./run demo built only the lesson), then ctest directly, so
      # that the clang toolchain the excluded labels need is not installed for nothing.
      log "$release: ./run build"
      in_root "$dir" ./run build >>"$log_file" 2>&1 || status=1
      log "$release: ctest -LE '^(lint|sanitize|tsan|soak)$'"
      in_root "$dir" ctest --test-dir build --output-on-failure --parallel "$(nproc)" \
        -LE '^(lint|sanitize|tsan|soak)$' >>"$log_file" 2>&1 || status=1
    fi
    # The cross-version corpus: what this release's Python saved and printed.
    if [ -f "$ROOT/tests/crossversion/make_corpus.py" ]; then
      log "$release: writing the cross-version corpus"
      rm -rf "$dir/tmp/corpus"
      in_root "$dir" /usr/bin/python3 tests/crossversion/make_corpus.py /tmp/corpus \
        >>"$log_file" 2>&1 || status=1
      rm -rf "$CACHE/corpus/$release"
      mkdir -p "$CACHE/corpus"
      [ -d "$dir/tmp/corpus" ] && cp -r "$dir/tmp/corpus" "$CACHE/corpus/$release"
    fi
  fi
  local versions passed failed
  versions=$(in_root "$dir" bash tests/matrix/versions.sh 2>/dev/null || echo "? ? ? ? ?")
  passed=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log_file" |
    awk '{p += $6 - $1} END {print p + 0}')
  failed=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log_file" |
    awk '{f += $1} END {print f + 0}')
  grep -q 'tests failed out of' "$log_file" || status=1
  cleanup
  unmount_under "$dir"
  [ $keep -eq 1 ] || rm -rf --one-file-system "$dir"
  RESULT[$release]="$versions $passed $failed $((SECONDS - start)) $([ $status -eq 0 ] && echo ok || echo FAILED)"
}

if [ $prepare -eq 1 ]; then
  for release in "${releases[@]}"; do prepare_release "$release"; done
  exit 0
fi

overall=0
for release in "${releases[@]}"; do
  run_release "$release" || true
  [[ "${RESULT[$release]}" == *" ok" ]] || overall=1
done

# This checkout's build against every corpus just written.
if [ -x "$ROOT/build/bin/ptcat" ] && [ -f "$ROOT/tests/crossversion/check_corpus.py" ]; then
  for release in "${releases[@]}"; do
    [ -d "$CACHE/corpus/$release" ] || continue
    log "this build against $release's corpus"
    /usr/bin/python3 "$ROOT/tests/crossversion/check_corpus.py" --bin "$ROOT/build/bin" \
      "$CACHE/corpus/$release" || overall=1
  done
fi

printf '\n%-12s %-8s %-7s %-8s %-7s %-7s %6s %6s %7s  %s\n' release torch python ipython g++ catch2 \
  passed failed seconds result
total_passed=0
total_failed=0
for release in "${releases[@]}"; do
  # shellcheck disable=SC2086
  printf '%-12s %-8s %-7s %-8s %-7s %-7s %6s %6s %7s  %s\n' "$release" ${RESULT[$release]}
  read -r _ _ _ _ _ p f _ <<<"${RESULT[$release]}"
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
done
echo "matrix: $total_passed passed, $total_failed failed"
exit $overall
