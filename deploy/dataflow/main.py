"""Flex Template launcher entry point (FLEX_TEMPLATE_PYTHON_PY_FILE in the Dockerfile).

The Flex Template launcher starts `python main.py --name=value ...` with the
template's parameters (metadata.json) plus Dataflow's own options (--runner,
--project, --region, --temp_location, --job_name, --sdk_container_image ...).
Template parameter names use underscores and every value is text, so
`--max_articles=50` becomes wirebeam's `--max-articles=50` and `--no_enrich=true`
becomes the flag `--no-enrich`. The job is submitted and this process returns
without waiting: a Flex Template launcher must not block on its job.

Also usable from Airflow's BeamRunPythonPipelineOperator (deploy/schedule/).
"""

from __future__ import annotations

import argparse
import logging
import sys

# Boolean template parameters -> the flag they switch on (Beam's --streaming included).
FLAG_PARAMETERS = {"no_enrich": "--no-enrich", "spacy_parser": "--spacy-parser",
                   "ignore_robots": "--ignore-robots", "streaming": "--streaming"}
TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no", ""}


def wirebeam_flag_names() -> dict[str, str]:
    """underscore_name -> --dashed-name for every wirebeam option that has a dash in its flag."""
    from pipeline.options import WirebeamOptions
    from pipeline.streaming import StreamingOptions

    parser = argparse.ArgumentParser(add_help=False)
    WirebeamOptions._add_argparse_args(parser)
    StreamingOptions._add_argparse_args(parser)
    names = {}
    for action in parser._actions:
        for flag in action.option_strings:
            if "-" in flag[2:]:
                names[flag[2:].replace("-", "_")] = flag
    return names


def launcher_argv(argv: list[str]) -> list[str]:
    """Template-style arguments -> wirebeam/Beam command-line arguments."""
    dashed = wirebeam_flag_names()
    out: list[str] = []
    for arg in argv:
        if not arg.startswith("--") or "=" not in arg:
            out.append(arg)
            continue
        name, value = arg[2:].split("=", 1)
        if name in FLAG_PARAMETERS:
            word = value.strip().lower()
            if word in TRUE_WORDS:
                out.append(FLAG_PARAMETERS[name])
            elif word not in FALSE_WORDS:
                raise ValueError(f"--{name}={value!r}: use true or false")
            continue
        out.append(f"{dashed.get(name, '--' + name)}={value}")
    return out


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = launcher_argv(list(sys.argv[1:] if argv is None else argv))
    if "--streaming" in args:
        from pipeline.streaming import run_streaming

        plan, _result = run_streaming(args)
    else:
        from pipeline.run import run

        plan, _result = run(args)
    logging.getLogger("wirebeam").info("submitted run %s writing to %s", plan.run_id, plan.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
