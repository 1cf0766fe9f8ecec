#!/usr/bin/env bash
# kentik.kmi.kmi_asn_info against the KMI simulator.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
kmi_playbook main main.yml
