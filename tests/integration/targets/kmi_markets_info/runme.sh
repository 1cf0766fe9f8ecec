#!/usr/bin/env bash
# kentik.kmi.kmi_markets_info (and its routed name kentik.kmi.kmi_markets) against the KMI simulator;
# also module_defaults for the whole action group, and the KTAPI_* environment fallback.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
kmi_playbook main main.yml
kmi_with_env kmi_playbook env env.yml
