# shellcheck shell=bash
# Sourced (after kmi_sim.sh and kmi_sim_start) by the targets that check rendered files with real tools:
#   kmi_need_parsers        BIRD 2 and FRR 8 (Debian packages bird2, frr), installed when missing; sets PARSER_SKIP
#                           to the reason when they cannot be (then the caller skips its parser checks, saying why)
#   kmi_check_bird FILE     the BIRD fragment included from a minimal bird.conf, through bird -p
#   kmi_check_frr FILE      the FRR fragment through vtysh --dryrun, then bgpd --dryrun (semantic errors too)
#   kmi_need_chromium       headless Chromium (Debian package chromium), installed when missing; sets BROWSER_SKIP
#   kmi_chromium ARGS...    run headless Chromium with a profile in $KMI_IT_TMP
# Installing needs apt-get and root or password-less sudo.

KMI_BGPD=/usr/lib/frr/bgpd

# _kmi_apt_install PACKAGE...: install Debian packages, with a policy-rc.d for the duration so that no daemon of
# theirs starts on this machine. Sets KMI_APT_SKIP to the reason when it cannot.
_kmi_apt_install() {
    local sudo=() start=${SECONDS}
    KMI_APT_SKIP=
    if ! command -v apt-get >/dev/null; then KMI_APT_SKIP="apt-get is not available on this machine"; return; fi
    if [ "$(id -u)" != 0 ]; then
        if sudo -n true 2>/dev/null; then sudo=(sudo -n); else KMI_APT_SKIP="not root, and sudo needs a password"; return; fi
    fi
    if ( if [ ! -e /usr/sbin/policy-rc.d ]; then
             trap '"${sudo[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
             printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
             "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
         fi
         "${sudo[@]}" apt-get update -qq
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
       ) > "${KMI_IT_TMP}/apt.log" 2>&1; then
        echo "installed $* in $((SECONDS - start)) s"
    else
        tail -n 20 "${KMI_IT_TMP}/apt.log"
        KMI_APT_SKIP="apt-get install $* failed (log above)"
    fi
}

_kmi_parsers_present() { command -v bird >/dev/null && command -v vtysh >/dev/null && [ -x "${KMI_BGPD}" ]; }

kmi_need_parsers() {
    PARSER_SKIP=
    if _kmi_parsers_present; then return; fi
    _kmi_apt_install bird2 frr
    PARSER_SKIP=${KMI_APT_SKIP}
    if [ -z "${PARSER_SKIP}" ] && ! _kmi_parsers_present; then PARSER_SKIP="bird2 and frr installed, but bird, vtysh or bgpd is missing"; fi
}

kmi_check_bird() {
    local wrap="${KMI_IT_TMP}/bird-check.conf"
    printf 'router id 192.0.2.254;\nprotocol device {}\ninclude "%s";\n' "$1" > "${wrap}"
    bird -p -c "${wrap}"
}

# bgpd's dry run exits 0 even on errors, but logs them with an error code ("[EC 100663304] No such command ...").
kmi_check_frr() {
    local log="${KMI_IT_TMP}/bgpd-check.log" pid rc=0
    vtysh --dryrun -f "$1" || return 1
    "${KMI_BGPD}" --dryrun --skip_runas --no_zebra --bgp_port 0 -f "$1" > "${log}" 2>&1 &
    pid=$!
    wait "${pid}" || rc=$?
    rmdir "/var/tmp/frr/bgpd.${pid}" 2>/dev/null || true  # its (empty) crash-log folder
    if [ "${rc}" != 0 ]; then cat "${log}"; return 1; fi
    if grep -E '\[EC [0-9]+\]' "${log}"; then return 1; fi
}

kmi_need_chromium() {
    BROWSER_SKIP=
    if command -v chromium >/dev/null; then return; fi
    _kmi_apt_install chromium
    BROWSER_SKIP=${KMI_APT_SKIP}
    if [ -z "${BROWSER_SKIP}" ] && ! command -v chromium >/dev/null; then BROWSER_SKIP="chromium installed, but not on PATH"; fi
}

kmi_chromium() {
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="${KMI_IT_TMP}/chromium" "$@"
}
