"""Kubernetes manifests (deploy/kubernetes/): every accepted combination's overlays are built
with kubectl's kustomize, validated against the Kubernetes API schemas, scanned by checkov,
and tied to the service they deploy (settings, routes, image, shutdown timing).

No cluster runs here: what only a cluster can show is listed in the README's "Kubernetes"
section of the template repository.
"""

from __future__ import annotations

import ast
import functools
import itertools
import json
import re
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import kubernetes_validate
import pytest
import yaml

from extensions.catalog import KUBERNETES_ENVIRONMENTS, KUBERNETES_VERSION
from extensions.derive import derive
from extensions.refusals import supported

from .projects import (
    PRODUCTION_SECRET,
    TEST_REDIS_URL,
    Server,
    answer,
    database_url,
    free_port,
    install,
    uv_env,
)
from .rendering import BIN, TEMPLATE, accepted_stacks, combination_id, python_for, render
from .test_questionnaire import assert_refused
from .test_render import GITHUB_EXPRESSION, JINJA_LEFTOVER, tool

OVERLAYS = [environment.name for environment in KUBERNETES_ENVIRONMENTS]
# The checks of checkov the manifests skip, each with its reason in an annotation on the
# resource (checkov.io/skipN: CHECK=reason). Any other finding fails the scan.
EXPLAINED_SKIPS = {
    "CKV_K8S_43",  # image by digest: releases are tagged; a digest is the overlay's choice
    "CKV_K8S_35",  # secrets as files: the service reads settings from the environment only
    # Background jobs' containers (workers, beat) serve no HTTP and receive no traffic.
    "CKV_K8S_8",  # liveness probe
    "CKV_K8S_9",  # readiness probe
}
CHECKOV = "checkov==3.3.30"


def kubernetes_combinations() -> Iterator[dict[str, str]]:
    """Every framework x database x auth the questionnaire accepts (what the manifests are
    made of), each with Kustomize; the CI providers and Python versions take turns."""
    others = itertools.cycle(
        itertools.product(supported("ci"), ("3.13", "3.12"))  # ci x python, in turn
    )
    jobs = itertools.cycle(supported("jobs"))
    for stack in accepted_stacks():
        ci, python = next(others)
        yield {
            **stack,
            "ci": ci,
            "python_version": python,
            "kubernetes": "kustomize",
            # Background jobs every other combination: each framework and database both ways.
            "jobs": next(jobs),
        }


COMBINATIONS = list(kubernetes_combinations())


def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.fail("kubectl is not installed (.ci/run installs it with apt)")
    return path


