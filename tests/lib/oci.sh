# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# OCI bundles for the container tests, sourced: a busybox rootfs made at test
# time from the host's static busybox (no image, no registry), and a
# config.json that crun and runc both accept. Other scripts add their own
# hooks or annotations to the JSON after oci_bundle. Needs crun (for
# `crun spec`), python3 and /bin/busybox from busybox-static.

# oci_rootfs DIR: a busybox root in DIR (made if missing). Every applet is a
# symlink in /bin, which the spec's PATH covers; the empty dirs are the
# mount points a runtime needs; root gets a passwd line so id and ps agree.
oci_rootfs() {
	local dir=$1 bb=${OCI_BUSYBOX:-/bin/busybox} a
	file -L "$bb" 2>/dev/null | grep -q 'statically linked' || {
		echo "oci_rootfs: $bb is not a static busybox (install busybox-static)" >&2
		return 1
	}
	mkdir -p "$dir"/{bin,proc,sys,dev,tmp,etc,root,run} || return 1
	chmod 1777 "$dir/tmp"
	cp "$bb" "$dir/bin/busybox" || return 1
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$dir/bin/$a"
	done
	ln -sfn bin "$dir/sbin"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
	echo 'root:x:0:' >"$dir/etc/group"
}

# oci_bundle BUNDLE ROOTFS CGROUPS_PATH CMD...: BUNDLE/config.json from
# `crun spec` (with --rootless when not root), running CMD without a
# terminal, root ROOTFS (made absolute, writable) and linux.cgroupsPath
# CGROUPS_PATH (left out when empty: the runtime picks one).
oci_bundle() {
	local bundle=$1 rootfs=$2 cgpath=$3 spec=()
	shift 3
	[ "$(id -u)" = 0 ] || spec=(--rootless)
	mkdir -p "$bundle" || return 1
	rootfs=$(cd "$rootfs" && pwd) || return 1
	rm -f "$bundle/config.json"
	(cd "$bundle" && crun spec "${spec[@]}") || return 1
	python3 - "$bundle/config.json" "$rootfs" "$cgpath" "$@" <<'EOF'
import json, sys

path, rootfs, cgpath, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(path) as f:
    spec = json.load(f)
spec["process"]["args"] = args
spec["process"]["terminal"] = False
spec["root"] = {"path": rootfs, "readonly": False}
linux = spec.setdefault("linux", {})
if cgpath:
    linux["cgroupsPath"] = cgpath
else:
    linux.pop("cgroupsPath", None)
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
EOF
}
