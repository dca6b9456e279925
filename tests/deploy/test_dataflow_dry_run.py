"""The job translates for Dataflow, offline: DataflowRunner --dry_run=True builds the
job description without credentials or network, and we check real properties of it."""

from __future__ import annotations

import base64
import bz2
import re

import pytest
from apache_beam.internal import pickler
from apache_beam.portability import common_urns
from apache_beam.portability.api import beam_runner_api_pb2

from pipeline.sample.server import SampleServer

IMAGE = "us-central1-docker.pkg.dev/wirebeam-test/wirebeam/wirebeam:0.1.0"
OUTPUT = "gs://wirebeam-test-bucket/news"
STATE = "gs://wirebeam-test-bucket/state"
DATAFLOW = [
    "--runner=DataflowRunner", "--dry_run=True", "--project=wirebeam-test", "--region=us-central1",
    "--temp_location=gs://wirebeam-test-bucket/tmp", f"--sdk_container_image={IMAGE}", "--sdk_location=container",
]
# What the submitter uploads itself from its temp dir: never code or paths a worker would read.
STAGED_BY_SUBMITTER = {"pickled_main_session", "submission_environment_dependencies.txt"}


def translate(extra: list[str]):
    """(plan, job) of a dry run; the feed list is a feed on a loopback server, so no local path is involved."""
    with SampleServer() as server:
        feed = server.origins["wire"] + "/rss/world.xml"
        args = ["--feeds", feed, "--allow-hosts", server.allow_hosts, "--output", OUTPUT, "--state", STATE,
                *DATAFLOW, *extra]
        if "--streaming" in extra:
            from pipeline.streaming import run_streaming

            plan, result = run_streaming(args)
        else:
            from pipeline.run import run

            plan, result = run(args)
    return plan, result.job


@pytest.fixture(scope="module")
def batch_job():
    return translate(["--run-id", "dry-run-1"])


@pytest.fixture(scope="module")
def streaming_job():
    return translate(["--streaming", "--no-enrich", "--run-id", "stream-1", "--poll-interval", "10m"])


def transforms(job):
    return job.proto_pipeline.components.transforms.values()


def names(job) -> set[str]:
    return {t.unique_name for t in transforms(job)}


def plain(payload: bytes) -> bytes:
    """A transform payload with every pickled (base64 + bz2) DoFn inside it opened up."""
    opened = [payload]
    if payload:
        try:
            do_fn = beam_runner_api_pb2.ParDoPayload.FromString(payload).do_fn.payload
            opened.append(bz2.decompress(base64.b64decode(do_fn)))
        except Exception:  # not a ParDo, or not a pickled Python DoFn: searched as it is
            pass
    return b"".join(opened)


def pardo_dofns(job):
    """Every DoFn of the translated job, unpickled from the job's own payload."""
    dofns = []
    for transform in transforms(job):
        if transform.spec.urn == common_urns.primitives.PAR_DO.urn:
            payload = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload)
            if payload.do_fn.urn == "beam:dofn:pickled_python_info:v1":
                fn, *_ = pickler.loads(payload.do_fn.payload)
                dofns.append((transform.unique_name, fn, payload))
    return dofns


def test_batch_job_has_the_pipeline_steps(batch_job):
    plan, job = batch_job
    assert job.proto.type_.name == "JOB_TYPE_BATCH"
    steps = names(job)
    for step in ("ListFeeds", "IngestFeeds/PollFeeds", "IngestFeeds/DedupeItems", "IngestFeeds/DropSeenItems",
                 "IngestFeeds/FetchPages/FetchHostQueues", "IngestFeeds/ExtractArticles",
                 "EnrichAndWrite/EnrichArticles", "EnrichAndWrite/StageArticles/StageRows",
                 "EnrichAndWrite/KeepOneCopy/ChooseCopy", "EnrichAndWrite/DropSeenArticles",
                 "EnrichAndWrite/WriteArticles/WriteFiles", "EnrichAndWrite/WriteSeenState/WriteFiles",
                 "EnrichAndWrite/SignStories", "EnrichAndWrite/AssignStories/Assign",
                 "EnrichAndWrite/WriteStories/WriteFiles", "EnrichAndWrite/WriteStoryRecords/WriteFiles",
                 "EnrichAndWrite/WriteDeadLetters/WriteFiles", "EnrichAndWrite/WriteManifest/Write"):
        assert step in steps, step
    assert plan.feeds and plan.feeds[0].url.endswith("/rss/world.xml")


def test_every_dofn_pickles_and_comes_from_an_installed_package(batch_job):
    _plan, job = batch_job
    dofns = pardo_dofns(job)
    assert len(dofns) > 20
    for name, fn, _payload in dofns:
        module = type(fn).__module__
        # Workers import these from the container image: pipeline.* (our package) or Beam itself.
        assert module.split(".")[0] in ("pipeline", "apache_beam"), (name, module)
    ours = {type(fn).__name__ for _n, fn, _p in dofns if type(fn).__module__.startswith("pipeline.")}
    assert {"PollHostFeedsFn", "FetchHostQueuesFn", "WritePartitionFileFn", "StageRowsFn", "FinalizePartitionFn",
            "WriteManifestFn", "EnrichArticlesFn", "AssignStoriesFn"} <= ours


def test_the_container_image_option_is_honoured(batch_job):
    _plan, job = batch_job
    environments = job.proto_pipeline.components.environments
    docker = [env for env in environments.values() if env.urn == common_urns.environments.DOCKER.urn]
    assert docker and len(environments) == len(docker)
    for env in docker:
        assert beam_runner_api_pb2.DockerPayload.FromString(env.payload).container_image == IMAGE
        staged = {beam_runner_api_pb2.ArtifactStagingToRolePayload.FromString(d.role_payload).staged_name
                  for d in env.dependencies}
        # --sdk_location=container and no setup_file/requirements: no SDK tarball, no pip install on workers
        assert staged <= STAGED_BY_SUBMITTER, staged
    assert job.options.get_all_options()["sdk_container_image"] == IMAGE