@functools.cache
def build(project: Path, overlay: str) -> list[dict[str, Any]]:
    """`kubectl kustomize` of one overlay: the objects it would apply (once per render; the
    tests only read them)."""
    result = subprocess.run(
        [kubectl(), "kustomize", f"deploy/kubernetes/overlays/{overlay}"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


# ── what the rendered service says about itself ─────────────────────────────────────────


@dataclass(frozen=True)
class Service:
    """The facts the manifests must agree with, read from the rendered project's files."""

    project: Path
    package: str
    config: str  # src/<package>/config.py
    dockerfile: str

    @classmethod
    def of(cls, project: Path) -> Service:
        package = answer(project, "package_name")
        return cls(
            project=project,
            package=package,
            config=(project / "src" / package / "config.py").read_text(),
            dockerfile=(project / "Dockerfile").read_text(),
        )

    @property
    def settings_class(self) -> str:
        """The body of `class Settings`, up to the next top-level statement."""
        match = re.search(
            r"^class Settings\([^)]*\bBaseSettings\):\n(.*?)(?=^\S|\Z)", self.config, re.S | re.M
        )
        assert match, "no Settings class in config.py"
        return match.group(1)

    @property
    def fields(self) -> dict[str, str | None]:
        """Every setting (environment variable name) and its default's source, or None."""
        fields: dict[str, str | None] = {}
        for name, _, default in re.findall(
            r"^    (\w+): ([^=\n]+?)(?: = (.+))?$", self.settings_class, re.M
        ):
            if name != "model_config":
                fields[name.upper()] = default or None
        return fields

    def secret_fields(self) -> set[str]:
        return set(re.findall(r"^    (\w+): SecretStr\b", self.settings_class, re.M))

    def default(self, name: str) -> Any:
        """A setting's default value, as Python evaluates the literal in config.py."""
        source = self.fields[name]
        assert source is not None, f"{name} has no default"
        keyword = re.match(r"Field\(default=(.+?)(?:, \w+=.*)?\)$", source)
        expression = keyword.group(1) if keyword else source
        if expression.startswith("SecretStr("):
            return None
        return ast.literal_eval(expression)

    def constant(self, name: str) -> float:
        match = re.search(rf"^{name} = (.+)$", self.config, re.M)
        assert match, name
        return float(ast.literal_eval(match.group(1)))

    @property
    def final_stage(self) -> str:
        return self.dockerfile[self.dockerfile.rindex("\nFROM ") :]

    @property
    def image_env(self) -> dict[str, str]:
        """The runtime image's ENV (continuation lines joined)."""
        joined = self.final_stage.replace("\\\n", " ")
        env: dict[str, str] = {}
        for line in re.findall(r"^ENV (.+)$", joined, re.M):
            env.update(re.findall(r"(\w+)=(\S+)", line))
        return env

    @property
    def image_user(self) -> tuple[int, int]:
        """The runtime image's USER and the gid of its group."""
        user = re.search(r"^USER (\d+)$", self.final_stage, re.M)
        group = re.search(r"groupadd --system --gid (\d+)", self.final_stage)
        assert user, "the image's USER is numeric"
        assert group, "the image's group has a fixed gid"
        return int(user.group(1)), int(group.group(1))

    @property
    def image_command(self) -> list[str]:
        match = re.search(r"^CMD (\[.+\])$", self.final_stage, re.M)
        assert match
        command: list[str] = json.loads(match.group(1))
        return command

    def routes(self) -> set[str]:
        """The GET paths of the health module: the router's prefix + each route's path."""
        health = (self.project / "src" / self.package / "health.py").read_text()
        sources = "\n".join(
            path.read_text() for path in (self.project / "src" / self.package).glob("*.py")
        )
        # FastAPI's and Flask's routers carry their prefix; Django Ninja's is where it is added.
        own = re.findall(r"prefix=\"(/[\w/]+)\"", health)
        added = re.findall(r"add_router\(\"(/[\w/]+)\", health\.router\)", sources)
        assert len(own + added) == 1, (own, added)
        prefix = (own + added)[0]
        suffixes = re.findall(r"^@\w+\.get\(\s*\"(/[\w/]*)\"", health, re.M)
        return {f"{prefix}{suffix}" for suffix in suffixes}


def setting(service: Service, env: dict[str, str], name: str) -> Any:
    """The value the running service sees: the pod's environment, else the image's ENV, else
    the Settings default."""
    if name in env:
        return env[name]
    if name in service.image_env:
        return service.image_env[name]
    return service.default(name)


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Django's host validation (Starlette's TrustedHostMiddleware agrees on "*", names and
    "*.domain"): the Host header without its port, against each allowed pattern."""
    name = host[: host.index("]") + 1] if host.startswith("[") else host.rsplit(":", 1)[0]
    name = name.lower().rstrip(".")
    for pattern in (entry.strip().lower() for entry in allowed):
        if pattern in {"*", name}:
            return True
        suffix = pattern[1:] if pattern.startswith("*.") else pattern
        if suffix.startswith(".") and (name.endswith(suffix) or name == suffix[1:]):
            return True
    return False


# ── reading the built manifests ─────────────────────────────────────────────────────────


def one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [item for item in objects if item["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind}"
    return found[0]


def server_deployment(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The Deployment of the HTTP server (the workers and beat have their own)."""
    found = [
        item
        for item in objects
        if item["kind"] == "Deployment"
        and item["metadata"]["labels"]["app.kubernetes.io/component"] == "server"
    ]
    assert len(found) == 1, f"{len(found)} server Deployments"
    return found[0]


def kinds(objects: list[dict[str, Any]]) -> list[str]:
    return sorted(item["kind"] for item in objects)


def workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pod specs of the Deployment and the Job."""
    return [
        item["spec"]["template"]["spec"]
        for item in objects
        if item["kind"] in {"Deployment", "Job"}
    ]


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def environment(
    container: dict[str, Any], objects: list[dict[str, Any]]
) -> tuple[dict[str, str], dict[str, str]]:
    """The container's variables: (from the ConfigMap, from Secret keys)."""
    from_config: dict[str, str] = {}
    for source in container.get("envFrom", []):
        assert set(source) == {"configMapRef"}, "only the ConfigMap is read whole"
        config = next(
            item
            for item in objects
            if item["kind"] == "ConfigMap"
            and item["metadata"]["name"] == source["configMapRef"]["name"]
        )
        from_config.update(config["data"])
    from_secret: dict[str, str] = {}
    for variable in container.get("env", []):
        reference = variable["valueFrom"]["secretKeyRef"]  # no literal values in the Deployment
        assert reference["key"] == variable["name"]
        from_secret[variable["name"]] = reference["name"]
    return from_config, from_secret


# ── the tests ───────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module", params=COMBINATIONS, ids=[combination_id(c) for c in COMBINATIONS])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("kubernetes") / "project", **request.param)


def test_every_overlay_builds_and_validates_against_the_api_schemas(project: Path) -> None:
    for overlay in OVERLAYS:
        for item in build(project, overlay):
            # Strict: an unknown field (a typo) fails too; every kind has a schema.
            kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)


