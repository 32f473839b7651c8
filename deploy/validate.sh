#!/usr/bin/env bash
# shellcheck disable=SC2317  # the check functions are called through `check`
# Extra checks of the deployment files, each run only when its tool is installed (the xunit
# test DeploymentFilesTests checks the essentials without any tool).
#   deploy/validate.sh
# Exit status: 1 if a check that ran failed; skipped checks only print why.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

failed=0
ran=0
skip() { echo "skip: $1"; }
check() {
  local name="$1"; shift
  ran=$((ran + 1))
  if "$@" >/tmp/analytics-validate.$$ 2>&1; then
    echo "ok:   $name"
  else
    echo "FAIL: $name"; sed 's/^/      /' /tmp/analytics-validate.$$
    failed=1
  fi
  rm -f /tmp/analytics-validate.$$
}

# 1. Every YAML document parses with a full YAML parser (npm `yaml`, a dependency of the pinned packages).
if command -v node >/dev/null 2>&1 && [ -f node_modules/yaml/package.json ]; then
  mapfile -t yaml_files < <(echo azure-pipelines.yml; find deploy -name '*.yaml' -o -name '*.yml' | sort)
  yaml_parse() {
    node -e '
      const YAML = require("./node_modules/yaml");
      const fs = require("fs");
      let bad = 0;
      for (const file of process.argv.slice(1)) {
        for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { uniqueKeys: true })) {
          for (const e of [...doc.errors, ...doc.warnings]) { console.log(file + ": " + e.message); bad++; }
        }
      }
      process.exit(bad ? 1 : 0);' "${yaml_files[@]}"
  }
  check "YAML parses (npm yaml)" yaml_parse
else
  skip "YAML parse: node or node_modules/yaml missing (run npm ci)"
fi

# 2. Kustomize renders both topologies.
if command -v kubectl >/dev/null 2>&1; then
  check "kubectl kustomize deploy/kubernetes" kubectl kustomize deploy/kubernetes
  check "kubectl kustomize deploy/kubernetes/with-frontend" kubectl kustomize deploy/kubernetes/with-frontend
elif command -v kustomize >/dev/null 2>&1; then
  check "kustomize build deploy/kubernetes" kustomize build deploy/kubernetes
  check "kustomize build deploy/kubernetes/with-frontend" kustomize build deploy/kubernetes/with-frontend
else
  skip "kustomize: neither kubectl nor kustomize installed"
fi

# 3. Schema validation of the rendered manifests (offline).
if command -v kubeconform >/dev/null 2>&1 && command -v kubectl >/dev/null 2>&1; then
  kubeconform_all() {
    kubectl kustomize deploy/kubernetes/with-frontend | kubeconform -strict -summary - &&
      kubeconform -strict -summary deploy/kubernetes/secret.template.yaml deploy/kubernetes/examples/silo-hpa.yaml
  }
  check "kubeconform -strict" kubeconform_all
else
  skip "schema validation: kubeconform (and kubectl) not installed"
fi

# 4. Server-side dry run, only against a reachable cluster.
if command -v kubectl >/dev/null 2>&1 && kubectl version --request-timeout=5s >/dev/null 2>&1; then
  check "kubectl apply --dry-run=server -k deploy/kubernetes" kubectl apply --dry-run=server -k deploy/kubernetes
else
  skip "server-side dry run: no reachable Kubernetes cluster"
fi

# 5. Dockerfiles: lint, and build checks when a Docker engine answers.
if command -v hadolint >/dev/null 2>&1; then
  check "hadolint" hadolint deploy/silo/Dockerfile deploy/frontend/Dockerfile
else
  skip "hadolint not installed"
fi
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  check "docker build --check deploy/silo/Dockerfile" docker build --check -f deploy/silo/Dockerfile .
  if [ -f Frontend.Host/Frontend.Host.csproj ]; then
    check "docker build --check deploy/frontend/Dockerfile" docker build --check -f deploy/frontend/Dockerfile .
  else
    skip "deploy/frontend/Dockerfile: Frontend.Host/Frontend.Host.csproj does not exist yet"
  fi
else
  skip "docker build checks: no Docker engine"
fi

# 6. Shell scripts.
if command -v shellcheck >/dev/null 2>&1; then
  check "shellcheck deploy/validate.sh" shellcheck deploy/validate.sh
else
  skip "shellcheck not installed"
fi

echo "$ran check(s) ran; $([ "$failed" = 0 ] && echo "all passed" || echo "some FAILED")"
exit "$failed"
