"""Rendering: ``layout`` turns a walkthrough into blocks, one writer per format writes them
(terminal, Markdown, LaTeX, HTML); JSON and DOT read the model's values directly."""
