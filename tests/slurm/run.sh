#!/usr/bin/env bash
# Run the pipeline through a real single-node SLURM and compare it byte for byte with a local run.
#
#   bash tests/slurm/run.sh        (as root on Debian; .ci/run calls it where it can)
#
# Installs slurm-wlm and munge with apt, writes a minimal slurm.conf, starts munged, slurmctld and
# slurmd by hand (no systemd here), runs a small config once locally and once with
# --profile workflow/profiles/slurm, compares every deterministic artefact, and stops every daemon
# it started, by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "SLURM test skipped: it needs root and apt-get (to install and start slurm-wlm and munge)"
  exit 0
fi

work=$(mktemp -d)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT

echo "== installing slurm-wlm and munge"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq slurm-wlm munge >/dev/null
.venv/bin/pip install -q -r requirements-cluster.txt

echo "== starting munged, slurmctld, slurmd"
mkdir -p /etc/munge /run/munge /var/log/munge /var/lib/munge /etc/slurm /var/spool/slurmctld /var/spool/slurmd
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chmod 400 /etc/munge/munge.key
munged --force --foreground --socket=/run/munge/munge.socket.2 >"$work/munged.log" 2>&1 &
pids+=($!)

cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > /etc/slurm/slurm.conf <<EOF
ClusterName=course
SlurmctldHost=$(hostname)(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MpiDefault=none
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break
  sleep 0.5
done
sinfo -h -o "%P %D %T" | grep -q idle || { echo "SLURM did not come up"; tail -n 20 "$work"/*.log "$work"/*.out; exit 1; }
sinfo

echo "== the same small config, locally and through SLURM"
.venv/bin/python - "$work/config.yaml" <<'EOF'
import sys
sys.path.insert(0, "tests/workflow")
import yaml
from conftest import small_config
open(sys.argv[1], "w").write(yaml.safe_dump(small_config()))
EOF
run() {
  timeout 900 .venv/bin/snakemake --snakefile "$repo/Snakefile" --configfile "$work/config.yaml" \
    --replace-workflow-config --directory "$1" "${@:2}"
}
run "$work/local" --cores all --quiet
if ! run "$work/cluster" --profile workflow/profiles/slurm --quiet; then
  echo "the SLURM run failed; SLURM's own logs:"; tail -n 30 "$work"/*.log "$work"/*.out
  exit 1
fi
submitted=$(cat "$work"/cluster/.snakemake/log/*.log | grep -c "has been submitted with SLURM jobid" || true)
[ "$submitted" -ge 15 ] || { echo "only $submitted jobs went through SLURM"; exit 1; }
echo "$submitted jobs ran through SLURM"
.venv/bin/python -m coursekit.references.verify "$work/local/results" "$work/cluster/results"

echo "== a class of 20 generated submissions, graded locally and through SLURM (one job per student)"
.venv/bin/python tests/workflow/classroom.py "$work/class" 20
start=$(date +%s.%N)
run "$work/local" grade --cores all --quiet --config submissions="$work/class"
middle=$(date +%s.%N)
if ! run "$work/cluster" grade --profile workflow/profiles/slurm --quiet --config submissions="$work/class"; then
  echo "grading through SLURM failed; SLURM's own logs:"; tail -n 30 "$work"/*.log "$work"/*.out
  exit 1
fi
end=$(date +%s.%N)
awk -v a="$start" -v b="$middle" -v c="$end" \
  'BEGIN { printf "grading 20 submissions: locally %.2f s a submission, through SLURM %.2f s\n", (b-a)/20, (c-b)/20 }'
graded=$(cat "$work"/cluster/.snakemake/log/*.log | grep -c "rule_grade_student" || true)
[ "$graded" -ge 20 ] || { echo "only $graded students were graded through SLURM"; exit 1; }
.venv/bin/python - "$work/local/results/grade/gradebook.csv" "$work/cluster/results/grade/gradebook.csv" <<'EOF'
import csv, sys
def rows(path):  # the timings (student_s, reference_s) are measurements: everything else must be equal
    with open(path, newline="") as f:
        return [{k: v for k, v in row.items() if k not in ("student_s", "reference_s")} for row in csv.DictReader(f)]
local, cluster = rows(sys.argv[1]), rows(sys.argv[2])
if local != cluster or len(local) < 20:
    sys.exit(f"the gradebooks differ: {len(local)} local rows, {len(cluster)} through SLURM")
print(f"gradebook through SLURM equals the local one: {len(local)} rows, 20 students")
EOF
echo "SLURM test passed"
