"""A backfill translates for Dataflow offline (DataflowRunner --dry_run=True): no credentials, no listing of
gs:// inputs, no state read; the job reads WARC files and ends in the shared tail of every job."""

from __future__ import annotations

from pipeline.errors import EXIT_OK
from pipeline.run import pipeline_options_from
from pipeline.warc.job import backfill

DATAFLOW = [
    "--runner=DataflowRunner", "--dry_run=True", "--project=wirebeam-test", "--region=us-central1",
    "--temp_location=gs://wirebeam-test-bucket/tmp", "--sdk_location=container",
    "--sdk_container_image=us-central1-docker.pkg.dev/wirebeam-test/wirebeam/wirebeam:0.1.0",
]


def test_backfill_translates_for_dataflow_without_touching_storage():
    seen = {}

    def finish(plan, result, argv):
        seen.update(plan=plan, job=result.job, argv=argv)
        return EXIT_OK

    code = backfill(["--warc", "gs://wirebeam-test-bucket/cc-news/*.warc.gz", "--output", "gs://wirebeam-test-bucket/news",
                     "--run-id", "bf", "--languages", "en,fr", *DATAFLOW], finish, options_from=pipeline_options_from)
    assert code == EXIT_OK and seen["plan"].dry_run and seen["plan"].run_id == "bf-0001"
    steps = {t.unique_name for t in seen["job"].proto_pipeline.components.transforms.values()}
    for step in ("ReadArchives/SpreadFiles", "ReadArchives/ReadRecords", "DropSeenPages", "ExtractArticles",
                 "KeepLanguages", "WriteWarcLedger", "EnrichAndWrite/EnrichArticles", "EnrichAndWrite/WriteManifest"):
        assert any(name == step or name.startswith(step + "/") for name in steps), step
