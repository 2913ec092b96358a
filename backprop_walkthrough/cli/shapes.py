"""`shapes`: the embedding MLP's tensors, forward and backward, and why each has its shape."""

from __future__ import annotations

import sys

import click

from .common import (
    CONTEXT_SETTINGS,
    complete_shapes,
    debug_option,
    deliver,
    format_option,
    output_option,
    scenario_argument,
    terminal,
    user_errors,
)

#: A gradient of the learner's is wrong: like a test runner (and `check`), exit 1.
EXIT_WRONG_TENSORS = 1


@click.command(context_settings=CONTEXT_SETTINGS)
@scenario_argument(complete_shapes)
@click.option(
    "--words",
    default=None,
    help="Comma-separated words (default: emma, olivia, ava, isabella, sophia: 32 examples).",
)
@click.option("--block-size", type=int, default=None, help="Characters of context (default 3).")
@click.option("--embedding-dim", type=int, default=None, help="Numbers per character (default 3).")
@click.option("--hidden", type=int, default=None, help="Hidden neurons (default 100).")
@click.option(
    "--w1-rows",
    type=int,
    default=None,
    help="Declare the first layer's input size (default: what fits) to see a mismatch explained.",
)
@click.option(
    "--numbers",
    is_flag=True,
    help="Also every tensor with numbers: parameters from a seed, the forward pass, the "
    "manual backprop of the exercise, and every gradient checked against autodiff.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="The parameters' seed for --numbers (default: the scenario's init: {seed}, or the "
    "lecture's 2147483647).",
)
@click.option(
    "--train",
    "train_steps",
    type=int,
    default=0,
    metavar="STEPS",
    help="Exercise 4: train STEPS steps with the manual backward pass (learning rate 0.1, the "
    "whole dataset as the batch) and plot the loss; implies --numbers.",
)
@click.option(
    "--check",
    "check_file",
    default=None,
    metavar="FILE",
    help="Check your own tensors of the exercise: a JSON object or an .npz of C, W1, b1, W2, "
    "b2 (bngain, bnbias), Xb, Yb and your gradients dlogprobs … dC, by the lecture's names. "
    "Prints the lecture's cmp table; exits 1 if a gradient is wrong.",
)
@click.option(
    "--batchnorm/--no-batchnorm",
    default=None,
    help="A batchnorm layer before tanh, as in the lecture's exercise (default: the scenario's; "
    "the built-in makemore4 has one).",
)
@format_option(
    ("text", "json", "markdown"), "text (default), json (every tensor and example), markdown."
)
@output_option("Write to FILE; the format follows its suffix (.txt .json .md).")
@debug_option
def shapes(
    scenario: str | None,
    words: str | None,
    block_size: int | None,
    embedding_dim: int | None,
    hidden: int | None,
    w1_rows: int | None,
    numbers: bool,
    seed: int | None,
    train_steps: int,
    check_file: str | None,
    batchnorm: bool | None,
    output_format: str | None,
    output: str | None,
    debug: bool,
) -> None:
    """The shapes of a character-level MLP, forward and backward, step by step.

    Builds the dataset from words as the lecture does (context of BLOCK_SIZE characters →
    the next one), then follows every tensor: X, C, C[X], the view, W1, b1, h, W2, b2, the
    logits and the loss, and back again down to dC. SCENARIO is an optional YAML file with
    `kind: embedding_mlp`; options override it.

    \b
    Examples:
      backprop-walkthrough shapes
      backprop-walkthrough shapes --block-size 4 --embedding-dim 2 --hidden 64
      backprop-walkthrough shapes --w1-rows 6        # a first layer that does not fit
      backprop-walkthrough shapes --format json > shapes.json
      backprop-walkthrough shapes --numbers          # the exercise: every tensor, checked
      backprop-walkthrough shapes makemore4 --numbers  # the lecture's sizes, with batchnorm
      backprop-walkthrough shapes makemore4 --train 1000  # exercise 4: the loss curve
      backprop-walkthrough shapes --check my-tensors.npz  # your own gradients, checked
    """
    with user_errors(debug):
        from .. import api
        from ..outputs import format_for

        if check_file is not None:
            report = api.check_tensor_file(check_file)
            output_format = format_for(output, output_format)
            if output is None and output_format == "text":
                terminal().print(api.terminal_view(report))
            else:
                deliver(api.export(report, output_format), output, protect=[check_file])
            if not report.all_right:
                sys.exit(EXIT_WRONG_TENSORS)
            return

        walked = api.shapes(
            scenario,
            words=None if words is None else [w.strip() for w in words.split(",") if w.strip()],
            block_size=block_size,
            embedding_dim=embedding_dim,
            hidden=hidden,
            w1_rows=w1_rows,
            numbers=numbers,
            seed=seed,
            batchnorm=batchnorm,
            train=train_steps,
        )
        output_format = format_for(output, output_format)
        if output is None and output_format == "text":
            terminal().print(api.terminal_view(walked))
            return
        deliver(api.export(walked, output_format), output, protect=[scenario])


COMMANDS = (shapes,)
