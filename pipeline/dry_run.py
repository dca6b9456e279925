"""What `--dry_run=True` prints: the job as translated, without touching any storage."""

from __future__ import annotations

from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions, WorkerOptions

from pipeline.plan import RunPlan


def job_summary(plan: RunPlan, result: Any, options: PipelineOptions) -> dict[str, Any]:
    """Runner, job name, steps, locations and container image of a translated job (pure of I/O)."""
    job = getattr(result, "job", None)  # DataflowRunner's dry run keeps the job description it built
    proto = getattr(job, "proto", None)
    pipeline_proto = getattr(job, "proto_pipeline", None)
    steps = None
    if pipeline_proto is not None:
        # the leaf transforms: what the runner executes (composites only group them)
        steps = sum(1 for t in pipeline_proto.components.transforms.values() if not t.subtransforms)
    runner = options.view_as(StandardOptions).runner
    return {
        "runner": runner if isinstance(runner, str) else type(runner).__name__,
        "job_name": getattr(proto, "name", None),
        "job_type": proto.type_.name if proto is not None else None,
        "steps": steps,
        "run_id": plan.run_id,
        "output": plan.output,
        "state": plan.state_root,
        "feeds_listed": len(plan.feeds),
        "container_image": options.view_as(WorkerOptions).sdk_container_image,
    }


def format_job_summary(summary: dict[str, Any]) -> str:
    lines = [
        f"dry run: the job translated for {summary['runner']}; nothing was submitted, read or written.",
        f"  job name        {summary['job_name'] or '(none)'}" + (f" ({summary['job_type']})" if summary["job_type"] else ""),
        f"  steps           {summary['steps'] if summary['steps'] is not None else '(not known for this runner)'}",
        f"  run id          {summary['run_id']}",
        f"  feeds listed    {summary['feeds_listed']}",
        f"  output          {summary['output']}",
        f"  state           {summary['state']}",
        f"  container image {summary['container_image'] or '(Beam default: dependencies installed at start-up)'}",
        "Submit it by running the same command without --dry_run.",
    ]
    return "\n".join(lines)


def describe_dry_run(plan: RunPlan, result: Any, argv: list[str]) -> str:
    return format_job_summary(job_summary(plan, result, PipelineOptions(argv)))