def test_manifests_deploy_the_service_as_it_is_built(project: Path) -> None:
    service = Service.of(project)
    single = answer(project, "database") == "sqlite"
    user, group = service.image_user
    for overlay in OVERLAYS:
        objects = build(project, overlay)
        expected = {
            "ConfigMap",
            "Deployment",
            "Ingress",
            "NetworkPolicy",
            "Service",
            "ServiceAccount",
        }
        expected |= {"PersistentVolumeClaim"} if single else {
            "HorizontalPodAutoscaler", "Job", "PodDisruptionBudget"
        }  # fmt: skip
        assert set(kinds(objects)) == expected, overlay
        # One of each, but for the workers' and beat's Deployments on a database server.
        jobs = 2 if answer(project, "jobs") == "celery" and not single else 0
        assert len(objects) == len(expected) + jobs, "one of each"
        assert {item["metadata"]["namespace"] for item in objects} == {
            derive_for(project)["kubernetes_environments"][overlay]["namespace"]
        }
        deployment = server_deployment(objects)
        pod = deployment["spec"]["template"]["spec"]
        server = pod["containers"][0]
        assert server["command"] == service.image_command, "the image's production command"
        # The image's user, never root; nothing writable but the mounted paths.
        for spec in workloads(objects):
            assert spec["automountServiceAccountToken"] is False
            assert spec["enableServiceLinks"] is False
            context = spec["securityContext"]
            assert context["runAsNonRoot"] is True
            assert (context["runAsUser"], context["runAsGroup"]) == (user, group)
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}
            for container in containers(spec):
                security = container["securityContext"]
                assert security["readOnlyRootFilesystem"] is True
                assert security["allowPrivilegeEscalation"] is False
                assert security["capabilities"] == {"drop": ["ALL"]}
                assert {"cpu", "memory"} == set(container["resources"]["requests"])
                assert {"cpu", "memory"} == set(container["resources"]["limits"])
                assert container["image"] == server["image"], "one image"
                mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
                writable = {"/tmp", "/app/var"} if single else {"/tmp"}  # noqa: S108 (a pod's own)
                assert mounts == writable
        image = server["image"]
        assert ":" in image.rsplit("/", 1)[-1], image
        assert not image.endswith(":latest")
        account = one(objects, "ServiceAccount")
        assert account["automountServiceAccountToken"] is False
        assert pod["serviceAccountName"] == account["metadata"]["name"]
        check_scale(project, objects, overlay, single)


def derive_for(project: Path) -> dict[str, Any]:
    return derive(yaml.safe_load((project / ".copier-answers.yml").read_text()))


def check_scale(project: Path, objects: list[dict[str, Any]], overlay: str, single: bool) -> None:
    """SQLite: one pod, migrated by its init container. Server: autoscaled, budgeted, Job."""
    deployment = server_deployment(objects)
    pod = deployment["spec"]["template"]["spec"]
    migrate = derive_for(project)["image_migrate_command"].split()
    if single:
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        assert [container["command"] for container in pod["initContainers"]] == [migrate]
        claim = one(objects, "PersistentVolumeClaim")
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        assert volumes["data"]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
        return
    assert "replicas" not in deployment["spec"], "the autoscaler owns the count"
    assert "initContainers" not in pod
    job = one(objects, "Job")
    assert [c["command"] for c in job["spec"]["template"]["spec"]["containers"]] == [migrate]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    autoscaler = one(objects, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    floor = derive_for(project)["kubernetes_environments"][overlay]["replicas"]
    assert autoscaler["spec"]["minReplicas"] == floor
    assert autoscaler["spec"]["maxReplicas"] > floor
    if overlay == "production":
        assert floor >= 2, "a drain or a crash must leave a replica serving"
    budget = one(objects, "PodDisruptionBudget")
    labels = pod_labels(deployment)
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert budget["spec"]["maxUnavailable"] == 1


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def test_traffic_reaches_the_pods_only_through_the_ingress(project: Path) -> None:
    for overlay in OVERLAYS:
        objects = build(project, overlay)
        deployment = server_deployment(objects)
        labels = pod_labels(deployment)
        ports = {port["name"]: port for port in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}  # fmt: skip
        service = one(objects, "Service")
        assert service["spec"]["selector"].items() <= labels.items()
        assert service["spec"]["type"] == "ClusterIP"
        assert {port["targetPort"] for port in service["spec"]["ports"]} <= set(ports)
        ingress = one(objects, "Ingress")
        hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
        tls_hosts = {host for entry in ingress["spec"]["tls"] for host in entry["hosts"]}
        assert hosts <= tls_hosts, "every host is served over TLS"
        assert hosts == {derive_for(project)["kubernetes_environments"][overlay]["host"]}
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] == service["metadata"]["name"]
                assert backend["port"]["name"] in {
                    port["name"] for port in service["spec"]["ports"]
                }
        policy = one(objects, "NetworkPolicy")
        selector = policy["spec"]["podSelector"]["matchLabels"]
        for workload in (item for item in objects if item["kind"] in {"Deployment", "Job"}):
            assert selector.items() <= pod_labels(workload).items(), "every pod is covered"
        assert policy["spec"]["policyTypes"] == ["Ingress"]
        rule, scrape = policy["spec"]["ingress"]
        [peer] = rule["from"]
        assert set(peer) == {"namespaceSelector", "podSelector"}, "the controller's pods only"
        assert [port["port"] for port in rule["ports"]] == ["http"]
        # Prometheus reaches the metrics port, which no Service or Ingress names.
        [monitoring] = scrape["from"]
        assert set(monitoring) == {"namespaceSelector"}
        assert [port["port"] for port in scrape["ports"]] == ["metrics"]
        assert "metrics" in ports
        assert "metrics" not in {port["targetPort"] for port in service["spec"]["ports"]}


