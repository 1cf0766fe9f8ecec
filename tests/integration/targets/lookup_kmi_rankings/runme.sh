#!/usr/bin/env bash
# The kentik.kmi.kmi_rankings lookup against the KMI simulator, and the run cache: 50 hosts in 10 forks
# template the same lookup, and the simulator must see one GetRankings (and one ListMarkets).
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
kmi_playbook main main.yml
kmi_playbook fifty fifty.yml --forks 10
