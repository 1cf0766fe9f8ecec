#!/usr/bin/env bash
# Every example of README.md, the other Markdown pages, the guides and the plugins' EXAMPLES, run as a user copies it
# (run_examples.py says what runs and how): on a simulator with the default dataset, and one with the small dataset
# for the guides that start it so. The README's user (sim@example.com, sim-token) is a user of both.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh

kmi_sim_start --dataset small --user sim@example.com:sim-token
SMALL_URL=${KMI_IT_URL}
SMALL_SIM_PID=${KMI_SIM_PID}
KMI_SIM_PID=  # kmi_sim_stop of the next start must not take this one

kmi_sim_start --dataset routeviews --user sim@example.com:sim-token
trap 'kill "${SMALL_SIM_PID}" 2>/dev/null || true; kmi_sim_stop' EXIT

"${KMI_PYTHON}" run_examples.py "$(_kmi_collection_root)" "${KMI_IT_URL}" "${SMALL_URL}"