def test_settings_come_from_the_configmap_and_secrets_from_the_secret(project: Path) -> None:
    """Every variable the pods get is a setting of the service; every setting without a
    default, and every secret one, is provided, and no secret is in the ConfigMap."""
    service = Service.of(project)
    fields = service.fields
    secrets = {name.upper() for name in service.secret_fields()}
    required = {name for name, default in fields.items() if default is None}
    database_server = answer(project, "database") != "sqlite"
    for overlay in OVERLAYS:
        objects = build(project, overlay)
        for spec in workloads(objects):
            for container in containers(spec):
                from_config, from_secret = environment(container, objects)
                assert set(from_config) | set(from_secret) <= set(fields), sorted(
                    (set(from_config) | set(from_secret)) - set(fields)
                )
                assert not set(from_config) & set(from_secret)
                provided = set(from_config) | set(from_secret) | set(service.image_env)
                assert required <= provided, sorted(required - provided)
                assert secrets <= set(from_secret), "SecretStr settings come from the Secret"
                assert not secrets & set(from_config)
                assert not any(
                    word in name for name in from_config for word in ("PASSWORD", "TOKEN", "KEY")
                )
                assert from_config["ENVIRONMENT"] == "production"
                if database_server:  # the URL carries the database password
                    assert "DATABASE_URL" in from_secret
                    assert "DATABASE_URL" not in from_config
                else:
                    path = from_config["DATABASE_URL"].removeprefix("sqlite:///")
                    mounts = [mount["mountPath"] for mount in container["volumeMounts"]]
                    assert any(Path(path).is_relative_to(mount) for mount in mounts), path
                assert set(from_secret.values()) == {
                    f"{derive_for(project)['project_slug']}-secrets"
                }
                for network in setting(service, from_config, "FORWARDED_ALLOW_IPS").split(","):
                    ip_network(network.strip())  # the proxies the ingress needs, as CIDRs


