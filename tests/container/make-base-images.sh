#!/usr/bin/env bash
# Vendored from the team's shared podman recipe (shared/reference/podman-recipe): makes the local
# stand-in base images that tests/test_container.py builds the generated Dockerfile on.
# make-base-images.sh - make local stand-ins for the registry base images that a
# typical "python:3.13-slim + uv" Dockerfile needs, so podman/buildah can build it
# with NO registry (Debian 12 host, root, podman 4.3 / buildah 1.28).
#
# Images it makes (each is skipped when it already exists; FORCE=1 rebuilds):
#   localhost/debian:trixie          debootstrap --variant=minbase trixie, slimmed like
#     (+ localhost/debian:trixie-slim, docker.io/library/debian:trixie-slim)   debian:*-slim
#   docker.io/library/python:3.13-slim   Debian's python3 3.13 + venv + pip + CA bundle
#     (+ :3.13-slim-trixie)              incl. the host's extra CAs; /usr/local/bin/python3
#   ghcr.io/astral-sh/uv:0.9         FROM scratch with /uv and /uvx (static musl binaries
#     (+ :<full version>)            taken from the PyPI uv wheel)
#
# Knobs (environment): RECIPE_DIR SUITE MIRROR PY_MINOR UV_TAGS EXTRA_CA_DIR FORCE
#                      KEEP_ROOTFS SKIP_NET_CHECK
set -Eeuo pipefail

RECIPE_DIR=${RECIPE_DIR:-/tmp/podman-recipe}
SUITE=${SUITE:-trixie}
MIRROR=${MIRROR:-}                 # default: the Debian mirror from /etc/apt/sources.list(.d)
PY_MINOR=${PY_MINOR:-3.13}
UV_TAGS=${UV_TAGS:-0.9}            # space separated; "0.9" -> newest uv==0.9.* on PyPI
EXTRA_CA_DIR=${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
FORCE=${FORCE:-0}
KEEP_ROOTFS=${KEEP_ROOTFS:-0}
SKIP_NET_CHECK=${SKIP_NET_CHECK:-0}  # 1: skip the pip-install-from-PyPI smoke test

LOG_DIR=$RECIPE_DIR/logs
TIMES=$LOG_DIR/make-base-images.times.tsv
mkdir -p "$LOG_DIR" "$RECIPE_DIR/base" "$RECIPE_DIR/cache"

# Flags that work on this kind of host (see REPORT.md for why each one is needed).
BUILD=(podman build --isolation chroot --network host --pull=never --format docker)
RUN=(podman --runtime runc run --rm --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --network host)

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# timed NAME LOGFILE CMD... : run CMD with output to LOGFILE, record the wall time.
timed() {
  local name=$1 logf=$2; shift 2
  local t0=$EPOCHREALTIME rc=0
  "$@" >"$logf" 2>&1 || rc=$?
  local dt
  dt=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
  printf '%s\t%s\t%s\t%s\n' "$(date -Is)" "$name" "$dt" "$rc" >>"$TIMES"
  if ((rc)); then
    log "FAILED ($rc) after ${dt}s: $name - last lines of $logf:"
    tail -n 25 "$logf" >&2
    return "$rc"
  fi
  log "done  ${dt}s  $name   (log: $logf)"
}

have_image() {  # true when the image exists and FORCE is not set
  [[ $FORCE == 1 ]] && return 1
  podman image exists "$1"
}

# ---------------------------------------------------------------- 0. tools
ensure_tools() {
  local -A pkg_of=([podman]=podman [buildah]=buildah [runc]=runc [debootstrap]=debootstrap
                   [curl]=curl [python3]=python3)
  local missing=() c
  for c in "${!pkg_of[@]}"; do
    command -v "$c" >/dev/null 2>&1 || [[ -x /usr/sbin/$c ]] || missing+=("${pkg_of[$c]}")
  done
  if ! python3 -m pip --version >/dev/null 2>&1; then missing+=(python3-pip); fi
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    timed apt-get-install "$LOG_DIR/apt-get-install.log" \
      bash -c "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  fi
  export PATH=$PATH:/usr/sbin:/sbin
}

# ---------------------------------------------------------------- 1. mirror
detect_mirror() {
  if [[ -z $MIRROR ]]; then
    MIRROR=$( {
      grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        sed -E 's/^[[:space:]]*URIs:[[:space:]]*//' | tr ' ' '\n'
      grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}'
    } | grep -E '^https?://.*/debian/?$' | head -n1 || true)
    MIRROR=${MIRROR%/}
  fi
  [[ -n $MIRROR ]] || die "no Debian mirror found in /etc/apt/sources.list(.d); set MIRROR=http://..."
  local rel
  if ! rel=$(curl -fsS --max-time 60 "$MIRROR/dists/$SUITE/Release" 2>&1); then
    die "mirror $MIRROR does not serve '$SUITE' ($rel). A Python $PY_MINOR base needs Debian 13 (trixie) or newer; see REPORT.md for the fallback."
  fi
  log "mirror $MIRROR serves $SUITE: $(grep -E '^(Version|Codename):' <<<"$rel" | tr '\n' ' ')"
  [[ -e /usr/share/debootstrap/scripts/$SUITE ]] || die "debootstrap has no script for $SUITE"
}

