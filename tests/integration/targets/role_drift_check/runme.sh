#!/usr/bin/env bash
# The kentik.kmi.drift_check role against the KMI simulator: snapshots, no drift, planted drift, keep.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
kmi_playbook main main.yml -e "drift_state=${KMI_IT_TMP}/drift-state"

# The collection playbook from an empty folder with a relative snapshot folder: the snapshot lands in that folder,
# not next to the collection's playbook, where modules run.
USER_DIR=$(mkdir -p "${KMI_IT_TMP}/user" && cd "${KMI_IT_TMP}/user" && pwd -P)
(cd "${USER_DIR}" && kmi_with_env kmi_playbook playbook-relative kentik.kmi.drift_check -e drift_check_asn=64501 \
    -e drift_check_market=DE -e drift_check_state_dir=./kmi-state)
ls "${USER_DIR}"/kmi-state/64501-country_de-v4-customer_base-*.json