def test_outputs_are_gcs_paths_and_no_local_path_is_baked_in(batch_job, tmp_path):
    _plan, job = batch_job
    payloads = b"".join(plain(t.spec.payload) for t in transforms(job))
    assert f"{OUTPUT}/articles".encode() in payloads
    assert f"{OUTPUT}/dead_letters".encode() in payloads
    assert f"{STATE}/seen".encode() in payloads
    assert f"{OUTPUT}/stories".encode() in payloads and f"{STATE}/stories".encode() in payloads
    # Absolute local paths in the pickled functions may only be the source file names of
    # functions pickled by value (code metadata, never opened by a worker): no data path.
    local_paths = {m.decode() for m in re.findall(rb"(?:/tmp|/work|/home|/root|/var|/srv|/opt)/[^\x00-\x1f\x7f-\xff\"']*",
                                                 payloads)}
    assert all(path.endswith(".py") for path in local_paths), sorted(p for p in local_paths if not p.endswith(".py"))
    assert str(tmp_path.parent.parent).encode() not in payloads
    assert not re.search(rb"file://", payloads)
    writers = [fn for _n, fn, _p in pardo_dofns(job)
               if type(fn).__name__ in ("WritePartitionFileFn", "FinalizePartitionFn")]
    assert len(writers) == 5  # articles, dead letters, seen state, stories, story records
    assert all(fn._base.startswith("gs://wirebeam-test-bucket/") for fn in writers)
    stagers = [fn for _n, fn, _p in pardo_dofns(job) if type(fn).__name__ == "StageRowsFn"]
    assert [(fn._output, fn._run_id, fn._name) for fn in stagers] == [(OUTPUT, _plan.run_id, "articles")]


def test_streaming_job_is_unbounded_with_state_and_windows(streaming_job):
    plan, job = streaming_job
    assert job.proto.type_.name == "JOB_TYPE_STREAMING"
    steps = names(job)
    assert "PollTicks" in steps and "StreamingIngest/FixedWindows" in steps
    # the same graph as batch (job.py), with the live seen state: the store, then a lease
    for step in ("StreamingIngest/IngestFeeds/DropSeenItems/DropWritten",
                 "StreamingIngest/IngestFeeds/DropSeenItems/LeaseUnseen/Lease",
                 "StreamingIngest/EnrichAndWrite/DropSeenArticles/LeaseUnseen/Lease",
                 "StreamingIngest/EnrichAndWrite/WriteSeenState/WriteFiles",
                 "StreamingIngest/EnrichAndWrite/AssignStories/AssignCarryingRecent",
                 "StreamingIngest/EnrichAndWrite/AssignStories/BackIntoWindowsStories",
                 "StreamingIngest/EnrichAndWrite/WriteStories/WriteFiles",
                 "StreamingIngest/EnrichAndWrite/WriteManifest/Write"):
        assert step in steps, step
    batch_steps = {name for name in steps if name.startswith("StreamingIngest/EnrichAndWrite/")}
    assert len(batch_steps) > 20
    pcollections = job.proto_pipeline.components.pcollections.values()
    assert any(pc.is_bounded == beam_runner_api_pb2.IsBounded.UNBOUNDED for pc in pcollections)
    stateful = [p for _name, fn, p in pardo_dofns(job) if type(fn).__name__ == "LeaseFn"]
    assert len(stateful) == 2
    for payload in stateful:
        assert set(payload.state_specs) == {"leased_until_micros"} and set(payload.timer_family_specs) == {"ts-expire"}  # Beam prefixes timer ids
    # stories carry the records of recent windows in keyed state until the store has them
    (carry,) = [p for _name, fn, p in pardo_dofns(job) if type(fn).__name__ == "CarryRecentStoriesFn"]
    assert set(carry.state_specs) == {"recent_story_records"}
    windows = {
        beam_runner_api_pb2.WindowingStrategy.FromString(ws.SerializeToString()).window_fn.urn
        for ws in job.proto_pipeline.components.windowing_strategies.values()
    }
    assert common_urns.fixed_windows.urn in windows and common_urns.global_windows.urn in windows
    assert plan.run_id == "stream-1"


def test_batch_and_streaming_are_one_job_graph(batch_job, streaming_job):
    """Every step of the batch job's ingest and tail is in the streaming job, under its source and windows;
    they differ only in how the seen state is asked (a snapshot vs the store read as it grows, plus a lease),
    in how stories are assigned (streaming also matches recent windows' records kept in keyed state)
    and in batch's one manifest even for an empty run (WriteManifest/Once)."""
    def shared_steps(names_: set[str], prefix: str) -> set[str]:
        return {name[len(prefix):] for name in names_ if name.startswith(prefix)
                and not any(part in name for part in ("DropSeenItems/", "DropSeenArticles/", "EnrichArticles",
                                                      "WriteManifest/Once", "Tag[3]", "AssignStories/"))}

    batch = {f"{top}/{rest}" for top in ("IngestFeeds", "EnrichAndWrite")
             for rest in shared_steps(names(batch_job[1]), f"{top}/")}
    streaming = {f"{top}/{rest}" for top in ("IngestFeeds", "EnrichAndWrite")
                 for rest in shared_steps(names(streaming_job[1]), f"StreamingIngest/{top}/")}
    assert len(batch) > 40
    assert batch <= streaming, sorted(batch - streaming)
    assert {name.split("/")[1] for name in streaming - batch} <= {"CountDeferredItems", "CountDeferredArticles"}