# ---------------------------------------------------------------- 2. debian base
slim_and_configure_rootfs() {  # $1 = rootfs; mimics the official debian:*-slim tweaks
  local r=$1 sec_mirror=${MIRROR%/debian}/debian-security
  rm -f "$r/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s' "$MIRROR" "$SUITE"
    curl -fsS --max-time 30 -o /dev/null "$MIRROR/dists/$SUITE-updates/Release" && printf ' %s-updates' "$SUITE"
    printf '\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if curl -fsS --max-time 30 -o /dev/null "$sec_mirror/dists/$SUITE-security/Release"; then
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$sec_mirror" "$SUITE"
    fi
  } >"$r/etc/apt/sources.list.d/debian.sources"
  cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$r/etc/apt/apt.conf.d/docker-autoremove-suggests"
  mkdir -p "$r/etc/dpkg/dpkg.cfg.d"
  cat >"$r/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# like debian:*-slim: no docs, man pages, info pages or translations
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  find "$r/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$r"/usr/share/{groff,info,linda,locale,man}/* "$r"/usr/share/lintian/overrides/*
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin "$r"/var/lib/apt/lists/*
  rm -f "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old
  find "$r/var/log" -type f -delete
  : >"$r/etc/resolv.conf"   # podman bind-mounts its own; don't bake the host's in
  : >"$r/etc/hostname"
}

make_debian() {
  local img=localhost/debian:$SUITE
  if have_image "$img"; then log "skip  $img (exists)"; return 0; fi
  detect_mirror
  local rootfs=$RECIPE_DIR/rootfs-$SUITE
  rm -rf "$rootfs"
  timed "debootstrap minbase $SUITE" "$LOG_DIR/debootstrap-$SUITE.log" \
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR"
  timed "slim+configure rootfs" "$LOG_DIR/rootfs-$SUITE-post.log" slim_and_configure_rootfs "$rootfs"
  timed "podman import $img" "$LOG_DIR/import-$SUITE.log" bash -o pipefail -c '
    tar --numeric-owner --xattrs --xattrs-include="*" --acls -C "$1" -c . |
      podman import --message "debootstrap --variant=minbase $2 (slimmed), $3" \
        --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        --change "CMD [\"bash\"]" - "$4"' _ "$rootfs" "$SUITE" "$MIRROR" "$img"
  podman tag "$img" "localhost/debian:$SUITE-slim" "docker.io/library/debian:$SUITE-slim"
  ((KEEP_ROOTFS)) || rm -rf "$rootfs"
  timed "smoke $img" "$LOG_DIR/smoke-debian-$SUITE.log" \
    "${RUN[@]}" "$img" sh -ec 'cat /etc/debian_version; . /etc/os-release; echo "$PRETTY_NAME"'
}

# ---------------------------------------------------------------- 3. python
make_python() {
  local img=docker.io/library/python:$PY_MINOR-slim
  if have_image "$img"; then log "skip  $img (exists)"; return 0; fi
  local ctx=$RECIPE_DIR/base/python-$PY_MINOR-slim
  rm -rf "$ctx"; mkdir -p "$ctx/extra-ca"
  local crt n=0
  for crt in "$EXTRA_CA_DIR"/*.crt; do [[ -f $crt ]] && cp "$crt" "$ctx/extra-ca/" && n=$((n + 1)); done
  log "python: copying $n extra CA certificate(s) from $EXTRA_CA_DIR"
  cat >"$ctx/Containerfile" <<EOF
# Local stand-in for docker.io/library/python:$PY_MINOR-slim (no registry needed).
# Debian's python3 instead of a source build in /usr/local; symlinks give the same paths.
FROM localhost/debian:$SUITE
ENV LANG=C.UTF-8 \\
    PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN set -eux; \\
    export DEBIAN_FRONTEND=noninteractive; \\
    apt-get update; \\
    apt-get install -y --no-install-recommends \\
        python3 python3-venv python3-pip ca-certificates netbase tzdata; \\
    update-ca-certificates; \\
    python3 -c 'import sys; v = sys.version_info[:2]; assert v == tuple(map(int, "$PY_MINOR".split("."))), v'; \\
    ln -sf /usr/bin/python3 /usr/local/bin/python3; \\
    ln -sf python3 /usr/local/bin/python; \\
    ln -sf python3 /usr/bin/python; \\
    ln -sf /usr/bin/pip3 /usr/local/bin/pip3; \\
    ln -sf pip3 /usr/local/bin/pip; \\
    rm -f /usr/lib/python3*/EXTERNALLY-MANAGED; \\
    apt-get clean; \\
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old
# Egress goes through an intercepting proxy whose CA is now in the system bundle.
# uv (bundled webpki roots) and requests/certifi ignore the system store unless told:
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \\
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
EOF
  timed "build $img (stage 1)" "$LOG_DIR/build-python-$PY_MINOR.log" \
    "${BUILD[@]}" -t localhost/python-standin-stage1:$PY_MINOR "$ctx"
  local pyver
  pyver=$("${RUN[@]}" localhost/python-standin-stage1:$PY_MINOR python3 -c 'import platform; print(platform.python_version())')
  printf 'FROM localhost/python-standin-stage1:%s\nENV PYTHON_VERSION=%s\n' "$PY_MINOR" "$pyver" >"$ctx/Containerfile.final"
  timed "build $img (PYTHON_VERSION=$pyver)" "$LOG_DIR/build-python-$PY_MINOR-final.log" \
    "${BUILD[@]}" -f "$ctx/Containerfile.final" -t "$img" -t "docker.io/library/python:$PY_MINOR-slim-$SUITE" "$ctx"
  podman untag localhost/python-standin-stage1:$PY_MINOR
  local net_check='/tmp/v/bin/pip install -q --no-cache-dir six && /tmp/v/bin/python -c "import six; print(\"pip install from PyPI ok, six\", six.__version__)"'
  ((SKIP_NET_CHECK)) && net_check='echo "(network check skipped)"'
  timed "smoke $img" "$LOG_DIR/smoke-python-$PY_MINOR.log" "${RUN[@]}" "$img" sh -ec "
    for p in python python3 /usr/local/bin/python3 /usr/bin/python3 /usr/local/bin/python; do printf '%-22s ' \$p; \$p -V; done
    command -v pip; python3 -m venv /tmp/v; $net_check"
  cat "$LOG_DIR/smoke-python-$PY_MINOR.log" >&2
}