def test_probes_shutdown_and_hosts_match_the_service(project: Path) -> None:
    service = Service.of(project)
    routes = service.routes()
    for overlay in OVERLAYS:
        objects = build(project, overlay)
        deployment = server_deployment(objects)
        pod = deployment["spec"]["template"]["spec"]
        server = pod["containers"][0]
        env, _ = environment(server, objects)
        port = int(setting(service, env, "PORT"))
        ports = {entry["name"]: entry["containerPort"] for entry in server["ports"]}
        metrics_port = int(setting(service, env, "METRICS_PORT"))
        assert ports == {"http": port, "metrics": metrics_port}, "the ports the service listens on"
        assert setting(service, env, "METRICS_HOST") == "0.0.0.0"  # noqa: S104 (the scraper's)
        assert setting(service, env, "HOST") == "0.0.0.0"  # noqa: S104 (the pod's network)
        probes = {kind: server[f"{kind}Probe"]["httpGet"] for kind in ("startup", "liveness", "readiness")}  # fmt: skip
        assert probes["startup"]["path"] == probes["liveness"]["path"] == "/health/live"
        assert probes["readiness"]["path"] == "/health/ready"
        allowed = allowed_hosts(service, env)
        for probe in probes.values():
            assert probe["path"] in routes, (probe["path"], routes)
            assert ports[probe["port"]] == port
            # The kubelet sends Host: <pod IP>:<port> unless the probe names one.
            headers = {header["name"]: header["value"] for header in probe.get("httpHeaders", [])}
            host = headers.get("Host", f"10.42.0.17:{port}")
            assert allowed is None or host_allowed(host, allowed), (host, allowed)
        if allowed is not None:  # and the clients' Host, which the ingress passes on
            for rule in one(objects, "Ingress")["spec"]["rules"]:
                assert host_allowed(rule["host"], allowed), (rule["host"], allowed)
        # Shutdown: SIGTERM, readiness 503 for the delay, then the drain; SIGKILL after that.
        delay = setting(service, env, "SHUTDOWN_DELAY_SECONDS")
        if delay is None:
            delay = service.constant("PRODUCTION_SHUTDOWN_DELAY_SECONDS")
        drain = float(delay) + float(setting(service, env, "GRACEFUL_SHUTDOWN_SECONDS"))
        assert pod["terminationGracePeriodSeconds"] > drain
        assert "preStop" not in server.get("lifecycle", {}), "the service drains itself"
        # Start-up may wait for the database; the readiness check has its own timeout.
        startup = server["startupProbe"]
        waits = float(setting(service, env, "DATABASE_STARTUP_TIMEOUT_SECONDS"))
        assert startup["periodSeconds"] * startup["failureThreshold"] > waits
        check = float(setting(service, env, "DATABASE_TIMEOUT_SECONDS"))
        assert server["readinessProbe"]["timeoutSeconds"] > check


def test_jobs_run_from_the_image_once_per_schedule_and_finish_on_sigterm(project: Path) -> None:
    """Background jobs: workers and exactly one beat on a database server, a jobs container
    (the worker with beat inside it) beside the server on SQLite; each has the broker's URL
    from the Secret and a grace period longer than a job may run."""
    package = answer(project, "package_name")
    single = answer(project, "database") == "sqlite"
    for overlay in OVERLAYS:
        objects = build(project, overlay)
        deployments = {
            item["metadata"]["labels"]["app.kubernetes.io/component"]: item
            for item in objects
            if item["kind"] == "Deployment"
        }
        if answer(project, "jobs") != "celery":
            assert set(deployments) == {"server"}
            assert len(server_deployment(objects)["spec"]["template"]["spec"]["containers"]) == 1
            continue
        limit = Service.of(project).default("JOBS_TIME_LIMIT_SECONDS")
        module = ["python", "-m", package]
        if single:
            assert set(deployments) == {"server"}
            pod = deployments["server"]["spec"]["template"]["spec"]
            runs = {"jobs": (pod, [*module, "worker", "--beat"])}
        else:
            assert set(deployments) == {"server", "worker", "beat"}
            beat = deployments["beat"]["spec"]
            assert (beat["replicas"], beat["strategy"]) == (1, {"type": "Recreate"})
            runs = {
                name: (deployments[name]["spec"]["template"]["spec"], [*module, name])
                for name in ("worker", "beat")
            }
        for name, (pod, command) in runs.items():
            [container] = [item for item in pod["containers"] if item["command"] == command]
            assert container["name"] == name
            _, from_secret = environment(container, objects)
            assert "JOBS_BROKER_URL" in from_secret
            if name != "beat":  # beat only sends messages; a worker finishes its jobs
                assert pod["terminationGracePeriodSeconds"] > limit


def allowed_hosts(service: Service, env: dict[str, str]) -> list[str] | None:
    """The service's allowed-hosts setting as the pod sees it; None if it has none."""
    if "ALLOWED_HOSTS" not in service.fields:
        return None
    value = setting(service, env, "ALLOWED_HOSTS")
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else value.split(",")
    return [str(host) for host in value if str(host).strip()]


def test_no_template_syntax_left(project: Path) -> None:
    for path in [*(project / "deploy").rglob("*"), project / "README.md"]:
        if path.is_file():
            text = GITHUB_EXPRESSION.sub("", path.read_text())
            assert not JINJA_LEFTOVER.search(text), path


def test_checks_skipped_in_the_manifests_say_why(project: Path) -> None:
    for overlay in OVERLAYS:
        for item in build(project, overlay):
            for key, value in item["metadata"].get("annotations", {}).items():
                if key.startswith("checkov.io/skip"):
                    check, _, reason = value.partition("=")
                    assert check in EXPLAINED_SKIPS, check
                    assert len(reason.split()) >= 8, value


