#!/usr/bin/env bash
# The kentik.kmi.kmi_markets lookup against the KMI simulator; also where the lookups take their
# connection options from: keyword arguments, then Ansible variables, then the KTAPI_* environment.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
kmi_playbook main main.yml
kmi_with_env kmi_playbook env env.yml
