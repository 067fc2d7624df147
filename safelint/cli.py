"""The ``safelint`` command: a thin click group; each subcommand lives in commands/."""

from __future__ import annotations

import click

from safelint import __version__
from safelint.commands.check import check
from safelint.commands.eval import eval_cmd
from safelint.commands.prism import prism_cmd
from safelint.commands.rule import rule_cmd
from safelint.commands.stats import stats_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="safelint")
def main() -> None:
    """Find and fix biometric leakage (age, gender, race, eye colour, weight) in ML datasets."""


main.add_command(check)
main.add_command(rule_cmd)
main.add_command(stats_cmd)
main.add_command(eval_cmd)
main.add_command(__import__('safelint.commands.fix', fromlist=['fix_cmd']).fix_cmd)
main.add_command(prism_cmd)


if __name__ == "__main__":
    main()
