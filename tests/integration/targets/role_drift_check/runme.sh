#!/usr/bin/env bash
# The kentik.kmi.drift_check role against the KMI simulator: snapshots, no drift, planted drift, keep.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
kmi_playbook main main.yml -e "drift_state=${KMI_IT_TMP}/drift-state"