def test_ci_validates_the_manifests(project: Path) -> None:
    """The generated pipeline builds and validates every overlay, and stays lint-clean."""
    derived = derive_for(project)
    pyproject = (project / "pyproject.toml").read_text()
    assert '"kubernetes-validate>=' in pyproject
    ci = answer(project, "ci")
    if ci == "github":
        workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
        job = workflow["jobs"]["manifests"]
        runs = [step["run"] for step in job["steps"] if "run" in step]
        assert runs == [
            "uv sync --locked",
            *derived["kubernetes_build_commands"],
            derived["kubernetes_validate_command"],
        ]
        workflows = sorted(str(path) for path in (project / ".github/workflows").glob("*.yml"))
        github = (".github",)
        schema = ("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
        tool(project, *schema, inputs=github)
        tool(project, "actionlint", f"-shellcheck={BIN / 'shellcheck'}", *workflows, inputs=github)
        tool(project, "zizmor", "--offline", str(project / ".github"), inputs=github)
    elif ci == "gitlab":
        pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
        build_job, validate_job = pipeline["manifests-build"], pipeline["manifests"]
        assert validate_job["needs"] == ["manifests-build"]
        assert build_job["artifacts"]["paths"] == derived["kubernetes_manifest_files"]
        # kubectl's commands, with the kustomize binary of the job's image.
        assert build_job["script"] == [
            command.replace("kubectl kustomize", "kustomize build")
            for command in derived["kubernetes_build_commands"]
        ]
        assert validate_job["script"] == [derived["kubernetes_validate_command"]]
        schema = ("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml")
        tool(project, *schema, inputs=(".gitlab-ci.yml",))
    readme = (project / "README.md").read_text()
    assert "## Kubernetes" in readme
    for command in [*derived["kubernetes_build_commands"], derived["kubernetes_validate_command"]]:
        assert command in readme


# ── across renders ──────────────────────────────────────────────────────────────────────


def test_overlays_share_one_source() -> None:
    """The overlays differ only in the environment they pick (catalog.py has its values)."""
    overlays = (
        TEMPLATE / "template/{% if kubernetes_kustomize %}deploy{% endif %}/kubernetes/overlays"
    )
    sources = {
        path.parent.name: path.read_text() for path in overlays.glob("*/kustomization.yaml.jinja")
    }
    assert set(sources) == set(OVERLAYS)
    bodies = {source.split("\n", 1)[1] for source in sources.values()}
    assert len(bodies) == 1
    for name, source in sources.items():
        assert (
            source.split("\n", 1)[0]
            == f"{{%- set environment = kubernetes_environments.{name} -%}}"
        )


ANSWERS = {
    "project_name": "Payments API",
    "package_name": "payments_api",
    "python_version": "3.13",
    "framework": "flask",
    "database": "postgresql",
    "auth": "jwt",
    "ci": "github",
}


def test_derive_kubernetes_on_a_server_database() -> None:
    derived = derive({**ANSWERS, "kubernetes": "kustomize"})
    assert derived["kubernetes_kustomize"] is True
    assert derived["kubernetes_migration_job"] is True
    assert derived["kubernetes_single_replica"] is False
    assert derived["kubernetes_secret_keys"] == ["SECRET_KEY", "DATABASE_URL"]
    assert derived["kubernetes_optional_secret_keys"] == [
        "RATE_LIMIT_STORAGE_URL",
        "SENTRY_DSN",
        "SMTP_URL",  # the mail server's URL may hold its password
        "SMTP_PASSWORD",
    ]
    environments = derived["kubernetes_environments"]
    assert list(environments) == OVERLAYS
    assert environments["production"]["namespace"] == "payments-api"
    assert environments["production"]["host"] == "payments-api.example.com"
    assert environments["development"]["namespace"] == "payments-api-development"
    assert all(environment["autoscaled"] for environment in environments.values())
    assert derived["kubernetes_image"] == "payments-api"
    assert derived["kubernetes_image_hint"] == "ghcr.io/OWNER/REPOSITORY"
    assert "kubernetes-validate>=1.37" in derived["dev_dependencies"]


def test_derive_kubernetes_on_sqlite_runs_one_replica() -> None:
    derived = derive({**ANSWERS, "database": "sqlite", "auth": "none", "kubernetes": "kustomize"})
    assert derived["kubernetes_single_replica"] is True
    assert derived["kubernetes_migration_job"] is False
    assert derived["kubernetes_secret_keys"] == ["SECRET_KEY"]
    assert derived["kubernetes_optional_secret_keys"] == ["SENTRY_DSN"]
    for environment in derived["kubernetes_environments"].values():
        assert (environment["replicas"], environment["max_replicas"]) == (1, 1)
        assert environment["autoscaled"] is False


def test_derive_without_the_kubernetes_answer_renders_no_manifests() -> None:
    """Answer files from before the question keep rendering what they rendered."""
    for answers in (ANSWERS, {**ANSWERS, "kubernetes": "none"}):
        derived = derive(answers)
        assert derived["kubernetes_kustomize"] is False
        assert not any("kubernetes" in requirement for requirement in derived["dev_dependencies"])
    registry = derive({**ANSWERS, "kubernetes": "kustomize", "container_registry": "r.example/x"})
    assert (
        registry["kubernetes_image"]
        == registry["kubernetes_image_hint"]
        == "r.example/x/payments-api"
    )


def test_no_manifests_by_default(default_project: Path) -> None:
    assert not (default_project / "deploy").exists()
    assert "kubernetes-validate" not in (default_project / "pyproject.toml").read_text()


def test_helm_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    assert_refused(tmp_path / "project", ["kubernetes=helm"], "A Helm chart is not available")


def test_manifests_use_the_organisation_registry(tmp_path: Path) -> None:
    project = render(
        tmp_path / "p",
        kubernetes="kustomize",
        database="postgresql",
        container_registry="registry.acme.example/platform",
    )
    for overlay in OVERLAYS:
        images = {
            container["image"]
            for spec in workloads(build(project, overlay))
            for container in containers(spec)
        }
        assert images == {"registry.acme.example/platform/my-service:v0.1.0"}


# Every branch of the manifests' templates: each framework (its command, its settings), SQLite
# and a server database, accounts or none, OIDC's settings.
# Background jobs on and off in turn: each framework and each database both ways.
SCANNED = [
    {"framework": framework, "database": database, "auth": auth, "jobs": jobs}
    for (framework, (database, auth)), jobs in zip(
        itertools.product(
            supported("framework"), (("sqlite", "oidc"), ("postgresql", "none"), ("mysql", "jwt"))
        ),
        itertools.cycle(("none", "celery")),
        strict=False,
    )
]


def test_checkov_finds_nothing_unexplained(tmp_path: Path) -> None:
    """One checkov run over every overlay of every template branch."""
    scanned = tmp_path / "manifests"
    scanned.mkdir()
    for index, answers in enumerate(SCANNED):
        project = render(tmp_path / f"p{index}", kubernetes="kustomize", **answers)
        for overlay in OVERLAYS:
            documents = build(project, overlay)
            (scanned / f"{index}-{overlay}.yaml").write_text(yaml.safe_dump_all(documents))
    checkov = [str(BIN / "uv"), "tool", "run", "--from", CHECKOV, "checkov"]
    options = ["--framework", "kubernetes", "--skip-download", "--output", "json"]
    result = subprocess.run(
        [*checkov, "--directory", str(scanned), *options],
        capture_output=True,
        text=True,
        timeout=600,
        env=uv_env(),
        check=False,
    )
    report = json.loads(result.stdout)
    summary = report["summary"]
    failed = report["results"].get("failed_checks", [])
    assert summary["failed"] == 0, [(f["check_id"], f["resource"]) for f in failed]
    assert summary["parsing_errors"] == 0
    skipped = {check["check_id"] for check in report["results"]["skipped_checks"]}
    assert skipped == EXPLAINED_SKIPS, skipped
    assert summary["passed"] > 0


@pytest.mark.slow
def test_the_readme_commands_validate_the_manifests(tmp_path: Path) -> None:
    """In an installed project, the check commands CI runs (and the README shows) pass, and
    fail on a manifest the API would refuse."""
    project = render(tmp_path / "p", kubernetes="kustomize", database="postgresql")
    install(project, "3.13" if python_for("3.13") else "3.12")
    env = uv_env(PATH=f"{Path(kubectl()).parent}:{BIN}:/usr/bin:/bin")
    derived = derive_for(project)
    script = " && ".join(
        [*derived["kubernetes_build_commands"], derived["kubernetes_validate_command"]]
    )

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", script],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    deployment = project / "deploy/kubernetes/base/deployment.yaml"
    deployment.write_text(deployment.read_text().replace("containerPort:", "containerPorts:"))
    result = run()
    assert result.returncode != 0
    assert "'containerPort' is a required property" in result.stdout, result.stdout + result.stderr


def read_only_root(command: list[str], writable: list[Path], tmp: Path) -> list[str]:
    """`command` as the pod runs it: the whole file system read-only but the given paths,
    and a fresh tmpfs (the pod's /tmp emptyDir) at ``tmp`` (a private mount namespace)."""
    steps = [
        *(f"mount --bind {shlex.quote(str(path))} {shlex.quote(str(path))}" for path in writable),
        "mount -o remount,bind,ro /",
        f"mount -t tmpfs -o size=64m,mode=1777 tmpfs {shlex.quote(str(tmp))}",
        f"exec {shlex.join(command)}",
    ]
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", " && ".join(steps)]


# A server database each framework on its own stack (Job), and SQLite (init container, volume).
PODS = [("fastapi", "postgresql"), ("flask", "sqlite"), ("django", "mysql")]


@pytest.mark.slow
@pytest.mark.parametrize(("framework", "database"), PODS, ids=["-".join(pod) for pod in PODS])
def test_pods_run_with_the_manifests_settings_on_a_read_only_root(
    tmp_path: Path, framework: str, database: str
) -> None:
    """The production overlay's containers, as a pod would run them: the migration then the
    server, with the ConfigMap's settings and the Secret's keys, on a read-only file system
    with only the mounted paths writable; the probes (with their Host header) pass, and
    SIGTERM drains and exits 0 within terminationGracePeriodSeconds."""
    if shutil.which("unshare") is None or Path("/proc/self/uid_map").read_text().split()[1] != "0":
        pytest.skip("needs root and unshare for a private read-only mount namespace")
    project = render(tmp_path / "p", kubernetes="kustomize", framework=framework, database=database)
    install(project, "3.13" if python_for("3.13") else "3.12")
    objects = build(project, "production")
    pod = server_deployment(objects)["spec"]["template"]["spec"]
    server = pod["containers"][0]
    migration = (
        pod["initContainers"][0]
        if database == "sqlite"
        else one(objects, "Job")["spec"]["template"]["spec"]["containers"][0]
    )
    settings, secret_keys = environment(server, objects)
    data, scratch = tmp_path / "data", tmp_path / "tmp"
    data.mkdir()
    scratch.mkdir()
    port = free_port()
    with database_url(project, data) as url:
        # The Secret as the README says to create it (Redis shares the rate limits), without
        # the optional SENTRY_DSN.
        secret = {
            "SECRET_KEY": PRODUCTION_SECRET,
            "DATABASE_URL": url,
            "RATE_LIMIT_STORAGE_URL": TEST_REDIS_URL,
        }
        env = uv_env(
            **(settings | {key: secret[key] for key in secret_keys if key in secret})
            | {
                # SQLite: the volume is elsewhere here than the pod's /app/var.
                "DATABASE_URL": url,
                "HOST": "127.0.0.1",  # the pod listens on its own network; here, loopback
                "PORT": str(port),
                "TMPDIR": str(scratch),  # the pod's /tmp
                "PATH": f"{project / '.venv/bin'}:/usr/bin:/bin",
            }
        )
        writable = [data] if database == "sqlite" else []
        migrated = subprocess.run(
            read_only_root(migration["command"], writable, scratch),
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        process = subprocess.Popen(
            read_only_root(server["command"], writable, scratch),
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        running = Server(f"http://127.0.0.1:{port}", process, env=env)
        try:
            for kind in ("startup", "liveness", "readiness"):
                probe = server[f"{kind}Probe"]["httpGet"]
                headers = {header["name"]: header["value"] for header in probe["httpHeaders"]}
                assert wait_for_status(running, probe["path"], headers) == 200, running.log
            # Behind the ingress, clients name the public host.
            host = one(objects, "Ingress")["spec"]["rules"][0]["host"]
            assert wait_for_status(running, "/health/live", {"Host": host}) == 200, running.log
            # The kubelet's SIGTERM: readiness turns 503 (traffic moves away) while the pod
            # still serves, then it drains and exits before the grace period's SIGKILL.
            process.send_signal(signal.SIGTERM)
            ready = server["readinessProbe"]["httpGet"]
            headers = {header["name"]: header["value"] for header in ready["httpHeaders"]}
            assert wait_for_status(running, ready["path"], headers, until=503) == 503
            code = running.wait(timeout=pod["terminationGracePeriodSeconds"])
        finally:
            if process.poll() is None:
                process.kill()
                running.wait(timeout=30)
    assert code == 0, running.log
    assert "Read-only file system" not in running.log


def wait_for_status(
    server: Server, path: str, headers: dict[str, str], until: int | None = None
) -> int:
    """The status of GET ``path`` once the server answers (and answers ``until``, if given)."""
    status = 0
    for _ in range(300):
        if server.process.poll() is not None:
            pytest.fail(f"the server exited:\n{server.log}")
        try:
            status = httpx.get(f"{server.base_url}{path}", headers=headers, timeout=5).status_code
        except httpx.TransportError:
            status = 0
        if status and (until is None or status == until):
            return status
        time.sleep(0.2)
    pytest.fail(f"GET {path} answered {status}:\n{server.log}")
