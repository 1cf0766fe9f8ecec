#!/usr/bin/env bash
# validate_certs: false against the simulator over HTTPS (a self-signed certificate made here): modules and lookups
# on 50 hosts with 10 forks work, and the run says so exactly once, in the collection's words, never urllib3's.
# A second run says it once again; ca_path with the certificate verifies and says nothing.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
CERTS=$(mktemp -d "${OUTPUT_DIR:-/tmp}/kmi-tls.XXXXXX")
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "${CERTS}/key.pem" -out "${CERTS}/cert.pem" 2>/dev/null
kmi_sim_start --tls-cert "${CERTS}/cert.pem" --tls-key "${CERTS}/key.pem"

said() {  # how many times the log of run $1 shows our warning, and urllib3's
    local log="${KMI_IT_TMP}/$1.log"
    ours=$(grep -c '^\[WARNING\]: validate_certs is false: ' "${log}" || true)
    theirs=$(grep -c -i 'InsecureRequestWarning\|Unverified HTTPS request' "${log}" || true)
}

for run in 1 2; do
    kmi_playbook "insecure${run}" main.yml -f 10 -e kmi_tls_validate=false
    said "insecure${run}"
    [ "${ours}" = 1 ] || { echo "run ${run}: our warning shown ${ours} times, expected once" >&2; exit 1; }
    [ "${theirs}" = 0 ] || { echo "run ${run}: urllib3's warning shown ${theirs} times" >&2; exit 1; }
done

kmi_playbook verified main.yml -f 10 -e kmi_tls_validate=true -e "kmi_ca_path=${CERTS}/cert.pem"
said verified
[ "${ours}" = 0 ] && [ "${theirs}" = 0 ]