# ---------------------------------------------------------------- 4. uv
make_uv() {
  local tag=$1 img=ghcr.io/astral-sh/uv:$1 spec arch
  if have_image "$img"; then log "skip  $img (exists)"; return 0; fi
  case $tag in
    latest) spec=uv ;;
    [0-9]*.[0-9]*) spec="uv==$tag.*" ;;
    *) die "unsupported uv tag '$tag' (use latest, X.Y or X.Y.Z)" ;;
  esac
  arch=$(uname -m)
  local dl=$RECIPE_DIR/cache/uv-wheel-$tag ctx=$RECIPE_DIR/base/uv-$tag
  rm -rf "$dl" "$ctx"; mkdir -p "$dl" "$ctx"
  # musllinux wheels hold the same static-pie musl binaries as the official image;
  # fall back to the (glibc-linked) manylinux wheel if there is none.
  if ! timed "pip download $spec (musllinux)" "$LOG_DIR/pip-download-uv-$tag.log" \
       python3 -m pip download --no-deps --only-binary=:all: -d "$dl" \
       --platform "musllinux_1_1_$arch" --platform "musllinux_1_2_$arch" "$spec"; then
    log "no musllinux wheel; trying manylinux (dynamically linked against glibc)"
    timed "pip download $spec (manylinux)" "$LOG_DIR/pip-download-uv-$tag.log" \
      python3 -m pip download --no-deps --only-binary=:all: -d "$dl" \
      --platform "manylinux_2_17_$arch" --platform "manylinux_2_28_$arch" "$spec"
  fi
  python3 - "$dl" "$ctx" <<'PY'
import glob, os, sys, zipfile
dl, ctx = sys.argv[1:]
whl, = glob.glob(os.path.join(dl, "uv-*.whl"))
with zipfile.ZipFile(whl) as z:
    for name in ("uv", "uvx"):
        member, = [m for m in z.namelist() if m.endswith(".data/scripts/" + name)]
        with open(os.path.join(ctx, name), "wb") as f:
            f.write(z.read(member))
        os.chmod(os.path.join(ctx, name), 0o755)
print("extracted uv, uvx from", os.path.basename(whl))
PY
  local ver
  ver=$("$ctx/uv" --version | awk '{print $2}')
  printf 'FROM scratch\nCOPY uv uvx /\nENTRYPOINT ["/uv"]\n' >"$ctx/Containerfile"
  timed "build $img (uv $ver)" "$LOG_DIR/build-uv-$tag.log" \
    "${BUILD[@]}" -t "$img" -t "ghcr.io/astral-sh/uv:$ver" "$ctx"
  timed "smoke $img" "$LOG_DIR/smoke-uv-$tag.log" "${RUN[@]}" "$img" --version
  cat "$LOG_DIR/smoke-uv-$tag.log" >&2
}

# ---------------------------------------------------------------- main
main() {
  local t0=$EPOCHREALTIME tag
  log "make-base-images: RECIPE_DIR=$RECIPE_DIR SUITE=$SUITE PY_MINOR=$PY_MINOR UV_TAGS='$UV_TAGS' FORCE=$FORCE"
  ensure_tools
  make_debian
  make_python
  for tag in $UV_TAGS; do make_uv "$tag"; done
  local dt
  dt=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
  printf '%s\t%s\t%s\t%s\n' "$(date -Is)" "make-base-images total" "$dt" 0 >>"$TIMES"
  log "all base images present (total ${dt}s):"
  podman images --format '{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}' |
    grep -E "^(localhost/debian|docker.io/library/(debian|python)|ghcr.io/astral-sh/uv):" | sort >&2
}
main "$@"
